"""The captured webhook payloads: text messages are found, everything else is ignored."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.whatsapp.payloads import inbound
from tests.support.whatsapp import PHONE_NUMBER_ID, WA_ID, fixture_bytes, fixture_json


def test_a_text_message_is_found_with_who_sent_it_and_to_which_number() -> None:
    found = inbound(fixture_json("text.json"))
    assert found.ignored == 0
    [text] = found.texts
    assert text.text == "STATUS 3505124509909001"
    assert text.wa_id == WA_ID
    assert text.phone_number_id == PHONE_NUMBER_ID
    assert text.message_id.startswith("wamid.")


def test_a_text_with_emoji_keeps_them_decoded() -> None:
    [text] = inbound(json.loads(fixture_bytes("text_emoji.json"))).texts
    assert "🙏" in text.text
    assert "😊" in text.text


@pytest.mark.parametrize("name", ["status_receipt.json", "image.json", "reaction.json"])
def test_receipts_media_and_reactions_are_ignored(name: str) -> None:
    found = inbound(fixture_json(name))
    assert found.texts == []
    assert found.ignored == 1


@pytest.mark.parametrize(
    "payload",
    [None, [], "text", {}, {"object": "page"}, {"object": "whatsapp_business_account", "entry": "x"}],
)
def test_shapes_it_does_not_know_are_ignored_without_error(payload: Any) -> None:
    assert inbound(payload).texts == []


def test_a_text_missing_its_sender_or_id_is_ignored() -> None:
    payload = fixture_json("text.json")
    del payload["entry"][0]["changes"][0]["value"]["messages"][0]["from"]
    found = inbound(payload)
    assert found.texts == []
    assert found.ignored == 1


def test_the_repr_of_a_message_shows_neither_the_sender_nor_the_text() -> None:
    [text] = inbound(fixture_json("text.json")).texts
    assert WA_ID not in repr(text)
    assert "3505124509909001" not in repr(text)


@pytest.mark.parametrize(
    ("timestamp", "sent_at"),
    [
        ("1764468000", datetime(2025, 11, 30, 2, 0, tzinfo=UTC)),  # as Meta sends it: a string
        (1764468000, datetime(2025, 11, 30, 2, 0, tzinfo=UTC)),
        ("0", datetime(1970, 1, 1, tzinfo=UTC)),
        ("9" * 5000, None),  # no int() of it: Python refuses more than 4,300 digits
        ("99999999999", datetime(5138, 11, 16, 9, 46, 39, tzinfo=UTC)),
        ("999999999999", None),  # past what a datetime holds
        (10**12, None),
        ("-1", None),
        ("1.7e9", None),
        ("١٧٦٤٤٦٨٠٠٠", None),  # Arabic-Indic digits: isdigit() says yes, Meta never sends them
        ("", None),
        (True, None),
        (None, None),
    ],
)
def test_a_message_s_date_is_read_from_its_timestamp_or_left_unknown(timestamp: Any, sent_at: Any) -> None:
    payload = fixture_json("text.json")
    message = payload["entry"][0]["changes"][0]["value"]["messages"][0]
    message["timestamp"] = timestamp
    [text] = inbound(payload).texts
    assert text.sent_at == sent_at
