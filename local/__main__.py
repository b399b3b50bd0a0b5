"""`python -m local serve` (make run), `python -m local token ROLE` (make token) and
`python -m local chat --phone DIGITS` (make chat) and `python -m local import FILE` (make import)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from local import state

if TYPE_CHECKING:
    from local.embedded_dynamodb import EmbeddedDynamoDB
    from local.graph_stand_in import GraphStandIn


def _serve(port: int, dynamodb_port: int) -> None:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    os.environ.setdefault("AWS_ACCOUNT_ID_ENDPOINT_MODE", "disabled")
    embedded = None
    if not os.environ.get("AWS_ENDPOINT_URL_DYNAMODB"):
        from local.embedded_dynamodb import EmbeddedDynamoDB

        try:  # on a fixed port, so that `make import` (another process) can write to it too
            embedded = EmbeddedDynamoDB(port=dynamodb_port).start()
        except OSError as error:
            sys.exit(
                f"127.0.0.1:{dynamodb_port} is taken ({error.strerror}): set DYNAMODB_PORT=<another> for make run"
            )
        os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = embedded.endpoint
    staff_moto, staff = _staff_pool(embedded)
    graph = _graph_stand_in()

    from app import app
    from chalicelib import runtime
    from chalicelib.settings import settings
    from chalicelib.store.models import create_missing_tables
    from local.demo import seed
    from local.http_server import HttpServer
    from local.schedules import repair_every_minute

    store = runtime.store()
    create_missing_tables()
    demo = seed(store)
    server = HttpServer(app, port=port)
    schedules = repair_every_minute()
    config = settings()
    endpoint = os.environ["AWS_ENDPOINT_URL_DYNAMODB"]
    backend = f"embedded moto on {endpoint} (linearizable)" if embedded else endpoint
    if graph:
        whatsapp = f"WhatsApp replies go to a stand-in Graph API at {graph.url} (kept in memory)"
    else:
        whatsapp = f"WhatsApp replies go to WHATSAPP_GRAPH_URL={os.environ['WHATSAPP_GRAPH_URL']}"
    print(
        "\n".join(
            [
                f"loket is serving on {server.url}  (DynamoDB: {backend})",
                f"  site {config.default_site}, default quota {config.default_quota}, time zone {config.time_zone_name}",
                f"  {whatsapp}",
                "Demo NIKs (fake, serial 9xxx):",
                *demo,
                "Try:",
                f"  curl -s {server.url}/v1/days",
                f'  curl -s {server.url}/v1/status --json \'{{"nik": "3505124509909001"}}\'',
                f"  open {server.url}/ and book a day: verify the phone by pasting its text into make chat",
                f"  open {server.url}/kantor (the office: sign in with an account below) and {server.url}/layar (the hall's screen)",
                *staff,
                f"Tickets ({'a verified phone: a resident token' if config.ticket_proof == 'phone' else 'no proof'}):"
                "  make token ROLE=resident PHONE=6285700000001",
                "Staff tokens for scripts:  make token ROLE=admin   (or staff, operator)",
                "WhatsApp as a phone, in another terminal:  make chat PHONE=6285700000001",
                f"Import stages:  make import FILE=local/sample-export.csv   (finds DynamoDB in {state.state_path().name})",
                "Ctrl-C stops.",
            ]
        ),
        flush=True,
    )
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops it as Ctrl-C does, state file removed
    written = state.write(
        state.LocalRun(server.url, graph.url if graph else None, os.getpid(), endpoint, config.table_prefix)
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        schedules.stop()
        state.remove(os.getpid())
        if written.exists():
            print(f"{written} now names another make run: left in place", flush=True)
        if graph:
            graph.stop()
        if embedded:
            embedded.stop()
        if staff_moto:
            staff_moto.stop()


def _staff_pool(embedded: EmbeddedDynamoDB | None) -> tuple[EmbeddedDynamoDB | None, list[str]]:
    """The staff's user pool with the demo accounts, on the embedded moto server (its
    cognito-idp), unless LOKET_COGNITO_USER_POOL_ID names one already. Returns the moto server
    started for the pool alone (when DynamoDB is elsewhere) and the banner's lines."""
    if os.environ.get("LOKET_COGNITO_USER_POOL_ID", "").strip():
        return None, ["Staff sign in with the accounts of LOKET_COGNITO_USER_POOL_ID."]
    import boto3

    from chalicelib import settings as loket_settings
    from local.embedded_dynamodb import EmbeddedDynamoDB
    from local.staff_pool import banner_lines, create_demo_pool

    server = embedded or EmbeddedDynamoDB().start()
    endpoint = server.endpoint
    region = loket_settings.settings().region
    pool = create_demo_pool(boto3.client("cognito-idp", region_name=region, endpoint_url=endpoint))
    os.environ["AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"] = endpoint
    os.environ["LOKET_COGNITO_USER_POOL_ID"] = pool.user_pool_id
    os.environ["LOKET_COGNITO_CLIENT_ID"] = pool.client_id
    loket_settings.reset()
    return (None if server is embedded else server), [
        "Staff accounts (moto's Cognito; sign in on /kantor or POST /v1/sessions):",
        *banner_lines(),
    ]


def _graph_stand_in() -> GraphStandIn | None:
    """The stand-in Graph API, started and made the app's WHATSAPP_GRAPH_URL unless one is set."""
    if os.environ.get("WHATSAPP_GRAPH_URL", "").strip():
        return None
    from chalicelib.whatsapp import config as whatsapp_config
    from local.graph_stand_in import GraphStandIn

    token = whatsapp_config.whatsapp_secret("WHATSAPP_ACCESS_TOKEN").decode()
    graph = GraphStandIn(access_token=token).start()
    os.environ["WHATSAPP_GRAPH_URL"] = graph.url
    whatsapp_config.reset()
    return graph


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _token(role: str, subject: str, phone: str | None = None) -> None:
    """Print a token for `role`; a resident's subject is the keyed hash of `phone`, as a
    verification through WhatsApp would make it."""
    from chalicelib.core.phone import InvalidPhone, parse_phone
    from chalicelib.http.auth import ROLES, mint
    from chalicelib.settings import HashPurpose, hash_key, secret, settings

    if role not in ROLES:
        sys.exit(f"ROLE must be one of {', '.join(ROLES)}")
    if (role == "resident") != bool(phone):
        sys.exit("ROLE=resident needs PHONE=<digits, like 6285700000001>; no other role takes PHONE")
    if phone:
        try:
            subject = parse_phone(phone).keyed_hash(hash_key(HashPurpose.PHONE))
        except InvalidPhone as invalid:
            sys.exit(f"PHONE: {invalid}")
    config = settings()
    token = mint(role, subject, secret("LOKET_JWT_SECRET"), config.jwt_issuer, config.jwt_audience)  # type: ignore[arg-type]
    print(token)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m local")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve")
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve.add_argument(
        "--dynamodb-port",
        type=int,
        default=int(os.environ.get("DYNAMODB_PORT") or "8001"),
        help="embedded DynamoDB's",
    )
    stages = commands.add_parser("import", help="import a stage CSV into what `make run` serves")
    stages.add_argument("file", type=Path)
    token = commands.add_parser("token")
    token.add_argument("role")
    token.add_argument("--subject", default=os.environ.get("USER", "local-operator"))
    token.add_argument("--phone", default=None, help="the resident's phone (ROLE=resident only)")
    chat = commands.add_parser("chat")
    chat.add_argument("--phone", default=None, help="the phone you type as (default 6285700000001)")
    args = parser.parse_args()
    if args.command == "serve":
        _serve(args.port, args.dynamodb_port)
    elif args.command == "chat":
        from local import chat as chat_client

        chat_client.main(args.phone or chat_client.DEFAULT_PHONE)
    elif args.command == "import":
        from local.importing import main as import_main

        sys.exit(import_main(args.file, sys.stdout))
    else:
        _token(args.role, args.subject, args.phone)


if __name__ == "__main__":
    main()
