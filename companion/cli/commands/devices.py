"""`companion device …` and `companion sync`: one journal on all your computers, end-to-end
encrypted through a folder or WebDAV (docs/protocol.md §11, README "Your journal on every
computer").

Pairing: `device add --storage …` on the computer that has the journal prints a one-time
code (valid for an hour); `device join CODE --storage …` on the other computer asks to join
and shows a safety number; `companion sync` on the first shows the number the asking
computer should show; `device allow NAME` once they match; `companion sync` on the first
lets it in and sends it the journal; `companion sync` on the second reads it. A code someone
else intercepted gets them nothing unless the person allows the wrong computer.
"""

from __future__ import annotations

import argparse
import socket
from datetime import UTC, datetime
from typing import TextIO

from companion.app import CompanionApp
from companion.cli.commands.circle import _credentials
from companion.devices.group import DeviceSyncReport
from companion.errors import UserError
from companion.plurals import plural as count
from sync.storage_spec import build_transport, parse_storage_spec
from sync.webdav_address import WebDavCredentials

SUBCOMMANDS = ("add", "join", "list", "status", "sync", "allow", "refuse", "cancel",
               "remove")


def _device_name(args: argparse.Namespace) -> str:
    if args.device_name:
        return str(args.device_name)  # checked, with a clear error, by the group
    name = (socket.gethostname() or "").split(".")[0].strip()
    return name[:40] or "This computer"


def cmd_device(app: CompanionApp, args: argparse.Namespace, stdin: TextIO, out: TextIO) -> int:
    group = app.devices
    command: str = args.device_command
    if command == "add":
        if group.row() is None:
            if not args.storage:
                raise UserError("Device sync is not set up on this computer yet.",
                                "Name the storage both computers reach: --storage "
                                "folder:PATH (a synced folder) or --storage webdav:URL.")
            user, password = _credentials(args, args.storage, stdin)
            row = group.start(args.storage, _device_name(args), webdav_user=user,
                              webdav_password=password)
            print(f"This computer is “{row.display_name}” in your device group, syncing "
                  f"through {row.storage_kind} {row.storage_location}.", file=out)
            group.sync()  # the journal goes to the storage now, before anyone joins
        elif args.storage:
            raise UserError("Device sync is already set up on this computer; --storage is "
                            "only for the first device.")
        code = group.pairing_code()
        print("On your other computer, run (within the hour):", file=out)
        print(f"  companion device join {code} --storage STORAGE", file=out)
        print("Then run `companion sync` here, compare the safety numbers on both screens, "
              "and allow it.", file=out)
        return 0
    if command == "join":
        user, password = _credentials(args, args.storage, stdin)
        spec = parse_storage_spec(args.storage)
        credentials = WebDavCredentials(user, password) if user or password else None
        with build_transport(spec, credentials) as transport:
            transport.check()
            row = group.join(args.code, _device_name(args), args.storage, transport,
                             webdav_user=user, webdav_password=password)
        print(f"Asked to join as “{row.display_name}”. The safety number on this computer:",
              file=out)
        print(f"  {group.joining_safety_number()}", file=out)
        print("Run `companion sync` on your other computer: it shows this computer asking "
              "with a number. Only if it is the same, allow it there (`companion device "
              f"allow {_quote(row.display_name)}`), sync there again, then `companion sync` "
              "here.", file=out)
        return 0
    if command in ("allow", "refuse"):
        group.decide(args.device, allow=command == "allow")
        if command == "allow":
            print(f"“{args.device}” will be let in at the next `companion sync` here, and sent "
                  "your journal.", file=out)
        else:
            print(f"“{args.device}” was refused; its code can no longer be used. Make a new "
                  "code with `companion device add` if you still want to pair a computer.",
                  file=out)
        return 0
    if command == "cancel":
        app.cancel_device_join()
        print("This computer stopped waiting to be let in; nothing was shared, and its "
              "journal is as it was. Pair again with a new code whenever you like.", file=out)
        return 0
    if command == "remove":
        group.remove(args.device)
        group.sync()
        print(f"“{args.device}” is removed: your other computers share a new key it never "
              "gets, and anything it writes from now on is refused. What it already holds "
              "stays in its vault, under its passphrase; nothing can erase that from here.",
              file=out)
        return 0
    if command == "list":
        if group.row() is not None and group.status().state == "joining":
            print("Waiting to be let in. The safety number your other computer should show:",
                  file=out)
            print(f"  {group.joining_safety_number()}", file=out)
            return 0
        for device in group.devices():
            where = " (this computer)" if device.this_device else ""
            state = "" if device.active else " — removed"
            print(f"{device.name}{where}{state}", file=out)
            if device.safety_number:
                print(f"  safety number: {device.safety_number}", file=out)
        return 0
    if command == "status":
        status = group.status()
        last = ("never" if status.last_sync_us is None else
                datetime.fromtimestamp(status.last_sync_us / 1e6, UTC).astimezone()
                .strftime("%Y-%m-%d %H:%M"))
        state = {"joining": "waiting to be let in by your other computer",
                 "active": "in step", "removed": "removed from the group"}.get(status.state,
                                                                             status.state)
        if status.refused:
            state = ("not let in: your other computer refused this one (nothing was shared; "
                     "pair again with a new code if that was a mistake)")
        print(f"Device sync: {state}, through {status.storage_kind} "
              f"{status.storage_location}", file=out)
        print(f"Last sync: {last}", file=out)
        print(f"Waiting to send: {count(status.changes_waiting, 'change')}, "
              f"{count(status.messages_waiting, 'message')}", file=out)
        print(f"Conflicts: {status.conflicts}", file=out)
        if status.unsendable:
            print(f"Kept on this computer: {count(status.unsendable, 'entry', 'entries')} or "
                  "check-ins holding control characters that cannot be sent yet", file=out)
        return 0
    return cmd_sync(app, args, stdin, out)


def cmd_sync(app: CompanionApp, args: argparse.Namespace, stdin: TextIO, out: TextIO) -> int:
    report = app.devices.sync()
    print(_describe(report), file=out)
    if app.devices.row() is not None and app.devices.status().state == "active":
        for ask in app.devices.asking():
            print(f"“{ask.name}” asks to join your devices. Its safety number should be:",
                  file=out)
            print(f"  {ask.safety_number}", file=out)
            print(f"If that computer shows the same number, run `companion device allow "
                  f"{_quote(ask.name)}`; if not, `companion device refuse "
                  f"{_quote(ask.name)}`.", file=out)
    return 0


def _quote(text: str) -> str:
    return f'"{text}"' if " " in text else text


def _describe(report: DeviceSyncReport) -> str:
    merged = report.merged
    parts = [f"sent {count(merged.sent_ops, 'change')}",
             f"received {count(merged.written + merged.removed, 'change')}"]
    if report.engine.welcomed:
        parts.insert(0, "this computer was let in")
    if report.engine.refused:
        parts.insert(0, "your other computer refused to let this one in (nothing was shared)")
    if report.engine.joined:
        parts.insert(0, f"let in {', '.join(report.engine.joined)}")
    if merged.conflicts:
        parts.append(f"{count(merged.conflicts, 'text')} edited on two computers: "
                     "both versions kept (`companion device status`)")
    if report.refused_batches or merged.refused:
        parts.append(f"refused {count(report.refused_batches + merged.refused, 'damaged item')}")
    if merged.held:
        parts.append(f"{count(len(merged.held), 'batch', 'batches')} wait: another computer's "
                     "clock is over an hour ahead")
    if merged.unsendable:
        parts.append(f"{count(merged.unsendable, 'item')} with control characters (such as a "
                     "form feed) cannot be sent yet and stay on this computer")
    if report.too_large:
        parts.append(f"{count(report.too_large, 'change')} too large to send (over "
                     "180,000 bytes even compressed) stay on this computer")
    for problem in report.engine.problems:
        parts.append(problem)
    return "Device sync: " + "; ".join(parts) + "."
