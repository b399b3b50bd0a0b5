"""`make run` creates the staff's user pool on its embedded moto server and prints the demo
accounts in its banner; each printed account signs in, with the role printed beside it."""

from __future__ import annotations

import re
from pathlib import Path

import requests

from tests.support.local_run import running_make_run

# Written out here, as the contract (and a newcomer reading the banner) has them.
ACCOUNTS = {
    "kepala": ("Kepala-Blitar-2026", "admin"),
    "petugas1": ("Petugas1-Blitar-2026", "staff"),
    "petugas2": ("Petugas2-Blitar-2026", "staff"),
    "operator1": ("Operator1-Blitar-2026", "operator"),
}


def test_make_run_prints_the_demo_accounts_and_each_signs_in_with_its_role(tmp_path: Path) -> None:
    with running_make_run(tmp_path) as run:
        printed = {
            m["username"]: (m["password"], m["group"])
            for m in re.finditer(
                r"^ +(?P<username>\S+) +(?P<password>\S+-2026) +(?P<group>\w+)$", run.output(), re.M
            )
        }
        assert printed == ACCOUNTS, run.output()
        for page in ("/kantor", "/layar"):  # where the banner sends a newcomer: served
            assert f"{run.loket_url}{page} " in run.output(), run.output()
            assert requests.get(run.loket_url + page, timeout=30).status_code == 200

        for username, (password, group) in printed.items():
            answer = requests.post(
                run.loket_url + "/v1/sessions", json={"username": username, "password": password}, timeout=30
            )
            assert answer.status_code == 200, (username, answer.text)
            session = answer.json()["session"]
            assert (session["username"], session["role"]) == (username, group)
            me = requests.get(
                run.loket_url + "/v1/admin/me",
                headers={"Authorization": f"Bearer {session['access_token']}"},
                timeout=30,
            )
            assert me.json() == {"username": username, "role": group}
