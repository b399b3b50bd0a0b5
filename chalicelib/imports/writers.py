"""The import's writers: a bounded pool of threads on the store's shared client, each row one
conditional write, a throttled write retried with capped exponential backoff and full jitter.

"Newer wins" is the write's own condition (stored only if the stored stage is older), so two
rows of one NIK and service end with the newer stored in whichever order writers land them;
the importer still hands such rows over one after the other, in the file's order, so that
the split between `applied` and `unchanged` is the one a row-by-row import would give.

The pool halts at the first failure (a write still refused after its retries, or any other
error): the rows not yet written come back `None` (not written), so the importer lists them
as `not_processed`, as it did when it wrote one row at a time. A `BaseException` (the process
dying, in tests) halts it too and is handed to the importer as it is.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from chalicelib.core.applications import Application
from chalicelib.core.errors import Unavailable
from chalicelib.store.ports import Applications

DEFAULT_WRITERS = 16


@dataclass(frozen=True)
class Backoff:
    """Retries of a write the store refused as `Unavailable` (throttled, unreachable), on top of
    the SDK's own: `attempts` in all, sleeping up to `base_s * 2**n` (at most `cap_s`) before
    retry n+1, drawn uniformly ("full jitter"), so that writers throttled together spread out."""

    attempts: int = 4
    base_s: float = 0.1
    cap_s: float = 2.0

    def delay(self, retry: int) -> float:
        return random.uniform(0, min(self.cap_s, self.base_s * 2**retry))


class Writers:
    """`writers` threads writing stages to `store`; `submit` answers a future of the write:
    True (stored), False (as new or newer already stored), None (not written: the pool halted)."""

    def __init__(
        self,
        store: Applications,
        writers: int = DEFAULT_WRITERS,
        backoff: Backoff = Backoff(),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._store = store
        self._backoff = backoff
        self._sleep = sleep
        self._halted = threading.Event()
        self.size = writers
        self._pool = ThreadPoolExecutor(max_workers=writers, thread_name_prefix="import-writer")

    @property
    def halted(self) -> bool:
        return self._halted.is_set()

    def submit(self, nik_key: str, nik_last4: str, application: Application) -> Future[bool | None]:
        return self._pool.submit(self._write, nik_key, nik_last4, application)

    def _write(self, nik_key: str, nik_last4: str, application: Application) -> bool | None:
        retry = 0
        while not self._halted.is_set():
            try:
                return self._store.record_application(nik_key, nik_last4, application)
            except Unavailable:
                if retry + 1 >= self._backoff.attempts:
                    self._halted.set()
                    raise
                self._sleep(self._backoff.delay(retry))
                retry += 1
            except BaseException:
                self._halted.set()
                raise
        return None

    def close(self) -> None:
        """Stop: writes under way finish, the ones not started are dropped."""
        self._halted.set()
        self._pool.shutdown(wait=True, cancel_futures=True)
