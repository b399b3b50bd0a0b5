"""Screenshots of the pages at their key states, for a person to look at: tests/artifacts/
(ignored by git), one file per state and screen width, replaced at each run."""

from __future__ import annotations

import struct
from pathlib import Path

from playwright.sync_api import Page

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def screenshot(page: Page, name: str) -> Path:
    """Saves the whole of `page` as tests/artifacts/<name>-<width>px.png; its path."""
    size = page.viewport_size
    assert size is not None, "a page without a viewport has no width to name its screenshot by"
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"{name}-{size['width']}px.png"
    page.screenshot(path=str(shot), full_page=True)
    width, _ = struct.unpack(">II", shot.read_bytes()[16:24])
    assert width == size["width"], f"{shot.name} is {width} px wide on a {size['width']} px screen"
    return shot
