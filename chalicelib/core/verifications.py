"""A phone verification: the values a browser session and a WhatsApp message share.

`POST /v1/verifications` draws an id (192 random bits, URL-safe) and shows the text
`VERIFIKASI <code>` to send from WhatsApp. The code is derived from the id under a server
key (so nothing else has to be remembered to find one from the other): 10 characters from an
alphabet without look-alikes, about 49.5 bits. One item per verification, keyed by the code's
keyed hash, holds the id's keyed hash: the webhook finds the item from the text, the page from
the id (through its code), and the id is compared, so that guessing an id is guessing 192
bits, never the code's 49.5. Guessing a code (to have one's own phone verify somebody else's
page) is bounded by the per-phone attempts (`WHATSAPP_VERIFICATIONS_PER_HOUR`): at 6 an hour
and a thousand codes live at once, one phone's chance in an hour is about 1 in 10^11.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from datetime import timedelta

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
COMMAND = "VERIFIKASI"
LIFETIME = timedelta(minutes=10)  # a text can be sent this long after it was shown
COLLECT_WITHIN = timedelta(minutes=10)  # a verified session can collect its token this long
_ID_BYTES = 24
_ID = re.compile(r"[A-Za-z0-9_-]{32}")
_CODE = re.compile(f"[{ALPHABET}]{{{CODE_LENGTH}}}")


def new_id() -> str:
    return secrets.token_urlsafe(_ID_BYTES)


def is_well_formed_id(value: str) -> bool:
    return _ID.fullmatch(value) is not None


def code_of(verification_id: str, key: bytes) -> str:
    digest = hmac.new(key, b"code:" + verification_id.encode("ascii"), hashlib.sha256).digest()
    number = int.from_bytes(digest, "big")  # 256 bits: the remainders' bias is negligible
    chars = []
    for _ in range(CODE_LENGTH):
        number, index = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[index])
    return "".join(chars)


def text_of(code: str) -> str:
    return f"{COMMAND} {code}"


def text_key(code: str, key: bytes) -> str:
    """The stored key of the verification whose text carries `code`."""
    return hmac.new(key, b"text:" + code.encode("ascii"), hashlib.sha256).hexdigest()


def id_hash(verification_id: str, key: bytes) -> str:
    """What is stored of the id: who has only the table cannot collect a token."""
    return hmac.new(key, b"id:" + verification_id.encode("ascii"), hashlib.sha256).hexdigest()


def parse_code(typed: str) -> str | None:
    """The code in what follows `VERIFIKASI`, in any case, spaces and a colon around it; None
    when it cannot be a code."""
    text = unicodedata.normalize("NFKC", typed).strip().strip(":").strip().upper()
    return text if _CODE.fullmatch(text) else None
