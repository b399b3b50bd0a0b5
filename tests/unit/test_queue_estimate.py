"""The wait's arithmetic (chalicelib/core/queue.py), against numbers worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.core.queue import Queue, estimated_call_at, smoothed

NINE = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 09:00 WIB


def test_minutes_per_resident_follow_the_services_smoothed_from_the_default() -> None:
    first = smoothed(None, 4.0, default=6.0)  # 0.3 x 4 + 0.7 x 6
    assert first == 5.4
    assert smoothed(first, 10.0, default=6.0) == 6.78  # 0.3 x 10 + 0.7 x 5.4


def test_the_call_is_expected_after_those_ahead_shared_by_the_desks_open() -> None:
    assert estimated_call_at(3, 6.78, 2, NINE) == NINE + timedelta(minutes=11)  # ceil(10.17)
    assert estimated_call_at(0, 6.0, 1, NINE) == NINE
    assert estimated_call_at(5, 6.0, 0, NINE) == NINE + timedelta(minutes=30)  # no desk seen: 1


def test_an_estimate_is_never_a_minute_already_past() -> None:
    now = NINE + timedelta(seconds=53)
    assert estimated_call_at(0, 6.0, 1, now) == NINE + timedelta(minutes=1)


def test_only_desks_that_called_in_the_last_half_hour_count_as_open() -> None:
    ms = int(NINE.timestamp() * 1000)
    queue = Queue("kab-blitar", NINE.date(), desk_seen_ms={1: ms, 2: ms - 31 * 60_000, 3: ms - 29 * 60_000})
    assert queue.desks_open(NINE) == 2
    assert Queue("kab-blitar", NINE.date()).desks_open(NINE) == 1
    assert Queue("kab-blitar", NINE.date(), waiting=frozenset({3, 7, 9})).ahead_of(8) == 2
