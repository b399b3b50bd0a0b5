"""Reply texts, worded from texts.py and the domain's wording (chalicelib/core/messages.py).

Each function returns one WhatsApp text. Indonesian by default. A NIK appears only as
its last 4 digits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta, tzinfo

from chalicelib.core.applications import Application
from chalicelib.core.messages import NEXT_STEPS, SERVICE_NAMES, STAGE_LABELS, Language
from chalicelib.core.nik import Nik
from chalicelib.core.quota import DayCounter
from chalicelib.core.service_day import local_date
from chalicelib.settings import settings
from chalicelib.whatsapp.commands import NikCommand
from chalicelib.whatsapp.day_words import BadDayReason
from chalicelib.whatsapp.texts import MONTHS, TEXTS, TICKET_STATES, WEEKDAYS

SCHEDULE_DAYS = 7  # JADWAL's list: a phone screen's worth


def _text(key: str, lang: Language, **fields: object) -> str:
    return TEXTS[key][lang].format(**fields)


def long_date(day: date, lang: Language = "id") -> str:
    """`Senin, 1 Desember 2025`."""
    weekday, month = WEEKDAYS[lang][day.weekday()], MONTHS[lang][day.month - 1]
    return f"{weekday}, {day.day} {month} {day.year}"


def weekday_date(day: date, lang: Language = "id") -> str:
    """`Senin, 7 Des`: for a list of days near enough that the year goes without saying."""
    return f"{WEEKDAYS[lang][day.weekday()]}, {day.day} {MONTHS[lang][day.month - 1][:3]}"


def typed_day(day: date) -> str:
    """`7/12`: the day as a resident would type it after ANTRE (read back by day_words)."""
    return f"{day.day}/{day.month}"


def short_date(day: date, lang: Language = "id") -> str:
    """`1 Des 2025`: months cut to three letters."""
    return f"{day.day} {MONTHS[lang][day.month - 1][:3]} {day.year}"


def site_name(site: str) -> str:
    """The site's name as configured (settings' site directory), never its bare code."""
    return settings().site_info(site).name


def where(site: str, lang: Language = "id") -> str:
    """The site's name, then its address and opening hours on their own lines, as configured."""
    info = settings().site_info(site)
    lines = [info.name]
    if info.address:
        lines.append(_text("site_address", lang, address=info.address))
    hours = info.worded_hours(lang)
    if hours:
        lines.append(_text("site_hours", lang, hours=hours))
    return "\n".join(lines)


def help_text(lang: Language = "id") -> str:
    return _text("help", lang)


def status(nik: Nik, applications: list[Application], tz: tzinfo, lang: Language = "id") -> str:
    items = [
        _text(
            "status_item",
            lang,
            service=SERVICE_NAMES[a.service][lang],
            label=STAGE_LABELS[a.stage][lang],
            next_step=NEXT_STEPS[a.stage][lang],
            updated=short_date(local_date(a.updated_at, tz), lang),
        )
        for a in applications
    ]
    return "\n\n".join([_text("status_header", lang, last4=nik.last4), *items])


def status_not_found(nik: Nik, lang: Language = "id") -> str:
    return _text("status_not_found", lang, last4=nik.last4)


def bad_nik(command: NikCommand, lang: Language = "id") -> str:
    return _text("bad_nik", lang, command=command)


def ticket_taken(
    number: int,
    site: str,
    day: date,
    code: str | None,
    last4: str,
    created: bool,
    today: date,
    lang: Language = "id",
) -> str:
    """A ticket granted (`created`) or found already held; `code` None when another phone or
    an operator holds it: the code goes only to whoever took the ticket."""
    if created:
        head = _text("ticket_new", lang, number=number)
    elif day == today:
        head = _text("ticket_held_today", lang, number=number)
    else:
        head = _text("ticket_held_day", lang, number=number, day=long_date(day, lang))
    come = (
        _text("ticket_come_today", lang)
        if day == today
        else _text("ticket_come_on_day", lang, day=long_date(day, lang))
    )
    fields = {
        "day": long_date(day, lang),
        "site": where(site, lang),
        "last4": last4,
        "come": come,
        "bring": _text("ticket_bring", lang),
    }
    if code is None:
        return f"{head}\n{_text('ticket_details_without_code', lang, **fields)}"
    return f"{head}\n{_text('ticket_details', lang, code=code, **fields)}"


def holds_other_day(last4: str, held_day: date, lang: Language = "id") -> str:
    return _text("ticket_holds_other_day", lang, last4=last4, day=long_date(held_day, lang))


def quota_exhausted(
    site: str, day: date, next_day_with_room: date | None, last_day: date, lang: Language = "id"
) -> str:
    head = _text("ticket_exhausted", lang, day=long_date(day, lang), site=site_name(site))
    if next_day_with_room is None:
        tail = _text("ticket_no_next_day", lang, last=long_date(last_day, lang))
    else:
        tail = _text(
            "ticket_next_day",
            lang,
            day=long_date(next_day_with_room, lang),
            typed=typed_day(next_day_with_room),
        )
    return f"{head}\n{tail}"


def closed(site: str, day: date, lang: Language = "id") -> str:
    return _text("ticket_closed", lang, day=long_date(day, lang), site=site_name(site))


def phone_limit(limit: int, lang: Language = "id") -> str:
    return _text("ticket_phone_limit", lang, limit=limit)


def invalid_day(site: str, day: date, today: date, last_day: date, lang: Language = "id") -> str:
    """A day that cannot be booked: passed, beyond the window, or not a service day."""
    fields = {"day": long_date(day, lang), "last": long_date(last_day, lang), "site": site_name(site)}
    if day < today:
        key = "ticket_day_passed"
    elif day > last_day:
        key = "ticket_day_too_far"
    else:
        key = "ticket_day_not_open"
    return f"{_text(key, lang, **fields)}\n{_text('ticket_see_schedule', lang)}"


def bad_day(reason: BadDayReason, today: date, lang: Language = "id") -> str:
    """The words after the NIK are no day: the forms that are, with an example date that is
    ahead (three days from `today`), never a ticket for today instead."""
    example = today + timedelta(days=3)
    forms = _text(
        "day_forms",
        lang,
        numeric=typed_day(example),
        worded=f"{example.day} {MONTHS[lang][example.month - 1]}",
    )
    key = "bad_day_no_such_date" if reason == "no_such_date" else "bad_day_unreadable"
    return _text(key, lang, forms=forms)


def cancelled(number: int, day: date, lang: Language = "id") -> str:
    return _text("cancelled", lang, number=number, day=long_date(day, lang))


def cancel_not_found(code: str, lang: Language = "id") -> str:
    """The same for a code nobody holds and a code another phone holds."""
    return _text("cancel_not_found", lang, code=code)


def not_cancellable(number: int, day: date, state: str, today: date, lang: Language = "id") -> str:
    why = (
        _text("not_cancellable_day_over", lang)
        if state == "booked" and day < today
        else TICKET_STATES[state][lang]
    )
    return _text("not_cancellable", lang, number=number, day=long_date(day, lang), why=why)


def bad_code(lang: Language = "id") -> str:
    return _text("bad_code", lang)


def schedule(site: str, counters: Sequence[DayCounter], last_day: date, lang: Language = "id") -> str:
    """The first open days with room left for residents, in order."""
    open_days = [c for c in counters if c.state == "open" and c.remaining > 0][:SCHEDULE_DAYS]
    if not open_days:
        return _text("schedule_empty", lang, last=long_date(last_day, lang), site=site_name(site))
    lines = [_text("schedule_header", lang, site=where(site, lang))]
    lines += [
        _text("schedule_item", lang, day=weekday_date(c.service_day, lang), remaining=c.remaining)
        for c in open_days
    ]
    lines.append(_text("schedule_footer", lang, typed=typed_day(open_days[0].service_day)))
    return "\n".join(lines)


def position(
    number: int,
    site: str,
    day: date,
    state: str,
    lang: Language = "id",
    *,
    ahead: int = 0,
    call_at: datetime | None = None,
) -> str:
    """A ticket's number, day, place and state; while it waits today, how many are ahead and
    when it will likely be called (`call_at` in the office's time zone)."""
    text = _text(
        "position",
        lang,
        number=number,
        day=long_date(day, lang),
        site=site_name(site),
        state=TICKET_STATES[state][lang],
    )
    if call_at is None:
        return text
    clock = f"{call_at:%H.%M}" if lang == "id" else f"{call_at:%H:%M}"
    return text + "\n" + _text("position_wait", lang, ahead=ahead, time=clock, zone=call_at.strftime("%Z"))


def position_none(today: date, lang: Language = "id") -> str:
    return _text("position_none", lang, day=long_date(today, lang))


def phone_unusable(lang: Language = "id") -> str:
    return _text("phone_unusable", lang)


def quota(counter: DayCounter, lang: Language = "id") -> str:
    key = {"open": "quota_open", "full": "quota_full", "closed": "quota_closed"}[counter.state]
    return _text(
        key,
        lang,
        day=long_date(counter.service_day, lang),
        site=where(counter.site, lang) if counter.state != "closed" else site_name(counter.site),
        remaining=counter.remaining,
        quota=counter.quota,
        issued=counter.issued,
    )


def rate_limited(retry_after_seconds: int, lang: Language = "id") -> str:
    return _text("rate_limited", lang, seconds=max(retry_after_seconds, 1))


def verified(lang: Language = "id") -> str:
    return _text("verified", lang)


def verification_refused(lang: Language = "id") -> str:
    return _text("verification_refused", lang)


def verification_limited(retry_after_seconds: int, lang: Language = "id") -> str:
    return _text("verification_limited", lang, minutes=max(1, -(-retry_after_seconds // 60)))


def internal_error(lang: Language = "id") -> str:
    return _text("internal_error", lang)
