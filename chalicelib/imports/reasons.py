"""Why a row (or a whole file) of a stage import was not taken: stable codes, operator texts."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from chalicelib.core.applications import MAX_CLOCK_SKEW, Service, Stage
from chalicelib.core.messages import Language


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


_SERVICES = ", ".join(Service)
_STAGES = ", ".join(Stage)
_SKEW_MINUTES = int(MAX_CLOCK_SKEW.total_seconds()) // 60

# Operators read these in the `reason` column of imports-rejected/<name>. Texts may change and
# never contain ";". `{line}` and `{limit_mb}` are filled in by `describe`.
TEXTS: dict[Reason, dict[Language, str]] = {
    Reason.WRONG_HEADER: {
        "id": "baris judul harus tepat nik,service,stage,updated_at (simpan sebagai CSV UTF-8)",
        "en": "the header must be exactly nik,service,stage,updated_at (save as CSV UTF-8)",
    },
    Reason.EMPTY_FILE: {
        "id": "berkas kosong, tidak ada baris judul",
        "en": "the file is empty, no header",
    },
    Reason.FILE_TOO_LARGE: {
        "id": "berkas lebih dari {limit_mb} MB: bagi menjadi beberapa berkas",
        "en": "the file is larger than {limit_mb} MB: split it into several files",
    },
    Reason.NOT_UTF8: {
        "id": "baris berisi karakter yang bukan UTF-8",
        "en": "the row holds characters that are not UTF-8",
    },
    Reason.UNREADABLE_ROW: {
        "id": "baris {line} tidak terbaca sebagai CSV (tanda kutip tidak ditutup?)",
        "en": "line {line} could not be read as CSV (unclosed quote?)",
    },
    Reason.MISSING_COLUMNS: {
        "id": "kolom kurang dari baris judul",
        "en": "fewer cells than the header",
    },
    Reason.EXTRA_COLUMNS: {
        "id": "kolom lebih banyak dari baris judul",
        "en": "more cells than the header",
    },
    Reason.INVALID_NIK: {
        "id": "NIK tidak valid (16 angka, tanggal lahir yang mungkin, nomor urut mulai 0001)",
        "en": "invalid NIK (16 digits, a possible birth date, a serial from 0001)",
    },
    Reason.UNKNOWN_SERVICE: {
        "id": f"service harus salah satu dari {_SERVICES}",
        "en": f"service must be one of {_SERVICES}",
    },
    Reason.UNKNOWN_STAGE: {
        "id": f"stage tidak dikenal ({_STAGES})",
        "en": f"unknown stage ({_STAGES})",
    },
    Reason.INVALID_UPDATED_AT: {
        "id": "updated_at bukan waktu ISO 8601, contoh 2025-05-01T09:30:00+07:00",
        "en": "updated_at is not an ISO 8601 time, e.g. 2025-05-01T09:30:00+07:00",
    },
    Reason.UPDATED_AT_WITHOUT_OFFSET: {
        "id": "updated_at tanpa zona waktu: tambahkan +07:00",
        "en": "updated_at has no offset: add +07:00",
    },
    Reason.UPDATED_AT_IN_FUTURE: {
        "id": f"updated_at lebih dari {_SKEW_MINUTES} menit di masa depan",
        "en": f"updated_at is more than {_SKEW_MINUTES} minutes in the future",
    },
    Reason.NOT_PROCESSED: {
        "id": "baris tidak diproses karena impor berhenti lebih awal: unggah lagi baris ini",
        "en": "row not processed because the import stopped early: upload this row again",
    },
}


def describe(reasons: Iterable[Reason], *, line: int = 0, limit_mb: int = 0) -> str:
    """The `reason` cell: `code: Indonesian / English`, several joined by `; `.

    Deterministic for the same row, so importing a file again writes the same rejected file.
    """
    details = {"line": line, "limit_mb": limit_mb}
    return "; ".join(
        f"{r.value}: {TEXTS[r]['id'].format_map(details)} / {TEXTS[r]['en'].format_map(details)}"
        for r in reasons
    )


def codes_of(reason_cell: str) -> list[str]:
    """The codes in a `reason` cell written by `describe` (for tools and tests)."""
    return [part.split(":", 1)[0].strip() for part in reason_cell.split("; ") if part.strip()]
