"""Judging one row: exactly the admin route's rules, and never an exception whatever the text."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.core.applications import Service, Stage
from chalicelib.core.errors import InvalidNik
from chalicelib.core.nik import parse_nik
from chalicelib.core.service_day import parse_instant
from chalicelib.imports.reasons import Reason, codes_of, describe
from chalicelib.imports.rows import FIELDS, Accepted, Columns, Rejected, judge_row, read_header

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
IN_ORDER = Columns(0, 1, 2, 3)


class TestHeader:
    @pytest.mark.parametrize("order", list(itertools.permutations(FIELDS)))
    def test_the_four_names_in_any_order_name_the_columns(self, order: tuple[str, ...]) -> None:
        columns = read_header(list(order))
        assert columns is not None
        assert [
            order[columns.nik],
            order[columns.service],
            order[columns.stage],
            order[columns.updated_at],
        ] == list(FIELDS)

    def test_case_spaces_and_a_stray_bom_do_not_matter(self) -> None:
        assert read_header(["\ufeff NIK", " Service ", "STAGE", "updated_at\u00a0"]) == IN_ORDER

    @pytest.mark.parametrize(
        "cells",
        [
            [],
            ["nik", "service", "stage"],
            ["nik", "service", "stage", "updated_at", "reason"],
            ["nik", "service", "stage", "updated_at", ""],
            ["nik", "nik", "stage", "updated_at"],
            ["nik", "layanan", "stage", "updated_at"],
            ["nik;service;stage;updated_at"],
            ["updated at", "nik", "service", "stage"],
        ],
    )
    def test_anything_else_is_a_wrong_header(self, cells: list[str]) -> None:
        assert read_header(cells) is None


class TestRow:
    def test_a_good_row_gives_the_application(self) -> None:
        verdict = judge_row(
            [" 3505121708850001 ", "kk", "ready ", "2026-11-24T10:00:00+07:00"], IN_ORDER, NOW
        )
        assert isinstance(verdict, Accepted)
        assert verdict.nik.digits == "3505121708850001"
        assert (verdict.application.service, verdict.application.stage) == (Service.KK, Stage.READY)
        assert verdict.application.updated_at == datetime(2026, 11, 24, 3, 0, tzinfo=UTC)

    @pytest.mark.parametrize("cells", [[], [""], ["", " ", "\t", "\u00a0"]])
    def test_a_blank_row_is_neither_taken_nor_rejected(self, cells: list[str]) -> None:
        assert judge_row(cells, IN_ORDER, NOW) is None

    def test_exactly_five_minutes_ahead_is_taken_and_a_second_more_is_not(self) -> None:
        edge = (NOW + timedelta(minutes=5)).isoformat()
        beyond = (NOW + timedelta(minutes=5, seconds=1)).isoformat()
        assert isinstance(judge_row(["3505121708850001", "kk", "ready", edge], IN_ORDER, NOW), Accepted)
        assert judge_row(["3505121708850001", "kk", "ready", beyond], IN_ORDER, NOW) == Rejected(
            (Reason.UPDATED_AT_IN_FUTURE,)
        )

    @pytest.mark.parametrize("updated_at", ["0001-01-01T00:00:00+14:00", "1999-12-31T23:59:59Z"])
    def test_an_update_dated_before_2000_is_an_invalid_updated_at(self, updated_at: str) -> None:
        row = ["3505121708850001", "kk", "ready", updated_at]
        assert judge_row(row, IN_ORDER, NOW) == Rejected((Reason.INVALID_UPDATED_AT,))

    def test_every_bad_field_is_named_in_column_order(self) -> None:
        assert judge_row(["x", "y", "z", "w"], IN_ORDER, NOW) == Rejected(
            (Reason.INVALID_NIK, Reason.UNKNOWN_SERVICE, Reason.UNKNOWN_STAGE, Reason.INVALID_UPDATED_AT)
        )

    def test_a_wrong_header_rejects_a_row_whatever_it_holds(self) -> None:
        assert judge_row(
            ["3505121708850001", "kk", "ready", "2026-11-24T10:00:00+07:00"], None, NOW
        ) == Rejected((Reason.WRONG_HEADER,))


class TestReasonCell:
    def test_each_code_has_both_texts_and_survives_a_round_trip(self) -> None:
        cell = describe(list(Reason), line=7, limit_mb=10)
        assert codes_of(cell) == [r.value for r in Reason]
        assert "line 7" in cell
        assert "baris 7" in cell
        assert "10 MB" in cell


# --- properties -----------------------------------------------------------------------------

_VALID = {
    "nik": st.sampled_from(["3505121708850001", "3505124509909001", " 3505120101009003 "]),
    "service": st.sampled_from([s.value for s in Service]),
    "stage": st.sampled_from([s.value for s in Stage]),
    "updated_at": st.sampled_from(
        ["2026-11-24T10:00:00+07:00", "2026-11-25T02:04:59Z", "2020-01-01 00:00+00:00"]
    ),
}
_near_valid_text = st.one_of(
    st.text(),
    st.text(alphabet="0123456789 ", max_size=20),
    st.sampled_from(["3505121708850000", "2026-11-24T10:00:00", "2099-01-01T00:00:00+07:00", "EKTP", ""]),
)


def _cell(field: str) -> st.SearchStrategy[str]:
    return st.one_of(_VALID[field], _near_valid_text)


_columns = st.permutations(range(4)).map(lambda p: Columns(*p))


@st.composite
def _rows(draw: st.DrawFn) -> tuple[list[str], Columns]:
    columns = draw(_columns)
    cells = [""] * 4
    for field in FIELDS:
        cells[getattr(columns, field)] = draw(_cell(field))
    width = draw(st.sampled_from([4, 4, 4, 3, 5]))
    return (cells + draw(st.lists(st.text(), min_size=1, max_size=1)))[:width], columns


@settings(max_examples=400, deadline=None)
@given(cells=st.lists(st.text(), max_size=7), columns=st.one_of(st.none(), _columns))
def test_any_text_in_any_cell_gives_a_verdict_never_an_exception(
    cells: list[str], columns: Columns | None
) -> None:
    verdict = judge_row(cells, columns, NOW)
    assert verdict is None or isinstance(verdict, Accepted | Rejected)
    if isinstance(verdict, Rejected):
        assert verdict.reasons
        assert all(isinstance(r, Reason) for r in verdict.reasons)


@settings(max_examples=600, deadline=None)
@given(_rows())
def test_each_field_is_rejected_exactly_when_the_admin_routes_rule_refuses_it(
    row: tuple[list[str], Columns],
) -> None:
    cells, columns = row
    verdict = judge_row(cells, columns, NOW)
    if all(not c.strip() for c in cells):
        assert verdict is None
        return
    if any("\ufffd" in c for c in cells):
        assert verdict == Rejected((Reason.NOT_UTF8,))
        return
    if len(cells) != 4:
        assert verdict == Rejected((Reason.MISSING_COLUMNS if len(cells) < 4 else Reason.EXTRA_COLUMNS,))
        return
    nik, service, stage, updated_at = (cells[getattr(columns, f)].strip() for f in FIELDS)
    expected: list[Reason] = []
    if not _accepts(parse_nik, nik, InvalidNik):
        expected.append(Reason.INVALID_NIK)
    if service not in {s.value for s in Service}:
        expected.append(Reason.UNKNOWN_SERVICE)
    if stage not in {s.value for s in Stage}:
        expected.append(Reason.UNKNOWN_STAGE)
    if not _accepts(parse_instant, updated_at, ValueError):
        expected.append(verdict.reasons[-1] if isinstance(verdict, Rejected) else Reason.INVALID_UPDATED_AT)
        assert expected[-1] in (Reason.INVALID_UPDATED_AT, Reason.UPDATED_AT_WITHOUT_OFFSET)
    elif parse_instant(updated_at) - NOW > timedelta(minutes=5):
        expected.append(Reason.UPDATED_AT_IN_FUTURE)

    if expected:
        assert verdict == Rejected(tuple(expected))
    else:
        assert isinstance(verdict, Accepted)
        assert verdict.nik.digits == nik
        assert (verdict.application.service.value, verdict.application.stage.value) == (service, stage)
        assert verdict.application.updated_at == parse_instant(updated_at)


def _accepts(parse: object, text: str, error: type[Exception]) -> bool:
    try:
        parse(text)  # type: ignore[operator]
    except error:
        return False
    return True
