"""The child process of tests/test_durability.py: add entries until killed.

Run as `python -m tests.support.durability_child HOME ROUND` with the passphrase on the first
line of standard input. It prints `ready` once the vault is open and unlocked, then one line
`<id> <title>` per entry, flushed only after `add_entry` has returned, i.e. after the
transaction committed. Every line the parent reads is therefore a promise that the entry is on
disk; the parent kills this process with SIGKILL at random moments and checks the promises.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from companion.app import CompanionApp
from companion.models import EntryDraft

MAX_SECONDS = 30  # a safety net if the parent dies: never run forever

# A few kilobytes per entry, so each commit writes several pages (and the FTS index).
FILLER = " ".join(f"line {n} of an entry written to be cut short at any moment." for n in range(40))


def title_for(round_label: str, number: int) -> str:
    return f"durability {round_label} {number}"


def main(home: str, round_label: str) -> None:
    passphrase = sys.stdin.readline().rstrip("\n")
    app = CompanionApp(Path(home))
    app.open()
    app.unlock(passphrase)
    print("ready", flush=True)
    deadline = time.monotonic() + MAX_SECONDS
    number = 0
    while time.monotonic() < deadline:
        number += 1
        title = title_for(round_label, number)
        entry = app.add_entry(EntryDraft(title=title, body=f"{number}\n{FILLER}",
                                         tags=("durability", f"round-{round_label}")))
        print(f"{entry.ref} {title}", flush=True)
    app.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
