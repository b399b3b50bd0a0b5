"""Time, as a hypothesis state machine over the services: residents take tickets (new and
repeated NIKs) at two sites, administrators set default and per-day quotas, the clock moves
across 00:00 WIB (17:00 UTC) and across weekends, and the midnight rollover runs 0 to 3 times.

A plain model predicts every answer. After every step: each counter's numbers are 1..issued,
one per NIK, matching the model; today's and later counters carry the quota the model says
is in force; every past day is exactly as it was when it ended.
In-process moto: one thread, so functional behaviour is all that is needed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from chalicelib import runtime
from chalicelib import settings as loket_settings
from chalicelib.core.errors import Closed, InvalidDay, QuotaExhausted
from chalicelib.core.nik import parse_nik
from chalicelib.core.tickets import ANYONE
from chalicelib.events import rollover
from chalicelib.services import days, tickets
from tests.support.api_client import Clock
from tests.support.counters import StoredCounter
from tests.support.residents import distinct_niks
from tests.support.servers import bind_store

SITES = ("kab-blitar", "kec-wlingi")
WIB = timezone(timedelta(hours=7))
DEFAULT_QUOTA = 3  # small, so days fill up within a few steps
# Thursday 26 November 2026, 23:00 WIB: an hour before Friday, two days before a weekend.
START = datetime(2026, 11, 26, 16, 0, tzinfo=UTC)
RESIDENTS = [parse_nik(d) for d in distinct_niks(8, seed=99)]


@dataclass
class DayModel:
    holders: dict[str, int] = field(default_factory=dict)  # holder key -> number
    own_quota: int | None = None


def stored_counters() -> dict[tuple[str, date], StoredCounter]:
    from chalicelib.store.models import DayCounterRecord

    items = DayCounterRecord._get_connection().scan(consistent_read=True).get("Items", [])
    counters = {}
    for item in items:
        holders = {k: int(v["N"]) for k, v in item.get("holders", {}).get("M", {}).items()}
        key = (item["site"]["S"], date.fromisoformat(item["service_day"]["S"]))
        counters[key] = StoredCounter(int(item["issued"]["N"]), int(item["quota"]["N"]), holders)
    return counters


class DaysAndTickets(RuleBasedStateMachine):
    monkeypatch: pytest.MonkeyPatch  # set by the test before the machine runs
    clock: Clock

    def __init__(self) -> None:
        super().__init__()
        self.store = bind_store(self.monkeypatch, None)  # fresh tables for each run
        self.clock.instant = START
        self.key = loket_settings.secret("LOKET_NIK_HMAC_KEY")
        self.defaults = dict.fromkeys(SITES, DEFAULT_QUOTA)
        self.days: dict[tuple[str, date], DayModel] = {}
        self.ended: dict[tuple[str, date], StoredCounter] = {}  # past days, as they ended

    # --- the model ----------------------------------------------------------------------

    @property
    def today(self) -> date:
        return self.clock.instant.astimezone(WIB).date()

    def quota_in_force(self, site: str, day: date) -> int:
        model = self.days.get((site, day))
        if model is not None and model.own_quota is not None:
            return model.own_quota
        return self.defaults[site] if day.weekday() < 5 else 0

    def move_clock(self, to: datetime) -> None:
        before = self.today
        self.clock.instant = to
        if self.today != before:
            for key, counter in stored_counters().items():
                if key[1] < self.today:
                    self.ended.setdefault(key, counter)

    # --- residents ----------------------------------------------------------------------

    @rule(resident=st.integers(0, len(RESIDENTS) - 1), site=st.sampled_from(SITES))
    def take_a_ticket(self, resident: int, site: str) -> None:
        nik, today = RESIDENTS[resident], self.today
        model = self.days.setdefault((site, today), DayModel())
        holder, quota = nik.holder_key(self.key), self.quota_in_force(site, today)
        try:
            taken = tickets.take(
                self.store, loket_settings.settings(), site, today, nik, ANYONE, self.clock.instant, self.key
            )
            number, granted = taken.ticket.number, taken.created
        except Closed:
            assert holder not in model.holders and quota == 0
            return
        except QuotaExhausted:
            assert holder not in model.holders and 0 < quota <= len(model.holders)
            return
        if holder in model.holders:
            assert (number, granted) == (model.holders[holder], False)
        else:
            assert (number, granted) == (len(model.holders) + 1, True)
            assert number <= quota  # never above the quota in force when granted
            model.holders[holder] = number

    # --- administrators -------------------------------------------------------------------

    @rule(site=st.sampled_from(SITES), quota=st.integers(0, 5))
    def set_the_default_quota(self, site: str, quota: int) -> None:
        config = loket_settings.settings()
        days.set_default_quota(self.store, config, site, quota, self.today, "admin-machine")
        self.defaults[site] = quota
        self.days.setdefault((site, self.today), DayModel())  # today is brought in line at once

    @rule(site=st.sampled_from(SITES), ahead=st.integers(0, 9), quota=st.integers(0, 5))
    def set_a_day_quota(self, site: str, ahead: int, quota: int) -> None:
        day = self.today + timedelta(days=ahead)
        config = loket_settings.settings()
        days.set_day_quota(self.store, config, site, day, quota, self.today, "admin-machine")
        self.days.setdefault((site, day), DayModel()).own_quota = quota

    @rule(site=st.sampled_from(SITES), back=st.integers(1, 3), quota=st.integers(0, 5))
    def a_past_day_cannot_be_changed(self, site: str, back: int, quota: int) -> None:
        config = loket_settings.settings()
        with pytest.raises(InvalidDay):
            days.set_day_quota(
                self.store, config, site, self.today - timedelta(days=back), quota, self.today, "x"
            )

    # --- time -----------------------------------------------------------------------------

    @rule(minutes=st.integers(1, 180))
    def time_passes(self, minutes: int) -> None:
        self.move_clock(self.clock.instant + timedelta(minutes=minutes))

    @rule(seconds_before=st.integers(1, 120), seconds_after=st.integers(0, 120))
    def midnight_in_wib_passes(self, seconds_before: int, seconds_after: int) -> None:
        """To just before 17:00 UTC, then just after it: a new service day begins."""
        now = self.clock.instant
        midnight = now.replace(hour=17, minute=0, second=0, microsecond=0)
        if midnight <= now:
            midnight += timedelta(days=1)
        self.move_clock(midnight - timedelta(seconds=seconds_before))
        self.move_clock(midnight + timedelta(seconds=seconds_after))

    @rule(hour_wib=st.integers(0, 23))
    def a_weekend_passes(self, hour_wib: int) -> None:
        """To the coming Saturday morning, then to Monday at `hour_wib`."""
        today = self.today
        saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
        self.move_clock(datetime.combine(saturday, datetime.min.time(), WIB).replace(hour=8).astimezone(UTC))
        monday = saturday + timedelta(days=2)
        self.move_clock(
            datetime.combine(monday, datetime.min.time(), WIB).replace(hour=hour_wib).astimezone(UTC)
        )

    @rule(times=st.integers(0, 3), late_minutes=st.integers(0, 90))
    def the_rollover_runs(self, times: int, late_minutes: int) -> None:
        """The 00:00 WIB schedule fires `times` times (0: it never came), perhaps late."""
        midnight = datetime.combine(self.today, datetime.min.time(), WIB).astimezone(UTC)
        self.move_clock(max(self.clock.instant, midnight + timedelta(minutes=late_minutes)))
        for _ in range(times):
            result = rollover.handle({"time": midnight.isoformat().replace("+00:00", "Z")})
            assert {k: result[k] for k in ("service_day", "sites")} == {
                "service_day": self.today.isoformat(),
                "sites": list(SITES),
            }
            for site in SITES:
                self.days.setdefault((site, self.today), DayModel())

    # --- what must always hold --------------------------------------------------------------

    @invariant()
    def every_counter_matches_the_model(self) -> None:
        for (site, day), counter in stored_counters().items():
            assert counter.numbers() == list(range(1, counter.issued + 1)), (site, day)
            if day < self.today:
                continue
            model = self.days.get((site, day))
            assert model is not None, f"{site} {day}: a counter nobody asked for"
            assert counter.holders == model.holders, (site, day)
            assert counter.quota == self.quota_in_force(site, day), (site, day)
            assert counter.issued <= max(counter.quota, len(model.holders))

    @invariant()
    def past_days_are_untouched(self) -> None:
        counters = stored_counters()
        for key, ended in self.ended.items():
            assert counters.get(key) == ended, f"{key} changed after it ended"


@pytest.fixture
def machine(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[DaysAndTickets]]:
    from moto import mock_aws

    monkeypatch.setenv("LOKET_DEFAULT_QUOTA", str(DEFAULT_QUOTA))
    clock = Clock(START)
    monkeypatch.setattr(runtime, "now", clock)
    DaysAndTickets.monkeypatch = monkeypatch
    DaysAndTickets.clock = clock
    with mock_aws():
        yield DaysAndTickets


def test_days_and_tickets_keep_their_invariants_as_time_passes(machine: type[DaysAndTickets]) -> None:
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=40,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
            derandomize=True,
            database=None,
        ),
    )
