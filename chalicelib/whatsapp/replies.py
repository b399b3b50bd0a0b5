"""Reply texts, worded from texts.py and the domain's wording (chalicelib/core/messages.py).

Each function returns one WhatsApp text. Indonesian by default. A NIK appears only as
its last 4 digits.
"""

from __future__ import annotations

from datetime import date, tzinfo

from chalicelib.core.applications import Application
from chalicelib.core.messages import NEXT_STEPS, SERVICE_NAMES, STAGE_LABELS, Language
from chalicelib.core.nik import Nik
from chalicelib.core.quota import DayCounter
from chalicelib.core.service_day import local_date
from chalicelib.settings import settings
from chalicelib.whatsapp.commands import NikCommand
from chalicelib.whatsapp.texts import MONTHS, TEXTS, WEEKDAYS


def _text(key: str, lang: Language, **fields: object) -> str:
    return TEXTS[key][lang].format(**fields)


def long_date(day: date, lang: Language = "id") -> str:
    """`Senin, 1 Desember 2025`."""
    weekday, month = WEEKDAYS[lang][day.weekday()], MONTHS[lang][day.month - 1]
    return f"{weekday}, {day.day} {month} {day.year}"


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


def ticket(nik: Nik, site: str, day: date, number: int, granted: bool, lang: Language = "id") -> str:
    head = _text("ticket_new" if granted else "ticket_held", lang, number=number)
    fields = {"day": long_date(day, lang), "site": where(site, lang), "last4": nik.last4}
    details = _text("ticket_details", lang, **fields)
    return f"{head}\n{details}"


def ticket_refused(code: str, site: str, day: date, lang: Language = "id") -> str:
    """`code` is `quota_exhausted` or `closed`."""
    key = "ticket_closed" if code == "closed" else "ticket_exhausted"
    return _text(key, lang, day=long_date(day, lang), site=site_name(site))


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
