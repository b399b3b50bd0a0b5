"""A scripted morning at the door, on the in-memory twin: services of known lengths, desks
opening and going idle, and the wait estimate of the last resident checked against the
arithmetic written here (chalicelib/core/queue.py: ceil(ahead x minutes per resident / desks
open) minutes from now; minutes per resident = 0.3 x the last service + 0.7 x the estimate
before it, from LOKET_MINUTES_PER_RESIDENT = 6; a desk is open while it called someone in
the last 30 minutes)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from chalicelib.core.tickets import Holder, Ticket
from chalicelib.services import queue
from chalicelib.settings import settings
from chalicelib.store.memory import MemoryStore

SITE = "kab-blitar"
MONDAY = date(2026, 11, 23)
WIB = timedelta(hours=7)


def at(clock: str) -> datetime:
    """`clock` (WIB) on Monday, as an instant."""
    hours, minutes = (int(part) for part in clock.split(":"))
    return datetime(2026, 11, 23, hours, minutes, tzinfo=UTC) - WIB


class Door:
    def __init__(self) -> None:
        self.store, self.config = MemoryStore(), settings()
        for number in range(1, 13):
            self.store.put_ticket(
                Ticket(
                    f"TICKET{number:02d}",
                    SITE,
                    MONDAY,
                    number,
                    "0001",
                    f"holder-{number}",
                    "booked",
                    Holder("phone", f"p{number}"),
                    "public",
                    at("07:30"),
                )
            )
            queue.check_in(self.store, self.config, SITE, at("08:00"), code=f"TICKET{number:02d}")

    def call(self, desk: int, clock: str) -> int:
        return queue.call_next(self.store, self.config, SITE, desk, at(clock)).ticket.number

    def served(self, number: int, clock: str) -> None:
        queue.set_state(self.store, self.config, f"TICKET{number:02d}", "served", at(clock))

    def last_resident(self, clock: str) -> tuple[int, str]:
        ticket = self.store.ticket("TICKET12")
        assert ticket is not None
        where = queue.position(self.store, self.config, ticket, at(clock))
        assert where.estimated_call_at is not None
        return where.ahead, (where.estimated_call_at + WIB).strftime("%H:%M")

    @property
    def minutes_per_resident(self) -> float | None:
        board = self.store.queue(SITE, MONDAY)
        return None if board is None else board.minutes_per_resident


def test_a_morning_at_the_door_moves_the_estimate_as_the_arithmetic_says() -> None:
    door = Door()  # twelve residents checked in at 08:00; number 12 watches its phone
    assert (door.call(1, "08:00"), door.call(2, "08:00")) == (1, 2)
    # 3..11 ahead, the default 6 minutes, 2 desks: ceil(9 x 6 / 2) = 27
    assert door.last_resident("08:00") == (9, "08:27")

    door.served(1, "08:03")  # 3 minutes: 0.3 x 3 + 0.7 x 6 = 5.1
    assert door.minutes_per_resident == 5.1
    assert door.call(1, "08:03") == 3
    door.served(2, "08:04")  # 4 minutes: 0.3 x 4 + 0.7 x 5.1 = 4.77
    assert door.minutes_per_resident == 4.77
    assert door.call(2, "08:04") == 4  # desk 2 serves number 4 until long after 08:34
    # 5..11 ahead: ceil(7 x 4.77 / 2) = ceil(16.695) = 17
    assert door.last_resident("08:04") == (7, "08:21")

    door.served(3, "08:08")  # 5 minutes: 0.3 x 5 + 0.7 x 4.77 = 4.839
    assert door.minutes_per_resident == 4.84
    assert door.call(1, "08:08") == 5
    door.served(5, "08:18")  # 10 minutes: 0.3 x 10 + 0.7 x 4.84 = 6.388
    assert door.minutes_per_resident == 6.39
    assert door.call(1, "08:18") == 6
    # 7..11 ahead, desks 1 (08:18) and 2 (08:04): ceil(5 x 6.39 / 2) = ceil(15.975) = 16
    assert door.last_resident("08:18") == (5, "08:34")
    # 08:34: desk 2's last call is 30 minutes old, still open: 08:34 + 16
    assert door.last_resident("08:34") == (5, "08:50")
    # 08:35: desk 2 idle for 31 minutes, desk 1 alone: ceil(5 x 6.39 / 1) = ceil(31.95) = 32
    assert door.last_resident("08:35") == (5, "09:07")

    assert door.call(3, "08:35") == 7  # desk 3 opens
    # 8..11 ahead, desks 1 and 3: ceil(4 x 6.39 / 2) = ceil(12.78) = 13
    assert door.last_resident("08:35") == (4, "08:48")


def test_with_every_desk_idle_the_estimate_counts_one_desk() -> None:
    door = Door()
    assert door.call(1, "08:00") == 1
    # 10 ahead (2..11), 6 minutes, desk 1 idle since 08:00: at least 1 desk: 60 minutes
    assert door.last_resident("09:00") == (10, "10:00")
