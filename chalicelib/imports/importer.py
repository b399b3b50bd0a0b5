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

A run that sees its time running out stops writing and puts every row it did not write in
the rejected file as `not_processed`; a run whose store fails does the same, then raises so
that Lambda retries it (a run whose read of the object breaks writes no rejected file, as it
would be incomplete, and raises too). So once a run ends normally, every row is in the table
or in the rejected file; a run that fails is retried, then lands in the function's on-failure
destination, which operators must watch.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from chalicelib.imports.csvfile import CsvSource, Readable, RejectedFile
from chalicelib.imports.reasons import Reason, describe
from chalicelib.imports.rows import FIELDS, Accepted, judge_row, read_header
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


def import_object(
    s3: Any,
    store: AuditedApplications,
    nik_key: bytes,
    bucket: str,
    key: str,
    now: datetime,
    out_of_time: Callable[[], bool],
) -> Summary:
    """Import `s3://bucket/key`; see the module docstring for why this is safe to repeat."""
    started = time.perf_counter()
    summary = Summary(file=redact(key))
    try:
        obj = s3.get_object(Bucket=bucket, Key=key)
    except s3.exceptions.NoSuchKey:  # deleted since the event: nothing left to import
        summary.outcome = "gone"
        log("stage_import", logging.WARNING, **asdict(summary))
        return summary

    summary.bytes = int(obj["ContentLength"])
    body = obj["Body"]
    try:
        if summary.bytes > MAX_BYTES:
            rejected = RejectedFile(FIELDS, ",")
            _reject_file(rejected, summary, Reason.FILE_TOO_LARGE)
            failure, complete = None, True
        else:
            rejected, failure, complete = _import_rows(body, summary, store, nik_key, now, out_of_time)
    finally:
        body.close()

    try:
        if complete:
            _publish(s3, bucket, rejected_name(key), rejected, summary)
        _audit(
            store, summary, obj.get("ETag", ""), obj.get("LastModified") or now, failed=failure is not None
        )
    except Exception as error:  # keep the first failure; either way Lambda retries the run
        failure = failure or error
    finally:
        rejected.close()

    if failure is not None:
        summary.outcome = "failed"
    level = logging.ERROR if failure else logging.WARNING if summary.rejected else logging.INFO
    why = {"error": type(failure).__name__} if failure else {}
    log("stage_import", level, ms=round((time.perf_counter() - started) * 1000), **asdict(summary), **why)
    if failure is not None:
        raise failure
    return summary


def _import_rows(
    body: Readable,
    summary: Summary,
    store: AuditedApplications,
    nik_key: bytes,
    now: datetime,
    out_of_time: Callable[[], bool],
) -> tuple[RejectedFile, BaseException | None, bool]:
    """Apply every valid row. Returns the rejected rows, the first failure, and whether the
    whole file was read (a rejected file from a file read halfway would mislead: not written)."""
    rejected = RejectedFile(FIELDS, ",")
    failure: BaseException | None = None
    try:
        source = CsvSource(body, MAX_BYTES)
        if source.header is None:
            _reject_file(rejected, summary, Reason.EMPTY_FILE)
            return rejected, None, True
        columns = read_header(source.header)
        rejected.close()
        rejected = RejectedFile(source.header, source.delimiter)
        for record in source.records():
            if record.cells is None:
                summary.rows += 1
                _reject(rejected, summary, [], describe([Reason.UNREADABLE_ROW], line=record.line))
                continue
            verdict = judge_row(record.cells, columns, now)
            if verdict is None:
                summary.blank += 1
                continue
            summary.rows += 1
            if not isinstance(verdict, Accepted):
                _reject(rejected, summary, record.cells, describe(verdict.reasons))
                continue
            if failure is None and summary.outcome == "completed" and out_of_time():
                summary.outcome = "time_limit"
            if failure is not None or summary.outcome != "completed":
                summary.not_processed += 1
                _reject(rejected, summary, record.cells, describe([Reason.NOT_PROCESSED]))
                continue
            try:
                changed = store.record_application(
                    verdict.nik.keyed_hash(nik_key), verdict.nik.last4, verdict.application
                )
            except Exception as error:  # Unavailable or worse: note it, read on, raise at the end
                failure = error
                summary.not_processed += 1
                _reject(rejected, summary, record.cells, describe([Reason.NOT_PROCESSED]))
                continue
            if changed:
                summary.applied += 1
            else:
                summary.unchanged += 1
    except Exception as error:  # the stream itself broke (S3 read, size): the file was not all read
        return rejected, failure or error, False
    if columns is None and summary.rows == 0:
        _reject_file(rejected, summary, Reason.WRONG_HEADER)
    elif columns is None:
        summary.file_rejected = Reason.WRONG_HEADER.value
    return rejected, failure, True


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
