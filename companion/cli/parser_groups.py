"""Options of the command groups with many of them (circle, screen time, exports, imports,
questionnaires, the unlock session), kept apart from the code that runs them.

Choices are written out here rather than read from the domain modules, which would load the
whole core to print `--help`; tests/test_cli_parser.py checks each list against the domain's
own, so they cannot drift.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from companion.cli.terminal import CommandParser

QUESTIONNAIRE_KINDS = ("phq9", "gad7", "who5")  # companion.questionnaires.QuestionnaireKind
IMPORT_KINDS = ("jrnl", "daylio", "dayone", "json")  # companion.imports.KINDS
JRNL_TIMEFORMAT = "%Y-%m-%d %H:%M"  # companion.imports.jrnl.DEFAULT_TIMEFORMAT
SUMMARY_FORMATS = ("pdf", "csv", "json")  # companion.summary.SummaryFormat
SUMMARY_PAPERS = ("a4", "letter")  # companion.summary.Paper
SUMMARY_PARTS = ("mood", "checkins", "questionnaires", "labels", "screentime")  # summary.Part
WEEKDAY_ABBREVIATIONS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # tracker.WEEKDAYS
ACTIVITYWATCH_URL = "http://127.0.0.1:5600"  # companion.screentime.activitywatch.DEFAULT_URL
ACTIVITYWATCH_IMPORT_DAYS = 365  # companion.cli.commands.screentime.IMPORT_DAYS

CommandMaker = Callable[[str, str], argparse.ArgumentParser]


def _webdav_credentials(p: argparse.ArgumentParser) -> None:
    """Where a WebDAV user and app password come from: never the command line itself, which
    other users can read in the process list (companion/cli/commands/circle.py)."""
    p.add_argument("--webdav-user", metavar="USER",
                   help="WebDAV user (default: $COMPANION_WEBDAV_USER)")
    p.add_argument("--webdav-password-file", metavar="FILE", type=Path,
                   help="read the WebDAV app password from FILE (else "
                        "$COMPANION_WEBDAV_PASSWORD, else a prompt)")


def add_circle_arguments(parser: argparse.ArgumentParser,
                         common: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="circle_command", metavar="SUBCOMMAND", required=True)

    def command(name: str, text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=text, description=text, parents=[common])

    create = command("create", "create a circle on a shared folder or a WebDAV server")
    create.add_argument("name")
    create.add_argument("--storage", required=True, metavar="folder:PATH|webdav:URL")
    create.add_argument("--name", dest="display_name", help="your name in this circle")
    _webdav_credentials(create)
    lst = command("list", "your circles")
    lst.add_argument("--json", action="store_true")
    invite = command("invite", "make a one-time invite code (valid 7 days); printed last")
    invite.add_argument("circle")
    invite.add_argument("--qr", type=Path, metavar="FILE",
                        help="also write it as a QR PNG (private to you)")
    invite.add_argument("--force", action="store_true", help="replace FILE if it exists")
    join = command("join", "join a circle with an invite code")
    join.add_argument("code", metavar="CODE|-",
                      help="the invite code; - reads it from standard input, where other "
                           "users cannot see it")
    join.add_argument("--storage", metavar="folder:PATH|webdav:URL",
                      help="your copy of the shared folder (WebDAV: the invite's by default)")
    join.add_argument("--name", dest="display_name", help="your name in this circle")
    join.add_argument("--trust-storage", action="store_true",
                      help="do not ask before sending your WebDAV user and password to the "
                           "address in the invite code (it is still printed); without a "
                           "terminal to ask at, nothing is sent unless this is given")
    _webdav_credentials(join)
    members = command("members", "who is in the circle, and whom you have verified")
    members.add_argument("circle")
    members.add_argument("--json", action="store_true")
    verify = command("verify", "compare safety numbers with a member, then mark them verified")
    verify.add_argument("circle")
    verify.add_argument("member", help="display name or id")
    verify.add_argument("--yes", action="store_true",
                        help="the numbers match (you compared them in person or by call)")
    verify.add_argument("--qr", type=Path, metavar="FILE", help="write the number as a QR PNG")
    verify.add_argument("--force", action="store_true", help="replace FILE if it exists")
    checkin = command("checkin", "share a check-in with the circle (never automatic)")
    checkin.add_argument("circle")
    checkin.add_argument("--mood", type=int, required=True, help="1 (awful) – 5 (great)")
    checkin.add_argument("--energy", type=int, help="1 – 5")
    checkin.add_argument("--emotion", action="append", default=[], help="repeatable")
    checkin.add_argument("--note", default="", metavar="TEXT|-",
                         help="a short note (280 characters; - reads standard input)")
    post = command("post", "share a note (Markdown)")
    post.add_argument("circle")
    post.add_argument("--title", metavar="TEXT|-",
                      help="the title (default: the first line of BODY)")
    post.add_argument("body", metavar="BODY|-",
                      help="- reads it from standard input, where other users cannot see it")
    reply = command("reply", "reply to a post or check-in")
    reply.add_argument("circle")
    reply.add_argument("post_id", metavar="POST_ID", help="as shown by `circle feed`, e.g. p3")
    reply.add_argument("text", metavar="TEXT|-", help="- reads it from standard input")
    react = command("react", "react to a post with an emoji")
    react.add_argument("circle")
    react.add_argument("post_id", metavar="POST_ID")
    react.add_argument("emoji")
    react.add_argument("--remove", action="store_true")
    edit = command("edit", "change one of your posts, replies or check-in notes")
    edit.add_argument("circle")
    edit.add_argument("post_id", metavar="POST_ID")
    edit.add_argument("--title", metavar="TEXT|-")
    edit.add_argument("--body", metavar="TEXT|-")
    edit.add_argument("--text", metavar="TEXT|-", help="a reply's text")
    edit.add_argument("--note", metavar="TEXT|-", help="a check-in's note")
    delete = command("delete", "delete one of your posts or replies for everyone")
    delete.add_argument("circle")
    delete.add_argument("post_id", metavar="POST_ID")
    feed = command("feed", "check-ins and notes, oldest first")
    feed.add_argument("circle")
    feed.add_argument("--json", action="store_true")
    feed.add_argument("--limit", type=int, default=50)
    sync = command("sync", "send the outbox and fetch what is new (all circles by default)")
    sync.add_argument("circle", nargs="?")
    remove = command("remove", "remove a member (admins); they cannot read anything after")
    remove.add_argument("circle")
    remove.add_argument("member", help="display name or id")
    leave = command("leave", "leave the circle")
    leave.add_argument("circle")
    rotate = command("rotate", "start a new key for the members now, e.g. after a device was "
                               "lost (admins)")
    rotate.add_argument("circle")
    upgrade = command("upgrade", "move a circle made by an older Companion to protocol version "
                                 "2, which hides who sent what from the storage (admins)")
    upgrade.add_argument("circle")
    keys = command("keys", "how long this device keeps the keys of epochs that ended "
                           "(forward secrecy), and change it")
    keys.add_argument("circle")
    keys.add_argument("--forget-after", type=int, metavar="DAYS",
                      help="delete an ended epoch's key this many days later (default 30)")
    promote = command("promote", "make a member a co-admin (admins)")
    promote.add_argument("circle")
    promote.add_argument("member")
    for name, text in (("mute", "hide a member's posts on this device"),
                       ("unmute", "show a muted member's posts again")):
        p = command(name, text)
        p.add_argument("circle")
        p.add_argument("member")
    guidelines = command("guidelines", "show the circle's guidelines, or set them (admins)")
    guidelines.add_argument("circle")
    guidelines.add_argument("text", nargs="?", help="new guidelines (- reads standard input)")
    status = command("status", "what sync noticed: rejected files, forks, rollback")
    status.add_argument("circle")


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
    parser.add_argument("format", choices=IMPORT_KINDS, help="what kind of file FILE is")
    parser.add_argument("file", type=Path,
                        help="jrnl: the journal file (plain, encrypted, or `jrnl --export "
                             "json`); daylio: a CSV export or a .daylio backup; dayone: a JSON "
                             "export zip; json: a file written by `companion export json`")
    parser.add_argument("--dry-run", action="store_true",
                        help="check the file and count what would be imported; change nothing")
    parser.add_argument("--timeformat", default=JRNL_TIMEFORMAT, metavar="FORMAT",
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


def add_summary_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `export summary` (the export command's other formats ignore them)."""
    group = parser.add_argument_group("summary (companion export summary …)")
    group.add_argument("--from", dest="summary_from", metavar="DATE",
                       help="summary: first day of the period (YYYY-MM-DD)")
    group.add_argument("--to", dest="summary_to", metavar="DATE",
                       help="summary: last day of the period, included")
    group.add_argument("--include-entry", dest="summary_entries", action="append", default=[],
                       metavar="ID", help="summary: a journal entry to include (e.g. e12); "
                                          "repeat for more. None are included otherwise")
    group.add_argument("--include-photo", dest="summary_photos", action="append", default=[],
                       metavar="ID:N", help="summary: a photo of an included entry (e.g. "
                                            "e12:1, as `companion attachments e12` lists "
                                            "them); repeat for more. None otherwise")
    group.add_argument("--format", dest="summary_format", default="pdf",
                       choices=SUMMARY_FORMATS,
                       help="summary: pdf (default), or csv/json of the check-ins and "
                            "questionnaire results")
    group.add_argument("--paper", dest="summary_paper", default="a4",
                       choices=SUMMARY_PAPERS, help="summary: PDF paper size")
    group.add_argument("--name", dest="summary_name", default="", metavar="NAME",
                       help="summary: a name for the cover (optional)")
    group.add_argument("--leave-out", dest="summary_leave_out", action="append", default=[],
                       choices=SUMMARY_PARTS, metavar="PART",
                       help="summary: leave out a part: " + ", ".join(SUMMARY_PARTS))
    group.add_argument("--checkin-notes", dest="summary_notes", action="store_true",
                       help="summary: include check-in notes (left out by default)")


def add_questionnaire_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", choices=QUESTIONNAIRE_KINDS, help="which questionnaire")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--answers", metavar="LIST",
                      help="the answers in item order, e.g. 1,0,2,… (default: ask each item)")
    mode.add_argument("--history", action="store_true",
                      help="show saved results and the trend instead of asking")
    parser.add_argument("--difficulty", type=int, metavar="N",
                        help="PHQ-9 with --answers: the unscored difficulty question, 0 (not "
                             "difficult at all) – 3 (extremely difficult)")
    parser.add_argument("--no-save", action="store_true", help="score only; keep nothing")
    parser.add_argument("--json", action="store_true", help="JSON output")


def add_crisis_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--edit", action="store_true",
                        help="put a copy of the list in the vault folder for you to edit "
                             "(an existing copy is kept) and print its path")


def _screentime_common() -> argparse.ArgumentParser:
    """--home and --passphrase-stdin after the action too (`screentime status --home X`)."""
    common = CommandParser(add_help=False)
    common.add_argument("--home", metavar="DIR", default=argparse.SUPPRESS,
                        help="the vault folder")
    common.add_argument("--passphrase-stdin", action="store_true", default=argparse.SUPPRESS,
                        help="read the passphrase from the first line of standard input")
    return common


def add_screentime_arguments(parser: argparse.ArgumentParser) -> None:
    common = _screentime_common()
    sub = parser.add_subparsers(dest="screentime_command", metavar="ACTION", required=True)

    def action(subparsers: Any, name: str, help_text: str) -> argparse.ArgumentParser:
        made: argparse.ArgumentParser = subparsers.add_parser(
            name, help=help_text, description=help_text, parents=[common])
        return made

    status = action(sub, "status", "time per app and category, against budgets")
    status.add_argument("--date", metavar="YYYY-MM-DD", help="which day (default: today)")
    status.add_argument("--json", action="store_true", help="JSON output (times in seconds)")

    budget = action(sub, "budget", "daily budgets (set, list, remove)")
    actions = budget.add_subparsers(dest="budget_command", metavar="ACTION", required=True)
    set_ = action(actions, "set", "set a daily budget: CATEGORY MINUTES, `total` for all "
                                  "screen time, or --app for one app")
    set_.add_argument("target", metavar="CATEGORY")
    set_.add_argument("minutes", type=int)
    set_.add_argument("--app", action="store_true", help="TARGET is an app, not a category")
    set_.add_argument("--weekday", choices=WEEKDAY_ABBREVIATIONS, action="append",
                      help="only on this weekday (repeatable; default: every day)")
    remove = action(actions, "remove", "remove a budget")
    remove.add_argument("target", metavar="CATEGORY")
    remove.add_argument("--app", action="store_true")
    remove.add_argument("--weekday", choices=WEEKDAY_ABBREVIATIONS, action="append")
    action(actions, "list", "list budgets")

    aw = action(sub, "import-activitywatch",
                "import window and AFK history from a running ActivityWatch")
    aw.add_argument("--url", default=ACTIVITYWATCH_URL,
                    help=f"its address (default {ACTIVITYWATCH_URL})")
    aw.add_argument("--from", dest="start", metavar="DATE",
                    help=f"from this date (default: {ACTIVITYWATCH_IMPORT_DAYS} days ago)")
    aw.add_argument("--to", dest="end", metavar="DATE", help="up to this date (default: now)")

    action(sub, "track", "measure screen time in the foreground until interrupted (saves on "
                         "Ctrl+C or SIGTERM)")




def parse_duration(text: str) -> int:
    """`15m`, `1h30m`, `90s`, `2h` or plain minutes (`30`) as seconds; `0` means no limit."""
    cleaned = text.strip().lower()
    if len(cleaned) > 20:  # no sane duration is longer; int() of thousands of digits raises
        return _checked_duration(text, -1)
    if cleaned and cleaned.isascii() and cleaned.isdigit():
        return _checked_duration(text, int(cleaned) * 60)
    total, number = 0, ""
    units = {"h": 3600, "m": 60, "s": 1}
    for char in cleaned:
        if char in "0123456789":
            number += char
        elif char in units and number:
            total += int(number) * units[char]
            number = ""
        else:
            number = "!"
            break
    if number or not cleaned:
        total = -1
    return _checked_duration(text, total)


def _checked_duration(text: str, seconds: int) -> int:
    if not 0 <= seconds <= 7 * 24 * 3600:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a duration such as 15m, 1h30m or 0 (up to 7 days)")
    return seconds


def add_session_arguments(command: CommandMaker) -> None:
    unlock = command("unlock", "keep this vault unlocked for the command line for a while: "
                               "later commands need no passphrase")
    unlock.add_argument("--for", dest="duration", metavar="DURATION", type=parse_duration,
                        default=15 * 60,
                        help="end after this long without a command (default 15m; each "
                             "command starts the count again; 0: until `companion lock`)")
    command("lock", "end the unlock session now (the vault is not touched)")
    command("status", "say whether an unlock session is open, and until when")


def add_device_arguments(parser: argparse.ArgumentParser,
                         common: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="device_command", metavar="SUBCOMMAND", required=True)

    def command(name: str, text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=text, description=text, parents=[common])

    add = command("add", "show a one-time code to pair another computer (the first time, "
                         "with --storage)")
    add.add_argument("--storage", metavar="STORAGE",
                     help="folder:PATH or webdav:URL, which every computer reaches (first "
                          "time only)")
    add.add_argument("--name", dest="device_name", help="this computer's name (default: "
                                                        "its host name)")
    _webdav_credentials(add)
    join = command("join", "join your device group with a code from your other computer")
    join.add_argument("code", metavar="CODE")
    join.add_argument("--storage", metavar="STORAGE", required=True,
                      help="folder:PATH (this computer's copy of the synced folder) or "
                           "webdav:URL")
    join.add_argument("--name", dest="device_name", help="this computer's name (default: "
                                                         "its host name)")
    _webdav_credentials(join)
    allow = command("allow", "let in a computer asking to join (once both screens show the "
                             "same safety number)")
    allow.add_argument("device", metavar="NAME")
    refuse = command("refuse", "refuse a computer asking to join (its code is spent)")
    refuse.add_argument("device", metavar="NAME")
    command("cancel", "stop waiting to be let in (this computer's join is forgotten; its "
                      "journal stays)")
    remove = command("remove", "remove a computer (lost or sold): it reads nothing new and "
                               "changes nothing")
    remove.add_argument("device", metavar="NAME")
    command("list", "your computers, with the safety number to compare on each")
    command("status", "last sync, what waits to be sent, conflicts")
    command("sync", "sync this computer with your others now (as `companion sync`)")


def add_template_arguments(parser: argparse.ArgumentParser,
                           common: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="templates_command", metavar="ACTION", required=True)

    def action(name: str, text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=text, description=text, parents=[common])

    lst = action("list", "the templates: those that come with Companion, then yours")
    lst.add_argument("--json", action="store_true", help="JSON output")
    show = action("show", "print a template's Markdown")
    show.add_argument("name", metavar="NAME")
    add = action("add", "keep a template of your own (in the vault)")
    add.add_argument("name", metavar="NAME")
    add.add_argument("body", metavar="BODY|-",
                     help="its Markdown; - reads it from standard input")
    edit = action("edit", "change one of your templates")
    edit.add_argument("name", metavar="NAME")
    edit.add_argument("--body", metavar="BODY|-", help="new Markdown (- reads standard input)")
    edit.add_argument("--rename", metavar="NEW", help="a new name")
    delete = action("delete", "delete one of your templates (entries written from it stay)")
    delete.add_argument("name", metavar="NAME")
