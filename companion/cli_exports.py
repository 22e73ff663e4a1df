"""`companion export json|markdown|csv -o PATH` and `companion import jrnl|daylio|dayone|json
FILE`.

Exports are plaintext by design (the user asked for them): each run says so in one line.
Nothing is overwritten without --force, and nothing is written inside the vault's folder.
Imports are all or nothing; long ones count their progress on standard error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from companion.app import CompanionApp
from companion.cli_summary import add_summary_arguments, cmd_summary
from companion.errors import UserError
from companion.export import (
    PLAINTEXT_REMINDER,
    ExportCancelled,
    csv_files,
    export_json,
    export_markdown,
    markdown_day_files,
    write_files,
)
from companion.imports import KINDS, CancelToken, ImportOptions, import_file
from companion.imports.common import Progress
from companion.imports.daylio import parse_mood_map
from companion.imports.jrnl import DEFAULT_TIMEFORMAT, needs_password

PROGRESS_FROM = 5_000  # imports this long count their progress on stderr
PROGRESS_STEP = 5_000


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("format", choices=["json", "markdown", "csv", "summary"],
                        help="what to write (summary: a PDF/CSV/JSON summary of a period)")
    parser.add_argument("-o", "--output", metavar="PATH", type=Path, required=True,
                        help="the file to write (markdown --per-day and csv: a folder)")
    parser.add_argument("--per-day", action="store_true",
                        help="markdown: one file per day in the folder PATH")
    parser.add_argument("--kind", choices=["entries", "checkins"],
                        help="csv: only this table, into the file PATH")
    parser.add_argument("--force", action="store_true", help="replace files that exist")
    add_summary_arguments(parser)


def add_import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("format", choices=KINDS, help="what kind of file FILE is")
    parser.add_argument("file", type=Path,
                        help="jrnl: the journal file (plain, encrypted, or `jrnl --export "
                             "json`); daylio: a CSV export or a .daylio backup; dayone: a JSON "
                             "export zip; json: a file written by `companion export json`")
    parser.add_argument("--dry-run", action="store_true",
                        help="check the file and count what would be imported; change nothing")
    parser.add_argument("--timeformat", default=DEFAULT_TIMEFORMAT, metavar="FORMAT",
                        help="jrnl: the journal's timeformat from jrnl's config "
                             "(default: %%Y-%%m-%%d %%H:%%M)")
    parser.add_argument("--jrnl-password-file", type=Path, metavar="FILE",
                        help="jrnl: read an encrypted journal's password from the first line "
                             "of FILE (else it is asked for; with --passphrase-stdin, the next "
                             "line of standard input)")
    parser.add_argument("--mood-map", metavar="LABEL=N,...", default="",
                        help="daylio: the level 1-5 of custom mood labels, e.g. "
                             "'ecstatic=5,so-so=3' (rad, good, meh, bad, awful are known)")
    parser.add_argument("--time-zone", metavar="NAME",
                        help="jrnl, daylio CSV: the zone their times were written in, e.g. "
                             "Europe/Lisbon (default: this computer's)")


def check_target(app: CompanionApp, target: Path, *, force: bool) -> None:
    home = app.home.resolve()
    resolved = target.resolve()
    if resolved == home or resolved.is_relative_to(home):
        raise UserError(f"Cannot export into the vault's own folder ({target}).",
                        "Choose a path outside it.")
    if target.is_dir():
        raise UserError(f"{target} is a folder.", "Give a file name.")
    if target.exists() and not force:
        raise UserError(f"{target} already exists.", "Choose another name, or add --force.")
    if not target.parent.is_dir():
        raise UserError(f"Cannot write {target}: its folder does not exist.")


def _prepare_folder(app: CompanionApp, folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder} is a file, not a folder.", "Give a folder to write into.")
    home = app.home.resolve()
    resolved = folder.resolve()
    if resolved == home or resolved.is_relative_to(home) or home.is_relative_to(resolved):
        raise UserError(f"Cannot export into the vault's folder or around it ({folder}).",
                        "Choose a folder outside it.")
    if not folder.parent.is_dir():
        raise UserError(f"Cannot write into {folder}: its parent folder does not exist.")
    folder.mkdir(exist_ok=True)


def _write_checked(app: CompanionApp, files: dict[Path, str], force: bool) -> None:
    for path in files:
        check_target(app, path, force=force)
    write_files(files)


def cmd_export(app: CompanionApp, args: argparse.Namespace, _stdin: TextIO, out: TextIO) -> int:
    if args.format == "summary":
        return cmd_summary(app, args, _stdin, out)
    target: Path = args.output.expanduser()
    if args.per_day and args.format != "markdown":
        raise UserError("--per-day goes with `export markdown`.")
    if args.kind and args.format != "csv":
        raise UserError("--kind goes with `export csv`.")
    done = export_to(app, args.format, target, per_day=args.per_day, kind=args.kind,
                     force=args.force, progress=_progress_on_stderr)
    print(done, file=out)
    print(PLAINTEXT_REMINDER, file=out)
    return 0


def export_to(app: CompanionApp, fmt: str, target: Path, *, per_day: bool = False,
              kind: str | None = None, force: bool = False, progress: Progress | None = None,
              cancel: CancelToken | None = None) -> str:
    """Write an export (`fmt` json, markdown or csv) to `target`, checked as the CLI checks
    it (never inside the vault's folder, nothing replaced without `force`); say what was
    written. The desktop app's export dialog uses this too."""
    if fmt == "json":
        check_target(app, target, force=force)
        count = export_json(app, target, progress=progress, cancel=cancel)
        return f"Exported {count} items to {target}."
    if cancel is not None and cancel.cancelled:
        raise ExportCancelled()
    if fmt == "markdown" and not per_day:
        check_target(app, target, force=force)
        days = export_markdown(app, target)
        return f"Exported {days} days to {target}."
    if fmt == "csv" and kind:
        check_target(app, target, force=force)
        files = csv_files(app, target, kind)
    else:
        _prepare_folder(app, target)
        files = (markdown_day_files(app, target) if fmt == "markdown"
                 else csv_files(app, target))
    _write_checked(app, files, force)
    return f"Wrote {len(files)} files to {target}."


def cmd_import(app: CompanionApp, args: argparse.Namespace, stdin: TextIO, out: TextIO) -> int:
    path: Path = args.file.expanduser()
    if args.format != "daylio" and args.mood_map:
        raise UserError("--mood-map goes with `import daylio`.")
    if args.format != "jrnl" and args.jrnl_password_file:
        raise UserError("--jrnl-password-file goes with `import jrnl`.")
    password = None
    if args.format == "jrnl" and needs_password(path):
        password = _jrnl_password(args, stdin)
    options = ImportOptions(timeformat=args.timeformat, password=password,
                            mood_map=parse_mood_map(args.mood_map), zone=_zone(args.time_zone))
    report = import_file(app, args.format, path, options, dry_run=args.dry_run,
                         progress=_progress_on_stderr)
    print(report.summary(), file=out)
    for note in report.notes:
        print(f"Note: {note}", file=out)
    return 0


def _progress_on_stderr(done: int, total: int) -> None:
    if total >= PROGRESS_FROM and (done % PROGRESS_STEP == 0 or done == total):
        print(f"companion: {done:,} of {total:,} items…", file=sys.stderr, flush=True)


def _zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserError(f"'{name}' is not a time zone Companion knows.",
                        "Use a name such as Europe/Lisbon or America/New_York.") from None


def _jrnl_password(args: argparse.Namespace, stdin: TextIO) -> str:
    if args.jrnl_password_file is not None:
        source: Path = args.jrnl_password_file.expanduser()
        try:
            lines = source.read_text("utf-8").splitlines()
        except FileNotFoundError:
            raise UserError(f"There is no password file {source}.") from None
        except (OSError, UnicodeDecodeError):
            raise UserError(f"Cannot read the password file {source} as UTF-8 text.") from None
        if not lines or not lines[0]:
            raise UserError(f"The password file {source} is empty.",
                            "Put the jrnl password on its first line.")
        return lines[0]
    from companion.cli import SecretSource  # the CLI's one prompt (lazy: it imports this)

    secrets_in = SecretSource(getattr(args, "passphrase_stdin", False), stdin)
    return secrets_in.read("jrnl password: ", "jrnl password")
