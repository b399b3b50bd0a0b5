"""The camera the office page's scan will meet, proven on a page of the test's own: Chromium's
fake capture device plays a QR code made by the residents' page's encoder, getUserMedia gives
it to a <video>, and the `BarcodeDetector` stand-in reads the frame with zbar
(tests/support/camera.py)."""

from __future__ import annotations

import base64
import hashlib
import json
import random
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, Route, expect

from tests.support.camera import HEIGHT, WIDTH, Camera, install_barcode_detector, launch_with_camera

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
ORIGIN = "http://127.0.0.1:8999"  # answered by the test's route: nothing listens there
SCAN = """
const out = document.getElementById("out");
navigator.mediaDevices.getUserMedia({video: true}).then(async (stream) => {
  const video = document.getElementById("video");
  video.srcObject = stream;
  await video.play();
  await new Promise((shown) => video.requestVideoFrameCallback(shown));
  const found = await new BarcodeDetector({formats: ["qr_code"]}).detect(video);
  stream.getTracks().forEach((track) => track.stop());  // the camera is let go once read
  out.textContent = JSON.stringify({frame: [video.videoWidth, video.videoHeight],
                                    found: found.map((code) => [code.format, code.rawValue])});
}).catch((error) => { out.textContent = "failed: " + error; });
"""


def new_code() -> str:
    """A new code each time, so no constant can pass for what the camera saw."""
    return "".join(random.SystemRandom().choices(ALPHABET, k=8))


def read(page: Page) -> list[list[str]]:
    """What the test's page reads through the camera: [[format, text], ...]."""
    out = page.locator("#out")
    expect(out).not_to_have_text("")
    answer: dict[str, Any] = json.loads(out.inner_text())
    assert answer["frame"] == [WIDTH, HEIGHT], f"the detector was given no camera frame: {answer}"
    found: list[list[str]] = answer["found"]
    return found


def serve(page: Page, script: str = SCAN) -> None:
    """The test's page at ORIGIN, under a policy as strict as loket's pages: only its own script."""
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    html = (
        '<!doctype html><html lang="en"><title>camera</title>'
        f'<video id="video" muted playsinline></video><p id="out"></p><script>{script}</script>'
    )

    def answer(route: Route) -> None:
        route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": f"default-src 'none'; script-src 'sha256-{digest}'"},
            body=html,
        )

    page.route(f"{ORIGIN}/**", answer)
    page.goto(f"{ORIGIN}/scan")


@pytest.fixture(scope="module")
def camera(tmp_path_factory: pytest.TempPathFactory) -> Camera:
    return Camera.in_directory(tmp_path_factory.mktemp("camera"))


@pytest.fixture(scope="module")
def camera_browser(playwright: Playwright, camera: Camera) -> Iterator[Browser]:
    browser = launch_with_camera(playwright, camera)
    yield browser
    browser.close()


@pytest.fixture
def scanner(camera_browser: Browser) -> Iterator[Page]:
    context = camera_browser.new_context(service_workers="block")
    context.set_default_timeout(10_000)
    install_barcode_detector(context)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    yield page
    context.close()
    assert problems == [], "the page broke in the browser"


def test_a_page_reads_the_code_the_camera_shows_through_getusermedia_and_the_detector(
    camera: Camera, scanner: Page
) -> None:
    first, then = new_code(), new_code()
    camera.show(first)
    serve(scanner)
    assert read(scanner) == [["qr_code", first]]

    camera.show(then)
    scanner.reload()

    assert read(scanner) == [["qr_code", then]], f"the camera showed {then}, after {first}"


def test_the_detector_finds_nothing_where_the_camera_shows_no_code(camera: Camera, scanner: Page) -> None:
    camera.show_nothing()

    serve(scanner)

    assert read(scanner) == []


def test_debians_chromium_has_no_barcode_detector_of_its_own(camera_browser: Browser) -> None:
    context = camera_browser.new_context()
    try:
        page = context.new_page()
        page.goto("about:blank")
        assert page.evaluate("'BarcodeDetector' in window") is False
    finally:
        context.close()
