from __future__ import annotations

import pytest

from chalicelib.core.applications import Service, Stage
from chalicelib.core.messages import NEXT_STEPS, SERVICE_NAMES, STAGE_LABELS
from chalicelib.http.errors import MESSAGES as ERRORS
from chalicelib.http.errors import STATUS_OF
from chalicelib.http.language import language_of


def test_every_stage_and_service_has_indonesian_and_english_text() -> None:
    for table, keys in ((STAGE_LABELS, Stage), (NEXT_STEPS, Stage), (SERVICE_NAMES, Service)):
        for key in keys:
            assert table[key]["id"].strip() and table[key]["en"].strip()  # type: ignore[index]
            assert table[key]["id"] != table[key]["en"]  # type: ignore[index]


def test_every_error_code_with_a_status_has_a_message_in_both_languages() -> None:
    assert set(STATUS_OF) <= set(ERRORS)
    for code in STATUS_OF:
        assert ERRORS[code]["id"] and ERRORS[code]["en"]


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "id"),
        ("", "id"),
        ("en", "en"),
        ("en-US,en;q=0.9", "en"),
        ("id-ID,en;q=0.8", "id"),
        ("fr", "id"),
    ],
)
def test_english_only_when_the_client_asks_for_it_first(header: str | None, language: str) -> None:
    assert language_of(header) == language
