"""The terminal: what the output stream can show, and how wide help text may be (kept apart
from format.py, which loads the domain's models: `--version` needs only this)."""

from __future__ import annotations

import argparse
import codecs
import os
import sys
from typing import Any, TextIO


def speaks_unicode(stream: TextIO) -> bool:
    """Whether `stream` can take any text: a UTF encoding, or an in-memory stream."""
    encoding = getattr(stream, "encoding", None)
    if not encoding:
        return True
    try:
        return codecs.lookup(encoding).name.startswith("utf")
    except LookupError:
        return False


def terminal_columns() -> int:
    """What `shutil.get_terminal_size().columns` says ($COLUMNS, else the terminal, else 80),
    without importing shutil: argparse makes a help formatter for every option it adds, and
    shutil (with the compression modules it loads) costs every short command several
    milliseconds for help text it never shows."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, as wide as the terminal (less two columns, as argparse does)."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position,
                         terminal_columns() - 2 if width is None else width)


class RawDescriptionFormatter(HelpFormatter, argparse.RawDescriptionHelpFormatter):
    """The same, keeping a description's own line breaks (the top-level help)."""


class CommandParser(argparse.ArgumentParser):
    """Every parser of the grammar; subcommands' parsers inherit the class."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)
