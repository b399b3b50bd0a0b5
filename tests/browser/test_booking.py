"""A resident books a day on the page, in headless Chromium, against the real API: the phone
verified by a signed WhatsApp message as Meta sends it, the ticket taken, refused for a second
day, cancelled, taken again, found again by its code; by keyboard alone; on a 360 px screen.

The expected texts are the page's own words (its TEXTS), written out here: a change to one
without the other fails.
"""

from __future__ import annotations

import json
import re
from typing import Any

import jwt
import pytest
import requests
from playwright.sync_api import Page, Route, expect

from tests.support.axe import assert_accessible
from tests.support.booking import (
    CODE,
    PHONE_NUMBER,
    days_ahead,
    in_english,
    in_indonesian,
    phone_subject,
    send_from_whatsapp,
    set_quota,
    take_elsewhere,
    verify_shown_text,
)
from tests.support.browser import Loket, Watched
from tests.support.screens import screenshot
from tests.support.whatsapp import StandInGraph

READY_RESIDENT = "3505124509909001"
OTHER_RESIDENT = "3505120101009004"
THIRD_RESIDENT = "3505121708859002"
SITE_NAME = "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Blitar"
VERIFY_FIRST = (
    "Verifikasi nomor WhatsApp Anda dulu (langkah 3). Setelah pesan terkirim, nomor antrean diambil otomatis."
)


def choose_day(page: Page, day: str) -> None:
    page.get_by_role("radio", name=in_indonesian(day)).check()


def take(page: Page) -> None:
    page.get_by_role("button", name="Ambil nomor antrean", exact=True).click()


def book(page: Page, loket: Loket, day: str, nik: str) -> str:
    """Chooses `day`, types `nik`, takes the ticket (verifying the phone first when the page
    asks for it); the code the page shows."""
    choose_day(page, day)
    page.get_by_label("NIK warga yang akan datang").fill(nik)
    take(page)
    if page.locator("#verify-done").is_hidden():
        verify_shown_text(page, loket)
    expect(page.locator("#ticket-day")).to_have_text(in_indonesian(day))
    expect(page.locator("#ticket-title")).to_be_focused()
    code = page.locator("#ticket-code").inner_text()
    assert CODE.match(code), code
    return code


def api_ticket(loket: Loket, code: str) -> dict[str, Any]:
    answer = requests.get(f"{loket.url}/v1/tickets/{code}", timeout=10)
    assert answer.status_code == 200, answer.text
    ticket: dict[str, Any] = answer.json()["ticket"]
    return ticket


def storage(page: Page) -> str:
    return str(
        page.evaluate(
            "JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage), document.cookie])"
        )
    )


# --- verification -------------------------------------------------------------------------------


def test_the_phone_is_verified_by_a_signed_whatsapp_message_and_the_token_kept_for_the_session_only(
    loket: Loket, watched: Watched, graph: StandInGraph
) -> None:
    page = watched.page
    page.goto(loket.url + "/")

    with page.expect_response(lambda r: r.url.endswith("/v1/verifications")) as started:
        page.get_by_role("button", name="Verifikasi lewat WhatsApp").click()
    assert started.value.status == 201
    verification = started.value.json()["verification"]
    expect(page.get_by_role("link", name="Buka WhatsApp dengan pesan ini")).to_have_attribute(
        "href", verification["whatsapp_url"]
    )
    expect(page.locator("#verify-text")).to_have_text(verification["text"])
    expect(page.locator("#verify-state")).to_contain_text("Menunggu pesan Anda")
    send_from_whatsapp(loket, verification["text"])

    expect(page.locator("#verify-done")).to_contain_text("Nomor WhatsApp terverifikasi: *********0001")
    [reply] = graph.wait_for_sent(1)
    assert reply.body["to"] == PHONE_NUMBER
    held = page.evaluate("JSON.parse(sessionStorage.getItem('loket.resident'))")
    claims = jwt.decode(held["token"], options={"verify_signature": False})
    assert (claims["role"], claims["sub"]) == ("resident", phone_subject(PHONE_NUMBER))
    assert page.evaluate("Object.keys(localStorage).filter(k => k !== 'loket.lang')") == []
    assert PHONE_NUMBER not in storage(page)
    assert not [url for url in watched.requests if PHONE_NUMBER in url]
    page.reload()
    expect(page.locator("#verify-done")).to_be_visible()


def test_waiting_for_the_message_stops_when_the_text_expires_and_a_new_one_can_be_made(
    loket: Loket, watched: Watched
) -> None:
    page = watched.page
    page.clock.install()
    page.goto(loket.url + "/")
    polls: list[str] = []
    page.on("request", lambda r: polls.append(r.url) if "/v1/verifications/" in r.url else None)
    with page.expect_response(lambda r: r.url.endswith("/v1/verifications")) as started:
        page.get_by_role("button", name="Verifikasi lewat WhatsApp").click()
    first = started.value.json()["verification"]["text"]
    expect(page.locator("#verify-state")).to_contain_text("berlaku sampai pukul")

    page.clock.fast_forward("10:01")

    expect(page.locator("#verify-error")).to_have_text(
        "Pesan verifikasi sudah kedaluwarsa. Buat pesan baru, lalu kirim dalam 10 menit."
    )
    expect(page.locator("#verify-wait")).to_be_hidden()
    asked = len(polls)
    page.clock.fast_forward("30:00")
    page.evaluate("1")  # a round trip: any request the page made meanwhile is reported before it
    assert len(polls) == asked, "the page kept asking after the text expired"
    with page.expect_response(lambda r: r.url.endswith("/v1/verifications")) as again:
        page.get_by_role("button", name="Buat pesan verifikasi baru").click()
    second = again.value.json()["verification"]["text"]
    assert second != first
    expect(page.locator("#verify-text")).to_have_text(second)


# --- booking, refusing, cancelling, booking again ---------------------------------------------------


def test_a_resident_books_a_day_three_days_ahead_and_sees_number_day_site_code_qr_and_what_to_bring(
    loket: Loket, watched: Watched
) -> None:
    page = watched.page
    page.goto(loket.url + "/")
    day = days_ahead(loket, 3)
    expect(page.get_by_role("radio", name=in_indonesian(day))).to_have_accessible_name(
        f"{in_indonesian(day)} sisa 400"
    )
    choose_day(page, day)
    page.get_by_label("NIK warga yang akan datang").fill(READY_RESIDENT)

    take(page)
    expect(page.locator("#ticket-error-text")).to_have_text(VERIFY_FIRST)
    verify_shown_text(page, loket)

    expect(page.locator("#ticket-number")).to_have_text("1")
    expect(page.locator("#ticket-state")).to_have_text("Terdaftar")
    expect(page.locator("#ticket-day")).to_have_text(in_indonesian(day))
    expect(page.locator("#ticket-site")).to_have_text(SITE_NAME)
    expect(page.locator("#ticket-address")).to_have_text("Kanigoro, Kabupaten Blitar, Jawa Timur")
    expect(page.locator("#ticket-hours")).to_have_text(
        "Jam layanan: Senin-Kamis 08.00-15.00, Jumat 08.00-11.00"
    )
    expect(page.locator("#ticket-nik")).to_have_text("************9001")
    expect(page.locator("#ticket-bring")).to_have_text(
        f"Datang pada {in_indonesian(day)}. Bawa KTP-el atau KK asli, "
        "dan tunjukkan kode QR ini kepada petugas di pintu."
    )
    code = page.locator("#ticket-code").inner_text()
    assert CODE.match(code), code
    expect(page.get_by_role("img", name=f"Kode QR berisi kode {code}")).to_be_visible()
    held = api_ticket(loket, code)
    assert (held["number"], held["service_day"], held["state"]) == (1, day, "booked")
    expect(page.get_by_role("radio", name=in_indonesian(day))).to_have_accessible_name(
        f"{in_indonesian(day)} sisa 399"
    )
    assert READY_RESIDENT not in storage(page)
    assert not [url for url in watched.requests if READY_RESIDENT in url or PHONE_NUMBER in url]


def test_a_second_day_for_the_same_nik_is_refused_naming_the_day_it_holds(
    loket: Loket, watched: Watched
) -> None:
    page = watched.page
    page.goto(loket.url + "/")
    held_day = days_ahead(loket, 3)
    code = book(page, loket, held_day, READY_RESIDENT)

    choose_day(page, days_ahead(loket, 5))
    with page.expect_response(lambda r: r.url.endswith("/v1/tickets")) as answer:
        take(page)

    assert (answer.value.status, answer.value.json()["error"]["code"]) == (409, "holds_other_day")
    expect(page.locator("#ticket-error-text")).to_have_text(
        f"NIK ini sudah memegang nomor antrean untuk {in_indonesian(held_day)}. Satu NIK hanya boleh "
        "memegang satu nomor: untuk ganti hari, batalkan dulu nomor itu."
    )
    page.get_by_role("button", name="Lihat atau batalkan nomor itu").click()
    expect(page.locator("#ticket-code")).to_have_text(code)
    expect(page.locator("#ticket-day")).to_have_text(in_indonesian(held_day))


def test_cancelling_asks_first_then_gives_the_place_back_and_the_resident_books_again(
    loket: Loket, watched: Watched
) -> None:
    page = watched.page
    page.goto(loket.url + "/")
    day = days_ahead(loket, 3)
    code = book(page, loket, day, READY_RESIDENT)

    page.get_by_role("button", name="Batalkan nomor ini").click()
    expect(page.locator("#cancel-question")).to_have_text(
        f"Batalkan nomor 1 untuk {in_indonesian(day)}? Nomor ini tidak bisa dipakai lagi."
    )
    page.get_by_role("button", name="Tidak", exact=True).click()
    expect(page.get_by_role("button", name="Batalkan nomor ini")).to_be_focused()
    assert api_ticket(loket, code)["state"] == "booked"

    page.get_by_role("button", name="Batalkan nomor ini").click()
    with page.expect_response(lambda r: r.request.method == "DELETE") as cancelled:
        page.get_by_role("button", name="Ya, batalkan").click()
    assert cancelled.value.status == 200
    expect(page.locator("#ticket-state")).to_have_text("Dibatalkan")
    expect(page.locator("#ticket-qr svg")).to_have_count(0)
    expect(page.locator("#ticket-note")).to_have_text(
        "Nomor ini sudah dibatalkan. Tempatnya kembali untuk warga lain."
    )
    assert api_ticket(loket, code)["state"] == "cancelled"
    expect(page.get_by_role("radio", name=in_indonesian(day))).to_have_accessible_name(
        f"{in_indonesian(day)} sisa 400"
    )

    page.get_by_role("button", name="Ambil nomor untuk hari lain").click()
    again = book(page, loket, day, READY_RESIDENT)

    assert again != code
    expect(page.locator("#ticket-number")).to_have_text("2")  # a cancelled number is never handed out again
    assert api_ticket(loket, again)["state"] == "booked"


def test_a_code_brings_the_ticket_back_after_a_reload_or_typed_in_on_another_browser(
    loket: Loket, watched: Watched, narrow: Watched
) -> None:
    page = watched.page
    page.goto(loket.url + "/")
    code = book(page, loket, days_ahead(loket, 2), READY_RESIDENT)

    page.reload()
    expect(page.get_by_label("Kode nomor antrean")).to_have_value(code)
    expect(page.locator("#ticket-code")).to_have_text(code)

    other = narrow.page  # another browser: nothing stored
    other.goto(loket.url + "/")
    expect(other.locator("#ticket")).to_be_hidden()
    lookup = other.get_by_role("button", name="Lihat nomor antrean")
    other.get_by_label("Kode nomor antrean").fill("K7Q")
    lookup.click()
    expect(other.locator("#code-error")).to_have_text(
        "Kode tidak valid. Kode terdiri dari 8 huruf dan angka, misalnya K7Q2M94X."
    )
    assert not [url for url in narrow.requests if "/v1/tickets/" in url]
    other.get_by_label("Kode nomor antrean").fill("ABCDEFGH" if code != "ABCDEFGH" else "HGFEDCBA")
    lookup.click()
    expect(other.locator("#code-error")).to_have_text(
        "Kode ini tidak dikenal. Periksa lagi kode yang Anda ketik."
    )
    other.get_by_label("Kode nomor antrean").fill(f"{code[:4].lower()} {code[4:].lower()}")
    lookup.click()
    expect(other.locator("#ticket-code")).to_have_text(code)
    expect(other.locator("#ticket-number")).to_have_text("1")
    expect(other.locator("#code-error")).to_be_hidden()


# --- refusals -------------------------------------------------------------------------------------


def test_a_full_or_closed_day_cannot_be_chosen_and_says_why(loket: Loket, watched: Watched) -> None:
    closed, full, open_day = days_ahead(loket, 2), days_ahead(loket, 4), days_ahead(loket, 3)
    set_quota(loket, closed, 0)
    set_quota(loket, full, 1)
    take_elsewhere(loket, OTHER_RESIDENT, full)
    page = watched.page
    page.goto(loket.url + "/")

    expect(page.get_by_role("radio", name=in_indonesian(closed))).to_have_accessible_name(
        f"{in_indonesian(closed)} Tutup"
    )
    expect(page.get_by_role("radio", name=in_indonesian(closed))).to_be_disabled()
    expect(page.get_by_role("radio", name=in_indonesian(full))).to_have_accessible_name(
        f"{in_indonesian(full)} Penuh"
    )
    expect(page.get_by_role("radio", name=in_indonesian(full))).to_be_disabled()
    expect(page.get_by_role("radio", name=in_indonesian(open_day))).to_be_enabled()
    expect(page.get_by_role("radio", name="Hari ini")).to_have_accessible_name(
        f"Hari ini · {in_indonesian(loket.today)} sisa 400"
    )


def test_a_day_filled_meanwhile_is_refused_with_the_next_day_with_room_one_tap_away(
    loket: Loket, watched: Watched
) -> None:
    day = days_ahead(loket, 1)
    set_quota(loket, day, 1)
    page = watched.page
    page.goto(loket.url + "/")
    choose_day(page, day)
    page.get_by_label("NIK warga yang akan datang").fill(READY_RESIDENT)
    page.get_by_role("button", name="Verifikasi lewat WhatsApp").click()
    verify_shown_text(page, loket)
    expect(page.locator("#verify-done")).to_be_visible()
    take_elsewhere(loket, OTHER_RESIDENT, day)  # the last place goes while the page shows it

    with page.expect_response(lambda r: r.url.endswith("/v1/tickets")) as answer:
        take(page)

    error = answer.value.json()["error"]
    assert (answer.value.status, error["code"]) == (409, "quota_exhausted")
    room = error["next_day_with_room"]
    expect(page.locator("#ticket-error-text")).to_have_text(
        f"Nomor antrean untuk {in_indonesian(day)} sudah habis. Hari terdekat yang masih ada: {in_indonesian(room)}."
    )
    expect(page.get_by_role("radio", name=in_indonesian(day))).to_be_disabled()
    page.get_by_role("button", name=f"Pilih {in_indonesian(room)}").click()
    expect(page.get_by_role("radio", name=in_indonesian(room))).to_be_checked()
    take(page)
    expect(page.locator("#ticket-day")).to_have_text(in_indonesian(room))


@pytest.mark.parametrize(
    ("ahead", "code", "expected"),
    [
        (0, "closed", "Tidak ada layanan antrean pada {day}. Pilih hari lain."),
        (
            2,
            "invalid_day",
            "{day} tidak bisa dipilih (sudah lewat, tidak buka, atau terlalu jauh). Pilih hari lain dari daftar.",
        ),
    ],
    ids=["today", "a later day"],
)
def test_a_day_closed_meanwhile_is_refused_and_the_list_shows_it_closed(
    loket: Loket, watched: Watched, ahead: int, code: str, expected: str
) -> None:
    day = days_ahead(loket, ahead)
    page = watched.page
    page.goto(loket.url + "/")
    choose_day(page, day)
    page.get_by_label("NIK warga yang akan datang").fill(READY_RESIDENT)
    page.get_by_role("button", name="Verifikasi lewat WhatsApp").click()
    verify_shown_text(page, loket)
    expect(page.locator("#verify-done")).to_be_visible()
    set_quota(loket, day, 0)  # while the page shows the day open

    with page.expect_response(lambda r: r.url.endswith("/v1/tickets")) as answer:
        take(page)

    assert answer.value.json()["error"]["code"] == code
    expect(page.locator("#ticket-error-text")).to_have_text(expected.replace("{day}", in_indonesian(day)))
    expect(page.get_by_role("radio", name=in_indonesian(day))).to_be_disabled()
    expect(page.get_by_role("radio", name=in_indonesian(day))).to_have_accessible_name(re.compile(r"Tutup$"))


def test_a_phone_at_its_limit_is_told_so(
    loket: Loket, watched: Watched, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib import settings

    monkeypatch.setenv("LOKET_TICKETS_PER_PHONE", "1")
    settings.reset()
    page = watched.page
    page.goto(loket.url + "/")
    book(page, loket, days_ahead(loket, 3), READY_RESIDENT)

    choose_day(page, days_ahead(loket, 4))
    page.get_by_label("NIK warga yang akan datang").fill(OTHER_RESIDENT)
    with page.expect_response(lambda r: r.url.endswith("/v1/tickets")) as answer:
        take(page)

    assert (answer.value.status, answer.value.json()["error"]["code"]) == (409, "phone_limit")
    expect(page.locator("#ticket-error-text")).to_have_text(
        "Nomor WhatsApp ini sudah memegang nomor antrean sebanyak batasnya. "
        "Batalkan salah satu, atau datang ke kantor."
    )


def test_a_token_the_api_refuses_sends_the_resident_back_to_verification_then_takes_the_ticket(
    loket: Loket, watched: Watched
) -> None:
    page = watched.page
    page.goto(loket.url + "/")
    page.evaluate(
        "sessionStorage.setItem('loket.resident', JSON.stringify("
        "{token: 'not.a-token', phone: '*********0001', exp: Date.now() + 3600000}))"
    )
    page.reload()
    expect(page.locator("#verify-done")).to_be_visible()
    day = days_ahead(loket, 3)
    choose_day(page, day)
    page.get_by_label("NIK warga yang akan datang").fill(READY_RESIDENT)

    with page.expect_response(lambda r: r.url.endswith("/v1/tickets")) as answer:
        take(page)

    assert answer.value.status == 401
    expect(page.locator("#ticket-error-text")).to_have_text(VERIFY_FIRST)
    verify_shown_text(page, loket)
    expect(page.locator("#ticket-day")).to_have_text(in_indonesian(day))
    expect(page.locator("#ticket-number")).to_have_text("1")


REFUSALS = [
    pytest.param(
        429,
        {"Retry-After": "30"},
        {"error": {"code": "rate_limited", "message": "x"}},
        "Terlalu banyak permintaan. Coba lagi dalam 30 detik.",
        id="429",
    ),
    pytest.param(
        503,
        {},
        {"error": {"code": "unavailable", "message": "x"}},
        "Layanan sedang sibuk. Coba lagi sebentar lagi.",
        id="503",
    ),
    pytest.param(503, {}, None, "Layanan sedang sibuk. Coba lagi sebentar lagi.", id="503-from-the-gateway"),
]


@pytest.mark.parametrize(("status", "headers", "body", "expected"), REFUSALS)
def test_refusals_the_api_gives_under_load_are_worded_by_the_page(
    loket: Loket,
    watched: Watched,
    status: int,
    headers: dict[str, str],
    body: dict[str, Any] | None,
    expected: str,
) -> None:
    page = watched.page

    def refuse(route: Route) -> None:
        route.fulfill(
            status=status,
            headers=headers,
            content_type="application/json" if body else "text/html",
            body=json.dumps(body) if body else "<html>Service Unavailable</html>",
        )

    page.route("**/v1/tickets", refuse)
    page.goto(loket.url + "/")
    page.evaluate(
        "sessionStorage.setItem('loket.resident', JSON.stringify("
        "{token: 'a.b.c', phone: '*********0001', exp: Date.now() + 3600000}))"
    )
    page.reload()
    day = days_ahead(loket, 3)
    choose_day(page, day)
    page.get_by_label("NIK warga yang akan datang").fill(READY_RESIDENT)

    take(page)

    expect(page.locator("#ticket-error-text")).to_have_text(expected.replace("{day}", in_indonesian(day)))
    expect(page.locator("#ticket")).to_be_hidden()


# --- keyboard, English, narrow screen ---------------------------------------------------------------


def tab_to(page: Page, selector: str, backwards: bool = False) -> None:
    """Presses Tab (or Shift+Tab) until `selector` has the focus: it must be reachable so."""
    for _ in range(60):
        if page.evaluate(f"document.activeElement.matches({json.dumps(selector)})"):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"{selector} is not reachable with the Tab key")


def test_booking_and_cancelling_work_with_the_keyboard_alone(loket: Loket, watched: Watched) -> None:
    page = watched.page
    page.goto(loket.url + "/")
    day = days_ahead(loket, 3)
    expect(page.get_by_role("radio", name=in_indonesian(day))).to_be_enabled()

    tab_to(page, 'input[name="day"]')
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name=in_indonesian(day))).to_be_checked()
    tab_to(page, "#book-nik")
    page.keyboard.type(READY_RESIDENT)
    page.keyboard.press("Enter")
    expect(page.locator("#verify-link")).to_be_focused()
    verify_shown_text(page, loket)  # sent from the phone, not typed on the page
    expect(page.locator("#ticket-title")).to_be_focused()
    expect(page.locator("#ticket-day")).to_have_text(in_indonesian(day))

    tab_to(page, "#cancel-button")
    page.keyboard.press("Enter")
    expect(page.locator("#cancel-no")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(page.locator("#cancel-yes")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#ticket-state")).to_have_text("Dibatalkan")
    tab_to(page, "#again-button")
    page.keyboard.press("Enter")
    expect(page.get_by_role("radio", name=in_indonesian(day))).to_be_focused()


# Every control a person can see and use, in the page's order; a group of radios is one stop.
CONTROLS = """() => {
  const native = "a[href], button, input, select, textarea";
  const shown = [...document.querySelectorAll(native + ", [tabindex]")]
    .filter(e => !e.disabled && e.checkVisibility() && (e.matches(native) || e.tabIndex >= 0));
  return shown.map(e => e.type === "radio" ? e.name : e.id).filter((name, i, all) => name !== all[i - 1]);
}"""
FOCUSED = "(e => e.type === 'radio' ? e.name : e.id)(document.activeElement)"


def assert_tab_reaches_every_control(page: Page, state: str) -> None:
    """Tab, from the first control on, stops at every control shown, in the page's order."""
    controls: list[str] = page.evaluate(CONTROLS)
    tab_to(page, "#" + controls[0])
    reached = [page.evaluate(FOCUSED)]
    for _ in controls[1:]:
        page.keyboard.press("Tab")
        reached.append(page.evaluate(FOCUSED))
    assert reached == controls, f"{state}: Tab stops at {reached}, the page shows {controls}"


def test_every_control_is_reached_by_tab_and_works_with_enter_or_space(
    loket: Loket, watched: Watched
) -> None:
    page = watched.page
    page.goto(loket.url + "/")
    expect(page.get_by_role("radio", name="Hari ini")).to_be_visible()
    assert_tab_reaches_every_control(page, "the start")

    tab_to(page, "#lang")
    page.keyboard.press("Space")
    expect(page.get_by_role("heading", level=1)).to_have_text("Application status & queue")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cek Status & Antrean")
    tab_to(page, "#nik")
    page.keyboard.type(THIRD_RESIDENT)
    page.keyboard.press("Enter")
    expect(page.locator("#status-list li")).to_have_count(2)
    tab_to(page, "#days-button")
    with page.expect_response(lambda r: "/v1/days" in r.url) as refreshed:
        page.keyboard.press("Space")
    assert refreshed.value.status == 200
    tab_to(page, 'input[name="day"]')
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    tab_to(page, "#book-nik")
    page.keyboard.type(READY_RESIDENT)
    tab_to(page, "#verify-button")
    page.keyboard.press("Space")
    expect(page.locator("#verify-text")).to_be_visible()
    assert_tab_reaches_every_control(page, "the verification")

    verify_shown_text(page, loket)
    expect(page.locator("#verify-done")).to_be_visible()
    tab_to(page, "#ticket-button")
    page.keyboard.press("Enter")
    expect(page.locator("#ticket-title")).to_be_focused()
    code = page.locator("#ticket-code").inner_text()
    tab_to(page, 'input[name="day"]', backwards=True)
    for _ in range(2):
        page.keyboard.press("ArrowDown")
    tab_to(page, "#ticket-button")
    page.keyboard.press("Enter")
    expect(page.locator("#ticket-error-action")).to_be_visible()
    assert_tab_reaches_every_control(page, "a refusal beside the ticket")
    tab_to(page, "#ticket-error-action")
    page.keyboard.press("Space")
    expect(page.locator("#ticket-title")).to_be_focused()
    expect(page.locator("#ticket-code")).to_have_text(code)
    tab_to(page, "#verify-forget", backwards=True)
    page.keyboard.press("Space")
    expect(page.locator("#verify-button")).to_be_focused()
    tab_to(page, "#code")
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("ABCDEFGH" if code != "ABCDEFGH" else "HGFEDCBA")
    page.keyboard.press("Enter")
    expect(page.locator("#code-error")).to_have_text(
        "Kode ini tidak dikenal. Periksa lagi kode yang Anda ketik."
    )


def test_the_ticket_and_its_refusals_switch_to_english(loket: Loket, watched: Watched) -> None:
    page = watched.page
    page.goto(loket.url + "/")
    held_day = days_ahead(loket, 3)
    book(page, loket, held_day, READY_RESIDENT)
    choose_day(page, days_ahead(loket, 5))
    take(page)
    expect(page.locator("#ticket-error-text")).to_contain_text("NIK ini sudah memegang nomor antrean")

    page.get_by_role("button", name="English").click()

    expect(page.locator("#ticket-error-text")).to_have_text(
        f"This NIK already holds a queue number for {in_english(held_day)}. A NIK holds one number "
        "at a time: to change day, cancel that one first."
    )
    expect(page.locator("#ticket-day")).to_have_text(in_english(held_day))
    expect(page.locator("#ticket-state")).to_have_text("Booked")
    expect(page.locator("#ticket-bring")).to_contain_text("Bring your original e-KTP or KK")
    expect(page.locator("#ticket-hours")).to_have_text(
        "Opening hours: Monday-Thursday 08:00-15:00, Friday 08:00-11:00"
    )
    expect(page.get_by_role("button", name="Take a queue number")).to_be_visible()
    expect(page.get_by_role("radio", name="Today")).to_be_enabled()


def test_every_state_of_the_page_fits_a_360_px_screen_and_axe_finds_nothing_serious_in_it(
    loket: Loket, narrow: Watched
) -> None:
    page = narrow.page
    width = 360

    def looked_at(state: str) -> None:
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{state}: the page scrolls sideways by {overflow}px on a {width}px screen"
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            assert_accessible(page, f"{state}, {scheme}")
            screenshot(page, f"residents-{state.replace(' ', '-')}-{scheme}")
        page.emulate_media(color_scheme="light")

    page.goto(loket.url + "/")
    expect(page.get_by_role("radio", name="Hari ini")).to_be_visible()
    looked_at("the days")
    rows = page.locator("label.day")
    for i in range(rows.count()):
        box = rows.nth(i).bounding_box()
        assert box is not None and box["height"] >= 44, "a day is too small to tap"
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
    page.get_by_label("NIK Anda").fill(THIRD_RESIDENT)
    page.get_by_role("button", name="Cek status permohonan").click()
    expect(page.locator("#status-list li")).to_have_count(2)
    looked_at("a status")
    day = days_ahead(loket, 3)
    choose_day(page, day)
    page.get_by_label("NIK warga yang akan datang").fill(READY_RESIDENT)
    take(page)
    expect(page.locator("#verify-text")).to_be_visible()
    looked_at("the verification")
    verify_shown_text(page, loket)
    expect(page.locator("#ticket-day")).to_have_text(in_indonesian(day))
    expect(page.locator("#ticket-qr svg")).to_be_visible()
    looked_at("the ticket")
    qr = page.locator("#ticket-qr svg").bounding_box()
    assert qr is not None
    assert qr["width"] >= 160, "the QR code is too small to scan at the door"
    assert qr["x"] >= 0 and qr["x"] + qr["width"] <= width
    number = page.locator("#ticket-number").bounding_box()
    assert number is not None and number["height"] >= 60, "the ticket number is not shown big"
    choose_day(page, days_ahead(loket, 5))
    take(page)
    expect(page.locator("#ticket-error-action")).to_be_visible()
    looked_at("a refusal")
    assert re.search(r"\S", page.locator("#ticket-error-text").inner_text())
