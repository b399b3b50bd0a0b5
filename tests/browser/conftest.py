"""The browser tier: Debian's headless Chromium, driven by Playwright, against the real local
HTTP server (`local.http_server`) over the embedded, linearizable moto DynamoDB with demo data,
and staff who sign in on that same moto server's cognito-idp: `make run`'s user pool and its
demo accounts (local/staff_pool.py).

Chromium is the system one at /usr/bin/chromium (`.ci/run` installs it); Playwright's own
browser download cannot work on this network. When Chromium is missing the tier FAILS:
a skipped browser test would hide a page nobody has seen work.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Browser, Playwright, ViewportSize, sync_playwright

from chalicelib import runtime, settings
from tests.support.browser import CHROMIUM, CHROMIUM_FLAGS, EVERY_WEEKDAY, PHONE, Loket, Watched, watched_page
from tests.support.staff_pool import StaffPool
from tests.support.whatsapp import ACCESS_TOKEN, APP_SECRET, VERIFY_TOKEN, StandInGraph

REGION = "ap-southeast-3"
NARROW: ViewportSize = {"width": 360, "height": 640}


# Module-scoped, not session-scoped: Playwright's sync API keeps an event loop of its own alive
# while started, and no other tier should run beside it.
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.is_file() or not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: `apt-get install -y chromium` (.ci/run does it). "
            "The browser tests do not skip.",
            pytrace=False,
        )
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, chromium_sandbox=False, args=CHROMIUM_FLAGS
    )
    yield browser
    browser.close()


@dataclass(frozen=True)
class Tables:
    endpoint: str
    prefix: str


@pytest.fixture(scope="module")
def tables() -> Iterator[Tables]:
    """The embedded, linearizable moto DynamoDB on 127.0.0.1, with loket's tables, for this module.

    Tables are created once (PynamoDB takes ~2 s for them here) and emptied before each test.
    """
    from chalicelib.store.models import MODELS, bind, create_missing_tables
    from local.embedded_dynamodb import EmbeddedDynamoDB

    embedded = EmbeddedDynamoDB().start()
    made = Tables(embedded.endpoint, f"web-{uuid.uuid4().hex[:10]}")
    try:
        bind(made.prefix, REGION, made.endpoint)
        create_missing_tables()
        yield made
        bind(made.prefix, REGION, made.endpoint)
        for model in MODELS.values():
            model.delete_table()  # moto's tables outlive its server: leave none behind
    finally:
        embedded.stop()
        settings.reset()
        runtime.reset()
        config = settings.settings()  # leave the models bound as the environment says, not to a dead port
        bind(config.table_prefix, config.region, config.dynamodb_endpoint)


@pytest.fixture(scope="module")
def staff_pool(tables: Tables) -> Iterator[StaffPool]:
    """`make run`'s user pool (its policy, groups, app client and demo accounts) on the embedded
    moto server, for this module: a person added or signed out by one test is no other's."""
    import boto3

    from local.staff_pool import create_demo_pool

    cognito = boto3.client("cognito-idp", region_name=REGION, endpoint_url=tables.endpoint)
    created = create_demo_pool(cognito)
    yield StaffPool(cognito, created.user_pool_id, created.client_id)
    cognito.delete_user_pool(UserPoolId=created.user_pool_id)


@pytest.fixture
def graph() -> Iterator[StandInGraph]:
    """Meta's Graph API as `make run` stands it in: the replies loket sends a verified phone."""
    server = StandInGraph().start()
    yield server
    server.stop()


@pytest.fixture
def loket(
    tables: Tables, staff_pool: StaffPool, graph: StandInGraph, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Loket]:
    """A fresh service per test: empty tables, the demo data, an HTTP server on 127.0.0.1,
    its WhatsApp webhook taking messages signed with the test app secret, staff signing in
    on the module's user pool.

    Every weekday is open, so the ticket flow runs on any day; the clock is pinned to the
    instant the fixture starts, so a test that crosses midnight WIB still sees one service day.
    """
    from app import app
    from chalicelib.core.service_day import service_day
    from chalicelib.http import staff_identity
    from chalicelib.store.models import MODELS
    from chalicelib.whatsapp import config as whatsapp_config
    from chalicelib.whatsapp import outbox
    from local.demo import seed
    from local.http_server import HttpServer

    monkeypatch.setenv("WHATSAPP_APP_SECRET", APP_SECRET.decode())
    monkeypatch.setenv("WHATSAPP_VERIFY_TOKEN", VERIFY_TOKEN)
    monkeypatch.setenv("WHATSAPP_ACCESS_TOKEN", ACCESS_TOKEN)
    monkeypatch.setenv("WHATSAPP_GRAPH_URL", graph.url)
    monkeypatch.delenv("WHATSAPP_REPLY_QUEUE_URL", raising=False)
    whatsapp_config.reset()
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", tables.endpoint)
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("LOKET_TABLE_PREFIX", tables.prefix)
    monkeypatch.setenv("LOKET_OPEN_WEEKDAYS", EVERY_WEEKDAY)
    monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", tables.endpoint)
    monkeypatch.setenv("LOKET_COGNITO_USER_POOL_ID", staff_pool.user_pool_id)
    monkeypatch.setenv("LOKET_COGNITO_CLIENT_ID", staff_pool.client_id)
    settings.reset()
    runtime.reset()
    staff_identity.reset()  # no token accepted by an earlier test is taken again
    started = datetime.now(UTC)
    monkeypatch.setattr(runtime, "now", lambda: started)
    store = runtime.store()  # binds the models to this endpoint and prefix before anything uses them
    for model in MODELS.values():
        with model.batch_write() as batch:
            for item in model.scan(consistent_read=True):
                batch.delete(item)
    seed(store)
    server = HttpServer(app, port=0).start()
    try:
        yield Loket(url=server.url, today=service_day(started, settings.settings().tz).isoformat())
    finally:
        server.stop()
        outbox.use_dispatcher(None)  # no drain thread may outlive the endpoint it talks to
        whatsapp_config.reset()
        settings.reset()
        runtime.reset()
        staff_identity.reset()


def _watch(browser: Browser, viewport: ViewportSize) -> Iterator[Watched]:
    context = browser.new_context(
        viewport=viewport, locale="id-ID", timezone_id="Asia/Jakarta", service_workers="block"
    )
    seen = watched_page(context)
    yield seen
    context.close()
    assert seen.problems == [], "the page broke in the browser"


@pytest.fixture
def watched(browser: Browser) -> Iterator[Watched]:
    """A new, empty browser context (no storage, no cache) on a phone-sized screen."""
    yield from _watch(browser, PHONE)


@pytest.fixture
def narrow(browser: Browser) -> Iterator[Watched]:
    """The same on the narrowest phone screen the page is made for: 360 px wide."""
    yield from _watch(browser, NARROW)
