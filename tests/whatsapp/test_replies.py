"""Reply wording: plain Indonesian for a phone screen, never a whole NIK."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.core.applications import Application, Service, Stage
from chalicelib.core.messages import SERVICE_NAMES
from chalicelib.core.nik import parse_nik
from chalicelib.core.quota import DayCounter
from chalicelib.whatsapp import replies
from chalicelib.whatsapp.texts import TEXTS as WHATSAPP_TEXTS

NIK = parse_nik("3505124509909001")
WIB = timezone(timedelta(hours=7))
MONDAY = date(2026, 11, 30)


def test_every_whatsapp_text_has_indonesian_and_english() -> None:
    for key, texts in WHATSAPP_TEXTS.items():
        assert set(texts) == {"id", "en"}, key
        assert all(t.strip() for t in texts.values()), key


def test_dates_read_as_an_indonesian_would_say_them() -> None:
    assert replies.long_date(MONDAY) == "Senin, 30 November 2026"
    assert replies.long_date(date(2027, 1, 1)) == "Jumat, 1 Januari 2027"
    assert replies.long_date(MONDAY, "en") == "Monday, 30 November 2026"


def test_the_update_day_is_the_day_in_wib_not_in_utc() -> None:
    late_evening_utc = datetime(2026, 11, 29, 18, 0, tzinfo=UTC)  # 30 Nov 01:00 WIB
    text = replies.status(NIK, [Application(Service.EKTP, Stage.READY, late_evening_utc)], WIB)
    assert "(diperbarui 30 Nov 2026)" in text


@pytest.mark.parametrize(
    ("counter", "expected"),
    [
        (DayCounter("kab-blitar", MONDAY, quota=400, issued=12), "Sisa *388* dari 400 nomor"),
        (DayCounter("kab-blitar", MONDAY, quota=400, issued=400), "sudah habis (400 dari 400"),
        (DayCounter("kab-blitar", MONDAY, quota=0, issued=0), "tidak ada layanan antrean"),
    ],
)
def test_kuota_says_open_full_or_closed(counter: DayCounter, expected: str) -> None:
    assert expected in replies.quota(counter)


@pytest.mark.parametrize("issued", [12, 400])
def test_kuota_names_the_site_with_its_address_and_hours_not_its_code(issued: int) -> None:
    text = replies.quota(DayCounter("kab-blitar", MONDAY, quota=400, issued=issued))
    assert "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Blitar\n" in text
    assert "Alamat: Kanigoro, Kabupaten Blitar, Jawa Timur\n" in text
    assert "Jam layanan: Senin-Kamis 08.00-15.00, Jumat 08.00-11.00\n" in text
    assert "kab-blitar" not in text


def test_antre_says_where_to_go_and_when_it_opens() -> None:
    text = replies.ticket(NIK, "kec-wlingi", MONDAY, 3, granted=True)
    assert "Tempat: Kantor Kecamatan Wlingi\nAlamat: Wlingi, Kabupaten Blitar, Jawa Timur\n" in text
    assert "Jam layanan: Senin-Kamis 08.00-15.00, Jumat 08.00-11.00" in text
    assert "kec-wlingi" not in text


def test_in_english_the_hours_are_worded_in_english() -> None:
    text = replies.ticket(NIK, "kab-blitar", MONDAY, 3, granted=True, lang="en")
    assert "Address: Kanigoro, Kabupaten Blitar, Jawa Timur" in text
    assert "Opening hours: Monday-Thursday 08:00-15:00, Friday 08:00-11:00" in text


def test_a_site_without_address_or_hours_is_named_by_its_code_read_as_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from chalicelib import settings as settings_module

    monkeypatch.setenv("LOKET_SITES", "kab-blitar,kec-sanankulon")
    settings_module.reset()
    text = replies.ticket(NIK, "kec-sanankulon", MONDAY, 3, granted=True)
    assert "Tempat: Kec Sanankulon\nNIK akhiran 9001" in text
    assert "Alamat" not in text and "Jam layanan" not in text


@pytest.mark.parametrize("lang", ["id", "en"])
def test_no_reply_shows_more_than_the_last_four_digits(lang: str) -> None:
    apps = [Application(s, st, datetime(2026, 11, 1, tzinfo=WIB)) for s, st in product(Service, Stage)]
    texts = [
        replies.status(NIK, apps, WIB, lang),  # type: ignore[arg-type]
        replies.status_not_found(NIK, lang),  # type: ignore[arg-type]
        replies.ticket(NIK, "kab-blitar", MONDAY, 7, granted=False, lang=lang),  # type: ignore[arg-type]
    ]
    for text in texts:
        assert NIK.digits not in text
        assert NIK.digits[:12] not in text
        assert "9001" in text


_OFFSETS = st.timedeltas(
    min_value=-timedelta(hours=23, minutes=59), max_value=timedelta(hours=23, minutes=59)
)


@settings(max_examples=200, deadline=None, database=None, derandomize=True)
@given(
    st.datetimes(max_value=datetime.min + timedelta(days=2))
    | st.datetimes(min_value=datetime.max - timedelta(days=2))
    | st.datetimes(),
    _OFFSETS.map(timezone),
    _OFFSETS.map(timezone),
    st.sampled_from(["id", "en"]),
)
def test_a_status_reply_is_worded_for_any_stored_instant_in_any_offset(
    wall_clock: datetime, written_in: timezone, shown_in: timezone, lang: str
) -> None:
    stored = wall_clock.replace(tzinfo=written_in)
    text = replies.status(NIK, [Application(Service.EKTP, Stage.READY, stored)], shown_in, lang)  # type: ignore[arg-type]
    assert "*9001*" in text and SERVICE_NAMES[Service.EKTP][lang] in text  # type: ignore[index]
    assert any(f" {year})" in text for year in (stored.year - 1, stored.year, stored.year + 1)), text


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        (datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))), "(diperbarui 1 Jan 1)"),
        (datetime.max.replace(tzinfo=timezone(timedelta(hours=-14))), "(diperbarui 31 Des 9999)"),
    ],
)
def test_an_instant_at_datetimes_limits_keeps_the_date_it_was_written_with(
    stored: datetime, expected: str
) -> None:
    text = replies.status(NIK, [Application(Service.EKTP, Stage.READY, stored)], WIB)
    assert expected in text
