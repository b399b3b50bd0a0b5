"""A camera for the browser tier: Chromium's fake capture device playing a QR code, and a
`BarcodeDetector` that reads the frames it is given with zbar.

Chromium on Linux has no `BarcodeDetector` (it is built only where the platform has a
barcode API: Android, ChromeOS, macOS), so a page's scan button would never appear. The
stand-in installed here has the same shape (`new BarcodeDetector({formats})`,
`detect(source)` resolving to `[{rawValue, format}]`): it draws the source (a <video> fed by
getUserMedia, an image, a canvas) to a canvas and hands its PNG to Python, which runs zbarimg
on it. The decoding is real, of real frames through the real camera pipeline.

The QR code is drawn by the residents' page's own encoder (chalicelib/web/index.html, run in
Node), which tests/browser/test_qr.py proves against zbar.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright

from tests.support.browser import CHROMIUM, CHROMIUM_FLAGS

PAGE = Path(__file__).resolve().parents[2] / "chalicelib" / "web" / "index.html"
ENCODER_START = "var QR_CHARS"
ENCODER_END = "/** Draws `text`"
WIDTH, HEIGHT = 640, 480  # VGA
MODULE = 12  # pixels per QR module: 29 modules with the quiet zone, 348 px
BLACK, WHITE = 16, 235  # luma in video range (BT.601)
BINDING = "__loketReadQr"

DETECTOR = f"""
(() => {{
  class BarcodeDetector {{
    constructor(options) {{ this.formats = (options && options.formats) || ["qr_code"]; }}
    static getSupportedFormats() {{ return Promise.resolve(["qr_code"]); }}
    async detect(source) {{
      const width = source.videoWidth || source.naturalWidth || source.width;
      const height = source.videoHeight || source.naturalHeight || source.height;
      if (!width || !height || !this.formats.includes("qr_code")) {{ return []; }}
      const canvas = document.createElement("canvas");
      canvas.width = width;
      canvas.height = height;
      canvas.getContext("2d").drawImage(source, 0, 0, width, height);
      const text = await window.{BINDING}(canvas.toDataURL("image/png"));
      return text === null ? [] : [{{rawValue: text, format: "qr_code", cornerPoints: [],
                                     boundingBox: new DOMRectReadOnly(0, 0, width, height)}}];
    }}
  }}
  Object.defineProperty(window, "BarcodeDetector", {{configurable: true, writable: true, value: BarcodeDetector}});
}})();
"""


def _tool(name: str, package: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(
            f"{name} is missing: `apt-get install -y {package}`. The camera tests do not skip.", pytrace=False
        )
    return found


def qr_modules(text: str) -> list[list[int]]:
    """The modules of the QR code the residents' page draws for `text` (rows of 0/1, 21x21)."""
    html = PAGE.read_text(encoding="utf-8")
    start, end = html.find(ENCODER_START), html.find(ENCODER_END)
    assert 0 <= start < end, (
        f"the QR encoder is no longer between {ENCODER_START!r} and {ENCODER_END!r} in {PAGE}"
    )
    script = html[start:end] + "\nprocess.stdout.write(JSON.stringify(qrMatrix(process.argv[1])));\n"
    run = subprocess.run(
        [_tool("node", "nodejs"), "-e", script, text], capture_output=True, text=True, timeout=30, check=True
    )
    modules: list[list[int]] | None = json.loads(run.stdout)
    assert modules is not None, (
        f"the page's encoder cannot draw {text!r} (version 1-H, alphanumeric, 10 at most)"
    )
    return modules


def _write_frame(path: Path, modules: list[list[int]]) -> None:
    """A Y4M video of one frame (4:2:0), which Chromium's fake camera plays in a loop: `modules`
    black on white in the middle of a VGA picture; written whole, then put in place at once."""
    side = (len(modules) + 8) * MODULE  # a 4-module quiet zone all round
    left, top = (WIDTH - side) // 2, (HEIGHT - side) // 2
    luma = bytearray([WHITE]) * (WIDTH * HEIGHT)
    for r, row in enumerate(modules):
        for c, dark in enumerate(row):
            if dark:
                x, y = left + (c + 4) * MODULE, top + (r + 4) * MODULE
                for line in range(y, y + MODULE):
                    luma[line * WIDTH + x : line * WIDTH + x + MODULE] = bytes([BLACK]) * MODULE
    chroma = bytes([128]) * (WIDTH // 2 * HEIGHT // 2)  # U = V = 128: no colour
    header = f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F30:1 Ip A1:1 C420jpeg\n".encode("ascii")
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(header + b"FRAME\n" + bytes(luma) + chroma + chroma)
    partial.replace(path)  # a capture starting meanwhile reads the old frame or the new, never half of one


@dataclass(frozen=True)
class Camera:
    """The file Chromium's fake camera plays. Chromium opens it each time a capture starts
    (each getUserMedia), so what `show` puts there is what the next capture sees; a stream
    already open keeps the picture it started with."""

    video: Path

    @classmethod
    def in_directory(cls, directory: Path) -> Camera:
        camera = cls(directory / "camera.y4m")
        camera.show_nothing()
        return camera

    def show(self, text: str) -> None:
        """The QR code of `text`, as the residents' page draws it, for the next capture."""
        _write_frame(self.video, qr_modules(text))

    def show_nothing(self) -> None:
        """A white picture, no code in it, for the next capture."""
        _write_frame(self.video, [])


def launch_with_camera(playwright: Playwright, camera: Camera) -> Browser:
    """Debian's headless Chromium whose only camera plays `camera`, getUserMedia granted without asking."""
    if not CHROMIUM.is_file():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: `apt-get install -y chromium`.", pytrace=False)
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        chromium_sandbox=False,
        args=[
            *CHROMIUM_FLAGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={camera.video}",
        ],
    )


def read_qr(png: bytes) -> str | None:
    """The text of the QR code zbar finds in `png`, or None when it finds none."""
    with tempfile.NamedTemporaryFile(suffix=".png") as frame:
        frame.write(png)
        frame.flush()
        read = subprocess.run(
            [_tool("zbarimg", "zbar-tools"), "--raw", "-q", "-Sdisable", "-Sqrcode.enable", frame.name],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    if read.returncode == 4:  # zbarimg: the image was read, no code found in it
        return None
    assert read.returncode == 0, f"zbarimg failed (exit {read.returncode}): {read.stderr}"
    return read.stdout.rstrip("\n")


def install_barcode_detector(target: BrowserContext | Page) -> None:
    """Gives every page of `target` the zbar-backed `BarcodeDetector`, before its own scripts run."""

    def read(_source: Any, data_url: str) -> str | None:
        head, _, data = data_url.partition(",")
        assert head == "data:image/png;base64", head[:40]
        return read_qr(base64.b64decode(data))

    target.expose_binding(BINDING, read)
    target.add_init_script(DETECTOR)
