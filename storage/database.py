"""The SQLCipher connection: keyed with a raw 256-bit key, hardened, and migrated.

A raw key (`x'…'`) skips SQLCipher's own PBKDF2: the slow derivation already happened in
Argon2id when the key file was unwrapped, so opening the database itself is instant.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import sqlcipher3

from storage.errors import DiskFailed, DiskFull, VaultDamaged
from storage.kdf import KEY_BYTES
from storage.migrations import Component, migrate

SQLITE_FULL = 13
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_NOTADB = 26
# Below this much free space, an I/O error is taken for a full disk (see `is_disk_full`). The
# WAL index grows in 32 KiB steps; the margin covers a page or two written meanwhile.
LOW_SPACE_BYTES = 128 * 1024

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
    elif not stat.S_ISREG(path.stat().st_mode):
        # A folder, a FIFO or a device where the database should be: not a vault's file.
        raise VaultDamaged("The vault's database is not a file (a folder or a device is in "
                           f"its place: {path}).")
    elif path.stat().st_size == 0:
        # Any key "opens" an empty file as a new, empty database, and the vault would quietly
        # start over. An existing vault's file is never empty (switching to WAL writes its
        # first page), so an empty one has been truncated or replaced: damage.
        raise VaultDamaged()
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
        if is_disk_full(exc, path.parent):
            raise DiskFull(
                "The disk is full, so the vault cannot be opened.",
                "Free some space and try again; your vault is unchanged.",
            ) from exc
        code = getattr(exc, "sqlite_errorcode", None)
        if isinstance(code, int) and code & 0xFF == SQLITE_IOERR:
            # The disk, not the file: "damaged" is said only when SQLite finds it so.
            raise DiskFailed("The disk failed to read or write the vault (an input/output "
                             "error), so it could not be opened.",
                             "Check the disk and its connection, then try again; nothing "
                             "was changed.") from exc
        raise VaultDamaged() from exc
    return conn


def is_disk_full(exc: BaseException, folder: Path | None = None) -> bool:
    """Whether `exc` means the disk (holding `folder`, if given) ran out of space.

    SQLite says SQLITE_FULL when a write to the database or its WAL falls short, but only
    "disk I/O error" when it cannot grow the WAL index (`-shm`), which it maps into memory: so
    a vault closed cleanly cannot even be opened on a full disk. With `folder`, an I/O error
    on a disk with almost no room left counts as a full disk, not as a damaged vault.
    """
    code = getattr(exc, "sqlite_errorcode", None)
    if code == SQLITE_FULL:
        return True
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    if "disk is full" in str(exc) or "database or disk is full" in str(exc):
        return True
    if folder is not None and isinstance(code, int) and code & 0xFF == SQLITE_IOERR:
        return _free_bytes(folder) < LOW_SPACE_BYTES
    return False


def is_damage(exc: BaseException) -> bool:
    """Whether `exc` is SQLite finding the file damaged (a page failing its authentication
    code reads as "database disk image is malformed")."""
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in (SQLITE_CORRUPT, SQLITE_NOTADB)


def _free_bytes(folder: Path) -> int:
    try:
        import shutil  # only on a write error: the read path does not need it

        return shutil.disk_usage(folder).free
    except OSError:
        return LOW_SPACE_BYTES  # cannot tell: do not claim the disk is full


class Database:
    """An open, unlocked vault database. Writes go through `transaction()`, one at a time."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        # One writer at a time: the GUI's task runner may call in from worker threads.
        self._lock = threading.RLock()

    def migrate(self, schema: Sequence[Component]) -> list[tuple[str, int]]:
        with self.transaction() as cur:
            return migrate(cur, schema)

    @contextlib.contextmanager
    def bulk_transaction(self, cache_kib: int) -> Iterator[Connection]:
        """A transaction for writing many rows at once: with room for `cache_kib` of pages in
        memory, SQLite (and the encryption under it) writes each page once at commit instead
        of spilling it again and again. The cache size is per connection and is put back."""
        cache = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        self.conn.execute(f"PRAGMA cache_size = {-abs(int(cache_kib))}")
        try:
            with self.transaction() as cur:
                yield cur
        finally:
            self.conn.execute(f"PRAGMA cache_size = {int(cache)}")

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
                if isinstance(exc, sqlcipher3.Error | OSError) and is_disk_full(
                    exc, self._folder()
                ):
                    raise DiskFull() from exc
                if isinstance(exc, sqlcipher3.Error) and is_damage(exc):
                    raise VaultDamaged() from exc
                raise
            finally:
                cur.close()

    def _folder(self) -> Path | None:
        """The folder of the database file, for telling a full disk from other I/O errors."""
        with contextlib.suppress(sqlcipher3.Error):
            row = self.conn.execute("PRAGMA database_list").fetchone()
            if row is not None and row[2]:
                return Path(row[2]).parent
        return None

    def query(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[Any]:
        with self._lock, _damage_is_vault_damaged():
            return list(self.conn.execute(sql, params).fetchall())

    def query_one(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> Any:
        with self._lock, _damage_is_vault_damaged():
            return self.conn.execute(sql, params).fetchone()

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold off every other use of this connection (e.g. while copying the file)."""
        with self._lock:
            yield

    def integrity_ok(self) -> bool:
        try:
            rows = self.query("PRAGMA integrity_check")
        except VaultDamaged:  # a damaged page can stop the check itself
            return False
        return rows == [("ok",)]

    def checkpoint(self) -> None:
        """Fold the WAL into the main file, completely, or raise.

        Backups copy the main file alone, so a checkpoint that stopped half way (a full disk,
        another connection reading) must not pass silently: the backup would miss the latest
        writes. A failed checkpoint loses nothing; the WAL stays authoritative.
        """
        with self._lock:
            try:
                row = self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            except sqlcipher3.Error as exc:
                if is_disk_full(exc, self._folder()):
                    raise DiskFull() from exc
                raise
        busy, log_frames, checkpointed = row
        if busy or log_frames != checkpointed:
            raise sqlcipher3.OperationalError("the WAL checkpoint could not complete")

    def close(self) -> None:
        with self._lock, contextlib.suppress(sqlcipher3.Error):
            self.conn.close()


@contextlib.contextmanager
def _damage_is_vault_damaged() -> Iterator[None]:
    """A damaged page met while reading is `VaultDamaged` (a message with what to do), not a
    bug."""
    try:
        yield
    except sqlcipher3.DatabaseError as exc:
        if is_damage(exc):
            raise VaultDamaged() from exc
        raise
