"""The SQLCipher connection: keyed with a raw 256-bit key, hardened, and migrated.

A raw key (`x'…'`) skips SQLCipher's own PBKDF2: the slow derivation already happened in
Argon2id when the key file was unwrapped, so opening the database itself is instant.
"""

from __future__ import annotations

import contextlib
import errno
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlcipher3

from storage.errors import DiskFull, VaultDamaged
from storage.kdf import KEY_BYTES
from storage.migrations import migrate

SQLITE_FULL = 13

Connection = Any  # sqlcipher3 ships no type information

_HARDENING = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA secure_delete = ON",
    "PRAGMA foreign_keys = ON",
    "PRAGMA temp_store = MEMORY",
)


def open_keyed(path: Path, data_key: bytes) -> Connection:
    """Open (or create) the database at `path` with `data_key`; raise `VaultDamaged` if the key
    does not fit or the file is not a SQLCipher database."""
    if len(data_key) != KEY_BYTES:
        raise ValueError("data key must be 32 bytes")
    if not path.exists():
        # SQLite creates files 0644 and gives the WAL and SHM files the database's mode:
        # start from an empty 0600 file (a valid empty database) so all three stay private.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        # SQLCipher writes its own error lines straight to stderr; they would reach the user's
        # terminal on every damaged file. The level is process-wide, so set it before keying.
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{data_key.hex()}'\"")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        for pragma in _HARDENING:
            conn.execute(pragma)
    except sqlcipher3.DatabaseError as exc:
        conn.close()
        if is_disk_full(exc):
            raise DiskFull() from exc
        raise VaultDamaged() from exc
    return conn


def is_disk_full(exc: BaseException) -> bool:
    if getattr(exc, "sqlite_errorcode", None) == SQLITE_FULL:
        return True
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    return "disk is full" in str(exc) or "database or disk is full" in str(exc)


class Database:
    """An open, unlocked vault database. Writes go through `transaction()`, one at a time."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        # One writer at a time: the GUI's task runner may call in from worker threads.
        self._lock = threading.RLock()

    def migrate(self) -> list[tuple[str, int]]:
        with self.transaction() as cur:
            return migrate(cur)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error; `DiskFull` if space ran out."""
        with self._lock:
            cur = self.conn.cursor()
            try:
                cur.execute("BEGIN IMMEDIATE")
                yield cur
                cur.execute("COMMIT")
            except BaseException as exc:
                with contextlib.suppress(sqlcipher3.Error):
                    if self.conn.in_transaction:
                        cur.execute("ROLLBACK")
                if isinstance(exc, sqlcipher3.Error | OSError) and is_disk_full(exc):
                    raise DiskFull() from exc
                raise
            finally:
                cur.close()

    def query(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[Any]:
        with self._lock:
            return list(self.conn.execute(sql, params).fetchall())

    def query_one(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> Any:
        with self._lock:
            return self.conn.execute(sql, params).fetchone()

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold off every other use of this connection (e.g. while copying the file)."""
        with self._lock:
            yield

    def integrity_ok(self) -> bool:
        rows = self.query("PRAGMA integrity_check")
        return rows == [("ok",)]

    def checkpoint(self) -> None:
        with self._lock:
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        with self._lock, contextlib.suppress(sqlcipher3.Error):
            self.conn.close()
