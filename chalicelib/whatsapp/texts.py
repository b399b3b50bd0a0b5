"""The WhatsApp replies' texts, Indonesian with English beside it; worded by replies.py.

Short lines for a phone screen; *bold* is WhatsApp's own markup. A NIK appears only as its
last 4 digits ({last4}), never with asterisks (WhatsApp would read them as bold). Keys are
stable; texts may change. Only the WhatsApp routes and worker import this, never the API's
cold start.
"""

from __future__ import annotations

from chalicelib.core.messages import Language

TEXTS: dict[str, dict[Language, str]] = {
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
    "site_address": {
        "id": "Alamat: {address}",
        "en": "Address: {address}",
    },
    "site_hours": {
        "id": "Jam layanan: {hours}",
        "en": "Opening hours: {hours}",
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
    "verified": {
        "id": "Terima kasih, nomor WhatsApp Anda sudah terverifikasi.\n"
        "Silakan kembali ke halaman antrean di browser Anda untuk melanjutkan.",
        "en": "Thank you, your WhatsApp number is verified.\n"
        "Please go back to the queue page in your browser to continue.",
    },
    "verification_refused": {
        "id": "Kode verifikasi ini tidak dikenal, sudah dipakai, atau sudah kedaluwarsa "
        "(berlaku 10 menit, satu kali).\n"
        "Buka lagi halaman antrean di browser Anda untuk mendapatkan kode baru.",
        "en": "This verification code is unknown, already used, or expired (it works once, "
        "for 10 minutes).\nOpen the queue page in your browser again to get a new code.",
    },
    "verification_limited": {
        "id": "Nomor ini sudah terlalu sering mengirim kode verifikasi dalam satu jam. "
        "Silakan coba lagi sekitar {minutes} menit lagi.",
        "en": "This number has sent too many verification codes in an hour. "
        "Please try again in about {minutes} minutes.",
    },
    "internal_error": {
        "id": "Maaf, sistem sedang mengalami gangguan. Silakan coba lagi beberapa saat lagi.",
        "en": "Sorry, something went wrong on our side. Please try again in a moment.",
    },
}

WEEKDAYS: dict[Language, tuple[str, ...]] = {  # Monday first, as date.weekday()
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}

MONTHS: dict[Language, tuple[str, ...]] = {
    "id": (
        "Januari", "Februari", "Maret", "April", "Mei", "Juni",
        "Juli", "Agustus", "September", "Oktober", "November", "Desember",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip
