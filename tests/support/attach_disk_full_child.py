"""Attach a file that does not fit on the disk: `DiskFull`, and nothing half-written.

Usage::

    python attach_disk_full_child.py DIR OUTSIDE

DIR is a 1 MiB tmpfs mounted for this run only (tests/companion/test_attachments_disk_full.py
runs this under `unshare -rm`); OUTSIDE a roomy folder on another disk, where the files to
attach are. Creates a vault in DIR, attaches a small file (which fits), then a large one with
a second small one (which cannot fit), then reopens the vault and checks what is there. Prints
one JSON summary on stdout; any exception other than `DiskFull` is recorded in it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import traceback
from pathlib import Path
from typing import Any

from companion.app import CompanionApp
from companion.models import EntryDraft
from storage.errors import DiskFull

PASSPHRASE = "correct horse battery staple"


def state(app: CompanionApp, entry_id: int) -> dict[str, Any]:
    db = app.vault.database
    return {
        "attachments": [[a.position, a.name, a.size] for a in app.attachments(entry_id)],
        "bytes": [hashlib.sha256(app.attachment_bytes(entry_id, a.position)).hexdigest()
                  for a in app.attachments(entry_id)],
        "parts": db.query_one("SELECT count(*) FROM attachment_parts")[0],
        "orphans": db.query_one("SELECT count(*) FROM attachment_parts WHERE attachment_id"
                                " NOT IN (SELECT id FROM attachments)")[0],
        "integrity": [row[0] for row in db.query("PRAGMA integrity_check")],
    }


def run(folder: Path, outside: Path, summary: dict[str, Any]) -> None:
    small, large = os.urandom(20_000), os.urandom(3_000_000)  # random: SQLite cannot shrink it
    (outside / "small.bin").write_bytes(small)
    (outside / "large.bin").write_bytes(large)
    summary["small_sha256"] = hashlib.sha256(small).hexdigest()
    folder = folder / "vault"  # a tmpfs root is world-writable: the vault wants its own
    app = CompanionApp(folder)
    app.create_vault(PASSPHRASE, PASSPHRASE)
    entry = app.add_entry(EntryDraft(title="Attachments", body="on a small disk"))
    app.attach(entry.id, [app.prepare_attachment(outside / "small.bin")])
    files = [app.prepare_attachment(outside / "large.bin"),
             app.prepare_attachment(outside / "small.bin")]
    try:
        app.attach(entry.id, files)
        summary["large"] = "attached"
    except DiskFull as exc:
        summary["large"] = "DiskFull"
        summary["message"] = str(exc)
    summary["while_full"] = state(app, entry.id)
    app.close()
    reopened = CompanionApp(folder)
    reopened.unlock(PASSPHRASE)
    summary["reopened"] = state(reopened, entry.id)
    reopened.close()


def main(argv: list[str]) -> int:
    summary: dict[str, Any] = {"unexpected": None}
    try:
        run(Path(argv[1]), Path(argv[2]), summary)
    except Exception as exc:  # recorded for the test to report
        summary["unexpected"] = f"{type(exc).__qualname__}: {exc}"
        summary["traceback"] = traceback.format_exc()
    print(json.dumps(summary, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
