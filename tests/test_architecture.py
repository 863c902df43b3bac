"""The layers of ARCHITECTURE in README.md, checked on the source: import direction, the Telegram
edge, no import circle, and the size limits that keep each module readable."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "summarizer")
# Everything but bot/telegram (and the CLI and demo above it) works without python-telegram-bot.
WITHOUT_TELEGRAM = (
    "bot/app",
    "bot/core",
    "bot/render",
    "bot/store",
    "bot/ingest",
    "summarizer",
    "bot/config.py",
    "bot/metrics.py",
    "bot/wiring.py",
    "bot/cluster",
)
# Each layer imports only the layers below it (a lower index).
LAYERS = (
    ("bot/core", "summarizer/defaults.py", "bot/config.py", "bot/metrics.py"),
    ("bot/store", "bot/ingest", "summarizer"),
    ("bot/render",),
    ("bot/app",),
    ("bot/wiring.py", "bot/runtime.py", "bot/cluster"),
    ("bot/telegram", "bot/sandbox", "bot/cli.py"),
)
MAX_FUNCTION_LINES = 50
MAX_STORE_MODULE_LINES = 250


def _sources() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def _name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _imports(path: Path) -> frozenset[str]:
    """Every module this file imports, at its top or inside a function; `from package import
    module` counts as importing that module."""
    modules = _module_paths()
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = {f"{node.module}.{alias.name}" for alias in node.names}
            submodules = names & modules.keys()
            found.update(submodules or {node.module})
            found.update(names - submodules)
    return frozenset(found)


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _layer(path_or_module: str) -> int | None:
    for index, members in enumerate(LAYERS):
        if any(path_or_module == m or path_or_module.startswith(m + "/") for m in members):
            return index
    return None


@cache
def _module_paths() -> dict[str, Path]:
    return {_name(p): p for p in _sources()}


@pytest.mark.parametrize("path", _sources(), ids=_rel)
def test_only_the_telegram_edge_imports_python_telegram_bot(path):
    if not _rel(path).startswith(WITHOUT_TELEGRAM):
        pytest.skip("part of the Telegram edge")
    assert not {m for m in _imports(path) if m == "telegram" or m.startswith("telegram.")}


@pytest.mark.parametrize("path", _sources(), ids=_rel)
def test_imports_run_down_the_layers(path):
    own = _layer(_rel(path))
    if own is None:
        pytest.skip("in no layer")
    modules = _module_paths()
    upward = sorted(
        name
        for name in _imports(path)
        if name in modules and (_layer(_rel(modules[name])) or 0) > own
    )
    assert not upward


def test_no_import_circle():
    modules = _module_paths()
    graph = {
        name: {m for m in _imports(path) if m in modules and m != name}
        for name, path in modules.items()
    }
    state: dict[str, int] = {}
    trail: list[str] = []

    def visit(name: str) -> list[str] | None:
        state[name] = 1
        trail.append(name)
        for nxt in sorted(graph[name]):
            if state.get(nxt) == 1:
                return trail[trail.index(nxt) :] + [nxt]
            if nxt not in state and (circle := visit(nxt)):
                return circle
        trail.pop()
        state[name] = 2
        return None

    for name in sorted(graph):
        if name not in state:
            assert (circle := visit(name)) is None, " -> ".join(circle)


@pytest.mark.parametrize("path", _sources(), ids=_rel)
def test_functions_are_short(path):
    if "migrations" in path.parts:
        pytest.skip("migrations are written once and never called by the code")
    long = [
        f"{node.name}: {node.end_lineno - node.lineno + 1} lines"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long


@pytest.mark.parametrize("path", sorted((ROOT / "bot" / "store").glob("*.py")), ids=_rel)
def test_store_modules_stay_small(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_STORE_MODULE_LINES
