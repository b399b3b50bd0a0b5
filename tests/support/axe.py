"""axe-core (npm, pinned in package.json) run inside a page: no serious or critical violation of
WCAG 2.0 A and AA or 2.1 AA.

axe is evaluated through the DevTools protocol (`page.evaluate`), which a page's CSP does not
govern, so the page is checked under its own strict policy: no `bypass_csp`, no script tag.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21aa"]
BLOCKING = {"serious", "critical"}


@lru_cache(maxsize=1)
def _source() -> str:
    if not AXE.is_file():
        pytest.fail(f"axe-core is missing at {AXE}: `npm ci` (make install does it).", pytrace=False)
    return AXE.read_text(encoding="utf-8")


def violations(page: Page, within: str | None = None) -> list[dict[str, Any]]:
    """What axe finds in `page` (or in the element `within` selects), every impact."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(_source() + "\n;true")
    found: list[dict[str, Any]] = page.evaluate(
        """async ([within, tags]) => {
          const result = await axe.run(within ? document.querySelector(within) : document,
                                       {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
          return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                              targets: v.nodes.map(n => n.target.join(" "))}));
        }""",
        [within, TAGS],
    )
    return found


def assert_accessible(page: Page, state: str = "", within: str | None = None) -> None:
    """Fails naming every serious or critical violation axe finds: its id, help and targets."""
    blocking = [v for v in violations(page, within) if v["impact"] in BLOCKING]
    lines = [f"{v['impact']} {v['id']}: {v['help']} at {', '.join(v['targets'])}" for v in blocking]
    where = f" ({state})" if state else ""
    assert not lines, f"axe finds {len(lines)} serious or critical violation(s){where}:\n" + "\n".join(lines)
