"""Configuration, read from the environment once, lazily, into one frozen object.

A missing or malformed setting fails at the first request, naming the variable.
Secrets come from the environment locally; in AWS each comes from an SSM
SecureString parameter whose name is in `<VAR>_PARAMETER` (see docs/CONFIGURATION.md).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from datetime import tzinfo
from enum import StrEnum
from functools import cache, lru_cache
from typing import TypeVar

from chalicelib.core.quota import MAX_QUOTA, OpenPattern
from chalicelib.core.service_day import time_zone
from chalicelib.core.sites import MAX_ADDRESS, MAX_NAME, SiteInfo, check_text, parse_hours, readable_code

_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}

# Development defaults: accepted only outside Lambda, so a deployment cannot run on them.
_DEV_SECRETS = {
    "LOKET_NIK_HMAC_KEY": "dev-only-nik-hmac-key-change-me-0123456789",
    "LOKET_JWT_SECRET": "dev-only-jwt-secret-change-me-0123456789",
}
# HMAC-SHA256 keys: shorter than its 32-byte output, a key is the weaker link. Enforced in
# Lambda; outside it, tests and the development defaults may use what they like.
_KEYS_OF_AT_LEAST_32_BYTES = ("LOKET_NIK_HMAC_KEY", "LOKET_JWT_SECRET")
_MIN_KEY_BYTES = 32

# A code is lower-case words joined by dashes: it names its variables (`kec-wlingi` is
# LOKET_SITE_KEC_WLINGI_NAME), and no two codes can name the same ones.
_SITE_CODE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_MAX_SITE_CODE = 64
# Known sites, as residents are told of them until a deployment says otherwise (name, address,
# hours). The address and hours of kab-blitar are what public sources give (docs/CONFIGURATION.md,
# "Sites"): confirm them with the office before going live.
_KNOWN_SITES: dict[str, tuple[str, str, str]] = {
    "kab-blitar": (
        "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Blitar",
        "Kanigoro, Kabupaten Blitar, Jawa Timur",
        "mon-thu 08:00-15:00, fri 08:00-11:00",
    ),
    "kec-wlingi": (
        "Kantor Kecamatan Wlingi",
        "Wlingi, Kabupaten Blitar, Jawa Timur",
        "mon-thu 08:00-15:00, fri 08:00-11:00",
    ),
}


class HashPurpose(StrEnum):
    """What a keyed hash stands for. Each has its own key, derived from LOKET_NIK_HMAC_KEY,
    so that a table of one kind of hash cannot be joined with a table of another.

    `PHONE` and `WA_ID` hash the same digits (a wa_id is the phone) for two uses kept apart:
    `WA_ID` keys the short-lived rate-limit windows (traffic: when a number wrote), `PHONE`
    the lasting identity (who verified, a resident token's subject, who holds a ticket), so
    the traffic table cannot be joined with the holders."""

    NIK = "nik"
    CLIENT_ADDRESS = "client-address"
    WA_ID = "wa-id"
    PHONE = "phone"
    VERIFICATION = "verification"  # a verification's code, id and stored key (core.verifications)


Number = TypeVar("Number", int, float)


class SettingsError(RuntimeError):
    """A setting missing or malformed. Its message names the variable, never a value."""


@dataclass(frozen=True)
class Settings:
    table_prefix: str
    region: str
    dynamodb_endpoint: str | None
    time_zone_name: str
    sites: tuple[str, ...]
    default_site: str
    directory: dict[str, SiteInfo]
    default_quota: int
    open_pattern: OpenPattern
    rate_limit_per_minute: int
    jwt_issuer: str
    stage: str
    max_days_ahead: int
    import_writers: int = 16
    ticket_proof: str = "phone"  # "phone": a ticket is taken from a verified phone; "none"
    booking_days_ahead: int = 14
    tickets_per_phone: int = 4
    tickets_per_operator: int = 40
    minutes_per_resident: float = 6.0  # the wait estimate's start, before the day's own services
    daily_capacity: int = 400  # residents the office can serve in a day (capacity advice)
    staff_pool: StaffPool | None = None  # None: staff sign in with HS256 tokens only

    def site_info(self, site: str) -> SiteInfo:
        """A configured site's name, address and hours (a code not in LOKET_SITES: its code)."""
        return self.directory.get(site) or SiteInfo(site, readable_code(site), None, None)

    @property
    def tz(self) -> tzinfo:
        return time_zone(self.time_zone_name)

    @property
    def jwt_audience(self) -> str:
        """The `aud` every token must carry: the stage's, so no stage takes another's token."""
        return f"loket-{self.stage}"


@dataclass(frozen=True)
class StaffPool:
    """The Cognito user pool and app client staff sign in with (LOKET_COGNITO_*)."""

    user_pool_id: str
    client_id: str
    region: str
    endpoint: str | None = None  # AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: moto, locally

    @property
    def issuer(self) -> str:
        """The `iss` of every token the pool signs (also on moto's)."""
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"


# What Cognito itself accepts: a pool id is `<region>_<letters and digits>`.
_USER_POOL_ID = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-[0-9]+_[0-9A-Za-z]{1,48}$")
_CLIENT_ID = re.compile(r"^[0-9A-Za-z]{1,128}$")


def _staff_pool(region: str) -> StaffPool | None:
    pool_id = _env("LOKET_COGNITO_USER_POOL_ID", "")
    client_id = _env("LOKET_COGNITO_CLIENT_ID", "")
    if not pool_id and not client_id:
        return None
    if not pool_id or not client_id:
        raise SettingsError(
            "LOKET_COGNITO_USER_POOL_ID and LOKET_COGNITO_CLIENT_ID go together: set both or neither"
        )
    if not _USER_POOL_ID.match(pool_id) or not pool_id.startswith(f"{region}_"):
        raise SettingsError(
            f"LOKET_COGNITO_USER_POOL_ID must be a user pool id of the region {region} ({region}_<id>), got {pool_id!r}"
        )
    if not _CLIENT_ID.match(client_id):
        raise SettingsError("LOKET_COGNITO_CLIENT_ID must be an app client id (letters and digits)")
    endpoint = os.environ.get("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER") or None
    return StaffPool(pool_id, client_id, region, endpoint)


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default).strip()


def bounded_number(name: str, default: Number, low: Number, high: Number) -> Number:
    """A number setting (int or float, as `default` is) within low..high, or `SettingsError`."""
    kind = type(default)
    raw = _env(name, "") or str(default)
    try:
        value = kind(raw)
    except ValueError:
        raise SettingsError(
            f"{name} must be {'an integer' if kind is int else 'a number'}, got {raw!r}"
        ) from None
    if not low <= value <= high:
        raise SettingsError(f"{name} must be between {low:g} and {high:g}, got {value:g}")
    return value


def _weekdays(name: str, default: str) -> OpenPattern:
    raw = _env(name, default).lower()
    days = [d.strip() for d in raw.split(",") if d.strip()]
    unknown = [d for d in days if d not in _WEEKDAYS]
    if unknown:
        raise SettingsError(f"{name} has unknown weekdays {unknown}; use mon,tue,...,sun")
    return OpenPattern(frozenset(_WEEKDAYS[d] for d in days))


def _site_info(code: str) -> SiteInfo:
    """A site's entry: each of LOKET_SITE_<CODE>_NAME, _ADDRESS and _HOURS if set (an empty
    one counts as unset), else what `_KNOWN_SITES` says, else the code read as a name."""
    prefix = f"LOKET_SITE_{code.upper().replace('-', '_')}_"
    known = _KNOWN_SITES.get(code)
    name = _env(prefix + "NAME", "") or (known[0] if known else readable_code(code))
    address = _env(prefix + "ADDRESS", "") or (known[1] if known else "")
    hours = _env(prefix + "HOURS", "") or (known[2] if known else "")
    for variable, text, longest in (
        (prefix + "NAME", name, MAX_NAME),
        (prefix + "ADDRESS", address, MAX_ADDRESS),
    ):
        problem = text and check_text(text, longest)
        if problem:
            raise SettingsError(f"{variable} {problem}")
    try:
        opening = parse_hours(hours) if hours else None
    except ValueError as error:
        raise SettingsError(f"{prefix}HOURS {error}") from None
    return SiteInfo(code, name, address or None, opening)


@lru_cache(maxsize=1)
def settings() -> Settings:
    sites = tuple(s.strip() for s in _env("LOKET_SITES", "kab-blitar").split(",") if s.strip())
    if not sites:
        raise SettingsError("LOKET_SITES must name at least one site")
    malformed = [s for s in sites if len(s) > _MAX_SITE_CODE or not _SITE_CODE.match(s)]
    if malformed or len(set(sites)) != len(sites):
        raise SettingsError(
            f"LOKET_SITES must be distinct codes of lower-case letters, digits and dashes "
            f"(at most {_MAX_SITE_CODE} characters), got {malformed or 'a code twice'}"
        )
    default_site = _env("LOKET_DEFAULT_SITE", sites[0])
    if default_site not in sites:
        raise SettingsError(f"LOKET_DEFAULT_SITE {default_site!r} is not in LOKET_SITES")
    tz_name = _env("LOKET_TIME_ZONE", "Asia/Jakarta")
    try:
        time_zone(tz_name)
    except Exception:
        raise SettingsError(f"LOKET_TIME_ZONE {tz_name!r} is not a known time zone") from None
    region = _env("AWS_REGION", _env("AWS_DEFAULT_REGION", "ap-southeast-3"))
    return Settings(
        table_prefix=_env("LOKET_TABLE_PREFIX", "loket"),
        region=region,
        dynamodb_endpoint=os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") or None,
        time_zone_name=tz_name,
        sites=sites,
        default_site=default_site,
        directory={site: _site_info(site) for site in sites},
        default_quota=bounded_number("LOKET_DEFAULT_QUOTA", 400, 0, MAX_QUOTA),
        open_pattern=_weekdays("LOKET_OPEN_WEEKDAYS", "mon,tue,wed,thu,fri"),
        rate_limit_per_minute=bounded_number("LOKET_RATE_LIMIT_PER_MINUTE", 30, 0, 1_000_000),
        jwt_issuer=_env("LOKET_JWT_ISSUER", "loket"),
        stage=_env("LOKET_STAGE", "local"),
        max_days_ahead=bounded_number("LOKET_MAX_DAYS_AHEAD", 366, 1, 3660),
        import_writers=bounded_number("LOKET_IMPORT_WRITERS", 16, 1, 64),
        ticket_proof=_ticket_proof(),
        booking_days_ahead=bounded_number("LOKET_BOOKING_DAYS_AHEAD", 14, 0, 92),
        tickets_per_phone=bounded_number("LOKET_TICKETS_PER_PHONE", 4, 1, 50),
        tickets_per_operator=bounded_number("LOKET_TICKETS_PER_OPERATOR", 40, 1, 1000),
        minutes_per_resident=bounded_number("LOKET_MINUTES_PER_RESIDENT", 6.0, 0.5, 120.0),
        daily_capacity=bounded_number("LOKET_DAILY_CAPACITY", 400, 1, MAX_QUOTA),
        staff_pool=_staff_pool(region),
    )


def _ticket_proof() -> str:
    proof = _env("LOKET_TICKET_PROOF", "phone").lower()
    if proof not in ("phone", "none"):
        raise SettingsError(f"LOKET_TICKET_PROOF must be phone or none, got {proof!r}")
    return proof


@cache
def secret(name: str) -> bytes:
    """A secret by its variable name: the variable itself, else the SSM parameter named in
    `<name>_PARAMETER`, else (outside Lambda only) a development default. In Lambda, a key
    shorter than 32 bytes is refused: the function does not serve on it."""
    value = os.environ.get(name)
    parameter = os.environ.get(f"{name}_PARAMETER")
    in_lambda = "AWS_LAMBDA_FUNCTION_NAME" in os.environ
    if value:
        found = value.encode()
    elif parameter:
        found = _ssm_parameter(parameter).encode()
    elif not in_lambda and name in _DEV_SECRETS:
        return _DEV_SECRETS[name].encode()
    else:
        raise SettingsError(
            f"{name} is not configured (set it, or {name}_PARAMETER to an SSM parameter name)"
        )
    if in_lambda and name in _KEYS_OF_AT_LEAST_32_BYTES and len(found) < _MIN_KEY_BYTES:
        raise SettingsError(f"{name} must be at least {_MIN_KEY_BYTES} bytes, got {len(found)}")
    return found


@cache
def hash_key(purpose: HashPurpose) -> bytes:
    """The key of one kind of keyed hash: HMAC-SHA256 of `loket-hash-key:<purpose>` under
    LOKET_NIK_HMAC_KEY. Every keyed hash loket stores is made with one of these."""
    label = f"loket-hash-key:{purpose.value}".encode()
    return hmac.new(secret("LOKET_NIK_HMAC_KEY"), label, hashlib.sha256).digest()


def _ssm_parameter(name: str) -> str:
    import boto3  # only when a secret lives in SSM: keeps it off the cold path otherwise

    response = boto3.client("ssm").get_parameter(Name=name, WithDecryption=True)
    return str(response["Parameter"]["Value"])


def reset() -> None:
    """Forget cached settings and secrets (tests change the environment)."""
    settings.cache_clear()
    secret.cache_clear()
    hash_key.cache_clear()
