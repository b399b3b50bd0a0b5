"""The office page (`/kantor`) plays a working day in headless Chromium against the real local
server: residents take tickets through the API, desk staff check them in on the page by code, by
NIK and with the camera, two desks (two pages) call, serve, mark a no-show and call it again while
the hall's display (`/layar`, a third page) shows each call and says it aloud; a ticket is given
at the door; the head of office, on a phone, changes quotas beside the advice, reads the report's
charts and downloads its CSV.

Staff sign in through the page's form with `make run`'s demo accounts, on the embedded moto
server's Cognito user pool (tests/browser/conftest.py): petugas1 at desk 1, petugas2 at desk 2,
kepala for quotas, the report and the audit log. One test seeds a session instead, to show what
the form cannot: a token the API refuses. The expected numbers come from the API's answers to the
residents' bookings; the expected words are the page's own (its TEXTS), written out here. axe
checks each state a person works in, and each is saved under tests/artifacts/.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
from botocore.exceptions import ClientError
from playwright.sync_api import (
    Browser,
    Page,
    Playwright,
    Response,
    Route,
    ViewportSize,
    expect,
)

from tests.support.api_client import mint
from tests.support.axe import assert_accessible
from tests.support.booking import in_indonesian
from tests.support.browser import Loket, Watched, watched_page
from tests.support.camera import Camera, install_barcode_detector, launch_with_camera
from tests.support.layar import RECORDER, heard, next_poll, spoken
from tests.support.residents import nik
from tests.support.screens import screenshot
from tests.support.staff_pool import StaffPool, demo_password

OFFICE: ViewportSize = {"width": 1280, "height": 800}
HEAD_PHONE: ViewportSize = {"width": 360, "height": 740}
FULL_HD: ViewportSize = {"width": 1920, "height": 1080}
SESSION_KEY = "loket.kantor.session"
WIB = ZoneInfo("Asia/Jakarta")

Opener = Callable[..., Page]


# --- the pages ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def camera(tmp_path_factory: pytest.TempPathFactory) -> Camera:
    return Camera.in_directory(tmp_path_factory.mktemp("camera"))


@pytest.fixture(scope="module")
def browser(playwright: Playwright, camera: Camera) -> Iterator[Browser]:
    """This module's Chromium has a camera: Chromium's fake capture device playing what `camera`
    shows. One launch for the module (CI time is tight); a page that asks for no camera meets
    no difference, and none has a `BarcodeDetector` unless its context is given one."""
    launched = launch_with_camera(playwright, camera)
    yield launched
    launched.close()


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Opener]:
    """Opens a page in a context of its own (its own storage: one person, one browser); each
    page must end the test without a script error or a CSP refusal."""
    watched: list[Watched] = []

    def opener(
        viewport: ViewportSize = OFFICE, init_script: str | None = None, barcode_detector: bool = False
    ) -> Page:
        context = browser.new_context(
            viewport=viewport,
            locale="id-ID",
            timezone_id="Asia/Jakarta",
            service_workers="block",
            accept_downloads=True,
        )
        if init_script:
            context.add_init_script(init_script)
        if barcode_detector:
            install_barcode_detector(context)
        seen = watched_page(context)
        watched.append(seen)
        return seen.page

    yield opener
    for seen in watched:
        seen.page.context.close()
    assert [p for seen in watched for p in seen.problems] == [], "a page broke in the browser"


def sign_in(page: Page, loket: Loket, username: str, password: str | None = None) -> None:
    """Signs in through the page's form as a person does: username, password, Enter (a demo
    account's password unless another is given)."""
    page.goto(f"{loket.url}/kantor")
    page.get_by_label("Nama pengguna").fill(username)
    secret = page.get_by_label("Kata sandi", exact=True)
    secret.fill(password if password is not None else demo_password(username))
    secret.press("Enter")


def stored(page: Page) -> dict[str, Any]:
    """The session the page keeps in sessionStorage (sign-in contract, "Page side")."""
    kept: dict[str, Any] = json.loads(page.evaluate(f"sessionStorage.getItem('{SESSION_KEY}')"))
    return kept


def answered(method: str, path: str) -> Callable[[Response], bool]:
    return lambda r: r.request.method == method and r.url.split("?")[0].endswith(path)


def me(loket: Loket, access_token: str) -> tuple[int, dict[str, Any]]:
    """What an admin route answers a bearer of `access_token`, over HTTP, outside any page."""
    answer = requests.get(
        f"{loket.url}/v1/admin/me", headers={"Authorization": f"Bearer {access_token}"}, timeout=10
    )
    return answer.status_code, answer.json()


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


def desk_page(open_page: Opener, loket: Loket, username: str, desk: int, **options: Any) -> Page:
    """A desk's page: `username` signed in through the form, at `desk`."""
    page = open_page(OFFICE, **options)
    page.clock.install()  # time flows; a test may bring the page's next refresh forward
    sign_in(page, loket, username)
    expect(page.locator("#who")).to_have_text(f"Masuk sebagai {username} (petugas)")
    page.get_by_label("Loket saya").select_option(str(desk))
    expect(page.locator("#calls-title")).to_have_text(f"Panggilan · Loket {desk}")
    return page


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


def test_a_handheld_scanner_typing_the_next_code_over_a_refused_one_checks_that_one_in(
    loket: Loket, open_page: Opener
) -> None:
    """A USB QR scanner is a keyboard: it types the code and Enter into the focused field,
    without clearing it first. What a refused code leaves there must not spoil the next."""
    ticket = Residents(loket).book(6)
    page = desk_page(open_page, loket, "petugas1", 1)
    field = page.get_by_label("Kode tiket atau NIK")
    answer = page.locator("#checkin-answer")

    field.press_sequentially("ABCDEFGH")
    page.keyboard.press("Enter")
    expect(answer).to_contain_text("Tidak ada tiket hari ini untuk kode atau NIK ini.")
    page.keyboard.type(str(ticket["code"]))  # the next resident's code, wherever focus is
    page.keyboard.press("Enter")

    expect(answer).to_contain_text(f"Sudah check-in: nomor {ticket['number']}")


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
    expect(two.get_by_role("button", name="Panggil ulang nomor 2")).to_be_visible()
    assert_accessible(two, "a desk serving a number, a no-show to call again")
    screenshot(two, "kantor-desk")
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
    sign_in(page, loket, "kepala")
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
    logged = admin_get(loket, "/v1/admin/audit?limit=3")["entries"]
    assert isinstance(logged, list)
    assert [(e["actor"], e["action"]) for e in logged] == [
        ("kepala", "quota.default"),
        ("kepala", "quota.day"),
        ("kepala", "quota.day"),
    ], "the audit log names the person signed in, not a role"
    overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px on a 360 px phone"
    assert_accessible(page, "the head of office's phone: quotas, advice, report, audit")
    screenshot(page, "kantor-head")


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
    sign_in(page, loket, "kepala")

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
    expect(page.locator("#audit-rows tr").first).to_be_attached()
    assert_accessible(page, "the admin's day: quotas, advice, report, audit")
    screenshot(page, "kantor-admin")

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


def test_a_wrong_password_is_refused_in_words_and_the_username_stays_for_the_next_try(
    loket: Loket, open_page: Opener
) -> None:
    page = open_page(OFFICE)

    with page.expect_response(answered("POST", "/v1/sessions")) as refused:
        sign_in(page, loket, "kepala", "Kepala-Blitar-2025")

    assert (refused.value.status, refused.value.json()["error"]["code"]) == (401, "invalid_credentials")
    expect(page.locator("#signin-error")).to_have_text(
        "Nama pengguna atau kata sandi salah, atau akun dinonaktifkan."
    )
    expect(page.get_by_label("Nama pengguna")).to_have_value("kepala")
    expect(page.locator("#work")).to_be_hidden()
    assert page.evaluate(f"sessionStorage.getItem('{SESSION_KEY}')") is None
    assert_accessible(page, "the sign-in form, a wrong password refused")
    screenshot(page, "kantor-signin")

    secret = page.get_by_label("Kata sandi", exact=True)
    secret.fill(demo_password("kepala"))
    secret.press("Enter")
    expect(page.locator("#who")).to_have_text("Masuk sebagai kepala (admin)")
    expect(page.locator("#signin")).to_be_hidden()


def test_a_person_given_a_temporary_password_is_asked_for_a_new_one_sets_it_and_is_in(
    loket: Loket, open_page: Opener, staff_pool: StaffPool
) -> None:
    staff_pool.add("petugas3", "Sementara-2026", "staff", permanent=False)  # AdminCreateUser
    page = open_page(OFFICE)

    with page.expect_response(answered("POST", "/v1/sessions")) as asked:
        sign_in(page, loket, "petugas3", "Sementara-2026")

    assert (asked.value.status, asked.value.json()["error"]["code"]) == (409, "new_password_required")
    expect(page.locator("#signin-error")).to_have_text("Buat kata sandi baru Anda, lalu tekan Masuk lagi.")
    fresh = page.get_by_label("Kata sandi baru")
    expect(fresh).to_be_focused()
    assert_accessible(page, "the sign-in form asking for a new password")

    fresh.fill("pendek")
    with page.expect_response(answered("POST", "/v1/sessions")) as weak:
        fresh.press("Enter")
    assert (weak.value.status, weak.value.json()["error"]["code"]) == (400, "password_rejected")
    expect(page.locator("#signin-error")).to_have_text(weak.value.json()["error"]["message"])

    fresh.fill("Petugas3-Blitar-2026")
    fresh.press("Enter")
    expect(page.locator("#who")).to_have_text("Masuk sebagai petugas3 (petugas)")
    expect(page.locator("#checkin")).to_be_visible()
    assert stored(page)["username"] == "petugas3"
    # Cognito, asked directly: the new password is the person's now, the temporary one no more.
    assert staff_pool.tokens("petugas3", "Petugas3-Blitar-2026")["AccessToken"]
    with pytest.raises(ClientError, match="NotAuthorizedException"):
        staff_pool.tokens("petugas3", "Sementara-2026")


def test_an_access_token_near_its_expiry_is_refreshed_and_the_desk_goes_on_with_the_new_one(
    loket: Loket, open_page: Opener
) -> None:
    ticket = Residents(loket).book(1)
    page = desk_page(open_page, loket, "petugas1", 1)
    before = stored(page)
    assert before["expires_in"] == 3600 and before["refresh_token"]

    with page.expect_response(answered("POST", "/v1/sessions/refresh")) as refreshed:
        page.clock.fast_forward("59:30")  # by the page's clock, half a minute before the token expires

    assert refreshed.value.status == 200
    page.wait_for_function(  # the page keeps what it was answered
        "([key, old]) => JSON.parse(sessionStorage.getItem(key)).access_token !== old",
        arg=[SESSION_KEY, before["access_token"]],
    )
    after = stored(page)
    assert after["access_token"] != before["access_token"]
    assert after["refresh_token"] == before["refresh_token"]
    assert after["expires_at"] - before["expires_at"] >= 59 * 60_000, "the new token's hour starts now"
    assert me(loket, str(after["access_token"])) == (200, {"username": "petugas1", "role": "staff"})
    with page.expect_request(lambda r: r.url.endswith("/v1/admin/checkins")) as sent:
        check_in(page, str(ticket["code"]))
    expect(page.locator("#checkin-answer")).to_contain_text("Sudah check-in: nomor 1")
    assert sent.value.headers["authorization"] == f"Bearer {after['access_token']}"
    expect(page.locator("#who")).to_have_text("Masuk sebagai petugas1 (petugas)")


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


def test_signing_out_ends_the_session_at_cognito_so_its_old_tokens_are_refused_and_the_page_forgets_it(
    loket: Loket, open_page: Opener
) -> None:
    page = desk_page(open_page, loket, "petugas1", 3)
    kept = stored(page)
    assert me(loket, str(kept["access_token"])) == (200, {"username": "petugas1", "role": "staff"})

    with page.expect_response(answered("DELETE", "/v1/sessions")) as signed_out:
        page.get_by_role("button", name="Keluar").click()

    assert (signed_out.value.status, signed_out.value.json()) == (200, {"signed_out": True})
    expect(page.locator("#signin-error")).to_have_text("Anda sudah keluar.")
    expect(page.locator("#work")).to_be_hidden()
    assert page.evaluate(f"sessionStorage.getItem('{SESSION_KEY}')") is None
    status, body = me(loket, str(kept["access_token"]))
    assert (status, body["error"]["code"]) == (401, "unauthorized"), "the old access token still works"
    renewed = requests.post(
        f"{loket.url}/v1/sessions/refresh", json={"refresh_token": kept["refresh_token"]}, timeout=10
    )
    assert (renewed.status_code, renewed.json()["error"]["code"]) == (401, "invalid_credentials")
    page.reload()
    expect(page.get_by_label("Nama pengguna")).to_be_visible()


def test_signing_out_forgets_the_session_even_when_the_sign_out_call_fails(
    loket: Loket, open_page: Opener
) -> None:
    page = desk_page(open_page, loket, "petugas1", 1)

    def unreachable(route: Route) -> None:
        if route.request.method == "DELETE":
            route.fulfill(status=503, json={"error": {"code": "unavailable", "message": "down"}})
        else:
            route.continue_()

    page.route("**/v1/sessions", unreachable)
    with page.expect_response(answered("DELETE", "/v1/sessions")):
        page.get_by_role("button", name="Keluar").click()

    expect(page.locator("#signin-error")).to_have_text("Anda sudah keluar.")
    expect(page.locator("#work")).to_be_hidden()
    assert page.evaluate(f"sessionStorage.getItem('{SESSION_KEY}')") is None


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

# Each track getUserMedia gives the page, kept to see that the page lets the camera go.
TRACKS = """
window.__tracks = [];
const openCamera = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = async (constraints) => {
  const stream = await openCamera(constraints);
  window.__tracks.push(...stream.getTracks());
  return stream;
};
"""


def test_the_qr_code_of_a_ticket_held_to_the_camera_checks_that_ticket_in_and_the_camera_is_let_go(
    loket: Loket, open_page: Opener, camera: Camera
) -> None:
    residents = Residents(loket)
    tickets = [residents.book(s) for s in (1, 2, 3)]
    held_up = tickets[1]
    camera.show(str(held_up["code"]))  # as the residents' page draws it on the phone
    page = desk_page(open_page, loket, "petugas1", 1, init_script=TRACKS, barcode_detector=True)

    page.get_by_role("button", name="Pindai kode QR dengan kamera").click()

    expect(page.locator("#checkin-answer")).to_contain_text(f"Sudah check-in: nomor {held_up['number']}")
    expect(page.locator("#camera")).to_be_hidden()
    assert page.evaluate("window.__tracks.map(t => [t.kind, t.readyState])") == [["video", "ended"]]
    states = [
        requests.get(f"{loket.url}/v1/tickets/{t['code']}", timeout=10).json()["ticket"]["state"]
        for t in tickets
    ]
    assert states == ["booked", "checked_in", "booked"]
    expect(page.get_by_role("button", name="Pindai kode QR dengan kamera")).to_be_visible()
