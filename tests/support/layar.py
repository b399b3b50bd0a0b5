"""The hall's display (`/layar`) as the browser tests drive it: speech synthesis and WebAudio
stubbed by an init script that records each call, read back as chimes and sentences; the next
poll of the queue brought forward on a page whose clock is installed. Used by
tests/browser/test_layar.py and test_kantor.py."""

from __future__ import annotations

from playwright.sync_api import Page

# Every call to speechSynthesis.speak and every tone started is recorded in window.__heard.
RECORDER = """
window.__heard = [];
const heard = window.__heard;
Object.defineProperty(window, "speechSynthesis", {configurable: true, value: {
  speak(u) { heard.push("say " + u.lang + ": " + u.text); setTimeout(() => u.onend && u.onend(), 0); },
  cancel() {}, pause() {}, resume() {}, getVoices() { return []; },
  speaking: false, pending: false, paused: false,
}});
class RecordingAudio {
  constructor() { this.state = "running"; this.currentTime = 0; this.destination = {}; }
  createOscillator() {
    return {type: "", frequency: {setValueAtTime() {}}, connect() {}, start() { heard.push("tone"); }, stop() {}};
  }
  createGain() {
    return {gain: {setValueAtTime() {}, exponentialRampToValueAtTime() {}, linearRampToValueAtTime() {}},
            connect() {}};
  }
  resume() { return Promise.resolve(); }
}
window.AudioContext = RecordingAudio;
window.webkitAudioContext = RecordingAudio;
"""


def spoken(sentence: str) -> list[str]:
    """What one announcement passes on: a chime (one or more tones), then the sentence."""
    return ["chime", f"say id-ID: {sentence}"]


def heard(page: Page) -> list[str]:
    """The recording, each run of tones read as one chime."""
    events: list[str] = []
    for event in page.evaluate("window.__heard.slice()"):
        if event == "tone":
            if not events or events[-1] != "chime":
                events.append("chime")
        else:
            events.append(str(event))
    return events


def wait_for_sentences(page: Page, count: int) -> None:
    page.wait_for_function(
        "n => window.__heard.filter(e => e.startsWith('say ')).length >= n", arg=count, timeout=10_000
    )


def next_poll(page: Page) -> None:
    """Brings the next poll of the queue forward, and waits for its answer."""
    with page.expect_response(lambda r: "/v1/queue" in r.url):
        page.clock.run_for(5_000)
