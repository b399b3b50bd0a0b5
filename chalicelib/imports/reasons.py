"""Why a row (or a whole file) of a stage import was not taken: stable codes, operator texts."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from chalicelib.core.messages import IMPORT_REASONS


class Reason(StrEnum):
    # the whole file
    WRONG_HEADER = "wrong_header"
    EMPTY_FILE = "empty_file"
    FILE_TOO_LARGE = "file_too_large"
    # the shape of a row
    NOT_UTF8 = "not_utf8"
    UNREADABLE_ROW = "unreadable_row"
    MISSING_COLUMNS = "missing_columns"
    EXTRA_COLUMNS = "extra_columns"
    # its fields, judged as POST /v1/admin/applications judges a body
    INVALID_NIK = "invalid_nik"
    UNKNOWN_SERVICE = "unknown_service"
    UNKNOWN_STAGE = "unknown_stage"
    INVALID_UPDATED_AT = "invalid_updated_at"
    UPDATED_AT_WITHOUT_OFFSET = "updated_at_without_offset"
    UPDATED_AT_IN_FUTURE = "updated_at_in_future"
    # a valid row the run did not get to write (time limit, store failure)
    NOT_PROCESSED = "not_processed"


def describe(reasons: Iterable[Reason], *, line: int = 0, limit_mb: int = 0) -> str:
    """The `reason` cell: `code: Indonesian / English`, several joined by `; `.

    Deterministic for the same row, so importing a file again writes the same rejected file.
    """
    details = {"line": line, "limit_mb": limit_mb}
    return "; ".join(
        f"{r.value}: {IMPORT_REASONS[r.value]['id'].format_map(details)}"
        f" / {IMPORT_REASONS[r.value]['en'].format_map(details)}"
        for r in reasons
    )


def codes_of(reason_cell: str) -> list[str]:
    """The codes in a `reason` cell written by `describe` (for tools and tests)."""
    return [part.split(":", 1)[0].strip() for part in reason_cell.split("; ") if part.strip()]
