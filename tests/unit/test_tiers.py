"""Markers by directory (tests/support/tiers.py): every tier has its markers, pytest knows each
one (`--strict-markers`), and `-m "not slow"` leaves exactly the edit-run loop."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path, PurePosixPath

from tests.support.tiers import MARKERS, markers_for

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent


def _test_modules() -> list[PurePosixPath]:
    return [PurePosixPath(p.relative_to(TESTS).as_posix()) for p in sorted(TESTS.rglob("test_*.py"))]


def test_every_test_module_lives_in_a_tier_with_markers() -> None:
    assert {m.parts[0] for m in _test_modules()} == {name for name in MARKERS if "/" not in name}
    for module in _test_modules():
        markers_for(module)


def test_a_module_given_markers_of_its_own_exists() -> None:
    assert [name for name in MARKERS if "/" in name and not (TESTS / name).is_file()] == []


def test_every_marker_a_tier_gives_is_registered_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    registered = {line.split(":", 1)[0] for line in config["markers"]}
    assert {marker for markers in MARKERS.values() for marker in markers} == registered


def test_only_the_unit_and_route_tiers_are_outside_slow() -> None:
    fast = {m.parts[0] for m in _test_modules() if "slow" not in markers_for(m)}
    assert fast == {"unit", "routes"}


def test_not_slow_deselects_a_slow_tier_and_keeps_a_fast_one() -> None:
    collected = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-m",
            "not slow",
            "tests/unit/test_nik.py",
            "tests/whatsapp/test_signature.py",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    ids = [line for line in collected.stdout.splitlines() if "::" in line]
    assert ids, collected.stdout + collected.stderr
    assert all(line.startswith("tests/unit/test_nik.py::") for line in ids), ids
    assert "deselected" in collected.stdout
