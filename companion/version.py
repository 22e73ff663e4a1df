"""Companion's version, written in one place: pyproject.toml.

An installed Companion (pip, or the PyInstaller bundle, which copies the metadata) reads it
from the package metadata; a source checkout that was never installed reads pyproject.toml
beside the package. Looked up on first use, not at import: importlib.metadata costs the CLI's
start tens of milliseconds, which only `--version`, crash reports and the About dialog need.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

DISTRIBUTION = "companion"
UNKNOWN = "0+unknown"


@functools.cache
def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed_version

    try:
        return installed_version(DISTRIBUTION)
    except PackageNotFoundError:
        return source_tree_version() or UNKNOWN


def source_tree_version() -> str | None:
    """The version in the checkout's pyproject.toml, if this package sits in one."""
    import tomllib

    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    try:
        with pyproject.open("rb") as handle:
            project = tomllib.load(handle).get("project", {})
    except (OSError, tomllib.TOMLDecodeError):
        return None
    if project.get("name") != DISTRIBUTION or not isinstance(project.get("version"), str):
        return None
    return str(project["version"])


class VersionAction(argparse.Action):
    """`--version`, like argparse's own, but the version is looked up only when asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS,
                 default: str = argparse.SUPPRESS,
                 help: str = "show the version and exit") -> None:  # noqa: A002 (argparse's name)
        super().__init__(option_strings=option_strings, dest=dest, default=default, nargs=0,
                         help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: str | Sequence[Any] | None, option_string: str | None = None) -> None:
        print(f"{parser.prog} {version()}", file=sys.stdout)
        parser.exit()
