"""Where passphrases come from (a no-echo prompt, standard input, the keyring or an unlock
session), where text given as `-` comes from, and the few sentences about them the commands
share."""

from __future__ import annotations

import getpass
import io
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from companion.cli.exits import UsageError
from companion.errors import UserError

if TYPE_CHECKING:
    from companion.app import CompanionApp

PASSPHRASE_TRIES = 3
# More than any journal entry or post (the core has its own, smaller limits); a bound on what
# a pipe can make the command hold in memory.
STDIN_TEXT_LIMIT = 32 * 1024 * 1024


class TextFromStdin:
    """Text arguments given as `-`: read from standard input (after the passphrase line, with
    --passphrase-stdin). A command line is visible to every user of the computer (`ps`,
    /proc/PID/cmdline); standard input is not, so journal text, notes, search words and
    invite codes need never be on one. Standard input is read once: one `-` per command."""

    def __init__(self, stdin: TextIO) -> None:
        self._stdin = stdin
        self._taken_by: str | None = None

    def __call__(self, value: str | None, name: str, *, one_line: bool = False,
                 exact: bool = False, prompt: str = "") -> str | None:
        """`value`, or for `-` standard input: one line stripped, all of it as it is (`exact`),
        or all of it without the line end `echo` adds. A one-line text typed or pasted at the
        terminal ends at Enter (after `prompt`, if any), not at Ctrl-D."""
        if value != "-":
            return value
        if self._taken_by is not None:
            raise UsageError(f"{self._taken_by} and {name} cannot both be - (standard input "
                             "holds one text)")
        self._taken_by = name
        if one_line and self._stdin.isatty():
            sys.stderr.write(prompt)
            sys.stderr.flush()
            text = read_stdin(lambda: self._stdin.readline(STDIN_TEXT_LIMIT + 1))
        else:
            text = read_stdin(lambda: self._stdin.read(STDIN_TEXT_LIMIT + 1))
        if len(text) > STDIN_TEXT_LIMIT:
            raise UserError(f"Standard input holds more than {STDIN_TEXT_LIMIT // 2**20} MiB "
                            f"of text for {name}.", "Nothing was changed.")
        if one_line:
            text = text.strip()
            if "\n" in text:
                raise UsageError(f"{name} from standard input must be one line")
            return text
        return text if exact else text.removesuffix("\n").removesuffix("\r")



class SecretSource:
    """Where passphrases and codes come from: standard input lines, or a no-echo prompt."""

    def __init__(self, from_stdin: bool, stdin: TextIO) -> None:
        self.from_stdin = from_stdin
        self.stdin = stdin

    def read(self, prompt: str, what: str = "passphrase") -> str:
        if self.from_stdin:
            line = read_stdin(self.stdin.readline)
            if not line:
                raise UserError(f"Standard input ended before the {what}.",
                                "Give one per line with --passphrase-stdin.")
            return line.rstrip("\r\n")
        if not self.stdin.isatty() and not person_at_terminal():
            raise UserError(f"No {what} was given and there is no terminal to ask for one.",
                            "Run the command in a terminal, or use --passphrase-stdin.")
        try:
            return getpass.getpass(prompt)
        except EOFError:
            raise UserError(f"No {what} was given.") from None

    @property
    def can_retry(self) -> bool:
        return not self.from_stdin


def read_stdin(read: Callable[[], str]) -> str:
    """Standard input as text; bytes that are not UTF-8 are the user's to fix, not a bug."""
    try:
        return read()
    except UnicodeDecodeError:
        raise UserError("Standard input is not valid UTF-8 text.", "Nothing was changed.") from None


def unlock(app: CompanionApp, secrets_in: SecretSource, *, allow_remembered: bool = True) -> str:
    """Unlock the opened vault; say how: "session", "keyring" or "passphrase".

    An open unlock session comes first, then the keyring, then the passphrase; an explicit
    --passphrase-stdin skips the first two (its first line is the passphrase).
    """
    from storage.errors import WrongPassphrase

    if allow_remembered and not secrets_in.from_stdin:
        from companion.agent.client import unlock_from_session

        if unlock_from_session(app):
            return "session"
        if app.unlock_with_keyring():
            return "keyring"
    for attempt in range(PASSPHRASE_TRIES):
        try:
            app.unlock(secrets_in.read("Passphrase: "))
            return "passphrase"
        except WrongPassphrase:
            if not secrets_in.can_retry or attempt == PASSPHRASE_TRIES - 1:
                raise
            print("That passphrase does not open this vault. Try again.", file=sys.stderr)
    raise AssertionError("unreachable")  # pragma: no cover


def person_at_terminal() -> bool:
    """Whether a person can be asked at the controlling terminal although standard input is a
    pipe (`echo … | companion add -`): ssh, sudo and gpg ask there too, and getpass does. Only
    when the output goes to a terminal as well, which is where that person is looking: a
    script or a test with every stream redirected is never prompted."""
    if not (sys.stderr.isatty() or sys.stdout.isatty()):
        return False
    try:
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        return False
    os.close(fd)
    return True


def ask_yes_no(question: str, stdin: TextIO) -> bool | None:
    """Ask a person `question` (ending in "[y/N] "): at standard input when that is the
    terminal, else at the controlling terminal when a person is there (`person_at_terminal`).
    Only "y" or "yes" is yes; None when nobody can be asked (a script, a test)."""
    from companion.cli.terminal import visible

    if stdin is sys.stdin and stdin.isatty():
        sys.stderr.write(visible(question))
        sys.stderr.flush()
        answer = read_stdin(stdin.readline)
    elif person_at_terminal():
        # As getpass opens it: a terminal is not seekable, which open(..., "r+") requires.
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
        with io.TextIOWrapper(io.FileIO(fd, "w+"), encoding="utf-8", errors="replace") as tty:
            tty.write(visible(question))
            tty.flush()
            answer = tty.readline()
    else:
        return None
    return answer.strip().lower() in ("y", "yes")


def read_new_passphrase(secrets_in: SecretSource, label: str = "New passphrase") -> tuple[str, str]:
    """A new passphrase and its confirmation. The passphrase is judged before the
    confirmation is asked for: at a terminal a weak one is said and asked again; from
    standard input it ends the command."""
    from companion.passphrase import check_new_passphrase
    from storage.errors import WeakPassphrase

    for attempt in range(PASSPHRASE_TRIES):
        first = secrets_in.read(f"{label}: ", "new passphrase")
        try:
            check_new_passphrase(first)
            break
        except WeakPassphrase as exc:
            if not secrets_in.can_retry or attempt == PASSPHRASE_TRIES - 1:
                raise
            print(f"{exc} Try another.", file=sys.stderr)
    second = secrets_in.read(f"{label} again: ", "confirmation of the new passphrase")
    return first, second


def print_recovery_code(code: str, out: TextIO, *, replaced: bool = False) -> None:
    lead = "Your new recovery code (the old one no longer works):" if replaced else \
        "Your recovery code:"
    print(f"{lead}\n\n    {code}\n\n"
          "It is shown only this once. Write it down and keep it somewhere safe, offline.\n"
          "With it you can set a new passphrase if you forget yours; without either, nobody\n"
          "can open your vault, not even us.", file=out)
