"""The waiting-room display (`/layar`) on a hall TV, in headless Chromium, against the real API:
tickets taken, checked in and called through `POST /v1/admin/checkins` and `/v1/admin/calls`
with a staff token; what the page shows, and what it passes to speech synthesis and WebAudio
(both stubbed by an init script that records each call).

The expected numbers come from the API's answers to the calls; the sentence is the issue's
("Nomor antrean 57, silakan ke loket 2"), written out here.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.support.api_client import mint
from tests.support.axe import assert_accessible
from tests.support.browser import Loket, Watched, watched_page
from tests.support.layar import RECORDER, heard, next_poll, spoken, wait_for_sentences
from tests.support.residents import nik
from tests.support.screens import screenshot

HD: ViewportSize = {"width": 1280, "height": 720}
FULL_HD: ViewportSize = {"width": 1920, "height": 1080}
WIB = ZoneInfo("Asia/Jakarta")

# --- the day at the door, through the real API --------------------------------------------------


class Door:
    def __init__(self, loket: Loket, site: str | None = None) -> None:
        self.loket = loket
        self.site = {"site": site} if site else {}
        self.staff = {"Authorization": f"Bearer {mint('staff')}"}
        self.booked = 0

    def arrive(self, count: int) -> None:
        """`count` residents take a ticket for today and are checked in at the door."""
        for _ in range(count):
            self.booked += 1
            resident = {"Authorization": f"Bearer {mint('resident', sub=f'layar-{self.booked}')}"}
            taken = requests.post(
                f"{self.loket.url}/v1/tickets",
                json={"nik": nik(self.booked), "service_day": self.loket.today, **self.site},
                headers=resident,
                timeout=10,
            )
            assert taken.status_code == 201, taken.text
            checked = requests.post(
                f"{self.loket.url}/v1/admin/checkins",
                json={"code": taken.json()["ticket"]["code"], **self.site},
                headers=self.staff,
                timeout=10,
            )
            assert checked.status_code == 200, checked.text

    def call(self, desk: int) -> int:
        """The number `desk` calls."""
        answer = requests.post(
            f"{self.loket.url}/v1/admin/calls",
            json={"desk": desk, **self.site},
            headers=self.staff,
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
        number: int = answer.json()["call"]["number"]
        return number


def site_name(loket: Loket, code: str) -> str:
    sites = requests.get(f"{loket.url}/v1/sites", timeout=10).json()["sites"]
    [name] = [site["name"] for site in sites if site["code"] == code]
    return str(name)


def desk(page: Page, number: int) -> str:
    return f'#desks li[data-desk="{number}"] .num'


@pytest.fixture
def tv(browser: Browser) -> Iterator[Watched]:
    yield from _tv(browser, FULL_HD)


@pytest.fixture
def small_tv(browser: Browser) -> Iterator[Watched]:
    yield from _tv(browser, HD)


def _tv(browser: Browser, viewport: ViewportSize) -> Iterator[Watched]:
    context = browser.new_context(
        viewport=viewport, locale="id-ID", timezone_id="Asia/Jakarta", service_workers="block"
    )
    context.add_init_script(RECORDER)
    seen = watched_page(context)
    yield seen
    context.close()
    assert seen.problems == [], "the page broke in the browser"


def open_display(page: Page, loket: Loket, query: str = "") -> None:
    page.clock.install()
    page.goto(f"{loket.url}/layar{query}")


# --- what it shows ------------------------------------------------------------------------------


def test_the_display_shows_each_desks_number_the_waiting_count_and_the_sites_name(
    loket: Loket, tv: Watched
) -> None:
    page = tv.page
    door = Door(loket)
    door.arrive(5)
    first, second = door.call(1), door.call(3)

    open_display(page, loket)

    expect(page.locator(desk(page, 1))).to_have_text(str(first))
    expect(page.locator(desk(page, 3))).to_have_text(str(second))
    expect(page.locator("#desks li")).to_have_count(2)
    expect(page.locator('#desks li[data-desk="3"]')).to_contain_text("LOKET 3")
    expect(page.locator("#waiting")).to_have_text("3")
    expect(page.locator("h1")).to_have_text(site_name(loket, "kab-blitar"))

    door.arrive(1)
    third = door.call(1)
    next_poll(page)
    expect(page.locator(desk(page, 1))).to_have_text(str(third))
    expect(page.locator("#waiting")).to_have_text("3")
    assert not [url for url in tv.requests if "/v1/admin" in url], "the display needs no sign-in"


def test_before_any_call_the_display_says_so_and_nothing_personal_is_on_it(loket: Loket, tv: Watched) -> None:
    page = tv.page
    door = Door(loket)
    door.arrive(2)

    open_display(page, loket)

    expect(page.locator("#none")).to_have_text("Belum ada panggilan No calls yet")
    expect(page.locator("#waiting")).to_have_text("2")
    shown = page.locator("body").inner_text()
    assert nik(1) not in shown and nik(2) not in shown
    asked = {urlsplit(url).path for url in tv.requests}
    assert asked == {"/layar", "/v1/queue", "/v1/sites"}, "only the page and what the hall may see"


def test_a_site_chosen_in_the_address_is_the_one_shown(
    loket: Loket, tv: Watched, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib import settings

    monkeypatch.setenv("LOKET_SITES", "kab-blitar,kec-wlingi")
    settings.reset()
    page = tv.page
    Door(loket).arrive(1)
    elsewhere = Door(loket, site="kec-wlingi")
    elsewhere.booked = 10
    elsewhere.arrive(2)
    called = elsewhere.call(2)

    open_display(page, loket, "?site=kec-wlingi")

    expect(page.locator("h1")).to_have_text(site_name(loket, "kec-wlingi"))
    expect(page.locator(desk(page, 2))).to_have_text(str(called))
    expect(page.locator("#waiting")).to_have_text("1")
    assert any(url.endswith("/v1/queue?site=kec-wlingi") for url in tv.requests)


def test_an_unknown_site_in_the_address_is_said_on_the_screen(loket: Loket, tv: Watched) -> None:
    page = tv.page
    open_display(page, loket, "?site=nowhere")

    expect(page.locator("#problem")).to_have_text("Lokasi tidak dikenal: nowhereUnknown site")
    expect(page.locator("#offline")).to_be_hidden()


@pytest.mark.parametrize("screen", ["tv", "small_tv"])
def test_the_numbers_fill_a_large_screen_without_scrolling(
    loket: Loket, screen: str, request: pytest.FixtureRequest
) -> None:
    watched: Watched = request.getfixturevalue(screen)
    page = watched.page
    door = Door(loket)
    door.arrive(4)
    for number in (1, 2, 3):
        door.call(number)

    open_display(page, loket)
    expect(page.locator("#desks li")).to_have_count(3)

    size = page.viewport_size
    assert size is not None
    overflow = page.evaluate(
        "[document.documentElement.scrollWidth - innerWidth, document.documentElement.scrollHeight - innerHeight]"
    )
    assert overflow[0] <= 0 and overflow[1] <= 0, f"the page scrolls by {overflow} on {size}"
    digits = page.locator(desk(page, 2)).bounding_box()
    assert digits is not None
    assert digits["height"] >= size["height"] / 5, f"the digits are {digits['height']} px high on {size}"
    shot = screenshot(page, "layar-three-desks")
    assert struct.unpack(">II", shot.read_bytes()[16:24]) == (size["width"], size["height"])


def test_axe_finds_nothing_serious_on_the_display_before_a_call_with_calls_or_offline(
    loket: Loket, tv: Watched
) -> None:
    page = tv.page
    door = Door(loket)
    door.arrive(3)
    open_display(page, loket)
    expect(page.locator("#none")).to_be_visible()
    assert_accessible(page, "before a call")
    screenshot(page, "layar-before-a-call")

    door.call(1)
    door.call(2)
    next_poll(page)
    expect(page.locator("#desks li")).to_have_count(2)
    assert_accessible(page, "two calls")
    screenshot(page, "layar-two-calls")

    page.route("**/v1/queue*", lambda route: route.abort("internetdisconnected"))
    page.clock.run_for(5_000)
    expect(page.locator("#offline")).to_be_visible()
    assert_accessible(page, "offline")
    screenshot(page, "layar-offline")


def test_a_new_call_blinks_without_its_number_ever_losing_contrast(loket: Loket, tv: Watched) -> None:
    page = tv.page
    door = Door(loket)
    door.arrive(1)
    open_display(page, loket)
    expect(page.locator("#none")).to_be_visible()
    door.call(2)
    next_poll(page)
    expect(page.locator('#desks li[data-desk="2"]')).to_have_class(re.compile(r"\bfresh\b"))

    blinks = page.evaluate("document.getAnimations().length")
    assert blinks >= 1, "the new call does not blink"
    for moment in (0, 600):  # ms into a 1 s step-end blink: its two looks
        page.evaluate("t => document.getAnimations().forEach(a => { a.pause(); a.currentTime = t; })", moment)
        assert_accessible(page, f"{moment} ms into the blink", within="#desks")
        screenshot(page, f"layar-new-call-{moment}ms")


# --- what it says -------------------------------------------------------------------------------


def test_a_new_call_is_announced_in_indonesian_after_a_chime_and_the_state_at_load_is_not(
    loket: Loket, tv: Watched
) -> None:
    page = tv.page
    door = Door(loket)
    door.arrive(3)
    already = door.call(1)
    open_display(page, loket)
    expect(page.locator(desk(page, 1))).to_have_text(str(already))
    next_poll(page)

    called = door.call(2)
    next_poll(page)

    wait_for_sentences(page, 1)
    assert heard(page) == spoken(f"Nomor antrean {called}, silakan ke loket 2")
    expect(page.locator('#desks li[data-desk="2"]')).to_have_class(re.compile(r"\bfresh\b"))


def test_two_calls_seen_in_one_poll_are_announced_one_after_the_other_in_the_order_they_were_made(
    loket: Loket, tv: Watched
) -> None:
    page = tv.page
    door = Door(loket)
    door.arrive(3)
    open_display(page, loket)
    expect(page.locator("#waiting")).to_have_text("3")
    page.clock.pause_at(page.evaluate("Date.now()") / 1_000 + 1)  # no poll until both desks have called

    earlier = door.call(2)
    later = door.call(1)
    page.clock.resume()
    next_poll(page)

    wait_for_sentences(page, 2)
    assert heard(page) == [
        *spoken(f"Nomor antrean {earlier}, silakan ke loket 2"),
        *spoken(f"Nomor antrean {later}, silakan ke loket 1"),
    ]
    assert earlier < later


# --- through a network blip ---------------------------------------------------------------------


def test_offline_the_last_numbers_stay_with_a_banner_saying_since_when_and_it_recovers_by_itself(
    loket: Loket, tv: Watched
) -> None:
    page = tv.page
    door = Door(loket)
    door.arrive(2)
    called = door.call(1)
    page.clock.install(time=datetime(2026, 11, 25, 9, 41, 10, tzinfo=WIB))
    page.goto(f"{loket.url}/layar")
    expect(page.locator(desk(page, 1))).to_have_text(str(called))
    page.route("**/v1/queue*", lambda route: route.abort("internetdisconnected"))

    page.clock.run_for(5_000)

    banner = page.locator("#offline")
    expect(banner).to_be_visible()
    expect(banner).to_have_text(
        "Tidak terhubung sejak 09.41. Angka terakhir tetap tampil.Offline since 09:41, showing the last numbers."
    )
    expect(page.locator(desk(page, 1))).to_have_text(str(called))
    expect(page.locator("#waiting")).to_have_text("1")

    again = door.call(2)
    page.unroute("**/v1/queue*")
    next_poll(page)

    expect(banner).to_be_hidden()
    expect(page.locator(desk(page, 2))).to_have_text(str(again))
    wait_for_sentences(page, 1)
    assert heard(page) == spoken(f"Nomor antrean {again}, silakan ke loket 2")


# --- sound on a browser that waits for a gesture --------------------------------------------------


def test_where_the_browser_holds_sound_back_a_button_turns_it_on(loket: Loket, tv: Watched) -> None:
    page = tv.page
    page.add_init_script(
        "window.AudioContext = class extends window.AudioContext {"
        " constructor() { super(); this.state = 'suspended'; }"
        " resume() { this.state = 'running'; return Promise.resolve(); } };"
    )
    open_display(page, loket)
    button = page.get_by_role("button", name="Nyalakan suara")
    expect(button).to_be_visible()

    button.press("Enter")

    expect(button).to_be_hidden()
