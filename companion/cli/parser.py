"""The command line's grammar: every command and option, and nothing that runs them.

Building the parser imports no domain module at all (the httpie split of definition from
code): `companion --version` and `--help` load this and argparse, and a command loads its
own module only when it runs (companion/cli/entry.py). Groups with many options live in
companion/cli/parser_groups.py.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast

from companion.cli.parser_attachments import add_attachment_arguments
from companion.cli.parser_groups import (
    add_circle_arguments,
    add_crisis_arguments,
    add_device_arguments,
    add_export_arguments,
    add_import_arguments,
    add_questionnaire_arguments,
    add_screentime_arguments,
    add_session_arguments,
    add_template_arguments,
)
from companion.cli.terminal import CommandParser, RawDescriptionFormatter
from companion.version import VersionAction

if TYPE_CHECKING:
    from companion.models import ItemRef

DESCRIPTION = """\
Companion keeps an encrypted mood journal on this computer.
With no command, it starts the desktop app.

Your vault lives in one folder: --home DIR, else $COMPANION_HOME, else the usual
per-user data folder. Commands that read or write it ask for the passphrase (no echo), use
the OS keyring if you chose `companion remember`, or read it from standard input with
--passphrase-stdin.
"""

EPILOG = """\
Text given as - is read from standard input. Other users of this computer can read a
command line (ps), but not standard input: give journal text, notes and search words as -.

examples:
  companion init
  companion add - --tag walk --mood 4 < today.txt
  echo "Slept badly. Big meeting." | companion add - --tag work
  companion add --template "three good things"     # asks each part in turn
  companion add - --attach beach.jpg --attach tickets.pdf < sea.txt
  companion attachment save e12 1 -o beach.jpg
  companion on-this-day
  companion checkin --mood 3 --energy 2 --emotion tired --activity work --sleep 6.5
  echo "Long day" | companion checkin --mood 3 --note -
  companion list --from 2026-03-01 --to 2026-03-31 --kind entry
  echo "river walk" | companion search - --limit 5
  companion questionnaire phq9
  companion questionnaire gad7 --answers 1,0,2,1,0,0,1
  companion backup ~/companion-backup.cbak
  companion unlock --for 30m      # then commands need no passphrase until `companion lock`

exit codes: 0 success, 1 an error explained on stderr, 2 wrong usage.
"""


def item_id(text: str) -> ItemRef:
    """An entry or check-in id (`e12`, `c3`): a malformed one is wrong use (exit 2), found
    by argparse; only a well-formed id that names nothing is "not found" (exit 1)."""
    from companion.errors import UserError
    from companion.models import ItemRef

    try:
        return ItemRef.parse(text)
    except UserError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def command_named_in(argv: Sequence[str]) -> str:
    """The command `argv` names ("" if none): its first word that is not an option or the
    value of --home (the only top-level option with a value)."""
    takes_value = False
    for token in argv:
        if takes_value:
            takes_value = False
        elif token == "--home":
            takes_value = True
        elif token == "--":
            return ""
        elif not token.startswith("-"):
            return token
    return ""


class _Unused:
    """Stands in for the parser of a command this run does not name: every argparse call on
    it does nothing, so the grammar stays written once, in one place."""

    def __getattr__(self, _name: str) -> Callable[..., _Unused]:
        return lambda *_args, **_kwargs: self


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole grammar; given the `argv` to parse, only the command it names.

    argparse makes a full parser for every subcommand (each one looks for translations on
    disk), which cost a short command more than its own work. A run that names a command
    gets that command's parser alone; with no command, or a name that is not a command (so
    that the error can list them all), every command is built."""
    wanted = None if argv is None else command_named_in(argv)
    parser, names = _build(wanted)
    if wanted is not None and wanted not in names:
        parser, _ = _build(None)
    return parser


def _build(wanted: str | None) -> tuple[argparse.ArgumentParser, set[str]]:
    names: set[str] = set()

    def full(name: str) -> bool:
        return wanted is None or wanted == name

    common = CommandParser(add_help=False)
    common.add_argument("--home", metavar="DIR", default=argparse.SUPPRESS,
                        help="the vault folder (default: $COMPANION_HOME or the per-user one)")
    common.add_argument("--passphrase-stdin", action="store_true", default=argparse.SUPPRESS,
                        help="read the passphrase from the first line of standard input (at "
                             "init: passphrase and confirmation, one per line)")

    parser = CommandParser(prog="companion", description=DESCRIPTION, epilog=EPILOG,
                           parents=[common], formatter_class=RawDescriptionFormatter)
    parser.add_argument("--version", action=VersionAction)
    parser.add_argument("--demo", action="store_true",
                        help="start the desktop app on a throwaway vault with sample data")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        names.add(name)
        if not full(name):
            return cast(argparse.ArgumentParser, _Unused())
        return sub.add_parser(name, help=help_text, description=help_text, parents=[common])

    gui = command("gui", "start the desktop app (the same as no command)")
    gui.add_argument("--demo", action="store_true", default=argparse.SUPPRESS,
                     help="open a throwaway vault with a year of sample data")

    command("init", "create a new vault; prints the recovery code once")

    add = command("add", "write a journal entry; prints its id")
    add.add_argument("text", metavar="TEXT|-", nargs="?",
                     help="the entry: first line is the title, the rest the body; - reads "
                          "it from standard input, where other users cannot see it")
    add.add_argument("--title", help="a title (then TEXT is all body)")
    add.add_argument("--tag", action="append", default=[], help="a tag (repeatable)")
    add.add_argument("--mood", type=int, help="mood 1–5")
    add.add_argument("--star", action="store_true", help="star the entry")
    add.add_argument("--at", metavar="ISO-DATETIME", help="when it was written (default: now)")
    add.add_argument("--attach", action="append", default=[], type=Path, metavar="FILE",
                     help="attach a file: a photo, a PDF, audio … (repeatable; kept "
                          "encrypted in the vault)")
    add.add_argument("--keep-location", action="store_true",
                     help="keep where an attached photo was taken (removed by default)")
    add.add_argument("--template", metavar="NAME",
                     help="start from a template (`companion templates list`): each of its "
                          "parts is asked in turn on standard input, an answer ending at an "
                          "empty line")

    on_this_day = command("on-this-day", "what you wrote and how you felt on this date in "
                                         "earlier years, and a month ago")
    on_this_day.add_argument("--date", metavar="YYYY-MM-DD", help="another date (default: "
                                                                  "today)")
    on_this_day.add_argument("--json", action="store_true", help="JSON output")

    checkin = command("checkin", "record a mood check-in; prints its id")
    checkin.add_argument("--mood", type=int, required=True, help="mood 1 (awful) – 5 (great)")
    checkin.add_argument("--energy", type=int, help="energy 1 (drained) – 5 (energised)")
    checkin.add_argument("--emotion", action="append", default=[], help="an emotion (repeatable)")
    checkin.add_argument("--new-label", action="store_true",
                         help="an emotion or activity not used before is meant (else a new "
                              "one is taken for a typo, and close ones are suggested)")
    checkin.add_argument("--activity", action="append", default=[],
                         help="an activity (repeatable)")
    checkin.add_argument("--sleep", type=float, metavar="HOURS", help="hours slept")
    checkin.add_argument("--note", default="", metavar="TEXT|-",
                         help="a short note (- reads standard input)")
    checkin.add_argument("--at", metavar="ISO-DATETIME", help="when (default: now)")

    lst = command("list", "entries and check-ins in time order")
    lst.add_argument("--kind", choices=["entry", "checkin"], help="only entries or check-ins")
    lst.add_argument("--from", dest="start", metavar="DATE", help="from this date or time")
    lst.add_argument("--to", dest="end", metavar="DATE",
                     help="up to this date (inclusive) or time")
    lst.add_argument("--tag", help="only entries with this tag")
    lst.add_argument("--limit", type=int, help="only the newest N")
    lst.add_argument("--trash", action="store_true", help="list what is in the trash")
    lst.add_argument("--json", action="store_true", help="JSON output")

    search = command("search", "full-text search of entries and check-in notes, best first")
    search.add_argument("query", metavar="QUERY|-",
                        help='words (all must match), "a phrase", or a prefix*; - reads one '
                             "line of standard input, where other users cannot see it")
    search.add_argument("--limit", type=int, default=20, help="at most N hits (default 20)")
    search.add_argument("--tag", help="only entries with this tag")
    search.add_argument("--from", dest="start", metavar="DATE", help="from this date or time")
    search.add_argument("--to", dest="end", metavar="DATE", help="up to this date (inclusive)")
    search.add_argument("--json", action="store_true", help="JSON output")

    show = command("show", "show one entry or check-in in full")
    show.add_argument("id", type=item_id, help="an id such as e12 or c3")
    show.add_argument("--json", action="store_true", help="JSON output")

    edit = command("edit", "change an entry or check-in (only the options given change)")
    edit.add_argument("id", type=item_id, help="an id such as e12 or c3")
    edit.add_argument("--title", metavar="TEXT|-", help="entry: new title")
    edit.add_argument("--body", metavar="TEXT|-", help="entry: new text (- reads standard input)")
    edit.add_argument("--tag", action="append", help="entry: replace the tags (repeatable)")
    edit.add_argument("--add-tag", action="append", default=[], help="entry: add a tag")
    edit.add_argument("--remove-tag", action="append", default=[], help="entry: remove a tag")
    star = edit.add_mutually_exclusive_group()
    star.add_argument("--star", dest="starred", action="store_const", const=True,
                      help="entry: star it")
    star.add_argument("--unstar", dest="starred", action="store_const", const=False,
                      help="entry: remove the star")
    edit.add_argument("--mood", type=int, help="mood 1–5")
    edit.add_argument("--energy", type=int, help="check-in: energy 1–5")
    edit.add_argument("--emotion", action="append", help="check-in: replace the emotions")
    edit.add_argument("--activity", action="append", help="check-in: replace the activities")
    edit.add_argument("--new-label", action="store_true",
                      help="check-in: an emotion or activity not used before is meant")
    edit.add_argument("--sleep", type=float, metavar="HOURS", help="check-in: hours slept")
    edit.add_argument("--note", metavar="TEXT|-", help="check-in: new note")

    delete = command("delete", "move an entry or check-in to the trash")
    delete.add_argument("id", type=item_id)
    restore = command("restore", "bring an entry or check-in back from the trash")
    restore.add_argument("id", type=item_id)

    command("tags", "list tags and how many entries use each")
    rename = command("tag-rename", "rename a tag (merging it if the new name exists)")
    rename.add_argument("old")
    rename.add_argument("new")

    questionnaire = command(
        "questionnaire", "take PHQ-9 (depression), GAD-7 (anxiety) or WHO-5 (wellbeing)")
    add_questionnaire_arguments(questionnaire)
    add_crisis_arguments(command("crisis-resources",
                                 "show support lines (works offline, without the passphrase)"))

    add_session_arguments(command)

    passwd = command("passwd", "change the passphrase (current, new, new again)")
    passwd.add_argument("--rekey", action="store_true",
                        help="also re-encrypt the vault under a new key, so that old copies "
                             "of its key file, and the old recovery code, open nothing; "
                             "prints a new recovery code (the new passphrase may be the "
                             "same)")
    command("recover", "set a new passphrase with the recovery code; prints a new code")
    command("remember", "remember the vault key in this device's keyring")
    command("forget", "remove the remembered key from this device's keyring")

    backup = command("backup", "write an encrypted backup of the vault to FILE")
    backup.add_argument("file", type=Path)
    backup.add_argument("--force", action="store_true", help="replace FILE if it exists")
    restore_backup = command(
        "restore-backup",
        "replace the vault with a backup (asks for the passphrase in force when it was made)",
    )
    restore_backup.add_argument("file", type=Path)
    export = command(
        "export", "write everything to JSON, Markdown or CSV (plaintext, not encrypted)")
    circle = command(
        "circle", "share check-ins and notes with a small circle, end-to-end encrypted")
    device = command(
        "device", "one journal on all your computers, end-to-end encrypted (pair, list, "
                  "status)")
    command("sync", "sync this computer's journal with your other computers now")
    imports = command(
        "import", "import from jrnl, Daylio, Day One or a Companion JSON export (all or nothing)")
    screentime = command(
        "screentime", "screen time: status, budgets, ActivityWatch import, a foreground tracker")
    add_attachment_arguments(command, common, item_id)
    add_template_arguments(command("templates", "entry templates: those that come with "
                                                "Companion and your own (list, show, add, "
                                                "edit, delete)"), common)
    add_export_arguments(export)
    add_circle_arguments(circle, common)
    add_device_arguments(device, common)
    add_import_arguments(imports)
    add_screentime_arguments(screentime)
    return parser, names
