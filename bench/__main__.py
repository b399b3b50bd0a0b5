"""`python -m bench` (make bench): every benchmark, each in a fresh interpreter so that none
inherits another's imports, environment or warm caches. `python -m bench rush` runs one."""

from __future__ import annotations

import subprocess
import sys

BENCHMARKS = {
    "ticket-round-trips": "bench.ticket_round_trips",
    "door-round-trips": "bench.door_round_trips",
    "lookup-overhead": "bench.lookup_overhead",
    "cold-import": "bench.cold_import",
    "cold-start": "bench.cold_start",
    "rush": "bench.rush",
    "powertools-import": "bench.powertools_import",
    "stage-import": "bench.stage_import",
}


def main() -> int:
    chosen = [name.replace("_", "-") for name in sys.argv[1:]] or list(BENCHMARKS)
    unknown = [name for name in chosen if name not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s) {unknown}; choose from {list(BENCHMARKS)}", file=sys.stderr)
        return 2
    failed = 0
    for name in chosen:
        failed |= subprocess.run([sys.executable, "-m", BENCHMARKS[name]], check=False).returncode
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
