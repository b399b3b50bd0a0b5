"""cold-import: `import app` in a fresh interpreter over `import boto3` in a fresh interpreter,
interleaved, median of 15 each (after one warm-up each, so both read from the page cache).

Both read compiled bytecode, as in Lambda (the zip ships it, see infra/package.py): the
project's own modules are compiled first, since PYTHONDONTWRITEBYTECODE (set here, and in
the runs below) would otherwise make every run compile them from source."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from bench.common import OFFLINE_ENV, median, report

ROOT = Path(__file__).resolve().parents[1]
RUNS = 15


def fresh_import(module: str) -> float:
    env = {**os.environ, **OFFLINE_ENV, "PYTHONDONTWRITEBYTECODE": "1"}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", f"import {module}"], cwd=ROOT, env=env, check=True)
    return time.perf_counter() - started


def main() -> float:
    subprocess.run([sys.executable, "-m", "compileall", "-q", "app.py", "chalicelib"], cwd=ROOT, check=True)
    fresh_import("app")
    fresh_import("boto3")
    app_s, boto3_s = [], []
    for _ in range(RUNS):
        app_s.append(fresh_import("app"))
        boto3_s.append(fresh_import("boto3"))
    ratio = median(app_s) / median(boto3_s)
    report(
        "cold-import",
        f"{ratio:.2f}x (median `import app` {median(app_s) * 1000:.0f} ms vs `import boto3` {median(boto3_s) * 1000:.0f} ms,"
        f" fresh interpreters, {RUNS} each, interleaved)",
        "<= 1.2",
    )
    return ratio


if __name__ == "__main__":
    main()
