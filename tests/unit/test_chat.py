"""`make chat` before it sends anything: it refuses a phone that is not one, and says at once
that `make run` is not running, whether no state file is there or the one there is stale."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from local import chat


def _exit_message(phone: str = chat.DEFAULT_PHONE) -> str:
    with pytest.raises(SystemExit) as exited:
        chat.main(phone)
    return str(exited.value.code)


@pytest.fixture
def state_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "loket-local.json"
    monkeypatch.setenv("LOKET_LOCAL_STATE", str(path))
    return path


def test_with_no_state_file_make_chat_says_make_run_is_not_running_and_how_to_start_it(
    state_file: Path,
) -> None:
    message = _exit_message()

    assert message.startswith(f"make run is not running (no loket-local.json at {state_file.parent})")
    assert "Start it in another terminal with `make run`" in message


def test_with_a_state_file_left_by_a_make_run_that_ended_make_chat_says_nothing_answers(
    state_file: Path,
) -> None:
    with socket.socket() as bound:  # bound, never listening: connections to it are refused
        bound.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{bound.getsockname()[1]}"
        state_file.write_text(
            json.dumps(
                {
                    "loket_url": url,
                    "graph_url": url + "/v23.0",
                    "pid": 1,
                    "dynamodb_url": url,
                    "table_prefix": "loket",
                }
            )
        )

        message = _exit_message()

    assert message.startswith(f"make run is not running (nothing answers at {url})")


@pytest.mark.parametrize(
    "phone", ["085700000001", "+6285700000001", "6285", "1234567890123456", "62857ab00001"]
)
def test_make_chat_refuses_a_phone_that_is_not_8_to_15_digits_in_international_form(
    state_file: Path, phone: str
) -> None:
    assert _exit_message(phone).startswith("PHONE: a phone is 8 to 15 digits in international form")
