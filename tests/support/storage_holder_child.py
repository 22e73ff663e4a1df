"""Hold a vault open in a child process: ``python storage_holder_child.py HOME MODE``.

Reads the passphrase from the first line of stdin, unlocks the vault in HOME and prints
"ready", then waits until stdin closes (and exits 0) or the test kills it.

MODE "idle" just holds the vault. MODE "mid-write" first commits one row to the `scratch`
table (which the test created), then opens a write transaction, writes several megabytes of
uncommitted rows (enough that SQLite spills them into the WAL file), and prints "ready" while
that transaction is still open: a SIGKILL then lands in the middle of a write.
"""

from __future__ import annotations

import sys
from pathlib import Path

from storage.vault import Vault


def main(argv: list[str]) -> int:
    home, mode = Path(argv[1]), argv[2]
    passphrase = sys.stdin.readline().rstrip("\n")
    vault = Vault(home)
    vault.unlock_with_passphrase(passphrase)
    db = vault.database
    if mode == "mid-write":
        with db.transaction() as cur:
            cur.execute("INSERT INTO scratch (body) VALUES ('committed by the child')")
        with db.transaction() as cur:
            for _ in range(2000):
                cur.execute("INSERT INTO scratch (body) VALUES (randomblob(2048))")
            print("ready", flush=True)
            sys.stdin.read()
    else:
        print("ready", flush=True)
        sys.stdin.read()
    vault.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
