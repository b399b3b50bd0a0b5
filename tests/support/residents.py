"""Valid, clearly fake NIKs, one by serial or in bulk: region 6 digits, a real birth date
(women DD+40), serial 0001..9999."""

from __future__ import annotations

import random
from datetime import date, timedelta

from chalicelib.core.nik import Nik, parse_nik

_REGIONS = ("350512", "350501", "350520", "357201")


def distinct_niks(count: int, seed: int = 0) -> list[str]:
    """`count` distinct valid NIKs, the same for the same seed."""
    rng = random.Random(seed)
    found: set[str] = set()
    ordered: list[str] = []
    while len(ordered) < count:
        digits = nik_digits(rng)
        if digits not in found:
            found.add(digits)
            ordered.append(digits)
    return ordered


def nik_digits(rng: random.Random) -> str:
    born = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 365 * 80))
    day = born.day + (40 if rng.random() < 0.5 else 0)
    serial = rng.randrange(1, 10_000)
    return f"{rng.choice(_REGIONS)}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


def parsed(digits: str) -> Nik:
    return parse_nik(digits)


def nik(serial: int, day: int = 17) -> str:
    """A valid NIK in Kabupaten Blitar with the given serial (1..9999)."""
    return f"350512{day:02d}0885{serial:04d}"
