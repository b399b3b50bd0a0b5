"""How the domain reads to a resident, on the web and on WhatsApp alike: service names, stage
labels and next steps, Indonesian with English beside it.

Indonesian is the default; `Accept-Language: en` (or a WhatsApp user's choice) selects
English. Keys are the enums; texts may change. The other texts live with their audience:
error codes in chalicelib/core/errors.py, import reasons in chalicelib/imports/reasons.py,
WhatsApp replies in chalicelib/whatsapp/texts.py.
"""

from __future__ import annotations

from typing import Literal

from chalicelib.core.applications import Service, Stage

Language = Literal["id", "en"]

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
