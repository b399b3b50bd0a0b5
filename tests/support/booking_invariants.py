"""The booking rules read from outside the store: every table scanned with the raw client (no
domain mapping in between), and the invariants of ADR 0010 checked on what is stored.

What the tables must show, whatever raced or died (`booking_violations`):

- per site and day: the tickets not cancelled never exceed the quota (each pool its limit);
  every ticket's number is unique and within 1..issued; `cancelled` is the number of cancelled
  tickets whose place went back (their holder entry is gone), and `issued - cancelled` the
  holder entries, which each pool's count of active places adds up to;
- each holder entry belongs to a ticket not cancelled with that number, or, after a death,
  to the NIK's hold for that day (a take that counted the place and died: it is finished
  when the NIK asks again; such places are returned as `counted_without_a_ticket`);
- per NIK and site at most one upcoming ticket, guarded by the NIK's hold carrying its code;
- per phone at most `cap` upcoming tickets, each guarded by a slot of that phone.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

UPCOMING = ("booked", "checked_in", "called")


@dataclass(frozen=True)
class StoredTicket:
    code: str
    site: str
    service_day: date
    number: int
    nik_holder_key: str
    state: str
    holder_kind: str
    holder_key: str | None
    pool: str

    def upcoming(self, today: date) -> bool:
        return self.state in UPCOMING and self.service_day >= today


@dataclass(frozen=True)
class StoredDay:
    site: str
    service_day: date
    quota: int
    issued: int
    cancelled: int
    public_limit: int
    door_limit: int
    public_active: int
    door_active: int
    holders: dict[str, int]
    door: frozenset[str]


@dataclass(frozen=True)
class StoredHold:
    site: str
    nik_holder_key: str
    service_day: date
    code: str
    claimed_ms: int


@dataclass
class Booked:
    """Every item of the four booking tables, as stored."""

    tickets: list[StoredTicket] = field(default_factory=list)
    days: dict[tuple[str, date], StoredDay] = field(default_factory=dict)
    holds: dict[tuple[str, str], StoredHold] = field(default_factory=dict)
    slots: dict[str, dict[str, str]] = field(default_factory=dict)
    slot_counts_off: list[str] = field(default_factory=list)  # `n` is not the number of codes

    def tickets_of(self, site: str, day: date) -> list[StoredTicket]:
        return [t for t in self.tickets if (t.site, t.service_day) == (site, day)]

    def ticket(self, code: str) -> StoredTicket | None:
        return next((t for t in self.tickets if t.code == code), None)


def _scan(model: Any) -> list[dict[str, Any]]:
    connection = model._get_connection()
    items: list[dict[str, Any]] = []
    start: dict[str, Any] | None = None
    while True:
        page = connection.scan(consistent_read=True, exclusive_start_key=start)
        items.extend(page.get("Items", []))
        start = page.get("LastEvaluatedKey")
        if not start:
            return items


def _n(item: dict[str, Any], name: str) -> int:
    value = item.get(name, {}).get("N")
    return 0 if value is None else int(value)


def _s(item: dict[str, Any], name: str) -> str | None:
    value = item.get(name, {}).get("S")
    return None if value is None else str(value)


def booked() -> Booked:
    """A consistent scan of the tickets, day counters, holds and slots tables."""
    from chalicelib.store.models import DayCounterRecord, HoldRecord, SlotsRecord, TicketRecord

    state = Booked()
    for item in _scan(TicketRecord):
        state.tickets.append(
            StoredTicket(
                code=item["code"]["S"],
                site=item["site"]["S"],
                service_day=date.fromisoformat(item["service_day"]["S"]),
                number=_n(item, "number"),
                nik_holder_key=item["nik_holder_key"]["S"],
                state=item["state"]["S"],
                holder_kind=item["holder_kind"]["S"],
                holder_key=_s(item, "holder_key"),
                pool=item["pool"]["S"],
            )
        )
    for item in _scan(DayCounterRecord):
        day = StoredDay(
            site=item["site"]["S"],
            service_day=date.fromisoformat(item["service_day"]["S"]),
            quota=_n(item, "quota"),
            issued=_n(item, "issued"),
            cancelled=_n(item, "cancelled"),
            public_limit=_n(item, "public_limit"),
            door_limit=_n(item, "door_limit"),
            public_active=_n(item, "public_active"),
            door_active=_n(item, "door_active"),
            holders={k: int(v["N"]) for k, v in item.get("holders", {}).get("M", {}).items()},
            door=frozenset(item.get("door", {}).get("M", {})),
        )
        state.days[(day.site, day.service_day)] = day
    for item in _scan(HoldRecord):
        hold = StoredHold(
            site=item["site"]["S"],
            nik_holder_key=item["nik_holder_key"]["S"],
            service_day=date.fromisoformat(item["service_day"]["S"]),
            code=item["code"]["S"],
            claimed_ms=_n(item, "claimed_ms"),
        )
        state.holds[(hold.site, hold.nik_holder_key)] = hold
    for item in _scan(SlotsRecord):
        # each code an attribute of its own, `c_<code>`, beside their count `n` (store/slots.py)
        entries = {name[2:]: v for name, v in item.items() if name.startswith("c_")}
        state.slots[item["slots_key"]["S"]] = {code: str(v["S"]) for code, v in entries.items()}
        if int(item.get("n", {}).get("N", len(entries))) != len(entries):
            state.slot_counts_off.append(item["slots_key"]["S"])
    return state


@dataclass(frozen=True)
class Verdict:
    violations: list[str]
    counted_without_a_ticket: list[tuple[str, date, int]]  # (site, day, number): a dead take's place
    counted_for_a_cancelled_ticket: list[tuple[str, date, int]]  # a cancel that died half way


def booking_violations(
    state: Booked,
    today: date,
    phone_cap: int,
    *,
    settled: bool = True,
    lowered: frozenset[tuple[str, date]] = frozenset(),
) -> Verdict:
    """Every broken rule in `state`. `settled`: nothing died, so every counted place has its
    ticket and no cancelled ticket's place is still counted; otherwise both are allowed (a
    place counted for a NIK whose hold names that day and no ticket; a cancel that stopped
    after the ticket moved) and listed, to be finished by whoever asks again. `lowered`: days
    whose quota was lowered after some grants, where the tickets may exceed the quota now in
    force (each was within the quota in force when granted: the caller's model says so)."""
    broken: list[str] = [
        f"slots {key}: its count is not its number of codes" for key in state.slot_counts_off
    ]
    orphans: list[tuple[str, date, int]] = []
    half_cancelled: list[tuple[str, date, int]] = []
    by_day: dict[tuple[str, date], list[StoredTicket]] = defaultdict(list)
    for t in state.tickets:
        by_day[(t.site, t.service_day)].append(t)
    for key in set(by_day) - set(state.days):
        broken.append(f"{key}: tickets without a counter")
    for key, day in state.days.items():
        tickets = by_day.get(key, [])
        active = [t for t in tickets if t.state != "cancelled"]
        if len(active) > day.quota and key not in lowered:
            broken.append(f"{key}: {len(active)} tickets not cancelled over the quota {day.quota}")
        for pool, limit in (("public", day.public_limit), ("door", day.door_limit)):
            in_pool = sum(1 for t in active if t.pool == pool)
            if in_pool > limit and key not in lowered:
                broken.append(f"{key}: {in_pool} {pool} tickets not cancelled over its limit {limit}")
        numbers = Counter(t.number for t in tickets)
        if twice := sorted(n for n, c in numbers.items() if c > 1):
            broken.append(f"{key}: numbers handed out twice {twice}")
        if outside := sorted(n for n in numbers if not 1 <= n <= day.issued):
            broken.append(f"{key}: numbers outside 1..{day.issued}: {outside}")
        released = [
            t for t in tickets if t.state == "cancelled" and day.holders.get(t.nik_holder_key) != t.number
        ]
        if day.cancelled != len(released):
            broken.append(f"{key}: cancelled {day.cancelled}, but {len(released)} cancelled places went back")
        if day.issued - day.cancelled != len(day.holders):
            broken.append(
                f"{key}: issued {day.issued} - cancelled {day.cancelled} != {len(day.holders)} holders"
            )
        if day.public_active + day.door_active != len(day.holders):
            broken.append(
                f"{key}: active {day.public_active}+{day.door_active} != {len(day.holders)} holders"
            )
        if day.door_active != len(day.door) or not day.door <= set(day.holders):
            broken.append(f"{key}: door_active {day.door_active}, door entries {len(day.door)}")
        ticket_of = {(t.nik_holder_key, t.number): t for t in tickets}
        for holder, number in day.holders.items():
            owner = ticket_of.get((holder, number))
            if owner is not None and owner.state == "cancelled":
                if settled:
                    broken.append(f"{key}: number {number} still counted for a cancelled ticket")
                else:
                    half_cancelled.append((day.site, day.service_day, number))
            elif owner is None:
                hold = state.holds.get((day.site, holder))
                if settled or hold is None or hold.service_day != day.service_day:
                    broken.append(f"{key}: number {number} counted without a ticket or a hold for it")
                else:
                    orphans.append((day.site, day.service_day, number))
    upcoming = [t for t in state.tickets if t.upcoming(today)]
    per_nik = Counter((t.site, t.nik_holder_key) for t in upcoming)
    if twice_held := [k for k, c in per_nik.items() if c > 1]:
        broken.append(f"NIKs with more than one upcoming ticket: {len(twice_held)}")
    for t in upcoming:
        hold = state.holds.get((t.site, t.nik_holder_key))
        if hold is None or hold.code != t.code:
            broken.append(
                f"upcoming ticket {t.site} {t.service_day} #{t.number} not guarded by its NIK's hold"
            )
        if t.holder_kind == "phone" and t.code not in state.slots.get(f"phone#{t.holder_key}", {}):
            broken.append(f"upcoming ticket {t.site} {t.service_day} #{t.number} not in its phone's slots")
    per_phone = Counter(t.holder_key for t in upcoming if t.holder_kind == "phone")
    if over := [c for c in per_phone.values() if c > phone_cap]:
        broken.append(f"phones over their cap {phone_cap}: {over}")
    return Verdict(broken, orphans, half_cancelled)


def assert_booking_rules(state: Booked, today: date, phone_cap: int = 4) -> None:
    """Nothing raced into a broken rule, and every counted place has its ticket."""
    verdict = booking_violations(state, today, phone_cap)
    assert verdict.violations == []
