"""How hard the concurrency tests push, and running many requests from many threads.

The issue's figures (5,000 requests per round) cost minutes per round on the moto server,
which deep-copies the counter item on every call: see docs/PERFORMANCE.md. `make test`
runs the rounds at `LOKET_RUSH_REQUESTS` (default below); `make test-load` runs the
issue's full count. The booking races (whole takes: a hold, a slot, the counter, the ticket,
~10 calls a resident) likewise run at `LOKET_BOOKING_RESIDENTS`, the issue's 2,000 in
`make test-load`.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Generic, TypeVar

THREADS = 64
ROUNDS = 5
QUOTA = 400
FULL_RUSH_REQUESTS = 5_000
RUSH_REQUESTS = int(os.environ.get("LOKET_RUSH_REQUESTS", "800"))
FULL_BOOKING_RESIDENTS = 2_000  # on 500 phones, for 400 places over 3 days
BOOKING_RESIDENTS = int(os.environ.get("LOKET_BOOKING_RESIDENTS", "200"))
# Nine desks calling 400 tickets cost ~25 s a round on dynalite and minutes on the moto server
# (each call's index query reads every ticket there): `make test` runs one round, `make
# test-load` ROUNDS (tests/integration/test_door_races.py).
DOOR_ROUNDS = int(os.environ.get("LOKET_DOOR_ROUNDS", "1"))

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Timed(Generic[R]):
    """What one request came to, and when (monotonic ns) it started and ended."""

    result: R
    started: int
    ended: int


def all_at_once(items: Sequence[T], call: Callable[[T], R], threads: int = THREADS) -> list[Timed[R]]:
    """Call `call` on every item from `threads` threads released together by a barrier."""
    barrier = threading.Barrier(threads)

    def start_together(_: int) -> None:
        barrier.wait(timeout=60)

    def timed(item: T) -> Timed[R]:
        started = time.monotonic_ns()
        result = call(item)
        return Timed(result, started, time.monotonic_ns())

    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(start_together, range(threads)))  # every worker thread exists and is waiting
        return list(pool.map(timed, items))
