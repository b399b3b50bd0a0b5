"""One import run: read `imports/<name>` from S3, set the stages it holds, write what it rejected.

Why a retry can never do anything twice. S3 delivers an event at least once, and an
asynchronous Lambda that fails is run again (twice by default); a run may also die halfway
(time limit, out of memory). Every run therefore reads the whole current object again and
treats every row afresh:

- a stage is written by one conditional write, "newer wins" (`record_application`: stored
  only if no stage is stored for that NIK and service, or the stored one is older). A row a
  dead run already applied is now "as new as the stored one" and changes nothing; a row it
  did not reach is applied now. Two runs of the same file at once split the rows between
  them, each row applied exactly once. Staff updates through the admin route interleave the
  same way: the newest `updated_at` wins whatever the order of arrival.
- the rejected file is a pure function of the file's bytes (and of the clock, only for
  `updated_at_in_future`), so a re-run writes the same object again; when a run rejects
  nothing, it deletes a rejected file left by an earlier import of the same name.
- the audit entry's key is derived from the upload (the object's ETag and LastModified)
  and the run's outcome, so the first run to reach an outcome writes it and a repeated event
  or a retry adds none; uploading the file again is a new import, whose entry shows
  `applied: 0`. A run killed by Lambda writes no entry; its changes then show in the
  retry's entry as `unchanged`.

Rows are written by a bounded pool of writers (`writers`): the reader judges each row, hands
the valid ones to the pool and takes the outcomes back in the file's order, through a window
of at most `_WINDOW_PER_WRITER` rows a writer; so memory holds that window, not the file, and
the rejected file lists its rows in the file's order, as when rows were written one by one.

A run that sees its time running out stops writing and puts every row it did not write in
the rejected file as `not_processed`; a run whose store fails does the same, then raises so
that Lambda retries it (a run whose read of the object breaks writes no rejected file, as it
would be incomplete, and raises too). So once a run ends normally, every row is in the table
or in the rejected file; a run that fails is retried, then lands in the function's on-failure
destination, which operators must watch.
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, wait
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chalicelib.imports.csvfile import CsvSource, Readable, RejectedFile
from chalicelib.imports.reasons import Reason, describe
from chalicelib.imports.rows import FIELDS, Accepted, Columns, judge_row, read_header
from chalicelib.imports.writers import DEFAULT_WRITERS, Writers
from chalicelib.logs import log
from chalicelib.store.ports import AuditedApplications

IMPORT_PREFIX = "imports/"
REJECTED_PREFIX = "imports-rejected/"
MAX_BYTES = 10 * 1024 * 1024
_LONG_DIGIT_RUN = re.compile(r"[0-9]{16,}")


@dataclass
class Summary:
    """What one run did; holds no NIK (file names are shown with long digit runs masked)."""

    file: str
    outcome: str = "completed"  # completed | time_limit | failed | gone
    bytes: int = 0
    rows: int = 0  # non-blank data rows: applied + unchanged + rejected
    applied: int = 0
    unchanged: int = 0  # valid, but the stored stage is as new or newer
    rejected: int = 0  # rows in the rejected file, not_processed included
    not_processed: int = 0
    blank: int = 0
    file_rejected: str | None = None  # a reason for the whole file (empty, too large, header)
    rejected_file: str | None = None


def rejected_name(key: str) -> str:
    """`imports/a/b.csv` -> `imports-rejected/a/b.csv`."""
    return REJECTED_PREFIX + key.removeprefix(IMPORT_PREFIX)


def redact(name: str) -> str:
    """A file name fit for a log or the audit: any run of 16+ digits (a NIK?) masked."""
    return _LONG_DIGIT_RUN.sub(lambda m: "*" * (len(m.group()) - 4) + m.group()[-4:], name)


@dataclass(frozen=True)
class Progress:
    """How far a run is, for a progress bar: rows done (written, unchanged or rejected), rows
    read, and bytes read of the file's total (which estimates what is left)."""

    done: int
    read: int
    bytes_read: int
    bytes_total: int
    seconds: float


ProgressReport = Callable[[Progress], None]


def import_object(
    s3: Any,
    store: AuditedApplications,
    nik_key: bytes,
    bucket: str,
    key: str,
    now: datetime,
    out_of_time: Callable[[], bool],
    writers: int = DEFAULT_WRITERS,
) -> Summary:
    """Import `s3://bucket/key`; see the module docstring for why this is safe to repeat."""
    summary = Summary(file=redact(key))
    try:
        obj = s3.get_object(Bucket=bucket, Key=key)
    except s3.exceptions.NoSuchKey:  # deleted since the event: nothing left to import
        summary.outcome = "gone"
        log("stage_import", logging.WARNING, **asdict(summary))
        return summary

    def publish(rejected: RejectedFile) -> None:
        _publish(s3, bucket, rejected_name(key), rejected, summary)

    failure = _import_upload(
        _Upload(int(obj["ContentLength"]), obj["Body"], obj.get("ETag", ""), obj.get("LastModified") or now),
        summary,
        publish,
        store,
        nik_key,
        now,
        out_of_time,
        Writers(store, writers),
        None,
    )
    if failure is not None:
        raise failure
    return summary


def rejected_path(path: Path) -> Path:
    """Where `import_file` puts the rejected rows: `export.csv` -> `export.rejected.csv`."""
    return path.with_name(f"{path.stem}.rejected{path.suffix or '.csv'}")


def import_file(
    path: Path,
    store: AuditedApplications,
    nik_key: bytes,
    now: datetime,
    writers: Writers,
    progress: ProgressReport | None = None,
) -> tuple[Summary, BaseException | None]:
    """Import a local file as an upload of it would be (`make import`), the rejected rows in
    `rejected_path(path)`. The audit's key takes the file's name, the MD5 of its bytes (S3's
    ETag of a single-part upload) and its modification time: importing it twice is one entry.
    Returns the summary and the run's failure (None when it completed)."""
    summary = Summary(file=redact(path.name))
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as whole:
        for chunk in iter(lambda: whole.read(1 << 20), b""):
            digest.update(chunk)
    stat = path.stat()
    uploaded = datetime.fromtimestamp(stat.st_mtime, UTC).replace(microsecond=0)
    target = rejected_path(path)

    def publish(rejected: RejectedFile) -> None:
        if rejected.rows == 0:
            target.unlink(missing_ok=True)
            return
        with target.open("wb") as out:
            shutil.copyfileobj(rejected.payload(), out)
        summary.rejected_file = redact(target.name)

    body = path.open("rb")
    upload = _Upload(stat.st_size, body, digest.hexdigest(), uploaded)
    failure = _import_upload(upload, summary, publish, store, nik_key, now, lambda: False, writers, progress)
    return summary, failure


@dataclass(frozen=True)
class _Upload:
    size: int
    body: Any  # Readable, with close()
    etag: str
    uploaded: datetime


def _import_upload(
    upload: _Upload,
    summary: Summary,
    publish: Callable[[RejectedFile], None],
    store: AuditedApplications,
    nik_key: bytes,
    now: datetime,
    out_of_time: Callable[[], bool],
    writers: Writers,
    progress: ProgressReport | None,
) -> BaseException | None:
    started = time.perf_counter()
    summary.bytes = upload.size
    try:
        if summary.bytes > MAX_BYTES:
            rejected = RejectedFile(FIELDS, ",")
            _reject_file(rejected, summary, Reason.FILE_TOO_LARGE)
            failure, complete = None, True
        else:
            rows = _Rows(summary, store, nik_key, now, out_of_time, writers, progress, started)
            rejected, failure, complete = rows.run(upload.body, upload.size)
    finally:
        writers.close()
        upload.body.close()

    try:
        if complete:
            publish(rejected)
        _audit(store, summary, upload.etag, upload.uploaded, failed=failure is not None)
    except Exception as error:  # keep the first failure; either way Lambda retries the run
        failure = failure or error
    finally:
        rejected.close()

    if failure is not None:
        summary.outcome = "failed"
    level = logging.ERROR if failure else logging.WARNING if summary.rejected else logging.INFO
    why = {"error": type(failure).__name__} if failure else {}
    log("stage_import", level, ms=round((time.perf_counter() - started) * 1000), **asdict(summary), **why)
    return failure


_Slot = tuple[str, str]  # (NIK keyed hash, service): one stored stage

# Rows a writer may have in flight or waiting, and rows read but not yet answered, in all.
_WINDOW_PER_WRITER = 4
_PROGRESS_EVERY_S = 0.5


class _Rows:
    """One pass over the rows: judge each, hand the valid ones to the writers, and take the
    outcomes back in the file's order (the window), counting them and rejecting in order."""

    def __init__(
        self,
        summary: Summary,
        store: AuditedApplications,
        nik_key: bytes,
        now: datetime,
        out_of_time: Callable[[], bool],
        writers: Writers,
        progress: ProgressReport | None,
        started: float,
    ) -> None:
        self.summary = summary
        self._nik_key = nik_key
        self._now = now
        self._out_of_time = out_of_time
        self._writers = writers
        self._progress = progress
        self._started = started
        self._reported = started
        self._limit = _WINDOW_PER_WRITER * writers.size
        self._window: deque[tuple[list[str], Future[bool | None] | str, _Slot | None]] = deque()
        self._writing: dict[_Slot, Future[bool | None]] = {}  # the last write of each slot in the window
        self.rejected = RejectedFile(FIELDS, ",")
        self.failure: BaseException | None = None
        self._source: CsvSource | None = None
        self._size = 0

    def run(self, body: Readable, size: int) -> tuple[RejectedFile, BaseException | None, bool]:
        """Apply every valid row. Returns the rejected rows, the first failure, and whether the
        whole file was read (a rejected file from a file read halfway would mislead: not written)."""
        summary = self.summary
        self._size = size
        try:
            source = self._source = CsvSource(body, MAX_BYTES)
            if source.header is None:
                _reject_file(self.rejected, summary, Reason.EMPTY_FILE)
                return self.rejected, None, True
            columns = read_header(source.header)
            self.rejected.close()
            self.rejected = RejectedFile(source.header, source.delimiter)
            for record in source.records():
                self._row(record.line, record.cells, columns)
                if self._progress is not None and time.perf_counter() - self._reported >= _PROGRESS_EVERY_S:
                    self._report()
            self._settle(until=0)
        except Exception as error:  # the stream itself broke (S3 read, size): the file was not all read
            self._settle(until=0)  # the writes under way still count
            return self.rejected, self.failure or error, False
        if columns is None and summary.rows == 0:
            _reject_file(self.rejected, summary, Reason.WRONG_HEADER)
        elif columns is None:
            summary.file_rejected = Reason.WRONG_HEADER.value
        if self._progress is not None:
            self._report()
        return self.rejected, self.failure, True

    def _row(self, line: int, cells: list[str] | None, columns: Columns | None) -> None:
        summary = self.summary
        if cells is None:
            summary.rows += 1
            self._queue([], describe([Reason.UNREADABLE_ROW], line=line))
            return
        verdict = judge_row(cells, columns, self._now)
        if verdict is None:
            summary.blank += 1
            return
        summary.rows += 1
        if not isinstance(verdict, Accepted):
            self._queue(cells, describe(verdict.reasons))
            return
        writing = self.failure is None and not self._writers.halted
        if writing and summary.outcome == "completed" and self._out_of_time():
            summary.outcome = "time_limit"
        if not writing or summary.outcome != "completed":
            self._queue(cells, _NOT_PROCESSED)
            return
        nik_key, application = verdict.nik.keyed_hash(self._nik_key), verdict.application
        slot = (nik_key, application.service.value)
        earlier = self._writing.get(slot)
        if earlier is not None:  # the same NIK and service a few rows up: keep the file's order
            wait([earlier])
        written = self._writers.submit(nik_key, verdict.nik.last4, application)
        self._writing[slot] = written
        self._queue(cells, written, slot)

    def _queue(self, cells: list[str], outcome: Future[bool | None] | str, slot: _Slot | None = None) -> None:
        self._window.append((cells, outcome, slot))
        self._settle(until=self._limit)

    def _settle(self, until: int) -> None:
        """Count the outcomes at the window's head that are known, waiting for the head while
        the window holds more than `until` rows (the backpressure on the reader)."""
        window = self._window
        while window:
            cells, outcome, slot = window[0]
            if isinstance(outcome, Future):
                if len(window) <= until and not outcome.done():
                    return
                try:
                    changed = outcome.result()
                except Exception as error:  # Unavailable after the retries, or worse
                    self.failure = self.failure or error
                    changed = None
                if slot is not None and self._writing.get(slot) is outcome:
                    del self._writing[slot]
                if changed is None:
                    self.summary.not_processed += 1
                    self._reject(cells, _NOT_PROCESSED)
                elif changed:
                    self.summary.applied += 1
                else:
                    self.summary.unchanged += 1
            else:
                if outcome == _NOT_PROCESSED:
                    self.summary.not_processed += 1
                self._reject(cells, outcome)
            window.popleft()

    def _reject(self, cells: list[str], reason: str) -> None:
        _reject(self.rejected, self.summary, cells, reason)

    def _report(self) -> None:
        assert self._progress is not None
        now = time.perf_counter()
        self._reported = now
        summary = self.summary
        done = summary.applied + summary.unchanged + summary.rejected
        read = self._source.bytes_read if self._source is not None else 0
        self._progress(Progress(done, summary.rows, min(read, self._size), self._size, now - self._started))


_NOT_PROCESSED = describe([Reason.NOT_PROCESSED])


def _reject(rejected: RejectedFile, summary: Summary, cells: list[str], reason: str) -> None:
    rejected.add(cells, reason)
    summary.rejected += 1


def _reject_file(rejected: RejectedFile, summary: Summary, reason: Reason) -> None:
    """A whole-file rejection with no row to carry it: one row of empty cells and the reason."""
    rejected.add([], describe([reason], limit_mb=MAX_BYTES // (1024 * 1024)))
    summary.file_rejected = reason.value


def _publish(s3: Any, bucket: str, key: str, rejected: RejectedFile, summary: Summary) -> None:
    """Write the rejected file, or delete a stale one when this run rejected nothing."""
    if rejected.rows == 0:
        s3.delete_object(Bucket=bucket, Key=key)
        return
    s3.put_object(Bucket=bucket, Key=key, Body=rejected.payload(), ContentType="text/csv; charset=utf-8")
    summary.rejected_file = redact(key)


def _audit(
    store: AuditedApplications, summary: Summary, etag: str, uploaded: datetime, *, failed: bool
) -> None:
    """One entry per upload of the file and outcome, counts only, also for a run that failed
    after changing something: the first run to reach an outcome writes it, a repeated event
    or a retry after a crash adds none."""
    counts = asdict(summary)
    before = {"file": counts.pop("file"), "etag": etag.strip('"'), "bytes": counts.pop("bytes")}
    after = {**counts, "outcome": "failed" if failed else summary.outcome}
    upload = {"file": before["file"], "etag": before["etag"], "outcome": after["outcome"]}
    store.append_audit(
        f"import:{summary.file}", "application.import", before, after, at=uploaded, change=upload
    )
