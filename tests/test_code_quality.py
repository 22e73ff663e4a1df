"""The project's own rules, checked in the test run: layering, lint, types."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PROJECT_ROOT


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, check=False, timeout=300)


def test_layers_point_one_way_and_qt_stays_in_ui():
    """ui → companion → sync → storage; ui imports neither storage nor sync; no PySide6 below
    ui (pyproject's import-linter)."""
    # Beside this interpreter first: the README's command runs `.venv/bin/python -m pytest`
    # without putting the virtual environment on PATH.
    beside = Path(sys.executable).parent / "lint-imports"
    exe = str(beside) if beside.exists() else shutil.which("lint-imports")
    assert exe, "import-linter is part of the test extra"
    result = subprocess.run([exe], cwd=PROJECT_ROOT, capture_output=True, text=True,
                            check=False, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_ruff_is_clean():
    result = run_tool("ruff", "check", "companion", "storage", "sync", "ui", "tools", "tests",
                      "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_strict_on_the_core_and_the_ui_is_clean():
    result = run_tool("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def _import_cycles(graph: Any, modules: set[str]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), iteratively."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = 0
    for root in sorted(modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root) & modules)))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(
                        graph.find_modules_directly_imported_by(child) & modules))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        cycles.append(sorted(group))
    return cycles


def test_no_import_cycles_in_the_product():
    """Every import counts, function-level ones included (a late import hides a cycle, it
    does not remove it); only `if TYPE_CHECKING:` imports, which never run, are left out."""
    import grimp

    graph = grimp.build_graph("companion", "storage", "sync", "ui",
                              exclude_type_checking_imports=True)
    modules = set(graph.modules)
    assert _import_cycles(graph, modules) == []


def test_the_cycle_finder_finds_a_cycle():
    class Graph:
        edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}

        def find_modules_directly_imported_by(self, module: str) -> set[str]:
            return self.edges[module]

    assert _import_cycles(Graph(), {"a", "b", "c", "d"}) == [["a", "b", "c"]]
