"""`make import FILE=...` as a newcomer runs it: `python -m local serve` (make run) on 127.0.0.1
and free ports, then `python -m local import` (make import) finding its embedded DynamoDB
through the state file, with a pipe (plain progress lines) and a terminal (a progress bar)."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.support.local_run import local_env, running_make_run

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "local" / "sample-export.csv"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[dict[str, str], str]]:
    """`make run`'s server, the environment of a terminal beside it, and its URL."""
    with running_make_run(tmp_path) as run:
        yield local_env(run.state_file), run.loket_url
    assert not run.state_file.exists()  # make run removes its state file when it stops


def _status(api: str, nik: str) -> dict[str, str]:
    response = requests.post(f"{api}/v1/status", json={"nik": nik}, timeout=30)
    assert response.status_code == 200, response.text
    return {a["service"]: a["stage"] for a in response.json()["applications"]}


def _import(env: dict[str, str], file: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "local", "import", str(file)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_sample_export_moves_the_demo_stages_and_its_bad_rows_land_beside_it(
    served: tuple[dict[str, str], str], tmp_path: Path
) -> None:
    env, api = served
    export = tmp_path / "sample-export.csv"
    export.write_bytes(SAMPLE.read_bytes())
    assert _status(api, "3505124509909001") == {"ektp": "ready"}  # the demo seed

    done = _import(env, export)

    assert done.returncode == 1, done.stdout + done.stderr  # rows were rejected: a script can tell
    lines = done.stdout.splitlines()
    assert "\r" not in done.stdout
    assert any(line.startswith("progress: 36 / ~36 rows, ") and line.endswith(" left") for line in lines)
    assert "read 36, applied 34, unchanged 0, rejected 2" in done.stdout
    assert "  invalid_nik: 1" in lines and "  unknown_stage: 1" in lines
    rejected = tmp_path / "sample-export.rejected.csv"
    assert f"rejected rows (same columns plus reason): {rejected}" in lines
    rows = rejected.read_text(encoding="utf-8-sig").splitlines()
    assert rows[0] == "nik,service,stage,updated_at,reason"
    assert [row.split(",")[:3] for row in rows[1:]] == [
        ["3505121708859002", "kk", "siap"],
        ["350512170885", "ektp", "ready"],
    ]
    assert _status(api, "3505124509909001") == {"ektp": "collected"}
    assert _status(api, "3505121708859002") == {"kk": "printing", "akta_lahir": "ready"}

    again = _import(env, export)  # the same file again: nothing more changes
    assert "read 36, applied 0, unchanged 34, rejected 2" in again.stdout


def test_on_a_terminal_a_progress_bar_and_a_clean_file_exits_zero(
    served: tuple[dict[str, str], str], tmp_path: Path
) -> None:
    env, api = served
    clean = tmp_path / "clean.csv"
    clean.write_text(
        "nik,service,stage,updated_at\n3505120101009003,ektp,printing,2026-11-27T10:00:00+07:00\n"
    )
    main, terminal = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "local", "import", str(clean)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=terminal,
            stderr=terminal,
            timeout=120,
            check=False,
        )
        os.close(terminal)
        output = b""
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the terminal's other end closed: all read
                break
            if not chunk:
                break
            output += chunk
    finally:
        os.close(main)
    text = output.decode()

    assert done.returncode == 0, text
    assert "\r[##############################] 1 / ~1 rows, " in text and " left" in text
    assert "read 1, applied 1, unchanged 0, rejected 0" in text
    assert "rejected rows" not in text and not (tmp_path / "clean.rejected.csv").exists()
    assert _status(api, "3505120101009003") == {"ektp": "printing"}


def test_without_a_running_make_run_it_says_what_to_do_and_exits_2(tmp_path: Path) -> None:
    env = {**os.environ, "LOKET_LOCAL_STATE": str(tmp_path / "none.json")}
    env.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
    done = _import(env, SAMPLE)
    assert done.returncode == 2
    assert "start `make run` first" in done.stdout
