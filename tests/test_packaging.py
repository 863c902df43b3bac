"""Packaging: every package the code imports, or needs through another package's extra, is
declared in pyproject.toml, so a plain `pip install .` (pip 23 too) gives a working bot."""

from __future__ import annotations

import ast
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
FIRST_PARTY = {"bot", "summarizer"}


def _names(requirements: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(line).name) for line in requirements}


def _imported_top_level_modules() -> dict[str, Path]:
    modules: dict[str, Path] = {}
    for package in FIRST_PARTY:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    modules.setdefault(name.partition(".")[0], path.relative_to(ROOT))
    return modules


def test_every_package_the_code_imports_is_declared():
    declared = _names(PROJECT["dependencies"])
    for extra in PROJECT["optional-dependencies"].values():
        declared |= _names(extra)
    distributions = metadata.packages_distributions()

    undeclared = {
        module: str(path)
        for module, path in _imported_top_level_modules().items()
        if module not in sys.stdlib_module_names
        and module not in FIRST_PARTY
        and not {canonicalize_name(d) for d in distributions.get(module, [module])} & declared
    }

    assert undeclared == {}


def test_packages_a_dependency_needs_through_an_extra_are_declared_directly():
    """pip 23 mis-reads an extra one dependency asks of another (justext's `lxml[html_clean]`)
    and leaves its packages out; extras this project asks for itself are read correctly."""
    direct = [Requirement(line) for line in PROJECT["dependencies"]]
    declared = {canonicalize_name(r.name) for r in direct}
    pending = [(requirement, False) for requirement in direct]
    seen: set[tuple[str, frozenset[str]]] = set()
    missing: dict[str, str] = {}
    while pending:
        requirement, asked_by_a_dependency = pending.pop()
        key = (canonicalize_name(requirement.name), frozenset(requirement.extras))
        if key in seen:
            continue
        seen.add(key)
        try:
            needs = metadata.distribution(requirement.name).requires or []
        except metadata.PackageNotFoundError:
            continue
        environments = [{"extra": extra} for extra in requirement.extras] or [{"extra": ""}]
        for line in needs:
            need = Requirement(line)
            if need.marker and not any(need.marker.evaluate(env) for env in environments):
                continue
            through_extra = need.marker is not None and "extra" in str(need.marker)
            name = canonicalize_name(need.name)
            if through_extra and asked_by_a_dependency and name not in declared:
                missing[name] = f"{requirement.name}[{','.join(sorted(requirement.extras))}]"
            pending.append((need, True))

    assert missing == {}
