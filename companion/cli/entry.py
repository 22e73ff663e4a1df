"""The `companion` command: the same core as the desktop app, for scripting and for tests.

Exit codes: 0 success; 1 a user error (one clear line on stderr, never a traceback); 2 usage.
This module never imports Qt; only `companion gui` (or no command) loads the desktop app.
It loads a command's module (companion/cli/commands/) only when that command runs, and the
core only for commands that open the vault: `--version`, `--help`, `lock` and `status` load
neither (tests/test_cli_imports.py checks which modules each loads).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import io
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO, cast

from companion.agent import AGENT_ARGUMENT
from companion.cli.exits import (
    EXIT_BUG,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    EXIT_USER_ERROR,
    UsageError,
)
from companion.cli.parser import build_parser
from companion.cli.prompts import SecretSource, unlock
from companion.cli.terminal import OutputLost, SafeOutput, speaks_unicode
from companion.errors import UserError, as_user_error
from storage.errors import KeyringUnavailable

__all__ = ["EXIT_BUG", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "EXIT_USER_ERROR",
           "console_main", "main"]

# Commands that run on an unlocked vault: (module in companion.cli.commands, function).
UNLOCKED_COMMANDS: dict[str, tuple[str, str]] = {
    "add": ("journal", "cmd_add"), "checkin": ("journal", "cmd_checkin"),
    "list": ("journal", "cmd_list"), "search": ("journal", "cmd_search"),
    "show": ("journal", "cmd_show"), "edit": ("journal", "cmd_edit"),
    "delete": ("journal", "cmd_delete"), "restore": ("journal", "cmd_restore"),
    "tags": ("journal", "cmd_tags"), "tag-rename": ("journal", "cmd_tag_rename"),
    "remember": ("vault", "cmd_remember"), "backup": ("vault", "cmd_backup"),
    "questionnaire": ("questionnaire", "cmd_questionnaire"),
    "export": ("exports", "cmd_export"), "import": ("exports", "cmd_import"),
    "circle": ("circle", "cmd_circle"), "screentime": ("screentime", "cmd_screentime"),
    "device": ("devices", "cmd_device"), "sync": ("devices", "cmd_sync"),
    "on-this-day": ("prompts_cmd", "cmd_on_this_day"),
    "templates": ("prompts_cmd", "cmd_templates"),
    "attachments": ("attachments", "cmd_attachments"),
    "attachment": ("attachments", "cmd_attachment"),
}


class _StartUp:
    """Whether `console_main` paused the garbage collector for start-up."""

    collection_paused = False


def console_main() -> int:
    """The `companion` program: `main`, in a process of its own.

    Start-up (the core, then the command's own modules) allocates a great many objects and
    makes next to no garbage cycles, yet the collector would walk them dozens of times: it is
    paused until the command's code is loaded (`_command`). At exit, what is still alive is
    frozen so that the interpreter's final collection skips it. Together that is 10-20 ms of
    a short command (docs/benchmarks.md, start-up). Tests call `main` in their own process,
    which this leaves alone.
    """
    gc.disable()
    _StartUp.collection_paused = True
    try:
        return main()
    finally:
        resume_collection()
        gc.freeze()


def resume_collection() -> None:
    """Turn the collector back on if `console_main` paused it (before a command's work)."""
    if _StartUp.collection_paused:
        _StartUp.collection_paused = False
        gc.enable()


def _command(module: str, name: str):  # type: ignore[no-untyped-def]
    """A command's function; its module is loaded, so start-up is over."""
    function = getattr(importlib.import_module(f"companion.cli.commands.{module}"), name)
    resume_collection()
    return function


def _home(args: argparse.Namespace) -> Path | None:
    return Path(args.home).expanduser() if getattr(args, "home", None) else None


class Outcome:
    """What a run did to the vault, so that an error after the work says what became of it."""

    saved = False


def run(args: argparse.Namespace, out: TextIO, stdin: TextIO,
        outcome: Outcome | None = None) -> int:
    command = args.command
    if command in ("lock", "status", "crisis-resources"):
        # Nothing here opens the vault: no passphrase, and none of the core is loaded.
        from storage.paths import default_home

        home = _home(args) or default_home()
        if command == "crisis-resources":
            return int(_command("questionnaire", "cmd_crisis_resources")(home, args, out))
        return int(_command("session", f"cmd_{command}")(home, out))
    from companion.app import CompanionApp

    app = CompanionApp(_home(args))
    if outcome is not None:
        def saved(_changes: object) -> None:
            outcome.saved = True

        app.subscribe(saved)  # the facade tells listeners after each committed change
    secrets_in = SecretSource(getattr(args, "passphrase_stdin", False), stdin)
    if command in ("init", "restore-backup"):  # no vault to open yet, or one to replace
        return int(_command("vault", "cmd_" + command.replace("-", "_"))(app, args, secrets_in,
                                                                          out))
    app.open()
    note = app.finished_restore_note
    if note is not None:
        print(f"companion: {note}", file=sys.stderr)
    try:
        if command in ("forget", "passwd", "recover", "unlock"):  # their own secrets, if any
            module = "session" if command == "unlock" else "vault"
            return int(_command(module, f"cmd_{command}")(app, args, secrets_in, out))
        if command == "remember" and not app.keyring_available():
            raise KeyringUnavailable()  # say so before asking for a passphrase it cannot use
        # `remember` wants the passphrase itself: a session must not be able to persist the
        # key in the keyring.
        unlock(app, secrets_in, allow_remembered=command != "remember")
        return int(_command(*UNLOCKED_COMMANDS[command])(app, args, stdin, out))
    finally:
        app.close()


def start_gui(args: argparse.Namespace) -> int:
    """Hand over to the desktop app; only this path loads Qt (imported lazily, by name, so the
    core's layering contract holds: `companion` never imports `ui` at module level)."""
    import importlib

    home = Path(args.home).expanduser() if getattr(args, "home", None) else None
    try:
        gui = importlib.import_module("ui.app")
    except ImportError as exc:
        resume_collection()
        print(f"companion: the desktop app cannot start: {exc}. The command line still works "
              "(`companion --help`).", file=sys.stderr)
        return EXIT_USER_ERROR
    resume_collection()  # the app then runs collections on its GUI thread (ui/gc_guard.py)
    return int(gui.run_gui(home, demo=bool(getattr(args, "demo", False))))


def main(argv: Sequence[str] | None = None, *, stdin: TextIO | None = None,
         out: TextIO | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    stdin = stdin or sys.stdin
    out = out or sys.stdout
    if not speaks_unicode(out) and isinstance(out, io.TextIOWrapper):
        # A legacy code page (Windows with output redirected, PYTHONIOENCODING=ascii …) cannot
        # hold every character of every entry, nor ★ and ·: show a ? for those rather than stop
        # half way with an encoding error.
        out.reconfigure(errors="replace")
    if argv[:1] == [AGENT_ARGUMENT]:
        from companion.agent.server import serve_from_stdin

        resume_collection()  # the agent lives for minutes or hours
        return serve_from_stdin()
    with _terminal_safe_streams():
        # Everything printed from here on goes through `visible` (companion/cli/terminal.py):
        # entries, imports, peers' posts and an argument echoed in an error alike.
        logging.basicConfig(level=logging.WARNING,
                            format="companion: %(levelname)s: %(message)s")
        parser = build_parser(argv)
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # argparse: --help / --version (0) or usage errors (2)
            return int(exc.code or 0)
        if args.command not in (None, "gui"):
            return _run_and_report(parser, args, cast(TextIO, SafeOutput(out)), stdin)
    return start_gui(args)


@contextlib.contextmanager
def _terminal_safe_streams() -> Iterator[None]:
    real_out, real_err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeOutput(real_out), SafeOutput(real_err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = real_out, real_err


def _run_and_report(parser: argparse.ArgumentParser, args: argparse.Namespace, out: TextIO,
                    stdin: TextIO) -> int:
    outcome = Outcome()
    try:
        code = run(args, out, stdin, outcome)
        out.flush()  # here, not at exit: a failed write is reported like any other error
        return code
    except OutputLost as exc:
        done = ("your changes were saved" if outcome.saved else "the vault was not changed")
        print(f"companion: {done}, but the output could not be written ({exc.reason}).",
              file=sys.stderr)
        return EXIT_USER_ERROR
    except UsageError as exc:
        subcommand_parser(parser, args.command).print_usage(sys.stderr)
        print(f"companion {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except UserError as exc:
        print(f"companion: {one_line_error(exc)}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("companion: interrupted; nothing was changed by the unfinished step.",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return _quiet_broken_pipe()
    except Exception as exc:
        known = as_user_error(exc)
        if known is None:  # a bug: report it without user content, never a traceback
            return _report_bug(exc, args)
        print(f"companion: {one_line_error(known)}", file=sys.stderr)
        return EXIT_USER_ERROR


def _report_bug(exc: BaseException, args: argparse.Namespace) -> int:
    """A bug: report it without user content, never a traceback."""
    from companion.crash import write_crash_report

    report = write_crash_report(exc, home=getattr(args, "home", None))
    where = f" A report without your content is in {report}." if report else ""
    print(f"companion: an unexpected error happened (a bug in Companion).{where}",
          file=sys.stderr)
    return EXIT_BUG


def subcommand_parser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found = action.choices.get(name)
            if isinstance(found, argparse.ArgumentParser):
                return found
    return parser


def one_line_error(exc: UserError) -> str:
    return " ".join(str(exc).split())


def _quiet_broken_pipe() -> int:
    # `companion list | head`: the reader went away; that is not an error worth a message.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
