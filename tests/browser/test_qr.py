"""The ticket's QR code, drawn by the page's own encoder, read back by zbar."""

from __future__ import annotations

import json
import random
from pathlib import Path

from playwright.sync_api import Route, expect

from tests.support.booking import CODE, decode_qr
from tests.support.browser import Loket, Watched

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
# Fixed ends of the alphabet, then random codes (seeded: a failure names the code it failed on).
CODES = ["AAAAAAAA", "99999999", "ZZZZZZZZ", "A2A2A2A2"] + [
    "".join(random.Random(seed).choices(ALPHABET, k=8)) for seed in range(28)
]


def _ticket(code: str) -> dict[str, object]:
    return {
        "ticket": {
            "site": "kab-blitar",
            "site_info": {"name": "Dispendukcapil", "address": "Kanigoro", "hours": "08.00-15.00"},
            "service_day": "2026-12-04",
            "number": 7,
            "nik": "************9001",
            "state": "booked",
            "code": code,
        },
        "ahead": 0,
    }


def test_the_qr_code_of_a_ticket_decodes_to_the_code_shown_beside_it(
    loket: Loket, watched: Watched, tmp_path: Path
) -> None:
    page = watched.page

    def answer(route: Route) -> None:
        code = route.request.url.rsplit("/", 1)[1]
        route.fulfill(status=200, content_type="application/json", body=json.dumps(_ticket(code)))

    page.route("**/v1/tickets/*", answer)
    page.goto(loket.url + "/")
    decoded: dict[str, str] = {}
    for code in CODES:
        assert CODE.match(code)
        page.get_by_label("Kode nomor antrean").fill(code.lower())
        page.get_by_role("button", name="Lihat nomor antrean").click()
        expect(page.locator("#ticket-code")).to_have_text(code)
        qr = page.get_by_role("img", name=f"Kode QR berisi kode {code}")
        shot = tmp_path / f"{code}.png"
        qr.screenshot(path=str(shot))
        decoded[code] = decode_qr(shot)

    assert decoded == {code: code for code in CODES}
