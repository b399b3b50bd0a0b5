"""Tickets on DynamoDB, by their code; a site's day by number through the index `by-day-number`.

A ticket is put once, where no ticket has its code (a code drawn twice is caught there, and a
resumed take puts the very ticket it meant to). Its state then moves by conditional updates.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import partial

from pynamodb.expressions.update import Action

from chalicelib.core.tickets import STAMPED, Holder, Ticket, TicketState
from chalicelib.store.errors import ConditionFailed, conditional, dynamodb_errors, put_unless
from chalicelib.store.models import TicketRecord


def site_day(site: str, day: date) -> str:
    return f"{site}#{day.isoformat()}"


class DynamoTickets:
    """`ports.Tickets` on the tickets table. Models must be bound first."""

    def put_ticket(self, ticket: Ticket) -> tuple[Ticket, bool]:
        """Put `ticket` unless one has its code: (the ticket as stored, whether this put it)."""
        try:
            put_unless(_record(ticket), TicketRecord.code.does_not_exist())
        except ConditionFailed as refusal:
            if refusal.item is not None:
                return _ticket(TicketRecord.from_raw_data(refusal.item)), False
            stored = self.ticket(ticket.code)
            if stored is None:  # deleted in between: nothing deletes tickets, but say so
                raise
            return stored, False
        return ticket, True

    def ticket(self, code: str) -> Ticket | None:
        with dynamodb_errors():
            try:
                record = TicketRecord.get(code, consistent_read=True)
            except TicketRecord.DoesNotExist:
                return None
        return _ticket(record)

    def tickets(self, codes: list[str]) -> list[Ticket]:
        """The tickets of these codes that exist (a batch read)."""
        with dynamodb_errors():
            return [_ticket(r) for r in TicketRecord.batch_get(codes, consistent_read=True)]

    def tickets_of_day(self, site: str, day: date) -> list[Ticket]:
        """A site's tickets of one day, by number (the index: eventually consistent)."""
        with dynamodb_errors():
            records = TicketRecord.by_day_number.query(site_day(site, day))
            return [_ticket(r) for r in records]

    def ticket_with_number(self, site: str, day: date, number: int) -> Ticket | None:
        with dynamodb_errors():
            records = list(
                TicketRecord.by_day_number.query(site_day(site, day), TicketRecord.number == number)
            )
        return _ticket(records[0]) if records else None

    def change_ticket_state(
        self,
        code: str,
        from_states: tuple[TicketState, ...],
        to: TicketState,
        at: datetime,
        desk: int | None = None,
        day: date | None = None,
        not_before: date | None = None,
    ) -> tuple[Ticket | None, bool]:
        """Move a ticket to `to` if it is in one of `from_states` (and of `day`, when given),
        stamping the instant (`STAMPED`) and the desk: (the ticket afterwards, whether this
        call moved it). None: no ticket has this code."""
        t = TicketRecord
        actions: list[Action] = [t.state.set(to)]
        if to in STAMPED:
            actions.append(getattr(t, STAMPED[to]).set(at.isoformat()))
        if desk is not None:
            actions.append(t.desk.set(desk))
        condition = t.code.exists() & t.state.is_in(*from_states)
        if day is not None:
            condition &= t.service_day == day.isoformat()
        if not_before is not None:
            condition &= t.service_day >= not_before.isoformat()
        record = t(code)
        moved = conditional(partial(record.update, actions=actions, condition=condition))
        return (_ticket(record), True) if moved else (self.ticket(code), False)


def _record(ticket: Ticket) -> TicketRecord:
    return TicketRecord(
        ticket.code,
        site=ticket.site,
        service_day=ticket.service_day.isoformat(),
        site_day=site_day(ticket.site, ticket.service_day),
        number=ticket.number,
        nik_last4=ticket.nik_last4,
        nik_holder_key=ticket.nik_holder_key,
        state=ticket.state,
        holder_kind=ticket.holder.kind,
        holder_key=ticket.holder.key,
        pool=ticket.pool,
        booked_at=ticket.booked_at.isoformat(),
        cancelled_at=_text(ticket.cancelled_at),
        checked_in_at=_text(ticket.checked_in_at),
        called_at=_text(ticket.called_at),
        done_at=_text(ticket.done_at),
        desk=ticket.desk,
    )


def _ticket(record: TicketRecord) -> Ticket:
    return Ticket(
        code=record.code,
        site=record.site,
        service_day=date.fromisoformat(record.service_day),
        number=int(record.number),
        nik_last4=record.nik_last4,
        nik_holder_key=record.nik_holder_key,
        state=record.state,  # type: ignore[arg-type]
        holder=Holder(record.holder_kind, record.holder_key),  # type: ignore[arg-type]
        pool=record.pool,  # type: ignore[arg-type]
        booked_at=datetime.fromisoformat(record.booked_at),
        cancelled_at=_instant(record.cancelled_at),
        checked_in_at=_instant(record.checked_in_at),
        called_at=_instant(record.called_at),
        done_at=_instant(record.done_at),
        desk=None if record.desk is None else int(record.desk),
    )


def _text(instant: datetime | None) -> str | None:
    return None if instant is None else instant.isoformat()


def _instant(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)
