"""WhatsApp settings, read from the environment once, lazily; secrets through `settings.secret`.

Secrets (`WHATSAPP_VERIFY_TOKEN`, `WHATSAPP_APP_SECRET`, `WHATSAPP_ACCESS_TOKEN`) come
from the variable itself, else from the SSM parameter named in `<NAME>_PARAMETER`
(e.g. /loket/prod/whatsapp-app-secret), else, outside Lambda only, a development default.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from chalicelib.settings import SettingsError, bounded_number, secret

DEFAULT_GRAPH_URL = "https://graph.facebook.com/v23.0"

# Development defaults: used only outside Lambda, so a deployment cannot run on them.
DEV_SECRETS = {
    "WHATSAPP_VERIFY_TOKEN": "dev-only-whatsapp-verify-token",
    "WHATSAPP_APP_SECRET": "dev-only-whatsapp-app-secret",
    "WHATSAPP_ACCESS_TOKEN": "dev-only-whatsapp-access-token",
}


@dataclass(frozen=True)
class WhatsAppSettings:
    graph_url: str  # e.g. https://graph.facebook.com/v23.0, no trailing slash
    reply_queue_url: str | None  # the SQS queue between webhook and worker (AWS); None: local drain
    send_timeout_seconds: float  # for each of connect and read
    retry_base_seconds: float  # the local drain's first backoff; it doubles per attempt
    max_attempts: int  # sends of one reply before it is given up
    keep_days: int  # how long a message id is remembered (Meta retries for days)
    verifications_per_hour: int  # VERIFIKASI messages one phone may send in an hour (0 = no limit)

    @property
    def keep_for(self) -> timedelta:
        """How long a message id is remembered, and so how old a message may be and still be
        answered: anything older could be a replay of one whose id is forgotten."""
        return timedelta(days=self.keep_days)

    @property
    def lease_seconds(self) -> float:
        """How long a worker holds a reply while sending: longer than any one send can take."""
        return 2 * self.send_timeout_seconds + 20


def _graph_url() -> str:
    url = (os.environ.get("WHATSAPP_GRAPH_URL", "").strip() or DEFAULT_GRAPH_URL).rstrip("/")
    if not url.startswith(("https://", "http://")):
        raise SettingsError(f"WHATSAPP_GRAPH_URL must be an http(s) URL, got {url!r}")
    return url


@lru_cache(maxsize=1)
def whatsapp_settings() -> WhatsAppSettings:
    return WhatsAppSettings(
        graph_url=_graph_url(),
        reply_queue_url=os.environ.get("WHATSAPP_REPLY_QUEUE_URL", "").strip() or None,
        send_timeout_seconds=bounded_number("WHATSAPP_SEND_TIMEOUT_SECONDS", 10.0, 0.1, 60.0),
        retry_base_seconds=bounded_number("WHATSAPP_RETRY_BASE_SECONDS", 2.0, 0.01, 600.0),
        max_attempts=bounded_number("WHATSAPP_MAX_ATTEMPTS", 6, 1, 50),
        keep_days=bounded_number("WHATSAPP_KEEP_DAYS", 7, 1, 30),
        verifications_per_hour=bounded_number("WHATSAPP_VERIFICATIONS_PER_HOUR", 6, 0, 1000),
    )


DEV_OFFICE_NUMBER = "6285700000000"


@lru_cache(maxsize=1)
def office_number() -> str:
    """The office's WhatsApp number (international form, digits only), where residents send
    `VERIFIKASI ...` (`WHATSAPP_OFFICE_NUMBER`; outside Lambda a development default)."""
    number = os.environ.get("WHATSAPP_OFFICE_NUMBER", "").strip()
    if not number:
        if "AWS_LAMBDA_FUNCTION_NAME" in os.environ:
            raise SettingsError("WHATSAPP_OFFICE_NUMBER is not configured (the office's WhatsApp number)")
        return DEV_OFFICE_NUMBER
    from chalicelib.core.phone import InvalidPhone, parse_phone

    try:
        return parse_phone(number).digits
    except InvalidPhone:
        raise SettingsError(
            "WHATSAPP_OFFICE_NUMBER must be 8 to 15 digits in international form, like 6235..."
        ) from None


def whatsapp_secret(name: str) -> bytes:
    """A WhatsApp secret by its variable name (see the module docstring)."""
    try:
        return secret(name)
    except SettingsError:
        if "AWS_LAMBDA_FUNCTION_NAME" not in os.environ and name in DEV_SECRETS:
            return DEV_SECRETS[name].encode()
        raise


def reset() -> None:
    """Forget cached settings (tests change the environment)."""
    whatsapp_settings.cache_clear()
    office_number.cache_clear()
