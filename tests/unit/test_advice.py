"""The capacity advice's arithmetic (chalicelib/core/advice.py), held to exact fractions
summed with math.comb here, independently of the log-space code under test."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from chalicelib.core.advice import History, advice, advised_quota, overflow_risk
from chalicelib.core.quota import MAX_QUOTA


def exact_risk(quota: int, capacity: int, show: Fraction) -> Fraction:
    """P(X > capacity), X ~ Binomial(quota, show), term by term in exact fractions."""
    return sum(
        (math.comb(quota, k) * show**k * (1 - show) ** (quota - k) for k in range(capacity + 1, quota + 1)),
        Fraction(0),
    )


def exact_advice(capacity: int, no_show: Fraction) -> int:
    quota = capacity
    while exact_risk(quota + 1, capacity, 1 - no_show) < Fraction(5, 100):
        quota += 1
    return quota


def test_a_hand_computed_case_capacity_4_and_half_the_residents_staying_home() -> None:
    # Quota 5: too many only if all 5 come, (1/2)^5 = 1/32 = 0.03125 < 0.05.
    # Quota 6: 5 or 6 come, (C(6,5) + C(6,6)) / 2^6 = 7/64 = 0.109375 >= 0.05. So 5.
    assert overflow_risk(5, 4, 0.5) == pytest.approx(1 / 32, rel=1e-12)
    assert overflow_risk(6, 4, 0.5) == pytest.approx(7 / 64, rel=1e-12)
    assert advised_quota(4, 0.5) == 5


@pytest.mark.parametrize(
    ("capacity", "no_show"), [(400, Fraction(15, 100)), (400, Fraction(2, 7)), (57, Fraction(1, 3))]
)
def test_the_advice_is_the_largest_quota_the_exact_binomial_keeps_under_five_percent(
    capacity: int, no_show: Fraction
) -> None:
    quota = advised_quota(capacity, float(no_show))
    assert quota == exact_advice(capacity, no_show)
    for q in (quota, quota + 1):
        assert overflow_risk(q, capacity, float(1 - no_show)) == pytest.approx(
            float(exact_risk(q, capacity, 1 - no_show)), rel=1e-9
        )


def test_no_quota_up_to_the_capacity_can_overflow_and_nobody_coming_never_does() -> None:
    assert overflow_risk(400, 400, 0.99) == 0.0
    assert overflow_risk(401, 400, 1.0) == 1.0
    assert advised_quota(400, 0.0) == 400  # everyone comes: the capacity itself
    assert advised_quota(400, 1.0) == MAX_QUOTA  # nobody comes: as high as a quota goes


def test_a_quota_of_thousands_neither_overflows_nor_loses_its_tail() -> None:
    # 9,000 tickets, 95% staying home: 450 expected, sd ~20.7; P(X > 400) ~ 0.99.
    risk = overflow_risk(9000, 400, 0.05)
    assert 0.98 < risk < 1.0
    assert overflow_risk(9000, 400, 0.05) + overflow_risk(9000, 8599, 0.95) == pytest.approx(1.0, abs=1e-9)


@pytest.mark.parametrize(
    ("days", "tickets"),
    [(3, 300), (8, 99)],
    ids=["three days of many tickets", "eight days of few tickets"],
)
def test_with_too_little_history_the_advice_is_the_capacity_itself(days: int, tickets: int) -> None:
    history = History(days, tickets, tickets // 2)
    assert not history.enough
    assert advice(history, 400) == (400, 0.0)


def test_with_enough_history_the_advice_follows_the_measured_rate() -> None:
    history = History(4, 100, 15)
    assert history.enough and history.no_show_rate == 0.15
    quota, risk = advice(history, 400)
    assert quota == exact_advice(400, Fraction(15, 100))
    assert risk == pytest.approx(float(exact_risk(quota, 400, Fraction(85, 100))), rel=1e-9)
