"""One import run over a fake S3 (a dict) and the store's in-memory twin: the invariants of
API.md's Stage import under any file, fast enough for hypothesis."""

from __future__ import annotations

import csv
import io
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.core.applications import Service, Stage
from chalicelib.core.errors import LoketError
from chalicelib.core.nik import parse_nik
from chalicelib.events.stage_import import TIME_RESERVE_MS, _out_of_time
from chalicelib.imports.importer import Summary, import_object
from chalicelib.imports.reasons import codes_of
from chalicelib.imports.rows import FIELDS, Accepted, Columns, judge_row
from chalicelib.store.memory import MemoryStore

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
KEY = b"test-key"
BUCKET = "loket-imports"


class NoSuchKey(Exception):
    pass


@dataclass
class FakeS3:
    objects: dict[str, bytes] = field(default_factory=dict)
    exceptions: Any = field(default_factory=lambda: SimpleNamespace(NoSuchKey=NoSuchKey))
    broken_after: int | None = None  # bytes the body yields before the connection drops

    def get_object(self, Bucket: str, Key: str) -> dict[str, Any]:
        if Key not in self.objects:
            raise NoSuchKey(Key)
        data = self.objects[Key]
        body: Any = io.BytesIO(data) if self.broken_after is None else _Breaking(data, self.broken_after)
        return {"ContentLength": len(data), "ETag": '"etag"', "Body": body}

    def put_object(self, Bucket: str, Key: str, Body: Any, ContentType: str) -> None:
        self.objects[Key] = Body.read()

    def delete_object(self, Bucket: str, Key: str) -> None:
        self.objects.pop(Key, None)


class _Breaking(io.BytesIO):
    def __init__(self, data: bytes, after: int) -> None:
        super().__init__(data)
        self._after = after

    def read(self, size: int | None = -1, /) -> bytes:
        if self.tell() >= self._after:
            raise ConnectionResetError("connection reset by peer")
        return super().read(
            min(size if size is not None and size >= 0 else 1 << 30, self._after - self.tell())
        )


def _stored(store: MemoryStore, rows: list[list[str]], columns: Columns) -> dict[tuple[str, str], datetime]:
    """Every stage stored for a NIK the file holds: (NIK keyed hash, service) -> updated_at."""
    niks = set()
    for row in rows:
        with suppress(LoketError, IndexError):
            niks.add(parse_nik(row[columns.nik].strip()).keyed_hash(KEY))
    return {(k, a.service.value): a.updated_at for k in niks for a in store.applications_of(k)}


def _run(s3: FakeS3, store: MemoryStore, name: str = "x.csv", out_of_time: Any = lambda: False) -> Summary:
    return import_object(s3, store, KEY, BUCKET, f"imports/{name}", NOW, out_of_time)


def _rejected_rows(s3: FakeS3, name: str = "x.csv", delimiter: str = ",") -> list[list[str]] | None:
    data = s3.objects.get(f"imports-rejected/{name}")
    if data is None:
        return None
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=delimiter))


# --- any file ---------------------------------------------------------------------------------

_NIKS = ["3505121708850001", "3505124509909001", "3505120101009003"]
_cell = {
    "nik": st.one_of(st.sampled_from(_NIKS), st.text(max_size=18)),
    "service": st.one_of(st.sampled_from([s.value for s in Service][:2]), st.text(max_size=8)),
    "stage": st.one_of(st.sampled_from([s.value for s in Stage]), st.text(max_size=8)),
    "updated_at": st.one_of(
        st.sampled_from(["2026-11-24T10:00:00+07:00", "2026-11-24T11:00:00+07:00", "2026-11-23T10:00:00Z"]),
        st.text(max_size=30),
    ),
}


@st.composite
def _files(draw: st.DrawFn) -> tuple[bytes, list[list[str]], Columns, str]:
    order = draw(st.permutations(FIELDS))
    columns = Columns(*(order.index(f) for f in FIELDS))
    rows: list[list[str]] = []
    for _ in range(draw(st.integers(0, 25))):
        row = [draw(_cell[name]) for name in order]
        shape = draw(st.sampled_from(["ok"] * 8 + ["short", "long", "blank"]))
        rows.append({"ok": row, "short": row[:2], "long": [*row, "x"], "blank": ["", " "]}[shape])
    delimiter = draw(st.sampled_from([",", ";"]))
    text = io.StringIO(newline="")
    newline = draw(st.sampled_from(["\r\n", "\n"]))
    writer = csv.writer(text, delimiter=delimiter, lineterminator=newline)
    # With LF line ends the csv module leaves a lone CR unquoted, and a lone CR is a line end.
    quoting_cr = csv.writer(text, delimiter=delimiter, lineterminator=newline, quoting=csv.QUOTE_ALL)
    writer.writerow(order)
    for row in rows:
        (quoting_cr if any("\r" in cell for cell in row) else writer).writerow(row)
    bom = draw(st.sampled_from(["", "\ufeff"]))
    return (bom + text.getvalue()).encode(), rows, columns, delimiter


@settings(max_examples=150, deadline=None)
@given(_files())
def test_no_row_is_lost_the_newest_wins_and_a_second_import_changes_nothing(
    file: tuple[bytes, list[list[str]], Columns, str],
) -> None:
    data, rows, columns, delimiter = file
    s3, store = FakeS3({"imports/x.csv": data}), MemoryStore()

    first = _run(s3, store)
    rejected_after_first = s3.objects.get("imports-rejected/x.csv")
    stages_after_first = _stored(store, rows, columns)
    second = _run(s3, store)

    verdicts = [judge_row(row, columns, NOW) for row in rows]
    accepted = [v for v in verdicts if isinstance(v, Accepted)]
    assert (
        first.rows == first.applied + first.unchanged + first.rejected == sum(v is not None for v in verdicts)
    )
    assert first.applied + first.unchanged == len(accepted)
    rejected = _rejected_rows(s3, delimiter=delimiter)
    assert (rejected is None) == (first.rejected == 0)
    assert len(rejected or [[]]) - 1 == first.rejected
    newest: dict[tuple[str, str], datetime] = {}
    for v in accepted:
        slot = (v.nik.keyed_hash(KEY), v.application.service.value)
        newest[slot] = max(newest.get(slot, v.application.updated_at), v.application.updated_at)
    assert stages_after_first == newest

    assert (second.applied, second.unchanged, second.rejected) == (0, len(accepted), first.rejected)
    assert _stored(store, rows, columns) == stages_after_first
    assert s3.objects.get("imports-rejected/x.csv") == rejected_after_first
    assert [entry.after["applied"] for entry in store.audit_entries(10)] == [
        first.applied
    ]  # the same upload, audited once


# --- stopping early -------------------------------------------------------------------------

GOOD = [f"350512170885{n:04d},ektp,ready,2026-11-24T10:00:00+07:00" for n in range(1, 9)]


def test_at_the_time_limit_unwritten_rows_go_to_the_rejected_file_and_the_run_succeeds() -> None:
    s3 = FakeS3({"imports/x.csv": ("nik,service,stage,updated_at\n" + "\n".join(GOOD)).encode()})
    store = MemoryStore()
    checks = iter([False, False, False, True])

    summary = _run(s3, store, out_of_time=lambda: next(checks))

    assert (summary.outcome, summary.applied, summary.not_processed, summary.rejected) == (
        "time_limit",
        3,
        5,
        5,
    )
    rejected = _rejected_rows(s3)
    assert rejected is not None
    assert [r[0] for r in rejected[1:]] == [line.split(",")[0] for line in GOOD[3:]]
    assert all(codes_of(r[4]) == ["not_processed"] for r in rejected[1:])
    assert store.audit_entries(1)[0].after["outcome"] == "time_limit"


def test_a_connection_lost_while_reading_fails_the_run_and_writes_no_partial_rejected_file() -> None:
    data = ("nik,service,stage,updated_at\n" + "\n".join(GOOD) + "\nbad,row,x,y\n").encode()
    s3 = FakeS3({"imports/x.csv": data, "imports-rejected/x.csv": b"from an earlier import"}, broken_after=10)
    store = MemoryStore()

    with pytest.raises(ConnectionResetError):
        _run(s3, store)

    assert s3.objects["imports-rejected/x.csv"] == b"from an earlier import"
    assert store.audit_entries(1)[0].after["outcome"] == "failed"


class _Context:
    def __init__(self, *remaining_ms: int) -> None:
        self._remaining = iter(remaining_ms)

    def get_remaining_time_in_millis(self) -> int:
        return next(self._remaining)


def test_the_time_guard_stops_when_the_reserve_is_reached() -> None:
    out_of_time = _out_of_time(_Context(900_000, TIME_RESERVE_MS + 1, TIME_RESERVE_MS - 1))
    assert [out_of_time(), out_of_time()] == [False, True]


def test_a_short_lived_function_has_no_time_guard() -> None:
    out_of_time = _out_of_time(_Context(3_000))  # chalice's test client gives 3 s
    assert out_of_time() is False
    assert _out_of_time(None)() is False
