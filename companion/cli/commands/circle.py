"""`companion circle …`: share check-ins and notes with a small circle, end-to-end encrypted.

WebDAV credentials never go on the command line (other users can read it in the process
list): the user comes from --webdav-user or $COMPANION_WEBDAV_USER, the app password from
--webdav-password-file FILE, $COMPANION_WEBDAV_PASSWORD, or a no-echo prompt. Both are kept
in the vault afterwards.
"""

from __future__ import annotations

import argparse
import getpass
import os
import secrets
import sys
from typing import TextIO

from companion.app import CompanionApp
from companion.circle import InvitePreview, write_qr_png
from companion.circle_feature import Circles
from companion.circle_feed import FeedItem
from companion.cli.prompts import TextFromStdin, ask_yes_no, person_at_terminal
from companion.cli.terminal import write_json
from companion.errors import InvalidInput, UserError
from sync.engine import SyncReport
from sync.state import CircleRow
from sync.transport import StorageError

SUBCOMMANDS = ("create", "list", "invite", "join", "members", "verify", "checkin", "post",
               "reply", "react", "edit", "delete", "feed", "sync", "remove", "leave", "promote",
               "rotate", "upgrade", "keys",
               "mute", "unmute", "guidelines", "status")


def cmd_circle(app: CompanionApp, args: argparse.Namespace, stdin: TextIO, out: TextIO) -> int:
    service = app.circles
    command: str = args.circle_command
    if command == "create":
        user, password = _credentials(args, args.storage, stdin)
        row = service.create(args.name, args.storage, args.display_name or _pseudonym(),
                             webdav_user=user, webdav_password=password)
        print(f"Created circle “{row.name}” on {row.storage_kind} {row.storage_location}; "
              f"you are “{row.display_name}”, its admin.", file=out)
        print("Invite someone with `companion circle invite "
              f"{_quote(row.name)}`.", file=out)
        return 0
    if command == "list":
        return _list(service, args, out)
    if command == "join":
        return _join(service, args, stdin, out)
    if command == "sync":
        rows = [service.find(args.circle)] if args.circle else service.rows()
        failed = 0
        for row in rows:
            try:
                report = app.circles.sync(row)
            except StorageError as exc:  # one circle's storage failing does not stop the rest
                failed += 1
                print(f"companion: {row.name or 'a circle being joined'}: {exc}", file=sys.stderr)
                continue
            _print_report(service, row, report, out)
        return 1 if failed else 0
    row = service.find(args.circle)
    handler = _HANDLERS[command]
    return handler(service, row, args, stdin, out)


def _join(service: Circles, args: argparse.Namespace, stdin: TextIO, out: TextIO) -> int:
    """Show what the code says, and when the WebDAV address comes from the code, have the
    person confirm it before the password is even read: a tampered code could name anyone's
    server (docs/protocol.md §7)."""
    code = TextFromStdin(stdin)(args.code, "CODE", one_line=True, prompt="Invite code: ") or ""
    preview = service.preview_invite(code, args.storage)  # checks the code; sends nothing
    if preview.storage:
        _print_invite(preview, out)
    if preview.needs_confirmation and args.storage is None and not args.trust_storage:
        answer = ask_yes_no(f"Send your WebDAV user and password to {preview.host} and ask "
                            "to join? [y/N] ", stdin)
        if answer is None:
            raise UserError("There is no terminal to confirm the storage address at: nothing "
                            "was sent to it and nothing was saved.",
                            "Check the address and fingerprint above with the admin, then run "
                            "the command again with --trust-storage.")
        if not answer:
            raise UserError("You did not confirm the storage address: nothing was sent to it "
                            "and nothing was saved.",
                            "If it is not the server the admin uses, ask them for a new "
                            "invite.")
    user, password = ("", "")
    if preview.storage_kind == "webdav":
        user, password = _credentials(args, preview.storage, stdin)
    row = service.join(code, args.display_name or _pseudonym(), args.storage,
                       webdav_user=user, webdav_password=password,
                       confirmed_storage=preview.storage)
    print(f"Asked to join as “{row.display_name}”. The admin's device lets you in on its "
          "next sync; then run `companion circle sync`.", file=out)
    return 0


def _print_invite(preview: InvitePreview, out: TextIO) -> None:
    if preview.storage_kind == "webdav":
        where = "the address in the invite code" if preview.from_code else "the address you gave"
        print(f"Invite to circle {preview.circle_id}, on the WebDAV server {preview.host}\n"
              f"  folder {preview.path}  ({where})", file=out)
    else:
        print(f"Invite to circle {preview.circle_id}, through your folder {preview.path}",
              file=out)
    print(f"The admin's fingerprint: {preview.admin_fingerprint}\n"
          "  (`companion circle invite` shows it to the admin: compare it on a call)", file=out)
    if not preview.signed:
        print("This is an older invite code (version 1): no signature proves that the address "
              "is the admin's. Check it with them.", file=out)


def _list(service: Circles, args: argparse.Namespace, out: TextIO) -> int:
    summaries = service.summaries()
    if args.json:
        write_json([{"id": s.id, "name": s.name, "status": s.status, "members": s.members,
                     "storage": s.storage, "you": s.you, "waiting": s.waiting,
                     "last_sync": s.last_sync.isoformat() if s.last_sync else None}
                    for s in summaries], out)
        return 0
    if not summaries:
        print("No circles yet. Create one with `companion circle create NAME --storage "
              "folder:PATH`.", file=out)
    for s in summaries:
        last = s.last_sync.astimezone().strftime("%Y-%m-%d %H:%M") if s.last_sync else "never"
        print(f"{s.id}  {s.name}  ({s.status}, {s.members} member{'s' * (s.members != 1)}, "
              f"you: {s.you})  {s.storage}  last sync {last}"
              f"{f', {s.waiting} waiting to send' if s.waiting else ''}", file=out)
    return 0


def _invite(service: Circles, row: CircleRow, args: argparse.Namespace, _stdin: TextIO,
            out: TextIO) -> int:
    if args.qr and os.path.lexists(args.qr.expanduser()) and not args.force:
        raise UserError(f"{args.qr} already exists; no invite was made.",
                        "Choose another file name, or add --force to replace it.")
    invite = service.invite(row)
    code = invite.code()
    if args.qr:
        write_qr_png(code, args.qr.expanduser(), force=args.force)
        print(f"Wrote the invite as a QR code to {args.qr}.", file=out)
    print(f"Your fingerprint as admin of {row.name}: {invite.admin.short_fingerprint} (the "
          "joiner sees it when joining: read it to them on a call).", file=out)
    # A folder circle's joiner names their own synced copy of the folder.
    storage = " --storage folder:PATH" if row.storage_kind == "folder" else ""
    print("Give this code to one person, privately (it works once, for 7 days). They run "
          f"`companion circle join -{storage}` and paste it; then compare safety numbers with "
          "`companion circle verify`:", file=out)
    print(code, file=out)
    return 0


def _members(service: Circles, row: CircleRow, args: argparse.Namespace,
             _stdin: TextIO, out: TextIO) -> int:
    views = service.members(row)
    if args.json:
        write_json([{"id": m.id, "name": m.name, "admin": m.admin, "active": m.active,
                     "verified": m.verified, "muted": m.muted, "key_changed": m.key_changed,
                     "you": m.you, "state": m.state, "fingerprint": m.fingerprint,
                     "look_alike": m.look_alike} for m in views], out)
        return 0
    for m in views:
        print(f"{m.id}  {m.label}{' (admin)' if m.admin else ''}  {m.state}"
              f"{'  muted' if m.muted else ''}", file=out)
    return 0


def _verify(service: Circles, row: CircleRow, args: argparse.Namespace, stdin: TextIO,
            out: TextIO) -> int:
    member = service.find_member(row, args.member)
    if member.id == row.me:
        raise InvalidInput("That is you; verify the other members.")
    number = service.safety_number(row, member)
    name = service.shown_names(row)[member.id]
    print(f"Safety number for you and {name}:\n\n    {number[:35]}\n    {number[36:]}\n",
          file=out)
    if args.qr:
        write_qr_png(number, args.qr.expanduser(), force=args.force)
        print(f"Wrote it as a QR code to {args.qr}.", file=out)
    print(f"Compare it with the number {name} sees, in person or on a call. If they "
          "match, nobody is in the middle.", file=out)
    confirmed = args.yes or bool(ask_yes_no("Do the numbers match? [y/N] ", stdin))
    if confirmed:
        service.set_verified(row, member)
        print(f"{name} is now verified.", file=out)
    else:
        print(f"{name} stays unverified (add --yes once the numbers match).", file=out)
    return 0


def _share(service: Circles, row: CircleRow, args: argparse.Namespace, stdin: TextIO,
           out: TextIO) -> int:
    alerts = service.key_alerts(row)
    if alerts:
        names = ", ".join(a.label for a in alerts)
        raise UserError(f"The keys of {names} changed. Nothing was shared.",
                        "Compare safety numbers with `companion circle verify "
                        f"{_quote(row.name)} NAME` before sharing again.")
    command = args.circle_command
    from_stdin = TextFromStdin(stdin)
    if command == "checkin":
        service.share_checkin(row, args.mood, args.energy, tuple(args.emotion),
                              from_stdin(args.note, "--note") or "")
    elif command == "post":
        body = from_stdin(args.body, "BODY") or ""
        title = from_stdin(args.title, "--title", one_line=True)
        if title is None:  # like `companion add`: the first line with something on it
            title, _, body = body.lstrip().partition("\n")
        service.post(row, title, body.strip("\n"))
    elif command == "reply":
        service.reply(row, args.post_id, from_stdin(args.text, "TEXT") or "")
    elif command == "react":
        service.react(row, args.post_id, args.emoji, args.remove)
    elif command == "edit":
        service.edit(row, args.post_id, title=from_stdin(args.title, "--title", one_line=True),
                     body=from_stdin(args.body, "--body", exact=True),
                     text=from_stdin(args.text, "--text"),
                     note=from_stdin(args.note, "--note"))
    elif command == "delete":
        service.delete(row, args.post_id)
    readers = service.readers(row)
    print(f"Queued; {readers} other member{'s' * (readers != 1)} will be able to read it after "
          "the next sync.", file=out)
    return 0


def _feed(service: Circles, row: CircleRow, args: argparse.Namespace, _stdin: TextIO,
          out: TextIO) -> int:
    items = service.feed(row, args.limit)
    if args.json:
        write_json([i.to_json() for i in items], out)
        return 0
    if row.status == "removed":
        print(_removed_sentence(service, row) + " Below is what you could read before.",
              file=out)
    if not items:
        print("Nothing shared yet.", file=out)
    for item in items:
        print(_feed_line(item), file=out)
        for reply in item.replies:
            print("    " + _feed_line(reply), file=out)
    return 0


def _feed_line(item: FeedItem) -> str:
    when = item.at.astimezone().strftime("%Y-%m-%d %H:%M")
    head = f"{item.ref}  {when}  {item.sender_name}{' (you)' if item.mine else ''}: "
    if item.type == "checkin":
        d = item.data
        text = f"check-in mood {d['mood']}/5"
        if d.get("energy"):
            text += f", energy {d['energy']}/5"
        if d.get("emotions"):
            text += f" ({', '.join(d['emotions'])})"
        if d.get("note"):
            text += f" — {d['note']}"
    elif item.type == "note":
        text = f"{item.data['title']}\n      " + item.data["body"].replace("\n", "\n      ")
    else:
        text = item.data["text"]
    marks = "  ".join(f"{emoji} {len(names)}" for emoji, names in item.reactions.items())
    return head + text + (" (edited)" if item.edited else "") + (f"   [{marks}]" if marks else "")


def _roster(service: Circles, row: CircleRow, args: argparse.Namespace, _stdin: TextIO,
            out: TextIO) -> int:
    command = args.circle_command
    if command == "upgrade":
        service.upgrade(row)
        print(f"{row.name} moves to protocol version 2 with the next sync: from then on the "
              "storage no longer sees who sent what. Every member needs a Companion that "
              "reads version 2; this cannot be undone.", file=out)
        return 0
    if command == "rotate":
        service.rotate(row)
        print(f"Made a new key for {row.name}: what is shared from now on needs it. Sync to "
              "tell everyone.", file=out)
        return 0
    if command == "leave":
        joining = row.status == "joining"
        service.leave(row)
        if joining:
            print("You stopped joining that circle; this device forgot it. To join later, "
                  "ask the admin for a new invite.", file=out)
        else:
            print(f"You left {row.name}; the others learn it on your next sync "
                  "(`companion circle sync`).", file=out)
        return 0
    member = service.find_member(row, args.member)
    name = service.shown_names(row)[member.id]
    if command == "remove":
        service.remove(row, member)
        print(f"Removed {name}. A new key was made for the others: {name} cannot "
              "read anything shared from now on. Sync to tell everyone.", file=out)
    elif command == "promote":
        service.promote(row, member)
        print(f"{name} is now a co-admin (after the next sync).", file=out)
    else:
        service.set_muted(row, member, command == "mute")
        print(f"{name} is {'muted' if command == 'mute' else 'no longer muted'} on this "
              "device.", file=out)
    return 0


def _guidelines(service: Circles, row: CircleRow, args: argparse.Namespace,
                stdin: TextIO, out: TextIO) -> int:
    if args.text is None:
        print(row.guidelines or "This circle has no guidelines yet.", file=out)
        return 0
    service.set_guidelines(row, TextFromStdin(stdin)(args.text, "TEXT", exact=True) or "")
    print("Guidelines updated; members see them after the next sync.", file=out)
    return 0


def _keys(service: Circles, row: CircleRow, args: argparse.Namespace, _stdin: TextIO,
          out: TextIO) -> int:
    if args.forget_after is not None:
        service.set_forget_after(row, args.forget_after)
        row = service.find(row.id.hex())
    print(service.key_lifetime(row).sentence(row.name), file=out)
    return 0


def _status(service: Circles, row: CircleRow, _args: argparse.Namespace,
            _stdin: TextIO, out: TextIO) -> int:
    problems = service.problems(row)
    if not problems:
        print("Nothing unusual: no rejected files, forks or rollbacks.", file=out)
    for kind, reason, count in problems:
        print(f"{kind}: {reason} ({count})", file=out)
    return 0


def _print_report(service: Circles, row: CircleRow, report: SyncReport,
                  out: TextIO) -> None:
    fresh = service.find(row.id.hex())
    name = fresh.name or "(joining)"
    parts = [f"{report.applied} new", f"{report.sent} sent"]
    if report.waiting:
        parts.append(f"{report.waiting} waiting to send")
    if report.held:
        parts.append(f"{report.held} held until earlier messages arrive")
    print(f"{name}: " + ", ".join(parts) + ".", file=out)
    if report.welcomed:
        print(f"You are now in {name}. Compare safety numbers with the others "
              f"(`companion circle verify {_quote(name)} NAME`).", file=out)
    views = service.members(fresh) if report.joined else []
    for joined in report.joined:
        # The report names the newcomer; the roster tells whether that name needs its
        # fingerprint beside it (one member of that name: theirs).
        labels = [v.label for v in views if v.name == joined and v.active]
        shown = labels[0] if len(labels) == 1 else joined
        print(f"{shown} joined {name} (unverified until you compare safety numbers).",
              file=out)
    if fresh.status == "joining":
        print("Still waiting for the admin's device to let you in.", file=out)
    if report.removed or fresh.status == "removed":
        print(_removed_sentence(service, fresh), file=out)
    if report.rejected:
        total = report.rejected_total
        print(f"Rejected {total} file{'s' * (total != 1)} that failed the checks:", file=out)
        for reason, count in sorted(report.rejected.items()):
            print(f"  {count} × {reason}", file=out)
    for problem in report.problems:
        print(f"Warning: {problem}.", file=out)
    for alert in service.key_alerts(fresh) if fresh.status == "active" else []:
        print(f"ALERT: the keys of {alert.label} changed. Verify them before sharing.",
              file=out)


def _credentials(args: argparse.Namespace, storage: str, stdin: TextIO) -> tuple[str, str]:
    if not storage.startswith("webdav:"):
        return "", ""
    user = args.webdav_user or os.environ.get("COMPANION_WEBDAV_USER", "")
    if args.webdav_password_file:
        try:
            password = args.webdav_password_file.expanduser().read_text("utf-8").strip("\r\n")
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"Cannot read the password file {args.webdav_password_file}: "
                            f"{getattr(exc, 'strerror', None) or exc}.") from None
    else:
        password = os.environ.get("COMPANION_WEBDAV_PASSWORD", "")
    if not password and user and ((sys.stdin.isatty() and stdin is sys.stdin)
                                  or person_at_terminal()):
        password = getpass.getpass(f"WebDAV app password for {user}: ")  # at /dev/tty
    return user, password


def _pseudonym() -> str:
    return f"Member {secrets.randbelow(9000) + 1000}"


def _quote(text: str) -> str:
    return f'"{text}"' if " " in text else text


_HANDLERS = {
    "invite": _invite, "members": _members, "verify": _verify,
    "checkin": _share, "post": _share, "reply": _share, "react": _share, "edit": _share,
    "delete": _share, "feed": _feed, "remove": _roster, "leave": _roster, "promote": _roster,
    "mute": _roster, "unmute": _roster, "rotate": _roster, "upgrade": _roster,
    "guidelines": _guidelines, "keys": _keys,
    "status": _status,
}


def _removed_sentence(service: Circles, row: CircleRow) -> str:
    if service.admission_refused(row):
        return (f"You are not in {row.name}: the admin who let you in was removed at the same "
                "time, so your admission did not stand. Ask a current admin for a new invite.")
    return f"You were removed from {row.name} by an admin."
