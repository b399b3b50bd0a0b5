"""bench/cold_start.py's machinery, run once and small, so that `make bench` cannot rot unseen.

No clock is asserted: the figures are the bench's to print (docs/PERFORMANCE.md)."""

from __future__ import annotations

import os

from bench.cold_start import REQUESTS, measure
from infra.package import Artifact


def test_the_cold_start_bench_answers_both_requests_through_both_handlers_on_the_same_calls(
    artifacts: dict[str, Artifact],
) -> None:
    environ = dict(os.environ)
    found = measure(rounds=1, deployment_zip=artifacts["prod"].zip)

    # Logged by the stand-in, not by loket: every request of both probes reached DynamoDB, a
    # ticket by writes (the rate window, the day's counter), a status by a query.
    calls = found["calls"]
    assert {path for path, _, _ in calls} == set(REQUESTS)
    tickets = [operation for path, operation, _ in calls if path == "/v1/tickets"]
    status = [operation for path, operation, _ in calls if path == "/v1/status"]
    assert "UpdateItem" in tickets
    assert status[-1] == "Query"
    for figures in (found["wall_ms"], found["cpu_ms"]):
        assert set(figures) == {"loket", "bare"}
        assert all(value > 0 for value in figures.values())
    assert all(len(phases) == 1 + len(REQUESTS) for phases in found["phases_cpu_ms"].values())
    assert dict(os.environ) == environ  # the bench's secrets and endpoint did not leak
