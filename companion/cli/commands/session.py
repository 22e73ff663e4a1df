"""`companion unlock [--for DURATION]`, `companion lock`, `companion status`: the command
line's unlock session (companion/agent/ holds the agent; docs/security.md says what it
protects against and what not)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from companion.agent.client import (
    SessionStatus,
    check_can_start,
    session_status,
    start_session,
)
from companion.cli.exits import EXIT_OK
from companion.cli.prompts import SecretSource, unlock
from companion.errors import UserError

if TYPE_CHECKING:
    from companion.app import CompanionApp


def _lasts(status: SessionStatus) -> str:
    if status.until is None:
        return "until `companion lock`"
    clock = time.strftime("%H:%M", time.localtime(status.until))
    minutes = max(1, round(status.idle / 60))
    return (f"until {clock} if no command uses it ({minutes} minute"
            f"{'' if minutes == 1 else 's'} after the last one)")


def cmd_unlock(app: CompanionApp, args: argparse.Namespace, secrets_in: SecretSource,
               out: TextIO) -> int:
    check_can_start(app.home)
    status = session_status(app.home)
    if status is None:
        unlock(app, secrets_in)
        started = start_session(app.home, app.vault.data_key_for_session(),
                                app.vault.key_file_fingerprint(), int(args.duration))
        status = session_status(app.home)
        if started and status is not None:
            print(f"Unlocked {app.home} for the command line, {_lasts(status)}. "
                  "`companion lock` ends it now.", file=out)
            return EXIT_OK
    if status is None:
        raise UserError("The unlock session could not start; nothing was kept in memory.",
                        "Commands ask for the passphrase as before.")
    print(f"An unlock session was already open for {app.home}, {_lasts(status)}.", file=out)
    return EXIT_OK


def cmd_lock(home: Path, out: TextIO) -> int:
    from companion.agent.client import request

    reply = request(home, "lock")
    if reply and reply.get("ok"):
        print(f"Ended the unlock session for {home}; commands ask for the passphrase again.",
              file=out)
    else:
        print(f"No unlock session was open for {home}.", file=out)
    return EXIT_OK


def cmd_status(home: Path, out: TextIO) -> int:
    status = session_status(home)
    if status is None:
        print(f"No unlock session is open for {home}; commands ask for the passphrase "
              "(or use the keyring, if this device remembers the key).", file=out)
    else:
        print(f"An unlock session is open for {home}, {_lasts(status)}.", file=out)
    return EXIT_OK
