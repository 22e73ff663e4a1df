"""The grammar of `companion attachments` and `companion attachment` (apart from
companion/cli/parser.py so that the parser stays one screen per group; loads nothing)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from companion.models import ItemRef


def add_attachment_arguments(command: Callable[[str, str], argparse.ArgumentParser],
                             common: argparse.ArgumentParser,
                             item_id: Callable[[str], ItemRef]) -> None:
    listing = command("attachments", "list the files attached to an entry (position, name, "
                                     "type, size)")
    listing.add_argument("id", type=item_id, help="an entry id such as e12")
    listing.add_argument("--json", action="store_true", help="JSON output")

    one = command("attachment", "an entry's attached files: save one to a file, attach more, "
                                "remove one")
    sub = one.add_subparsers(dest="attachment_command", metavar="ACTION", required=True)

    def action(name: str, text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=text, description=text, parents=[common])

    save = action("save", "write attachment N of an entry to a file (plaintext, like an "
                          "export)")
    save.add_argument("id", type=item_id, help="an entry id such as e12")
    save.add_argument("position", type=int, metavar="N", help="its position (`companion "
                                                              "attachments ID`)")
    save.add_argument("-o", "--output", type=Path, required=True, metavar="PATH",
                      help="the file to write")
    save.add_argument("--force", action="store_true", help="replace PATH if it exists")
    add = action("add", "attach files to an entry that exists")
    add.add_argument("id", type=item_id, help="an entry id such as e12")
    add.add_argument("files", type=Path, nargs="+", metavar="FILE")
    add.add_argument("--keep-location", action="store_true",
                     help="keep where a photo was taken (removed by default)")
    remove = action("remove", "remove attachment N from an entry")
    remove.add_argument("id", type=item_id, help="an entry id such as e12")
    remove.add_argument("position", type=int, metavar="N")
