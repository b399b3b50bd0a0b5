"""Commands as residents type them: any case, extra spaces, separators in the NIK, emoji."""

from __future__ import annotations

import pytest

from chalicelib.whatsapp.commands import AskHelp, AskQuota, AskStatus, AskTicket, BadNik, parse_command

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
