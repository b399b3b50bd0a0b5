"""An operator's daily limit counts the tickets they took, not their attempts (API.md: "an
operator takes at most LOKET_TICKETS_PER_OPERATOR a day"), on the in-memory twin."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.core.errors import QuotaExhausted
from chalicelib.core.nik import parse_nik
from chalicelib.core.tickets import Holder
from chalicelib.services import days, tickets
from chalicelib.settings import HashPurpose, hash_key, settings
from chalicelib.store.memory import MemoryStore
from tests.support.residents import distinct_niks

SITE = "kab-blitar"
MONDAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 09:00 WIB
OPERATOR = Holder("operator", "operator-desa-1")


def test_an_operator_refused_on_a_full_day_keeps_the_day_s_limit_for_tickets_taken(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """GIVEN an operator allowed 2 tickets a day, Monday full and Tuesday open
    WHEN they ask for Monday for 3 residents (all refused), then for Tuesday for 2
    THEN both Tuesday tickets are granted: a refusal took no ticket, so it counts nothing."""
    monkeypatch.setenv("LOKET_TICKETS_PER_OPERATOR", "2")
    store = MemoryStore()
    tuesday = MONDAY + timedelta(days=1)
    days.set_day_quota(store, settings(), SITE, MONDAY, 1, MONDAY, "admin-test")
    days.set_day_quota(store, settings(), SITE, tuesday, 5, MONDAY, "admin-test")
    niks = [parse_nik(d) for d in distinct_niks(6, seed=1)]

    def take(nik_index: int, day: date, holder: Holder = OPERATOR) -> tickets.Taken:
        nik = niks[nik_index]
        return tickets.take(store, settings(), SITE, day, nik, holder, NOW, hash_key(HashPurpose.NIK))

    take(5, MONDAY, Holder("phone", "c3" * 32))  # Monday's one place
    for n in range(3):
        with pytest.raises(QuotaExhausted):
            take(n, MONDAY)
    granted = [take(n, tuesday) for n in (3, 4)]

    assert [(t.created, t.ticket.number) for t in granted] == [(True, 1), (True, 2)]
