"""The `companion` command: the same core as the desktop app, for scripting and for tests.

Exit codes: 0 success; 1 a user error (one clear line on stderr, never a traceback); 2 usage.
This module never imports Qt; only `companion gui` (or no command) loads the desktop app.
"""

from __future__ import annotations

import argparse
import codecs
import errno
import getpass
import io
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from companion.app import CompanionApp
from companion.cli_circle import add_circle_arguments, cmd_circle
from companion.cli_exports import (
    add_export_arguments,
    add_import_arguments,
    cmd_export,
    cmd_import,
)
from companion.cli_format import hit_json, hit_lines, item_details, item_json, item_line
from companion.cli_questionnaire import add_arguments as add_questionnaire_arguments
from companion.cli_questionnaire import (
    add_crisis_arguments,
    cmd_crisis_resources,
    cmd_questionnaire,
)
from companion.cli_screentime import add_arguments as add_screentime_arguments
from companion.cli_screentime import cmd_screentime
from companion.crash import write_crash_report
from companion.errors import UserError
from companion.models import (
    CheckIn,
    CheckInDraft,
    Entry,
    EntryDraft,
    ItemRef,
    Kind,
    normalize_tag,
)
from companion.search import SearchFilters
from companion.timeutil import parse_datetime
from companion.version import VersionAction
from storage.errors import (
    DiskFull,
    KeyringUnavailable,
    VaultDamaged,
    VaultExists,
    WrongPassphrase,
)
from storage.paths import VaultPaths

EXIT_OK, EXIT_USER_ERROR, EXIT_USAGE, EXIT_BUG, EXIT_INTERRUPTED = 0, 1, 2, 70, 130
PASSPHRASE_TRIES = 3

DESCRIPTION = """\
Companion keeps an encrypted mood journal on this computer.
With no command, it starts the desktop app.

Your vault lives in one folder: --home DIR, else $COMPANION_HOME, else the usual
per-user data folder. Commands that read or write it ask for the passphrase (no echo), use
the OS keyring if you chose `companion remember`, or read it from standard input with
--passphrase-stdin.
"""

EPILOG = """\
examples:
  companion init
  companion add "Long walk by the river" --tag walk --mood 4
  echo "Slept badly. Big meeting." | companion add - --tag work
  companion checkin --mood 3 --energy 2 --emotion tired --activity work --sleep 6.5
  companion list --from 2026-03-01 --to 2026-03-31 --kind entry
  companion search 'river walk' --limit 5
  companion questionnaire phq9
  companion questionnaire gad7 --answers 1,0,2,1,0,0,1
  companion backup ~/companion-backup.cbak

exit codes: 0 success, 1 an error explained on stderr, 2 wrong usage.
"""


class UsageError(Exception):
    """Wrong use of the command line (exit 2), found after argparse had its say."""


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
        if not self.stdin.isatty():
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


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--home", metavar="DIR", default=argparse.SUPPRESS,
                        help="the vault folder (default: $COMPANION_HOME or the per-user one)")
    common.add_argument("--passphrase-stdin", action="store_true", default=argparse.SUPPRESS,
                        help="read the passphrase from the first line of standard input (at "
                             "init: passphrase and confirmation, one per line)")

    parser = argparse.ArgumentParser(
        prog="companion", description=DESCRIPTION, epilog=EPILOG, parents=[common],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=VersionAction)
    parser.add_argument("--demo", action="store_true",
                        help="start the desktop app on a throwaway vault with sample data")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help_text, description=help_text, parents=[common])

    gui = command("gui", "start the desktop app (the same as no command)")
    gui.add_argument("--demo", action="store_true", default=argparse.SUPPRESS,
                     help="open a throwaway vault with a year of sample data")

    command("init", "create a new vault; prints the recovery code once")

    add = command("add", "write a journal entry; prints its id")
    add.add_argument("text", metavar="TEXT|-",
                     help="the entry: first line is the title, the rest the body; "
                          "- reads it from standard input")
    add.add_argument("--title", help="a title (then TEXT is all body)")
    add.add_argument("--tag", action="append", default=[], help="a tag (repeatable)")
    add.add_argument("--mood", type=int, help="mood 1–5")
    add.add_argument("--star", action="store_true", help="star the entry")
    add.add_argument("--at", metavar="ISO-DATETIME", help="when it was written (default: now)")

    checkin = command("checkin", "record a mood check-in; prints its id")
    checkin.add_argument("--mood", type=int, required=True, help="mood 1 (awful) – 5 (great)")
    checkin.add_argument("--energy", type=int, help="energy 1 (drained) – 5 (energised)")
    checkin.add_argument("--emotion", action="append", default=[], help="an emotion (repeatable)")
    checkin.add_argument("--activity", action="append", default=[],
                         help="an activity (repeatable)")
    checkin.add_argument("--sleep", type=float, metavar="HOURS", help="hours slept")
    checkin.add_argument("--note", default="", help="a short note")
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

    search = command("search", "full-text search of the journal, best matches first")
    search.add_argument("query", help='words (all must match), "a phrase", or a prefix*')
    search.add_argument("--limit", type=int, default=20, help="at most N hits (default 20)")
    search.add_argument("--tag", help="only entries with this tag")
    search.add_argument("--from", dest="start", metavar="DATE", help="from this date or time")
    search.add_argument("--to", dest="end", metavar="DATE", help="up to this date (inclusive)")
    search.add_argument("--json", action="store_true", help="JSON output")

    show = command("show", "show one entry or check-in in full")
    show.add_argument("id", help="an id such as e12 or c3")
    show.add_argument("--json", action="store_true", help="JSON output")

    edit = command("edit", "change an entry or check-in (only the options given change)")
    edit.add_argument("id", help="an id such as e12 or c3")
    edit.add_argument("--title", help="entry: new title")
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
    edit.add_argument("--sleep", type=float, metavar="HOURS", help="check-in: hours slept")
    edit.add_argument("--note", help="check-in: new note")

    delete = command("delete", "move an entry or check-in to the trash")
    delete.add_argument("id")
    restore = command("restore", "bring an entry or check-in back from the trash")
    restore.add_argument("id")

    command("tags", "list tags and how many entries use each")
    rename = command("tag-rename", "rename a tag (merging it if the new name exists)")
    rename.add_argument("old")
    rename.add_argument("new")

    questionnaire = command(
        "questionnaire", "take PHQ-9 (depression), GAD-7 (anxiety) or WHO-5 (wellbeing)")
    add_questionnaire_arguments(questionnaire)
    add_crisis_arguments(command("crisis-resources",
                                 "show support lines (works offline, without the passphrase)"))

    command("passwd", "change the passphrase (current, new, new again)")
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
    add_export_arguments(command(
        "export", "write everything to JSON, Markdown or CSV (plaintext, not encrypted)"))
    add_circle_arguments(command(
        "circle", "share check-ins and notes with a small circle, end-to-end encrypted"), common)
    add_import_arguments(command(
        "import", "import from jrnl, Daylio, Day One or a Companion JSON export (all or nothing)"))
    add_screentime_arguments(command(
        "screentime", "screen time: status, budgets, ActivityWatch import, a foreground tracker"))
    return parser


# -- commands ---------------------------------------------------------------------------------


def run(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    home = Path(args.home).expanduser() if getattr(args, "home", None) else None
    app = CompanionApp(home)
    secrets_in = SecretSource(getattr(args, "passphrase_stdin", False), stdin)
    command = args.command
    if command == "init":
        return cmd_init(app, secrets_in, out)
    if command == "restore-backup":
        return cmd_restore_backup(app, args, secrets_in, out)
    if command == "crisis-resources":
        return cmd_crisis_resources(app.home, args, out)
    if command == "forget":
        app.open()
        try:
            removed = app.forget_on_device()
        finally:
            app.close()
        print("This device no longer remembers the vault key." if removed
              else "This device did not remember the vault key; nothing to forget.", file=out)
        return EXIT_OK
    app.open()
    try:
        if command == "passwd":
            return cmd_passwd(app, secrets_in, out)
        if command == "recover":
            return cmd_recover(app, secrets_in, out)
        if command == "remember" and not app.keyring_available():
            raise KeyringUnavailable()  # say so before asking for a passphrase it cannot use
        unlock(app, secrets_in, allow_keyring=command != "remember")
        return COMMANDS[command](app, args, stdin, out)
    finally:
        app.close()


def unlock(app: CompanionApp, secrets_in: SecretSource, *, allow_keyring: bool = True) -> None:
    if allow_keyring and not secrets_in.from_stdin and app.unlock_with_keyring():
        return
    for attempt in range(PASSPHRASE_TRIES):
        try:
            app.unlock(secrets_in.read("Passphrase: "))
            return
        except WrongPassphrase:
            if not secrets_in.can_retry or attempt == PASSPHRASE_TRIES - 1:
                raise
            print("That passphrase does not open this vault. Try again.", file=sys.stderr)


def read_new_passphrase(secrets_in: SecretSource, label: str = "New passphrase") -> tuple[str, str]:
    first = secrets_in.read(f"{label}: ", "new passphrase")
    second = secrets_in.read(f"{label} again: ", "confirmation of the new passphrase")
    return first, second


def print_recovery_code(code: str, out: TextIO, *, replaced: bool = False) -> None:
    lead = "Your new recovery code (the old one no longer works):" if replaced else \
        "Your recovery code:"
    print(f"{lead}\n\n    {code}\n\n"
          "It is shown only this once. Write it down and keep it somewhere safe, offline.\n"
          "With it you can set a new passphrase if you forget yours; without either, nobody\n"
          "can open your vault, not even us.", file=out)


def cmd_init(app: CompanionApp, secrets_in: SecretSource, out: TextIO) -> int:
    if app.vault_exists():
        raise VaultExists(f"A vault already exists in {app.home}.",
                          "Use it, or choose another folder with --home.")
    passphrase, confirmation = read_new_passphrase(secrets_in, "Choose a passphrase")
    code = app.create_vault(passphrase, confirmation)
    app.close()
    print(f"Created your encrypted vault in {app.home}.\n", file=out)
    print_recovery_code(code, out)
    return EXIT_OK


def cmd_passwd(app: CompanionApp, secrets_in: SecretSource, out: TextIO) -> int:
    current = secrets_in.read("Current passphrase: ")
    new, confirmation = read_new_passphrase(secrets_in)
    app.change_passphrase(current, new, confirmation)
    print("Passphrase changed. Your recovery code still works.", file=out)
    return EXIT_OK


def cmd_recover(app: CompanionApp, secrets_in: SecretSource, out: TextIO) -> int:
    code = secrets_in.read("Recovery code: ", "recovery code")
    new, confirmation = read_new_passphrase(secrets_in)
    new_code = app.reset_passphrase(code, new, confirmation)
    print("Passphrase set.\n", file=out)
    print_recovery_code(new_code, out, replaced=True)
    return EXIT_OK


def cmd_restore_backup(app: CompanionApp, args: argparse.Namespace, secrets_in: SecretSource,
                       out: TextIO) -> int:
    source: Path = args.file.expanduser()
    if not source.is_file():
        # Before asking for a passphrase that could not be used anyway.
        raise UserError(f"There is no backup file at {source}.", "Check the path.")
    secret = secrets_in.read("Passphrase in force when the backup was made: ")
    result = app.restore_backup(app.home, source, secret)
    print(f"Restored the vault in {app.home} from {source}.", file=out)
    print("Unlock it with the passphrase (or recovery code) in force when the backup was made.",
          file=out)
    if result.previous_vault_kept_in is not None:
        print(f"The vault it replaced is kept, still encrypted, in "
              f"{result.previous_vault_kept_in}.", file=out)
    return EXIT_OK


def cmd_add(app: CompanionApp, args: argparse.Namespace, stdin: TextIO, out: TextIO) -> int:
    text = read_stdin(stdin.read) if args.text == "-" else args.text
    if args.title is not None:
        title, body = args.title, text
    else:
        # The first line with something on it is the title (blank lines before it are not).
        title, _, body = text.lstrip().partition("\n")
    entry = app.add_entry(EntryDraft(
        title=title, body=body.strip("\n"), tags=tuple(args.tag), mood=args.mood,
        starred=args.star, at=when(app, args.at),
    ))
    print(entry.ref, file=out)
    return EXIT_OK


def cmd_checkin(app: CompanionApp, args: argparse.Namespace, _stdin: TextIO, out: TextIO) -> int:
    checkin = app.add_checkin(CheckInDraft(
        mood=args.mood, energy=args.energy, emotions=tuple(args.emotion),
        activities=tuple(args.activity), sleep_hours=args.sleep, note=args.note,
        at=when(app, args.at),
    ))
    print(checkin.ref, file=out)
    return EXIT_OK


def cmd_list(app: CompanionApp, args: argparse.Namespace, _stdin: TextIO, out: TextIO) -> int:
    kind = Kind(args.kind) if args.kind else None
    items = app.timeline(kind=kind, start=period_start(app, args.start),
                         end=period_end(app, args.end), tag=args.tag, limit=args.limit,
                         trash=args.trash)
    if args.json:
        write_json([item_json(item) for item in items], out)
    elif not items:
        print("Nothing to show." if not args.trash else "The trash is empty.", file=out)
    else:
        for item in items:
            print(item_line(item), file=out)
    return EXIT_OK


def cmd_search(app: CompanionApp, args: argparse.Namespace, _stdin: TextIO, out: TextIO) -> int:
    filters = SearchFilters(tag=args.tag, start=period_start(app, args.start),
                            end=period_end(app, args.end))
    hits = app.search(args.query, limit=args.limit, filters=filters)
    if args.json:
        write_json([hit_json(hit) for hit in hits], out)
    elif not hits:
        print("No entries match.", file=out)
    else:
        for hit in hits:
            print(hit_lines(hit), file=out)
    return EXIT_OK


def cmd_show(app: CompanionApp, args: argparse.Namespace, _stdin: TextIO, out: TextIO) -> int:
    item = app.get(ItemRef.parse(args.id), include_deleted=True)
    if args.json:
        write_json(item_json(item), out)
    else:
        out.write(item_details(item))
    return EXIT_OK


def write_json(value: object, out: TextIO) -> None:
    # Plain UTF-8 where the output takes it; \u escapes (still the same JSON) where it does not.
    json.dump(value, out, ensure_ascii=not speaks_unicode(out), indent=2)
    out.write("\n")


def speaks_unicode(stream: TextIO) -> bool:
    """Whether `stream` can take any text: a UTF encoding, or an in-memory stream."""
    encoding = getattr(stream, "encoding", None)
    if not encoding:
        return True
    try:
        return codecs.lookup(encoding).name.startswith("utf")
    except LookupError:
        return False


_ENTRY_ONLY = ("title", "body", "tag", "starred")
_OPTION_NAMES = {"starred": "--star/--unstar", "add-tag/remove-tag": "--add-tag/--remove-tag"}
_CHECKIN_ONLY = ("energy", "emotion", "activity", "sleep", "note")


def cmd_edit(app: CompanionApp, args: argparse.Namespace, stdin: TextIO, out: TextIO) -> int:
    ref = ItemRef.parse(args.id)
    item = app.get(ref)
    wrong = _CHECKIN_ONLY if isinstance(item, Entry) else _ENTRY_ONLY
    given = [name for name in wrong if getattr(args, name) is not None]
    if isinstance(item, CheckIn) and (args.add_tag or args.remove_tag):
        given.append("add-tag/remove-tag")
    if given:
        what = "an entry" if isinstance(item, Entry) else "a check-in"
        raise UsageError(f"{_OPTION_NAMES.get(given[0], '--' + given[0])} does not apply to "
                         f"{what}")
    if isinstance(item, Entry):
        fields: dict[str, Any] = {}
        if args.title is not None:
            fields["title"] = args.title
        if args.body is not None:
            fields["body"] = read_stdin(stdin.read) if args.body == "-" else args.body
        if args.tag is not None or args.add_tag or args.remove_tag:
            tags = list(args.tag) if args.tag is not None else list(item.tags)
            # Compare tags the way they are stored (`#`, case and inner spaces normalised), so
            # `--remove-tag "Late night"` removes the tag `late-night`.
            removing = {normalize_tag(t).casefold() for t in args.remove_tag}
            fields["tags"] = [t for t in tags + args.add_tag
                              if normalize_tag(t).casefold() not in removing]
        if args.starred is not None:
            fields["starred"] = args.starred
        if args.mood is not None:
            fields["mood"] = args.mood
        if not fields:
            raise UsageError("say what to change, e.g. --title, --body, --tag or --star")
        app.update_entry(item.id, **fields)
    else:
        fields = {}
        for option, field in (("mood", "mood"), ("energy", "energy"), ("emotion", "emotions"),
                              ("activity", "activities"), ("sleep", "sleep_hours"),
                              ("note", "note")):
            if getattr(args, option) is not None:
                fields[field] = getattr(args, option)
        if not fields:
            raise UsageError("say what to change, e.g. --mood, --energy, --note")
        app.update_checkin(item.id, **fields)
    print(ref, file=out)
    return EXIT_OK


def cmd_delete(app: CompanionApp, args: argparse.Namespace, _stdin: TextIO, out: TextIO) -> int:
    ref = ItemRef.parse(args.id)
    app.delete(ref)
    print(f"Moved {ref} to the trash (`companion restore {ref}` brings it back).", file=out)
    return EXIT_OK


def cmd_restore(app: CompanionApp, args: argparse.Namespace, _stdin: TextIO, out: TextIO) -> int:
    ref = ItemRef.parse(args.id)
    app.restore(ref)
    print(f"Restored {ref} from the trash.", file=out)
    return EXIT_OK


def cmd_tags(app: CompanionApp, _args: argparse.Namespace, _stdin: TextIO, out: TextIO) -> int:
    tags = app.tags()
    if not tags:
        print("No tags yet.", file=out)
    for tag in tags:
        print(f"#{tag.name}  {tag.entries}", file=out)
    return EXIT_OK


def cmd_tag_rename(app: CompanionApp, args: argparse.Namespace, _stdin: TextIO,
                   out: TextIO) -> int:
    old, new = normalize_tag(args.old), normalize_tag(args.new)
    merging = old.casefold() != new.casefold() and any(
        tag.name.casefold() == new.casefold() for tag in app.tags())
    app.rename_tag(old, new)
    print(f"Merged #{old} into #{new}." if merging else f"Renamed #{old} to #{new}.", file=out)
    return EXIT_OK


def cmd_remember(app: CompanionApp, _args: argparse.Namespace, _stdin: TextIO,
                 out: TextIO) -> int:
    app.remember_on_device()
    print("This device now remembers the vault key in its keyring; commands will not ask for "
          "the passphrase. Undo with `companion forget`.", file=out)
    return EXIT_OK


def cmd_backup(app: CompanionApp, args: argparse.Namespace, _stdin: TextIO, out: TextIO) -> int:
    target: Path = args.file.expanduser()
    if target.is_dir() or not target.parent.is_dir():
        raise UserError(f"Cannot write a backup to {target}.", "Give a file in an existing folder.")
    paths = VaultPaths(app.home)
    own = (paths.database, *paths.database_sidecars, paths.key_file, paths.lock_file)
    if any(target.resolve() == path.resolve() for path in own):
        # With --force this would replace the live vault with its own backup.
        raise UserError(f"Cannot write a backup over the vault's own file {target}.",
                        "Choose another name.")
    if target.exists() and not args.force:
        raise UserError(f"{target} already exists.", "Choose another name, or add --force.")
    size = app.backup(target)
    print(f"Wrote an encrypted backup ({size / 1024:,.0f} KiB) to {target}.", file=out)
    return EXIT_OK


COMMANDS: dict[str, Callable[[CompanionApp, argparse.Namespace, TextIO, TextIO], int]] = {
    "add": cmd_add, "checkin": cmd_checkin, "list": cmd_list, "search": cmd_search,
    "show": cmd_show, "edit": cmd_edit, "delete": cmd_delete, "restore": cmd_restore,
    "tags": cmd_tags, "tag-rename": cmd_tag_rename, "remember": cmd_remember,
    "backup": cmd_backup, "questionnaire": cmd_questionnaire,
    "export": cmd_export, "import": cmd_import, "circle": cmd_circle,
    "screentime": cmd_screentime,
}


# -- dates ------------------------------------------------------------------------------------


def when(app: CompanionApp, text: str | None) -> datetime | None:
    return None if text is None else parse_datetime(text, local_now=app.clock.now())


def period_start(app: CompanionApp, text: str | None) -> datetime | None:
    return when(app, text)


def period_end(app: CompanionApp, text: str | None) -> datetime | None:
    """`--to 2026-03-14` includes the whole of that day; a time is an exact end."""
    value = when(app, text)
    if value is not None and text is not None and len(text.strip()) == 10:
        # The next local midnight, not 24 hours later: a day with a daylight-saving change
        # is 23 or 25 hours long.
        next_day = (value.date() + timedelta(days=1)).isoformat()
        value = parse_datetime(next_day, local_now=app.clock.now())
    return value


# -- entry point ------------------------------------------------------------------------------


def start_gui(args: argparse.Namespace) -> int:
    """Hand over to the desktop app; only this path loads Qt (imported lazily, by name, so the
    core's layering contract holds: `companion` never imports `ui` at module level)."""
    import importlib

    home = Path(args.home).expanduser() if getattr(args, "home", None) else None
    try:
        gui = importlib.import_module("ui.app")
    except ImportError as exc:
        print(f"companion: the desktop app cannot start: {exc}. The command line still works "
              "(`companion --help`).", file=sys.stderr)
        return EXIT_USER_ERROR
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
    logging.basicConfig(level=logging.WARNING, format="companion: %(levelname)s: %(message)s")
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help / --version (0) or usage errors (2)
        return int(exc.code or 0)
    if args.command in (None, "gui"):
        return start_gui(args)
    try:
        return run(args, out, stdin)
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
        known = user_error_for(exc)
        if known is None:  # a bug: report it without user content, never a traceback
            return _report_bug(exc, args)
        print(f"companion: {one_line_error(known)}", file=sys.stderr)
        return EXIT_USER_ERROR


def _report_bug(exc: BaseException, args: argparse.Namespace) -> int:
    """A bug: report it without user content, never a traceback."""
    report = write_crash_report(exc, home=getattr(args, "home", None))
    where = f" A report without your content is in {report}." if report else ""
    print(f"companion: an unexpected error happened (a bug in Companion).{where}",
          file=sys.stderr)
    return EXIT_BUG


_SQLITE_FULL, _SQLITE_CORRUPT, _SQLITE_NOTADB = 13, 11, 26
_ENVIRONMENT_ERRNOS = {errno.EACCES, errno.EPERM, errno.EEXIST, errno.ENOTDIR, errno.EISDIR,
                       errno.EROFS, errno.ENOSPC, errno.EDQUOT}


def user_error_for(exc: Exception) -> UserError | None:
    """The user-facing error behind an exception the lower layers let through, if it is one.

    A database page that fails its check is found only when a query reads it, long after the
    vault opened: SQLite reports it as an error of its own (SQLITE_CORRUPT), which is damage to
    be restored from a backup, not a bug. Likewise a folder that cannot be used.
    """
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None  # extended codes keep it in 8 bits
    if primary in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return VaultDamaged()
    if primary == _SQLITE_FULL:
        return DiskFull()
    if isinstance(exc, OSError) and exc.errno in _ENVIRONMENT_ERRNOS:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return DiskFull()
        where = f" {exc.filename}" if exc.filename else ""
        return UserError(f"Cannot use{where}: {exc.strerror or 'not allowed'}.",
                         "Check the path and its permissions.")
    return None


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
