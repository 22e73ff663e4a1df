"""Re-encrypting the vault's database under a new data key.

Changing the passphrase only rewraps the data key, which never changes: a copy of an old key
file, with the passphrase or recovery code of its time, still opens the current database.
Rekeying makes those copies useless. The database is copied, page by page through SQLCipher
(`sqlcipher_export`), into a new file under a fresh random key, checked, and then put in the
old one's place together with a new key file in one committed step (storage/restore_journal,
kind "rekey"): a crash leaves the old vault or the new one, never a mix, and the next start
finishes what was committed. The old database and key file are then deleted (on an SSD or a
copy-on-write file system their blocks may linger until reused: docs/security.md).
"""

from __future__ import annotations

import os
from pathlib import Path

from storage.database import Database, open_keyed
from storage.errors import VaultDamaged


def export_under_new_key(db: Database, target: Path, new_key: bytes) -> None:
    """Write every table, index and trigger of `db`, and its layout version, into a new
    SQLCipher file at `target` keyed with `new_key`; synced, then checked whole."""
    with db.exclusive():
        (layout,) = db.conn.execute("PRAGMA user_version").fetchone()
        db.conn.execute(f"ATTACH DATABASE ? AS rekeyed KEY \"x'{new_key.hex()}'\"",
                        (str(target),))
        try:
            db.conn.execute("SELECT sqlcipher_export('rekeyed')")
            db.conn.execute(f"PRAGMA rekeyed.user_version = {int(layout)}")
        finally:
            db.conn.execute("DETACH DATABASE rekeyed")
    fd = os.open(target, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    copy = Database(open_keyed(target, new_key))
    try:
        if not copy.integrity_ok():
            raise VaultDamaged("The re-encrypted copy of the vault failed its check; the vault "
                               "was left as it was.")
        copy.checkpoint()
    finally:
        copy.close()
