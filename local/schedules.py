"""The schedules AWS runs for loket (app.py's @app.schedule), run by `make run` on a daemon
thread: the repair every minute (AWS: every 5), so that a take or cancel a Ctrl-C cut short
is finished as it would be in AWS. The midnight rollover needs no thread: a day is prepared
lazily by its first ticket anyway."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

REPAIR_EVERY_SECONDS = 60


class Every:
    """Call `job` every `seconds` until stopped; a job that fails is logged and run again next time."""

    def __init__(self, seconds: float, job: Callable[[], object], name: str) -> None:
        self._seconds, self._job = seconds, job
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> Every:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stopped.wait(self._seconds):
            try:
                self._job()
            except Exception:  # the next round tries again, as the schedule would
                logging.getLogger("loket").exception("scheduled job failed")


def repair_every_minute() -> Every:
    from chalicelib.events import repair

    return Every(REPAIR_EVERY_SECONDS, lambda: repair.handle({}), "repair").start()
