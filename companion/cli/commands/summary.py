"""`companion export summary --from D --to D [--include-entry ID]... [--include-photo ID:N]...
[--format pdf|csv|json]
[--paper a4|letter] [--name NAME] [--leave-out PART]... -o FILE`.

A summary to hand to a therapist: by default every part (mood chart, check-in table,
questionnaire scores, top activities and emotions, screen time) and no journal entry; each
entry appears only when named with --include-entry. The file is plaintext by design, written
atomically, never over an existing file without --force, never inside the vault's folder.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from companion.app import CompanionApp
from companion.errors import UserError
from companion.export import PLAINTEXT_REMINDER, check_target
from companion.plurals import plural
from companion.summary import (
    ALL_PARTS,
    Paper,
    Part,
    SummaryFormat,
    SummaryRequest,
    make_summary_bytes,
    parse_entry_id,
    write_summary,
)
from companion.summary.images import parse_image_ref
from companion.timeutil import parse_day


def request_from(args: argparse.Namespace) -> SummaryRequest:
    if not args.summary_from or not args.summary_to:
        raise UserError("`export summary` needs a period.",
                        "Give --from YYYY-MM-DD and --to YYYY-MM-DD.")
    entries = tuple(parse_entry_id(text) for text in args.summary_entries)
    photos = tuple(parse_image_ref(text) for text in args.summary_photos)
    parts = ALL_PARTS - {Part(p) for p in args.summary_leave_out}
    return SummaryRequest(
        start=parse_day(args.summary_from), end=parse_day(args.summary_to),
        parts=frozenset(parts), entry_ids=entries, images=photos,
        checkin_notes=args.summary_notes,
        paper=Paper(args.summary_paper), name=args.summary_name.strip()).checked()


def cmd_summary(app: CompanionApp, args: argparse.Namespace, _stdin: TextIO,
                out: TextIO) -> int:
    request = request_from(args)
    fmt = SummaryFormat(args.summary_format)
    target = args.output.expanduser()
    check_target(app, target, force=args.force)
    data = make_summary_bytes(app, request, fmt)
    write_summary(target, data)
    entries = len(request.entry_ids)
    photos = (f", {plural(len(request.images), 'photo')}"
              if request.images and fmt is SummaryFormat.PDF else "")
    print(f"Wrote a {fmt.value.upper()} summary of {request.start} to {request.end} "
          f"({entries} journal entr{'y' if entries == 1 else 'ies'}{photos}) to {target}.",
          file=out)
    if request.images and fmt is not SummaryFormat.PDF:
        print("Photos go only into a PDF summary; this file has none.", file=out)
    print(PLAINTEXT_REMINDER, file=out)
    return 0
