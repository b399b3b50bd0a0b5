"""What the browser tier shares: where Chromium is, how it is launched, what a test holds."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import BrowserContext, ConsoleMessage, Page, ViewportSize

CHROMIUM = Path(os.environ.get("LOKET_CHROMIUM", "/usr/bin/chromium"))
# --headless and --no-sandbox come from `headless=True` and `chromium_sandbox=False`; Playwright
# also gives every launch a fresh --user-data-dir. Without the background-networking flags,
# Chromium's own connections are refused by this machine's closed network.
CHROMIUM_FLAGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE: ViewportSize = {"width": 390, "height": 844}
EVERY_WEEKDAY = "mon,tue,wed,thu,fri,sat,sun"


@dataclass(frozen=True)
class Loket:
    """The running service, as a browser sees it."""

    url: str
    today: str  # the service day the server is pinned to, YYYY-MM-DD


@dataclass
class Watched:
    """A page and what it did: every request URL, and anything that went wrong inside it."""

    page: Page
    requests: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def watched_page(context: BrowserContext) -> Watched:
    """A new page of `context`, its requests and breakages recorded: a script error or a CSP
    refusal (Chromium reports those on the console only) is a problem the test must see."""
    context.set_default_timeout(10_000)
    page = context.new_page()
    seen = Watched(page)
    page.on("request", lambda request: seen.requests.append(request.url))
    page.on("pageerror", lambda error: seen.problems.append(f"script error: {error}"))

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            seen.problems.append(f"CSP: {message.text}")

    page.on("console", on_console)
    return seen
