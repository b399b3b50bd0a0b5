"""The handlers behind app.py's routes: read the input, call one use case, shape the answer.

Each returns (status, body) or raises a `LoketError`; `edge.Edge` turns either into HTTP.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice.app import Request

from chalicelib import runtime
from chalicelib.core.applications import Application, Service, Stage, is_from_the_future
from chalicelib.core.errors import (
    InvalidRequest,
    MethodNotAllowed,
    NotFound,
    Unauthorized,
    Unavailable,
    VerificationRequired,
)
from chalicelib.core.messages import NEXT_STEPS, SERVICE_NAMES, STAGE_LABELS, Language
from chalicelib.core.nik import parse_nik
from chalicelib.core.quota import DayCounter, parse_quota
from chalicelib.core.service_day import parse_day, parse_instant, service_day
from chalicelib.core.sites import SiteInfo
from chalicelib.core.tickets import ANYONE, Holder, Ticket, parse_ticket_code
from chalicelib.http.edge import header as edge_header
from chalicelib.http.requests import client_of, json_object, language, query
from chalicelib.services import days, status, tickets
from chalicelib.services.rate_limit import check_rate
from chalicelib.settings import HashPurpose, StaffPool, hash_key, settings

if TYPE_CHECKING:
    from chalicelib.http.staff_identity import Session

Answer = tuple[int, dict[str, Any]]


def health(request: Request) -> Answer:
    return 200, {"status": "ok"}


def post_status(request: Request) -> Answer:
    _limit(request, "status", fail_open=True)
    body = json_object(request, allowed={"nik"}, required={"nik"})
    nik = parse_nik(body["nik"])
    applications = status.applications_of(runtime.store(), nik, _nik_key())
    lang = language(request)
    return 200, {"nik": nik.masked, "applications": [_application(a, lang) for a in applications]}


def get_quota(request: Request) -> Answer:
    _limit(request, "quota", fail_open=True)
    return 200, _counter(_requested_counter(request), language(request))


def get_sites(request: Request) -> Answer:
    _limit(request, "sites", fail_open=True)
    query(request, allowed=set())
    config, lang = settings(), language(request)
    return 200, {
        "default_site": config.default_site,
        "sites": [site_info(config.site_info(site), lang) for site in config.sites],
    }


def get_site(request: Request, site: str) -> Answer:
    _limit(request, "sites", fail_open=True)
    query(request, allowed=set())
    config = settings()
    return 200, {"site": site_info(config.site_info(days.known_site(config, site)), language(request))}


def post_ticket(request: Request) -> Answer:
    _limit(request, "tickets")
    body = json_object(request, allowed={"nik", "site", "service_day"}, required={"nik"})
    holder = _resident(request)
    return _take(request, body, holder)


def admin_post_ticket(request: Request) -> Answer:
    """A ticket on a resident's behalf: an operator's (capped a day), staff's or an admin's."""
    subject, role = _principal(request, "operator", "staff", "admin")
    body = json_object(request, allowed={"nik", "site", "service_day"}, required={"nik"})
    return _take(request, body, Holder("operator" if role == "operator" else "staff", subject))


def _take(request: Request, body: dict[str, Any], holder: Holder) -> Answer:
    nik = parse_nik(body["nik"])
    config = settings()
    site = days.known_site(config, _body_site(body))
    now = runtime.now()
    day = parse_day(body["service_day"]) if "service_day" in body else service_day(now, config.tz)
    taken = tickets.take(runtime.store(), config, site, day, nik, holder, now, _nik_key())
    shown = taken.created or (holder.kind != "anyone" and taken.ticket.holder == holder)
    return (201 if taken.created else 200), {"ticket": _ticket(taken.ticket, language(request), shown)}


def get_ticket(request: Request, code: str) -> Answer:
    """The ticket of a code, for whoever has the code (it is the secret; guesses are counted
    per client)."""
    _limit(request, "ticket-codes")
    query(request, allowed=set())
    from chalicelib.services import queue

    ticket = tickets.find(runtime.store(), _code(code))
    if ticket is None:
        raise NotFound()
    config, now = settings(), runtime.now()
    where = queue.position(runtime.store(), config, ticket, now)
    answer: dict[str, Any] = {"ticket": _ticket(ticket, language(request), True), "ahead": where.ahead}
    if where.estimated_call_at is not None:
        answer["estimated_call_at"] = _instant(where.estimated_call_at)
    return 200, answer


def delete_ticket(request: Request, code: str) -> Answer:
    _limit(request, "ticket-codes")
    query(request, allowed=set())
    ticket = tickets.cancel(runtime.store(), settings(), _code(code), runtime.now())
    return 200, {"ticket": _ticket(ticket, language(request), True)}


def get_queue(request: Request) -> Answer:
    """What every waiting phone polls: one read of one small item (a CDN may share it).
    Not limited per client: hundreds of residents wait behind one carrier's address, and
    the answer holds nothing personal (in AWS the WAF's per-address rule still applies)."""
    from chalicelib.services import queue

    params = query(request, allowed={"site"})
    config = settings()
    site = days.known_site(config, params.get("site"))
    board = queue.board(runtime.store(), config, site, runtime.now())
    return 200, {
        "site": site,
        "service_day": board.service_day.isoformat(),
        "now_serving": [{"desk": d, "number": n} for d, n in sorted(board.now_serving.items())],
        "waiting": len(board.waiting),
        "served": len(board.served),
        "minutes_per_resident": board.minutes_per_resident or config.minutes_per_resident,
        "updated_at": _instant(board.updated_at or runtime.now()),
    }


def admin_post_checkin(request: Request) -> Answer:
    """At the door: a ticket of today by its code (the QR code) or its NIK."""
    from chalicelib.services import queue

    _require(request, "staff", "admin")
    body = json_object(request, allowed={"code", "nik", "site"}, required=set())
    if ("code" in body) == ("nik" in body):
        raise InvalidRequest("give a code or a nik")
    config = settings()
    site = days.known_site(config, _body_site(body))
    if "code" in body:
        code = parse_ticket_code(body["code"])
        if code is None:
            raise NotFound()
        ticket = queue.check_in(runtime.store(), config, site, runtime.now(), code=code)
    else:
        nik = parse_nik(body["nik"])
        ticket = queue.check_in(runtime.store(), config, site, runtime.now(), nik=nik, nik_key=_nik_key())
    return 200, {"ticket": _ticket(ticket, language(request), True)}


def admin_post_call(request: Request) -> Answer:
    from chalicelib.services import queue

    _require(request, "staff", "admin")
    body = json_object(request, allowed={"desk", "site"}, required={"desk"})
    desk = _desk(body["desk"])
    config = settings()
    site = days.known_site(config, _body_site(body))
    call = queue.call_next(runtime.store(), config, site, desk, runtime.now())
    ticket = _ticket(call.ticket, language(request), True)
    return 200, {"call": {"desk": call.desk, "number": call.ticket.number, "ticket": ticket}}


def admin_put_ticket(request: Request, code: str) -> Answer:
    from chalicelib.services import queue

    _require(request, "staff", "admin")
    body = json_object(request, allowed={"state", "desk"}, required={"state"})
    state = body["state"]
    if state not in ("served", "no_show", "called"):
        raise InvalidRequest("state must be served, no_show or called")
    desk = _desk(body["desk"]) if "desk" in body else None
    ticket = queue.set_state(runtime.store(), settings(), _code(code), state, runtime.now(), desk=desk)
    return 200, {"ticket": _ticket(ticket, language(request), True)}


def _desk(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 99:
        raise InvalidRequest("desk must be a whole number from 1 to 99")
    return value


def admin_get_report(request: Request) -> Answer:
    from chalicelib.services import report

    _require(request, "admin")
    params = query(request, allowed={"site", "from", "to"})
    config = settings()
    site = days.known_site(config, params.get("site"))
    today = service_day(runtime.now(), config.tz)
    last = parse_day(params["to"]) if "to" in params else today
    first = parse_day(params["from"]) if "from" in params else last
    rows = report.report(runtime.store(), config, site, first, last)
    answer: dict[str, Any] = {"site": site, "days": [r.row() for r in rows]}
    if first == last:  # the office page's chart of the day, hour by hour
        answer["hours"] = [h.row() for h in report.hours(runtime.store(), config, site, first)]
    return 200, answer


_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def admin_get_advice(request: Request) -> Answer:
    import math

    from chalicelib.core.advice import MIN_HISTORY_DAYS, MIN_HISTORY_TICKETS
    from chalicelib.services.advice import capacity_advice

    _require(request, "admin")
    params = query(request, allowed={"site", "day"})
    config = settings()
    site = days.known_site(config, params.get("site"))
    today = service_day(runtime.now(), config.tz)
    day = parse_day(params["day"]) if "day" in params else today
    found = capacity_advice(runtime.store(), config, site, day, today)
    history = found.history
    rate = history.no_show_rate
    return 200, {
        "site": site,
        "service_day": day.isoformat(),
        "weekday": _WEEKDAY_NAMES[day.weekday()],
        "quota": found.quota,
        "enough_history": history.enough,
        "capacity": found.capacity,
        "risk": math.floor(found.risk * 1e6) / 1e6,  # rounded down: never shown as 0.05 itself
        "max_risk": found.max_risk,
        "history": {
            "from": found.history_days[-1].isoformat(),
            "to": found.history_days[0].isoformat(),
            "days": history.days,
            "tickets": history.tickets,
            "no_shows": history.no_shows,
            "no_show_rate": None if rate is None else round(rate, 4),
            "minimum_days": MIN_HISTORY_DAYS,
            "minimum_tickets": MIN_HISTORY_TICKETS,
        },
    }


def get_days(request: Request) -> Answer:
    _limit(request, "quota", fail_open=True)
    params = query(request, allowed={"site"})
    config = settings()
    site = days.known_site(config, params.get("site"))
    today = service_day(runtime.now(), config.tz)
    window = tickets.booking_days(runtime.store(), config, site, today)
    return 200, {
        "site": site,
        "site_info": site_info(config.site_info(site), language(request)),
        "days": [
            {
                "service_day": c.service_day.isoformat(),
                "state": c.state,
                "quota": c.quota,
                "remaining": c.remaining,
            }
            for c in window
        ],
    }


def post_verification(request: Request) -> Answer:
    from urllib.parse import quote

    from chalicelib.services import verifications
    from chalicelib.whatsapp.config import office_number

    _limit(request, "verifications")
    json_object(request, allowed=set(), required=set())
    started = verifications.start(runtime.store(), runtime.now(), hash_key(HashPurpose.VERIFICATION))
    return 201, {
        "verification": {
            "id": started.id,
            "text": started.text,
            "whatsapp_url": f"https://wa.me/{office_number()}?text={quote(started.text)}",
            "expires_at": started.expires_at.astimezone(settings().tz).isoformat(timespec="seconds"),
        }
    }


def get_verification(request: Request, verification_id: str) -> Answer:
    """Polled by the page, so not counted per client: an id of 192 random bits is not guessed."""
    from chalicelib.services import verifications

    found = verifications.look_up(
        runtime.store(), verification_id, runtime.now(), hash_key(HashPurpose.VERIFICATION)
    )
    if found.state != "verified" or found.phone_key is None:
        return 200, {"state": "waiting"}
    from chalicelib.http.auth import mint
    from chalicelib.settings import secret

    config = settings()
    token = mint(
        "resident", found.phone_key, secret("LOKET_JWT_SECRET"), config.jwt_issuer, config.jwt_audience
    )
    return 200, {"state": "verified", "phone": found.phone_masked, "token": token}


def admin_get_quota(request: Request) -> Answer:
    _require(request, "staff", "admin")
    counter = _requested_counter(request)
    config = runtime.store().site_config(counter.site, settings().default_quota)
    return 200, {**_counter(counter, language(request)), "default_quota": config.default_quota}


def put_default_quota(request: Request) -> Answer:
    actor = _require(request, "admin")
    body = json_object(request, allowed={"quota", "site"}, required={"quota"})
    quota = parse_quota(body["quota"])
    config = settings()
    site = days.known_site(config, _body_site(body))
    today = service_day(runtime.now(), config.tz)
    updated = days.set_default_quota(runtime.store(), config, site, quota, today, actor)
    return 200, {"site": site, "default_quota": updated.default_quota}


def put_day_quota(request: Request, day: str) -> Answer:
    actor = _require(request, "admin")
    body = json_object(request, allowed={"quota", "site", "held_for_door"}, required={"quota"})
    quota = parse_quota(body["quota"])
    held = parse_quota(body["held_for_door"]) if "held_for_door" in body else None
    config = settings()
    site = days.known_site(config, _body_site(body))
    service_date = parse_day(day)
    today = service_day(runtime.now(), config.tz)
    counter = days.set_day_quota(
        runtime.store(), config, site, service_date, quota, today, actor, held_for_door=held
    )
    return 200, _counter(counter, language(request))


def post_application(request: Request) -> Answer:
    actor = _require(request, "staff", "admin")
    body = json_object(
        request,
        allowed={"nik", "service", "stage", "updated_at"},
        required={"nik", "service", "stage", "updated_at"},
    )
    nik = parse_nik(body["nik"])
    application = _parse_application(body)
    applied, stored = status.record_stage(runtime.store(), nik, _nik_key(), application, actor)
    return 200, {
        "nik": nik.masked,
        "applied": applied,
        "application": _application(stored, language(request)),
    }


def get_audit(request: Request) -> Answer:
    _require(request, "admin")
    params = query(request, allowed={"limit"})
    raw_limit = params.get("limit", "50")
    # The length first: int() refuses more than 4,300 digits with a ValueError (a 500 here).
    digits = len(raw_limit) <= 4 and raw_limit.isascii() and raw_limit.isdigit()
    if not digits or not 1 <= int(raw_limit) <= 1000:
        raise InvalidRequest("limit must be an integer from 1 to 1000")
    entries = runtime.store().audit_entries(int(raw_limit))
    return 200, {
        "entries": [
            {"at": e.at, "actor": e.actor, "action": e.action, "before": e.before, "after": e.after}
            for e in entries
        ]
    }


def post_session(request: Request) -> Answer:
    """Staff sign in with the user pool's username and password (docs/API.md, "Sessions")."""
    from chalicelib.core.staff import MAX_PASSWORD, MAX_USERNAME
    from chalicelib.http import staff_identity

    _limit(request, "sessions")
    body = json_object(
        request, allowed={"username", "password", "new_password"}, required={"username", "password"}
    )
    username = _text(body, "username", MAX_USERNAME)
    password = _text(body, "password", MAX_PASSWORD)
    new_password = _text(body, "new_password", MAX_PASSWORD) if "new_password" in body else None
    session = staff_identity.sign_in(_staff_pool(), username, password, new_password)
    return 200, {"session": _session(session)}


def post_session_refresh(request: Request) -> Answer:
    from chalicelib.http import staff_identity

    _limit(request, "session-refreshes")
    body = json_object(request, allowed={"refresh_token"}, required={"refresh_token"})
    refresh_token = _text(body, "refresh_token", _MAX_REFRESH_TOKEN)
    session = staff_identity.refresh(_staff_pool(), refresh_token, runtime.now())
    return 200, {"session": _session(session)}


def delete_session(request: Request) -> Answer:
    """Sign out a Cognito session (its bearer access token); any other token: 401. The route
    has no authorizer: Cognito's own check is the one that counts here."""
    from chalicelib.http import staff_identity
    from chalicelib.http.auth import bearer_token

    token = bearer_token(edge_header(request.headers, "authorization"))
    pool = settings().staff_pool
    if pool is None:
        raise Unauthorized()
    staff_identity.sign_out(pool, token, runtime.now())
    return 200, {"signed_out": True}


def admin_get_me(request: Request) -> Answer:
    subject, role = _principal(request, "operator", "staff", "admin")
    return 200, {"username": subject, "role": role}


# A Cognito refresh token is an encrypted JWT of about 1.8 KB.
_MAX_REFRESH_TOKEN = 8192


def _staff_pool() -> StaffPool:
    pool = settings().staff_pool
    if pool is None:
        raise Unavailable("staff sign-in is not configured (LOKET_COGNITO_*)")
    return pool


def _text(body: dict[str, Any], name: str, longest: int) -> str:
    value = body[name]
    if not isinstance(value, str) or not 0 < len(value) <= longest:
        raise InvalidRequest(f"{name} must be a string of 1 to {longest} characters")
    return value


def _session(session: Session) -> dict[str, Any]:
    return {
        "access_token": session.access_token,
        "refresh_token": session.refresh_token,
        "expires_in": session.expires_in,
        "username": session.member.username,
        "role": session.member.role,
    }


# --- helpers --------------------------------------------------------------------------------


def _body_site(body: dict[str, Any]) -> object:
    """A body's optional `site`: absent means the default site; present, it must be a string
    (null or a number is a body of the wrong shape, 400, not an unknown site)."""
    if "site" in body and not isinstance(body["site"], str):
        raise InvalidRequest("site must be a string")
    return body.get("site")


def _nik_key() -> bytes:
    return hash_key(HashPurpose.NIK)


def _limit(request: Request, route: str, *, fail_open: bool = False) -> None:
    """The per-client limit; lookups `fail_open` when it cannot be counted, tickets do not
    (docs/DESIGN.md, "Privacy")."""
    config = settings()
    check_rate(
        runtime.store(),
        config.rate_limit_per_minute,
        client_of(request),
        route,
        runtime.now(),
        hash_key(HashPurpose.CLIENT_ADDRESS),
        fail_open=fail_open,
    )


def _require(request: Request, *roles: str) -> str:
    """The caller's subject, once the authorizer's verdict shows one of `roles`."""
    return _principal(request, *roles)[0]


def _principal(request: Request, *roles: str) -> tuple[str, str]:
    """The caller's subject and role, once the authorizer's verdict shows one of `roles`."""
    from chalicelib.http.auth import require_role

    authorizer = (request.context or {}).get("authorizer") or {}
    require_role(authorizer.get("role"), roles)  # type: ignore[arg-type]
    return str(authorizer.get("principalId", "unknown")), str(authorizer.get("role"))


def _resident(request: Request) -> Holder:
    """Who takes a ticket on the residents' route: with `LOKET_TICKET_PROOF=phone`, the phone
    of a resident token (any other token, or none: `VerificationRequired`); with `none`, anyone.
    The route has no authorizer (a token is optional there), so the token is checked here."""
    if settings().ticket_proof == "none":
        return ANYONE
    from chalicelib.http.auth import verify
    from chalicelib.settings import secret

    config = settings()
    try:
        principal = verify(
            edge_header(request.headers, "authorization"),
            secret("LOKET_JWT_SECRET"),
            config.jwt_issuer,
            config.jwt_audience,
        )
    except Unauthorized:
        raise VerificationRequired() from None
    if principal.role != "resident":
        raise VerificationRequired()
    return Holder("phone", principal.subject)


def _instant(instant: Any) -> str:
    return str(instant.astimezone(settings().tz).isoformat(timespec="seconds"))


def _code(text: str) -> str:
    """A ticket code from a path: anything that cannot be one is simply not found."""
    code = parse_ticket_code(text)
    if code is None:
        raise NotFound()
    return code


def _ticket(ticket: Ticket, lang: Language, with_code: bool) -> dict[str, Any]:
    """A ticket as residents and staff see it: its code only for whoever holds it."""
    shown: dict[str, Any] = {
        "site": ticket.site,
        "site_info": site_info(settings().site_info(ticket.site), lang),
        "service_day": ticket.service_day.isoformat(),
        "number": ticket.number,
        "nik": ticket.nik_masked,
        "state": ticket.state,
    }
    if with_code:
        shown["code"] = ticket.code
    return shown


def _requested_counter(request: Request) -> DayCounter:
    params = query(request, allowed={"site", "day"})
    config = settings()
    site = days.known_site(config, params.get("site"))
    day = parse_day(params["day"]) if "day" in params else service_day(runtime.now(), config.tz)
    return days.day_counter(runtime.store(), config, site, day)


def site_info(site: SiteInfo, lang: Language) -> dict[str, Any]:
    """Where a resident goes, beside a site's code in every answer that names one."""
    return {
        "code": site.code,
        "name": site.name,
        "address": site.address,
        "hours": site.worded_hours(lang),
    }


def _counter(counter: DayCounter, lang: Language) -> dict[str, Any]:
    return {
        "site": counter.site,
        "site_info": site_info(settings().site_info(counter.site), lang),
        "service_day": counter.service_day.isoformat(),
        "quota": counter.quota,
        "issued": counter.issued,
        "remaining": counter.remaining,
        "state": counter.state,
        "held_for_door": counter.held_for_door,
        "cancelled": counter.cancelled,
    }


def _application(application: Application, lang: Language) -> dict[str, Any]:
    return {
        "service": application.service.value,
        "service_name": SERVICE_NAMES[application.service][lang],
        "stage": application.stage.value,
        "label": STAGE_LABELS[application.stage][lang],
        "next_step": NEXT_STEPS[application.stage][lang],
        "updated_at": application.updated_at.isoformat(),
    }


def _parse_application(body: dict[str, Any]) -> Application:
    try:
        service = Service(body["service"])
        stage = Stage(body["stage"])
        updated_at = parse_instant(body["updated_at"])
    except (ValueError, TypeError):
        raise InvalidRequest("service, stage or updated_at is not valid") from None
    if is_from_the_future(updated_at, runtime.now()):
        raise InvalidRequest("updated_at is in the future")
    return Application(service, stage, updated_at)


def method_not_allowed(request: Request) -> Answer:
    raise MethodNotAllowed()
