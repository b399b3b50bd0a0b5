"""The checks on a packaged template: cfn-lint (on the SAM template and on the CloudFormation
SAM expands it to) and checkov (against infra/checkov-accepted.txt). Nothing here calls AWS.

cfn-lint runs from the dev venv; the SAM expansion and checkov from `.venv-checkov` (made by
`make install`), whose pins clash with the dev venv's.
"""

from __future__ import annotations

import fnmatch
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from infra.package import FAKE_AWS, REPO, BuildError

CHECKER_PYTHON = REPO / ".venv-checkov" / "bin" / "python"
ACCEPTED = REPO / "infra" / "checkov-accepted.txt"


@dataclass(frozen=True)
class Finding:
    check_id: str
    resource: str  # Type.LogicalId, as checkov names it
    title: str
    file: str


@dataclass(frozen=True)
class Acceptance:
    check_id: str
    resource_pattern: str
    reason: str

    def covers(self, finding: Finding) -> bool:
        return finding.check_id == self.check_id and fnmatch.fnmatchcase(
            finding.resource, self.resource_pattern
        )


def _offline_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "BC_", "PRISMA_"))}
    env.update(FAKE_AWS)
    return env


def _checker_python() -> str:
    if not CHECKER_PYTHON.exists():
        raise BuildError(f"{CHECKER_PYTHON} is missing: run `make install` (it makes .venv-checkov)")
    return str(CHECKER_PYTHON)


def cfn_lint(templates: list[Path]) -> subprocess.CompletedProcess[str]:
    """cfn-lint's verdict on each template; exit code 0 when nothing is wrong."""
    runner = "import sys; from cfnlint.runner import main; sys.exit(main())"
    command = [sys.executable, "-c", runner, "--regions", "ap-southeast-3", "--", *map(str, templates)]
    return subprocess.run(command, capture_output=True, text=True, env=_offline_env(), check=False)


def expand_sam(template: Path, target: Path) -> Path:
    command = [_checker_python(), "-m", "infra.sam_translate", str(template), str(target)]
    done = subprocess.run(command, capture_output=True, text=True, env=_offline_env(), cwd=REPO, check=False)
    if done.returncode != 0:
        raise BuildError(f"the SAM transform refused {template}:\n{done.stderr[-4000:]}")
    return target


def checkov(templates: list[Path]) -> list[Finding]:
    """Every failed checkov check on the templates. `--skip-download`: no call to Prisma Cloud."""
    command = [_checker_python(), "-m", "checkov.main", "--framework", "cloudformation", "--skip-download"]
    command += ["--quiet", "--compact", "--output", "json"]
    for template in templates:
        command += ["--file", str(template)]
    done = subprocess.run(command, capture_output=True, text=True, env=_offline_env(), cwd=REPO, check=False)
    try:
        report = json.loads(done.stdout)
    except ValueError:
        raise BuildError(f"checkov gave no report ({done.returncode}):\n{done.stderr[-4000:]}") from None
    reports = report if isinstance(report, list) else [report]
    return [
        Finding(failed["check_id"], failed["resource"], failed["check_name"], failed["file_path"])
        for one in reports
        for failed in one.get("results", {}).get("failed_checks", [])
    ]


def accepted() -> list[Acceptance]:
    acceptances = []
    for line in ACCEPTED.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        check_id, pattern, reason = line.split(maxsplit=2)
        acceptances.append(Acceptance(check_id, pattern, reason))
    return acceptances
