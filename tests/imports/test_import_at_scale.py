"""The stage import at the office's scale, on dynalite over HTTP: a 100,000-row export with
bad rows of every row-level kind scattered in it, checked row by row against an oracle
written here (what each generated row must become); and a run killed halfway, completed by
the next one.

The oracle knows each row's fate from how it was made, never from `judge_row`. `not_processed`
and the whole-file reasons cannot share a file with applied rows (they stop or refuse the
run): tests/imports/test_importer.py and test_stage_import.py cover them.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import random
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from chalicelib.imports.importer import Summary, import_file, rejected_path
from chalicelib.imports.reasons import codes_of
from chalicelib.imports.writers import Writers
from chalicelib.store.dynamo import DynamoStore
from tests.support.faults import ProcessDied
from tests.support.residents import distinct_niks
from tests.support.servers import bind_store, dynalite_endpoint  # noqa: F401  (fixture)

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
KEY = b"scale-test-key"
SERVICES = ("ektp", "kk", "akta_lahir", "akta_mati")
STAGES = ("received", "verifying", "printing", "ready", "collected", "rejected")
BAD_OF_EACH_KIND = 30
HEADER = ["nik", "service", "stage", "updated_at"]


@dataclass
class Export:
    """A generated file and what each of its rows must become."""

    data: bytes = b""
    stored: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)  # (nik, service)
    rejected: list[tuple[list[str], list[str]]] = field(default_factory=list)  # cells, codes
    rows: int = 0
    valid: int = 0
    applied: int = 0  # valid rows newer than what the table (or an earlier row) holds
    blank: int = 0


def _instant(minutes_before: int) -> str:
    return (NOW - timedelta(minutes=minutes_before)).astimezone(UTC).isoformat()


def generate(rows: int, seed: int, bad: bool = True) -> Export:
    """`rows` data rows: one stage per NIK and service, some keys twice (the newer wins, in
    either order, an equal time changes nothing), and bad rows of every kind at random places."""
    rng = random.Random(seed)
    export = Export()
    lines: list[bytes] = [b"nik,service,stage,updated_at\r\n"]
    newest: dict[tuple[str, str], tuple[int, str]] = {}  # (nik, service) -> (minutes before, stage)

    def good(digits: str, service: str, minutes: int) -> None:
        stage = rng.choice(STAGES)
        lines.append(f"{digits},{service},{stage},{_instant(minutes)}\r\n".encode())
        export.rows += 1
        export.valid += 1
        known = newest.get((digits, service))
        if known is None or minutes < known[0]:  # fewer minutes before NOW: newer
            newest[(digits, service)] = (minutes, stage)
            export.applied += 1

    def reject(cells: list[str], codes: list[str], raw: bytes | None = None) -> None:
        lines.append(raw if raw is not None else (",".join(cells) + "\r\n").encode())
        export.rows += 1
        export.rejected.append((cells, codes))

    digits = iter(distinct_niks(rows // len(SERVICES) + 1, seed=seed))
    kinds = _bad_kinds() if bad else []
    bad_at = set(rng.sample(range(rows), len(kinds) * BAD_OF_EACH_KIND)) if bad else set()
    plan = [kind for kind in kinds for _ in range(BAD_OF_EACH_KIND)]
    rng.shuffle(plan)
    current = next(digits)
    slot = 0
    recent: list[tuple[str, str]] = []
    while export.rows < rows:
        if export.rows in bad_at:
            plan.pop()(rng, reject)
            continue
        if recent and rng.random() < 0.002:  # the same key again a few rows on, older or newer
            nik, service = rng.choice(recent[-40:])
            good(nik, service, rng.choice([newest[(nik, service)][0], rng.randrange(60, 20_000)]))
            continue
        if rng.random() < 0.0005:
            lines.append(rng.choice([b"\r\n", b",,,\r\n", b" , ,,\r\n"]))
            export.blank += 1
            continue
        if slot == len(SERVICES):
            current, slot = next(digits), 0
        service = SERVICES[slot]
        slot += 1
        good(current, service, rng.randrange(60, 20_000))
        recent.append((current, service))
    export.data = b"".join(lines)
    export.stored = {key: (stage, _instant(minutes)) for key, (minutes, stage) in newest.items()}
    return export


Reject = Any


def _bad_kinds() -> list[Any]:
    """One maker per kind of bad row: each appends the row and the codes it must be given."""
    nik, when = "3505121708850001", _instant(30)

    def invalid_nik(rng: random.Random, reject: Reject) -> None:
        text = rng.choice(["1234", "3505123208850001", "3505121708850000", "35051217088500x1"])
        reject([text, "ektp", "ready", when], ["invalid_nik"])

    def unknown_service(rng: random.Random, reject: Reject) -> None:
        reject([nik, rng.choice(["ktp", "EKTP", "sim"]), "ready", when], ["unknown_service"])

    def unknown_stage(rng: random.Random, reject: Reject) -> None:
        reject([nik, "kk", rng.choice(["siap", "done", "Ready"]), when], ["unknown_stage"])

    def invalid_updated_at(rng: random.Random, reject: Reject) -> None:
        reject(
            [nik, "kk", "ready", rng.choice(["kemarin", "2026-13-01T10:00:00+07:00"])], ["invalid_updated_at"]
        )

    def without_offset(rng: random.Random, reject: Reject) -> None:
        reject([nik, "kk", "ready", "2026-11-24T10:00:00"], ["updated_at_without_offset"])

    def in_future(rng: random.Random, reject: Reject) -> None:
        reject([nik, "kk", "ready", (NOW + timedelta(hours=2)).isoformat()], ["updated_at_in_future"])

    def missing_columns(rng: random.Random, reject: Reject) -> None:
        reject([nik, "kk", "ready"], ["missing_columns"])

    def extra_columns(rng: random.Random, reject: Reject) -> None:
        reject([nik, "kk", "ready", when, "catatan"], ["extra_columns"])

    def not_utf8(rng: random.Random, reject: Reject) -> None:
        raw = f"{nik},kk,".encode() + b"siap\xff" + f",{when}\r\n".encode()
        reject([nik, "kk", "siap\ufffd", when], ["not_utf8"], raw)

    def several(rng: random.Random, reject: Reject) -> None:
        reject(
            ["1234", "kk", "siap", "2026-11-24T10:00:00"],
            ["invalid_nik", "unknown_stage", "updated_at_without_offset"],
        )

    kinds = [
        invalid_nik, unknown_service, unknown_stage, invalid_updated_at, without_offset,
        in_future, missing_columns, extra_columns, not_utf8, several,
    ]  # fmt: skip
    return kinds


def _unreadable(export: Export) -> None:
    """A few runaway quotes (unreadable_row: past the csv module's 128 Ki field limit) in the
    middle: each costs its line only. Three, as each is 200 KB of a 10 MB limit."""
    lines = export.data.split(b"\r\n")
    for n in (len(lines) // 4, len(lines) // 2, 3 * len(lines) // 4):
        lines.insert(n, b'"' + b"x" * 200_000)
    export.data = b"\r\n".join(lines)
    export.rows += 3


def _keyed(digits: str) -> str:
    return hmac.new(KEY, digits.encode(), hashlib.sha256).hexdigest()


def _table(store: DynamoStore) -> dict[tuple[str, str], tuple[str, str, str]]:
    """Every item of the applications table: (nik_key, service) -> (stage, updated_at, last4)."""
    from chalicelib.store.applications import _client
    from chalicelib.store.models import ApplicationRecord

    items: dict[tuple[str, str], tuple[str, str, str]] = {}
    paginator = _client().get_paginator("scan")
    for page in paginator.paginate(TableName=ApplicationRecord.Meta.table_name, ConsistentRead=True):
        for item in page["Items"]:
            key = (item["nik_key"]["S"], item["service"]["S"])
            items[key] = (item["stage"]["S"], item["updated_at"]["S"], item["nik_last4"]["S"])
    return items


def _expected_table(export: Export) -> dict[tuple[str, str], tuple[str, str, str]]:
    return {
        (_keyed(nik), service): (stage, datetime.fromisoformat(at).isoformat(), nik[-4:])
        for (nik, service), (stage, at) in export.stored.items()
    }


def _rejected_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(rejected_path(path).read_bytes().decode("utf-8-sig"), newline="")))


def _import(path: Path, store: DynamoStore, writers: int = 16) -> tuple[Summary, BaseException | None]:
    return import_file(path, store, KEY, NOW, Writers(store, writers))


@pytest.fixture
def dynalite_store(monkeypatch: pytest.MonkeyPatch, dynalite_endpoint: str) -> DynamoStore:  # noqa: F811
    monkeypatch.setenv("LOKET_IMPORT_WRITERS", "16")
    return bind_store(monkeypatch, dynalite_endpoint)


def test_a_100000_row_export_lands_row_by_row_in_the_table_or_the_rejected_file(
    dynalite_store: DynamoStore, tmp_path: Path
) -> None:
    export = generate(100_000, seed=13)
    _unreadable(export)
    path = tmp_path / "siak-export.csv"
    path.write_bytes(export.data)

    summary, failure = _import(path, dynalite_store)

    assert failure is None
    bad = len(export.rejected) + 3
    assert (summary.rows, summary.blank, summary.rejected, summary.not_processed) == (
        export.rows,
        export.blank,
        bad,
        0,
    )
    assert summary.applied + summary.unchanged == export.valid
    assert summary.applied == export.applied  # a key's rows are written in the file's order
    assert _table(dynalite_store) == _expected_table(export)

    rejected = _rejected_rows(path)
    assert rejected[0] == [*HEADER, "reason"]
    runaways = [row for row in rejected[1:] if codes_of(row[4]) == ["unreadable_row"]]
    assert len(runaways) == 3 and all(row[:4] == [""] * 4 for row in runaways)
    others = [row for row in rejected[1:] if codes_of(row[4]) != ["unreadable_row"]]
    expected = [
        ([*cells[:4], *[""] * (4 - len(cells))], codes, cells[4:]) for cells, codes in export.rejected
    ]
    assert [(row[:4], codes_of(row[4]), row[5:]) for row in others] == expected  # in the file's order
    assert {code for _, codes in export.rejected for code in codes} | {"unreadable_row"} == {
        "invalid_nik", "unknown_service", "unknown_stage", "invalid_updated_at",
        "updated_at_without_offset", "updated_at_in_future", "missing_columns", "extra_columns",
        "not_utf8", "unreadable_row",
    }  # fmt: skip
    assert [e.after["applied"] for e in dynalite_store.audit_entries(10)] == [summary.applied]


class DiesAfter(DynamoStore):
    """The store of a process that dies after `writes` stage writes have committed: from then
    on every writer's call raises, as nothing of a dead process runs."""

    def __init__(self, writes: int) -> None:
        self.left = writes
        self.committed = 0
        self._lock = threading.Lock()

    def record_application(self, *args: Any, **kwargs: Any) -> bool:
        with self._lock:
            if self.left <= 0:
                raise ProcessDied("the import's process is gone")
        changed = super().record_application(*args, **kwargs)
        with self._lock:
            self.committed += 1
            self.left -= 1
        return changed


def test_a_run_killed_halfway_is_completed_by_the_next_without_a_row_lost_or_audited_twice(
    dynalite_store: DynamoStore, tmp_path: Path
) -> None:
    export = generate(20_000, seed=14)
    path = tmp_path / "killed.csv"
    path.write_bytes(export.data)
    dying = DiesAfter(writes=export.valid // 2)

    with pytest.raises(ProcessDied):
        _import(path, dying)

    assert export.valid // 2 <= dying.committed < export.valid // 2 + 16  # the writes under way
    assert dynalite_store.audit_entries(10) == []  # a dead run writes no entry ...
    assert not rejected_path(path).exists()  # ... and no rejected file
    assert 0 < len(_table(dynalite_store)) <= dying.committed

    summary, failure = _import(path, dynalite_store)

    assert failure is None
    assert (summary.outcome, summary.rows, summary.rejected) == (
        "completed",
        export.rows,
        len(export.rejected),
    )
    assert summary.applied + summary.unchanged == export.valid
    assert _table(dynalite_store) == _expected_table(export)
    assert [codes for _, codes in export.rejected] == [codes_of(row[4]) for row in _rejected_rows(path)[1:]]
    assert [e.after["outcome"] for e in dynalite_store.audit_entries(10)] == ["completed"]

    again, _ = _import(path, dynalite_store)  # the same file once more: nothing changes, no entry
    assert (again.applied, again.unchanged) == (0, export.valid)
    assert len(dynalite_store.audit_entries(10)) == 1
