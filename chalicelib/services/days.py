"""Service days at a site: their counters, their quotas, and the midnight rollover."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from chalicelib.core.errors import InvalidDay, InvalidQuota, Unavailable, UnknownSite
from chalicelib.core.quota import DayCounter, quota_in_force
from chalicelib.settings import Settings
from chalicelib.store.values import SiteConfig

if TYPE_CHECKING:  # the ports are for the type checker: the cold start builds none of them
    from chalicelib.store.ports import AuditedDays, Days

# Each extra attempt follows an admin's change of the default between two reads.
_PREPARE_ATTEMPTS = 4


def known_site(settings: Settings, site: object) -> str:
    """The site asked for, the default one when none is given, or `UnknownSite`."""
    if site is None:
        return settings.default_site
    if not isinstance(site, str) or site not in settings.sites:
        raise UnknownSite()
    return site


def day_counter(store: Days, settings: Settings, site: str, day: date) -> DayCounter:
    """The day's counter; a day nobody has touched yet shows the quota it would open with."""
    counter = store.counter(site, day)
    if counter is not None:
        return counter
    return untouched_day(settings, store.site_config(site, settings.default_quota), site, day)


def untouched_day(settings: Settings, config: SiteConfig, site: str, day: date) -> DayCounter:
    """A day without a counter yet, as it would open."""
    return DayCounter(site, day, _default_in_force(settings, config, day), issued=0)


def booking_window(settings: Settings, today: date) -> tuple[date, date]:
    """The days a ticket can be taken for: today to `LOKET_BOOKING_DAYS_AHEAD` days ahead."""
    return today, today + timedelta(days=settings.booking_days_ahead)


def prepare_day(store: Days, settings: Settings, site: str, day: date) -> None:
    """Make sure the day's counter exists and carries the current standing quota. Idempotent.

    The config is read again after the write: a default set in between was propagated to
    the days that existed then, which may not have included this one (docs/DESIGN.md, "How the
    ticket counter stays exact").
    """
    config = store.site_config(site, settings.default_quota)
    for _ in range(_PREPARE_ATTEMPTS):
        store.refresh_from_site_config(site, day, _default_in_force(settings, config, day), config)
        latest = store.site_config(site, settings.default_quota)
        if latest.version == config.version:
            return
        config = latest
    raise Unavailable("site config kept changing")


def rollover(store: Days, settings: Settings, day: date) -> list[str]:
    """Prepare `day` at every site (the midnight job). Running it twice or late changes nothing."""
    for site in settings.sites:
        prepare_day(store, settings, site, day)
    return list(settings.sites)


def set_default_quota(
    store: AuditedDays, settings: Settings, site: str, quota: int, today: date, actor: str
) -> SiteConfig:
    """Set the standing quota and bring today and every prepared later day without a quota
    of its own in line at once."""
    before = store.site_config(site, settings.default_quota)
    config = store.set_default_quota(site, quota)
    for day in sorted({today, *store.counter_days_from(site, today)}):
        store.refresh_from_site_config(site, day, _default_in_force(settings, config, day), config)
    store.append_audit(
        actor,
        "quota.default",
        {"site": site, "default_quota": before.default_quota},
        {"site": site, "default_quota": config.default_quota},
    )
    return config


def set_day_quota(
    store: AuditedDays,
    settings: Settings,
    site: str,
    day: date,
    quota: int,
    today: date,
    actor: str,
    held_for_door: int | None = None,
) -> DayCounter:
    """Give one day its own quota, in force at once; 0 closes it. Past days cannot change.
    `held_for_door` (0..quota) is the part only staff and operators give out; not given, the
    day keeps its reserve (at most the new quota)."""
    if day < today or day > today + timedelta(days=settings.max_days_ahead):
        raise InvalidDay()
    before = day_counter(store, settings, site, day)
    held = min(before.held_for_door, quota) if held_for_door is None else held_for_door
    if not 0 <= held <= quota:
        raise InvalidQuota()
    store.set_day_quota(site, day, quota, held)
    after = day_counter(store, settings, site, day)

    def seen(counter: DayCounter) -> dict[str, object]:
        return {
            "site": site,
            "service_day": day.isoformat(),
            "quota": counter.quota,
            "day_quota": counter.day_quota,
            "held_for_door": counter.held_for_door,
        }

    store.append_audit(actor, "quota.day", seen(before), seen(after))
    return after


def _default_in_force(settings: Settings, config: SiteConfig, day: date) -> int:
    return quota_in_force(
        day, day_quota=None, default_quota=config.default_quota, pattern=settings.open_pattern
    )
