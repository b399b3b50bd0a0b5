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
SATURDAY = date(2026, 12, 5)
CODE = "K7Q2M94X"


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


def _ticket(site: str = "kab-blitar", day: date = MONDAY, lang: str = "id", **kwargs: object) -> str:
    fields: dict[str, object] = {"code": CODE, "last4": NIK.last4, "created": True, "today": MONDAY}
    fields.update(kwargs)
    return replies.ticket_taken(3, site, day, lang=lang, **fields)  # type: ignore[arg-type]


def test_antre_says_where_to_go_and_when_it_opens() -> None:
    text = _ticket("kec-wlingi")
    assert "Tempat: Kantor Kecamatan Wlingi\nAlamat: Wlingi, Kabupaten Blitar, Jawa Timur\n" in text
    assert "Jam layanan: Senin-Kamis 08.00-15.00, Jumat 08.00-11.00" in text
    assert "kec-wlingi" not in text


def test_in_english_the_hours_are_worded_in_english() -> None:
    text = _ticket(lang="en")
    assert "Address: Kanigoro, Kabupaten Blitar, Jawa Timur" in text
    assert "Opening hours: Monday-Thursday 08:00-15:00, Friday 08:00-11:00" in text


def test_a_site_without_address_or_hours_is_named_by_its_code_read_as_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from chalicelib import settings as settings_module

    monkeypatch.setenv("LOKET_SITES", "kab-blitar,kec-sanankulon")
    settings_module.reset()
    text = _ticket("kec-sanankulon")
    assert "Tempat: Kec Sanankulon\nKode: *K7Q2M94X*" in text
    assert "Alamat" not in text and "Jam layanan" not in text


@pytest.mark.parametrize("lang", ["id", "en"])
def test_no_reply_shows_more_than_the_last_four_digits(lang: str) -> None:
    apps = [Application(s, st, datetime(2026, 11, 1, tzinfo=WIB)) for s, st in product(Service, Stage)]
    texts = [
        replies.status(NIK, apps, WIB, lang),  # type: ignore[arg-type]
        replies.status_not_found(NIK, lang),  # type: ignore[arg-type]
        _ticket(lang=lang, created=False),
        _ticket(lang=lang, code=None),
        replies.holds_other_day(NIK.last4, MONDAY, lang),  # type: ignore[arg-type]
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


# --- invitations: a ticket for a chosen day -----------------------------------------------------


def test_a_ticket_for_a_later_day_names_the_day_the_code_and_what_to_bring() -> None:
    text = _ticket(day=SATURDAY)
    assert text.startswith("Nomor antrean Anda: *3*\nHari: Sabtu, 5 Desember 2026\n")
    assert "Tempat: Dinas Kependudukan dan Pencatatan Sipil Kabupaten Blitar\n" in text
    assert "Alamat: Kanigoro, Kabupaten Blitar, Jawa Timur\n" in text
    assert "Kode: *K7Q2M94X*\n" in text
    assert "Silakan datang pada *Sabtu, 5 Desember 2026*" in text
    assert "hanya berlaku pada hari itu" in text
    assert "Yang perlu dibawa:\n- KTP-el atau KK asli\n" in text
    assert "Kirim *BATAL K7Q2M94X*" in text
    assert "kab-blitar" not in text


def test_a_ticket_for_today_says_come_today() -> None:
    text = _ticket()
    assert "Silakan datang hari ini" in text
    assert "Silakan datang pada" not in text


def test_a_ticket_already_held_says_so_with_its_day() -> None:
    assert _ticket(created=False).startswith("Anda sudah punya nomor antrean hari ini: *3*")
    held = _ticket(day=SATURDAY, created=False)
    assert held.startswith("Anda sudah punya nomor antrean untuk Sabtu, 5 Desember 2026: *3*")


def test_a_ticket_another_phone_holds_is_shown_without_its_code() -> None:
    text = _ticket(day=SATURDAY, created=False, code=None)
    assert "Kode" not in text and "BATAL" not in text and CODE not in text
    assert "kodenya hanya diberikan kepada yang mengambilnya" in text


def test_holds_other_day_names_the_day_held_and_says_cancel_first() -> None:
    text = replies.holds_other_day("9001", SATURDAY)
    assert "NIK akhiran 9001 sudah punya nomor antrean untuk *Sabtu, 5 Desember 2026*" in text
    assert "batalkan dulu nomor itu: kirim *BATAL <kode>*" in text


def test_a_full_day_points_to_the_next_day_with_room_in_a_form_antre_reads() -> None:
    from chalicelib.whatsapp.day_words import read_day

    text = replies.quota_exhausted("kab-blitar", MONDAY, SATURDAY, date(2026, 12, 14))
    assert "nomor antrean untuk Senin, 30 November 2026 di Dinas Kependudukan" in text
    assert "sudah habis" in text
    assert "Hari terdekat yang masih ada nomor: *Sabtu, 5 Desember 2026*" in text
    assert "Kirim *ANTRE <NIK> 5/12*" in text
    assert read_day("5/12", MONDAY, 14) == SATURDAY


def test_a_full_window_says_there_is_no_other_day_yet() -> None:
    text = replies.quota_exhausted("kab-blitar", MONDAY, None, date(2026, 12, 14))
    assert "Sampai Senin, 14 Desember 2026 belum ada hari lain" in text
    assert "*JADWAL*" in text


def test_closed_and_phone_limit_say_what_to_do() -> None:
    closed = replies.closed("kab-blitar", SATURDAY)
    assert "tidak ada layanan antrean di Dinas Kependudukan" in closed and "Sabtu, 5 Desember 2026" in closed
    assert "*JADWAL*" in closed
    limit = replies.phone_limit(4)
    assert "sudah memegang 4 nomor antrean" in limit and "*BATAL <kode>*" in limit


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 29), "Minggu, 29 November 2026 sudah lewat"),
        (date(2026, 12, 15), "Selasa, 15 Desember 2026 terlalu jauh"),
        (SATURDAY, "Sabtu, 5 Desember 2026 bukan hari layanan di Dinas"),
    ],
)
def test_an_invalid_day_says_why(day: date, expected: str) -> None:
    text = replies.invalid_day("kab-blitar", day, MONDAY, date(2026, 12, 14))
    assert expected in text
    assert "*JADWAL*" in text


@pytest.mark.parametrize(
    ("reason", "expected"), [("unreadable", "tidak dapat dibaca"), ("no_such_date", "tidak ada di kalender")]
)
def test_a_day_that_cannot_be_read_shows_the_forms_with_a_date_ahead(reason: str, expected: str) -> None:
    from chalicelib.whatsapp.day_words import read_day

    text = replies.bad_day(reason, MONDAY)  # type: ignore[arg-type]
    assert expected in text
    for form in ("besok", "lusa", "senin", "3/12", "3 Desember"):
        assert f"*ANTRE <NIK> {form}*" in text
        assert read_day(form, MONDAY, 14) >= MONDAY  # type: ignore[operator]
    assert "Tanpa hari: nomor untuk hari ini." in text


def test_cancel_replies() -> None:
    assert replies.cancelled(3, SATURDAY).startswith(
        "Nomor antrean *3* untuk Sabtu, 5 Desember 2026 sudah dibatalkan"
    )
    assert "dengan kode *K7Q2M94X* yang diambil dari nomor WhatsApp ini" in replies.cancel_not_found(CODE)
    served = replies.not_cancellable(3, MONDAY, "served", MONDAY)
    assert (
        served
        == "Nomor antrean *3* untuk Senin, 30 November 2026 tidak dapat dibatalkan lagi: sudah dilayani."
    )
    assert replies.not_cancellable(3, MONDAY, "booked", SATURDAY).endswith(": harinya sudah lewat.")
    assert "*BATAL K7Q2M94X*" in replies.bad_code()


def _counter(day: date, quota: int, issued: int) -> DayCounter:
    return DayCounter("kab-blitar", day, quota=quota, issued=issued)


def test_jadwal_lists_the_open_days_with_room_and_skips_the_rest() -> None:
    counters = [
        _counter(MONDAY, 400, 400),  # full
        _counter(date(2026, 12, 1), 400, 120),
        _counter(date(2026, 12, 2), 0, 0),  # closed
        _counter(date(2026, 12, 3), 400, 0),
    ]
    text = replies.schedule("kab-blitar", counters, date(2026, 12, 14))
    assert "- Selasa, 1 Des: sisa 280\n- Kamis, 3 Des: sisa 400\n" in text
    assert "30 Nov" not in text and "2 Des" not in text
    assert "misalnya ANTRE <NIK> 1/12." in text


def test_jadwal_lists_at_most_a_week_of_days() -> None:
    counters = [_counter(MONDAY + timedelta(days=n), 400, 0) for n in range(15)]
    text = replies.schedule("kab-blitar", counters, date(2026, 12, 14))
    assert text.count("\n- ") == replies.SCHEDULE_DAYS == 7


def test_jadwal_with_no_room_anywhere_says_so() -> None:
    text = replies.schedule("kab-blitar", [_counter(MONDAY, 400, 400)], date(2026, 12, 14))
    assert text.startswith("Sampai Senin, 14 Desember 2026 tidak ada hari yang masih ada nomor antrean")


def test_posisi_gives_the_number_and_state_or_says_there_is_none() -> None:
    text = replies.position(3, "kab-blitar", MONDAY, "checked_in")
    assert text.startswith("Nomor antrean Anda: *3*\nHari: Senin, 30 November 2026\n")
    assert "Status: sudah lapor kedatangan, menunggu dipanggil" in text
    none = replies.position_none(MONDAY)
    assert "tidak memegang nomor antrean untuk hari ini (Senin, 30 November 2026)" in none


def test_posisi_of_a_waiting_ticket_tells_the_wait_in_indonesian_and_in_english() -> None:
    from zoneinfo import ZoneInfo

    at = datetime(2026, 11, 30, 10, 5, tzinfo=ZoneInfo("Asia/Jakarta"))
    text = replies.position(3, "kab-blitar", MONDAY, "checked_in", ahead=4, call_at=at)
    assert text.endswith("\nDi depan Anda: 4 orang\nPerkiraan dipanggil: sekitar pukul 10.05 WIB")
    english = replies.position(3, "kab-blitar", MONDAY, "checked_in", "en", ahead=4, call_at=at)
    assert english.endswith("\nAhead of you: 4\nLikely to be called: around 10:05 WIB")
    assert "Di depan" not in replies.position(3, "kab-blitar", MONDAY, "served")


def test_every_ticket_state_is_worded_in_both_languages() -> None:
    from chalicelib.whatsapp.texts import TICKET_STATES

    assert set(TICKET_STATES) == {"booked", "checked_in", "called", "served", "no_show", "cancelled"}
    assert all(set(words) == {"id", "en"} for words in TICKET_STATES.values())
