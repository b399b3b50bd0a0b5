from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.core.errors import InvalidNik
from chalicelib.core.nik import parse_nik, parse_typed_nik


@pytest.mark.parametrize(
    "digits",
    [
        "3505121708850001",  # a man born 17-08-1985
        "3505125708850001",  # a woman born 17-08-1985: 40 added to the day
        "3505127101000001",  # a woman born 31-01-2000 (day 71)
        "3505122902000001",  # 29 February 2000, a leap year
        "3505122902049999",  # 29 February 2004
        "3505126902000001",  # a woman born 29 February 2000
    ],
)
def test_a_well_formed_nik_is_accepted(digits: str) -> None:
    assert parse_nik(digits).digits == digits


@pytest.mark.parametrize(
    ("digits", "why"),
    [
        ("350512170885000", "15 digits"),
        ("35051217088500011", "17 digits"),
        ("3505121708850000", "serial 0000"),
        ("3505123202850001", "day 32"),
        ("3505120008850001", "day 00"),
        ("3505124008850001", "day 40 is a woman's day 00"),
        ("3505127208850001", "day 72 is a woman's day 32"),
        ("3505121713850001", "month 13"),
        ("3505121700850001", "month 00"),
        ("3505123104850001", "31 April"),
        ("3505122902010001", "29 February 2001 and 1901"),
        ("3505123002000001", "30 February"),
        ("3505126902010001", "a woman's 29 February 2001"),
        ("3505121708850001\n", "a trailing newline"),
        (" 3505121708850001", "a leading space"),
        ("35051217O8850001", "a letter O"),
        ("350512170885000١", "an Arabic-Indic digit, which str.isdigit() accepts"),
        ("３５０５121708850001", "fullwidth digits, which str.isdigit() accepts"),
        ("3505121708850001²", "a superscript digit"),
        ("", "empty"),
    ],
)
def test_a_malformed_nik_is_refused(digits: str, why: str) -> None:
    with pytest.raises(InvalidNik):
        parse_nik(digits)


@pytest.mark.parametrize("value", [None, 3505121708850001, 3.5, True, [], {}, ["3505121708850001"]])
def test_a_nik_that_is_not_a_string_is_refused(value: object) -> None:
    with pytest.raises(InvalidNik):
        parse_nik(value)


def test_a_nik_never_shows_itself_in_str_or_repr() -> None:
    nik = parse_nik("3505121708850001")
    for shown in (str(nik), repr(nik), f"{nik}", f"{nik!r}", str([nik]), str({"nik": nik})):
        assert "3505121708850001" not in shown
        assert "************0001" in shown


def test_the_masked_form_shows_only_the_last_four_digits() -> None:
    assert parse_nik("3505121708859002").masked == "************9002"


def test_the_keyed_hash_depends_on_the_key_so_a_guessed_nik_cannot_be_looked_up() -> None:
    nik = parse_nik("3505121708850001")
    assert nik.keyed_hash(b"one key") != nik.keyed_hash(b"another key")
    assert nik.keyed_hash(b"one key") == parse_nik("3505121708850001").keyed_hash(b"one key")
    assert "3505121708850001" not in nik.keyed_hash(b"k") + nik.holder_key(b"k")
    assert len(nik.holder_key(b"k")) == 12


@pytest.mark.parametrize("typed", ["3505.1245.0999.0003", "3505-1245-0999-0003", " 3505 1245 0999 0003 "])
def test_a_typed_nik_may_carry_dots_dashes_and_spaces(typed: str) -> None:
    assert parse_typed_nik(typed).digits == "3505124509990003"


@given(st.text(max_size=40))
def test_any_text_is_either_a_valid_nik_or_refused_never_a_crash(text: str) -> None:
    try:
        nik = parse_nik(text)
    except InvalidNik:
        return
    assert len(nik.digits) == 16 and nik.digits.isascii() and nik.digits.isdigit()
    assert nik.digits[12:] != "0000"


def _birth_date_exists(ddmmyy: str) -> bool:
    """The oracle: DDMMYY (DD + 40 for a woman) names a real day of 19YY or of 20YY."""
    day, month, yy = int(ddmmyy[0:2]), int(ddmmyy[2:4]), int(ddmmyy[4:6])
    day_of_month = day - 40 if day > 40 else day
    for year in (1900 + yy, 2000 + yy):
        try:
            date(year, month, day_of_month)
        except ValueError:
            continue
        return True
    return False


def _accepted(digits: str) -> bool:
    try:
        parse_nik(digits)
    except InvalidNik:
        return False
    return True


@given(st.from_regex(r"\A[0-9]{16}\Z"))
def test_sixteen_ascii_digits_are_refused_exactly_when_the_date_or_the_serial_cannot_be(digits: str) -> None:
    assert _accepted(digits) == (digits[12:] != "0000" and _birth_date_exists(digits[6:12]))


@pytest.mark.parametrize("yy", ["00", "01", "04", "23", "24", "99"])
def test_every_day_of_every_month_is_accepted_exactly_when_it_exists(yy: str) -> None:
    """00 (2000 leap, 1900 not), 01 and 23 (neither leap), 04 and 24 (leap in both), 99."""
    dates = [f"{day:02d}{month:02d}{yy}" for month in range(1, 13) for day in [*range(1, 32), *range(41, 72)]]
    wrong = [d for d in dates if _accepted(f"350512{d}0001") != _birth_date_exists(d)]
    assert not wrong
    assert sum(map(_birth_date_exists, dates)) == 2 * (365 + (yy in ("00", "04", "24")))


def test_the_date_oracle_knows_which_februaries_have_a_29th() -> None:
    assert _birth_date_exists("290200") and _birth_date_exists("690204")  # 2000, 2004
    assert not _birth_date_exists("290201") and not _birth_date_exists("690223")  # 1901/2001, 1923/2023
    assert not _birth_date_exists("310400") and not _birth_date_exists("400185")  # 31 April; day 00
