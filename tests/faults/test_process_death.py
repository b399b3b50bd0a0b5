"""The process dies between any two DynamoDB calls of any handler that writes; then the
request is made again (the resident taps again, the admin resends, the scheduler retries).

For every call N of a clean run, the process dies once just before call N and once just after
call N was answered. After the rerun: the invariants hold, the request did what it asks,
and nothing was counted twice. In-process moto: single-threaded, so functional is enough.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from chalicelib.services import days
from chalicelib.settings import settings
from chalicelib.store.dynamo import DynamoStore
from tests.support.api_client import Answer, Api, Clock, mint
from tests.support.counters import assert_numbers_are_one_to_issued, stored_counter
from tests.support.faults import DieAt, ProcessDied
from tests.support.servers import bind_store

pytestmark = pytest.mark.usefixtures("no_ticket_proof")  # the counter's rules, without phones

SITES = ("kab-blitar", "kec-wlingi")
SITE = SITES[0]
MONDAY = date(2026, 11, 23)  # the clock's today
TUESDAY, WEDNESDAY = MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)
ALICE, BUDI, CITRA = "3505124509909101", "3505121708859102", "3505120101009103"
Outcome = Answer | dict[str, object]


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], DynamoStore]]:
    """New, empty tables on in-process moto, each time it is called."""
    from moto import mock_aws

    with mock_aws():
        yield lambda: bind_store(monkeypatch, None)


@dataclass(frozen=True)
class Scenario:
    given: Callable[[Api, DynamoStore], None]
    request: Callable[[Api], Outcome]
    then: Callable[[Api, Outcome, DieAt | None], None]  # checks after the rerun (None: no death)


def audited(api: Api, action: str) -> int:
    entries = api.call("GET", "/v1/admin/audit", token=mint("admin")).body["entries"]
    return sum(1 for e in entries if e["action"] == action)


def audit_was_written(death: DieAt | None) -> bool:
    """Whether the attempt that died had written its audit entry already."""
    return death is not None and any(
        c.operation == "PutItem" and c.table.endswith("-audit") for c in death.committed
    )


def ticket_number(answer: Outcome) -> int:
    assert isinstance(answer, Answer) and answer.status in (200, 201), answer
    return int(answer.body["ticket"]["number"])


# --- the scenarios --------------------------------------------------------------------------


def nothing(api: Api, store: DynamoStore) -> None:
    pass


def two_holders_today(api: Api, store: DynamoStore) -> None:
    for nik in (ALICE, CITRA):
        assert api.call("POST", "/v1/tickets", {"nik": nik}).status == 201


def first_ticket_of_an_unprepared_day_then(api: Api, rerun: Outcome, death: DieAt | None) -> None:
    assert ticket_number(rerun) == 1
    counter = stored_counter(SITE, MONDAY)
    assert counter is not None and counter.issued == 1 and counter.quota == 400
    assert_numbers_are_one_to_issued(counter)


def third_ticket_then(api: Api, rerun: Outcome, death: DieAt | None) -> None:
    assert ticket_number(rerun) == 3
    counter = stored_counter(SITE, MONDAY)
    assert counter is not None and counter.issued == 3
    assert_numbers_are_one_to_issued(counter)


def days_of_every_kind(api: Api, store: DynamoStore) -> None:
    """Today holds a ticket, Tuesday is prepared, Wednesday has a quota of its own."""
    assert api.call("POST", "/v1/tickets", {"nik": ALICE}).status == 201
    days.prepare_day(store, settings(), SITE, TUESDAY)
    days.set_day_quota(store, settings(), SITE, WEDNESDAY, 7, MONDAY, "admin-setup")


def default_quota_then(api: Api, rerun: Outcome, death: DieAt | None) -> None:
    assert isinstance(rerun, Answer) and rerun.status == 200, rerun
    quotas = {day: stored_counter(SITE, day) for day in (MONDAY, TUESDAY, WEDNESDAY)}
    assert {day: c.quota for day, c in quotas.items() if c} == {MONDAY: 250, TUESDAY: 250, WEDNESDAY: 7}
    today = quotas[MONDAY]
    assert today is not None and today.issued == 1
    assert_numbers_are_one_to_issued(today)
    assert audited(api, "quota.default") == (2 if audit_was_written(death) else 1)


def one_ticket_today(api: Api, store: DynamoStore) -> None:
    assert api.call("POST", "/v1/tickets", {"nik": ALICE}).status == 201


def day_quota_then(api: Api, rerun: Outcome, death: DieAt | None) -> None:
    assert isinstance(rerun, Answer) and rerun.status == 200, rerun
    counter = stored_counter(SITE, MONDAY)
    assert counter is not None and (counter.quota, counter.issued) == (1, 1)
    assert_numbers_are_one_to_issued(counter)
    assert audited(api, "quota.day") == (2 if audit_was_written(death) else 1)


STAGE = {"nik": BUDI, "service": "ektp", "stage": "ready", "updated_at": "2026-11-23T08:00:00+07:00"}


def stage_then(api: Api, rerun: Outcome, death: DieAt | None) -> None:
    assert isinstance(rerun, Answer) and rerun.status == 200, rerun
    status = api.call("POST", "/v1/status", {"nik": BUDI})
    assert [(a["service"], a["stage"]) for a in status.body["applications"]] == [("ektp", "ready")]
    # The rerun finds the stage stored by the same actor: it writes the audit entry the dead
    # attempt did not reach, or finds it written (its key is derived from the change).
    assert audited(api, "application.stage") == 1


def rollover_then(api: Api, rerun: Outcome, death: DieAt | None) -> None:
    assert isinstance(rerun, dict)
    assert {k: rerun[k] for k in ("service_day", "sites")} == {
        "service_day": MONDAY.isoformat(),
        "sites": list(SITES),
    }
    for site in SITES:
        counter = stored_counter(site, MONDAY)
        assert counter is not None and (counter.quota, counter.issued) == (400, 0)


def invoke_rollover(api: Api) -> Outcome:
    event = api.client.events.generate_cw_event("aws.events", "Scheduled Event", {}, [])
    event["time"] = "2026-11-22T17:00:00Z"  # 00:00 WIB, Monday
    return dict(api.client.lambda_.invoke("rollover", event).payload)


IMPORT_BUCKET = "loket-imports-death"
IMPORT_KEY = "imports/batch.csv"
IMPORT_CSV = (
    "nik,service,stage,updated_at\n"
    f"{ALICE},ektp,ready,2026-11-23T08:00:00+07:00\n"
    "1234,kk,printing,2026-11-23T08:00:00+07:00\n"
    f"{CITRA},kk,printing,2026-11-23T08:00:00+07:00\n"
)


def an_import_file(api: Api, store: DynamoStore) -> None:
    import boto3

    from chalicelib.events import stage_import

    stage_import.reset()
    s3 = boto3.client("s3", region_name="ap-southeast-3")
    if IMPORT_BUCKET not in {b["Name"] for b in s3.list_buckets()["Buckets"]}:
        s3.create_bucket(
            Bucket=IMPORT_BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-3"}
        )
    s3.delete_object(Bucket=IMPORT_BUCKET, Key="imports-rejected/batch.csv")
    s3.put_object(Bucket=IMPORT_BUCKET, Key=IMPORT_KEY, Body=IMPORT_CSV.encode())


def run_import(api: Api) -> Outcome:
    event = api.client.events.generate_s3_event(IMPORT_BUCKET, IMPORT_KEY)
    return {"summaries": api.client.lambda_.invoke("stage_import", event).payload}


def import_then(api: Api, rerun: Outcome, death: DieAt | None) -> None:
    import boto3

    for nik, stage in ((ALICE, ("ektp", "ready")), (CITRA, ("kk", "printing"))):
        status = api.call("POST", "/v1/status", {"nik": nik})
        assert [(a["service"], a["stage"]) for a in status.body["applications"]] == [stage]
    s3 = boto3.client("s3", region_name="ap-southeast-3")
    rejected = s3.get_object(Bucket=IMPORT_BUCKET, Key="imports-rejected/batch.csv")["Body"].read().decode()
    assert len(rejected.strip().splitlines()) == 2  # the header and the one bad row
    assert audited(api, "application.import") == 1  # keyed by the upload and its outcome


SCENARIOS: dict[str, Scenario] = {
    "the first ticket of a day nobody prepared": Scenario(
        nothing,
        lambda api: api.call("POST", "/v1/tickets", {"nik": BUDI}),
        first_ticket_of_an_unprepared_day_then,
    ),
    "a ticket on a prepared day": Scenario(
        two_holders_today, lambda api: api.call("POST", "/v1/tickets", {"nik": BUDI}), third_ticket_then
    ),
    "a new default quota": Scenario(
        days_of_every_kind,
        lambda api: api.call("PUT", "/v1/admin/quota/default", {"quota": 250}, token=mint("admin")),
        default_quota_then,
    ),
    "today's own quota": Scenario(
        one_ticket_today,
        lambda api: api.call(
            "PUT", f"/v1/admin/quota/{MONDAY.isoformat()}", {"quota": 1}, token=mint("admin")
        ),
        day_quota_then,
    ),
    "a stage update": Scenario(
        nothing,
        lambda api: api.call("POST", "/v1/admin/applications", STAGE, token=mint("staff")),
        stage_then,
    ),
    "the midnight rollover": Scenario(nothing, invoke_rollover, rollover_then),
    "a stage import from S3": Scenario(an_import_file, run_import, import_then),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_dying_between_any_two_calls_then_asking_again_keeps_every_invariant(
    name: str, api: Api, fresh: Callable[[], DynamoStore], clock: Clock
) -> None:
    scenario = SCENARIOS[name]
    store = fresh()
    scenario.given(api, store)
    with DieAt().installed() as clean:
        answer = scenario.request(api)
    scenario.then(api, answer, None)  # a run nobody killed passes the same checks
    calls = len(clean.calls)
    assert calls >= 1

    failures = []
    for at in range(1, calls + 1):
        for after in (False, True):
            store = fresh()
            scenario.given(api, store)
            with DieAt(at, after).installed() as death, pytest.raises(ProcessDied):
                scenario.request(api)
            rerun = scenario.request(api)
            if isinstance(rerun, Answer) and rerun.status == 503:
                # A ticket's hold without its ticket: within 2 minutes the take may still be
                # live (ask again), past them it is taken over and finished.
                clock.advance(minutes=2, seconds=1)
                rerun = scenario.request(api)
            try:
                scenario.then(api, rerun, death)
            except AssertionError as broken:
                where = "after" if after else "before"
                failures.append(f"died {where} call {at} of {calls} ({death.calls[at - 1]}): {broken}")
    assert failures == []


def test_a_death_between_the_stage_write_and_its_audit_write_is_audited_once_by_the_retry(
    api: Api, fresh: Callable[[], DynamoStore]
) -> None:
    fresh()
    with DieAt().installed() as clean:
        assert api.call("POST", "/v1/admin/applications", STAGE, token=mint("staff")).status == 200
    stage_write = 1 + next(i for i, c in enumerate(clean.calls) if c.table.endswith("-applications"))
    assert clean.calls[stage_write].table.endswith("-audit")  # the next call is the audit write

    fresh()
    with DieAt(stage_write, after=True).installed(), pytest.raises(ProcessDied):
        api.call("POST", "/v1/admin/applications", STAGE, token=mint("staff"))
    assert audited(api, "application.stage") == 0  # the stage is stored, its entry is not
    retried = api.call("POST", "/v1/admin/applications", STAGE, token=mint("staff"))
    again = api.call("POST", "/v1/admin/applications", STAGE, token=mint("staff"))

    assert [(a.status, a.body["applied"]) for a in (retried, again)] == [(200, False), (200, False)]
    entries = api.call("GET", "/v1/admin/audit", token=mint("admin")).body["entries"]
    assert [(e["action"], e["after"]["stage"], e["after"]["updated_at"]) for e in entries] == [
        ("application.stage", "ready", "2026-11-23T08:00:00+07:00")
    ]
