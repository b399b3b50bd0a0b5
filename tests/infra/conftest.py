"""The infra tier: `make package`'s build, run once per session into a temporary folder, and
the checks on what it wrote. Nothing here calls AWS."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infra.package import Artifact, build, stages
from tests.support.templates import Template


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Artifact]:
    """Every stage in .chalice/config.json, packaged as `make package` does."""
    out = tmp_path_factory.mktemp("dist")
    return {artifact.stage: artifact for artifact in build(stages(), out)}


@pytest.fixture(scope="session")
def templates(artifacts: dict[str, Artifact]) -> dict[str, Template]:
    return {stage: json.loads(artifact.template.read_text()) for stage, artifact in artifacts.items()}


@pytest.fixture(scope="session")
def expanded(artifacts: dict[str, Artifact], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each stage's template as CloudFormation's SAM transform expands it."""
    from infra.checks import expand_sam

    out = tmp_path_factory.mktemp("expanded")
    return {
        stage: expand_sam(artifact.template, out / f"{stage}.json") for stage, artifact in artifacts.items()
    }
