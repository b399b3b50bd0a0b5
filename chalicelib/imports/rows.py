"""One row of a stage import, judged exactly as `POST /v1/admin/applications` judges a body.

Pure: no AWS, no I/O. Whatever text a row holds, `judge_row` answers `None` (a blank row),
`Accepted` or `Rejected` with its reasons; it never raises.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from chalicelib.core.applications import Application, Service, Stage, is_from_the_future
from chalicelib.core.errors import InvalidNik
from chalicelib.core.nik import Nik, parse_nik
from chalicelib.core.service_day import parse_instant
from chalicelib.imports.reasons import Reason

FIELDS = ("nik", "service", "stage", "updated_at")
_REPLACEMENT = "\ufffd"  # what a byte that is not UTF-8 decodes to
_E = TypeVar("_E", Service, Stage)


@dataclass(frozen=True)
class Columns:
    """Where each field sits in a row: the header names the columns, in any order."""

    nik: int
    service: int
    stage: int
    updated_at: int
    width: int = len(FIELDS)


@dataclass(frozen=True)
class Accepted:
    nik: Nik
    application: Application


@dataclass(frozen=True)
class Rejected:
    reasons: tuple[Reason, ...]


def read_header(cells: Sequence[str]) -> Columns | None:
    """The columns named by a header row, or None unless it names exactly the four fields.

    Names are compared without surrounding whitespace (and a stray BOM) and without case:
    `NIK, Service ,stage,UPDATED_AT` is a good header, so is any order of the four.
    """
    names = [cell.strip().strip("\ufeff").strip().lower() for cell in cells]
    if len(names) != len(FIELDS) or sorted(names) != sorted(FIELDS):
        return None
    return Columns(*(names.index(field) for field in FIELDS))


def is_blank(cells: Sequence[str]) -> bool:
    return all(not cell.strip() for cell in cells)


def judge_row(cells: Sequence[str], columns: Columns | None, now: datetime) -> Accepted | Rejected | None:
    """Judge one data row; `columns` None means the file's header was wrong. None: a blank row."""
    if is_blank(cells):
        return None
    if columns is None:
        return Rejected((Reason.WRONG_HEADER,))
    if any(_REPLACEMENT in cell for cell in cells):
        return Rejected((Reason.NOT_UTF8,))
    if len(cells) < columns.width:
        return Rejected((Reason.MISSING_COLUMNS,))
    if len(cells) > columns.width:
        return Rejected((Reason.EXTRA_COLUMNS,))

    reasons: list[Reason] = []
    nik = _nik(cells[columns.nik].strip(), reasons)
    service = _choice(Service, cells[columns.service].strip(), Reason.UNKNOWN_SERVICE, reasons)
    stage = _choice(Stage, cells[columns.stage].strip(), Reason.UNKNOWN_STAGE, reasons)
    updated_at = _instant(cells[columns.updated_at].strip(), now, reasons)
    if nik is None or service is None or stage is None or updated_at is None:
        return Rejected(tuple(reasons))
    return Accepted(nik, Application(service, stage, updated_at))


def _nik(text: str, reasons: list[Reason]) -> Nik | None:
    try:
        return parse_nik(text)
    except InvalidNik:
        reasons.append(Reason.INVALID_NIK)
        return None


def _choice(kind: type[_E], text: str, reason: Reason, reasons: list[Reason]) -> _E | None:
    try:
        return kind(text)
    except ValueError:
        reasons.append(reason)
        return None


def _instant(text: str, now: datetime, reasons: list[Reason]) -> datetime | None:
    try:
        instant = parse_instant(text)
    except (ValueError, OverflowError):
        reasons.append(Reason.UPDATED_AT_WITHOUT_OFFSET if _naive_iso(text) else Reason.INVALID_UPDATED_AT)
        return None
    if is_from_the_future(instant, now):
        reasons.append(Reason.UPDATED_AT_IN_FUTURE)
        return None
    return instant


def _naive_iso(text: str) -> bool:
    try:
        return len(text) <= 40 and datetime.fromisoformat(text).tzinfo is None
    except (ValueError, OverflowError):
        return False
