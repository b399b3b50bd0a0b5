"""requirements.lock (what `make install` installs) agrees with requirements*.txt (what people
edit): a pin changed without `make lock` would otherwise be silently ignored."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()  # PEP 503


def _pins(path: Path) -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in path.read_text().splitlines():
        found = _PIN.match(line.strip())
        if found:
            pins[_normalized(found.group(1))] = found.group(2)
    return pins


def _lock() -> dict[str, list[str]]:
    """Each locked package's `name==version` with the hashes listed under it."""
    entries: dict[str, list[str]] = {}
    current = ""
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        found = _PIN.match(line)
        if found:
            current = f"{_normalized(found.group(1))}=={found.group(2)}"
            entries[current] = []
        elif line.strip().startswith("--hash=sha256:") and current:
            entries[current].append(line.strip())
    return entries


def test_every_pin_of_the_requirements_files_is_locked_at_the_same_version() -> None:
    locked = set(_lock())
    for name in ("requirements.txt", "requirements-dev.txt"):
        pins = _pins(ROOT / name)
        assert pins, f"{name} pins nothing"
        missing = sorted(f"{n}=={v}" for n, v in pins.items() if f"{n}=={v}" not in locked)
        assert missing == [], f"{name} pins {missing}, which requirements.lock does not: run make lock"


def test_every_locked_package_carries_a_hash() -> None:
    entries = _lock()
    assert len(entries) > 50  # the whole tree, not just the direct pins
    assert [entry for entry, hashes in entries.items() if not hashes] == []
