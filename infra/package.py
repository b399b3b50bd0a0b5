"""Build what is deployed, offline (no AWS; only PyPI for the two vendored wheels).

For each stage, `dist/<stage>/` gets:

- `sam.json`: chalice's SAM template merged with the project's resources (infra/template/),
- `deployment.zip`: app.py, chalicelib/, chalice's runtime module, and pynamodb and PyJWT
  vendored WITHOUT their dependencies (botocore and boto3 come with the Lambda runtime),
  with bytecode compiled for the Lambda runtime's Python,
- `merge-template.json`: what was merged, for review.

How: a staging copy of the project whose requirements.txt is empty and whose `vendor/`
holds the two wheels (chalice ships `vendor/` as it is), packaged twice by chalice: once
plainly, to learn which functions it makes, then with the merge template built for them.

    python -m infra.package [--stage dev|prod]... [--out dist] [--measure]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from infra import policies
from infra.preflight import find_python, lambda_python_needed
from infra.template import LAMBDA_RUNTIME, REGION, StageConfig, merge_template

REPO = Path(__file__).resolve().parent.parent
MAX_ZIP_BYTES = 1024 * 1024
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so the same sources give the same zip
LAMBDA_TASK_ROOT = "/var/task"

# Never any real AWS: chalice needs a region and, in places, credentials to exist.
FAKE_AWS = {
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "AWS_ACCESS_KEY_ID": "offline-build",
    "AWS_SECRET_ACCESS_KEY": "offline-build",
    "AWS_EC2_METADATA_DISABLED": "true",
}


class BuildError(RuntimeError):
    pass


@dataclass(frozen=True)
class Artifact:
    stage: str
    directory: Path

    @property
    def template(self) -> Path:
        return self.directory / "sam.json"

    @property
    def zip(self) -> Path:
        return self.directory / "deployment.zip"

    @property
    def merge_template(self) -> Path:
        return self.directory / "merge-template.json"


def stages() -> list[str]:
    config = json.loads((REPO / ".chalice" / "config.json").read_text())
    return list(config["stages"])


def build(stage_names: list[str], out: Path, lambda_python: str | None = None) -> list[Artifact]:
    """Package each stage into `out/<stage>/`, replacing what was there."""
    wrong = policies.stale(REPO / ".chalice")
    if wrong:
        files = ", ".join(f".chalice/{name}" for name in wrong)
        raise BuildError(f"{files} out of date with infra/policies.py: run python -m infra.policies")
    python = lambda_python or find_lambda_python()
    with tempfile.TemporaryDirectory(prefix="loket-package-") as scratch:
        work = Path(scratch)
        project = _staging_project(work / "project")
        return [_build_stage(project, stage, out / stage, python, work) for stage in stage_names]


# --- the staging project ---------------------------------------------------------------------


def _staging_project(project: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".DS_Store")
    project.mkdir(parents=True)
    shutil.copy2(REPO / "app.py", project / "app.py")
    shutil.copytree(REPO / "chalicelib", project / "chalicelib", ignore=ignore)
    (project / ".chalice").mkdir()
    for source in [REPO / ".chalice" / "config.json", *sorted((REPO / ".chalice").glob("policy-*.json"))]:
        shutil.copy2(source, project / ".chalice" / source.name)
    # Empty: chalice would otherwise vendor pynamodb's dependency botocore (17 MB).
    (project / "requirements.txt").write_text(
        "# dependencies are vendored without theirs: see infra/package.py\n"
    )
    _run(
        [
            sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
            "--no-deps", "--no-compile", "--only-binary=:all:",
            "--target", str(project / "vendor"),
            "-r", str(REPO / "requirements.txt"),
        ],
        "vendoring requirements.txt",
    )  # fmt: skip
    return project


# --- chalice ---------------------------------------------------------------------------------


def _chalice_package(project: Path, stage: str, out: Path, merge: Path | None = None) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update(FAKE_AWS)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    chalice = "import sys; from chalice.cli import main; sys.exit(main())"
    command = [sys.executable, "-c", chalice, "--project-dir", str(project), "package"]
    command += ["--stage", stage]
    if merge is not None:
        command += ["--merge-template", str(merge)]
    _run([*command, str(out)], f"chalice package --stage {stage}", env=env, cwd=REPO)


def _build_stage(project: Path, stage: str, out: Path, python: str, work: Path) -> Artifact:
    plain = work / f"{stage}-plain"
    _chalice_package(project, stage, plain)
    chalice_template = json.loads((plain / "sam.json").read_text())
    config = json.loads((project / ".chalice" / "config.json").read_text())
    merge = merge_template(StageConfig.from_config(config, stage), chalice_template)

    merged = work / f"{stage}-merged"
    merged.mkdir()
    merge_path = merged / "merge-template.json"
    merge_path.write_text(json.dumps(merge, indent=2, ensure_ascii=False) + "\n")
    _chalice_package(project, stage, merged / "package", merge_path)
    shutil.move(merged / "package" / "sam.json", merged / "sam.json")
    _with_bytecode(
        merged / "package" / "deployment.zip", merged / "deployment.zip", python, work / f"{stage}-code"
    )

    if out.exists():
        shutil.rmtree(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(merged / "package")
    shutil.move(merged, out)
    artifact = Artifact(stage, out)
    size = artifact.zip.stat().st_size
    if size > MAX_ZIP_BYTES:
        raise BuildError(f"{artifact.zip} is {size:,} bytes, over the {MAX_ZIP_BYTES:,} allowed")
    return artifact


# --- bytecode --------------------------------------------------------------------------------


def find_lambda_python() -> str:
    """An interpreter of the Lambda runtime's Python version: bytecode is version-specific.

    LAMBDA_PYTHON names one; otherwise python3.X on PATH, in pyenv's versions or uv's."""
    python = find_python(LAMBDA_RUNTIME.removeprefix("python"))
    if python is None:
        needed = lambda_python_needed()
        raise BuildError(f"no {needed.what}: install one with\n  {needed.command}")
    return python


def _with_bytecode(source_zip: Path, target_zip: Path, python: str, work: Path) -> None:
    """Rewrite chalice's zip with `__pycache__/*.cpython-3XX.pyc` beside every module.

    `unchecked-hash` pycs are used without looking at the source's timestamp, which the
    unzipped files in Lambda need not keep; the artifact never changes once built. Tracebacks
    show /var/task paths, as Lambda runs them."""
    code = work / "code"
    with zipfile.ZipFile(source_zip) as archive:
        archive.extractall(code)
    for stale in code.rglob("__pycache__"):
        shutil.rmtree(stale)
    _run(
        [
            python, "-B", "-m", "compileall", "-q", "-j", "0",
            "--invalidation-mode", "unchecked-hash",
            "-s", str(code), "-p", LAMBDA_TASK_ROOT, str(code),
        ],
        "compiling bytecode",
    )  # fmt: skip
    with zipfile.ZipFile(target_zip, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in sorted(p for p in code.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(path.relative_to(code).as_posix(), ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes(), compresslevel=9)


# --- running ---------------------------------------------------------------------------------


def _run(command: list[str], what: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> None:
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, check=False)
    if done.returncode != 0:
        raise BuildError(f"{what} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.package", description=__doc__.split("\n\n")[0])
    parser.add_argument("--stage", action="append", choices=stages(), help="default: every stage")
    parser.add_argument("--out", type=Path, default=REPO / "dist")
    parser.add_argument(
        "--measure", action="store_true", help="also measure importing the app (infra/coldstart.py)"
    )
    args = parser.parse_args(argv)
    try:
        artifacts = build(args.stage or stages(), args.out)
    except BuildError as error:
        print(f"make package: {error}", file=sys.stderr)
        return 1
    for artifact in artifacts:
        with zipfile.ZipFile(artifact.zip) as archive:
            files = len(archive.namelist())
        size = artifact.zip.stat().st_size
        print(
            f"{artifact.directory}: sam.json, deployment.zip {size:,} bytes "
            f"({size / MAX_ZIP_BYTES:.0%} of 1 MiB, {files} files, runtime {LAMBDA_RUNTIME})"
        )
    if args.measure and artifacts:
        from infra.coldstart import describe, measure_cpu, measure_instructions

        try:
            print(describe(measure_instructions(artifacts[0].zip)))
            print(describe(measure_cpu(artifacts[0].zip)))
        except BuildError as error:
            print(f"make package: {error}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
