"""`make run`'s schedule thread: the job runs again and again, a failing round does not end it,
and stop() ends it."""

from __future__ import annotations

import threading

from local.schedules import Every


def test_a_job_runs_every_round_survives_a_failure_and_stops() -> None:
    rounds: list[int] = []
    third = threading.Event()

    def job() -> None:
        rounds.append(len(rounds) + 1)
        if len(rounds) == 1:
            raise RuntimeError("a round that fails")
        if len(rounds) == 3:
            third.set()

    every = Every(0.01, job, "test-job").start()
    assert third.wait(timeout=10), rounds
    every.stop()
    stopped_at = len(rounds)
    assert not every._thread.is_alive()
    assert rounds[:3] == [1, 2, 3] and len(rounds) == stopped_at
