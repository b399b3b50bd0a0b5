from __future__ import annotations

from datetime import date

import pytest

from chalicelib.core.errors import InvalidQuota
from chalicelib.core.quota import DayCounter, OpenPattern, day_state, parse_quota, quota_in_force

WEEKDAYS = OpenPattern(frozenset({0, 1, 2, 3, 4}))
WEDNESDAY, SATURDAY = date(2026, 11, 25), date(2026, 11, 28)


def test_an_open_weekday_without_its_own_quota_takes_the_standing_default() -> None:
    assert quota_in_force(WEDNESDAY, day_quota=None, default_quota=400, pattern=WEEKDAYS) == 400


def test_a_closed_weekday_without_its_own_quota_has_none() -> None:
    assert quota_in_force(SATURDAY, day_quota=None, default_quota=400, pattern=WEEKDAYS) == 0


def test_a_day_quota_opens_a_saturday_and_zero_closes_a_wednesday() -> None:
    assert quota_in_force(SATURDAY, day_quota=50, default_quota=400, pattern=WEEKDAYS) == 50
    assert quota_in_force(WEDNESDAY, day_quota=0, default_quota=400, pattern=WEEKDAYS) == 0


@pytest.mark.parametrize(
    ("quota", "issued", "state"),
    [
        (400, 0, "open"),
        (400, 399, "open"),
        (400, 400, "full"),
        (10, 12, "full"),
        (0, 0, "closed"),
        (0, 5, "closed"),
    ],
)
def test_the_state_of_a_day(quota: int, issued: int, state: str) -> None:
    assert DayCounter("kab-blitar", WEDNESDAY, quota=quota, issued=issued).state == state


@pytest.mark.parametrize(
    ("quota", "issued", "cancelled", "held", "door_active", "remaining", "state"),
    [
        (400, 400, 1, 0, 0, 1, "open"),  # a cancelled ticket's place goes back to the day
        (400, 400, 0, 0, 0, 0, "full"),
        (10, 6, 0, 4, 0, 0, "full"),  # the door's 4 are not for residents
        (10, 6, 0, 4, 2, 2, "open"),  # 2 of the 6 came from the door's part
        (10, 3, 3, 0, 0, 10, "open"),
        (10, 0, 0, 10, 0, 0, "full"),
    ],
)
def test_the_room_residents_have_counts_cancels_back_and_leaves_the_door_its_part(
    quota: int, issued: int, cancelled: int, held: int, door_active: int, remaining: int, state: str
) -> None:
    counter = DayCounter(
        "kab-blitar",
        WEDNESDAY,
        quota=quota,
        issued=issued,
        cancelled=cancelled,
        held_for_door=held,
        door_active=door_active,
    )
    assert (counter.remaining, counter.state) == (remaining, state)
    assert day_state(quota, remaining) == state


def test_a_quota_lowered_below_the_issued_count_shows_nothing_remaining() -> None:
    counter = DayCounter("kab-blitar", WEDNESDAY, quota=10, issued=12)
    assert counter.remaining == 0 and counter.state == "full"


@pytest.mark.parametrize("value", [0, 1, 400, 10000])
def test_a_quota_is_an_integer_from_0_to_10000(value: int) -> None:
    assert parse_quota(value) == value


@pytest.mark.parametrize("value", [-1, 10001, 1.5, 400.0, "400", None, True, False, [400], {"q": 1}])
def test_anything_else_is_an_invalid_quota(value: object) -> None:
    with pytest.raises(InvalidQuota):
        parse_quota(value)
