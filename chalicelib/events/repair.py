"""The repair (a schedule every 5 minutes): finish the takes and cancels a dead process left
half done (services/repair.py), so that no place stays counted without its ticket."""

from __future__ import annotations

from typing import Any

from chalicelib import runtime
from chalicelib.logs import log
from chalicelib.services.repair import repair
from chalicelib.settings import settings


def handle(event: Any) -> dict[str, int]:
    done = repair(runtime.store(), settings(), runtime.now())
    log(
        "repair",
        takes_finished=done.takes_finished,
        cancels_finished=done.cancels_finished,
        orphans=done.orphans,
        check_ins_finished=done.check_ins_finished,
    )
    return {
        "takes_finished": done.takes_finished,
        "cancels_finished": done.cancels_finished,
        "orphans": done.orphans,
        "check_ins_finished": done.check_ins_finished,
    }
