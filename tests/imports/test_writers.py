"""The import's writers on dynalite over HTTP: throttled writes retried with backoff, a write
still throttled after its retries kept as `not_processed` (nothing lost), and "newer wins"
whatever order concurrent writers land the rows of one NIK and service in."""

from __future__ import annotations

import csv
import io
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from chalicelib.core.applications import Application, Service, Stage
from chalicelib.core.errors import Unavailable
from chalicelib.imports.importer import import_file, rejected_path
from chalicelib.imports.reasons import codes_of
from chalicelib.imports.writers import Backoff, Writers
from chalicelib.store.dynamo import DynamoStore
from tests.support.faults import Throttle
from tests.support.residents import nik
from tests.support.servers import bind_store, dynalite_endpoint  # noqa: F401  (fixture)

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
KEY = b"writers-test-key"
HEADER = "nik,service,stage,updated_at"
YESTERDAY = "2026-11-24T10:00:00+07:00"


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch, dynalite_endpoint: str) -> DynamoStore:  # noqa: F811
    return bind_store(monkeypatch, dynalite_endpoint)


def _throttle(times: int | None) -> Throttle:
    return Throttle("ThrottlingException", operations=("PutItem",), table_suffix="-applications", times=times)


def test_a_write_throttled_past_the_sdks_retries_is_retried_with_backoff_and_applied(
    store: DynamoStore, tmp_path: Path
) -> None:
    path = tmp_path / "throttled.csv"
    path.write_text(f"{HEADER}\n{nik(1)},ektp,ready,{YESTERDAY}\n")
    pauses: list[float] = []

    with _throttle(times=4).installed() as throttle:  # the SDK makes 3 attempts a call
        summary, failure = import_file(
            path, store, KEY, NOW, Writers(store, 1, Backoff(attempts=3, base_s=0.01), sleep=pauses.append)
        )

    assert failure is None
    assert (summary.applied, summary.rejected, throttle.answered) == (1, 0, 4)
    assert len(pauses) == 1 and 0 <= pauses[0] <= 0.01  # full jitter under the first cap
    assert not rejected_path(path).exists()


def test_a_write_still_throttled_after_its_retries_is_kept_as_not_processed_and_the_run_fails(
    store: DynamoStore, tmp_path: Path
) -> None:
    rows = [f"{nik(n)},ektp,ready,{YESTERDAY}" for n in range(1, 6)]
    path = tmp_path / "throttled.csv"
    path.write_text("\n".join([HEADER, *rows, f"{nik(9)},ektp,lost,{YESTERDAY}"]) + "\n")
    backoff = Backoff(attempts=2, base_s=0.01)

    with _throttle(times=None).installed():
        summary, failure = import_file(
            path, store, KEY, NOW, Writers(store, 4, backoff, sleep=lambda _: None)
        )

    assert isinstance(failure, Unavailable)
    assert (summary.outcome, summary.applied, summary.not_processed, summary.rejected) == ("failed", 0, 5, 6)
    rejected = list(csv.reader(io.StringIO(rejected_path(path).read_text(encoding="utf-8-sig"), newline="")))
    assert [codes_of(row[4]) for row in rejected[1:]] == [["not_processed"]] * 5 + [
        ["unknown_stage"]
    ]  # in the file's order, every row accounted for

    again, failure = import_file(path, store, KEY, NOW, Writers(store, 4))  # the retry completes it
    assert failure is None
    assert (again.applied, again.rejected) == (5, 1)


class _Gated(DynamoStore):
    """Holds the write of `held` until another write has landed: the worst interleaving."""

    def __init__(self, held: datetime) -> None:
        self._held = held
        self._other_landed = threading.Event()

    def record_application(self, nik_key: str, nik_last4: str, application: Application, *rest: Any) -> bool:
        if application.updated_at == self._held:
            assert self._other_landed.wait(30), "the other write never came"
            return super().record_application(nik_key, nik_last4, application, *rest)
        changed = super().record_application(nik_key, nik_last4, application, *rest)
        self._other_landed.set()
        return changed


@pytest.mark.parametrize("late", ["older", "newer"])
def test_the_newer_of_two_concurrent_writes_of_one_key_is_stored_whichever_lands_last(
    store: DynamoStore, late: str
) -> None:
    older = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
    newer = older + timedelta(hours=1)
    gated = _Gated(older if late == "older" else newer)
    writers = Writers(gated, 2)
    try:
        first = writers.submit("k" * 64, "0001", Application(Service.KK, Stage.VERIFYING, older))
        second = writers.submit("k" * 64, "0001", Application(Service.KK, Stage.READY, newer))
        outcomes = (first.result(timeout=60), second.result(timeout=60))
    finally:
        writers.close()

    assert outcomes == ((False, True) if late == "older" else (True, True))
    stored = store.stored_application("k" * 64, Service.KK)
    assert stored is not None
    assert (stored.application.stage, stored.application.updated_at) == (Stage.READY, newer)
