"""Application status by NIK, and staff updates of a stage."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from chalicelib.core.applications import Application, Service
from chalicelib.core.errors import NotFound, Unavailable
from chalicelib.core.nik import Nik
from chalicelib.store.values import StoredApplication

if TYPE_CHECKING:
    from chalicelib.store.ports import Applications, AuditedApplications, AuditLog

_SERVICE_ORDER = list(Service)


def applications_of(store: Applications, nik: Nik, key: bytes) -> list[Application]:
    """Every application of `nik`, in a fixed service order; `NotFound` when there is none."""
    applications = store.applications_of(nik.keyed_hash(key))
    if not applications:
        raise NotFound()
    return sorted(applications, key=lambda a: _SERVICE_ORDER.index(a.service))


def record_stage(
    store: AuditedApplications, nik: Nik, key: bytes, application: Application, actor: str
) -> tuple[bool, Application]:
    """Set a stage unless one as new or newer is stored: whether this call stored it, and the
    application as stored now.

    The stage is written first, carrying its actor and instant; the audit entry's key is
    derived from those, so a retry of the same change by the same actor (say, after the
    process died between the two writes) writes the entry if it is missing, and only then.
    """
    nik_key = nik.keyed_hash(key)
    now = datetime.now(UTC)  # the clock of every audit entry (`AuditLog.append_audit`)
    applied = store.record_application(nik_key, nik.last4, application, recorded_by=actor, recorded_at=now)
    stored = (
        StoredApplication(application, actor, now)
        if applied
        else store.stored_application(nik_key, application.service)
    )
    if stored is None:  # refused by an item that is gone since: asking again stores it
        raise Unavailable("application changed during the update")
    if stored.recorded_by == actor and stored.application == application and stored.recorded_at:
        _audit_stage(store, nik, nik_key, stored.application, actor, stored.recorded_at)
    return applied, stored.application


def _audit_stage(
    store: AuditLog, nik: Nik, nik_key: str, application: Application, actor: str, at: datetime
) -> None:
    after = {
        "nik": nik.masked,
        "service": application.service.value,
        "stage": application.stage.value,
        "updated_at": application.updated_at.isoformat(),
    }
    store.append_audit(
        actor,
        "application.stage",
        {"nik": nik.masked, "service": application.service.value},
        after,
        at=at,
        change={**after, "nik": nik_key},  # the masked NIK is not unique; its keyed hash is
    )
