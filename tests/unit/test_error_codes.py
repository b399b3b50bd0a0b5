"""Each error code is declared once (chalicelib/core/errors.py); the rest is read from it."""

from __future__ import annotations

import json
import string
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from chalicelib.core import errors
from chalicelib.core.errors import ERROR_CODES, LoketError
from chalicelib.http.errors import CODE_FOR_STATUS, STATUS_OF, error_body

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDERS = {"max_body_kib", "max_quota", "min_password"}  # the limits the edge fills in


def _run(probe: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    return result.stdout.strip().splitlines()[-1]


def test_every_exception_carries_a_declared_code() -> None:
    classes = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, LoketError)]
    assert len(classes) > 10
    for cls in classes:
        assert cls.code in ERROR_CODES, cls.__name__


def test_an_exception_naming_an_undeclared_code_fails_where_it_is_defined() -> None:
    with pytest.raises(TypeError, match="no_such_code"):

        class Undeclared(LoketError):
            code = "no_such_code"


def test_the_status_table_is_the_declaration() -> None:
    assert {e.code: e.status for e in ERROR_CODES.values()} == STATUS_OF
    assert all(code == e.code for code, e in ERROR_CODES.items())


def test_a_bare_status_stands_for_one_code_at_most_and_a_declared_one() -> None:
    standing = Counter(e.status for e in ERROR_CODES.values() if e.stands_for_status)
    assert all(count == 1 for count in standing.values()), standing
    assert all(STATUS_OF[code] == status for status, code in CODE_FOR_STATUS.items())


def test_every_code_is_told_in_indonesian_and_in_english_with_only_known_limits() -> None:
    for e in ERROR_CODES.values():
        assert e.id.strip() and e.en.strip() and e.id != e.en, e.code
        for text in (e.id, e.en):
            named = {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}
            assert named <= PLACEHOLDERS, (e.code, named)
        for language in ("id", "en"):
            message = error_body(e.code, language)["error"]["message"]
            assert "{" not in message and "}" not in message, (e.code, language)


def test_the_body_limit_and_the_quota_bound_are_told_as_the_code_enforces_them() -> None:
    # Other limits than the real ones, set before the edge reads them: the texts must follow.
    probe = (
        "import json; import chalicelib.core.quota as q; import chalicelib.http.requests as r; "
        "q.MAX_QUOTA = 777; r.MAX_BODY_BYTES = 8 * 1024; "
        "from chalicelib.http.errors import error_message as m; "
        "print(json.dumps([m(c, l) for c in ('payload_too_large', 'invalid_quota') for l in ('id', 'en')]))"
    )
    too_large_id, too_large_en, quota_id, quota_en = json.loads(_run(probe))
    assert "maksimal 8 KiB" in too_large_id and "8 KiB at most" in too_large_en
    assert "dari 0 sampai 777." in quota_id and "from 0 to 777." in quota_en
