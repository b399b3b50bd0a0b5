"""hypothesis on the NIK parser and on every request body: whatever JSON a client sends in
any field, the answer is a 4xx in the contract's error shape, never a 500 and never a
silent acceptance. (chalice's test client over in-process moto: fast, one thread.)"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from chalicelib.core.errors import InvalidNik
from chalicelib.core.nik import parse_nik, parse_typed_nik
from chalicelib.core.service_day import parse_instant
from tests.support.api_client import NO_BODY, Answer, Api, GatewayApi, mint
from tests.support.residents import nik_digits

pytestmark = pytest.mark.usefixtures("no_ticket_proof")  # the counter's rules, without phones

SITES = {"kab-blitar", "kec-wlingi"}
VALID_NIK = "3505124509909101"
TODAY = date(2026, 11, 23)  # the fixed clock's Monday
TOMORROW = "2026-11-24"
# The booking window (14 days ahead) without its weekend: what a service_day may be.
OPEN_DAYS_IN_THE_WINDOW = {
    (TODAY + timedelta(days=n)).isoformat() for n in range(15) if (TODAY + timedelta(days=n)).weekday() < 5
}
FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
    | st.sampled_from(["", " ", "0", "1e3", "null", "ektp", "ready", "kab-blitar ", VALID_NIK + " "]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=8,
)


# --- the NIK parser -------------------------------------------------------------------------


def is_a_valid_nik(value: object) -> bool:
    try:
        parse_nik(value)
    except InvalidNik:
        return False
    return True


@FUZZ
@given(st.randoms(use_true_random=False).map(nik_digits))
def test_every_well_formed_nik_parses_and_masks_to_its_last_four_digits(digits: str) -> None:
    nik = parse_nik(digits)
    assert nik.masked == "*" * 12 + digits[-4:]
    assert digits not in repr(nik) and digits not in str(nik)


@FUZZ
@given(json_values)
def test_the_nik_parser_takes_only_sixteen_ascii_digits_with_a_possible_date(value: Any) -> None:
    try:
        nik = parse_nik(value)
    except InvalidNik:
        return
    assert isinstance(value, str) and re.fullmatch(r"[0-9]{16}", value) and value[12:] != "0000"
    assert nik.digits == value


@FUZZ
@given(st.text(alphabet=st.characters(categories=["Nd"]), min_size=16, max_size=16))
def test_digits_of_other_scripts_are_not_a_nik(value: str) -> None:
    assume(not value.isascii())
    assert not is_a_valid_nik(value)


@FUZZ
@given(st.text(max_size=40))
def test_a_typed_nik_is_a_nik_once_spaces_dots_and_dashes_are_gone(text: str) -> None:
    try:
        nik = parse_typed_nik(text)
    except InvalidNik:
        return
    assert re.sub(r"[\s.\-]+", "", text) == nik.digits


# --- request bodies -------------------------------------------------------------------------


def valid_for(field: str, value: Any) -> bool:
    """Whether `value` is acceptable in `field` (the generated values that are, are skipped)."""
    if field == "nik":
        return is_a_valid_nik(value)
    if field == "site":
        return isinstance(value, str) and value in SITES
    if field == "quota":
        return type(value) is int and 0 <= value <= 10_000
    if field == "held_for_door":  # 0..the body's quota, 10
        return type(value) is int and 0 <= value <= 10
    if field == "service_day":
        return isinstance(value, str) and value in OPEN_DAYS_IN_THE_WINDOW
    if field == "service":
        return isinstance(value, str) and value in {"ektp", "kk", "akta_lahir", "akta_mati"}
    if field == "stage":
        stages = {
            "received",
            "recorded",
            "verifying",
            "waiting_blank",
            "printing",
            "ready",
            "collected",
            "rejected",
        }
        return isinstance(value, str) and value in stages
    if field == "updated_at":
        try:
            parse_instant(value)
        except (ValueError, TypeError):
            return False
        return True
    raise AssertionError(field)


# Each route with a body: method, path, the role its token carries, and a body it accepts.
ROUTES: dict[str, tuple[str, str, str | None, dict[str, Any]]] = {
    "status": ("POST", "/v1/status", None, {"nik": VALID_NIK}),
    "tickets": (
        "POST",
        "/v1/tickets",
        None,
        {"nik": VALID_NIK, "site": "kab-blitar", "service_day": TOMORROW},
    ),
    "operator tickets": (
        "POST",
        "/v1/admin/tickets",
        "operator",
        {"nik": VALID_NIK, "site": "kab-blitar", "service_day": TOMORROW},
    ),
    "default quota": ("PUT", "/v1/admin/quota/default", "admin", {"quota": 10, "site": "kab-blitar"}),
    "day quota": (
        "PUT",
        "/v1/admin/quota/2026-11-24",
        "admin",
        {"quota": 10, "site": "kab-blitar", "held_for_door": 2},
    ),
    "stage": (
        "POST",
        "/v1/admin/applications",
        "staff",
        {"nik": VALID_NIK, "service": "ektp", "stage": "ready", "updated_at": "2026-11-23T08:00:00+07:00"},
    ),
}
# What each field may answer when its value is wrong, beyond 400 invalid_request.
WRONG_VALUE: dict[str, set[tuple[int, str]]] = {
    "nik": {(400, "invalid_nik")},
    "quota": {(400, "invalid_quota")},
    "held_for_door": {(400, "invalid_quota")},
    "service_day": {(400, "invalid_day")},
    "site": {(404, "unknown_site")},  # a string that names no site: the contract's 404
    "service": set(),
    "stage": set(),
    "updated_at": set(),
}
FIELDS = [(route, field) for route, (_, _, _, body) in ROUTES.items() for field in body]


def send(api: Api, route: str, body: Any = NO_BODY, raw: bytes | None = None) -> Answer:
    method, path, role, _ = ROUTES[route]
    token = mint(role) if role else None
    return api.call(method, path, body, raw=raw, token=token)


@pytest.mark.parametrize(("route", "field"), FIELDS)
def test_any_wrong_json_value_in_any_field_is_a_4xx_in_the_contract_shape(
    api: Api, route: str, field: str
) -> None:
    base = ROUTES[route][3]
    untouched = send(api, route, base)  # accepted: a status lookup of an unknown NIK is a 404
    assert untouched.status in (200, 201) or untouched.code == "not_found", untouched

    @FUZZ
    @given(json_values)
    def wrong_value(value: Any) -> None:
        assume(not valid_for(field, value))
        answer = send(api, route, {**base, field: value})
        allowed = {(400, "invalid_request"), *WRONG_VALUE[field]}
        if field == "site" and not isinstance(value, str):
            allowed = {(400, "invalid_request")}  # not a site code at all: the body's shape is wrong
        assert (answer.status, answer.code) in allowed, (value, answer)
        assert answer.is_contract_error, answer

    wrong_value()


@pytest.mark.parametrize("route", list(ROUTES))
def test_any_json_that_is_not_the_expected_object_is_400(api: Api, route: str) -> None:
    base = ROUTES[route][3]

    @FUZZ
    @given(
        st.one_of(
            json_values.filter(lambda v: not isinstance(v, dict)),
            st.dictionaries(st.text(max_size=8), json_values, max_size=4).filter(
                lambda d: set(d) - set(base)
            ),
            st.builds(lambda extra, v: {**base, extra: v}, st.text(max_size=8), json_values).filter(
                lambda d: set(d) - set(base)
            ),
        )
    )
    def wrong_shape(body: Any) -> None:
        answer = send(api, route, body)
        assert (answer.status, answer.code) == (400, "invalid_request"), (body, answer)
        assert answer.is_contract_error

    wrong_shape()


@pytest.mark.parametrize("route", list(ROUTES))
def test_bytes_that_are_not_json_are_400_invalid_json(api: Api, route: str) -> None:
    @FUZZ
    @given(st.binary(min_size=1, max_size=64))
    def not_json(raw: bytes) -> None:
        try:
            json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            answer = send(api, route, raw=raw)
            assert (answer.status, answer.code) == (400, "invalid_json"), (raw, answer)
            assert answer.is_contract_error
            return
        assume(False)

    not_json()


def test_a_missing_required_field_is_400(api: Api) -> None:
    for route, (_, _, _, body) in ROUTES.items():
        for field in body:
            optional = {"site", "service_day", "held_for_door"}  # the default site, today, the reserve kept
            if route != "stage" and field in optional:
                continue
            answer = send(api, route, {k: v for k, v in body.items() if k != field})
            assert (answer.status, answer.code) == (400, "invalid_request"), (route, field, answer)


# --- the WhatsApp webhook: signed by Meta, so any JSON it signs is answered 200 -----------


def signed(body: bytes) -> dict[str, str]:
    from chalicelib.whatsapp.config import whatsapp_secret
    from chalicelib.whatsapp.signature import sign

    return {"X-Hub-Signature-256": sign(body, whatsapp_secret("WHATSAPP_APP_SECRET"))}


def test_any_json_meta_signs_is_answered_200_and_anything_unsigned_401(api: Api) -> None:
    @FUZZ
    @given(json_values, st.sampled_from(["", "sha256=", "sha256=" + "0" * 64, "md5=abc"]))
    def webhook(value: Any, forged: str) -> None:
        raw = json.dumps(value).encode()
        answer = api.call("POST", "/v1/whatsapp/webhook", raw=raw, headers=signed(raw))
        assert answer.status == 200, (value, answer)
        refused = api.call("POST", "/v1/whatsapp/webhook", raw=raw, headers={"X-Hub-Signature-256": forged})
        assert (refused.status, refused.code) == (401, "unauthorized") and refused.is_contract_error

    webhook()


# --- numbers of any length ------------------------------------------------------------------
# Python refuses int() of more than 4,300 digits (a ValueError): every place that turns text
# into a number must answer a clean 4xx however long the number is.

LONG = [4_301, 5_000, 50_000]


@pytest.mark.parametrize("digits", LONG)
@pytest.mark.parametrize("sign", ["", "-"])
@pytest.mark.parametrize(("route", "field"), FIELDS)
def test_a_json_integer_of_any_length_in_any_field_is_refused_in_that_fields_words(
    api: Api, route: str, field: str, sign: str, digits: int
) -> None:
    _, _, _, good = ROUTES[route]
    raw = json.dumps({**good, field: "<n>"}).replace('"<n>"', sign + "9" * digits).encode()
    answer = send(api, route, raw=raw)
    assert answer.is_contract_error, answer
    assert (answer.status, answer.code) in {(400, "invalid_request")} | WRONG_VALUE[field], answer.body


@pytest.mark.parametrize("digits", LONG)
@pytest.mark.parametrize(
    ("method", "path", "role", "expected"),
    [
        ("GET", "/v1/admin/audit?limit={n}", "admin", (400, "invalid_request")),
        ("GET", "/v1/quota?day={n}", None, (400, "invalid_day")),
        ("GET", "/v1/admin/quota?day={n}", "staff", (400, "invalid_day")),
        ("PUT", "/v1/admin/quota/{n}", "admin", (400, "invalid_day")),
    ],
)
def test_a_number_of_any_length_in_a_query_or_a_path_is_400(
    api: Api, method: str, path: str, role: str | None, expected: tuple[int, str], digits: int
) -> None:
    token = mint(role) if role else None
    body = {"quota": 10} if method == "PUT" else NO_BODY
    answer = api.call(method, path.format(n="9" * digits), body, token=token)
    assert (answer.status, answer.code) == expected and answer.is_contract_error, answer.body


@pytest.mark.parametrize("digits", LONG)
def test_a_csv_row_with_numbers_of_any_length_is_rejected_never_raises(digits: int) -> None:
    from chalicelib.imports.reasons import Reason
    from chalicelib.imports.rows import Columns, Rejected, judge_row

    long = "9" * digits
    verdict = judge_row(
        [long, "ektp", "ready", long], Columns(0, 1, 2, 3), datetime(2026, 11, 23, tzinfo=UTC)
    )
    assert verdict == Rejected((Reason.INVALID_NIK, Reason.INVALID_UPDATED_AT))


@pytest.mark.parametrize("digits", LONG)
def test_a_whatsapp_text_with_numbers_of_any_length_is_understood(digits: int) -> None:
    from chalicelib.whatsapp.commands import AskQuota, BadNik, parse_command

    long = "9" * digits
    assert parse_command(f"STATUS {long}") == BadNik("STATUS")
    assert parse_command(f"ANTRE {long}") == BadNik("ANTRE")
    assert parse_command(long) == BadNik("STATUS")
    assert parse_command(f"KUOTA {long}") == AskQuota()


# --- a ticket's day, a day's door reserve, a ticket's code ---------------------------------

TICKET_ROUTES = ["tickets", "operator tickets"]
NOT_A_DAY: list[Any] = [
    "2026-11-24T00:00:00+07:00",
    "24/11/2026",
    "24-11-2026",
    "2026-2-4",
    "2026-02-30",
    "2026-13-01",
    "20261124",
    " 2026-11-24",
    "2026-11-24\n",
    "2026\u201011\u201024",  # Unicode hyphens
    "\uff12\uff10\uff12\uff16-\uff11\uff11-\uff12\uff14",  # full-width digits
    "\u0662\u0660\u0662\u0666-\u0661\u0661-\u0662\u0664",  # Arabic-Indic digits
    "",
    "besok",
    "9" * 5_000,
    "2026-11-24" * 5_000,
    20261124,
    2026.1124,
    True,
    None,
    ["2026-11-24"],
    {"day": "2026-11-24"},
]
# The rules of the day itself: past, beyond the window (14 days), not open (a weekend).
NOT_BOOKABLE = [
    "2026-11-20",
    "2025-11-24",
    "0001-01-01",
    "2026-12-08",
    "9999-12-31",
    "2026-11-28",
    "2026-11-29",
]


@pytest.mark.parametrize("route", TICKET_ROUTES)
@pytest.mark.parametrize("value", NOT_A_DAY + NOT_BOOKABLE, ids=lambda v: repr(v)[:30])
def test_a_service_day_that_is_not_a_bookable_day_is_400_invalid_day(
    api: Api, route: str, value: Any
) -> None:
    answer = send(api, route, {"nik": VALID_NIK, "service_day": value})
    assert (answer.status, answer.code) == (400, "invalid_day"), answer
    assert answer.is_contract_error


@pytest.mark.parametrize("route", TICKET_ROUTES)
def test_a_service_day_too_long_for_a_body_is_413_in_the_contract_shape(api: Api, route: str) -> None:
    answer = send(api, route, {"nik": VALID_NIK, "service_day": "2" * 70_000})
    assert (answer.status, answer.code) == (413, "payload_too_large") and answer.is_contract_error


@pytest.mark.parametrize("route", TICKET_ROUTES)
def test_a_day_closed_by_its_quota_is_invalid_ahead_and_closed_today(api: Api, route: str) -> None:
    admin = mint("admin")
    for day in ("2026-11-23", "2026-11-26"):
        assert api.put(f"/v1/admin/quota/{day}", {"quota": 0}, token=admin).status == 200
    later = send(api, route, {"nik": VALID_NIK, "service_day": "2026-11-26"})
    assert (later.status, later.code) == (400, "invalid_day") and later.is_contract_error
    today = send(api, route, {"nik": VALID_NIK, "service_day": "2026-11-23"})
    assert (today.status, today.code) == (409, "closed") and today.is_contract_error
    assert (send(api, route, {"nik": VALID_NIK}).status, send(api, route, {"nik": VALID_NIK}).code) == (
        409,
        "closed",
    )


@pytest.mark.parametrize(
    "held", [-1, 11, 10_001, True, False, 2.5, 2.0, "2", None, [2], {"n": 2}, 10**30, -(10**30)], ids=repr
)
def test_a_door_reserve_out_of_0_to_the_quota_is_400_invalid_quota(api: Api, held: Any) -> None:
    answer = send(api, "day quota", {"quota": 10, "held_for_door": held})
    assert (answer.status, answer.code) == (400, "invalid_quota"), answer
    assert answer.is_contract_error
    kept = api.get("/v1/admin/quota?day=2026-11-24", token=mint("staff"))
    assert kept.status == 200 and kept.body["quota"] != 10  # nothing was written


@pytest.mark.parametrize(("held", "resident"), [(0, (201, None)), (10, (409, "quota_exhausted"))])
def test_a_door_reserve_from_0_to_the_quota_is_taken(api: Api, held: int, resident: tuple[int, str]) -> None:
    assert send(api, "day quota", {"quota": 10, "held_for_door": held}).status == 200
    answer = send(api, "tickets", {"nik": VALID_NIK, "service_day": TOMORROW})
    assert (answer.status, answer.code) == resident, answer  # all of it held: none for residents


@pytest.fixture
def gateway(api: Api) -> GatewayApi:
    """What `make run` (and API Gateway) answers: unknown paths included."""
    return GatewayApi()


def a_ticket(api: Api) -> str:
    taken = send(api, "tickets", {"nik": VALID_NIK, "service_day": TOMORROW})
    assert taken.status == 201, taken
    return str(taken.body["ticket"]["code"])


NOT_A_CODE = [
    "A",
    "ABCDEFG",  # 7
    "ABCDEFGHJ",  # 9
    "ABCDEFGH",  # 8, right alphabet: nobody's
    "ABCDEF0O",  # 0 and O: not in the alphabet
    "ABCD1ILE",
    "%41%42%43%44%45%46%47%48",
    "%00%00%00%00%00%00%00%00",
    "%F0%9F%8E%AB%F0%9F%8E%AB",  # a ticket emoji, twice
    "\u00c4\u00d6\u00dc\u00c4\u00d6\u00dc\u00c4\u00d6",
    "\uff21\uff22\uff23\uff24\uff25\uff26\uff27\uff28",  # full-width letters
    "ABCD%20EFGH%20" * 3,
    "..",
    "A" * 33,
    "A" * 5_000,
    "9" * 5_000,
]


@pytest.mark.parametrize("method", ["GET", "DELETE"])
@pytest.mark.parametrize("code", NOT_A_CODE, ids=lambda c: c[:24])
def test_a_code_in_the_path_that_is_no_ticket_is_404_not_found(
    gateway: GatewayApi, method: str, code: str
) -> None:
    answer = gateway.call(method, f"/v1/tickets/{code}")
    assert (answer.status, answer.code) == (404, "not_found"), answer
    assert answer.is_contract_error


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_a_code_in_lower_case_or_with_a_dash_is_the_ticket(
    api: Api, gateway: GatewayApi, method: str
) -> None:
    code = a_ticket(api)
    answer = gateway.call(method, f"/v1/tickets/{code[:4].lower()}-{code[4:].lower()}")
    assert answer.status == 200 and answer.body["ticket"]["code"] == code, answer


@FUZZ
@given(st.text(min_size=1, max_size=80))  # none at all is `/v1/tickets/`, the route that only takes a POST
def test_any_text_as_a_code_is_404_never_a_5xx(gateway: GatewayApi, text: str) -> None:
    from urllib.parse import quote

    for method in ("GET", "DELETE"):
        answer = gateway.call(method, f"/v1/tickets/{quote(text, safe='')}")
        assert (answer.status, answer.code) == (404, "not_found"), (text, answer)
        assert answer.is_contract_error
