"""Structured JSON logs on the standard library (Powertools' Logger costs ~100 ms of cold start).

Only what is passed as fields is logged: never a request body, so never a NIK.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

_logger = logging.getLogger("loket")
if not _logger.handlers:
    _handler = logging.StreamHandler(sys.stdout)
    _handler.setFormatter(logging.Formatter("%(message)s"))
    _logger.addHandler(_handler)
    _logger.setLevel(logging.INFO)
    _logger.propagate = False


def log(event: str, level: int = logging.INFO, **fields: Any) -> None:
    _logger.log(level, json.dumps({"event": event, **fields}, default=str, sort_keys=True))
