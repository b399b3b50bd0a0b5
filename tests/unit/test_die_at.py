"""The fault harness's process death counts calls per thread: the stage import writes from a
pool, and another writer's call landing between one call's before and after hooks must not
move that call's number (it once skipped the death: "DID NOT RAISE ProcessDied" in CI)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import SimpleNamespace

import pytest

from tests.support.faults import DieAt, ProcessDied

PUT = SimpleNamespace(name="PutItem")
PARAMS = {"body": b'{"TableName": "applications"}'}


def _in_thread(step: Callable[[], None]) -> BaseException | None:
    """Runs `step` in a thread of its own, as a writer of the pool would; what it raised."""
    raised: list[BaseException] = []

    def run() -> None:
        try:
            step()
        except BaseException as error:  # the death is what is looked for
            raised.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return raised[0] if raised else None


def test_dying_after_a_call_dies_in_the_thread_that_made_it_though_another_call_came_in_between() -> None:
    death = DieAt(at=1, after=True)
    first_made, second_made = threading.Event(), threading.Event()
    outcome: list[BaseException | None] = []

    def first_writer() -> None:
        death._before(PUT, PARAMS)  # call 1
        first_made.set()
        assert second_made.wait(timeout=30), "the second writer never made its call"
        death._after(PUT)  # call 1 answered, after call 2 was made

    def second_writer() -> None:
        assert first_made.wait(timeout=30), "the first writer never made its call"
        death._before(PUT, PARAMS)  # call 2
        second_made.set()
        death._after(PUT)

    first = threading.Thread(target=lambda: outcome.append(_in_thread(first_writer)))
    first.start()
    assert _in_thread(second_writer) is None  # call 2 is not the one to die after
    first.join()

    assert isinstance(outcome[0], ProcessDied)
    assert len(death.calls) == 2


def test_dying_before_a_call_dies_on_that_call_only() -> None:
    death = DieAt(at=2)
    death._before(PUT, PARAMS)
    with pytest.raises(ProcessDied):
        death._before(PUT, PARAMS)
    death._before(PUT, PARAMS)
    assert len(death.calls) == 3
