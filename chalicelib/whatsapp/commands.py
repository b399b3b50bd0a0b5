"""What a resident asks, read from the text they typed.

    STATUS <NIK>   or a bare NIK     -> AskStatus
    ANTRE <NIK>    (also ANTRI)      -> AskTicket
    KUOTA                            -> AskQuota
    VERIFIKASI <code>                -> AskVerification (BadVerification: no code in it)
    anything else                    -> AskHelp

Case does not matter, nor extra spaces, a colon after the command, words or emoji around
the NIK, or the spaces, dots and dashes people type inside it (`3505.1245.0999.0003`).
A command whose NIK is missing or invalid is `BadNik`, so the reply can say what is wrong.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from chalicelib.core.errors import InvalidNik
from chalicelib.core.nik import Nik, parse_typed_nik
from chalicelib.core.verifications import parse_code

_COMMAND = re.compile(
    r"(status|antre|antri|kuota|verifikasi)(?![a-z])[\s:.\-]*(.*)", re.IGNORECASE | re.DOTALL
)
# Digits joined by the separators people type: the first such run is the NIK.
_NIK_RUN = re.compile(r"[0-9](?:[\s.\-]*[0-9])*")
# A whole message made of one such run of at least 12 digits is a NIK sent on its own.
_BARE_NIK = re.compile(r"(?:[0-9][\s.\-]*){11,}[0-9]")

NikCommand = Literal["STATUS", "ANTRE"]


@dataclass(frozen=True)
class AskStatus:
    nik: Nik


@dataclass(frozen=True)
class AskTicket:
    nik: Nik


@dataclass(frozen=True)
class AskQuota:
    pass


@dataclass(frozen=True)
class AskHelp:
    pass


@dataclass(frozen=True)
class AskVerification:
    """The text a verification showed on the web page (chalicelib/core/verifications.py)."""

    code: str


@dataclass(frozen=True)
class BadVerification:
    """VERIFIKASI followed by something that cannot be a code."""


@dataclass(frozen=True)
class BadNik:
    """STATUS or ANTRE without a valid NIK."""

    command: NikCommand


Command = AskStatus | AskTicket | AskQuota | AskHelp | BadNik | AskVerification | BadVerification


def parse_command(text: str) -> Command:
    # NFKC: fullwidth letters and digits (some phone keyboards) become ASCII.
    typed = unicodedata.normalize("NFKC", text).strip()
    match = _COMMAND.match(typed)
    if match is None:
        return _with_nik("STATUS", typed) if _BARE_NIK.fullmatch(typed) else AskHelp()
    word = match.group(1).lower()
    if word == "kuota":
        return AskQuota()
    if word == "verifikasi":
        code = parse_code(match.group(2))
        return BadVerification() if code is None else AskVerification(code)
    return _with_nik("STATUS" if word == "status" else "ANTRE", match.group(2))


def _with_nik(command: NikCommand, rest: str) -> Command:
    run = _NIK_RUN.search(rest)
    if run is None:
        return BadNik(command)
    try:
        nik = parse_typed_nik(run.group(0))
    except InvalidNik:
        return BadNik(command)
    return AskStatus(nik) if command == "STATUS" else AskTicket(nik)
