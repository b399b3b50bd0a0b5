"""`make test` and `make package` stop at once, with one message saying what to install and how,
when Chromium, valgrind, zbarimg, npm or a Python 3.12 is missing (infra/preflight.py)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from infra.package import REPO, BuildError, find_lambda_python
from infra.template import LAMBDA_RUNTIME

# What each tool's line must say: its name, and the command that installs it on Debian.
TOOLS = {
    "chromium": ("Chromium", "apt-get install -y chromium"),
    "valgrind": ("valgrind", "apt-get install -y valgrind"),
    "zbarimg": ("zbarimg", "apt-get install -y zbar-tools"),
    "npm": ("npm", "apt-get install -y nodejs npm"),
    "python3.12": ("Python 3.12", "uv python install 3.12"),
}


def _machine(tmp_path: Path, present: set[str]) -> dict[str, str]:
    """An environment whose PATH holds stand-ins for the tools in `present`, and nothing else."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(parents=True)
    for tool in present:
        script = "echo 3.12" if tool == "python3.12" else "exit 0"
        (bin_dir / tool).write_text(f"#!/bin/sh\n{script}\n")
        (bin_dir / tool).chmod(0o755)
    return {
        "PATH": str(bin_dir),
        "HOME": str(tmp_path / "home"),  # no ~/.pyenv, no ~/.local/bin
        "LOKET_CHROMIUM": str(bin_dir / "chromium"),
    }


def _preflight(target: str, env: dict[str, str]) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "infra.preflight", target],
        capture_output=True, text=True, cwd=REPO, env=env, timeout=60, check=False,
    )  # fmt: skip
    return done, time.monotonic() - started


def test_make_test_on_a_bare_machine_stops_at_once_naming_each_missing_tool_and_its_command(
    tmp_path: Path,
) -> None:
    done, seconds = _preflight("test", _machine(tmp_path, present=set()))

    assert done.returncode == 1
    assert seconds < 10
    for name, command in TOOLS.values():
        assert name in done.stderr and command in done.stderr, (name, done.stderr)
    assert "All at once:" in done.stderr


@pytest.mark.parametrize("absent", sorted(TOOLS))
def test_make_test_names_only_the_tool_that_is_missing(tmp_path: Path, absent: str) -> None:
    done, _ = _preflight("test", _machine(tmp_path, present=set(TOOLS) - {absent}))

    assert done.returncode == 1
    named = {tool for tool, (name, command) in TOOLS.items() if command in done.stderr}
    assert named == {absent}, done.stderr


def test_make_test_goes_on_silently_when_every_tool_is_there(tmp_path: Path) -> None:
    done, _ = _preflight("test", _machine(tmp_path, present=set(TOOLS)))

    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_a_python_of_another_version_under_the_name_python3_12_is_not_taken(tmp_path: Path) -> None:
    env = _machine(tmp_path, present=set(TOOLS))
    (Path(env["PATH"]) / "python3.12").write_text("#!/bin/sh\necho 3.11\n")

    done, _ = _preflight("package", env)

    assert done.returncode == 1 and "uv python install 3.12" in done.stderr


def test_make_package_needs_only_python_3_12_and_says_how_to_get_it(tmp_path: Path) -> None:
    bare, _ = _preflight("package", _machine(tmp_path / "bare", present=set()))
    only_python, _ = _preflight("package", _machine(tmp_path / "python", present={"python3.12"}))

    assert bare.returncode == 1
    assert "Python 3.12" in bare.stderr and "uv python install 3.12" in bare.stderr
    assert "LAMBDA_PYTHON" in bare.stderr
    assert "chromium" not in bare.stderr.lower() and "valgrind" not in bare.stderr
    assert (only_python.returncode, only_python.stderr) == (0, "")


def test_the_package_build_without_python_3_12_says_how_to_get_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in _machine(tmp_path, present=set()).items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("LAMBDA_PYTHON", raising=False)
    monkeypatch.delenv("PYENV_ROOT", raising=False)

    with pytest.raises(BuildError, match=r"uv python install 3\.12"):
        find_lambda_python()


def test_the_preflight_asks_for_the_python_of_the_lambda_runtime() -> None:
    from infra.preflight import LAMBDA_PYTHON_VERSION

    assert LAMBDA_RUNTIME == "python3.12" == f"python{LAMBDA_PYTHON_VERSION}"


@pytest.mark.parametrize(
    ("target", "first"), [("test", "infra.preflight test"), ("package", "infra.preflight package")]
)
def test_make_runs_the_preflight_before_anything_else(target: str, first: str) -> None:
    """`make -n` prints the recipes in the order make runs them, running none. Under `make
    test` this runs inside make, which would print "Entering directory" lines first."""
    done = subprocess.run(
        ["make", "-n", "--no-print-directory", target],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=True,
    )
    assert first in done.stdout.splitlines()[0], done.stdout
