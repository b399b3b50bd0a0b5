"""Commands as residents type them: any case, extra spaces, separators in the NIK, emoji."""

from __future__ import annotations

import pytest

from chalicelib.core.nik import parse_nik
from chalicelib.whatsapp.commands import (
    AskCancel,
    AskHelp,
    AskPosition,
    AskQuota,
    AskSchedule,
    AskStatus,
    AskTicket,
    BadCode,
    BadNik,
    parse_command,
)

NIK = "3505124509909001"


@pytest.mark.parametrize(
    "text",
    [
        "STATUS 3505124509909001",
        "status 3505124509909001",
        "  Status   3505124509909001  ",
        "STATUS 3505.1245.0990.9001",
        "status 3505-1245-0990-9001",
        "STATUS: 3505 1245 0990 9001",
        "status\n3505124509909001",
        "Status nik saya 3505124509909001 🙏",
        "ＳＴＡＴＵＳ ３５０５１２４５０９９０９００１",  # fullwidth, from some phone keyboards
        "3505124509909001",
        " 3505.1245.0990.9001 ",
    ],
)
def test_status_is_understood_however_it_is_typed(text: str) -> None:
    command = parse_command(text)
    assert isinstance(command, AskStatus)
    assert command.nik.digits == NIK


@pytest.mark.parametrize(
    "text",
    [
        "ANTRE 3505124509909001",
        "antre 3505.1245.0990.9001",
        "Antri 3505-1245-0990-9001",
        "ANTRE:3505124509909001",
    ],
)
def test_antre_takes_a_nik_however_it_is_typed(text: str) -> None:
    command = parse_command(text)
    assert isinstance(command, AskTicket)
    assert command.nik.digits == NIK


@pytest.mark.parametrize("text", ["KUOTA", "kuota", " Kuota ", "kuota?", "KUOTA hari ini"])
def test_kuota_is_understood(text: str) -> None:
    assert parse_command(text) == AskQuota()


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("STATUS", "STATUS"),
        ("status 123", "STATUS"),
        ("STATUS 3505124509900000", "STATUS"),  # serial 0000
        ("STATUS 3505129909909001", "STATUS"),  # month 99
        ("ANTRE", "ANTRE"),
        ("antre 35051245099090011", "ANTRE"),  # 17 digits
        ("350512450990900", "STATUS"),  # a bare NIK one digit short
    ],
)
def test_a_command_without_a_valid_nik_says_so(text: str, command: str) -> None:
    assert parse_command(text) == BadNik(command)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    ["", "halo", "Halo kak 🙏 mau tanya", "statusnya gimana?", "kuotanya", "123", "ANTREAN"],
)
def test_anything_else_gets_help(text: str) -> None:
    assert parse_command(text) == AskHelp()


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("ANTRE 3505124509909001", ""),
        ("ANTRE 3505124509909001 besok", "besok"),
        ("antri 3505124509909001 lusa", "lusa"),
        ("ANTRE 3505124509909001 5/12", "5/12"),
        ("ANTRE 3505124509909001 05-12", "05-12"),
        ("ANTRE 3505124509909001 5/12/2026", "5/12/2026"),
        ("ANTRE 3505 1245 0990 9001 5/12", "5/12"),
        ("ANTRE 3505 1245 0990 9001 05-12-2026", "05-12-2026"),
        ("ANTRE 3505.1245.0990.9001 5 Des", "5 Des"),
        ("ANTRE: 3505-1245-0990-9001   senin", "senin"),
        ("ANTRE 3505124509909001 1", "1"),  # no day: the reply will say so, no ticket for today
        ("ANTRE besok 3505124509909001", "besok"),
        ("ANTRE untuk 5/12 nik 3505124509909001", "untuk 5/12 nik"),
        ("ANTRE nik saya 3505124509909001", ""),  # words that are no day, before the NIK: as ever
    ],
)
def test_antre_reads_the_day_after_the_nik_and_never_into_it(text: str, day: str) -> None:
    command = parse_command(text)
    assert command == AskTicket(parse_nik(NIK), day)


@pytest.mark.parametrize(
    "text",
    [
        "ANTRE 3505124509909001512",  # the date run into the NIK: 19 digits, not a NIK
        "ANTRE 3505.1245.0990.9001.5/12",  # no space: the 17th digit belongs to the run
        "ANTRE 35051245099090 5/12",  # 14 digits, then the date: the date does not complete it
    ],
)
def test_digits_run_into_the_nik_make_it_invalid_rather_than_a_day(text: str) -> None:
    assert parse_command(text) == BadNik("ANTRE")


@pytest.mark.parametrize(
    "text",
    [
        "BATAL K7Q2M94X",
        "batal k7q2m94x",
        "Batal: K7Q2M94X",
        "BATALKAN K7Q2M94X",
        "batal K7Q2-M94X",
        "BATAL K7Q2 M94X",
        "batal kode K7Q2M94X ya 🙏",
    ],
)
def test_batal_reads_the_code_however_it_is_typed(text: str) -> None:
    assert parse_command(text) == AskCancel("K7Q2M94X")


@pytest.mark.parametrize(
    "text", ["BATAL", "batal 123", "BATAL K7Q2M94", "BATAL K7Q2M940", "BATAL K7Q2M94XY", "batalkan"]
)
def test_batal_without_a_code_says_how_to_write_it(text: str) -> None:
    assert parse_command(text) == BadCode()


@pytest.mark.parametrize("text", ["JADWAL", "jadwal", "Jadwal?", "jadwal antrean"])
def test_jadwal_is_understood(text: str) -> None:
    assert parse_command(text) == AskSchedule()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("POSISI", AskPosition()),
        ("posisi saya", AskPosition()),
        ("Posisi antrean?", AskPosition()),
        ("posisi K7Q2M94X", AskPosition("K7Q2M94X")),
    ],
)
def test_posisi_asks_for_this_phones_ticket_or_the_one_whose_code_it_names(
    text: str, expected: AskPosition
) -> None:
    assert parse_command(text) == expected


@pytest.mark.parametrize("text", ["jadwalnya", "posisinya", "pembatalan"])
def test_words_that_only_begin_like_a_command_get_help(text: str) -> None:
    assert parse_command(text) == AskHelp()
