"""The message catalogue: every text a resident or operator reads, Indonesian with English beside it.

Indonesian is the default; `Accept-Language: en` (or a WhatsApp user's choice)
selects English. Keys are stable codes; texts may change.
"""

from __future__ import annotations

from typing import Literal

from chalicelib.core.applications import Service, Stage

Language = Literal["id", "en"]

ERRORS: dict[str, dict[Language, str]] = {
    "invalid_json": {
        "id": "Permintaan tidak dapat dibaca (JSON tidak valid).",
        "en": "The request could not be read (invalid JSON).",
    },
    "invalid_request": {
        "id": "Permintaan tidak lengkap atau isinya tidak sesuai.",
        "en": "The request is incomplete or has the wrong shape.",
    },
    "payload_too_large": {
        "id": "Permintaan terlalu besar (maksimal 64 KiB).",
        "en": "The request is too large (64 KiB at most).",
    },
    "invalid_nik": {
        "id": "NIK tidak valid. NIK terdiri dari 16 angka, sesuai yang tertulis di KTP atau KK.",
        "en": "Invalid NIK. A NIK is 16 digits, as printed on the KTP or KK.",
    },
    "invalid_quota": {
        "id": "Kuota harus berupa bilangan bulat dari 0 sampai 10000.",
        "en": "The quota must be a whole number from 0 to 10000.",
    },
    "invalid_day": {
        "id": "Tanggal tidak valid (format YYYY-MM-DD, tidak boleh hari yang sudah lewat).",
        "en": "Invalid date (format YYYY-MM-DD, not a day in the past).",
    },
    "unknown_site": {
        "id": "Lokasi layanan tidak dikenal.",
        "en": "Unknown service site.",
    },
    "not_found": {
        "id": "Data tidak ditemukan.",
        "en": "No record found.",
    },
    "method_not_allowed": {
        "id": "Metode tidak diizinkan untuk alamat ini.",
        "en": "Method not allowed for this path.",
    },
    "unsupported_media_type": {
        "id": "Jenis isi permintaan tidak didukung; kirim JSON.",
        "en": "Unsupported request content type; send JSON.",
    },
    "quota_exhausted": {
        "id": "Maaf, nomor antrean hari ini sudah habis. Silakan coba lagi pada hari layanan berikutnya.",
        "en": "Sorry, today's queue numbers have run out. Please try again on the next service day.",
    },
    "closed": {
        "id": "Maaf, hari ini tidak ada layanan antrean di lokasi ini.",
        "en": "Sorry, there is no queue service at this site today.",
    },
    "unauthorized": {
        "id": "Token tidak ada atau tidak valid.",
        "en": "Missing or invalid token.",
    },
    "forbidden": {
        "id": "Anda tidak berwenang untuk tindakan ini.",
        "en": "You are not allowed to do this.",
    },
    "rate_limited": {
        "id": "Terlalu banyak permintaan. Silakan tunggu sebentar lalu coba lagi.",
        "en": "Too many requests. Please wait a moment and try again.",
    },
    "unavailable": {
        "id": "Layanan sedang sibuk. Silakan coba lagi sebentar lagi; permintaan Anda tidak hilang.",
        "en": "The service is busy. Please try again shortly; nothing was lost.",
    },
    "internal_error": {
        "id": "Terjadi kesalahan pada sistem. Silakan coba lagi.",
        "en": "Something went wrong. Please try again.",
    },
}

SERVICE_NAMES: dict[Service, dict[Language, str]] = {
    Service.EKTP: {"id": "KTP elektronik", "en": "electronic ID card (e-KTP)"},
    Service.KK: {"id": "Kartu Keluarga", "en": "family card (KK)"},
    Service.AKTA_LAHIR: {"id": "Akta Kelahiran", "en": "birth certificate"},
    Service.AKTA_MATI: {"id": "Akta Kematian", "en": "death certificate"},
}

STAGE_LABELS: dict[Stage, dict[Language, str]] = {
    Stage.RECEIVED: {"id": "Berkas diterima", "en": "Application received"},
    Stage.RECORDED: {"id": "Perekaman biometrik selesai", "en": "Biometrics recorded"},
    Stage.VERIFYING: {"id": "Verifikasi data pusat", "en": "Central data verification"},
    Stage.WAITING_BLANK: {"id": "Menunggu blangko", "en": "Waiting for blank cards"},
    Stage.PRINTING: {"id": "Sedang dicetak", "en": "Being printed"},
    Stage.READY: {"id": "Siap diambil", "en": "Ready for collection"},
    Stage.COLLECTED: {"id": "Sudah diambil", "en": "Collected"},
    Stage.REJECTED: {
        "id": "Perlu perbaikan data: datang ke kantor dengan KK asli dan dokumen pendukung",
        "en": "Data needs correcting: come to the office with the original KK and supporting documents",
    },
}

NEXT_STEPS: dict[Stage, dict[Language, str]] = {
    Stage.RECEIVED: {
        "id": "Tidak perlu datang. Berkas Anda sedang diproses; cek lagi dalam beberapa hari.",
        "en": "No need to come in. Your application is being processed; check again in a few days.",
    },
    Stage.RECORDED: {
        "id": "Tidak perlu datang. Data Anda sedang dikirim untuk verifikasi pusat.",
        "en": "No need to come in. Your data is being sent for central verification.",
    },
    Stage.VERIFYING: {
        "id": "Tidak perlu datang. Menunggu verifikasi dari pusat (biasanya 1-7 hari kerja).",
        "en": "No need to come in. Waiting for central verification (usually 1-7 working days).",
    },
    Stage.WAITING_BLANK: {
        "id": "Tidak perlu datang. Dokumen akan dicetak setelah blangko tersedia.",
        "en": "No need to come in. The document will be printed once blank cards arrive.",
    },
    Stage.PRINTING: {
        "id": "Tidak perlu datang dulu. Dokumen sedang dicetak; cek lagi besok.",
        "en": "Not yet. The document is being printed; check again tomorrow.",
    },
    Stage.READY: {
        "id": "Silakan ambil di kantor pada hari kerja. Bawa KTP/KK asli dan bukti pengajuan; ambil nomor antrean lebih dulu.",
        "en": "Please collect it at the office on a working day. Bring your original KTP/KK and the application receipt; take a queue number first.",
    },
    Stage.COLLECTED: {
        "id": "Selesai. Dokumen sudah diambil.",
        "en": "Done. The document has been collected.",
    },
    Stage.REJECTED: {
        "id": "Ambil nomor antrean, lalu datang membawa KK asli, KTP, dan dokumen pendukung untuk perbaikan data.",
        "en": "Take a queue number, then come with the original KK, KTP and supporting documents to correct the data.",
    },
}


def language_of(accept_language: str | None) -> Language:
    """English only when the client asks for it first; Indonesian otherwise."""
    if not accept_language:
        return "id"
    first = accept_language.split(",")[0].split(";")[0].strip().lower()
    return "en" if first == "en" or first.startswith("en-") else "id"


def error_message(code: str, language: Language) -> str:
    return ERRORS.get(code, ERRORS["internal_error"])[language]
