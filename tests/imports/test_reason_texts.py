"""The import reasons name the enums and the clock-skew rule as the code has them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from chalicelib.core.applications import MAX_CLOCK_SKEW, Service, Stage
from chalicelib.imports.reasons import Reason, describe

ROOT = Path(__file__).resolve().parents[2]


def test_every_reason_is_told_in_indonesian_and_in_english() -> None:
    for reason in Reason:
        code, texts = describe([reason], line=3, limit_mb=50).split(": ", 1)
        indonesian, english = texts.split(" / ")
        assert code == reason.value
        assert indonesian.strip() and english.strip() and indonesian != english, reason
        assert ";" not in texts, reason


def test_the_service_and_stage_reasons_list_every_value_in_order() -> None:
    services = ", ".join(s.value for s in Service)
    stages = ", ".join(s.value for s in Stage)
    assert f"salah satu dari {services} / service must be one of {services}" in describe(
        [Reason.UNKNOWN_SERVICE]
    )
    assert f"({stages}) / unknown stage ({stages})" in describe([Reason.UNKNOWN_STAGE])


def test_the_future_reason_says_the_clock_skew_the_rule_allows() -> None:
    minutes = int(MAX_CLOCK_SKEW.total_seconds()) // 60
    assert f"lebih dari {minutes} menit" in describe([Reason.UPDATED_AT_IN_FUTURE])
    # Another allowance, set before the reasons are read: the text must follow it.
    probe = (
        "from datetime import timedelta; import chalicelib.core.applications as a; "
        "a.MAX_CLOCK_SKEW = timedelta(minutes=12); "
        "from chalicelib.imports.reasons import Reason, describe; "
        "print(describe([Reason.UPDATED_AT_IN_FUTURE]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    told = result.stdout.strip()
    assert "lebih dari 12 menit" in told and "more than 12 minutes" in told
