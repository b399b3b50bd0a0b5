"""The import code must not slow a status lookup: loading the app loads none of it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_loading_the_app_loads_neither_the_import_package_nor_boto3() -> None:
    probe = (
        "import json, sys, app; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('boto3', 'chalicelib'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    lazy = ("boto3", "chalicelib.imports", "chalicelib.events")
    assert not [m for m in loaded if m.startswith(lazy)]
    assert "chalicelib.http.handlers" in loaded  # the probe did load the app
