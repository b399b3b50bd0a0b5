"""`make package`: a template and a lean zip per stage, with bytecode that pays for itself."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import PurePosixPath
from typing import Any

from infra.coldstart import MAX_RATIO, describe, measure_instructions
from infra.package import MAX_ZIP_BYTES, Artifact, find_lambda_python
from infra.template import LAMBDA_RUNTIME
from tests.support.templates import resources_of

PYC_TAG = "cpython-" + LAMBDA_RUNTIME.removeprefix("python").replace(".", "")  # cpython-312


def _names(artifact: Artifact) -> list[str]:
    with zipfile.ZipFile(artifact.zip) as archive:
        return archive.namelist()


def test_every_stage_gets_a_template_and_a_zip_of_at_most_1_mib(artifacts: dict[str, Artifact]) -> None:
    assert set(artifacts) == {"dev", "prod"}
    for artifact in artifacts.values():
        assert artifact.template.is_file()
        assert 0 < artifact.zip.stat().st_size <= MAX_ZIP_BYTES


def test_the_zip_vendors_pynamodb_and_pyjwt_but_nothing_the_lambda_runtime_has(
    artifacts: dict[str, Artifact],
) -> None:
    tops = {PurePosixPath(name).parts[0] for name in _names(artifacts["prod"])}
    assert {"app.py", "chalicelib", "chalice", "pynamodb", "jwt"} <= tops
    assert not tops & {"botocore", "boto3", "s3transfer", "urllib3", "dateutil", "jmespath", "cryptography"}


def test_every_module_in_the_zip_ships_hash_checked_bytecode_for_the_lambda_runtime(
    artifacts: dict[str, Artifact],
) -> None:
    with zipfile.ZipFile(artifacts["dev"].zip) as archive:
        names = set(archive.namelist())
        modules = [n for n in names if n.endswith(".py")]
        assert len(modules) > 50
        for module in modules:
            path = PurePosixPath(module)
            pyc = str(path.parent / "__pycache__" / f"{path.stem}.{PYC_TAG}.pyc")
            assert pyc in names, f"{module} has no {PYC_TAG} bytecode"
        header = archive.read(str(PurePosixPath("pynamodb/__pycache__") / f"models.{PYC_TAG}.pyc"))[:8]
    # PEP 552 flags: bit 0 = hash-based, bit 1 = check the source. 0b01: used without a look
    # at the source, whose timestamps an unzipped Lambda package need not keep.
    assert int.from_bytes(header[4:8], "little") == 0b01
    magic = subprocess.run(
        [find_lambda_python(), "-c", "import importlib.util; print(importlib.util.MAGIC_NUMBER.hex())"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert header[:4].hex() == magic


def test_every_function_runs_the_python_the_bytecode_was_compiled_for(templates: dict[str, Any]) -> None:
    for template in templates.values():
        functions = resources_of(template, "AWS::Serverless::Function")
        assert functions
        assert {f["Properties"]["Runtime"] for f in functions.values()} == {LAMBDA_RUNTIME}


def test_the_same_sources_give_the_same_zip_for_every_stage(artifacts: dict[str, Artifact]) -> None:
    assert artifacts["dev"].zip.read_bytes() == artifacts["prod"].zip.read_bytes()


def test_importing_the_packaged_app_costs_at_most_1_2_times_import_boto3(
    artifacts: dict[str, Artifact],
) -> None:
    """Counted in instructions (deterministic on a busy machine); see infra/coldstart.py."""
    costs = measure_instructions(artifacts["prod"].zip)
    print(describe(costs))
    assert costs.ratio <= MAX_RATIO, describe(costs)
    # The shipped bytecode measurably helps: without it, the same import costs a third more.
    assert costs.app_source_only >= 1.33 * costs.app, describe(costs)
