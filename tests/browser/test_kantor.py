"""The office page (`/kantor`) plays a working day in headless Chromium against the real local
server: residents take tickets through the API, desk staff check them in on the page by code and
by NIK, two desks (two pages) call, serve, mark a no-show and call it again while the hall's
display (`/layar`, a third page) shows each call and says it aloud; a ticket is given at the
door; the head of office, on a phone, changes quotas beside the advice, reads the report's
charts and downloads its CSV.

Staff are signed in by a seeded session (sign-in contract, last paragraph): an HS256 token
minted for them in `sessionStorage`. The expected numbers come from the API's answers to the
residents' bookings; the expected words are the page's own (its TEXTS), written out here.
"""

from __future__ import annotations

import csv
import io
import json
import re
import struct
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import Browser, ConsoleMessage, Page, ViewportSize, expect

from tests.support.api_client import mint
from tests.support.booking import in_indonesian
from tests.support.browser import Loket, Watched
from tests.support.layar import RECORDER, heard, next_poll, spoken
from tests.support.residents import nik

OFFICE: ViewportSize = {"width": 1280, "height": 800}
HEAD_PHONE: ViewportSize = {"width": 360, "height": 740}
FULL_HD: ViewportSize = {"width": 1920, "height": 1080}
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
SESSION_KEY = "loket.kantor.session"
WIB = ZoneInfo("Asia/Jakarta")

Opener = Callable[..., Page]


# --- the pages ------------------------------------------------------------------------------------


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Opener]:
    """Opens a page in a context of its own (its own storage: one person, one browser); each
    page must end the test without a script error or a CSP refusal."""
    watched: list[Watched] = []

    def opener(viewport: ViewportSize = OFFICE, init_script: str | None = None) -> Page:
        context = browser.new_context(
            viewport=viewport,
            locale="id-ID",
            timezone_id="Asia/Jakarta",
            service_workers="block",
            accept_downloads=True,
        )
        context.set_default_timeout(10_000)
        if init_script:
            context.add_init_script(init_script)
        page = context.new_page()
        seen = Watched(page)
        page.on("request", lambda request: seen.requests.append(request.url))
        page.on("pageerror", lambda error: seen.problems.append(f"script error: {error}"))

        def on_console(message: ConsoleMessage) -> None:
            if "Content Security Policy" in message.text:
                seen.problems.append(f"CSP: {message.text}")

        page.on("console", on_console)
        watched.append(seen)
        return page

    yield opener
    for seen in watched:
        seen.page.context.close()
    assert [p for seen in watched for p in seen.problems] == [], "a page broke in the browser"


def session_of(role: str, username: str, **claims: object) -> dict[str, object]:
    """The session the page keeps after signing in, with an HS256 token in place of Cognito's."""
    now = int(time.time())
    token = mint(role, **{"sub": username, "iat": now, "exp": now + 43_200, **claims})
    return {
        "access_token": token,
        "refresh_token": "",
        "expires_in": 43_200,
        "username": username,
        "role": role,
        "expires_at": (now + 43_200) * 1000,
    }


def sign_in_seeded(page: Page, loket: Loket, session: dict[str, object]) -> None:
    page.goto(f"{loket.url}/kantor")
    page.evaluate("([key, value]) => sessionStorage.setItem(key, value)", [SESSION_KEY, json.dumps(session)])
    page.reload()


def desk_page(open_page: Opener, loket: Loket, username: str, desk: int) -> Page:
    page = open_page(OFFICE)
    page.clock.install()  # time flows; a test may bring the page's next refresh forward
    sign_in_seeded(page, loket, session_of("staff", username))
    expect(page.locator("#who")).to_have_text(f"Masuk sebagai {username} (petugas)")
    page.get_by_label("Loket saya").select_option(str(desk))
    expect(page.locator("#calls-title")).to_have_text(f"Panggilan · Loket {desk}")
    return page


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    size = page.viewport_size
    assert size is not None
    shot = ARTIFACTS / f"{name}-{size['width']}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert struct.unpack(">I", shot.read_bytes()[16:20]) == (size["width"],)


# --- residents, through the API -------------------------------------------------------------------


class Residents:
    def __init__(self, loket: Loket) -> None:
        self.loket = loket

    def book(self, serial: int, day: str | None = None) -> dict[str, object]:
        """Resident `serial` takes a ticket from their phone: the ticket."""
        answer = requests.post(
            f"{self.loket.url}/v1/tickets",
            json={"nik": nik(serial), "service_day": day or self.loket.today},
            headers={"Authorization": f"Bearer {mint('resident', sub=f'kantor-{serial}')}"},
            timeout=10,
        )
        assert answer.status_code == 201, answer.text
        ticket: dict[str, object] = answer.json()["ticket"]
        return ticket


def admin_get(loket: Loket, path: str) -> dict[str, object]:
    answer = requests.get(
        f"{loket.url}{path}", headers={"Authorization": f"Bearer {mint('admin')}"}, timeout=10
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, object] = answer.json()
    return body


def tomorrow(loket: Loket) -> str:
    return (date.fromisoformat(loket.today) + timedelta(days=1)).isoformat()


# --- the desks' day -------------------------------------------------------------------------------


def check_in(page: Page, text: str) -> None:
    """Types `text` into the check-in field and presses Enter: the keyboard is all it takes."""
    field = page.get_by_label("Kode tiket atau NIK")
    field.fill(text)
    field.press("Enter")


def test_a_day_at_two_desks_checks_in_calls_serves_and_recalls_and_the_hall_sees_and_hears_each_call(
    loket: Loket, open_page: Opener
) -> None:
    residents = Residents(loket)
    first, second, third, fourth = (residents.book(s) for s in (1, 2, 3, 4))
    later = residents.book(5, tomorrow(loket))
    assert [t["number"] for t in (first, second, third, fourth)] == [1, 2, 3, 4]

    one = desk_page(open_page, loket, "petugas1", 1)
    two = desk_page(open_page, loket, "petugas2", 2)
    hall = open_page(FULL_HD, RECORDER)
    hall.clock.install()
    hall.goto(f"{loket.url}/layar")
    expect(hall.locator("#none")).to_be_visible()

    answer = one.locator("#checkin-answer")
    check_in(one, str(first["code"]).lower())
    expect(answer).to_contain_text("Sudah check-in: nomor 1")
    assert one.evaluate("document.activeElement.id") == "checkin-input", "ready for the next resident"
    check_in(one, f"{nik(2)[:4]} {nik(2)[4:]}")  # a NIK as people write it, with a space
    expect(answer).to_contain_text("Sudah check-in: nomor 2")
    check_in(one, nik(5))
    expect(answer).to_contain_text(f"Hari Anda: {in_indonesian(tomorrow(loket))}")
    assert in_indonesian(tomorrow(loket)) in answer.inner_text()
    check_in(two, str(third["code"]))
    expect(two.locator("#checkin-answer")).to_contain_text("Sudah check-in: nomor 3")
    check_in(two, "ABCDEFGH")
    expect(two.locator("#checkin-answer")).to_contain_text(
        "Tidak ada tiket hari ini untuk kode atau NIK ini."
    )
    expect(one.locator("#t-waiting")).to_have_text("2")  # desk 2's check-in is not seen yet here
    with one.expect_response(lambda r: "/v1/queue" in r.url):
        one.clock.run_for(8_000)  # the page refreshes itself every 8 s
    expect(one.locator("#t-waiting")).to_have_text("3")
    assert later["state"] == "booked"

    # Desk 1 calls, then desk 2: each number large on its page, on the hall's screen, and said.
    one.get_by_role("button", name="Panggil nomor berikutnya").press("Enter")
    expect(one.locator("#current-number")).to_have_text("1")
    expect(one.locator("#call-answer")).to_contain_text("Nomor 1")
    assert one.locator("#call-answer").get_attribute("aria-live") == "polite"
    next_poll(hall)
    expect(hall.locator('#desks li[data-desk="1"] .num')).to_have_text("1")
    two.get_by_role("button", name="Panggil nomor berikutnya").click()
    expect(two.locator("#current-number")).to_have_text("2")
    next_poll(hall)
    expect(hall.locator('#desks li[data-desk="2"] .num')).to_have_text("2")

    one.get_by_role("button", name="Selesai dilayani").click()
    expect(one.locator("#call-answer")).to_have_text("Nomor 1 selesai dilayani.")
    expect(one.locator("#current")).to_be_hidden()

    # Number 2 does not come to desk 2; desk 2 serves number 3, then number 2 arrives late.
    two.get_by_role("button", name="Tidak hadir").click()
    expect(two.locator("#no-shows li")).to_have_count(1)
    two.get_by_role("button", name="Panggil nomor berikutnya").click()
    expect(two.locator("#current-number")).to_have_text("3")
    next_poll(hall)
    expect(hall.locator('#desks li[data-desk="2"] .num')).to_have_text("3")
    two.get_by_role("button", name="Selesai dilayani").click()
    expect(two.locator("#call-answer")).to_have_text("Nomor 3 selesai dilayani.")
    two.get_by_role("button", name="Panggil ulang nomor 2").click()
    expect(two.locator("#current-number")).to_have_text("2")
    expect(two.locator("#call-answer")).to_contain_text("Dipanggil ulang ke loket 2.")
    expect(two.locator("#no-shows li")).to_have_count(0)
    next_poll(hall)
    expect(hall.locator('#desks li[data-desk="2"] .num')).to_have_text("2")

    one.get_by_role("button", name="Panggil nomor berikutnya").click()
    expect(one.locator("#call-answer")).to_have_text("Tidak ada yang menunggu.")

    hall.wait_for_function("() => window.__heard.filter(e => e.startsWith('say ')).length >= 4")
    assert heard(hall) == [
        *spoken("Nomor antrean 1, silakan ke loket 1"),
        *spoken("Nomor antrean 2, silakan ke loket 2"),
        *spoken("Nomor antrean 3, silakan ke loket 2"),
        *spoken("Nomor antrean 2, silakan ke loket 2"),
    ]
    states = {
        n: requests.get(f"{loket.url}/v1/tickets/{t['code']}", timeout=10).json()["ticket"]["state"]
        for n, t in ((1, first), (2, second), (3, third), (4, fourth))
    }
    assert states == {1: "served", 2: "called", 3: "served", 4: "booked"}

    # Today at a glance, as the API counts it.
    one.reload()
    expect(one.get_by_label("Loket saya")).to_have_value("1")  # remembered
    expect(one.locator("#serving li")).to_have_count(2)
    expect(one.locator('#serving li[data-desk="2"] strong')).to_have_text("2")
    expect(one.locator("#t-issued")).to_have_text("4")  # resident 5's ticket is tomorrow's
    expect(one.locator("#t-served")).to_have_text("2")
    expect(one.locator("#t-waiting")).to_have_text("0")
    expect(one.locator("#current")).to_be_hidden()
    screenshot(one, "kantor")


def test_a_ticket_given_at_the_door_shows_its_number_and_code_and_is_a_ticket_of_today(
    loket: Loket, open_page: Opener
) -> None:
    Residents(loket).book(1)
    page = desk_page(open_page, loket, "petugas1", 1)

    page.get_by_label("NIK warga").fill(nik(7))
    page.get_by_role("button", name="Beri nomor antrean").click()

    answer = page.locator("#door-answer")
    expect(answer).to_contain_text("Nomor 2")
    code = re.search(r"Kode ([A-Z2-9]{8})", answer.inner_text())
    assert code is not None, answer.inner_text()
    ticket = requests.get(f"{loket.url}/v1/tickets/{code.group(1)}", timeout=10).json()["ticket"]
    assert (ticket["number"], ticket["service_day"], ticket["nik"]) == (
        2,
        loket.today,
        "*" * 12 + nik(7)[-4:],
    )
    assert in_indonesian(loket.today) in answer.inner_text()
    expect(page.get_by_label("NIK warga")).to_have_value("")
    page.get_by_label("NIK warga").fill("1234")
    page.get_by_role("button", name="Beri nomor antrean").click()
    expect(answer).to_have_text("NIK tidak valid: 16 angka, sesuai KTP atau KK.")


# --- the head of office, on a phone ---------------------------------------------------------------


def next_weekday(start: str, weekday: int) -> str:
    day = date.fromisoformat(start) + timedelta(days=1)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return day.isoformat()


def test_the_head_of_office_sets_quotas_beside_the_advice_and_opens_a_saturday(
    loket: Loket, open_page: Opener, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib import settings

    monkeypatch.setenv("LOKET_OPEN_WEEKDAYS", "mon,tue,wed,thu,fri")
    settings.reset()
    page = open_page(HEAD_PHONE)
    sign_in_seeded(page, loket, session_of("admin", "kepala"))
    expect(page.locator("#who")).to_have_text("Masuk sebagai kepala (admin)")
    quotas = page.locator("#quotas")
    expect(quotas).to_be_visible()

    saturday = next_weekday(loket.today, 5)
    page.get_by_label("Hari", exact=True).fill(saturday)
    advice = admin_get(loket, f"/v1/admin/advice?day={saturday}")
    assert advice["enough_history"] is False
    expect(page.locator("#advice")).to_have_text(
        f"Riwayat belum cukup (0 hari, 0 tiket): saran kuota = kapasitas {advice['capacity']}."
    )
    expect(page.locator("#advice")).to_have_attribute("data-quota", str(advice["quota"]))
    expect(page.locator("#day-now")).to_contain_text(f"{in_indonesian(saturday)}: kuota 0")
    expect(page.locator("#day-now")).to_contain_text("tutup")

    page.get_by_label("Kuota hari itu").fill("60")
    page.get_by_label("Disisihkan untuk pintu").fill("10")
    page.get_by_role("button", name="Simpan kuota hari itu").click()

    expect(page.locator("#quota-answer")).to_have_text(f"{in_indonesian(saturday)}: kuota 60")
    expect(page.locator("#day-now")).to_contain_text("buka")
    counter = admin_get(loket, f"/v1/admin/quota?day={saturday}")
    assert (counter["quota"], counter["held_for_door"], counter["state"]) == (60, 10, "open")

    page.get_by_role("button", name="Tutup hari itu (kuota 0)").click()
    expect(page.locator("#quota-answer")).to_have_text(f"{in_indonesian(saturday)} ditutup")
    assert admin_get(loket, f"/v1/admin/quota?day={saturday}")["state"] == "closed"

    page.get_by_label("Kuota standar per hari").fill("250")
    page.get_by_role("button", name="Simpan", exact=True).click()
    expect(page.locator("#quota-answer")).to_have_text("Kuota standar: 250")
    assert admin_get(loket, "/v1/admin/quota")["default_quota"] == 250

    rows = page.locator("#audit-rows tr")  # newest first, after the demo data's own entries
    expect(rows.first).to_contain_text("quota.default")
    for n, action in enumerate(["quota.default", "quota.day", "quota.day"]):
        expect(rows.nth(n).locator("td").nth(1)).to_have_text("kepala")
        expect(rows.nth(n).locator("td").nth(2)).to_have_text(action)
    expect(rows.nth(2).locator("td").nth(4)).to_contain_text('"quota":60')
    overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px on a 360 px phone"
    screenshot(page, "kantor")


def test_the_report_draws_todays_hours_and_eight_weeks_of_wrong_days_and_no_shows_and_downloads_as_csv(
    loket: Loket, open_page: Opener
) -> None:
    from chalicelib import runtime

    residents = Residents(loket)
    booked = [residents.book(s) for s in (1, 2, 3)]
    residents.book(4, tomorrow(loket))
    staff = {"Authorization": f"Bearer {mint('staff')}"}
    checked = [
        requests.post(f"{loket.url}/v1/admin/checkins", json=body, headers=staff, timeout=10).status_code
        for body in ({"code": str(booked[0]["code"])}, {"code": str(booked[1]["code"])}, {"nik": nik(4)})
    ]
    assert checked == [200, 200, 409]  # resident 4 came on the wrong day
    called = requests.post(f"{loket.url}/v1/admin/calls", json={"desk": 1}, headers=staff, timeout=10)
    assert called.json()["call"]["number"] == booked[0]["number"]
    marked = requests.put(
        f"{loket.url}/v1/admin/tickets/{booked[0]['code']}",
        json={"state": "no_show"},
        headers=staff,
        timeout=10,
    )
    assert marked.status_code == 200, marked.text
    hour = runtime.now().astimezone(WIB).hour  # the server's clock, pinned for the test

    page = open_page(OFFICE)
    sign_in_seeded(page, loket, session_of("admin", "kepala"))

    def bar(chart: str, series: str, slot: object) -> str | None:
        return page.locator(f'#{chart} rect[data-series="{series}"][data-slot="{slot}"]').get_attribute(
            "data-value"
        )

    expect(page.locator("#chart-hours rect").first).to_be_attached()
    assert (bar("chart-hours", "booked", hour), bar("chart-hours", "checked_in", hour)) == ("3", "2")
    quiet = next(h for h in range(7, 17) if h != hour)
    assert (bar("chart-hours", "booked", quiet), bar("chart-hours", "checked_in", quiet)) == ("0", "0")
    title = page.locator(f'#chart-hours rect[data-series="booked"][data-slot="{hour}"] title')
    assert title.text_content() == f"Pukul {hour:02d}.00: 3 Tiket diambil"
    assert (bar("chart-weeks", "wrong_day", loket.today), bar("chart-weeks", "no_show", loket.today)) == (
        "1",
        "1",
    )
    eight_weeks_ago = (date.fromisoformat(loket.today) - timedelta(days=55)).isoformat()
    expect(page.locator("#t-checked")).to_have_text("2")
    days_drawn = page.locator('#chart-weeks rect[data-series="no_show"]').count()
    assert 1 <= days_drawn <= 56
    screenshot(page, "kantor-report")

    with page.expect_download() as download:
        page.get_by_role("button", name="Unduh CSV (8 minggu)").click()
    saved = download.value.path()
    rows = list(csv.DictReader(io.StringIO(Path(saved).read_text(encoding="utf-8"))))
    assert download.value.suggested_filename == f"laporan-{eight_weeks_ago}-{loket.today}.csv"
    assert len(rows) == 56 and rows[0]["service_day"] == eight_weeks_ago
    today_row = rows[-1]
    assert (today_row["service_day"], today_row["issued"], today_row["wrong_day"], today_row["no_show"]) == (
        loket.today,
        "3",
        "1",
        "1",
    )

    page.get_by_role("button", name="English").click()  # the charts are worded again, not asked again
    assert title.text_content() == f"{hour:02d}:00: 3 Tickets taken"
    expect(page.locator("#today-title")).to_contain_text("Today, ")


# --- signing in, and losing the session -----------------------------------------------------------


def test_a_session_the_api_refuses_brings_the_sign_in_form_back_with_words(
    loket: Loket, open_page: Opener
) -> None:
    page = open_page(OFFICE)
    an_hour_ago = int(time.time()) - 3600
    refused = session_of("staff", "petugas1", iat=an_hour_ago, exp=an_hour_ago + 3540)  # expired: a 401

    sign_in_seeded(page, loket, refused)

    expect(page.locator("#signin-error")).to_have_text("Sesi Anda berakhir. Silakan masuk lagi.")
    expect(page.get_by_label("Nama pengguna")).to_be_visible()
    expect(page.locator("#work")).to_be_hidden()
    assert page.evaluate(f"sessionStorage.getItem('{SESSION_KEY}')") is None, "the dead session is forgotten"


def test_the_sign_in_form_says_what_is_missing_and_is_worded_in_english_on_request(
    loket: Loket, open_page: Opener
) -> None:
    page = open_page(HEAD_PHONE)
    page.goto(f"{loket.url}/kantor")
    expect(page.get_by_label("Nama pengguna")).to_be_focused()

    page.get_by_label("Nama pengguna").fill("kepala")
    page.get_by_role("button", name="Masuk").press("Enter")
    expect(page.locator("#signin-error")).to_have_text("Isi nama pengguna dan kata sandi.")

    page.get_by_role("button", name="English").click()
    expect(page.locator("#signin-error")).to_have_text("Enter the username and the password.")
    expect(page.get_by_label("Password", exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "en"


def test_a_staff_member_signs_out_and_the_page_forgets_the_session(loket: Loket, open_page: Opener) -> None:
    page = desk_page(open_page, loket, "petugas1", 3)

    page.get_by_role("button", name="Keluar").click()

    expect(page.locator("#signin-error")).to_have_text("Anda sudah keluar.")
    expect(page.locator("#work")).to_be_hidden()
    assert page.evaluate(f"sessionStorage.getItem('{SESSION_KEY}')") is None
    page.reload()
    expect(page.get_by_label("Nama pengguna")).to_be_visible()


def test_staff_see_no_admin_sections_and_where_the_browser_has_no_barcode_detector_no_scan_button(
    loket: Loket, open_page: Opener
) -> None:
    page = desk_page(open_page, loket, "petugas1", 1)

    for admin_only in ("#quotas", "#report", "#audit"):
        expect(page.locator(admin_only)).to_be_hidden()
    expect(page.locator("#checkin")).to_be_visible()
    assert page.evaluate("'BarcodeDetector' in window") is False  # Linux Chromium has none
    expect(page.locator("#scan")).to_be_hidden()
    asked: list[str] = page.evaluate("performance.getEntries().map(e => e.name)")
    assert not any("/v1/admin/report" in url or "/v1/admin/audit" in url for url in asked)


# --- the camera, where the browser has a BarcodeDetector ------------------------------------------

# Until tests/support/camera.py feeds Chromium's fake capture device a QR image (decoded by
# zbarimg), the page's wiring is shown with stand-ins: a real MediaStream drawn from a canvas,
# and a detector that reads the code the test holds up once the camera is open.
CAMERA_STAND_IN = """
window.__camera = {formats: null, looked_at: [], tracks: [], code: null};
window.BarcodeDetector = class {
  constructor(options) { window.__camera.formats = options.formats; }
  async detect(source) {
    window.__camera.looked_at.push(source.tagName);
    return window.__camera.code ? [{format: "qr_code", rawValue: window.__camera.code}] : [];
  }
};
navigator.mediaDevices.getUserMedia = async (constraints) => {
  const canvas = document.createElement("canvas");
  canvas.width = 64; canvas.height = 64;
  const paint = canvas.getContext("2d");
  setInterval(() => { paint.fillStyle = "#" + Math.floor(Math.random() * 4096).toString(16).padStart(3, "0"); paint.fillRect(0, 0, 64, 64); }, 50);
  const stream = canvas.captureStream(20);
  window.__camera.constraints = constraints;
  window.__camera.tracks.push(...stream.getTracks());
  return stream;
};
"""


def test_a_code_read_by_the_camera_is_checked_in_and_the_camera_is_stopped(
    loket: Loket, open_page: Opener
) -> None:
    ticket = Residents(loket).book(1)
    page = open_page(OFFICE, CAMERA_STAND_IN)
    sign_in_seeded(page, loket, session_of("staff", "petugas1"))

    page.get_by_role("button", name="Pindai kode QR dengan kamera").click()
    expect(page.locator("#video")).to_be_visible()
    page.wait_for_function("() => window.__camera.looked_at.length > 0")  # looking at the frames
    page.evaluate("code => { window.__camera.code = code; }", ticket["code"])

    expect(page.locator("#checkin-answer")).to_contain_text("Sudah check-in: nomor 1")
    expect(page.locator("#camera")).to_be_hidden()
    camera = page.evaluate(
        "({formats: window.__camera.formats, looked_at: [...new Set(window.__camera.looked_at)],"
        " tracks: window.__camera.tracks.map(t => t.readyState)})"
    )
    assert camera == {"formats": ["qr_code"], "looked_at": ["VIDEO"], "tracks": ["ended"]}
    assert requests.get(f"{loket.url}/v1/tickets/{ticket['code']}", timeout=10).json()["ticket"]["state"] == (
        "checked_in"
    )
    expect(page.get_by_role("button", name="Pindai kode QR dengan kamera")).to_be_visible()
