"""Reading an import CSV as a stream, and spooling the rejected file. No AWS here.

Reading: UTF-8 with or without a BOM (bytes that are not UTF-8 become U+FFFD, so the row
that holds them is rejected rather than the whole run failing), CRLF, LF or CR line ends,
quoted fields (with commas or line breaks inside), `,` or, when the header says so, `;`
as the delimiter (what Excel writes under an Indonesian locale). Memory stays bounded: one
record at a time, and no field over the csv module's limit (128 Ki characters).
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Protocol

from chalicelib.imports.rows import read_header

DELIMITERS = (",", ";")
_READ_BUFFER = 64 * 1024
_SPOOL_IN_MEMORY = 1024 * 1024  # a bigger rejected file spills to /tmp


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class FileTooLarge(Exception):
    """The stream holds more bytes than allowed (checked while reading, whatever was announced)."""


class _CappedRaw(io.RawIOBase):
    """A raw stream over anything with `read(n)` (an S3 StreamingBody), failing past `limit`."""

    def __init__(self, source: Readable, limit: int) -> None:
        super().__init__()
        self._source = source
        self._limit = limit
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._source.read(len(buffer))
        self.bytes_read += len(data)
        if self.bytes_read > self._limit:
            raise FileTooLarge()
        buffer[: len(data)] = data
        return len(data)


@dataclass(frozen=True)
class Record:
    """One CSV record: `line` is the physical line it ends on; `cells` None when unreadable."""

    line: int
    cells: list[str] | None


class CsvSource:
    """The header and then the records of an import file, read lazily from `source`."""

    def __init__(self, source: Readable, limit: int) -> None:
        self._raw = _CappedRaw(source, limit)
        self._text = io.TextIOWrapper(
            io.BufferedReader(self._raw, _READ_BUFFER), encoding="utf-8-sig", errors="replace", newline=""
        )
        self._lines_before = 0
        self.delimiter = ","
        self.header: list[str] | None = self._read_header()

    @property
    def bytes_read(self) -> int:
        return self._raw.bytes_read

    def _read_header(self) -> list[str] | None:
        """The first non-blank line's cells (None for an empty file), choosing the delimiter."""
        for line in iter(self._text.readline, ""):
            self._lines_before += 1
            if not line.strip():
                continue
            candidates = {d: _cells(line, d) for d in DELIMITERS}
            self.delimiter = next((d for d, cells in candidates.items() if read_header(cells)), ",")
            return candidates[self.delimiter]
        return None

    def records(self) -> Iterator[Record]:
        reader = csv.reader(self._text, delimiter=self.delimiter, skipinitialspace=True)
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error:  # e.g. an unclosed quote swallowing lines past the field limit
                yield Record(self._lines_before + reader.line_num, None)
                continue
            yield Record(self._lines_before + reader.line_num, cells)


def _cells(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter, skipinitialspace=True), [])


class _Utf8Sink:
    def __init__(self, target: IO[bytes]) -> None:
        self._target = target

    def write(self, text: str) -> int:
        return self._target.write(text.encode("utf-8"))


class RejectedFile:
    """The rejected rows: the header's columns, then `reason`, then any cells past the header's.

    Written with a BOM (so that Excel reads it as UTF-8), CRLF and the input's delimiter.
    Spooled: in memory up to 1 MiB, then on /tmp, so a large rejection stays bounded.
    """

    def __init__(self, header: Sequence[str], delimiter: str) -> None:
        self.width = len(header)
        self.rows = 0
        self._spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY, mode="w+b")  # noqa: SIM115
        self._spool.write("\ufeff".encode())
        self._writer = csv.writer(_Utf8Sink(self._spool), delimiter=delimiter, lineterminator="\r\n")
        self._writer.writerow([*header, "reason"])

    def add(self, cells: Sequence[str], reason: str) -> None:
        padded = [*cells[: self.width], *[""] * (self.width - len(cells))]
        self._writer.writerow([*padded, reason, *cells[self.width :]])
        self.rows += 1

    def payload(self) -> IO[bytes]:
        """The whole file, from its start (for an upload)."""
        self._spool.flush()
        self._spool.seek(0)
        return self._spool

    def close(self) -> None:
        self._spool.close()
