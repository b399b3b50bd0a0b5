"""What importing the packaged app costs, next to `import boto3`, as Lambda would pay it.

Each import runs in a fresh interpreter of the Lambda runtime's Python version, with the
unzipped artifact first on sys.path and boto3/botocore behind it (where Lambda's runtime
keeps them), writing no bytecode (`-B`; Lambda's /var/task is read-only): what the zip does
not ship compiled is compiled again on every cold start. boto3 stands for the runtime's
copy, compiled as the runtime ships it.

Two clocks:

- instructions (valgrind's cachegrind, without cache simulation), the import's own: the
  interpreter's start-up, counted alone, is taken off. Steady: the same files give the
  same count within 0.5% whatever else the machine does, so this is the one the tests
  hold to the limit.
- CPU time of the import, best of several alternating runs (`timeit`'s advice: noise only
  adds). Closer to what Lambda bills, but on a shared machine it wanders (seen here: boto3's
  best from 247 to 292 ms between two series a minute apart); the wall clock is worse (0.5
  to 1.7 s). `make package` prints it beside the count.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from infra.package import REPO, BuildError, find_lambda_python
from infra.template import LAMBDA_RUNTIME

MAX_RATIO = 1.2
CACHE = REPO / "dist" / ".cache"

_PROBE = """
import sys, time
sys.path[:0] = [{task!r}, {site!r}]
started = time.process_time()
{statement}
print(time.process_time() - started)
"""


@dataclass(frozen=True)
class Costs:
    """What each import cost, in `unit`."""

    unit: str
    boto3: float
    app: float  # the zip as built, with its bytecode
    app_source_only: float  # the same files without their bytecode

    @property
    def ratio(self) -> float:
        return self.app / self.boto3

    @property
    def source_only_ratio(self) -> float:
        return self.app_source_only / self.boto3


@dataclass(frozen=True)
class _Setup:
    python: str
    site: Path
    task: Path
    source_only: Path


def runtime_boto3(python: str) -> Path:
    """boto3 and botocore at the project's pin, installed for (and compiled by) `python`, once."""
    pin = re.search(r"^boto3==(\S+)", (REPO / "requirements-dev.txt").read_text(), re.MULTILINE)
    if pin is None:
        raise BuildError("requirements-dev.txt pins no boto3")
    return installed_once(
        python, f"lambda-runtime-{LAMBDA_RUNTIME}-boto3-{pin.group(1)}", [f"boto3=={pin.group(1)}"]
    )


def installed_once(python: str, name: str, requirements: list[str]) -> Path:
    """`requirements` installed for (and compiled by) `python` under dist/.cache/<name>, once.

    Installed into a temporary folder renamed into place when complete, so a run killed
    halfway, or two at once, never leave a half-installed copy that looks whole."""
    target = CACHE / name
    if (target / ".complete").exists():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=name + ".", dir=CACHE))
    done = subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--root-user-action=ignore",
         "--target", str(partial), *requirements],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        shutil.rmtree(partial, ignore_errors=True)
        raise BuildError(
            f"installing {' '.join(requirements)} for {python} failed:\n{done.stderr.strip()[-1500:]}"
        )
    (partial / ".complete").touch()
    try:
        partial.rename(target)
    except OSError:  # another run finished first: use its copy
        shutil.rmtree(partial, ignore_errors=True)
    return target


@contextmanager
def _unpacked(deployment_zip: Path) -> Iterator[_Setup]:
    python = find_lambda_python()
    site = runtime_boto3(python)
    with tempfile.TemporaryDirectory(prefix="loket-coldstart-") as scratch:
        task, source_only = Path(scratch) / "task", Path(scratch) / "source-only"
        with zipfile.ZipFile(deployment_zip) as archive:
            archive.extractall(task)
        shutil.copytree(task, source_only, ignore=shutil.ignore_patterns("__pycache__"))
        yield _Setup(python, site, task, source_only)


def _probe(setup: _Setup, task: Path, module: str | None) -> list[str]:
    statement = f"import {module}" if module else "pass"
    code = _PROBE.format(task=str(task), site=str(setup.site), statement=statement)
    return [setup.python, "-I", "-B", "-c", code]


def _cpu_ms(setup: _Setup, task: Path, module: str) -> float:
    done = subprocess.run(_probe(setup, task, module), capture_output=True, text=True, cwd=task, timeout=120)
    if done.returncode != 0:
        raise BuildError(f"importing {module} from {task} failed:\n{done.stderr}")
    return 1000 * float(done.stdout.strip().splitlines()[-1])


def _instructions(setup: _Setup, task: Path, module: str | None) -> int:
    command = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
    try:
        done = subprocess.run(
            [*command, *_probe(setup, task, module)], capture_output=True, text=True, cwd=task, timeout=600
        )
    except FileNotFoundError:
        raise BuildError("valgrind is needed to count instructions (apt-get install valgrind)") from None
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if done.returncode != 0 or found is None:
        raise BuildError(f"counting the import of {module} failed:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def measure_cpu(deployment_zip: Path, rounds: int = 7) -> Costs:
    with _unpacked(deployment_zip) as setup:
        runs: dict[str, list[float]] = {"boto3": [], "app": [], "source": []}
        for _ in range(rounds):
            runs["boto3"].append(_cpu_ms(setup, setup.task, "boto3"))
            runs["app"].append(_cpu_ms(setup, setup.task, "app"))
            runs["source"].append(_cpu_ms(setup, setup.source_only, "app"))
    return Costs("ms of CPU (best run)", min(runs["boto3"]), min(runs["app"]), min(runs["source"]))


def measure_instructions(deployment_zip: Path) -> Costs:
    with _unpacked(deployment_zip) as setup:
        jobs: dict[str, Callable[[], int]] = {
            "startup": lambda: _instructions(setup, setup.task, None),
            "boto3": lambda: _instructions(setup, setup.task, "boto3"),
            "app": lambda: _instructions(setup, setup.task, "app"),
            "source": lambda: _instructions(setup, setup.source_only, "app"),
        }
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = {name: pool.submit(job) for name, job in jobs.items()}
            counts = {name: future.result() for name, future in futures.items()}
    startup = counts["startup"]
    return Costs(
        "million instructions",
        (counts["boto3"] - startup) / 1e6,
        (counts["app"] - startup) / 1e6,
        (counts["source"] - startup) / 1e6,
    )


def describe(costs: Costs) -> str:
    return (
        f"cold import, {costs.unit}, {LAMBDA_RUNTIME} interpreter, no writable bytecode cache:\n"
        f"  import boto3                   {costs.boto3:8.0f}\n"
        f"  import app, the zip as built   {costs.app:8.0f}  = {costs.ratio:.2f}x boto3 (limit {MAX_RATIO}x)\n"
        f"  import app, sources only       {costs.app_source_only:8.0f}  = {costs.source_only_ratio:.2f}x boto3"
    )
