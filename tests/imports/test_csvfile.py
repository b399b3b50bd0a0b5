"""Reading import files as streams, and writing the rejected file. No AWS."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.imports.csvfile import CsvSource, FileTooLarge, RejectedFile

HEADER = ["nik", "service", "stage", "updated_at"]


def _read(data: bytes, limit: int = 1 << 20) -> tuple[CsvSource, list[list[str] | None]]:
    source = CsvSource(io.BytesIO(data), limit)
    return source, [r.cells for r in source.records()]


def test_a_bom_and_crlf_are_invisible() -> None:
    source, rows = _read("\ufeffnik,service,stage,updated_at\r\n1,2,3,4\r\n".encode())
    assert (source.header, rows) == (HEADER, [["1", "2", "3", "4"]])


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_any_line_end_separates_rows(newline: str) -> None:
    _, rows = _read(newline.join(["nik,service,stage,updated_at", "a,b,c,d", "e,f,g,h", ""]).encode())
    assert rows == [["a", "b", "c", "d"], ["e", "f", "g", "h"]]


def test_quoted_fields_keep_their_commas_quotes_and_line_breaks() -> None:
    _, rows = _read(b'nik,service,stage,updated_at\r\n"a,1", "say ""hi""","x\r\ny",d\r\n')
    assert rows == [["a,1", 'say "hi"', "x\r\ny", "d"]]


def test_blank_lines_before_the_header_are_skipped() -> None:
    source, rows = _read(b"\r\n  \r\nnik,service,stage,updated_at\r\na,b,c,d\r\n")
    assert (source.header, rows) == (HEADER, [["a", "b", "c", "d"]])


def test_a_semicolon_header_makes_semicolon_the_delimiter() -> None:
    source, rows = _read(b"nik;service;stage;updated_at\na;b,1;c;d\n")
    assert (source.delimiter, rows) == (";", [["a", "b,1", "c", "d"]])


def test_a_wrong_header_keeps_commas() -> None:
    source, _ = _read(b"nik;service;stage\n")
    assert (source.delimiter, source.header) == (",", ["nik;service;stage"])


def test_an_empty_file_has_no_header() -> None:
    assert CsvSource(io.BytesIO(b""), 10).header is None
    assert CsvSource(io.BytesIO("\ufeff\r\n \n".encode()), 10).header is None


def test_bytes_that_are_not_utf8_become_replacement_characters_in_their_row_only() -> None:
    _, rows = _read(b"nik,service,stage,updated_at\na\xff,b,c,d\ne,f,g,h\n")
    assert rows == [["a\ufffd", "b", "c", "d"], ["e", "f", "g", "h"]]


def test_an_unreadable_record_is_reported_with_its_line_and_reading_goes_on() -> None:
    data = b'nik,service,stage,updated_at\na,b,c,d\n"' + b"x" * 140_000 + b"\ne,f,g,h\n"
    source = CsvSource(io.BytesIO(data), 1 << 20)
    records = list(source.records())
    assert [(r.line, r.cells) for r in records] == [
        (2, ["a", "b", "c", "d"]),
        (3, None),
        (4, ["e", "f", "g", "h"]),
    ]


def test_reading_past_the_limit_fails_whatever_was_announced() -> None:
    data = b"nik,service,stage,updated_at\n" + b"a,b,c,d\n" * 100
    with pytest.raises(FileTooLarge):
        list(CsvSource(io.BytesIO(data), 200).records())


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_give_a_header_and_records_never_an_exception(data: bytes) -> None:
    source = CsvSource(io.BytesIO(data), 1 << 20)
    records = list(source.records())
    assert source.header is not None or records == []


class TestRejectedFile:
    def _rows(self, rejected: RejectedFile) -> list[list[str]]:
        data = rejected.payload().read()
        assert data.startswith("\ufeff".encode())
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))

    def test_it_has_the_header_then_reason_and_keeps_every_cell(self) -> None:
        rejected = RejectedFile(HEADER, ",")
        rejected.add(["a", "b"], "r1")
        rejected.add(["a", "b", "c", "d", "e", "f"], "r2")
        rejected.add(["x,y", 'q"', "\r\n", "d"], "r3")
        assert self._rows(rejected) == [
            [*HEADER, "reason"],
            ["a", "b", "", "", "r1"],
            ["a", "b", "c", "d", "r2", "e", "f"],
            ["x,y", 'q"', "\r\n", "d", "r3"],
        ]
        assert rejected.rows == 3

    def test_a_large_rejection_spills_to_disk_and_still_reads_back_whole(self) -> None:
        rejected = RejectedFile(HEADER, ";")
        for n in range(30_000):
            rejected.add([f"{n:016d}", "ektp", "ready", "2026-11-24T10:00:00+07:00"], "invalid_nik: x / y")
        rows = self._rows_semicolon(rejected)
        assert len(rows) == 30_001
        assert rows[-1][0] == f"{29_999:016d}"
        rejected.close()

    def _rows_semicolon(self, rejected: RejectedFile) -> list[list[str]]:
        data = rejected.payload().read()
        assert len(data) > 1024 * 1024
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
