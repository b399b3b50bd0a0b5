"""The day after `ANTRE <NIK>`, as residents write it, read against dates worked out by hand
(1 December 2026 is a Tuesday) and, for whole ranges, by date arithmetic."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from chalicelib.whatsapp.day_words import BadDay, mentions_day, read_day
from chalicelib.whatsapp.texts import MONTHS

TUESDAY = date(2026, 12, 1)
WINDOW = 14


def _read(words: str, today: date = TUESDAY, today_counts: bool = True) -> date | BadDay:
    return read_day(words, today, WINDOW, today_counts)


@pytest.mark.parametrize(
    "words", ["", "  ", "hari ini", "Hari Ini", "HR INI", "sekarang", "🙏", "hari ini ya"]
)
def test_no_day_or_today_means_today(words: str) -> None:
    if words == "hari ini ya":
        assert _read(words) == BadDay("unreadable")  # a word that is no day is never ignored
    else:
        assert _read(words) == TUESDAY


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("besok", date(2026, 12, 2)),
        ("BESOK", date(2026, 12, 2)),
        ("besuk", date(2026, 12, 2)),
        ("esok", date(2026, 12, 2)),
        ("bsk", date(2026, 12, 2)),
        ("besok 🙏", date(2026, 12, 2)),
        ("besok.", date(2026, 12, 2)),
        ("untuk besok", date(2026, 12, 2)),
        ("lusa", date(2026, 12, 3)),
        ("besok lusa", date(2026, 12, 3)),
    ],
)
def test_tomorrow_and_the_day_after_count_from_today(words: str, expected: date) -> None:
    assert _read(words) == expected


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("senin", date(2026, 12, 7)),
        ("Rabu", date(2026, 12, 2)),
        ("hari rabu", date(2026, 12, 2)),
        ("kamis", date(2026, 12, 3)),
        ("jumat", date(2026, 12, 4)),
        ("jum'at", date(2026, 12, 4)),
        ("Jum\u2019at", date(2026, 12, 4)),  # the apostrophe phones type
        ("sabtu", date(2026, 12, 5)),
        ("sabtu ini", date(2026, 12, 5)),
        ("minggu", date(2026, 12, 6)),
        ("ahad", date(2026, 12, 6)),
        ("senin depan", date(2026, 12, 7)),
    ],
)
def test_a_weekday_is_the_coming_one(words: str, expected: date) -> None:
    assert _read(words) == expected


def test_todays_weekday_is_today_while_the_office_is_still_open_and_next_week_after() -> None:
    assert _read("selasa") == TUESDAY
    assert _read("selasa ini") == TUESDAY
    assert _read("selasa", today_counts=False) == date(2026, 12, 8)
    assert _read("selasa depan") == date(2026, 12, 8)
    assert _read("hari ini", today_counts=False) == TUESDAY  # said outright: today it is


@pytest.mark.parametrize("words", ["minggu depan", "minggu ini"])
def test_minggu_meaning_a_week_is_not_taken_for_a_sunday(words: str) -> None:
    assert _read(words) == BadDay("unreadable")


@pytest.mark.parametrize(
    "words",
    [
        "5/12",
        "05/12",
        "5-12",
        "05-12",
        "5.12",
        "5 Des",
        "5 des.",
        "5 desember",
        "5 DESEMBER",
        "5 dec",
        "5/12/2026",
        "05-12-2026",
        "5/12/26",
        "5 Desember 2026",
        "2026-12-05",
        "tgl 5/12",
        "tgl. 5/12",
        "tanggal 5 Desember",
        "untuk tanggal 5/12",
        "5/12 🙏",
    ],
)
def test_a_date_is_read_day_first_in_every_usual_spelling(words: str) -> None:
    assert _read(words) == date(2026, 12, 5)


def test_a_date_without_year_across_new_year_is_next_years() -> None:
    new_years_eve = date(2026, 12, 31)
    assert _read("1/1", new_years_eve) == date(2027, 1, 1)
    assert _read("2 Januari", new_years_eve) == date(2027, 1, 2)
    assert _read("31/12", new_years_eve) == new_years_eve
    assert _read("14/1", new_years_eve) == date(2027, 1, 14)  # the window's last day


def test_a_date_already_passed_is_the_one_that_passed_not_next_years() -> None:
    assert _read("30/11") == date(2026, 11, 30)
    assert _read("5/6") == date(2026, 6, 5)


def test_a_coming_date_beyond_the_window_stays_that_date_for_the_service_to_refuse() -> None:
    assert _read("25/12") == date(2026, 12, 25)
    assert _read("16/1", date(2026, 12, 31)) == date(2027, 1, 16)


def test_the_29th_of_february_is_read_only_where_it_exists() -> None:
    assert _read("29/2", date(2028, 2, 20)) == date(2028, 2, 29)
    assert _read("29/2/2028") == date(2028, 2, 29)
    assert _read("29/2/2027") == BadDay("no_such_date")
    assert _read("29/2", date(2027, 2, 20)) == date(2028, 2, 29)  # the coming one: next year's


@pytest.mark.parametrize(
    "words", ["5/13", "0/12", "32/1", "31/4", "30/2", "31 Juni", "2026-13-01", "tgl 0", "tgl 32"]
)
def test_a_date_not_in_the_calendar_says_so(words: str) -> None:
    assert _read(words) == BadDay("no_such_date")


@pytest.mark.parametrize(
    "words",
    [
        "bsok",
        "besok pagi banget",
        "1",
        "12",
        "5 12",
        "5/12/202",
        "12/2026",
        "5 foo",
        "next week",
        "kemarin",
        "tgl",
    ],
)
def test_anything_else_is_unreadable_never_today(words: str) -> None:
    assert _read(words) == BadDay("unreadable")


@pytest.mark.parametrize(
    ("today", "words", "expected"),
    [
        (TUESDAY, "tgl 5", date(2026, 12, 5)),
        (TUESDAY, "tanggal 1", TUESDAY),
        (date(2026, 12, 20), "tgl 3", date(2027, 1, 3)),
        (date(2026, 11, 15), "tgl 31", date(2026, 12, 31)),
        (date(2027, 1, 31), "tgl 30", date(2027, 3, 30)),
    ],
)
def test_a_day_of_the_month_alone_is_the_coming_one(today: date, words: str, expected: date) -> None:
    assert _read(words, today) == expected


def test_every_date_of_the_window_typed_any_way_reads_back_on_every_day_for_three_years() -> None:
    today = date(2026, 1, 1)
    while today < date(2029, 1, 1):
        for ahead in range(WINDOW + 1):
            day = today + timedelta(days=ahead)
            month = MONTHS["id"][day.month - 1]
            typed = (
                f"{day.day}/{day.month}",
                f"{day.day:02d}-{day.month:02d}",
                f"{day.day} {month}",
                f"{day.day} {month[:3]}",  # as replies' short dates cut it
                f"{day.day}/{day.month}/{day.year}",
            )
            for words in typed:
                assert read_day(words, today, WINDOW) == day, (today, words)
        today += timedelta(days=1)


def test_every_weekday_name_is_within_the_coming_week_and_on_that_weekday() -> None:
    names = ("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu")
    for offset in range(7):
        today = TUESDAY + timedelta(days=offset)
        for weekday, name in enumerate(names):
            for counts in (True, False):
                found = read_day(name, today, WINDOW, counts)
                assert isinstance(found, date)
                assert found.weekday() == weekday
                lowest = 0 if counts else 1
                assert lowest <= (found - today).days <= 6 + (0 if counts else 1), (today, name, counts)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("", False),
        ("nik saya", False),
        ("tolong ya kak", False),
        ("besok", True),
        ("nik saya besok", True),
        ("hari ini", True),
        ("Senin", True),
        ("5/12", True),
        ("tgl", True),
        ("5 desember", True),
    ],
)
def test_a_day_before_the_nik_is_noticed(words: str, expected: bool) -> None:
    assert mentions_day(words) is expected
