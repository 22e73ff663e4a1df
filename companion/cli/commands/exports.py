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
from companion.cli.commands.summary import cmd_summary
from companion.cli.prompts import SecretSource
from companion.cli.terminal import OutputLost
from companion.errors import UserError
from companion.export import PLAINTEXT_REMINDER, ExportResult, export_to
from companion.imports import ImportOptions, import_file
from companion.imports.daylio import parse_mood_map
from companion.imports.jrnl import needs_password

PROGRESS_FROM = 5_000  # imports this long count their progress on stderr
PROGRESS_STEP = 5_000


def cmd_export(app: CompanionApp, args: argparse.Namespace, _stdin: TextIO, out: TextIO) -> int:
    if args.format == "summary":
        return cmd_summary(app, args, _stdin, out)
    target: Path = args.output.expanduser()
    if args.per_day and args.format != "markdown":
        raise UserError("--per-day goes with `export markdown`.")
    if args.kind and args.format != "csv":
        raise UserError("--kind goes with `export csv`.")
    result = export_to(app, args.format, target, per_day=args.per_day, kind=args.kind,
                       force=args.force, progress=_progress_on_stderr)
    try:
        print(describe_export(result), file=out)
        print(PLAINTEXT_REMINDER, file=out)
        out.flush()
    except OutputLost as exc:
        raise UserError(f"The export was written to {target}, but this could not be printed "
                        f"({exc.reason}). It is not encrypted.") from None
    return 0


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
    secrets_in = SecretSource(getattr(args, "passphrase_stdin", False), stdin)
    return secrets_in.read("jrnl password: ", "jrnl password")


def describe_export(result: ExportResult) -> str:
    if result.unit == "items":
        return f"Exported {result.count} items to {result.target}."
    if result.unit == "days":
        return f"Exported {result.count} days to {result.target}."
    return f"Wrote {result.count} files to {result.target}."
