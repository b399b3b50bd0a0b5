"""What `make test` and `make package` need beyond the venv, checked before anything else.

Without this, a missing tool shows minutes later, deep in a tier: Chromium in tests/browser,
valgrind and a Python 3.12 in tests/infra. Standard library only: it runs with the system
Python, before `.venv` exists.

    python3 -m infra.preflight test      # Chromium, valgrind, zbarimg, Python 3.12, npm
    python3 -m infra.preflight package   # Python 3.12
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

# The Lambda runtime's version (infra/template/stage.py LAMBDA_RUNTIME; a test keeps them equal):
# bytecode compiled by any other version is ignored and every module compiles from source.
LAMBDA_PYTHON_VERSION = "3.12"
DEFAULT_CHROMIUM = "/usr/bin/chromium"  # tests/support/browser.py reads LOKET_CHROMIUM too

# Debian 12 packages no Python 3.12: uv (from PyPI) fetches a prebuilt one in seconds
# (pyenv would compile it from source).
UV_PYTHON = f"python3 -m pip install --user uv && ~/.local/bin/uv python install {LAMBDA_PYTHON_VERSION}"


@dataclass(frozen=True)
class Missing:
    what: str  # what to install, and what needs it
    command: str  # how, on Debian
    apt: str = ""  # the Debian package, when apt has it


def find_python(version: str, env: Mapping[str, str] = os.environ) -> str | None:
    """An interpreter of `version`: LAMBDA_PYTHON, then `python<version>` on PATH, in pyenv's
    versions, or where `uv python install` puts it."""
    home = Path(env.get("HOME", str(Path.home())))
    candidates = [env.get("LAMBDA_PYTHON", ""), shutil.which(f"python{version}", path=env.get("PATH")) or ""]
    pyenv = Path(env.get("PYENV_ROOT", str(home / ".pyenv"))) / "versions"
    candidates += [str(p) for p in sorted(pyenv.glob(f"{version}.*/bin/python{version}"), reverse=True)]
    candidates.append(str(home / ".local" / "bin" / f"python{version}"))
    for candidate in filter(None, candidates):
        try:
            found = subprocess.run(
                [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                capture_output=True, text=True, timeout=30, check=False, env=dict(env),
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired):
            continue
        if found.returncode == 0 and found.stdout.strip() == version:
            return candidate
    return None


def _sudo() -> str:
    return "" if os.geteuid() == 0 else "sudo "


def lambda_python_needed() -> Missing:
    return Missing(
        f"Python {LAMBDA_PYTHON_VERSION}, to compile the Lambda runtime's bytecode (or set "
        f"LAMBDA_PYTHON=/path/to/python{LAMBDA_PYTHON_VERSION}; pyenv's versions are found too)",
        UV_PYTHON if shutil.which("curl") else f"{_sudo()}apt-get install -y curl && {UV_PYTHON}",
    )


def lambda_python_missing(env: Mapping[str, str] = os.environ) -> Missing | None:
    return None if find_python(LAMBDA_PYTHON_VERSION, env) else lambda_python_needed()


def missing_for_test(env: Mapping[str, str] = os.environ) -> list[Missing]:
    apt = f"{_sudo()}apt-get install -y"
    missing = []
    chromium = Path(env.get("LOKET_CHROMIUM", DEFAULT_CHROMIUM))
    if not (chromium.is_file() and os.access(chromium, os.X_OK)):
        missing.append(Missing(f"Chromium at {chromium}, for tests/browser", f"{apt} chromium", "chromium"))
    if shutil.which("valgrind", path=env.get("PATH")) is None:
        what = "valgrind, for tests/infra (they count the packaged app's import in instructions)"
        missing.append(Missing(what, f"{apt} valgrind", "valgrind"))
    if shutil.which("zbarimg", path=env.get("PATH")) is None:
        what = "zbarimg, for tests/browser (it reads the page's QR codes back)"
        missing.append(Missing(what, f"{apt} zbar-tools", "zbar-tools"))
    if shutil.which("npm", path=env.get("PATH")) is None:
        what = "Node.js and npm, for dynalite (the second DynamoDB emulator)"
        missing.append(Missing(what, f"{apt} nodejs npm", "nodejs npm"))
    python = lambda_python_missing(env)
    return missing + ([python] if python else [])


def message(target: str, missing: list[Missing]) -> str:
    lines = [f"make {target} needs what this machine lacks; install it, then run make {target} again:"]
    lines += [f"  - {m.what}:\n      {m.command}" for m in missing]
    if len(missing) > 1:
        packages = " ".join(m.apt for m in missing if m.apt)
        steps = [f"{_sudo()}apt-get update && {_sudo()}apt-get install -y {packages}"] if packages else []
        steps += [m.command for m in missing if not m.apt]
        lines.append("All at once:\n  " + " && ".join(steps))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m infra.preflight", description=__doc__.splitlines()[0])
    parser.add_argument("target", choices=["test", "package"], help="the make target about to run")
    target = parser.parse_args(argv).target
    if target == "test":
        missing = missing_for_test()
    else:
        python = lambda_python_missing()
        missing = [python] if python else []
    if missing:
        print(message(target, missing), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
