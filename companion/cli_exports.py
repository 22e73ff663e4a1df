"""`companion export json|markdown|csv -o PATH` and `companion import json FILE`.

Exports are plaintext by design (the user asked for them): each run says so in one line.
Nothing is overwritten without --force, and nothing is written inside the vault's folder.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from companion.app import CompanionApp
from companion.errors import UserError
from companion.export import (
    PLAINTEXT_REMINDER,
    csv_files,
    export_json,
    export_markdown,
    markdown_day_files,
    write_files,
)
from companion.import_json import import_json


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("format", choices=["json", "markdown", "csv"], help="what to write")
    parser.add_argument("-o", "--output", metavar="PATH", type=Path, required=True,
                        help="the file to write (markdown --per-day and csv: a folder)")
    parser.add_argument("--per-day", action="store_true",
                        help="markdown: one file per day in the folder PATH")
    parser.add_argument("--kind", choices=["entries", "checkins"],
                        help="csv: only this table, into the file PATH")
    parser.add_argument("--force", action="store_true", help="replace files that exist")


def add_import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("format", choices=["json"], help="the export format to read")
    parser.add_argument("file", type=Path, help="a file written by `companion export json`")
    parser.add_argument("--dry-run", action="store_true",
                        help="check the file and count what would be imported; change nothing")


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
    target: Path = args.output.expanduser()
    if args.per_day and args.format != "markdown":
        raise UserError("--per-day goes with `export markdown`.")
    if args.kind and args.format != "csv":
        raise UserError("--kind goes with `export csv`.")
    if args.format == "json":
        check_target(app, target, force=args.force)
        count = export_json(app, target)
        done = f"Exported {count} items to {target}."
    elif args.format == "markdown" and not args.per_day:
        check_target(app, target, force=args.force)
        days = export_markdown(app, target)
        done = f"Exported {days} days to {target}."
    else:
        if args.format == "csv" and args.kind:
            check_target(app, target, force=args.force)
            files = csv_files(app, target, args.kind)
        else:
            _prepare_folder(app, target)
            files = (markdown_day_files(app, target) if args.format == "markdown"
                     else csv_files(app, target))
        _write_checked(app, files, args.force)
        done = f"Wrote {len(files)} files to {target}."
    print(done, file=out)
    print(PLAINTEXT_REMINDER, file=out)
    return 0


def cmd_import(app: CompanionApp, args: argparse.Namespace, _stdin: TextIO, out: TextIO) -> int:
    report = import_json(app, args.file.expanduser(), dry_run=args.dry_run)
    lead = "Would import" if report.dry_run else "Imported"
    print(f"{lead} {report.entries_imported} entries and {report.checkins_imported} check-ins;"
          f" skipped {report.skipped} already in the vault.", file=out)
    return 0
