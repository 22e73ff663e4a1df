"""`companion device …` and `companion sync`: one journal on all your computers, end-to-end
encrypted through a folder or WebDAV (docs/protocol.md §11, README "Your journal on every
computer").

Pairing: `device add --storage …` on the computer that has the journal prints a one-time
code (valid for an hour); `device join CODE --storage …` on the other computer asks to
join; `companion sync` on the first lets it in and sends it the journal; `companion sync` on
the second reads it. Both `device list`s show the safety number to compare.
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

SUBCOMMANDS = ("add", "join", "list", "status", "sync")


def _device_name(args: argparse.Namespace) -> str:
    name = (args.device_name or socket.gethostname() or "This computer").strip()
    return name[:60] or "This computer"


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
        print("Then run `companion sync` here to let it in, and `companion sync` there.",
              file=out)
        return 0
    if command == "join":
        user, password = _credentials(args, args.storage, stdin)
        spec = parse_storage_spec(args.storage)
        credentials = WebDavCredentials(user, password) if user or password else None
        with build_transport(spec, credentials) as transport:
            transport.check()
            row = group.join(args.code, _device_name(args), args.storage, transport,
                             webdav_user=user, webdav_password=password)
        print(f"Asked to join as “{row.display_name}”. Run `companion sync` on your other "
              "computer to let this one in, then `companion sync` here.", file=out)
        return 0
    if command == "list":
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
        print(f"Device sync: {state}, through {status.storage_kind} "
              f"{status.storage_location}", file=out)
        print(f"Last sync: {last}", file=out)
        print(f"Waiting to send: {count(status.changes_waiting, 'change')}, "
              f"{count(status.messages_waiting, 'message')}", file=out)
        print(f"Conflicts: {status.conflicts}", file=out)
        return 0
    return cmd_sync(app, args, stdin, out)


def cmd_sync(app: CompanionApp, args: argparse.Namespace, stdin: TextIO, out: TextIO) -> int:
    report = app.devices.sync()
    print(_describe(report), file=out)
    return 0


def _describe(report: DeviceSyncReport) -> str:
    merged = report.merged
    parts = [f"sent {count(merged.sent_ops, 'change')}",
             f"received {count(merged.written + merged.removed, 'change')}"]
    if report.engine.welcomed:
        parts.insert(0, "this computer was let in")
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
    if report.too_large:
        parts.append(f"{count(report.too_large, 'change')} too large to send (over "
                     "180,000 bytes) stay on this computer")
    for problem in report.engine.problems:
        parts.append(problem)
    return "Device sync: " + "; ".join(parts) + "."
