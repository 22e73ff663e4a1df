"""The project's own rules, checked in the test run: layering, lint, types."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, check=False, timeout=300)


def test_layers_point_one_way_and_qt_stays_in_ui():
    """ui → companion → sync → storage; no PySide6 below ui (pyproject's import-linter)."""
    # Beside this interpreter first: the README's command runs `.venv/bin/python -m pytest`
    # without putting the virtual environment on PATH.
    beside = Path(sys.executable).parent / "lint-imports"
    exe = str(beside) if beside.exists() else shutil.which("lint-imports")
    assert exe, "import-linter is part of the test extra"
    result = subprocess.run([exe], cwd=PROJECT_ROOT, capture_output=True, text=True,
                            check=False, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_ruff_is_clean():
    result = run_tool("ruff", "check", "companion", "storage", "sync", "ui", "tests",
                      "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_strict_on_the_core_is_clean():
    result = run_tool("mypy")
    assert result.returncode == 0, result.stdout + result.stderr
