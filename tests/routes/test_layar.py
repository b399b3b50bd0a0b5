"""`GET /layar`, the waiting-room display: one small, self-contained HTML file under a strict
policy, revalidated with a 304. What it shows and says: tests/browser/test_layar.py."""

from __future__ import annotations

import base64
import hashlib
import re

from tests.support.api_client import Answer, Api

LIMIT = 30_000  # issue 12: the display under 30 KB


def page(api: Api, **headers: str | None) -> Answer:
    return api.get("/layar", headers={"content-type": None, **headers})


def html(answer: Answer) -> str:
    assert isinstance(answer.body, bytes), answer
    return answer.body.decode("utf-8")


def test_the_display_is_html_under_a_policy_that_allows_only_its_own_inline_code(api: Api) -> None:
    answer = page(api)

    assert answer.status == 200
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    policy = answer.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "connect-src 'self'" in policy
    assert "form-action 'none'" in policy
    assert "'unsafe-inline'" not in policy
    [script] = re.findall(r"<script>(.*?)</script>", html(answer), re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy


def test_the_display_is_one_file_under_30_kb_with_nothing_from_elsewhere(api: Api) -> None:
    answer = page(api)

    assert answer.status == 200
    assert len(answer.body) < LIMIT, f"the display is {len(answer.body)} bytes"
    text = html(answer)
    assert "http:" not in text and "https:" not in text  # no CDN, no web fonts
    assert not re.search(r"<script[^>]* src=|<link[^>]* rel=\"?stylesheet|@import|url\(", text)


def test_the_display_revalidates_with_a_304_and_is_not_the_residents_page(api: Api) -> None:
    first = page(api)
    again = page(api, **{"if-none-match": first.headers["etag"]})
    residents = api.get("/", headers={"content-type": None})

    assert (again.status, again.body) == (304, None)
    assert residents.headers["etag"] != first.headers["etag"]
    assert api.get("/", headers={"content-type": None, "if-none-match": first.headers["etag"]}).status == 200
