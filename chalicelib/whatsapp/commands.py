"""What a resident asks, read from the text they typed.

    STATUS <NIK>   or a bare NIK     -> AskStatus
    ANTRE <NIK> [day] (also ANTRI)   -> AskTicket (the day's words, read by day_words.py)
    BATAL <code>                     -> AskCancel (BadCode: no code in it)
    JADWAL                           -> AskSchedule
    POSISI [code]                    -> AskPosition
    KUOTA                            -> AskQuota
    VERIFIKASI <code>                -> AskVerification (BadVerification: no code in it)
    anything else                    -> AskHelp

Case does not matter, nor extra spaces, a colon after the command, words or emoji around
the NIK, or the spaces, dots and dashes people type inside it (`3505.1245.0999.0003`).
A command whose NIK is missing or invalid is `BadNik`, so the reply can say what is wrong.

ANTRE's day follows the NIK after a space (`ANTRE 3505124509909001 5/12`): the NIK is the
first 16 digits of the first run of at least 16 digits, cut at a space, so the date's digits are never
read into it, nor the NIK's into the date. A day word before the NIK counts too (`ANTRE
besok 3505...`); other words before it are ignored as before (`ANTRE nik saya 3505...`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from chalicelib.core.errors import InvalidNik
from chalicelib.core.nik import Nik, parse_typed_nik
from chalicelib.core.tickets import parse_ticket_code
from chalicelib.core.verifications import parse_code
from chalicelib.whatsapp.day_words import mentions_day

_COMMAND = re.compile(
    r"(status|antre|antri|kuota|verifikasi|batalkan|batal|jadwal|posisi)(?![a-z])[\s:.\-]*(.*)",
    re.IGNORECASE | re.DOTALL,
)
# Digits joined by the separators people type: the first such run is the NIK.
_NIK_RUN = re.compile(r"[0-9](?:[\s.\-]*[0-9])*")
_NIK_DIGITS = 16
# A ticket's code as people type it back: its characters, maybe split by spaces or dashes.
_TYPED_CODE = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")
# A whole message made of one such run of at least 12 digits is a NIK sent on its own.
_BARE_NIK = re.compile(r"(?:[0-9][\s.\-]*){11,}[0-9]")

NikCommand = Literal["STATUS", "ANTRE"]


@dataclass(frozen=True)
class AskStatus:
    nik: Nik


@dataclass(frozen=True)
class AskTicket:
    nik: Nik
    day: str = ""  # the words naming the day, as typed; empty: today


@dataclass(frozen=True)
class AskCancel:
    code: str


@dataclass(frozen=True)
class AskSchedule:
    pass


@dataclass(frozen=True)
class AskPosition:
    code: str | None = None  # POSISI <code>: that ticket; bare POSISI: this phone's for today


@dataclass(frozen=True)
class BadCode:
    """BATAL without a ticket's code in it."""


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


Command = (
    AskStatus
    | AskTicket
    | AskQuota
    | AskHelp
    | BadNik
    | AskVerification
    | BadVerification
    | AskCancel
    | AskSchedule
    | AskPosition
    | BadCode
)


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
    if word == "jadwal":
        return AskSchedule()
    if word in ("batal", "batalkan"):
        ticket_code = _ticket_code(match.group(2))
        return BadCode() if ticket_code is None else AskCancel(ticket_code)
    if word == "posisi":  # words without a code in them ("posisi antrean saya"): this phone's
        return AskPosition(_ticket_code(match.group(2)))
    return _with_nik("STATUS" if word == "status" else "ANTRE", match.group(2))


def _with_nik(command: NikCommand, rest: str) -> Command:
    runs = list(_NIK_RUN.finditer(rest))
    if not runs:
        return BadNik(command)
    if command == "STATUS":
        try:
            return AskStatus(parse_typed_nik(runs[0].group(0)))
        except InvalidNik:
            return BadNik(command)
    # The first run long enough to hold a NIK, so a date typed before it (`ANTRE 5/12 3505...`)
    # is not taken for a short NIK; else the first, for the reply to call it invalid.
    run = next((r for r in runs if sum(c.isdigit() for c in r.group(0)) >= _NIK_DIGITS), runs[0])
    typed, after = _split_nik(run.group(0))
    try:
        nik = parse_typed_nik(typed)
    except InvalidNik:
        return BadNik(command)
    day = (after + rest[run.end() :]).strip()
    before = rest[: run.start()]
    if not day and mentions_day(before):
        day = before.strip()
    return AskTicket(nik, day)


def _split_nik(run: str) -> tuple[str, str]:
    """The run's first 16 digits when a space follows them (the NIK), and what comes after;
    otherwise the whole run, which the NIK rule then judges."""
    seen = 0
    for index, char in enumerate(run):
        if char.isdigit():
            seen += 1
            if seen == _NIK_DIGITS:
                after = run[index + 1 :]
                if after and after[0].isspace():
                    return run[: index + 1], after
                break
    return run, ""


def _ticket_code(rest: str) -> str | None:
    """The first code among the words, each alone or joined to the next (`K7Q2 M94X`)."""
    words = [w.replace("-", "") for w in _TYPED_CODE.findall(rest)]
    for index, word in enumerate(words):
        for typed in (word, word + "".join(words[index + 1 : index + 2])):
            code = parse_ticket_code(typed)
            if code is not None:
                return code
    return None
