"""The terminal: what the output stream can show, text made safe to show on it, and how wide
help text may be (kept apart from format.py, which loads the domain's models: `--version`
needs only this)."""

from __future__ import annotations

import argparse
import codecs
import io
import os
import re
import sys
from typing import Any, NoReturn, TextIO


def speaks_unicode(stream: TextIO) -> bool:
    """Whether `stream` can take any text: a UTF encoding, or an in-memory stream."""
    encoding = getattr(stream, "encoding", None)
    if not encoding:
        return True
    try:
        return codecs.lookup(encoding).name.startswith("utf")
    except LookupError:
        return False


# What a terminal would act on rather than show: C0 controls but tab and newline (ESC starts
# the sequences that retitle windows, write the clipboard, clear the screen; CR overwrites a
# line), DEL, the C1 controls (U+009B is a one-character CSI, U+009D an OSC), the bidi
# embeddings, overrides, isolates and marks that reorder what follows (Trojan Source), and
# the Unicode line and paragraph separators.
_C0 = "\x00-\x08\x0b-\x1f"
_BEYOND_C0 = "\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069"
_ACTIVE_TEXT = re.compile(f"[{_C0}{_BEYOND_C0}]")
_ACTIVE_IN_JSON = re.compile(f"[{_BEYOND_C0}]")  # json.dumps escapes the C0 range itself


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with everything a terminal would act on shown as an escape (`\\x1b`, `\\u202e`)
    instead: the one function every line the command line prints goes through (`SafeOutput`),
    so text from the journal, an import or a peer cannot drive the terminal."""
    return _ACTIVE_TEXT.sub(_escaped, text)


def json_text(value: object, *, ascii_only: bool = False) -> str:
    """`value` as indented JSON that a terminal shows as it is: the same data, with the
    characters `visible` would escape written as JSON's own \\u escapes (json.dumps already
    escapes the C0 controls)."""
    import json  # only commands that print JSON need it

    text = json.dumps(value, ensure_ascii=ascii_only, indent=2)
    return _ACTIVE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def write_json(value: object, out: TextIO) -> None:
    """JSON output: UTF-8 where the stream takes it, \\u escapes (the same JSON) where not."""
    out.write(json_text(value, ascii_only=not speaks_unicode(out)) + "\n")


class OutputLost(Exception):
    """Writing the command's output failed (a full disk behind a redirect, a gone device): the
    command's work may well be done, and the error must say so rather than guess."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class SafeOutput(io.TextIOBase):
    """A text stream that writes everything through `visible` to the stream it wraps, and
    turns a failed write into `OutputLost` (a closed pipe stays a BrokenPipeError)."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream

    def write(self, text: str) -> int:
        try:
            self.stream.write(visible(text))
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputLost(exc.strerror or str(exc)) from exc
        return len(text)

    def flush(self) -> None:
        try:
            self.stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputLost(exc.strerror or str(exc)) from exc

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str | None:  # type: ignore[override]
        return getattr(self.stream, "encoding", None)


def _option_strings(parser: argparse.ArgumentParser) -> list[str]:
    """Every option of `parser` and of the subcommands built under it (the top-level parser
    reports a subcommand's unknown option, and only the named command is built)."""
    found: list[str] = []
    for action in parser._actions:
        found += action.option_strings
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                if isinstance(sub, argparse.ArgumentParser):
                    found += _option_strings(sub)
    return found


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
    """Every parser of the grammar; subcommands' parsers inherit the class. A mistyped
    command, choice or option gets a "did you mean" from what this parser knows."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        suggestion = self._suggestion(message)
        super().error(message + (f" (did you mean {suggestion}?)" if suggestion else ""))

    def _suggestion(self, message: str) -> str | None:
        import difflib

        choice = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
        if choice:
            offered = re.findall(r"'([^']*)'", choice.group(2)) or [
                part.strip() for part in choice.group(2).split(",")]
            close = difflib.get_close_matches(choice.group(1), offered, n=1, cutoff=0.6)
            return f"'{close[0]}'" if close else None
        unknown = re.search(r"unrecognized arguments: (\S+)", message)
        if unknown and unknown.group(1).startswith("-"):
            given = unknown.group(1).split("=", 1)[0]
            options = _option_strings(self)
            close = difflib.get_close_matches(given, options, n=1, cutoff=0.6)
            return close[0] if close else None
        return None
