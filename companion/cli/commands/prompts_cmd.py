"""On this day, entries from templates, and the person's own templates (issue 20):
`companion on-this-day`, `companion add --template NAME`, `companion templates …`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from datetime import datetime
from typing import Any, TextIO

from companion.app import CompanionApp
from companion.cli.exits import EXIT_OK, UsageError
from companion.cli.format import write_json
from companion.cli.prompts import STDIN_TEXT_LIMIT, TextFromStdin, read_stdin
from companion.errors import UserError
from companion.models import Entry, EntryDraft
from companion.on_this_day import OnThisDay
from companion.prompts import Template, template_sections
from companion.timeutil import parse_datetime, parse_day

# -- on this day ------------------------------------------------------------------------------


def cmd_on_this_day(app: CompanionApp, args: argparse.Namespace, _stdin: TextIO,
                    out: TextIO) -> int:
    day = parse_day(args.date) if args.date else None
    found = app.on_this_day(day)
    if args.json:
        write_json(on_this_day_json(found), out)
    elif found.empty:
        print(f"Nothing from this date in earlier years, or a month ago ({found.today}).",
              file=out)
    else:
        for number, memory_day in enumerate(found.days):
            if number:
                print(file=out)
            print(f"{memory_day.label} · {memory_day.day}", file=out)
            for item in memory_day.items:
                print(f"  {item.ref!s:<7} {item.time}  {item.text}", file=out)
    return EXIT_OK


def on_this_day_json(found: OnThisDay) -> dict[str, Any]:
    return {"date": found.today, "days": [
        {"day": d.day, "years_ago": d.years_ago, "label": d.label,
         "items": [{"id": str(i.ref), "kind": i.ref.kind.value, "time": i.time,
                    "text": i.text, "mood": i.mood} for i in d.items]}
        for d in found.days]}


# -- a new entry from a template ----------------------------------------------------------------


def add_from_template(app: CompanionApp, args: argparse.Namespace, stdin: TextIO,
                      out: TextIO) -> int:
    """`companion add --template NAME [-]`: each section of the template is asked in turn
    (at a terminal, with its heading and hint; from a pipe, in order), an answer ending at an
    empty line; the entry is the template with the answers under their headings."""
    if args.text not in (None, "-"):
        raise UsageError("with --template, the answers come from standard input: give - "
                         "or nothing instead of TEXT")
    if args.title == "-":
        raise UsageError("with --template, --title cannot be - (standard input holds the "
                         "answers)")
    template = app.find_template(args.template)
    title = args.title
    body = fill_template(template, stdin, asking=stdin.isatty())
    entry: Entry = app.add_entry(EntryDraft(
        title=title if title is not None else template.name, body=body, tags=tuple(args.tag),
        mood=args.mood, starred=args.star, at=_when(app, args.at)))
    print(entry.ref, file=out)
    return EXIT_OK


def fill_template(template: Template, stdin: TextIO, *, asking: bool) -> str:
    lines = _lines(stdin)
    parts: list[str] = []
    answered = False
    sections = template_sections(template.body)
    if asking:
        _say(f"{template.name}: answer each part; an empty line moves on to the next "
             "(Enter at once leaves it blank).\n")
    for heading, hint in sections:
        if not heading:  # the introduction: kept, not asked
            parts.append(hint)
            if asking and hint:
                _say(hint + "\n")
            continue
        if asking:
            _say(f"{heading}\n{hint}".rstrip())
        answer = _answer(lines, asking)
        answered = answered or bool(answer)
        parts.append("\n\n".join(p for p in (heading, hint, answer) if p))
    # From a pipe, more paragraphs than parts are kept at the end; at a terminal the last
    # part's empty line ends it all (nobody is made to press Ctrl+D).
    rest = "" if asking else "\n".join(lines).strip()
    if rest:
        parts.append(rest)
        answered = True
    if not answered:
        raise UserError("Nothing was written, so no entry was saved.")
    return "\n\n".join(p for p in parts if p) + "\n"


def _lines(stdin: TextIO) -> Iterator[str]:
    read = 0
    while True:
        line = read_stdin(lambda: stdin.readline(STDIN_TEXT_LIMIT + 1))
        if not line:
            return
        read += len(line)
        if read > STDIN_TEXT_LIMIT:
            raise UserError(f"Standard input holds more than {STDIN_TEXT_LIMIT // 2**20} MiB "
                            "of text.", "Nothing was changed.")
        yield line.rstrip("\r\n")


def _answer(lines: Iterator[str], asking: bool) -> str:
    if asking:
        sys.stderr.write("> ")
        sys.stderr.flush()
    got: list[str] = []
    for line in lines:
        if not line.strip():
            if got or asking:
                break
            continue  # blank lines between answers in a pipe
        got.append(line)
        if asking:
            sys.stderr.write("> ")
            sys.stderr.flush()
    if asking:
        sys.stderr.write("\n")
    return "\n".join(got).strip()


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _when(app: CompanionApp, text: str | None) -> datetime | None:
    return None if text is None else parse_datetime(text, local_now=app.clock.now())


# -- the person's own templates -----------------------------------------------------------------


def cmd_templates(app: CompanionApp, args: argparse.Namespace, stdin: TextIO,
                  out: TextIO) -> int:
    action = args.templates_command
    if action == "list":
        templates = app.templates()
        if args.json:
            write_json([{"name": t.name, "key": t.key or None, "shipped": t.shipped}
                        for t in templates], out)
        else:
            for template in templates:
                origin = f"  ({template.key})" if template.shipped else "  (yours)"
                print(f"{template.name}{origin}", file=out)
        return EXIT_OK
    if action == "show":
        out.write(app.find_template(args.name).body.rstrip("\n") + "\n")
        return EXIT_OK
    text = TextFromStdin(stdin)
    if action == "add":
        body = text(args.body, "BODY", exact=True) or ""
        template = app.add_template(args.name, body)
        print(f"Saved the template '{template.name}'.", file=out)
        return EXIT_OK
    template = _own(app, args.name)
    assert template.own_id is not None
    if action == "edit":
        if args.body is None and args.rename is None:
            raise UsageError("say what to change: --body - or --rename NAME")
        new_body = text(args.body, "--body", exact=True) if args.body is not None else None
        changed = app.update_template(template.own_id, name=args.rename, body=new_body)
        print(f"Saved the template '{changed.name}'.", file=out)
    else:
        app.delete_template(template.own_id)
        print(f"Deleted the template '{template.name}'. Entries written from it are kept.",
              file=out)
    return EXIT_OK


def _own(app: CompanionApp, name: str) -> Template:
    template = app.find_template(name)
    if template.shipped:
        raise UserError(f"'{template.name}' comes with Companion and cannot be changed.",
                        "`companion templates add` makes one of your own (`templates show` "
                        "prints this one to start from).")
    return template
