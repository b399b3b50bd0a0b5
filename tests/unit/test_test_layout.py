"""The test tree's layout: helpers live in tests/support/, fixtures in conftest files, tests in
test_ modules. A module that imports a conftest or a test module ties tiers together by
accident (pytest loads a conftest as a plugin, and collects a test module's tests, neither as
a library), so what a module in tests/ imports from tests/ comes from tests/support/ only."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _imports(source: str, module: str) -> set[str]:
    """Every module the text of `module` imports, relative imports resolved; `from x import y`
    counts as `x` and as `x.y` (y may be a submodule)."""
    package = module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                origin = ".".join([*base, node.module] if node.module else base)
            else:
                origin = node.module or ""
            found.add(origin)
            found.update(f"{origin}.{alias.name}" for alias in node.names)
    return found


def _forbidden(module: str) -> bool:
    return module.startswith("tests.") and not (
        module == "tests.support" or module.startswith("tests.support.")
    )


def test_nothing_in_tests_imports_a_conftest_a_test_module_or_a_helper_outside_tests_support() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            m for m in _imports(path.read_text(), _module_name(path)) if _forbidden(m)
        )
        for path in sorted(TESTS.rglob("*.py"))
    }
    assert {path: modules for path, modules in offenders.items() if modules} == {}


def test_outside_tests_support_a_tier_holds_only_conftest_and_test_modules() -> None:
    strays = [
        str(path.relative_to(ROOT))
        for path in sorted(TESTS.rglob("*.py"))
        if "support" not in path.relative_to(TESTS).parts[:1]
        and path.name not in {"__init__.py", "conftest.py"}
        and not path.name.startswith("test_")
    ]
    assert strays == []


def test_the_layout_check_sees_every_spelling_of_such_an_import() -> None:
    spellings = [
        "from tests.routes.conftest import nik",
        "from .conftest import nik",
        "from . import conftest",
        "import tests.infra.conftest",
        "from tests.infra.test_iam import grants",
        "from .test_iam import grants",
        "from tests.infra import test_iam",
        "from tests.integration.servers import bind_store",
        "from .servers import bind_store",
    ]
    for spelling in spellings:
        assert any(_forbidden(m) for m in _imports(spelling, "tests.infra.test_probe")), spelling


def test_the_layout_check_lets_a_test_import_its_helpers_from_tests_support() -> None:
    allowed = "import pytest\nfrom tests.support.api_client import Api\nfrom ..support import residents\n"
    imported = _imports(allowed, "tests.infra.test_probe")
    assert "tests.support.residents" in imported
    assert not any(_forbidden(m) for m in imported)
