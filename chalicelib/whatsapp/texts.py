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
        "ambil nomor antrean untuk hari ini; untuk hari lain tulis harinya sesudah NIK: "
        "ANTRE <NIK> besok, ANTRE <NIK> senin, ANTRE <NIK> 5/12\n"
        "\n"
        "*BATAL <kode>*\n"
        "batalkan nomor antrean Anda (kodenya ada di pesan nomor antrean)\n"
        "\n"
        "*JADWAL*\n"
        "hari-hari yang masih ada nomor antrean\n"
        "\n"
        "*POSISI*\n"
        "nomor antrean Anda hari ini\n"
        "\n"
        "*KUOTA*\n"
        "lihat sisa nomor antrean hari ini\n"
        "\n"
        "NIK adalah 16 angka di KTP atau KK.\n"
        "Contoh: ANTRE 3505xxxxxxxxxxxx besok",
        "en": "Hello! This is the WhatsApp service of the civil registry office of Kabupaten Blitar.\n"
        "Send one of:\n"
        "\n"
        "*STATUS <NIK>*\n"
        "where your documents are\n"
        "\n"
        "*ANTRE <NIK>*\n"
        "take a queue number for today; for another day write the day after the NIK: "
        "ANTRE <NIK> besok (tomorrow), ANTRE <NIK> senin (Monday), ANTRE <NIK> 5/12\n"
        "\n"
        "*BATAL <code>*\n"
        "cancel your queue number (the code is in the message with your number)\n"
        "\n"
        "*JADWAL*\n"
        "the days with queue numbers left\n"
        "\n"
        "*POSISI*\n"
        "your queue number for today\n"
        "\n"
        "*KUOTA*\n"
        "queue numbers left today\n"
        "\n"
        "The NIK is the 16 digits on your KTP or KK.\n"
        "Example: ANTRE 3505xxxxxxxxxxxx besok",
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
    "ticket_held_today": {
        "id": "Anda sudah punya nomor antrean hari ini: *{number}*",
        "en": "You already hold a queue number for today: *{number}*",
    },
    "ticket_held_day": {
        "id": "Anda sudah punya nomor antrean untuk {day}: *{number}*",
        "en": "You already hold a queue number for {day}: *{number}*",
    },
    "ticket_details": {
        "id": "Hari: {day}\nTempat: {site}\nKode: *{code}*\nNIK akhiran {last4}\n\n{come}\n\n{bring}\n\n"
        "Tidak jadi datang? Kirim *BATAL {code}* agar nomornya bisa dipakai warga lain.",
        "en": "Day: {day}\nPlace: {site}\nCode: *{code}*\nNIK ending in {last4}\n\n{come}\n\n{bring}\n\n"
        "Not coming? Send *BATAL {code}* so that another resident can have the place.",
    },
    "ticket_details_without_code": {
        "id": "Hari: {day}\nTempat: {site}\nNIK akhiran {last4}\n\n"
        "Nomor ini diambil dari nomor WhatsApp lain atau di kantor; kodenya hanya diberikan "
        "kepada yang mengambilnya.\n\n{come}\n\n{bring}",
        "en": "Day: {day}\nPlace: {site}\nNIK ending in {last4}\n\n"
        "This number was taken from another WhatsApp number or at the office; its code is given "
        "only to whoever took it.\n\n{come}\n\n{bring}",
    },
    "ticket_come_today": {
        "id": "Silakan datang hari ini pada jam layanan. Nomor dipanggil berurutan.",
        "en": "Please come today during opening hours. Numbers are called in order.",
    },
    "ticket_come_on_day": {
        "id": "Silakan datang pada *{day}*, pada jam layanan. Nomor ini hanya berlaku pada hari itu. "
        "Nomor dipanggil berurutan.",
        "en": "Please come on *{day}*, during opening hours. This number is valid on that day only. "
        "Numbers are called in order.",
    },
    "ticket_bring": {
        "id": "Yang perlu dibawa:\n"
        "- KTP-el atau KK asli\n"
        "- berkas persyaratan layanan yang Anda urus, asli dan fotokopinya\n"
        "- pesan ini atau kodenya, untuk ditunjukkan kepada petugas",
        "en": "What to bring:\n"
        "- your original e-KTP or KK\n"
        "- the documents the service you need asks for, originals and photocopies\n"
        "- this message or its code, to show the staff",
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
        "id": "Maaf, nomor antrean untuk {day} di {site} sudah habis.",
        "en": "Sorry, the queue numbers for {day} at {site} have run out.",
    },
    "ticket_next_day": {
        "id": "Hari terdekat yang masih ada nomor: *{day}*.\nKirim *ANTRE <NIK> {typed}* untuk mengambilnya.",
        "en": "The nearest day with numbers left: *{day}*.\nSend *ANTRE <NIK> {typed}* to take one.",
    },
    "ticket_no_next_day": {
        "id": "Sampai {last} belum ada hari lain yang masih ada nomor. Nomor yang dibatalkan "
        "kembali tersedia: coba lagi nanti, atau kirim *JADWAL*.",
        "en": "Up to {last} no other day has numbers left. Cancelled numbers become available "
        "again: try again later, or send *JADWAL*.",
    },
    "ticket_closed": {
        "id": "Maaf, tidak ada layanan antrean di {site} pada {day}.\n"
        "Kirim *JADWAL* untuk melihat hari yang masih ada nomor.",
        "en": "Sorry, there is no queue service at {site} on {day}.\n"
        "Send *JADWAL* to see the days with numbers left.",
    },
    "ticket_holds_other_day": {
        "id": "NIK akhiran {last4} sudah punya nomor antrean untuk *{day}*.\n"
        "Satu NIK hanya boleh punya satu nomor antrean yang akan datang. Untuk pindah hari, "
        "batalkan dulu nomor itu: kirim *BATAL <kode>* (kodenya ada di pesan nomor antrean Anda), "
        "lalu kirim ANTRE lagi dengan hari yang baru.",
        "en": "The NIK ending in {last4} already holds a queue number for *{day}*.\n"
        "A NIK may hold one upcoming queue number only. To change the day, cancel that one "
        "first: send *BATAL <code>* (the code is in the message with your number), then send "
        "ANTRE again with the new day.",
    },
    "ticket_phone_limit": {
        "id": "Nomor WhatsApp ini sudah memegang {limit} nomor antrean yang akan datang: batas "
        "untuk satu nomor WhatsApp.\n"
        "Bila ada yang tidak jadi datang, batalkan dengan *BATAL <kode>*. Warga lain dapat "
        "mengambil nomor dari WhatsApp-nya sendiri, atau lewat petugas desa/kecamatan.",
        "en": "This WhatsApp number already holds {limit} upcoming queue numbers: the limit for "
        "one WhatsApp number.\n"
        "If someone is not coming, cancel with *BATAL <code>*. Others can take a number from "
        "their own WhatsApp, or through their village or kecamatan officer.",
    },
    "ticket_day_passed": {
        "id": "{day} sudah lewat. Nomor antrean bisa diambil untuk hari ini sampai {last}.",
        "en": "{day} has passed. Queue numbers can be taken for today up to {last}.",
    },
    "ticket_day_too_far": {
        "id": "{day} terlalu jauh. Nomor antrean bisa diambil untuk hari ini sampai {last}.",
        "en": "{day} is too far ahead. Queue numbers can be taken for today up to {last}.",
    },
    "ticket_day_not_open": {
        "id": "{day} bukan hari layanan di {site}.",
        "en": "{day} is not a service day at {site}.",
    },
    "ticket_see_schedule": {
        "id": "Kirim *JADWAL* untuk melihat hari yang masih ada nomor.",
        "en": "Send *JADWAL* to see the days with numbers left.",
    },
    "bad_day_unreadable": {
        "id": "Maaf, harinya tidak dapat dibaca. Tulis harinya sesudah NIK, misalnya:\n{forms}",
        "en": "Sorry, the day could not be read. Write the day after the NIK, for example:\n{forms}",
    },
    "bad_day_no_such_date": {
        "id": "Tanggal itu tidak ada di kalender. Tulis harinya sesudah NIK, misalnya:\n{forms}",
        "en": "That date is not in the calendar. Write the day after the NIK, for example:\n{forms}",
    },
    "day_forms": {
        "id": "*ANTRE <NIK> besok*\n*ANTRE <NIK> lusa*\n*ANTRE <NIK> senin*\n"
        "*ANTRE <NIK> {numeric}*\n*ANTRE <NIK> {worded}*\nTanpa hari: nomor untuk hari ini.",
        "en": "*ANTRE <NIK> besok* (tomorrow)\n*ANTRE <NIK> lusa* (the day after tomorrow)\n"
        "*ANTRE <NIK> senin* (Monday; selasa, rabu, kamis, jumat, sabtu, minggu)\n"
        "*ANTRE <NIK> {numeric}* (day/month)\n*ANTRE <NIK> {worded}*\n"
        "Without a day: a number for today.",
    },
    "cancelled": {
        "id": "Nomor antrean *{number}* untuk {day} sudah dibatalkan.\n"
        "Tempatnya kembali tersedia untuk warga lain. Untuk memilih hari lain, kirim "
        "*ANTRE <NIK> <hari>*, misalnya ANTRE <NIK> besok.",
        "en": "Queue number *{number}* for {day} is cancelled.\n"
        "Its place is free again for another resident. To choose another day, send "
        "*ANTRE <NIK> <day>*, for example ANTRE <NIK> besok.",
    },
    "cancel_not_found": {
        "id": "Tidak ada nomor antrean dengan kode *{code}* yang diambil dari nomor WhatsApp ini.\n"
        "Periksa kodenya: 8 huruf dan angka, ada di pesan nomor antrean Anda.",
        "en": "No queue number with the code *{code}* was taken from this WhatsApp number.\n"
        "Check the code: 8 letters and digits, in the message with your number.",
    },
    "not_cancellable": {
        "id": "Nomor antrean *{number}* untuk {day} tidak dapat dibatalkan lagi: {why}.",
        "en": "Queue number *{number}* for {day} can no longer be cancelled: {why}.",
    },
    "not_cancellable_day_over": {
        "id": "harinya sudah lewat",
        "en": "its day is over",
    },
    "bad_code": {
        "id": "Tulis kode nomor antrean sesudah BATAL, misalnya *BATAL K7Q2M94X*.\n"
        "Kodenya 8 huruf dan angka, ada di pesan nomor antrean Anda.",
        "en": "Write the queue number's code after BATAL, for example *BATAL K7Q2M94X*.\n"
        "The code is 8 letters and digits, in the message with your number.",
    },
    "schedule_header": {
        "id": "Hari yang masih ada nomor antrean\n{site}\n",
        "en": "Days with queue numbers left\n{site}\n",
    },
    "schedule_item": {
        "id": "- {day}: sisa {remaining}",
        "en": "- {day}: {remaining} left",
    },
    "schedule_footer": {
        "id": "\nKirim *ANTRE <NIK> <tanggal>* untuk mengambil nomor, misalnya ANTRE <NIK> {typed}.",
        "en": "\nSend *ANTRE <NIK> <date>* to take a number, for example ANTRE <NIK> {typed}.",
    },
    "schedule_empty": {
        "id": "Sampai {last} tidak ada hari yang masih ada nomor antrean di {site}.\n"
        "Nomor yang dibatalkan kembali tersedia: coba lagi nanti.",
        "en": "Up to {last} no day has queue numbers left at {site}.\n"
        "Cancelled numbers become available again: try again later.",
    },
    "position": {
        "id": "Nomor antrean Anda: *{number}*\nHari: {day}\nTempat: {site}\nStatus: {state}",
        "en": "Your queue number: *{number}*\nDay: {day}\nPlace: {site}\nState: {state}",
    },
    "position_wait": {
        "id": "Di depan Anda: {ahead} orang\nPerkiraan dipanggil: sekitar pukul {time} {zone}",
        "en": "Ahead of you: {ahead}\nLikely to be called: around {time} {zone}",
    },
    "position_none": {
        "id": "Nomor WhatsApp ini tidak memegang nomor antrean untuk hari ini ({day}).\n"
        "Kirim *ANTRE <NIK>* untuk mengambil nomor, atau *JADWAL* untuk melihat hari lain.",
        "en": "This WhatsApp number holds no queue number for today ({day}).\n"
        "Send *ANTRE <NIK>* to take one, or *JADWAL* to see other days.",
    },
    "phone_unusable": {
        "id": "Maaf, nomor antrean tidak dapat diambil dari nomor WhatsApp ini. "
        "Silakan minta bantuan petugas desa/kecamatan atau datang ke kantor.",
        "en": "Sorry, no queue number can be taken from this WhatsApp number. "
        "Please ask your village or kecamatan officer, or come to the office.",
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

TICKET_STATES: dict[str, dict[Language, str]] = {  # a ticket's state, as a resident reads it
    "booked": {"id": "terdaftar, belum lapor kedatangan", "en": "booked, not checked in yet"},
    "checked_in": {
        "id": "sudah lapor kedatangan, menunggu dipanggil",
        "en": "checked in, waiting to be called",
    },
    "called": {"id": "sedang dipanggil: segera ke loket", "en": "being called: go to the desk now"},
    "served": {"id": "sudah dilayani", "en": "served"},
    "no_show": {"id": "tidak hadir saat dipanggil", "en": "not there when called"},
    "cancelled": {"id": "dibatalkan", "en": "cancelled"},
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
