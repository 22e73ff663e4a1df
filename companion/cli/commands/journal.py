"""Journal commands: add, checkin, list, search, show, edit, delete, restore, tags,
tag-rename."""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta
from typing import Any, TextIO

from companion.app import CompanionApp
from companion.cli.exits import EXIT_OK, UsageError
from companion.cli.format import hit_json, hit_lines, item_details, item_json, item_line, write_json
from companion.cli.prompts import TextFromStdin
from companion.errors import UserError
from companion.models import (
    DEFAULT_ACTIVITIES,
    DEFAULT_EMOTIONS,
    CheckIn,
    CheckInDraft,
    CheckinHit,
    Entry,
    EntryDraft,
    Kind,
    SearchHit,
    normalize_label,
    normalize_tag,
)
from companion.search import SearchFilters
from companion.timeutil import parse_datetime


def cmd_add(app: CompanionApp, args: argparse.Namespace, stdin: TextIO, out: TextIO) -> int:
    files = []
    if args.attach:
        if args.template is not None:
            raise UsageError("--attach cannot be used with --template yet: add the entry, "
                             "then `companion attachment add ID FILE`")
        from companion.cli.commands.attachments import prepare_files

        # Every file is read and checked before the entry is written.
        files = prepare_files(app, args.attach, keep_location=args.keep_location)
    if args.template is not None:
        from companion.cli.commands.prompts_cmd import add_from_template

        return add_from_template(app, args, stdin, out)
    if args.text is None:
        raise UsageError("give the entry as TEXT or - (standard input), or start from a "
                         "--template")
    from_stdin = TextFromStdin(stdin)
    text = from_stdin(args.text, "TEXT") or ""
    title_given = from_stdin(args.title, "--title")
    if title_given is not None:
        title, body = title_given, text
    else:
        # The first line with something on it is the title (blank lines before it are not).
        title, _, body = text.lstrip().partition("\n")
    entry = app.add_entry(EntryDraft(
        title=title, body=body.strip("\n"), tags=tuple(args.tag), mood=args.mood,
        starred=args.star, at=when(app, args.at),
    ))
    if files:
        import sys

        from companion.cli.commands.attachments import attach_and_report

        attach_and_report(app, entry.id, files, sys.stderr, entry_is_new=True)
    print(entry.ref, file=out)
    return EXIT_OK


def check_labels(app: CompanionApp, kind: str, given: list[str] | None,
                 new_label: bool) -> None:
    """A label never used before is most often a typo (`tierd`): refused with the closest
    known ones, unless --new-label says it is meant."""
    if not given or new_label:
        return
    import difflib

    defaults = DEFAULT_EMOTIONS if kind == "emotion" else DEFAULT_ACTIVITIES
    known = list(dict.fromkeys([*app.known_labels(kind), *defaults]))
    for raw in given:
        label = normalize_label(raw)
        if label in known:
            continue
        close = difflib.get_close_matches(label, known, n=3, cutoff=0.6)
        maybe = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise UserError(f"'{label}' is not an {kind} you have used before.{maybe}",
                        f"To add it as a new {kind}, add --new-label.")


def cmd_checkin(app: CompanionApp, args: argparse.Namespace, stdin: TextIO, out: TextIO) -> int:
    check_labels(app, "emotion", args.emotion, args.new_label)
    check_labels(app, "activity", args.activity, args.new_label)
    note = TextFromStdin(stdin)(args.note, "--note") or ""
    checkin = app.add_checkin(CheckInDraft(
        mood=args.mood, energy=args.energy, emotions=tuple(args.emotion),
        activities=tuple(args.activity), sleep_hours=args.sleep, note=note,
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


def cmd_search(app: CompanionApp, args: argparse.Namespace, stdin: TextIO, out: TextIO) -> int:
    filters = SearchFilters(tag=args.tag, start=period_start(app, args.start),
                            end=period_end(app, args.end))
    query = TextFromStdin(stdin)(args.query, "QUERY", one_line=True) or ""
    # Entries and check-in notes, best first (one tokenizer and one ranking function, so the
    # two lists' bm25 ranks compare), at most --limit in all.
    hits: list[SearchHit | CheckinHit] = [
        *app.search(query, limit=args.limit, filters=filters),
        *app.search_checkins(query, limit=args.limit, filters=filters)]
    hits = sorted(hits, key=lambda hit: hit.rank)[:args.limit]
    if args.json:
        write_json([hit_json(hit) for hit in hits], out)
    elif not hits:
        print("Nothing matches.", file=out)
    else:
        for hit in hits:
            print(hit_lines(hit), file=out)
    return EXIT_OK


def cmd_show(app: CompanionApp, args: argparse.Namespace, _stdin: TextIO, out: TextIO) -> int:
    item = app.get(args.id, include_deleted=True)
    files = app.attachments(item.id) if isinstance(item, Entry) else []
    if args.json:
        shown = item_json(item)
        if files:
            shown["attachments"] = [{"position": a.position, "name": a.name,
                                     "media_type": a.media_type, "size": a.size}
                                    for a in files]
        write_json(shown, out)
    else:
        out.write(item_details(item))
        if files:
            names = ", ".join(a.name for a in files)
            print(f"\nAttached: {names} (`companion attachments {item.ref}`)", file=out)
    return EXIT_OK


_ENTRY_ONLY = ("title", "body", "tag", "starred")
_OPTION_NAMES = {"starred": "--star/--unstar", "add-tag/remove-tag": "--add-tag/--remove-tag"}
_CHECKIN_ONLY = ("energy", "emotion", "activity", "sleep", "note")


def cmd_edit(app: CompanionApp, args: argparse.Namespace, stdin: TextIO, out: TextIO) -> int:
    ref = args.id
    item = app.get(ref)
    wrong = _CHECKIN_ONLY if isinstance(item, Entry) else _ENTRY_ONLY
    given = [name for name in wrong if getattr(args, name) is not None]
    if isinstance(item, CheckIn) and (args.add_tag or args.remove_tag):
        given.append("add-tag/remove-tag")
    if given:
        what = "an entry" if isinstance(item, Entry) else "a check-in"
        raise UsageError(f"{_OPTION_NAMES.get(given[0], '--' + given[0])} does not apply to "
                         f"{what}")
    from_stdin = TextFromStdin(stdin)
    if isinstance(item, Entry):
        fields: dict[str, Any] = {}
        if args.title is not None:
            fields["title"] = from_stdin(args.title, "--title", one_line=True)
        if args.body is not None:
            fields["body"] = from_stdin(args.body, "--body", exact=True)
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
        check_labels(app, "emotion", args.emotion, args.new_label)
        check_labels(app, "activity", args.activity, args.new_label)
        fields = {}
        for option, field in (("mood", "mood"), ("energy", "energy"), ("emotion", "emotions"),
                              ("activity", "activities"), ("sleep", "sleep_hours"),
                              ("note", "note")):
            if getattr(args, option) is not None:
                fields[field] = getattr(args, option)
        if "note" in fields:
            fields["note"] = from_stdin(args.note, "--note")
        if not fields:
            raise UsageError("say what to change, e.g. --mood, --energy, --note")
        app.update_checkin(item.id, **fields)
    print(ref, file=out)
    return EXIT_OK


def cmd_delete(app: CompanionApp, args: argparse.Namespace, _stdin: TextIO, out: TextIO) -> int:
    ref = args.id
    app.delete(ref)
    print(f"Moved {ref} to the trash (`companion restore {ref}` brings it back).", file=out)
    return EXIT_OK


def cmd_restore(app: CompanionApp, args: argparse.Namespace, _stdin: TextIO, out: TextIO) -> int:
    ref = args.id
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
