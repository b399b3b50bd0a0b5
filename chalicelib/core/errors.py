"""Every error code of API.md, declared once: its HTTP status and its text in both languages.

`ERROR_CODES` is the one place a code is written down. The exception classes below carry
their code from it (a class naming an undeclared code fails at import); the edge derives
its status table and error bodies from it (chalicelib/http/errors.py), and so do the
answers API Gateway and the WAF give by themselves (infra/template.py, local/gateway.py).
tests/routes/test_error_codes.py checks openapi.yaml against it.

A text may name a limit the edge enforces as `{max_body_kib}`, `{max_quota}` or `{min_password}`: the edge
fills it from the constant, so the text cannot drift from the rule.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, NamedTuple


class ErrorCode(NamedTuple):  # not a dataclass: this is on the API's cold start, and cheaper
    code: str
    status: int
    id: str  # Indonesian, the default
    en: str
    # The code a bare status gets when the framework or API Gateway answers it by itself
    # (at most one per status).
    stands_for_status: bool = False


ERROR_CODES: dict[str, ErrorCode] = {
    e.code: e
    for e in (
        ErrorCode(
            "invalid_json",
            400,
            id="Permintaan tidak dapat dibaca (JSON tidak valid).",
            en="The request could not be read (invalid JSON).",
        ),
        ErrorCode(
            "invalid_request",
            400,
            id="Permintaan tidak lengkap atau isinya tidak sesuai.",
            en="The request is incomplete or has the wrong shape.",
            stands_for_status=True,
        ),
        ErrorCode(
            "invalid_nik",
            400,
            id="NIK tidak valid. NIK terdiri dari 16 angka, sesuai yang tertulis di KTP atau KK.",
            en="Invalid NIK. A NIK is 16 digits, as printed on the KTP or KK.",
        ),
        ErrorCode(
            "invalid_quota",
            400,
            id="Kuota harus berupa bilangan bulat dari 0 sampai {max_quota}.",
            en="The quota must be a whole number from 0 to {max_quota}.",
        ),
        ErrorCode(
            "invalid_day",
            400,
            id="Tanggal tidak valid (format YYYY-MM-DD, tidak boleh hari yang sudah lewat).",
            en="Invalid date (format YYYY-MM-DD, not a day in the past).",
        ),
        ErrorCode(
            "password_rejected",
            400,
            id="Kata sandi baru ditolak: minimal {min_password} karakter, dengan huruf besar, huruf kecil, dan angka.",
            en="The new password was refused: at least {min_password} characters, with upper case, lower case and a digit.",
        ),
        ErrorCode(
            "unauthorized",
            401,
            id="Token tidak ada atau tidak valid.",
            en="Missing or invalid token.",
            stands_for_status=True,
        ),
        ErrorCode(
            "invalid_credentials",
            401,
            id="Nama pengguna atau kata sandi salah, atau akun dinonaktifkan.",
            en="Wrong username or password, or the account is disabled.",
        ),
        ErrorCode(
            "verification_required",
            401,
            id="Verifikasi nomor WhatsApp Anda dulu, lalu ambil antrean.",
            en="Verify your WhatsApp number first, then take a ticket.",
        ),
        ErrorCode(
            "forbidden",
            403,
            id="Anda tidak berwenang untuk tindakan ini.",
            en="You are not allowed to do this.",
            stands_for_status=True,
        ),
        ErrorCode(
            "not_found",
            404,
            id="Data tidak ditemukan.",
            en="No record found.",
            stands_for_status=True,
        ),
        ErrorCode(
            "unknown_site",
            404,
            id="Lokasi layanan tidak dikenal.",
            en="Unknown service site.",
        ),
        ErrorCode(
            "method_not_allowed",
            405,
            id="Metode tidak diizinkan untuk alamat ini.",
            en="Method not allowed for this path.",
            stands_for_status=True,
        ),
        ErrorCode(
            "quota_exhausted",
            409,
            id="Maaf, nomor antrean hari ini sudah habis. Silakan coba lagi pada hari layanan berikutnya.",
            en="Sorry, today's queue numbers have run out. Please try again on the next service day.",
        ),
        ErrorCode(
            "closed",
            409,
            id="Maaf, hari ini tidak ada layanan antrean di lokasi ini.",
            en="Sorry, there is no queue service at this site today.",
        ),
        ErrorCode(
            "holds_other_day",
            409,
            id="NIK ini sudah memegang antrean untuk hari lain. Untuk pindah hari, batalkan dulu antrean itu.",
            en="This NIK already holds a ticket for another day. To change day, cancel that ticket first.",
        ),
        ErrorCode(
            "phone_limit",
            409,
            id="Nomor WhatsApp ini sudah memegang antrean sebanyak batasnya. Batalkan salah satu atau tunggu sampai selesai dilayani.",
            en="This phone already holds as many tickets as allowed. Cancel one or wait until one has been served.",
        ),
        ErrorCode(
            "not_cancellable",
            409,
            id="Antrean ini tidak dapat dibatalkan lagi (sudah hadir, dipanggil, dilayani, atau harinya sudah lewat).",
            en="This ticket can no longer be cancelled (checked in, called, served, or its day is over).",
        ),
        ErrorCode(
            "wrong_day",
            409,
            id="Nomor antrean ini bukan untuk hari ini. Silakan datang pada hari yang tertera.",
            en="This ticket is not for today. Please come on the day it is for.",
        ),
        ErrorCode(
            "queue_empty",
            409,
            id="Tidak ada warga yang menunggu untuk dipanggil.",
            en="Nobody is waiting to be called.",
        ),
        ErrorCode(
            "new_password_required",
            409,
            id="Akun ini masih memakai kata sandi sementara. Kirim lagi dengan kata sandi baru (new_password).",
            en="This account still has a temporary password. Send it again with a new password (new_password).",
        ),
        ErrorCode(
            "payload_too_large",
            413,
            id="Permintaan terlalu besar (maksimal {max_body_kib} KiB).",
            en="The request is too large ({max_body_kib} KiB at most).",
            stands_for_status=True,
        ),
        ErrorCode(
            "unsupported_media_type",
            415,
            id="Jenis isi permintaan tidak didukung; kirim JSON.",
            en="Unsupported request content type; send JSON.",
            stands_for_status=True,
        ),
        ErrorCode(
            "rate_limited",
            429,
            id="Terlalu banyak permintaan. Silakan tunggu sebentar lalu coba lagi.",
            en="Too many requests. Please wait a moment and try again.",
            stands_for_status=True,
        ),
        ErrorCode(
            "internal_error",
            500,
            id="Terjadi kesalahan pada sistem. Silakan coba lagi.",
            en="Something went wrong. Please try again.",
        ),
        ErrorCode(
            "unavailable",
            503,
            id="Layanan sedang sibuk. Silakan coba lagi sebentar lagi; permintaan Anda tidak hilang.",
            en="The service is busy. Please try again shortly; nothing was lost.",
            stands_for_status=True,
        ),
    )
}


class LoketError(Exception):
    """Base of every error a resident or an operator can be told about."""

    code: ClassVar[str] = "internal_error"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.code not in ERROR_CODES:
            raise TypeError(f"{cls.__name__}.code {cls.code!r} is not declared in ERROR_CODES")

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.code)
        self.detail = detail

    def fields(self) -> dict[str, Any]:
        """What the error body carries besides its code and message (a day, for instance)."""
        return {}


class InvalidRequest(LoketError):
    code = "invalid_request"


class InvalidJson(LoketError):
    code = "invalid_json"


class PayloadTooLarge(LoketError):
    code = "payload_too_large"


class UnsupportedMediaType(LoketError):
    code = "unsupported_media_type"


class InvalidNik(LoketError):
    code = "invalid_nik"


class InvalidQuota(LoketError):
    code = "invalid_quota"


class InvalidDay(LoketError):
    code = "invalid_day"


class UnknownSite(LoketError):
    code = "unknown_site"


class NotFound(LoketError):
    code = "not_found"


class MethodNotAllowed(LoketError):
    code = "method_not_allowed"


class QuotaExhausted(LoketError):
    code = "quota_exhausted"

    def __init__(self, next_day_with_room: date | None = None) -> None:
        super().__init__()
        self.next_day_with_room = next_day_with_room

    def fields(self) -> dict[str, Any]:
        if self.next_day_with_room is None:
            return {}
        return {"next_day_with_room": self.next_day_with_room.isoformat()}


class HoldsOtherDay(LoketError):
    code = "holds_other_day"

    def __init__(self, service_day: date) -> None:
        super().__init__()
        self.service_day = service_day

    def fields(self) -> dict[str, Any]:
        return {"service_day": self.service_day.isoformat()}


class WrongDay(LoketError):
    code = "wrong_day"

    def __init__(self, service_day: date) -> None:
        super().__init__()
        self.service_day = service_day

    def fields(self) -> dict[str, Any]:
        return {"service_day": self.service_day.isoformat()}


class QueueEmpty(LoketError):
    code = "queue_empty"


class PhoneLimit(LoketError):
    code = "phone_limit"


class NotCancellable(LoketError):
    code = "not_cancellable"


class VerificationRequired(LoketError):
    code = "verification_required"


class Closed(LoketError):
    code = "closed"


class Unauthorized(LoketError):
    code = "unauthorized"


class Forbidden(LoketError):
    code = "forbidden"


class InvalidCredentials(LoketError):
    """Unknown username, wrong password, disabled account: one answer for all (no enumeration)."""

    code = "invalid_credentials"


class NewPasswordRequired(LoketError):
    code = "new_password_required"


class PasswordRejected(LoketError):
    code = "password_rejected"


class RateLimited(LoketError):
    code = "rate_limited"

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(f"retry after {retry_after_seconds}s")
        self.retry_after_seconds = retry_after_seconds


class Unavailable(LoketError):
    """The store is throttled or unreachable: safe to retry, nothing was lost."""

    code = "unavailable"

    def __init__(self, detail: str = "", retry_after_seconds: int = 2) -> None:
        super().__init__(detail)
        self.retry_after_seconds = retry_after_seconds
