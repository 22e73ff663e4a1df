"""Attachment commands: `companion attachments ID`, `companion attachment save|add|remove`,
and the files of `companion add --attach` (companion/attachments.py does the work)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from companion.app import CompanionApp
from companion.cli.exits import EXIT_OK, UsageError
from companion.cli.format import write_json
from companion.errors import UserError
from companion.models import ItemRef, Kind
from storage.errors import DiskFull

if TYPE_CHECKING:
    from companion.attachments import Attachment, PreparedFile


def entry_number(ref: ItemRef) -> int:
    if ref.kind is not Kind.ENTRY:
        raise UsageError(f"{ref} is a check-in; only entries have attached files")
    return ref.number


def prepare_files(app: CompanionApp, paths: Sequence[Path], *,
                  keep_location: bool) -> list[PreparedFile]:
    """Read and check every file before anything is written: one bad file, nothing saved."""
    return [app.prepare_attachment(path.expanduser(), keep_location=keep_location)
            for path in paths]


def attach_and_report(app: CompanionApp, entry_id: int, files: Sequence[PreparedFile],
                      err: TextIO, *, entry_is_new: bool = False) -> list[Attachment]:
    try:
        added = app.attach(entry_id, files)
    except UserError as exc:
        if not entry_is_new:
            raise
        if isinstance(exc, DiskFull):
            raise UserError(f"The entry was saved as e{entry_id}, but the disk is full, so "
                            "its files were not attached.", "Free some space, then `companion "
                            f"attachment add e{entry_id} FILE`.") from exc
        raise UserError(f"The entry was saved as e{entry_id}, but its files were not "
                        f"attached: {exc.message}", exc.hint) from exc
    for file in files:
        for note in file.notes:
            print(note, file=err)
    return added


def cmd_attachments(app: CompanionApp, args: argparse.Namespace, _stdin: TextIO,
                    out: TextIO) -> int:
    from companion.attachments import size_text

    entry_id = entry_number(args.id)
    app.journal.get(entry_id, include_deleted=True)  # a clear "no such entry"
    attachments = app.attachments(entry_id)
    if args.json:
        write_json([{"position": a.position, "name": a.name, "media_type": a.media_type,
                     "size": a.size, "sha256": a.sha256, "width": a.width,
                     "height": a.height} for a in attachments], out)
        return EXIT_OK
    if not attachments:
        print(f"e{entry_id} has no attached files.", file=out)
    for a in attachments:
        pixels = f", {a.width} × {a.height}" if a.width and a.height else ""
        print(f"{a.position:>3}  {a.name}  ({a.description}{pixels}, {size_text(a.size)})",
              file=out)
    return EXIT_OK


def cmd_attachment(app: CompanionApp, args: argparse.Namespace, _stdin: TextIO,
                   out: TextIO) -> int:
    import sys

    entry_id = entry_number(args.id)
    if args.attachment_command == "save":
        return _save(app, entry_id, args.position, args.output.expanduser(), args.force, out)
    if args.attachment_command == "add":
        files = prepare_files(app, args.files, keep_location=args.keep_location)
        for a in attach_and_report(app, entry_id, files, sys.stderr):
            print(f"Attached {a.name} to e{entry_id} as {a.position}.", file=out)
        return EXIT_OK
    attachment = app.attachments(entry_id)
    name = next((a.name for a in attachment if a.position == args.position), None)
    app.remove_attachment(entry_id, args.position)
    print(f"Removed {name} from e{entry_id}.", file=out)
    return EXIT_OK


def _save(app: CompanionApp, entry_id: int, position: int, target: Path, force: bool,
          out: TextIO) -> int:
    from storage.atomic import atomic_write_bytes

    data = app.attachment_bytes(entry_id, position)
    if target.is_dir():
        raise UserError(f"{target} is a folder.", "Give the path of the file to write.")
    if not target.parent.is_dir():
        raise UserError(f"There is no folder {target.parent}.", "Make it first, or choose "
                        "another place.")
    if target.exists() and not force:
        raise UserError(f"{target} already exists.", "Choose another name, or add --force.")
    # Written like an export: atomically, readable by this user only (0600).
    atomic_write_bytes(target, data)
    print(f"Wrote {target} (plaintext: it is no longer protected by the vault).", file=out)
    return EXIT_OK
