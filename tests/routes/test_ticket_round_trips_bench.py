"""bench/ticket_round_trips.py's machinery, run once on a small day, so that `make bench`
cannot rot unseen: the calls it meters are botocore's own (the operation and table of each
request the app sent), checked here against the write sequences of chalicelib/services/tickets.py
as ADR 0010 states them; and the sizes it turns into units, against DynamoDB's rules by hand."""

from __future__ import annotations

from bench.capacity import item_size, read_units, write_units
from bench.ticket_round_trips import measure

HOLD, SLOTS, COUNTER, TICKET = "loket-holds", "loket-slots", "loket-day-counters", "loket-tickets"
QUEUE = "loket-queues"
SITES = "loket-sites"
PUT, UPDATE, GET, DELETE, QUERY = "PutItem", "UpdateItem", "GetItem", "DeleteItem", "Query"
CREATE_SLOTS = [(UPDATE, SLOTS, False)]  # one conditional write creates the item too
EXPECTED: dict[str, tuple[int, list[tuple[str, str, bool]]]] = {
    "take: a phone's first ticket": (
        201,
        [(PUT, HOLD, False), *CREATE_SLOTS, (UPDATE, COUNTER, False), (PUT, TICKET, False)],
    ),
    "take: success, with a phone": (
        201,
        [(PUT, HOLD, False), (UPDATE, SLOTS, False), (UPDATE, COUNTER, False), (PUT, TICKET, False)],
    ),
    "take: success, LOKET_TICKET_PROOF=none": (
        201,
        [(PUT, HOLD, False), (UPDATE, COUNTER, False), (PUT, TICKET, False)],
    ),
    "take: operator, first of its day": (
        201,
        [(PUT, HOLD, False), *CREATE_SLOTS, (UPDATE, COUNTER, False), (PUT, TICKET, False)],
    ),
    "take: operator, from held_for_door": (
        201,
        [(PUT, HOLD, False), (UPDATE, SLOTS, False), (UPDATE, COUNTER, False), (PUT, TICKET, False)],
    ),
    "take: repeat": (200, [(PUT, HOLD, True), (GET, TICKET, False)]),
    "take: a full day": (
        409,
        [
            (PUT, HOLD, False),
            (UPDATE, SLOTS, False),
            (UPDATE, COUNTER, True),
            (UPDATE, SLOTS, False),  # undone backwards: the slot, then the hold
            (DELETE, HOLD, False),
            (QUERY, COUNTER, False),  # the next day with room
            (GET, SITES, False),
        ],
    ),
    "take: a NIK holding another day": (409, [(PUT, HOLD, True), (GET, TICKET, False)]),
    "lookup by code: a ticket of today": (200, [(GET, TICKET, False), (GET, QUEUE, False)]),
    "lookup by code: a ticket of a later day": (200, [(GET, TICKET, False)]),
    "cancel": (
        200,
        [
            (UPDATE, TICKET, False),
            (UPDATE, COUNTER, False),
            (UPDATE, SLOTS, False),
            (DELETE, HOLD, False),
        ],
    ),
    "GET /v1/days": (200, [(QUERY, COUNTER, False), (GET, SITES, False)]),
}


def test_the_round_trips_bench_meters_each_operations_calls_as_botocore_sent_them() -> None:
    found = {m.operation.split(" (")[0]: m for m in measure(quota=8, held_for_door=2)}

    assert set(found) == set(EXPECTED)
    for name, (status, calls) in EXPECTED.items():
        measured = found[name]
        assert measured.status == status, (name, measured)
        assert [(c.operation, c.table, c.refused) for c in measured.store] == calls, name
        limiter = [(c.operation, c.table) for c in measured.limiter]
        admin = name.startswith("take: operator")
        assert limiter == ([] if admin else [(UPDATE, "loket-rate-limits")]), name  # counted apart
    assert found["take: a full day"].answer == "quota_exhausted"
    assert found["take: a NIK holding another day"].answer == "holds_other_day"
    # Every write costs at least one unit; a ticket also writes its by-day-number index entry.
    for measured in found.values():
        assert all(c.wcu >= 1 for c in measured.store if c.operation in (PUT, UPDATE, DELETE))
    ticket_put = found["take: success, with a phone"].store[-1]
    assert ticket_put.wcu == 2


def test_item_sizes_and_units_follow_dynamodb_rules_worked_by_hand() -> None:
    assert item_size({"site": {"S": "kab-blitar"}}) == 4 + 10
    assert item_size({"n": {"N": "123"}}) == 1 + (1 + 2)  # 3 significant digits: 2 bytes, +1
    assert item_size({"n": {"N": "400"}}) == 1 + (1 + 1)  # zeros trimmed: 1 significant digit
    assert item_size({"n": {"N": "0.05"}}) == 1 + (1 + 1)
    assert item_size({"ok": {"BOOL": True}, "no": {"NULL": True}}) == (2 + 1) + (2 + 1)
    # A map: 3 bytes, then per element 1 byte, its key and its value.
    in_the_map = (1 + 2 + 2) + (1 + 1 + 3)
    assert item_size({"h": {"M": {"ab": {"N": "12"}, "c": {"S": "xyz"}}}}) == 1 + 3 + in_the_map
    assert item_size({"l": {"L": [{"S": "é"}]}}) == 1 + 3 + (1 + 2)  # UTF-8 bytes
    kilobyte = {"k": {"S": "x" * 1023}}  # 1 + 1023 = 1,024 bytes
    assert write_units(None, kilobyte) == 1
    assert write_units(kilobyte, {"k": {"S": "x" * 1024}}) == 2  # the larger of before and after
    assert write_units(None, None) == 1  # a refused write on no item still costs 1
    assert read_units(4096, consistent=True) == 1 and read_units(4097, consistent=True) == 2
    assert read_units(0, consistent=False) == 0.5
