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


# Why a row of a stage import (CSV) was not taken: operators read these in the `reason` column
# of imports-rejected/<name>. Codes are stable; texts may change and never contain ";".
IMPORT_REASONS: dict[str, dict[Language, str]] = {
    "wrong_header": {
        "id": "baris judul harus tepat nik,service,stage,updated_at (simpan sebagai CSV UTF-8)",
        "en": "the header must be exactly nik,service,stage,updated_at (save as CSV UTF-8)",
    },
    "empty_file": {
        "id": "berkas kosong, tidak ada baris judul",
        "en": "the file is empty, no header",
    },
    "file_too_large": {
        "id": "berkas lebih dari {limit_mb} MB: bagi menjadi beberapa berkas",
        "en": "the file is larger than {limit_mb} MB: split it into several files",
    },
    "not_utf8": {
        "id": "baris berisi karakter yang bukan UTF-8",
        "en": "the row holds characters that are not UTF-8",
    },
    "unreadable_row": {
        "id": "baris {line} tidak terbaca sebagai CSV (tanda kutip tidak ditutup?)",
        "en": "line {line} could not be read as CSV (unclosed quote?)",
    },
    "missing_columns": {
        "id": "kolom kurang dari baris judul",
        "en": "fewer cells than the header",
    },
    "extra_columns": {
        "id": "kolom lebih banyak dari baris judul",
        "en": "more cells than the header",
    },
    "invalid_nik": {
        "id": "NIK tidak valid (16 angka, tanggal lahir yang mungkin, nomor urut mulai 0001)",
        "en": "invalid NIK (16 digits, a possible birth date, a serial from 0001)",
    },
    "unknown_service": {
        "id": "service harus salah satu dari ektp, kk, akta_lahir, akta_mati",
        "en": "service must be one of ektp, kk, akta_lahir, akta_mati",
    },
    "unknown_stage": {
        "id": "stage tidak dikenal (received, recorded, verifying, waiting_blank, printing, ready, "
        "collected, rejected)",
        "en": "unknown stage (received, recorded, verifying, waiting_blank, printing, ready, "
        "collected, rejected)",
    },
    "invalid_updated_at": {
        "id": "updated_at bukan waktu ISO 8601, contoh 2025-05-01T09:30:00+07:00",
        "en": "updated_at is not an ISO 8601 time, e.g. 2025-05-01T09:30:00+07:00",
    },
    "updated_at_without_offset": {
        "id": "updated_at tanpa zona waktu: tambahkan +07:00",
        "en": "updated_at has no offset: add +07:00",
    },
    "updated_at_in_future": {
        "id": "updated_at lebih dari 5 menit di masa depan",
        "en": "updated_at is more than 5 minutes in the future",
    },
    "not_processed": {
        "id": "baris tidak diproses karena impor berhenti lebih awal: unggah lagi baris ini",
        "en": "row not processed because the import stopped early: upload this row again",
    },
}


# --- WhatsApp replies (begin) ---------------------------------------------------------------
# Worded by chalicelib/whatsapp/replies.py. Short lines for a phone screen; *bold* is
# WhatsApp's own markup. A NIK appears only as its last 4 digits ({last4}), never with
# asterisks (WhatsApp would read them as bold). Keys are stable; texts may change.

WHATSAPP_TEXTS: dict[str, dict[Language, str]] = {
    "help": {
        "id": "Halo! Ini layanan WhatsApp Dispendukcapil Kabupaten Blitar.\n"
        "Ketik salah satu:\n"
        "\n"
        "*STATUS <NIK>*\n"
        "cek tahap pengurusan dokumen Anda\n"
        "\n"
        "*ANTRE <NIK>*\n"
        "ambil nomor antrean untuk hari ini\n"
        "\n"
        "*KUOTA*\n"
        "lihat sisa nomor antrean hari ini\n"
        "\n"
        "NIK adalah 16 angka di KTP atau KK.\n"
        "Contoh: STATUS 3505xxxxxxxxxxxx",
        "en": "Hello! This is the WhatsApp service of the civil registry office of Kabupaten Blitar.\n"
        "Send one of:\n"
        "\n"
        "*STATUS <NIK>*\n"
        "where your documents are\n"
        "\n"
        "*ANTRE <NIK>*\n"
        "take a queue number for today\n"
        "\n"
        "*KUOTA*\n"
        "queue numbers left today\n"
        "\n"
        "The NIK is the 16 digits on your KTP or KK.\n"
        "Example: STATUS 3505xxxxxxxxxxxx",
    },
    "status_header": {
        "id": "Status dokumen untuk NIK akhiran *{last4}*:",
        "en": "Documents for the NIK ending in *{last4}*:",
    },
    "status_item": {
        "id": "*{service}*\nTahap: {label}\nSelanjutnya: {next_step}\n(diperbarui {updated})",
        "en": "*{service}*\nStage: {label}\nNext: {next_step}\n(updated {updated})",
    },
    "status_not_found": {
        "id": "Belum ada data pengurusan dokumen untuk NIK akhiran *{last4}*.\n"
        "Pastikan NIK sudah benar (16 angka sesuai KTP/KK). Jika berkas baru diserahkan, "
        "coba lagi beberapa hari lagi atau tanyakan ke kantor.",
        "en": "There is no application on record for the NIK ending in *{last4}*.\n"
        "Check that the NIK is right (16 digits, as on the KTP/KK). If you handed in your papers "
        "recently, try again in a few days or ask at the office.",
    },
    "bad_nik": {
        "id": "NIK tidak valid. NIK terdiri dari 16 angka, sesuai yang tertulis di KTP atau KK.\n"
        "Contoh: *{command} 3505xxxxxxxxxxxx*",
        "en": "Invalid NIK. A NIK is 16 digits, as printed on the KTP or KK.\n"
        "Example: *{command} 3505xxxxxxxxxxxx*",
    },
    "ticket_new": {
        "id": "Nomor antrean Anda: *{number}*",
        "en": "Your queue number: *{number}*",
    },
    "ticket_held": {
        "id": "Anda sudah punya nomor antrean hari ini: *{number}*",
        "en": "You already hold a queue number for today: *{number}*",
    },
    "ticket_details": {
        "id": "Hari: {day}\nTempat: {site}\nNIK akhiran {last4}\n\n"
        "Silakan datang hari ini. Bawa KTP-el atau KK asli dan tunjukkan pesan ini kepada petugas. "
        "Nomor dipanggil berurutan.",
        "en": "Day: {day}\nPlace: {site}\nNIK ending in {last4}\n\n"
        "Please come today. Bring your original e-KTP or KK and show this message to the staff. "
        "Numbers are called in order.",
    },
    "ticket_exhausted": {
        "id": "Maaf, nomor antrean hari ini ({day}) sudah habis. "
        "Silakan coba lagi pada hari layanan berikutnya.",
        "en": "Sorry, today's queue numbers ({day}) have run out. Please try again on the next service day.",
    },
    "ticket_closed": {
        "id": "Maaf, hari ini ({day}) tidak ada layanan antrean di {site}. "
        "Silakan coba lagi pada hari layanan berikutnya.",
        "en": "Sorry, there is no queue service at {site} today ({day}). "
        "Please try again on the next service day.",
    },
    "quota_open": {
        "id": "Kuota antrean hari ini\n{day}\n{site}\n\nSisa *{remaining}* dari {quota} nomor.\n"
        "Ketik *ANTRE <NIK>* untuk mengambil nomor.",
        "en": "Today's queue quota\n{day}\n{site}\n\n*{remaining}* of {quota} numbers left.\n"
        "Send *ANTRE <NIK>* to take one.",
    },
    "quota_full": {
        "id": "Kuota antrean hari ini\n{day}\n{site}\n\n"
        "Nomor antrean sudah habis ({issued} dari {quota} nomor telah diambil). "
        "Silakan coba lagi pada hari layanan berikutnya.",
        "en": "Today's queue quota\n{day}\n{site}\n\n"
        "All queue numbers are taken ({issued} of {quota}). Please try again on the next service day.",
    },
    "quota_closed": {
        "id": "Hari ini ({day}) tidak ada layanan antrean di {site}.",
        "en": "There is no queue service at {site} today ({day}).",
    },
    "rate_limited": {
        "id": "Mohon maaf, pesan Anda terlalu banyak dalam waktu singkat. "
        "Tunggu sekitar {seconds} detik, lalu kirim lagi. Terima kasih.",
        "en": "Sorry, you sent too many messages in a short time. "
        "Please wait about {seconds} seconds, then send again. Thank you.",
    },
    "internal_error": {
        "id": "Maaf, sistem sedang mengalami gangguan. Silakan coba lagi beberapa saat lagi.",
        "en": "Sorry, something went wrong on our side. Please try again in a moment.",
    },
}

WHATSAPP_SITE_NAMES: dict[str, dict[Language, str]] = {
    "kab-blitar": {
        "id": "Kantor Dispendukcapil Kabupaten Blitar",
        "en": "Civil Registry Office, Kabupaten Blitar",
    },
}

WHATSAPP_WEEKDAYS: dict[Language, tuple[str, ...]] = {  # Monday first, as date.weekday()
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}

WHATSAPP_MONTHS: dict[Language, tuple[str, ...]] = {
    "id": (
        "Januari", "Februari", "Maret", "April", "Mei", "Juni",
        "Juli", "Agustus", "September", "Oktober", "November", "Desember",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip
# --- WhatsApp replies (end) -----------------------------------------------------------------
