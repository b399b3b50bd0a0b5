"""Every keyed hash loket stores is made under a key of its own kind (NIK, client address,
wa_id), derived from LOKET_NIK_HMAC_KEY, so no table of one kind joins with another."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from chalicelib import runtime, settings
from chalicelib.store.models import ApplicationRecord, DayCounterRecord, RateWindowRecord
from chalicelib.whatsapp.inbox import answer
from chalicelib.whatsapp.payloads import InboundText
from tests.support.api_client import Clock, GatewayApi, mint

ROOT_KEY = b"root-key-of-every-keyed-hash-0123456789"
# A valid NIK, sent here also as a client's address and as a wa_id.
SAME = "3505121708850001"


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def _key_for(label: str) -> bytes:
    """The derivation as docs/DESIGN.md states it, written out independently of the code."""
    return _hmac(ROOT_KEY, f"loket-hash-key:{label}")


@pytest.fixture
def gateway(moto_store: object, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> GatewayApi:
    monkeypatch.setenv("LOKET_NIK_HMAC_KEY", ROOT_KEY.decode())
    monkeypatch.setenv("LOKET_RATE_LIMIT_PER_MINUTE", "30")
    settings.reset()
    return GatewayApi(client_ip=SAME)


def _client_hash_of(route: str) -> str:
    [window] = [r.window_key for r in RateWindowRecord.scan() if r.window_key.startswith(f"{route}#")]
    return window.split("#")[1]


def test_a_nik_an_address_and_a_wa_id_of_the_same_text_hash_under_three_keys(
    gateway: GatewayApi, clock: Clock, no_ticket_proof: None
) -> None:
    stage = {"nik": SAME, "service": "kk", "stage": "received", "updated_at": "2026-11-25T08:00:00+07:00"}
    assert gateway.call("POST", "/v1/admin/applications", stage, token=mint("staff")).status == 200
    assert gateway.post("/v1/status", {"nik": SAME}).status == 200
    assert gateway.post("/v1/tickets", {"nik": SAME}).status == 201
    text = InboundText(message_id="wamid.keys", wa_id=SAME, phone_number_id="office", text=f"STATUS {SAME}")
    assert answer(runtime.store(), text, clock()) is not None

    [application] = list(ApplicationRecord.scan())
    [counter] = list(DayCounterRecord.scan())
    nik_hash, address_hash, wa_id_hash = (
        application.nik_key,
        _client_hash_of("status"),
        _client_hash_of("whatsapp"),
    )

    assert nik_hash == _hmac(_key_for("nik"), SAME).hex()
    assert list(counter.holders.as_dict()) == [
        base64.urlsafe_b64encode(_hmac(_key_for("nik"), SAME)[:9]).decode()
    ]
    assert address_hash == _hmac(_key_for("client-address"), SAME).hex()[:32]
    assert wa_id_hash == _hmac(_key_for("wa-id"), SAME).hex()[:32]
    assert len({nik_hash[:32], address_hash, wa_id_hash, _hmac(ROOT_KEY, SAME).hex()[:32]}) == 4
