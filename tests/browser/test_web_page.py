"""A resident on a phone, in headless Chromium: status by NIK, the days to choose from, English.
The booking itself: test_booking.py; the QR code: test_qr.py.

Expected texts come from the message catalogue (what the API says) or are the page's own
words; either way a change to one without the other fails here.
"""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path

import requests
from playwright.sync_api import Page, expect

from chalicelib.core.applications import Stage
from chalicelib.core.messages import NEXT_STEPS, STAGE_LABELS
from chalicelib.http.errors import MESSAGES as ERRORS
from tests.support.booking import (
    PHONE_NUMBER,
    days_ahead,
    in_english,
    in_indonesian,
    take_elsewhere,
    verify_shown_text,
)
from tests.support.browser import PHONE, Loket, Watched

READY_RESIDENT = "3505124509909001"  # demo: e-KTP ready for collection
TWO_APPLICATIONS = "3505121708859002"  # demo: KK verifying, birth certificate printing
UNKNOWN_RESIDENT = "3505124509909999"  # a valid NIK with no record
OTHER_RESIDENT = "3505120101009004"


def open_page(page: Page, loket: Loket) -> None:
    page.goto(loket.url + "/")
    expect(page.get_by_role("radio", name="Hari ini")).to_be_visible()


def check_status(page: Page, nik: str) -> None:
    page.get_by_label("NIK Anda").fill(nik)
    page.get_by_role("button", name="Cek status permohonan").click()


# --- status -------------------------------------------------------------------------------------


def test_a_resident_sees_the_stage_of_each_application_and_only_a_masked_nik(
    loket: Loket, watched: Watched
) -> None:
    page = watched.page
    open_page(page, loket)

    check_status(page, TWO_APPLICATIONS)

    items = page.locator("#status-list li")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text(STAGE_LABELS[Stage.VERIFYING]["id"])
    expect(items.nth(0)).to_contain_text(NEXT_STEPS[Stage.VERIFYING]["id"])
    expect(items.nth(0)).to_contain_text("Kartu Keluarga")
    expect(items.nth(1)).to_contain_text(STAGE_LABELS[Stage.PRINTING]["id"])
    expect(items.nth(1)).to_contain_text("Diperbarui: ")
    expect(page.locator("#status-nik")).to_have_text("************9002")
    assert TWO_APPLICATIONS not in page.locator("main").inner_text()


def test_a_ready_document_shows_its_label_and_what_to_bring(loket: Loket, watched: Watched) -> None:
    page = watched.page
    open_page(page, loket)

    check_status(page, READY_RESIDENT)

    result = page.locator("#status-list")
    expect(result).to_contain_text(STAGE_LABELS[Stage.READY]["id"])
    expect(result).to_contain_text(NEXT_STEPS[Stage.READY]["id"])


def test_an_unknown_nik_shows_the_apis_not_found_message(loket: Loket, watched: Watched) -> None:
    page = watched.page
    open_page(page, loket)

    with page.expect_response(lambda r: r.url.endswith("/v1/status")) as answer:
        check_status(page, UNKNOWN_RESIDENT)

    assert answer.value.status == 404
    expect(page.locator("#status-error")).to_have_text(ERRORS["not_found"]["id"])
    expect(page.locator("#status-result")).to_be_hidden()


def test_a_nik_that_is_not_16_digits_is_refused_in_the_browser_without_asking_the_server(
    loket: Loket, watched: Watched
) -> None:
    page = watched.page
    open_page(page, loket)

    check_status(page, "35051245099")

    expect(page.locator("#nik-error")).to_have_text(ERRORS["invalid_nik"]["id"])
    expect(page.get_by_label("NIK Anda")).to_have_attribute("aria-invalid", "true")
    page.get_by_role("radio", name=in_indonesian(days_ahead(loket, 3))).check()
    page.get_by_label("NIK warga yang akan datang").fill("3505 1245 099")
    page.get_by_role("button", name="Ambil nomor antrean", exact=True).click()
    expect(page.locator("#book-nik-error")).to_have_text(ERRORS["invalid_nik"]["id"])
    expect(page.get_by_label("NIK warga yang akan datang")).to_be_focused()
    assert not [url for url in watched.requests if "/v1/status" in url or "/v1/tickets" in url]
    assert not [url for url in watched.requests if "/v1/verifications" in url]


def test_a_16_digit_nik_with_an_impossible_birth_date_shows_the_servers_error(
    loket: Loket, watched: Watched
) -> None:
    page = watched.page
    open_page(page, loket)

    with page.expect_response(lambda r: r.url.endswith("/v1/status")) as answer:
        check_status(page, "3505120113909001")  # month 13

    assert answer.value.status == 400
    assert answer.value.json()["error"]["code"] == "invalid_nik"
    expect(page.locator("#status-error")).to_have_text(ERRORS["invalid_nik"]["id"])


def test_typed_spaces_and_dashes_in_a_nik_are_ignored(loket: Loket, watched: Watched) -> None:
    page = watched.page
    open_page(page, loket)

    check_status(page, "3505 1245-0990 9001")

    expect(page.locator("#status-list")).to_contain_text(STAGE_LABELS[Stage.READY]["id"])


# --- the days to choose from ------------------------------------------------------------------


def test_the_days_from_today_to_the_end_of_the_booking_window_are_offered_with_the_room_left(
    loket: Loket, watched: Watched
) -> None:
    page = watched.page
    open_page(page, loket)

    days = page.get_by_role("radio")
    expect(days).to_have_count(15)  # today and the 14 days of LOKET_BOOKING_DAYS_AHEAD
    expect(days.nth(0)).to_have_accessible_name(f"Hari ini · {in_indonesian(loket.today)} sisa 400")
    expect(days.nth(1)).to_have_accessible_name(f"Besok · {in_indonesian(days_ahead(loket, 1))} sisa 400")
    expect(days.nth(14)).to_have_accessible_name(f"{in_indonesian(days_ahead(loket, 14))} sisa 400")
    expect(page.get_by_role("group", name="1. Pilih hari datang")).to_be_visible()
    for i in range(15):
        expect(days.nth(i)).not_to_be_checked()  # the resident chooses: no day is taken for granted


def test_the_booking_says_where_the_office_is_and_when_it_opens(loket: Loket, watched: Watched) -> None:
    page = watched.page
    open_page(page, loket)

    expect(page.locator("#site")).to_be_visible()
    expect(page.locator("#site-name")).to_have_text(
        "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Blitar"
    )
    expect(page.locator("#site-address")).to_have_text("Kanigoro, Kabupaten Blitar, Jawa Timur")
    expect(page.locator("#site-hours")).to_have_text(
        "Jam layanan: Senin-Kamis 08.00-15.00, Jumat 08.00-11.00"
    )
    assert "kab-blitar" not in page.locator("#book").inner_text()

    page.get_by_role("button", name="English").click()
    expect(page.locator("#site-hours")).to_have_text(
        "Opening hours: Monday-Thursday 08:00-15:00, Friday 08:00-11:00"
    )


def test_the_room_left_updates_when_others_take_tickets(loket: Loket, watched: Watched) -> None:
    page = watched.page
    open_page(page, loket)
    day = days_ahead(loket, 2)
    choice = page.get_by_role("radio", name=in_indonesian(day))
    expect(choice).to_have_accessible_name(f"{in_indonesian(day)} sisa 400")

    for nik in (UNKNOWN_RESIDENT, OTHER_RESIDENT):  # two residents elsewhere (WhatsApp, say)
        take_elsewhere(loket, nik, day)
    page.get_by_role("button", name="Perbarui sisa nomor").click()

    expect(choice).to_have_accessible_name(f"{in_indonesian(day)} sisa 398")


# --- language, privacy, serving -----------------------------------------------------------------


def test_the_english_toggle_switches_the_pages_texts_and_the_apis(loket: Loket, watched: Watched) -> None:
    page = watched.page
    open_page(page, loket)
    check_status(page, READY_RESIDENT)
    expect(page.locator("#status-list")).to_contain_text(STAGE_LABELS[Stage.READY]["id"])

    page.get_by_role("button", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Application status & queue")
    expect(page.get_by_role("radio", name="Today")).to_have_accessible_name(
        f"Today · {in_english(loket.today)} 400 left"
    )
    expect(page.locator("#status-list")).to_contain_text(STAGE_LABELS[Stage.READY]["en"])
    expect(page.locator("#status-list")).to_contain_text(NEXT_STEPS[Stage.READY]["en"])
    check_english = page.get_by_role("button", name="Check application status")
    page.get_by_label("Your NIK").fill(UNKNOWN_RESIDENT)
    check_english.click()
    expect(page.locator("#status-error")).to_have_text(ERRORS["not_found"]["en"])

    page.reload()
    expect(page.get_by_role("button", name="Bahasa Indonesia")).to_be_visible()
    page.get_by_role("button", name="Bahasa Indonesia").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cek Status & Antrean")


def test_the_nik_and_the_phone_never_appear_in_a_url_in_storage_or_in_a_request_elsewhere(
    loket: Loket, watched: Watched
) -> None:
    page = watched.page
    bodies: list[str] = []
    page.on("request", lambda request: bodies.append(request.post_data or ""))
    open_page(page, loket)

    check_status(page, READY_RESIDENT)
    expect(page.locator("#status-list")).to_contain_text(STAGE_LABELS[Stage.READY]["id"])
    day = days_ahead(loket, 3)
    page.get_by_role("radio", name=in_indonesian(day)).check()
    page.get_by_label("NIK warga yang akan datang").fill(READY_RESIDENT)
    page.get_by_role("button", name="Ambil nomor antrean", exact=True).click()
    verify_shown_text(page, loket)
    expect(page.locator("#ticket-number")).to_have_text("1")
    page.get_by_role("button", name="English").click()
    expect(page.locator("#status-list")).to_contain_text(STAGE_LABELS[Stage.READY]["en"])

    assert watched.requests, "the page made no request at all"
    assert all(url.startswith(loket.url + "/") for url in watched.requests), watched.requests
    assert not [url for url in watched.requests if READY_RESIDENT in url or PHONE_NUMBER in url]
    sent = [json.loads(b) for b in bodies if b]
    assert {"nik": READY_RESIDENT} in sent
    assert {"nik": READY_RESIDENT, "service_day": day} in sent
    stored = page.evaluate(
        "JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage), document.cookie])"
    )
    assert READY_RESIDENT not in stored
    assert PHONE_NUMBER not in stored
    assert "token" not in page.evaluate("JSON.stringify(Object.entries(localStorage))")
    assert page.context.cookies() == []


def test_the_page_is_html_with_a_strict_policy_and_revalidates_cheaply(loket: Loket) -> None:
    first = requests.get(loket.url + "/", timeout=10)

    assert first.status_code == 200
    assert first.headers["Content-Type"] == "text/html; charset=utf-8"
    policy = first.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "form-action 'none'" in policy
    assert "'unsafe-inline'" not in policy
    assert "http:" not in first.text  # no CDN, no web fonts
    assert "https:" not in first.text
    assert len(first.content) < 50_000, f"the page is {len(first.content)} bytes"
    assert not re.search(r"<script[^>]* src=|<link[^>]* rel=\"?stylesheet", first.text), (
        "not one self-contained file"
    )
    again = requests.get(loket.url + "/", headers={"If-None-Match": first.headers["ETag"]}, timeout=10)
    assert again.status_code == 304
    assert again.content == b""
    assert requests.post(loket.url + "/", json={}, timeout=10).status_code == 405


def test_the_page_fits_a_phone_screen(loket: Loket, watched: Watched, tmp_path: Path) -> None:
    page = watched.page
    open_page(page, loket)
    check_status(page, TWO_APPLICATIONS)
    expect(page.locator("#status-list li")).to_have_count(2)

    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px on a 390px screen"
    shot = tmp_path / "phone.png"
    page.screenshot(path=str(shot), full_page=True)
    width, height = struct.unpack(">II", shot.read_bytes()[16:24])
    assert width == PHONE["width"]
    assert height >= PHONE["height"]
