"""`python -m local import FILE` (make import): the stage import's own code on a local file,
against what `make run` serves, with a progress bar.

Where to write: `AWS_ENDPOINT_URL_DYNAMODB` when set, else the embedded DynamoDB of a running
`make run`, found in its state file (`.loket-local.json`, written at start, removed at exit).
The rows go through `chalicelib.imports.importer.import_file`: the same judging, writers,
retries and audit entry as an upload to the import bucket; the rejected rows land beside the
file (`export.csv` -> `export.rejected.csv`). Exit status 0 when every row was taken, 1 when
any was rejected (or the store failed), 2 when there is nothing to import into.
"""

from __future__ import annotations

import csv
import logging
import os
import time
from pathlib import Path
from typing import TextIO

from chalicelib.imports.importer import Progress, Summary, rejected_path
from chalicelib.imports.reasons import codes_of
from local.state import state_path

ROOT = Path(__file__).resolve().parents[1]


class Bar:
    """One line redrawn in place: rows done, rows per second, time left (estimated from the
    bytes read so far, as the file's row count is not known before the end)."""

    def __init__(self, out: TextIO, width: int = 30) -> None:
        self._out = out
        self._width = width

    def __call__(self, progress: Progress) -> None:
        fraction = progress.bytes_read / progress.bytes_total if progress.bytes_total else 1.0
        filled = round(self._width * fraction)
        self._out.write(f"\r[{'#' * filled}{'.' * (self._width - filled)}] {_figures(progress)}")
        self._out.flush()

    def end(self) -> None:
        self._out.write("\n")


class Lines:
    """The same figures as plain lines, at most one every `every_s` seconds and the last one
    (for a log or a pipe, where a redrawn line would be noise)."""

    def __init__(self, out: TextIO, every_s: float = 5.0) -> None:
        self._out = out
        self._every_s = every_s
        self._last = -every_s

    def __call__(self, progress: Progress) -> None:
        finished = progress.bytes_read >= progress.bytes_total
        if finished or progress.seconds - self._last >= self._every_s:
            self._last = progress.seconds
            print(f"progress: {_figures(progress)}", file=self._out, flush=True)

    def end(self) -> None:
        pass


def _figures(progress: Progress) -> str:
    rate = progress.done / progress.seconds if progress.seconds > 0 else 0.0
    fraction = progress.bytes_read / progress.bytes_total if progress.bytes_total else 1.0
    expected = round(progress.read / fraction) if fraction > 0 else progress.read
    left = (expected - progress.done) / rate if rate > 0 else 0.0
    return (
        f"{progress.done:,} / ~{max(expected, progress.done):,} rows, {rate:,.0f} rows/s, {_clock(left)} left"
    )


def _clock(seconds: float) -> str:
    whole = max(0, round(seconds))
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"


def _endpoint() -> tuple[str, str | None] | None:
    """The DynamoDB endpoint to write to and, from `make run`'s state, its table prefix."""
    from local import state

    if os.environ.get("AWS_ENDPOINT_URL_DYNAMODB"):
        return os.environ["AWS_ENDPOINT_URL_DYNAMODB"], None
    run = state.read()
    return None if run is None else (run.dynamodb_url, run.table_prefix)


def main(file: Path, out: TextIO) -> int:
    if not file.is_file():
        print(f"{file}: no such file", file=out)
        return 2
    found = _endpoint()
    if found is None:
        print(
            "Nothing to import into: start `make run` first (it writes "
            f"{state_path().name}), or set AWS_ENDPOINT_URL_DYNAMODB.",
            file=out,
        )
        return 2
    endpoint, prefix = found
    os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint
    if prefix is not None:
        os.environ.setdefault("LOKET_TABLE_PREFIX", prefix)
    for name, value in (
        ("AWS_ACCESS_KEY_ID", "local"),
        ("AWS_SECRET_ACCESS_KEY", "local"),
        ("AWS_ACCOUNT_ID_ENDPOINT_MODE", "disabled"),
    ):
        os.environ.setdefault(name, value)
    logging.getLogger("loket").disabled = True  # the summary below says it all, once

    from chalicelib import runtime
    from chalicelib.imports.importer import import_file
    from chalicelib.imports.writers import Writers
    from chalicelib.settings import HashPurpose, hash_key, settings
    from chalicelib.store.models import ApplicationRecord

    store = runtime.store()
    if not ApplicationRecord.exists():
        print(
            f"No table {ApplicationRecord.Meta.table_name} at {endpoint}: start `make run` first.", file=out
        )
        return 2
    config = settings()
    print(
        f"Importing {file} into {endpoint} (tables {config.table_prefix}-*), {config.import_writers} writers",
        file=out,
    )
    progress = Bar(out) if out.isatty() else Lines(out)
    started = time.perf_counter()
    try:
        summary, failure = import_file(
            file,
            store,
            hash_key(HashPurpose.NIK),
            runtime.now(),
            Writers(store, config.import_writers),
            progress,
        )
    finally:
        progress.end()
    _print_summary(summary, file, time.perf_counter() - started, out)
    if failure is not None:
        print(f"The store failed ({type(failure).__name__}): run `make import` again to finish.", file=out)
    return 0 if summary.rejected == 0 and failure is None else 1


def _print_summary(summary: Summary, file: Path, seconds: float, out: TextIO) -> None:
    rate = summary.rows / seconds if seconds > 0 else 0.0
    print(
        f"read {summary.rows:,}, applied {summary.applied:,}, unchanged {summary.unchanged:,}, "
        f"rejected {summary.rejected:,}  ({summary.blank:,} blank; {seconds:.1f} s, {rate:,.0f} rows/s)",
        file=out,
    )
    if summary.file_rejected:
        print(f"the whole file: {summary.file_rejected}", file=out)
    target = rejected_path(file)
    if summary.rejected and target.exists():
        reasons: dict[str, int] = {}
        with target.open(encoding="utf-8-sig", newline="") as rejected:
            rows = csv.reader(rejected, delimiter=_delimiter(target))
            at = len(next(rows)) - 1  # the file's header, then `reason`
            for row in rows:
                for code in codes_of(row[at] if len(row) > at else ""):
                    reasons[code] = reasons.get(code, 0) + 1
        for code, count in sorted(reasons.items(), key=lambda item: (-item[1], item[0])):
            print(f"  {code}: {count:,}", file=out)
        print(f"rejected rows (same columns plus reason): {target}", file=out)


def _delimiter(path: Path) -> str:
    with path.open(encoding="utf-8-sig", newline="") as text:
        first = text.readline()
    return ";" if first.count(";") > first.count(",") else ","
