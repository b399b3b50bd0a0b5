"""`make run` in one terminal, `make chat` in another, as a newcomer uses them: each a process
of its own (tests/support/local_run.py), the chat's lines typed on its standard input, the
replies it prints read from its standard output.

GIVEN `make run` with no WHATSAPP_GRAPH_URL, WHEN lines are typed into `make chat`, THEN each
goes to loket's webhook signed as Meta signs it, and loket's one reply to it, sent by the drain
thread to the built-in stand-in Graph API, is printed after it; the page's session is verified
by pasting its text.
"""

from __future__ import annotations

import re
from pathlib import Path

import jwt
import requests

from tests.support.local_run import make_chat, running_make_run
from tests.support.whatsapp import NIK_READY

PHONE = "6285700000042"  # in no banner or demo data, so found in a log only if leaked
VERIFIED = "sudah terverifikasi"


def _exchanges(printed: str) -> list[tuple[str, str]]:
    """(line typed, what loket printed after it) in order, from the chat's output."""
    blocks = re.split(r"^you> ", printed, flags=re.MULTILINE)[1:]
    return [(block.split("\n", 1)[0], block.split("\n", 1)[1] if "\n" in block else "") for block in blocks]


def test_a_newcomer_reads_status_and_quota_and_verifies_the_page_s_session_from_make_chat(
    tmp_path: Path,
) -> None:
    with running_make_run(tmp_path) as run:
        started = requests.post(run.loket_url + "/v1/verifications", json={}, timeout=30)
        assert started.status_code == 201, started.text
        verification = started.json()["verification"]
        assert re.fullmatch(r"VERIFIKASI [0-9A-Z]+", verification["text"])

        chat = make_chat(run.state_file, [f"STATUS {NIK_READY}", "KUOTA", verification["text"]], phone=PHONE)

        assert chat.returncode == 0, chat.stderr
        assert "*********0042" in chat.stdout
        [(typed_1, status), (typed_2, quota), (typed_3, verified)] = _exchanges(chat.stdout)
        assert (typed_1, typed_2, typed_3) == (f"STATUS {NIK_READY}", "KUOTA", verification["text"])
        assert status.startswith("loket> ") and "Siap diambil" in status
        assert quota.startswith("loket> ") and "Sisa *400* dari 400 nomor" in quota
        assert verified.startswith("loket> ") and VERIFIED in verified
        assert "no reply yet" not in chat.stdout

        answer = requests.get(f"{run.loket_url}/v1/verifications/{verification['id']}", timeout=30)
        assert answer.status_code == 200
        assert (answer.json()["state"], answer.json()["phone"]) == ("verified", "*********0042")
        token = answer.json()["token"]
        assert jwt.decode(token, options={"verify_signature": False})["role"] == "resident"
        audit = requests.get(
            run.loket_url + "/v1/admin/audit", headers={"Authorization": f"Bearer {token}"}, timeout=30
        )
        assert audit.json()["error"]["code"] == "forbidden"  # the token is taken: 403, not 401

        # Exactly one reply per line reached the stand-in, all of them to this phone.
        kept = requests.post(
            run.graph_url.rsplit("/", 1)[0] + "/_loket/replies", json={"to": PHONE, "after": 0}, timeout=30
        ).json()
        assert [reply["number"] for reply in kept["replies"]] == [1, 2, 3]

        assert run.stop() == 0
        assert not run.state_file.exists()
        assert PHONE not in run.output()
        assert f"WhatsApp replies go to a stand-in Graph API at {run.graph_url}" in run.output()


def test_a_line_loket_does_not_answer_prints_a_note_and_the_chat_goes_on(tmp_path: Path) -> None:
    # One message a minute: the second is told to wait, the third gets no reply at all.
    with running_make_run(tmp_path, LOKET_RATE_LIMIT_PER_MINUTE="1") as run:
        chat = make_chat(
            run.state_file, ["KUOTA", "KUOTA", "KUOTA", "halo"], phone=PHONE, LOKET_CHAT_WAIT_SECONDS="3"
        )

    assert chat.returncode == 0, chat.stderr
    [first, second, third, fourth] = _exchanges(chat.stdout)
    assert "Sisa *400*" in first[1]
    assert second[1].startswith("loket> ") and "Sisa" not in second[1]
    assert third[1] == "(no reply yet after 3 s: a late one shows before your next line)\n"
    assert fourth[0] == "halo" and "no reply yet" in fourth[1]


def test_make_chat_with_no_make_run_says_so_at_once(tmp_path: Path) -> None:
    chat = make_chat(tmp_path / "loket-local.json", ["KUOTA"], timeout=30)

    assert chat.returncode == 1
    assert chat.stdout == ""
    assert chat.stderr.startswith("make run is not running (no loket-local.json at ")
    assert "Start it in another terminal with `make run`" in chat.stderr
