"""What the browser tier's booking tests share: a phone verified through a signed webhook as
Meta sends it, a resident token worked out from the contract, the admin's quota, the QR decoder."""

from __future__ import annotations

import hashlib
import hmac
import re
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Page, expect

from chalicelib.http.auth import Role
from tests.support.browser import Loket
from tests.support.whatsapp import signed, text_webhook

WEBHOOK = "/v1/whatsapp/webhook"
PHONE_NUMBER = "6285700000001"
OTHER_PHONE = "6285700000002"
CODE = re.compile(r"^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}$")
INDONESIAN_MONTHS = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
]  # fmt: skip
INDONESIAN_DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]


def days_ahead(loket: Loket, days: int) -> str:
    return (date.fromisoformat(loket.today) + timedelta(days=days)).isoformat()


def in_indonesian(day: str) -> str:
    """`2026-12-04` as the page writes it: `Jumat, 4 Desember 2026`."""
    d = date.fromisoformat(day)
    return f"{INDONESIAN_DAYS[d.weekday()]}, {d.day} {INDONESIAN_MONTHS[d.month - 1]} {d.year}"


def in_english(day: str) -> str:
    """`2026-12-04` as the page writes it in English: `Friday, 4 December 2026`."""
    d = date.fromisoformat(day)
    return f"{d:%A}, {d.day} {d:%B} {d.year}"


def send_from_whatsapp(loket: Loket, text: str, wa_id: str = PHONE_NUMBER) -> None:
    """Meta delivers `text` from `wa_id` to the webhook, signed with the app secret."""
    body = text_webhook(text, wa_id=wa_id)
    answer = requests.post(loket.url + WEBHOOK, data=body, headers=signed(body), timeout=10)
    assert answer.status_code == 200, answer.text


def verify_shown_text(page: Page, loket: Loket, wa_id: str = PHONE_NUMBER) -> str:
    """Sends the verification text the page shows, from `wa_id`, as a resident would; the text."""
    shown = page.locator("#verify-text")
    expect(shown).to_have_text(re.compile(r"^VERIFIKASI \S+$"))
    text = shown.inner_text()
    send_from_whatsapp(loket, text, wa_id)
    return text


def phone_subject(phone: str) -> str:
    """The keyed hash a resident token names, worked out from the purpose's definition."""
    from chalicelib.settings import secret

    purpose_key = hmac.new(secret("LOKET_NIK_HMAC_KEY"), b"loket-hash-key:phone", hashlib.sha256).digest()
    return hmac.new(purpose_key, phone.encode(), hashlib.sha256).hexdigest()


def bearer(role: Role, subject: str) -> dict[str, str]:
    from chalicelib.http.auth import mint
    from chalicelib.settings import secret, settings

    config = settings()
    token = mint(role, subject, secret("LOKET_JWT_SECRET"), config.jwt_issuer, config.jwt_audience)
    return {"Authorization": f"Bearer {token}"}


def take_elsewhere(loket: Loket, nik: str, day: str, phone: str = OTHER_PHONE) -> dict[str, Any]:
    """Another resident takes a ticket over the API (as from another phone's browser)."""
    answer = requests.post(
        f"{loket.url}/v1/tickets",
        json={"nik": nik, "service_day": day},
        headers=bearer("resident", phone_subject(phone)),
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    ticket: dict[str, Any] = answer.json()["ticket"]
    return ticket


def set_quota(loket: Loket, day: str, quota: int) -> None:
    answer = requests.put(
        f"{loket.url}/v1/admin/quota/{day}",
        json={"quota": quota},
        headers=bearer("admin", "browser-test"),
        timeout=10,
    )
    assert answer.status_code == 200, answer.text


ZBARIMG = shutil.which("zbarimg")


def decode_qr(png: Path) -> str:
    """The text of the one QR code in `png`, read by zbar (an independent decoder)."""
    if ZBARIMG is None:
        pytest.fail(
            "zbarimg is missing: `apt-get install -y zbar-tools`. The QR test does not skip.",
            pytrace=False,
        )
    read = subprocess.run(
        [ZBARIMG, "--raw", "-q", "-Sdisable", "-Sqrcode.enable", str(png)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert read.returncode == 0, f"zbar found no QR code in {png} (exit {read.returncode}: {read.stderr})"
    return read.stdout.rstrip("\n")
