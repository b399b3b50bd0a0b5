"""`make run` and `make chat` as a newcomer runs them: `python -m local serve` and
`python -m local chat` as processes of their own, on 127.0.0.1, the server on a free port,
its state file in a directory of the test's own (LOKET_LOCAL_STATE), so a developer's
running `make run` is neither seen nor disturbed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.servers import ROOT

_STARTUP_SECONDS = 90.0  # embedded moto, the app's import, the demo data, on a shared 2-core machine


def local_env(state_file: Path, **overrides: str) -> dict[str, str]:
    """The environment of a fresh terminal: none of the test run's loket, WhatsApp or
    DynamoDB settings (so `make run`'s defaults apply), the state file where the test says."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("LOKET_", "WHATSAPP_", "AWS_ENDPOINT_URL"))
    }
    env["LOKET_LOCAL_STATE"] = str(state_file)
    env.update(overrides)
    return env


@dataclass
class MakeRun:
    process: subprocess.Popen[bytes]
    log: Path
    state_file: Path
    loket_url: str
    graph_url: str

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> int:
        """Ctrl-C, as in its terminal; its exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError("make run did not stop within 30 s of Ctrl-C") from None


@contextmanager
def running_make_run(scratch: Path, **env: str) -> Iterator[MakeRun]:
    """`python -m local serve` on free ports until its state file names it, stopped after."""
    state_file = scratch / "loket-local.json"
    log = scratch / "make-run.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            # Free ports for both, so a developer's own `make run` (8000, 8001) is never in the way.
            [sys.executable, "-m", "local", "serve", "--port", "0", "--dynamodb-port", "0"],
            stdout=sink,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env=local_env(state_file, **env),
        )
    run: MakeRun | None = None
    try:
        deadline = time.monotonic() + _STARTUP_SECONDS
        while run is None:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    f"make run did not start: {log.read_text(errors='replace')[-3000:]}", pytrace=False
                )
            written = _read_json(state_file)
            if written is not None:
                run = MakeRun(process, log, state_file, written["loket_url"], written["graph_url"])
            else:
                time.sleep(0.05)
        yield run
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        loaded: dict[str, Any] = json.loads(path.read_text())
    except (OSError, ValueError):
        return None  # not written yet (it is replaced whole, never seen half-written)
    return loaded


def make_chat(
    state_file: Path, lines: list[str], phone: str | None = None, timeout: float = 120, **env: str
) -> subprocess.CompletedProcess[str]:
    """`python -m local chat [--phone PHONE]` with `lines` typed into it, then end of input."""
    command = [sys.executable, "-m", "local", "chat", *(["--phone", phone] if phone else [])]
    return subprocess.run(
        command,
        input="".join(line + "\n" for line in lines),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=local_env(state_file, **env),
        timeout=timeout,
        check=False,
    )
