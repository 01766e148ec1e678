"""The product runs on its runtime dependencies alone: no module of the four product packages
imports a package that only the `test` extra installs (the first Quick start command installs
no extras, and `akkoord bench` once failed there for want of an HTTP client)."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("domain", "workflows", "projections", "adapters")
# Distribution name -> the module it installs, where they differ.
MODULES = {"pytest-xdist": "xdist", "import-linter": "importlinter"}


def _test_extra_modules() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {Requirement(r).name for r in project["dependencies"]}
    names = {Requirement(r).name for r in project["optional-dependencies"]["test"]} - runtime
    return {MODULES.get(n, n.replace("-", "_")) for n in names}


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_no_product_module_imports_a_test_only_package() -> None:
    forbidden = _test_extra_modules()
    assert {"pytest", "httpx", "hypothesis"} <= forbidden
    offenders = {
        f"{path.relative_to(ROOT)}: {', '.join(sorted(imported_modules(path) & forbidden))}"
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if imported_modules(path) & forbidden
    }
    assert not offenders, sorted(offenders)
