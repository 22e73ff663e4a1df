"""Companion's version, written in one place: pyproject.toml.

Looked up on first use, not at import, and in this order: the metadata pip (or the
PyInstaller bundle) writes beside the package, read as a file; the pyproject.toml of a source
checkout the package sits in (installed in editable mode or not at all); and only then
importlib.metadata, which costs ~40 ms of imports that `--version` should not pay.
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
    return installed_version() or source_tree_version() or metadata_version() or UNKNOWN


def installed_version() -> str | None:
    """The version in the metadata pip (and the PyInstaller bundle) put beside the package:
    exactly one `companion-X.dist-info/` in the folder that holds `companion/`."""
    found = list(Path(__file__).resolve().parent.parent.glob(f"{DISTRIBUTION}-*.dist-info"))
    return _metadata_version(found[0] / "METADATA") if len(found) == 1 else None


def metadata_version() -> str | None:
    """The version importlib.metadata finds (an install laid out some other way)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as distribution_version

    try:
        return distribution_version(DISTRIBUTION)
    except PackageNotFoundError:
        return None


def _metadata_version(path: Path) -> str | None:
    """`Version:` from a core-metadata file's header (which ends at the first blank line)."""
    try:
        with path.open(encoding="utf-8") as handle:
            for _, line in zip(range(200), handle, strict=False):
                if not line.strip():
                    break
                name, _, value = line.partition(":")
                if name.strip().lower() == "version" and value.strip():
                    return value.strip()
    except (OSError, UnicodeDecodeError):
        return None
    return None


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
