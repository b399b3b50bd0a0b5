"""UU PDP 27/2022: no NIK in clear text in a log line, a response or a stored attribute."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from chalicelib.store.models import MODELS
from tests.support.api_client import Api, Clock
from tests.support.residents import nik

pytestmark = pytest.mark.usefixtures("no_ticket_proof")  # the counter's rules, without phones

NIKS = [nik(s) for s in (9001, 9002, 9003)] + ["3505125708859004"]


class _Everything(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def every_log_line() -> Iterator[list[str]]:
    """Every record from every logger, botocore's and PynamoDB's wire-level DEBUG included."""
    handler = _Everything()
    root, loket = logging.getLogger(), logging.getLogger("loket")
    saved = root.level
    root.setLevel(logging.DEBUG)
    root.addHandler(handler)
    loket.addHandler(handler)
    yield handler.lines
    root.removeHandler(handler)
    loket.removeHandler(handler)
    root.setLevel(saved)


def _scenario(api: Api, admin_token: str, staff_token: str) -> list[str]:
    """A full day at the office; returns every response body."""
    answers = []
    for digits in NIKS:
        stage = {
            "nik": digits,
            "service": "ektp",
            "stage": "ready",
            "updated_at": "2026-11-25T08:00:00+07:00",
        }
        answers += [
            api.post("/v1/admin/applications", stage, token=staff_token),
            api.post("/v1/status", {"nik": digits}),
            api.post("/v1/tickets", {"nik": digits}),
            api.post("/v1/tickets", {"nik": digits}),
            api.post("/v1/status", {"nik": digits, "extra": True}),
            api.post("/v1/tickets", {"nik": digits, "site": "kab-malang"}),
            api.post("/v1/status", raw=('{"nik": "' + digits + '"').encode()),
        ]
    answers.append(api.post("/v1/status", {"nik": "3505121708850000"}))
    api.put("/v1/admin/quota/2026-11-25", {"quota": 2}, token=admin_token)
    answers.append(api.post("/v1/tickets", {"nik": nik(5)}))
    answers.append(api.get("/v1/admin/audit", token=admin_token))
    return [json.dumps(answer.body) for answer in answers]


def test_no_log_line_and_no_response_holds_a_whole_nik(
    api: Api,
    clock: Clock,
    admin_token: str,
    staff_token: str,
    every_log_line: list[str],
    capfd: pytest.CaptureFixture[str],
) -> None:
    bodies = _scenario(api, admin_token, staff_token)
    printed = capfd.readouterr()
    assert len(every_log_line) > 50, "the capture must actually see the wire-level logs"
    everything = "\n".join([*every_log_line, *bodies, printed.out, printed.err])
    for digits in [*NIKS, "3505121708850000"]:
        assert digits not in everything
    assert "************9001" in everything


def test_no_stored_attribute_holds_a_whole_nik(
    api: Api, clock: Clock, admin_token: str, staff_token: str
) -> None:
    _scenario(api, admin_token, staff_token)
    stored = []
    for model in MODELS.values():
        for item in model.scan():
            stored.append(json.dumps(item.serialize()))
    dump = "\n".join(stored)
    assert "ready" in dump and "holders" in dump  # the scan saw the data
    for digits in NIKS:
        assert digits not in dump
