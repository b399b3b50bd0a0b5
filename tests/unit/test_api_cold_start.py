"""The API's cold start holds the texts a status lookup may answer, and not the WhatsApp replies
or the import reasons: those load with their own code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Phrases only those texts hold (module docstrings aside): the WhatsApp help's command, the
# reason a CSV's header is refused.
WHATSAPP_PHRASE = "*ANTRE <NIK>*"
IMPORT_PHRASE = "baris judul harus tepat"

PROBE = """
import json, sys

def holds(value, phrase, depth=0):
    if isinstance(value, str):
        return phrase in value
    if depth < 3 and isinstance(value, dict):
        return any(holds(v, phrase, depth + 1) for v in value.values())
    if depth < 3 and isinstance(value, (tuple, list)):
        return any(holds(v, phrase, depth + 1) for v in value)
    return False

def holders(phrase):
    return sorted(
        name
        for name, module in list(sys.modules.items())
        if name.split(".")[0] in ("app", "chalicelib")
        and any(holds(v, phrase) for k, v in vars(module).items() if not k.startswith("__"))
    )

import app
after_app = [holders(p) for p in sys.argv[1:]]
import chalicelib.whatsapp.replies, chalicelib.imports.reasons
after_both = [holders(p) for p in sys.argv[1:]]
print(json.dumps([after_app, after_both]))
"""


def test_loading_the_app_loads_neither_the_whatsapp_replies_nor_the_import_reasons() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, WHATSAPP_PHRASE, IMPORT_PHRASE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    after_app, after_both = json.loads(result.stdout.strip().splitlines()[-1])
    assert after_app == [[], []]
    assert all(after_both), after_both  # the phrases are found once their code is loaded
