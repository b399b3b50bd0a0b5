"""cfn-lint and checkov pass on the packaged templates (offline; see infra/checks.py)."""

from __future__ import annotations

from pathlib import Path

from infra.checks import accepted, cfn_lint, checkov
from infra.package import Artifact


def test_cfn_lint_passes_every_packaged_template(artifacts: dict[str, Artifact]) -> None:
    verdict = cfn_lint([a.template for a in artifacts.values()])
    assert verdict.returncode == 0, verdict.stdout + verdict.stderr


def test_cfn_lint_passes_the_cloudformation_that_sam_expands_them_to(expanded: dict[str, Path]) -> None:
    verdict = cfn_lint(list(expanded.values()))
    assert verdict.returncode == 0, verdict.stdout + verdict.stderr


def test_checkov_finds_nothing_but_what_infra_accepts_with_a_reason(artifacts: dict[str, Artifact]) -> None:
    findings = checkov([a.template for a in artifacts.values()])
    acceptances = accepted()
    assert all(a.reason.strip() for a in acceptances)
    unaccepted = [f for f in findings if not any(a.covers(f) for a in acceptances)]
    assert not unaccepted, "\n".join(f"{f.check_id} {f.resource}: {f.title}" for f in unaccepted)
    stale = [a for a in acceptances if not any(a.covers(f) for f in findings)]
    assert not stale, "no longer found, remove from infra/checkov-accepted.txt: " + ", ".join(
        f"{a.check_id} {a.resource_pattern}" for a in stale
    )
