"""Where a running `make run` is, for `make chat` and `make import`: a small JSON file (`.loket-local.json` in the
repository's root, or the path in LOKET_LOCAL_STATE), written once the servers listen and
removed when `make run` stops. It holds URLs on 127.0.0.1 and a process id, never a secret."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PATH = ROOT / ".loket-local.json"


@dataclass(frozen=True)
class LocalRun:
    loket_url: str  # e.g. http://127.0.0.1:8000
    graph_url: str | None  # the stand-in Graph API's base URL; None: replies go to WHATSAPP_GRAPH_URL
    pid: int
    dynamodb_url: str  # the DynamoDB it serves over (the embedded one on 127.0.0.1, or the configured one)
    table_prefix: str


def state_path() -> Path:
    return Path(os.environ.get("LOKET_LOCAL_STATE", "").strip() or DEFAULT_PATH)


def write(run: LocalRun) -> Path:
    path = state_path()
    scratch = path.with_name(f"{path.name}.{run.pid}.tmp")
    scratch.write_text(json.dumps(asdict(run), indent=2) + "\n")
    scratch.replace(path)
    return path


def read() -> LocalRun | None:
    """The run the file describes; None when there is none (or the file is not one of ours)."""
    try:
        loaded = json.loads(state_path().read_text())
        run = LocalRun(
            str(loaded["loket_url"]),
            loaded["graph_url"],
            int(loaded["pid"]),
            str(loaded["dynamodb_url"]),
            str(loaded["table_prefix"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return run if run.graph_url is None or isinstance(run.graph_url, str) else None


def remove(pid: int) -> None:
    """Remove the file if it still names process `pid` (a later `make run` may have replaced it)."""
    run = read()
    if run is not None and run.pid == pid:
        state_path().unlink(missing_ok=True)
