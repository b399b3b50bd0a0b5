"""cold-start: the cold start as Lambda pays it, over a bare boto3 handler making the same calls.

Each probe is a fresh interpreter of the Lambda runtime's Python (3.12) that imports a handler
module and answers two API Gateway proxy events through it, `POST /v1/tickets` then
`POST /v1/status`, as the runtime would pass them (`module.handler(event, context)`):

- loket: the Lambda package as `make package` builds it (infra/package.py: app.py, chalicelib,
  chalice and the vendored pynamodb and PyJWT, with their 3.12 bytecode), unzipped, first on
  sys.path, boto3/botocore behind it where the runtime keeps them (infra/coldstart.py's
  `runtime_boto3`); the entry is `app.app`, as chalice's template names it;
- bare: a module that imports boto3, makes a DynamoDB client and, for each event, replays the
  very DynamoDB requests loket made for it (operation and parameters, as the stand-in received
  them), and answers 200.

DynamoDB is the embedded moto server's backend, served on 127.0.0.1 by this process (one request
at a time) and stopped after. It logs every request, which is how the calls loket makes are
counted and captured, independently of loket's code. Each round gives each probe tables of its
own, fresh and holding the same one application, so both meet the same state and every
replayed request gets the answer loket's got (checked: same operations, same HTTP statuses).

`POST /v1/tickets` carries a resident token minted with loket's own code (chalicelib.http.auth),
as a verified phone's would be, and the authorizer's verdict in `requestContext`, where API
Gateway puts it; LOKET_TICKET_PROOF is not set, so whatever its default is in force. Secrets are
in the environment (in AWS they come from SSM: a call neither probe makes here).

The probes alternate, the order swapped each round, after one warm-up each (the page cache);
medians of the whole processes' wall time and CPU time (user + system; the steadier on a
shared machine). Interpreter start-up is in both and so in the ratio.
"""

from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import tempfile
import time
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import OFFLINE_ENV, median, report

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = 15
GOAL = 1.1
NIK = "3505121708850001"
PHONE = "6285700000001"
CLIENT_ADDRESS = "203.0.113.7"
STAGE = "prod"
# The settings of both this process (which mints the token and makes the tables) and the probes.
# Every weekday open: the bench takes a ticket for today, whatever day it runs.
SETTINGS = {
    "LOKET_NIK_HMAC_KEY": "bench-nik-hmac-key-0123456789abcdef-0123456789",
    "LOKET_JWT_SECRET": "bench-jwt-secret-0123456789abcdef-0123456789ab",
    "LOKET_STAGE": STAGE,
    "LOKET_OPEN_WEEKDAYS": "mon,tue,wed,thu,fri,sat,sun",
}
REQUESTS = ("/v1/tickets", "/v1/status")
MARK = "/bench-next-request"  # what the recording run asks the stand-in between two requests

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]


@dataclass(frozen=True)
class Call:
    """One DynamoDB request as the stand-in received it, and the HTTP status it answered."""

    operation: str
    params: dict[str, Any]
    status: int
    request: int  # which of REQUESTS it served


class RecordingStandIn:
    """moto's DynamoDB on 127.0.0.1, one request at a time, logging each request."""

    def __init__(self) -> None:
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        from local.background import BackgroundServer

        class QuietHandler(MotoRequestHandler):  # type: ignore[misc]
            def log_request(self, *args: object, **kwargs: object) -> None:
                pass

        self.calls: list[Call] = []
        self._request = 0
        self._moto: WsgiApp = DomainDispatcherApplication(create_backend_app)
        server = make_server("127.0.0.1", 0, self._app, threaded=False, request_handler=QuietHandler)
        self._server = BackgroundServer(server, name="bench-dynamodb")

    @property
    def endpoint(self) -> str:
        return self._server.base_url

    def start(self) -> RecordingStandIn:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def forget(self) -> None:
        self.calls, self._request = [], 0

    def _app(self, environ: Environ, start_response: StartResponse) -> list[bytes]:
        if environ.get("PATH_INFO") == MARK:
            self._request += 1
            start_response("204 No Content", [])
            return []
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(body)
        statuses: list[int] = []

        def recording_start(status: str, headers: Any, *args: Any) -> Any:
            statuses.append(int(status.split(" ", 1)[0]))
            return start_response(status, headers, *args)

        answer = self._moto(environ, recording_start)
        try:
            content = [b"".join(answer)]
        finally:
            close = getattr(answer, "close", None)
            if close is not None:
                close()
        operation = str(environ.get("HTTP_X_AMZ_TARGET", "")).rsplit(".", 1)[-1]
        self.calls.append(Call(operation, json.loads(body or b"{}"), statuses[0], self._request))
        return content


# --- the two handlers ---------------------------------------------------------------------

# The runtime imports the handler's module and passes each event to its function.
# It prints the answers and the CPU time of each phase (the import, then each event).
_PROBE = """
import json, sys, time
sys.path[:0] = {paths!r}
phases = [time.process_time()]
import {module} as handler_module
phases.append(time.process_time())
events = json.loads(sys.argv[1])
answers = []
for index, event in enumerate(events):
    if index and {mark!r}:
        import urllib.request  # the recording run only: tells the stand-in the next request starts
        urllib.request.urlopen(urllib.request.Request({mark!r}, method="POST")).close()
    answer = handler_module.{entry}(event, None)
    phases.append(time.process_time())
    answers.append([answer["statusCode"], json.loads(answer["body"])])
print(json.dumps([answers, [b - a for a, b in zip(phases, phases[1:])]]))
"""

_BARE_HANDLER = '''"""A bare handler: boto3's DynamoDB client and, per event, the calls loket made for it."""

import json
import os

import boto3
from botocore.exceptions import ClientError

client = boto3.client("dynamodb")
with open(os.environ["BENCH_CALLS"]) as calls_file:
    CALLS = json.load(calls_file)


def handler(event, context):
    body = json.loads(event["body"])
    statuses = []
    for method, params in CALLS[event["path"]]:
        try:
            getattr(client, method)(**params)
            statuses.append(200)
        except ClientError as error:
            statuses.append(error.response["ResponseMetadata"]["HTTPStatusCode"])
    return {"statusCode": 200, "body": json.dumps({"statuses": statuses, "fields": sorted(body)})}
'''


def events(token: str, subject: str) -> list[dict[str, Any]]:
    """API Gateway (REST, proxy) events for the two requests, as a phone's browser sends them."""

    def event(path: str, body: dict[str, Any], authorizer: dict[str, Any] | None) -> dict[str, Any]:
        headers = {"Content-Type": "application/json", "Accept": "application/json", "Host": "api.loket.test"}
        if authorizer is not None:
            headers["Authorization"] = f"Bearer {token}"
        context: dict[str, Any] = {
            "resourcePath": path,
            "httpMethod": "POST",
            "path": f"/api{path}",
            "stage": "api",
            "requestId": str(uuid.uuid4()),
            "identity": {"sourceIp": CLIENT_ADDRESS, "userAgent": "bench"},
        }
        if authorizer is not None:
            context["authorizer"] = authorizer
        return {
            "resource": path,
            "path": path,
            "httpMethod": "POST",
            "headers": headers,
            "multiValueHeaders": {name: [value] for name, value in headers.items()},
            "queryStringParameters": None,
            "multiValueQueryStringParameters": None,
            "pathParameters": None,
            "stageVariables": None,
            "requestContext": context,
            "body": json.dumps(body),
            "isBase64Encoded": False,
        }

    resident = {"principalId": subject, "role": "resident"}
    return [event("/v1/tickets", {"nik": NIK}, resident), event("/v1/status", {"nik": NIK}, None)]


def resident_token() -> tuple[str, str]:
    """(token, subject) of a verified phone, made by loket's own code with the bench's secrets."""
    from chalicelib.core.phone import parse_phone
    from chalicelib.http.auth import mint
    from chalicelib.settings import HashPurpose, hash_key, reset, secret, settings

    reset()
    subject = parse_phone(PHONE).keyed_hash(hash_key(HashPurpose.PHONE))
    config = settings()
    token = mint("resident", subject, secret("LOKET_JWT_SECRET"), config.jwt_issuer, config.jwt_audience)
    reset()
    return token, subject


def fresh_tables(endpoint: str) -> str:
    """A new table prefix on the stand-in with every table loket has, holding one application of
    NIK and today prepared, as the midnight rollover leaves it (residents never pay for that)."""
    from datetime import UTC, datetime

    from chalicelib.core.applications import Application, Service, Stage
    from chalicelib.core.nik import parse_nik
    from chalicelib.core.service_day import service_day
    from chalicelib.services.days import rollover
    from chalicelib.settings import HashPurpose, hash_key, settings
    from chalicelib.store.dynamo import DynamoStore
    from chalicelib.store.models import MODELS, bind

    prefix = f"b{uuid.uuid4().hex[:12]}"
    bind(prefix, OFFLINE_ENV["AWS_REGION"], endpoint)
    for model in MODELS.values():
        model.create_table(wait=False, ignore_update_ttl_errors=True)
    nik = parse_nik(NIK)
    application = Application(Service.EKTP, Stage.PRINTING, datetime(2026, 11, 30, 9, tzinfo=UTC))
    store = DynamoStore()
    store.record_application(nik.keyed_hash(hash_key(HashPurpose.NIK)), nik.last4, application)
    rollover(store, settings(), service_day(datetime.now(UTC), settings().tz))
    return prefix


# --- the run ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Setup:
    python: str
    site: Path  # boto3 and botocore as the runtime has them
    task: Path  # the unzipped package
    bare: Path  # the bare handler's folder
    stand_in: RecordingStandIn
    events: list[dict[str, Any]]


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    answers: list[Any]
    phases: list[float]  # CPU seconds of the import, then of each event, inside the process


def environment(setup: Setup, prefix: str, calls_file: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "LOKET_", "PYTHON"))}
    env.update(OFFLINE_ENV)
    env.update(SETTINGS)
    env.update(
        {
            "AWS_ENDPOINT_URL_DYNAMODB": setup.stand_in.endpoint,
            "AWS_LAMBDA_FUNCTION_NAME": f"loket-{STAGE}-APIHandler",
            "LOKET_TABLE_PREFIX": prefix,
        }
    )
    if calls_file is not None:
        env["BENCH_CALLS"] = str(calls_file)
    return env


def fresh(setup: Setup, which: str, prefix: str, calls_file: Path | None = None, record: bool = False) -> Run:
    """One fresh interpreter answering both events through `which` handler ("loket" or "bare")."""
    paths, module, entry, cwd = (
        ([str(setup.task), str(setup.site)], "app", "app", setup.task)
        if which == "loket"
        else ([str(setup.bare), str(setup.site)], "bare_handler", "handler", setup.bare)
    )
    mark = setup.stand_in.endpoint + MARK if record else ""
    code = _PROBE.format(paths=paths, module=module, entry=entry, mark=mark)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [setup.python, "-I", "-B", "-c", code, json.dumps(setup.events)],
        cwd=cwd, env=environment(setup, prefix, calls_file), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"the {which} probe failed:\n{done.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    answers, phases = json.loads(done.stdout.strip().splitlines()[-1])
    return Run(wall, cpu, answers, phases)


def replay_file(calls: list[Call], loket_prefix: str, bare_prefix: str, folder: Path) -> Path:
    """The calls loket made, by request path, for the bare handler, on the bare tables."""
    from botocore import xform_name

    by_path: dict[str, list[Any]] = {path: [] for path in REQUESTS}
    for call in calls:
        params = json.loads(json.dumps(call.params).replace(f'"{loket_prefix}-', f'"{bare_prefix}-'))
        by_path[REQUESTS[call.request]].append([xform_name(call.operation), params])
    path = folder / f"calls-{bare_prefix}.json"
    path.write_text(json.dumps(by_path))
    return path


def checked_loket(run: Run) -> None:
    """The answers a verified phone's first ticket and an NIK with an application get."""
    (ticket_status, ticket), (status_status, found) = run.answers
    if ticket_status != 201 or ticket.get("ticket", {}).get("number") != 1:
        raise RuntimeError(f"POST /v1/tickets answered {ticket_status} {ticket}")
    if status_status != 200 or len(found.get("applications", [])) != 1:
        raise RuntimeError(f"POST /v1/status answered {status_status} {found}")


def checked_bare(run: Run, calls: list[Call]) -> None:
    """The bare handler's calls got the answers loket's did."""
    expected = [[c.status for c in calls if c.request == i] for i in range(len(REQUESTS))]
    got = [answer[1]["statuses"] for answer in run.answers]
    if got != expected:
        raise RuntimeError(f"the bare handler's calls were answered {got}, loket's {expected}")


@contextmanager
def parent_state_kept() -> Iterator[None]:
    """The environment, settings and table bindings of this process as they were, after.

    The bench sets its secrets and binds loket's models here to make tables: a test running
    it must leave the next test what it found."""
    from chalicelib import settings
    from chalicelib.store.models import MODELS

    environ = dict(os.environ)
    metas = {model: (model.Meta.table_name, model.Meta.region, model.Meta.host) for model in MODELS.values()}
    pools = {model: model.Meta.max_pool_connections for model in MODELS.values()}
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(environ)
        for model, (table_name, region, host) in metas.items():
            model.Meta.table_name, model.Meta.region, model.Meta.host = table_name, region, host
            model.Meta.max_pool_connections = pools[model]
            model._connection = None
        settings.reset()


@contextmanager
def prepared(scratch: Path, deployment_zip: Path | None = None) -> Iterator[Setup]:
    """The package (`deployment_zip`, else built as `make package` does) unzipped, the runtime's
    boto3, the bare handler, the stand-in."""
    from bench.common import offline
    from infra.coldstart import runtime_boto3
    from infra.package import build, find_lambda_python

    with parent_state_kept():
        offline(**SETTINGS)
        python = find_lambda_python()
        site = runtime_boto3(python)
        if deployment_zip is None:
            (artifact,) = build([STAGE], scratch / "dist", python)
            deployment_zip = artifact.zip
        task = scratch / "task"
        with zipfile.ZipFile(deployment_zip) as archive:
            archive.extractall(task)
        bare = scratch / "bare"
        bare.mkdir()
        (bare / "bare_handler.py").write_text(_BARE_HANDLER)
        # Compiled as the package's modules are, so that neither probe compiles its handler.
        subprocess.run(
            [python, "-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash", str(bare)], check=True
        )
        token, subject = resident_token()
        stand_in = RecordingStandIn().start()
        try:
            yield Setup(python, site, task, bare, stand_in, events(token, subject))
        finally:
            stand_in.stop()


def recorded_calls(setup: Setup) -> tuple[Run, list[Call], str]:
    """A loket run whose DynamoDB requests the stand-in logs, split by request."""
    setup.stand_in.forget()
    prefix = fresh_tables(setup.stand_in.endpoint)
    setup.stand_in.forget()
    run = fresh(setup, "loket", prefix, record=True)
    checked_loket(run)
    return run, list(setup.stand_in.calls), prefix


def measure(rounds: int = ROUNDS, deployment_zip: Path | None = None) -> dict[str, Any]:
    """The medians of `rounds` of each probe (after a warm-up round), and loket's calls."""
    with (
        tempfile.TemporaryDirectory(prefix="loket-cold-start-") as scratch,
        prepared(Path(scratch), deployment_zip) as setup,
    ):
        _, calls, loket_prefix = recorded_calls(setup)
        runs: dict[str, list[Run]] = {"loket": [], "bare": []}
        for index in range(rounds + 1):  # the first round warms the page cache: not counted
            order = ["loket", "bare"] if index % 2 else ["bare", "loket"]
            for which in order:
                prefix = fresh_tables(setup.stand_in.endpoint)
                setup.stand_in.forget()
                if which == "loket":
                    run = fresh(setup, "loket", prefix)
                    checked_loket(run)
                else:
                    run = fresh(setup, "bare", prefix, replay_file(calls, loket_prefix, prefix, setup.bare))
                    checked_bare(run, calls)
                if index:
                    runs[which].append(run)
        return {
            "calls": [[REQUESTS[c.request], c.operation, c.status] for c in calls],
            "wall_ms": {k: median([r.wall for r in v]) * 1000 for k, v in runs.items()},
            "cpu_ms": {k: median([r.cpu for r in v]) * 1000 for k, v in runs.items()},
            "phases_cpu_ms": {
                k: [median([r.phases[i] for r in v]) * 1000 for i in range(1 + len(REQUESTS))]
                for k, v in runs.items()
            },
            "rounds": rounds,
        }


def main() -> float:
    found = measure()
    wall, cpu = found["wall_ms"], found["cpu_ms"]
    calls = ", ".join(f"{path} {op} {status}" for path, op, status in found["calls"])
    report(
        "cold-start",
        f"{wall['loket'] / wall['bare']:.2f}x wall (median {wall['loket']:.0f} ms loket vs"
        f" {wall['bare']:.0f} ms bare boto3), {cpu['loket'] / cpu['bare']:.2f}x CPU"
        f" ({cpu['loket']:.0f} vs {cpu['bare']:.0f} ms); fresh python3.12 processes, import + first"
        f" POST /v1/tickets + POST /v1/status, {found['rounds']} rounds each, alternating;"
        f" DynamoDB calls each: {calls}",
        f"<= {GOAL}",
    )
    for which, phases in found["phases_cpu_ms"].items():
        print(
            f"  {which}: CPU inside the process, median ms: import {phases[0]:.0f},"
            f" first POST /v1/tickets {phases[1]:.0f}, then POST /v1/status {phases[2]:.0f}"
        )
    return float(wall["loket"] / wall["bare"])


if __name__ == "__main__":
    main()
