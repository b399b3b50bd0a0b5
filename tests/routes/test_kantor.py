"""`GET /kantor`, the office page: one self-contained HTML file under 100 KB, under the same
strict policy as the residents' page, revalidated with a 304. What it does: tests/browser/test_kantor.py."""

from __future__ import annotations

import base64
import hashlib
import re

from tests.support.api_client import Answer, Api

LIMIT = 100_000  # issue 12: the office page under 100 KB


def page(api: Api, **headers: str | None) -> Answer:
    return api.get("/kantor", headers={"content-type": None, **headers})


def html(answer: Answer) -> str:
    assert isinstance(answer.body, bytes), answer
    return answer.body.decode("utf-8")


def inline_hashes(text: str, tag: str) -> list[str]:
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(block.encode()).digest()).decode() + "'"
        for block in re.findall(rf"<{tag}>(.*?)</{tag}>", text, re.DOTALL)
    ]


def test_the_office_page_is_html_under_a_policy_that_allows_only_its_own_inline_code(api: Api) -> None:
    answer = page(api)

    assert answer.status == 200
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    policy = answer.headers["content-security-policy"]
    residents = api.get("/", headers={"content-type": None}).headers["content-security-policy"]
    strip = re.compile(r"'sha256-[^']+' ?")
    assert strip.sub("", policy) == strip.sub("", residents), "as strict as the residents' page"
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    text = html(answer)
    [script] = inline_hashes(text, "script")
    [style] = inline_hashes(text, "style")
    assert f"script-src {script};" in policy and f"style-src {style};" in policy
    assert not re.search(r"\sstyle=|\son[a-z]+=", text), "no inline style or handler attribute"


def test_the_office_page_is_one_file_under_100_kb_with_nothing_from_elsewhere(api: Api) -> None:
    answer = page(api)

    assert answer.status == 200
    assert len(answer.body) < LIMIT, f"the office page is {len(answer.body)} bytes"
    text = html(answer)
    assert "http:" not in text and "https:" not in text  # no CDN, no web fonts
    assert not re.search(r"<script[^>]* src=|<link[^>]* rel=\"?stylesheet|@import|url\(", text)


def test_the_office_page_revalidates_with_a_304_and_is_neither_other_page(api: Api) -> None:
    first = page(api)
    again = page(api, **{"if-none-match": first.headers["etag"]})

    assert (again.status, again.body) == (304, None)
    assert first.headers["cache-control"] == "no-cache"
    for other in ("/", "/layar"):
        assert api.get(other, headers={"content-type": None}).headers["etag"] != first.headers["etag"]
