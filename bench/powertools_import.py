"""powertools-import: what Powertools' Logger and Metrics would add to loket's cold start.

Three probes in fresh interpreters of the Lambda runtime's Python (3.12): `import boto3` (the
yardstick of docs/PERFORMANCE.md), `import app`, and `import app` then `Logger()` and
`Metrics()` as a module would create them at import. Four figures:

- CPU and wall time of whole fresh processes, interleaved, the order rotated each round,
  medians of ROUNDS each (the machine is shared and noisy: the CPU time moves less);
- the same cost timed inside the processes, from the Powertools import to `Metrics()` done;
- instructions (valgrind's cachegrind, one run each, start-up taken off), as tests/infra
  holds the packaged app to 1.2x `import boto3`; skipped without valgrind.

Powertools is not a dependency of loket, so it never goes into the project's venv: it is
installed once, at POWERTOOLS, with the app's own runtime pins (requirements.txt, chalice,
boto3), under dist/.cache/ for the 3.12 interpreter (`pip install --target`, which needs PyPI
the first time). Without a Python 3.12 or without PyPI the benchmark says so and skips.

Also printed: what the package would add to the Lambda zip, compiled and deflated as
infra/package.py builds it (jmespath left out: the runtime's botocore brings it), whole and
cut down to the modules Logger and Metrics load.
"""

from __future__ import annotations

import io
import os
import re
import resource
import shutil
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

from bench.common import OFFLINE_ENV, median, report

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "dist" / ".cache"
POWERTOOLS = "aws-lambda-powertools==3.37.0"
ROUNDS = 30
ZIP_BUDGET = 1024 * 1024  # infra/package.py's MAX_ZIP_BYTES
IN_LAMBDA_RUNTIME = {"jmespath"}  # shipped with the runtime's botocore: never vendored

PROBES = {
    "boto3": "import boto3",
    "app": "import app",
    "app+powertools": (
        "import app, time\n"
        "started = time.perf_counter()\n"
        "from aws_lambda_powertools import Logger, Metrics\n"
        "Logger(service='loket')\n"
        "Metrics(namespace='loket', service='loket')\n"
        "print(time.perf_counter() - started)"  # the same cost, timed inside the process
    ),
}


class Skip(Exception):
    pass


def lambda_python() -> str:
    from infra.package import BuildError, find_lambda_python

    try:
        return find_lambda_python()
    except BuildError as error:
        raise Skip(str(error)) from None


def runtime_pins() -> list[str]:
    """The app's runtime pins: requirements.txt, plus chalice and boto3/botocore from the dev pins."""
    pins = [
        line.strip()
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    dev = (ROOT / "requirements-dev.txt").read_text()
    for name in ("chalice", "boto3", "botocore"):
        found = re.search(rf"^{name}==\S+", dev, re.MULTILINE)
        if found is None:
            raise Skip(f"requirements-dev.txt pins no {name}")
        pins.append(found.group(0))
    return pins


def installed(python: str, name: str, requirements: list[str]) -> Path:
    """`requirements` installed for `python` under dist/.cache/<name>, once; `Skip` if pip cannot."""
    from infra.coldstart import installed_once
    from infra.package import BuildError

    try:
        return installed_once(python, name, requirements)
    except BuildError as error:
        raise Skip(str(error)) from None


def fresh(python: str, paths: list[Path], statement: str) -> tuple[float, float, str]:
    """(wall, CPU) seconds for a whole fresh interpreter to start, run `statement` and exit,
    and what it printed.

    The CPU time (user + system of that one child) barely moves with the machine's load;
    the wall clock also counts the time the child waited for a core."""
    code = f"import sys\nsys.path[:0] = {[str(p) for p in paths]!r}\n{statement}"
    env = {**os.environ, **OFFLINE_ENV}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [python, "-I", "-B", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done.stdout


def instructions(python: str, paths: list[Path], statement: str) -> int | None:
    """Instructions a fresh interpreter executes for `statement` (valgrind's cachegrind, as
    infra/coldstart.py counts them: steady within 0.5% on a noisy machine), or None without
    valgrind."""
    if shutil.which("valgrind") is None:
        return None
    code = f"import sys\nsys.path[:0] = {[str(p) for p in paths]!r}\n{statement}"
    done = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
         python, "-I", "-B", "-c", code],
        cwd=ROOT, env={**os.environ, **OFFLINE_ENV}, capture_output=True, text=True, check=True,
    )  # fmt: skip
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    return int(found.group(1).replace(",", "")) if found else None


def zip_added(powertools: Path, python: str, only: set[str] | None = None) -> tuple[int, int]:
    """(bytes, files) the package and its dependencies would add to the zip, with 3.12 bytecode;
    `only`: just these modules' files (paths relative to `powertools`)."""
    with tempfile.TemporaryDirectory(prefix="loket-powertools-zip-") as scratch:
        code = Path(scratch) / "code"
        shutil.copytree(powertools, code, ignore=shutil.ignore_patterns("__pycache__", "bin", ".complete"))
        for name in IN_LAMBDA_RUNTIME:
            for path in code.glob(f"{name}*"):
                shutil.rmtree(path) if path.is_dir() else path.unlink()
        subprocess.run(
            [python, "-B", "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash", str(code)],
            check=True,
        )  # fmt: skip
        files = sorted(p for p in code.rglob("*") if p.is_file())
        if only is not None:
            files = [p for p in files if _source_of(p.relative_to(code)) in only]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
            for path in files:
                archive.write(path, path.relative_to(code).as_posix())
        return len(buffer.getvalue()), len(files)


def _source_of(relative: Path) -> str:
    """`a/__pycache__/b.cpython-312.pyc` -> `a/b.py`; a source file is its own."""
    if relative.parent.name == "__pycache__":
        return (relative.parent.parent / (relative.name.split(".")[0] + ".py")).as_posix()
    return relative.as_posix()


def loaded_by_logger_and_metrics(python: str, paths: list[Path], powertools: Path) -> set[str]:
    """The files under `powertools` that `import app` + Logger() + Metrics() actually load."""
    code = (
        f"import sys\nsys.path[:0] = {[str(p) for p in paths]!r}\n{PROBES['app+powertools']}\n"
        "for m in list(sys.modules.values()):\n"
        "    print(getattr(m, '__file__', None) or '')"
    )
    done = subprocess.run(
        [python, "-I", "-B", "-c", code], cwd=ROOT, env={**os.environ, **OFFLINE_ENV},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    root = powertools.resolve()
    return {
        Path(line).resolve().relative_to(root).as_posix()
        for line in done.stdout.splitlines()
        if line and Path(line).resolve().is_relative_to(root)
    }


def main() -> int:
    try:
        python = lambda_python()
        runtime = installed(python, "bench-runtime-py312", runtime_pins())
        powertools = installed(python, f"bench-{POWERTOOLS.replace('==', '-')}-py312", [POWERTOOLS])
    except Skip as skipped:
        print(f"bench powertools-import: skipped: {skipped}", flush=True)
        return 0
    # The project's modules read compiled bytecode, as the zip ships them.
    subprocess.run([python, "-m", "compileall", "-q", "app.py", "chalicelib"], cwd=ROOT, check=True)
    paths = {"boto3": [runtime], "app": [ROOT, runtime], "app+powertools": [ROOT, runtime, powertools]}
    wall: dict[str, list[float]] = {name: [] for name in PROBES}
    cpu: dict[str, list[float]] = {name: [] for name in PROBES}
    inside: list[float] = []
    for name, statement in PROBES.items():  # one warm-up each: every file in the page cache
        fresh(python, paths[name], statement)
    names = list(PROBES)
    for round_ in range(ROUNDS):
        order = names[round_ % len(names) :] + names[: round_ % len(names)]
        for name in order:
            seconds, cpu_seconds, printed = fresh(python, paths[name], PROBES[name])
            wall[name].append(seconds)
            cpu[name].append(cpu_seconds)
            if printed:
                inside.append(float(printed))
    counts = {name: instructions(python, paths[name], PROBES[name]) for name in PROBES}
    startup = instructions(python, [], "pass")
    size, files = zip_added(powertools, python)
    used = loaded_by_logger_and_metrics(python, paths["app+powertools"], powertools)
    used_size, used_files = zip_added(powertools, python, only=used)
    for clock, runs in (("CPU", cpu), ("wall", wall)):
        ms = {name: median(values) * 1000 for name, values in runs.items()}
        report(
            f"powertools-import ({clock})",
            f"+{ms['app+powertools'] - ms['app']:.0f} ms, {ms['app+powertools'] / ms['app']:.2f}x `import app`"
            f" (medians of {ROUNDS} fresh {Path(python).name} processes each, interleaved: `import boto3`"
            f" {ms['boto3']:.0f} ms; `import app` {ms['app']:.0f} ms = {ms['app'] / ms['boto3']:.2f}x;"
            f" with Logger() + Metrics() {ms['app+powertools']:.0f} ms = {ms['app+powertools'] / ms['boto3']:.2f}x)",
            "app with them <= 1.2x `import boto3`",
        )
    if startup is not None and all(counts.values()):
        m = {name: (count - startup) / 1e6 for name, count in counts.items() if count is not None}
        report(
            "powertools-import (instructions)",
            f"+{m['app+powertools'] - m['app']:.0f} M, {m['app+powertools'] / m['app']:.3f}x `import app`"
            f" (cachegrind, start-up taken off: `import boto3` {m['boto3']:.0f} M; `import app` {m['app']:.0f} M"
            f" = {m['app'] / m['boto3']:.3f}x; with Logger() + Metrics() {m['app+powertools']:.0f} M"
            f" = {m['app+powertools'] / m['boto3']:.3f}x)",
            "app with them <= 1.2x `import boto3`",
        )
    else:
        print("bench powertools-import (instructions): skipped: valgrind not found", flush=True)
    report(
        "powertools-import (in-process)",
        f"{median(inside) * 1000:.0f} ms (median of {ROUNDS}; {min(inside) * 1000:.0f}-{max(inside) * 1000:.0f})"
        " from the Powertools import to Metrics() done, after `import app`, in the same processes",
        "app with them <= 1.2x `import boto3`",
    )
    report(
        "powertools-import (zip)",
        f"+{size / 1024:.0f} KB, {files} files ({size / ZIP_BUDGET:.0%} of 1 MiB) for the package as pip installs it;"
        f" +{used_size / 1024:.0f} KB, {used_files} files for only the {len(used)} modules Logger and Metrics load",
        "the whole zip <= 1 MiB",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
