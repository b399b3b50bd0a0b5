from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from chalicelib import runtime
from chalicelib.store import models


def test_the_store_is_built_once_when_the_first_requests_arrive_together(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The local server's first requests come on many threads at once: binding the models
    twice registers a table twice on the shared connection (PynamoDB raises ValueError)."""
    binds: list[str] = []
    real_bind = models.bind

    def counting_bind(prefix: str, region: str, host: str | None, threads: int = 0) -> None:
        binds.append(prefix)
        real_bind(prefix, region, host, threads)

    monkeypatch.setattr(runtime, "bind", counting_bind)
    threads = 32
    for _ in range(10):
        runtime.reset()
        binds.clear()
        barrier = threading.Barrier(threads)

        with ThreadPoolExecutor(max_workers=threads) as pool:
            stores = list(pool.map(_first_request, [barrier] * threads))
        assert len(binds) == 1
        assert all(s is stores[0] for s in stores)


def _first_request(barrier: threading.Barrier) -> object:
    barrier.wait(timeout=30)
    return runtime.store()
