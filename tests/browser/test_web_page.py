"""A resident on a phone, in headless Chromium: status by NIK, today's quota, a ticket, English.

Expected texts come from the message catalogue (what the API says) or are the page's own
words; either way a change to one without the other fails here.
"""

from __future__ import annotations

import json
import struct
from datetime import date
from pathlib import Path

import requests
from playwright.sync_api import Page, expect

from chalicelib.core.applications import Stage
from chalicelib.core.messages import NEXT_STEPS, STAGE_LABELS
from chalicelib.http.errors import MESSAGES as ERRORS
from tests.support.browser import PHONE, Loket, Watched

READY_RESIDENT = "3505124509909001"  # demo: e-KTP ready for collection
TWO_APPLICATIONS = "3505121708859002"  # demo: KK verifying, birth certificate printing
UNKNOWN_RESIDENT = "3505124509909999"  # a valid NIK with no record
OTHER_RESIDENT = "3505120101009004"
INDONESIAN_MONTHS = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
]  # fmt: skip


def open_page(page: Page, loket: Loket) -> None:
    page.goto(loket.url + "/")
    expect(page.locator("#quota-numbers")).to_be_visible()


def check_status(page: Page, nik: str) -> None:
    page.get_by_label("NIK Anda").fill(nik)
    page.get_by_role("button", name="Cek status permohonan").click()


def take_ticket(page: Page) -> None:
    page.get_by_role("button", name="Ambil nomor antrean").click()


def quota_numbers(page: Page, quota: int, issued: int, remaining: int) -> None:
    expect(page.locator("#quota-quota")).to_have_text(str(quota))
    expect(page.locator("#quota-issued")).to_have_text(str(issued))
    expect(page.locator("#quota-remaining")).to_have_text(str(remaining))


def in_indonesian(day: str) -> str:
    """`2026-11-27` as the page writes it without the weekday: `27 November 2026`."""
    d = date.fromisoformat(day)
    return f"{d.day} {INDONESIAN_MONTHS[d.month - 1]} {d.year}"


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
    take_ticket(page)
    expect(page.locator("#nik-error")).to_be_visible()
    assert not [url for url in watched.requests if "/v1/status" in url or "/v1/tickets" in url]


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


# --- quota and tickets --------------------------------------------------------------------------


def test_the_quota_panel_shows_today_at_the_default_site_in_plain_words(
    loket: Loket, watched: Watched
) -> None:
    page = watched.page
    open_page(page, loket)

    quota_numbers(page, quota=400, issued=0, remaining=400)
    expect(page.locator("#quota-state")).to_have_text("Buka: masih ada nomor antrean hari ini.")
    expect(page.locator("#quota-day")).to_contain_text(in_indonesian(loket.today))


def test_the_quota_panel_says_where_the_office_is_and_when_it_opens(loket: Loket, watched: Watched) -> None:
    page = watched.page
    open_page(page, loket)

    site = page.locator("#site")
    expect(site).to_be_visible()
    expect(page.locator("#site-name")).to_have_text(
        "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Blitar"
    )
    expect(page.locator("#site-address")).to_have_text("Kanigoro, Kabupaten Blitar, Jawa Timur")
    expect(page.locator("#site-hours-line")).to_have_text(
        "Jam layanan: Senin-Kamis 08.00-15.00, Jumat 08.00-11.00"
    )
    assert "kab-blitar" not in page.locator("#queue").inner_text()

    page.get_by_role("button", name="English").click()
    expect(page.locator("#site-hours-line")).to_have_text(
        "Opening hours: Monday-Thursday 08:00-15:00, Friday 08:00-11:00"
    )

    page.get_by_label("Your NIK").fill(READY_RESIDENT)
    page.get_by_role("button", name="Take a queue number").click()
    expect(page.locator("#ticket-site")).to_have_text(
        "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Blitar"
    )


def test_taking_a_ticket_shows_number_1_and_taking_again_shows_the_same_number(
    loket: Loket, watched: Watched
) -> None:
    page = watched.page
    open_page(page, loket)
    page.get_by_label("NIK Anda").fill(READY_RESIDENT)

    with page.expect_response(lambda r: r.url.endswith("/v1/tickets")) as first:
        take_ticket(page)
    assert first.value.status == 201
    expect(page.locator("#ticket-number")).to_have_text("1")
    expect(page.locator("#ticket-note")).to_contain_text("Jika Anda mengambil lagi hari ini")
    expect(page.locator("#ticket-day")).to_contain_text(in_indonesian(loket.today))
    expect(page.locator("#ticket-nik")).to_have_text("************9001")
    quota_numbers(page, quota=400, issued=1, remaining=399)

    with page.expect_response(lambda r: r.url.endswith("/v1/tickets")) as again:
        take_ticket(page)
    assert again.value.status == 200
    expect(page.locator("#ticket-note")).to_contain_text("Anda sudah memegang nomor ini")
    expect(page.locator("#ticket-number")).to_have_text("1")
    quota_numbers(page, quota=400, issued=1, remaining=399)


def test_the_quota_panel_updates_when_others_take_tickets(loket: Loket, watched: Watched) -> None:
    page = watched.page
    open_page(page, loket)
    quota_numbers(page, quota=400, issued=0, remaining=400)

    for nik in (UNKNOWN_RESIDENT, OTHER_RESIDENT):  # two residents elsewhere (WhatsApp, say)
        taken = requests.post(f"{loket.url}/v1/tickets", json={"nik": nik}, timeout=10)
        assert taken.status_code == 201
    page.get_by_role("button", name="Perbarui kuota").click()
    quota_numbers(page, quota=400, issued=2, remaining=398)

    page.get_by_label("NIK Anda").fill(READY_RESIDENT)
    take_ticket(page)
    expect(page.locator("#ticket-number")).to_have_text("3")
    quota_numbers(page, quota=400, issued=3, remaining=397)


def test_a_closed_day_says_so_and_a_ticket_is_refused_with_the_apis_message(
    loket: Loket, watched: Watched
) -> None:
    from chalicelib.http.auth import mint
    from chalicelib.settings import secret, settings

    token = mint("admin", "browser-test", secret("LOKET_JWT_SECRET"), "loket", settings().jwt_audience)
    closed = requests.put(
        f"{loket.url}/v1/admin/quota/{loket.today}",
        json={"quota": 0},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert closed.status_code == 200, closed.text
    page = watched.page
    open_page(page, loket)

    expect(page.locator("#quota-state")).to_have_text(
        "Tutup: hari ini tidak ada layanan antrean di lokasi ini."
    )
    quota_numbers(page, quota=0, issued=0, remaining=0)
    page.get_by_label("NIK Anda").fill(READY_RESIDENT)
    with page.expect_response(lambda r: r.url.endswith("/v1/tickets")) as answer:
        take_ticket(page)

    assert answer.value.status == 409
    expect(page.locator("#ticket-error")).to_have_text(ERRORS["closed"]["id"])
    expect(page.locator("#ticket")).to_be_hidden()


# --- language, privacy, serving -----------------------------------------------------------------


def test_the_english_toggle_switches_the_pages_texts_and_the_apis(loket: Loket, watched: Watched) -> None:
    page = watched.page
    open_page(page, loket)
    check_status(page, READY_RESIDENT)
    expect(page.locator("#status-list")).to_contain_text(STAGE_LABELS[Stage.READY]["id"])

    page.get_by_role("button", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Application status & queue")
    expect(page.locator("#quota-state")).to_have_text("Open: queue numbers are still available today.")
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


def test_the_nik_never_appears_in_a_url_in_storage_or_in_a_request_elsewhere(
    loket: Loket, watched: Watched
) -> None:
    page = watched.page
    bodies: list[str] = []
    page.on("request", lambda request: bodies.append(request.post_data or ""))
    open_page(page, loket)

    check_status(page, READY_RESIDENT)
    expect(page.locator("#status-list")).to_contain_text(STAGE_LABELS[Stage.READY]["id"])
    take_ticket(page)
    expect(page.locator("#ticket-number")).to_have_text("1")
    page.get_by_role("button", name="English").click()
    expect(page.locator("#status-list")).to_contain_text(STAGE_LABELS[Stage.READY]["en"])

    assert watched.requests, "the page made no request at all"
    assert all(url.startswith(loket.url + "/") for url in watched.requests), watched.requests
    assert not [url for url in watched.requests if READY_RESIDENT in url]
    assert {"nik": READY_RESIDENT} in [json.loads(b) for b in bodies if b]
    stored = page.evaluate(
        "JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage), document.cookie])"
    )
    assert READY_RESIDENT not in stored
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
    again = requests.get(loket.url + "/", headers={"If-None-Match": first.headers["ETag"]}, timeout=10)
    assert again.status_code == 304
    assert again.content == b""
    assert requests.post(loket.url + "/", json={}, timeout=10).status_code == 405


def test_the_page_fits_a_phone_screen(loket: Loket, watched: Watched, tmp_path: Path) -> None:
    page = watched.page
    open_page(page, loket)
    check_status(page, TWO_APPLICATIONS)
    expect(page.locator("#status-list li")).to_have_count(2)
    take_ticket(page)
    expect(page.locator("#ticket-number")).to_have_text("1")

    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px on a 390px screen"
    number = page.locator("#ticket-number").bounding_box()
    assert number is not None
    assert number["height"] >= 60, "the ticket number is not shown big"
    shot = tmp_path / "phone.png"
    page.screenshot(path=str(shot), full_page=True)
    width, height = struct.unpack(">II", shot.read_bytes()[16:24])
    assert width == PHONE["width"]
    assert height >= PHONE["height"]
