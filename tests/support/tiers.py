"""Which markers a test gets from where it lives (tests/conftest.py applies them at collection).

`make check` runs what is not `slow`: the edit-run loop. `make test` runs what is `long` (a
few modules of minutes each, bound to one core by the GIL of the emulator they drive) in a
second process beside the rest. The other markers name a kind of tier, so
`pytest -m "not browser"` or `pytest -m load` select across directories.
"""

from __future__ import annotations

from pathlib import PurePosixPath

# Tier directory (or one module) under tests/ -> its markers; a module's entry adds to its tier's.
MARKERS: dict[str, tuple[str, ...]] = {
    "unit": (),
    "routes": (),
    "local": ("slow",),
    "imports": ("slow",),
    "whatsapp": ("slow",),
    "faults": ("slow",),
    "fuzz": ("slow",),
    "stateful": ("slow",),
    "infra": ("slow", "infra"),
    "integration": ("slow", "integration"),
    "integration/test_concurrency.py": ("load", "long"),
    "integration/test_http_rush.py": ("load", "long"),
    "integration/test_booking_races.py": ("load", "long"),
    "integration/test_door_races.py": ("load", "long"),
    "imports/test_import_at_scale.py": ("long",),
    "browser": ("slow", "browser"),
}


def markers_for(relative: PurePosixPath) -> tuple[str, ...]:
    """The markers of the test module at `relative` (a path under tests/)."""
    tier = relative.parts[0]
    if tier not in MARKERS:
        raise LookupError(f"tests/{tier}/ is not a tier of tests/support/tiers.py: give it its markers there")
    return MARKERS[tier] + MARKERS.get(relative.as_posix(), ())
