"""hypothesis on the NIK parser and on every request body: whatever JSON a client sends in
any field, the answer is a 4xx in the contract's error shape, never a 500 and never a
silent acceptance. (chalice's test client over in-process moto: fast, one thread.)"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from chalicelib.core.errors import InvalidNik
from chalicelib.core.nik import parse_nik, parse_typed_nik
from chalicelib.core.service_day import parse_instant
from tests.support.api_client import NO_BODY, Answer, Api, mint
from tests.support.residents import nik_digits

pytestmark = pytest.mark.usefixtures("no_ticket_proof")  # the counter's rules, without phones

SITES = {"kab-blitar", "kec-wlingi"}
VALID_NIK = "3505124509909101"
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
    "tickets": ("POST", "/v1/tickets", None, {"nik": VALID_NIK, "site": "kab-blitar"}),
    "default quota": ("PUT", "/v1/admin/quota/default", "admin", {"quota": 10, "site": "kab-blitar"}),
    "day quota": ("PUT", "/v1/admin/quota/2026-11-24", "admin", {"quota": 10, "site": "kab-blitar"}),
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
            if route in ("tickets", "default quota", "day quota") and field == "site":
                continue  # optional: the default site
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
