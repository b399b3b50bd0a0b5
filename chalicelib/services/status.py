"""Application status by NIK, and staff updates of a stage."""

from __future__ import annotations

from chalicelib.core.applications import Application, Service
from chalicelib.core.errors import NotFound
from chalicelib.core.nik import Nik
from chalicelib.store.dynamo import DynamoStore

_SERVICE_ORDER = list(Service)


def applications_of(store: DynamoStore, nik: Nik, key: bytes) -> list[Application]:
    """Every application of `nik`, in a fixed service order; `NotFound` when there is none."""
    applications = store.applications_of(nik.keyed_hash(key))
    if not applications:
        raise NotFound()
    return sorted(applications, key=lambda a: _SERVICE_ORDER.index(a.service))


def record_stage(store: DynamoStore, nik: Nik, key: bytes, application: Application, actor: str) -> bool:
    """Set a stage unless a newer one is stored. True when it changed anything."""
    applied = store.record_application(nik.keyed_hash(key), nik.last4, application)
    if applied:
        store.append_audit(
            actor,
            "application.stage",
            {"nik": nik.masked, "service": application.service.value},
            {
                "nik": nik.masked,
                "service": application.service.value,
                "stage": application.stage.value,
                "updated_at": application.updated_at.isoformat(),
            },
        )
    return applied
