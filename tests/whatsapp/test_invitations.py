"""ANTRE <NIK> [day], BATAL, JADWAL and POSISI: a signed webhook in, the one reply out, and
the ticket as the store holds it.

Store: in-process moto (no concurrency here). The clock reads a chosen instant in WIB;
30 November 2026 is a Monday, the office open Monday to Friday, 08:00-15:00 (Friday 11:00).
Replies are delivered by hand (`deliver_now`) to the stand-in Graph API, as the worker would.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterator
from datetime import date, datetime

import pytest
from chalice.test import Client

from chalicelib.core.tickets import Holder, Ticket
from chalicelib.store.dynamo import DynamoStore
from chalicelib.store.whatsapp import WhatsAppStore
from chalicelib.whatsapp import outbox
from chalicelib.whatsapp.config import whatsapp_settings
from tests.support.whatsapp import (
    NIK_READY,
    NIK_REJECTED,
    NIK_TWO,
    NIK_UNKNOWN,
    WA_ID,
    WIB,
    RecordingDispatcher,
    StandInGraph,
    signed,
    text_webhook,
)

WEBHOOK = "/v1/whatsapp/webhook"
OTHER_PHONE = "6285700000002"
MONDAY = date(2026, 11, 30)
TUESDAY = date(2026, 12, 1)
_CODE = re.compile(r"Kode: \*([A-Z2-9]{8})\*")


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 30, 9, 0, tzinfo=WIB)

    def set(self, day: date, hour: int, minute: int = 0) -> None:
        self.now = datetime(day.year, day.month, day.day, hour, minute, tzinfo=WIB)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    from chalicelib import runtime

    current = Clock()
    monkeypatch.setattr(runtime, "now", lambda: current.now)
    return current


@pytest.fixture
def client() -> Iterator[Client]:
    from app import app

    with Client(app, stage_name="local") as test_client:
        yield test_client


class Resident:
    """Sends signed webhooks as a resident would, from one phone, and reads what came back."""

    def __init__(self, client: Client, graph: StandInGraph) -> None:
        self.client, self.graph = client, graph

    def says(self, text: str, wa_id: str = WA_ID) -> str:
        before = len(self.graph.sent)
        body = text_webhook(text, wa_id=wa_id)
        response = self.client.http.post(WEBHOOK, headers=signed(body), body=body)
        assert response.status_code == 200
        config = whatsapp_settings()
        outbox.deliver_due(WhatsAppStore(), outbox.graph_api(config), config)
        sent = self.graph.sent[before:]
        assert len(sent) == 1, f"expected one reply, got {len(sent)}"
        assert sent[0].body["to"] == wa_id
        return sent[0].text

    def books(self, text: str, wa_id: str = WA_ID) -> str:
        """Send an ANTRE that must grant a ticket; its code."""
        reply = self.says(text, wa_id)
        found = _CODE.search(reply)
        assert found is not None, reply
        return found.group(1)


@pytest.fixture
def resident(
    client: Client,
    moto_store: DynamoStore,
    graph_env: StandInGraph,
    recording_dispatcher: RecordingDispatcher,
    clock: Clock,
) -> Resident:
    from local.demo import seed

    seed(moto_store)
    return Resident(client, graph_env)


def _phone_key(wa_id: str) -> str:
    """The holder key worked out here, from the phone purpose's key and the digits."""
    from chalicelib.settings import HashPurpose, hash_key

    return hmac.new(hash_key(HashPurpose.PHONE), wa_id.encode(), hashlib.sha256).hexdigest()


def _ticket(store: DynamoStore, code: str) -> Ticket:
    ticket = store.ticket(code)
    assert ticket is not None
    return ticket


def _issued(store: DynamoStore, day: date) -> int:
    counter = store.counter("kab-blitar", day)
    return 0 if counter is None else int(counter.issued)


# --- ANTRE <NIK> [day] --------------------------------------------------------------------------


def test_antre_besok_books_tomorrow_held_by_the_sending_phone(
    resident: Resident, moto_store: DynamoStore
) -> None:
    reply = resident.says(f"ANTRE {NIK_READY} besok")
    assert reply.startswith("Nomor antrean Anda: *1*\nHari: Selasa, 1 Desember 2026\n")
    assert "Tempat: Dinas Kependudukan dan Pencatatan Sipil Kabupaten Blitar\n" in reply
    assert "Jam layanan: Senin-Kamis 08.00-15.00, Jumat 08.00-11.00" in reply
    assert "Silakan datang pada *Selasa, 1 Desember 2026*" in reply
    assert "KTP-el atau KK asli" in reply
    code = _CODE.search(reply)
    assert code is not None
    assert f"*BATAL {code.group(1)}*" in reply
    ticket = _ticket(moto_store, code.group(1))
    assert (ticket.service_day, ticket.number, ticket.state) == (TUESDAY, 1, "booked")
    assert ticket.holder == Holder("phone", _phone_key(WA_ID))
    assert _issued(moto_store, MONDAY) == 0


@pytest.mark.parametrize(
    ("day", "expected", "service_day"),
    [
        ("lusa", "Rabu, 2 Desember 2026", date(2026, 12, 2)),
        ("4/12", "Jumat, 4 Desember 2026", date(2026, 12, 4)),
        ("07-12", "Senin, 7 Desember 2026", date(2026, 12, 7)),
        ("3 Desember", "Kamis, 3 Desember 2026", date(2026, 12, 3)),
        ("kamis", "Kamis, 3 Desember 2026", date(2026, 12, 3)),
        ("", "Senin, 30 November 2026", MONDAY),
        ("hari ini", "Senin, 30 November 2026", MONDAY),
    ],
)
def test_antre_books_the_day_the_resident_wrote(
    resident: Resident, moto_store: DynamoStore, day: str, expected: str, service_day: date
) -> None:
    code = resident.books(f"ANTRE {NIK_READY} {day}")
    assert _ticket(moto_store, code).service_day == service_day
    assert f"Hari: {expected}\n" in resident.says(f"POSISI {code}")


def test_a_weekday_name_means_today_while_the_office_is_open_and_next_week_once_it_closed(
    resident: Resident, moto_store: DynamoStore, clock: Clock
) -> None:
    clock.set(MONDAY, 14, 59)
    assert _ticket(moto_store, resident.books(f"ANTRE {NIK_READY} senin")).service_day == MONDAY
    clock.set(MONDAY, 15, 0)
    assert _ticket(moto_store, resident.books(f"ANTRE {NIK_TWO} senin")).service_day == date(2026, 12, 7)


def test_the_day_is_read_in_wib_not_in_utc(resident: Resident, moto_store: DynamoStore, clock: Clock) -> None:
    clock.set(TUESDAY, 6, 30)  # Monday 23:30 UTC: in Blitar it is already Tuesday
    code = resident.books(f"ANTRE {NIK_READY} besok")
    assert _ticket(moto_store, code).service_day == date(2026, 12, 2)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("bsok", "harinya tidak dapat dibaca"),
        ("1", "harinya tidak dapat dibaca"),
        ("5/13", "tidak ada di kalender"),
    ],
)
def test_a_day_that_cannot_be_read_gets_the_forms_and_no_ticket_for_today(
    resident: Resident, moto_store: DynamoStore, day: str, expected: str
) -> None:
    reply = resident.says(f"ANTRE {NIK_READY} {day}")
    assert expected in reply
    assert "*ANTRE <NIK> besok*" in reply and "*ANTRE <NIK> 3/12*" in reply
    assert "Nomor antrean Anda" not in reply
    assert _issued(moto_store, MONDAY) == 0
    assert "tidak memegang nomor antrean" in resident.says("POSISI")


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("29/11", "Minggu, 29 November 2026 sudah lewat"),
        ("15/12", "Selasa, 15 Desember 2026 terlalu jauh"),
        ("sabtu", "Sabtu, 5 Desember 2026 bukan hari layanan"),
    ],
)
def test_a_day_that_cannot_be_booked_says_why(resident: Resident, day: str, expected: str) -> None:
    reply = resident.says(f"ANTRE {NIK_READY} {day}")
    assert expected in reply
    assert "Nomor antrean Anda" not in reply


def test_a_second_day_for_the_same_nik_names_the_day_held_and_says_cancel_first(resident: Resident) -> None:
    resident.books(f"ANTRE {NIK_READY} besok")
    reply = resident.says(f"ANTRE {NIK_READY} 3/12")
    assert "NIK akhiran 9001 sudah punya nomor antrean untuk *Selasa, 1 Desember 2026*" in reply
    assert "*BATAL <kode>*" in reply


def test_the_same_day_again_is_the_same_ticket_and_its_code_only_for_the_phone_that_holds_it(
    resident: Resident,
) -> None:
    code = resident.books(f"ANTRE {NIK_READY} besok")
    again = resident.says(f"ANTRE {NIK_READY} 1/12")
    assert again.startswith("Anda sudah punya nomor antrean untuk Selasa, 1 Desember 2026: *1*")
    assert f"Kode: *{code}*" in again
    elsewhere = resident.says(f"ANTRE {NIK_READY} besok", wa_id=OTHER_PHONE)
    assert elsewhere.startswith("Anda sudah punya nomor antrean untuk Selasa, 1 Desember 2026: *1*")
    assert code not in elsewhere and "Kode" not in elsewhere


def test_meta_delivering_the_same_antre_again_books_once_and_replies_once(
    resident: Resident, moto_store: DynamoStore
) -> None:
    body = text_webhook(f"ANTRE {NIK_READY} besok", message_id="wamid.the-same-antre")
    for _ in range(3):
        response = resident.client.http.post(WEBHOOK, headers=signed(body), body=body)
        assert response.status_code == 200
    config = whatsapp_settings()
    outbox.deliver_due(WhatsAppStore(), outbox.graph_api(config), config)
    assert len(resident.graph.sent) == 1
    assert resident.graph.sent[0].text.startswith("Nomor antrean Anda: *1*\nHari: Selasa, 1 Desember 2026\n")
    assert _issued(moto_store, TUESDAY) == 1


def test_a_full_day_points_to_the_next_day_with_room(resident: Resident, moto_store: DynamoStore) -> None:
    moto_store.set_day_quota("kab-blitar", TUESDAY, 1)
    resident.books(f"ANTRE {NIK_READY} besok")
    reply = resident.says(f"ANTRE {NIK_TWO} besok")
    assert "nomor antrean untuk Selasa, 1 Desember 2026 di Dinas" in reply and "sudah habis" in reply
    assert "Hari terdekat yang masih ada nomor: *Rabu, 2 Desember 2026*" in reply
    assert "Kirim *ANTRE <NIK> 2/12*" in reply
    assert _ticket(moto_store, resident.books(f"ANTRE {NIK_TWO} 2/12")).service_day == date(2026, 12, 2)


def test_today_closed_says_so_and_points_to_jadwal(resident: Resident, moto_store: DynamoStore) -> None:
    moto_store.set_day_quota("kab-blitar", MONDAY, 0)
    reply = resident.says(f"ANTRE {NIK_READY}")
    assert reply.startswith("Maaf, tidak ada layanan antrean di Dinas Kependudukan")
    assert "Senin, 30 November 2026" in reply and "*JADWAL*" in reply


def test_a_phone_at_its_cap_is_told_and_gets_no_ticket(
    resident: Resident, moto_store: DynamoStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib import settings

    monkeypatch.setenv("LOKET_TICKETS_PER_PHONE", "2")
    settings.reset()
    resident.books(f"ANTRE {NIK_READY} besok")
    resident.books(f"ANTRE {NIK_TWO} besok")
    reply = resident.says(f"ANTRE {NIK_REJECTED} besok")
    assert "sudah memegang 2 nomor antrean yang akan datang" in reply
    assert _issued(moto_store, TUESDAY) == 2
    assert "Nomor antrean Anda: *3*" in resident.says(f"ANTRE {NIK_REJECTED} besok", wa_id=OTHER_PHONE)


# --- BATAL <code> -------------------------------------------------------------------------------


def test_batal_cancels_and_the_nik_can_then_book_another_day(
    resident: Resident, moto_store: DynamoStore
) -> None:
    code = resident.books(f"ANTRE {NIK_READY} besok")
    reply = resident.says(f"batal {code.lower()}")
    assert reply.startswith("Nomor antrean *1* untuk Selasa, 1 Desember 2026 sudah dibatalkan.")
    assert _ticket(moto_store, code).state == "cancelled"
    again = resident.books(f"ANTRE {NIK_READY} 3/12")
    assert _ticket(moto_store, again).service_day == date(2026, 12, 3)
    assert resident.says(f"BATAL {code}").startswith("Nomor antrean *1* untuk Selasa")  # again: the same


def test_batal_from_another_phone_reads_exactly_like_an_unknown_code(
    resident: Resident, moto_store: DynamoStore
) -> None:
    code = resident.books(f"ANTRE {NIK_READY} besok")
    unknown = "ZZZZ2222" if code != "ZZZZ2222" else "YYYY3333"
    not_held = resident.says(f"BATAL {code}", wa_id=OTHER_PHONE)
    never_was = resident.says(f"BATAL {unknown}", wa_id=OTHER_PHONE)
    assert not_held.replace(code, "<code>") == never_was.replace(unknown, "<code>")
    assert "Tidak ada nomor antrean dengan kode" in not_held
    assert _ticket(moto_store, code).state == "booked"


def test_batal_of_a_checked_in_ticket_is_refused_with_its_state(
    resident: Resident, moto_store: DynamoStore, clock: Clock
) -> None:
    code = resident.books(f"ANTRE {NIK_READY}")
    moto_store.change_ticket_state(code, ("booked",), "checked_in", clock.now)
    reply = resident.says(f"BATAL {code}")
    assert reply == (
        "Nomor antrean *1* untuk Senin, 30 November 2026 tidak dapat dibatalkan lagi: "
        "sudah lapor kedatangan, menunggu dipanggil."
    )


def test_batal_of_a_ticket_whose_day_is_over_is_refused(
    resident: Resident, moto_store: DynamoStore, clock: Clock
) -> None:
    code = resident.books(f"ANTRE {NIK_READY}")
    clock.set(TUESDAY, 9)
    assert resident.says(f"BATAL {code}").endswith("tidak dapat dibatalkan lagi: harinya sudah lewat.")
    assert _ticket(moto_store, code).state == "booked"


def test_batal_without_a_code_says_how_to_write_it(resident: Resident) -> None:
    assert resident.says("BATAL 123").startswith("Tulis kode nomor antrean sesudah BATAL")


# --- JADWAL and POSISI --------------------------------------------------------------------------


def test_jadwal_lists_the_open_days_with_the_room_left(resident: Resident, moto_store: DynamoStore) -> None:
    moto_store.set_day_quota("kab-blitar", date(2026, 12, 2), 0)
    resident.books(f"ANTRE {NIK_READY} besok")
    reply = resident.says("JADWAL")
    assert reply.startswith("Hari yang masih ada nomor antrean\nDinas Kependudukan")
    assert "- Senin, 30 Nov: sisa 400\n- Selasa, 1 Des: sisa 399\n- Kamis, 3 Des: sisa 400\n" in reply
    assert "2 Des" not in reply and "5 Des" not in reply  # closed, and a Saturday


def test_posisi_gives_todays_ticket_and_its_state_or_says_there_is_none(
    resident: Resident, moto_store: DynamoStore, clock: Clock
) -> None:
    assert "tidak memegang nomor antrean untuk hari ini (Senin, 30 November 2026)" in resident.says("POSISI")
    resident.books(f"ANTRE {NIK_TWO} besok")
    assert "tidak memegang nomor antrean untuk hari ini" in resident.says(
        "posisi"
    )  # tomorrow's is not today's
    code = resident.books(f"ANTRE {NIK_READY}")
    reply = resident.says("POSISI")
    assert reply.startswith("Nomor antrean Anda: *1*\nHari: Senin, 30 November 2026\n")
    assert "Status: terdaftar, belum lapor kedatangan" in reply
    moto_store.change_ticket_state(code, ("booked",), "checked_in", clock.now)
    assert "Status: sudah lapor kedatangan, menunggu dipanggil" in resident.says("POSISI")
    assert "tidak memegang" in resident.says("POSISI", wa_id=OTHER_PHONE)
    assert "Tidak ada nomor antrean dengan kode" in resident.says(f"POSISI {code}", wa_id=OTHER_PHONE)


def test_posisi_tells_how_many_are_ahead_and_when_the_ticket_will_likely_be_called(
    resident: Resident, moto_store: DynamoStore, clock: Clock
) -> None:
    from chalicelib.services import queue
    from chalicelib.settings import settings

    first = resident.books(f"ANTRE {NIK_TWO}", wa_id=OTHER_PHONE)
    second = resident.books(f"ANTRE {NIK_REJECTED}", wa_id=OTHER_PHONE)
    mine = resident.books(f"ANTRE {NIK_READY}")
    for code in (first, second):
        queue.check_in(moto_store, settings(), "kab-blitar", clock.now, code=code)
    # Numbers 1 and 2 checked in before number 3, nobody served yet (6 minutes a resident,
    # the default), no desk calling (counted as one): 2 x 6 / 1 = 12 minutes from 09:00.
    booked = resident.says("POSISI")
    assert booked.endswith("Di depan Anda: 2 orang\nPerkiraan dipanggil: sekitar pukul 09.12 WIB")
    queue.check_in(moto_store, settings(), "kab-blitar", clock.now, code=mine)
    clock.set(MONDAY, 9, 10)
    queue.call_next(moto_store, settings(), "kab-blitar", 1, clock.now)  # number 1, at 09:10
    waiting = resident.says(f"POSISI {mine}")
    assert "Status: sudah lapor kedatangan, menunggu dipanggil\n" in waiting
    assert waiting.endswith("Di depan Anda: 1 orang\nPerkiraan dipanggil: sekitar pukul 09.16 WIB")
    queue.call_next(moto_store, settings(), "kab-blitar", 2, clock.now)
    queue.call_next(moto_store, settings(), "kab-blitar", 1, clock.now)  # mine: no wait to tell
    called = resident.says("POSISI")
    assert "Status: sedang dipanggil" in called and "Di depan Anda" not in called


def test_the_help_lists_every_command(resident: Resident) -> None:
    reply = resident.says("halo")
    for command in ("*STATUS <NIK>*", "*ANTRE <NIK>*", "*BATAL <kode>*", "*JADWAL*", "*POSISI*", "*KUOTA*"):
        assert command in reply
    assert "ANTRE <NIK> besok" in reply and "ANTRE <NIK> 5/12" in reply


def test_no_reply_holds_a_whole_nik_or_phone(resident: Resident) -> None:
    code = resident.books(f"ANTRE {NIK_READY} besok")
    texts = [
        resident.says(f"ANTRE {NIK_READY} 3/12"),
        resident.says(f"ANTRE {NIK_READY} besok", wa_id=OTHER_PHONE),
        resident.says(f"ANTRE {NIK_UNKNOWN} bsok"),
        resident.says("POSISI"),
        resident.says(f"BATAL {code}"),
    ]
    for text in texts:
        for secret in (NIK_READY, NIK_UNKNOWN, NIK_READY[:12], WA_ID, OTHER_PHONE):
            assert secret not in text
