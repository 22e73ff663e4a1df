"""Encrypted backup to one file, and restore from it.

Layout (version 1)::

    b"COMPANION-BACKUP\\n"  magic
    b"\\x01"                format version
    4 bytes big-endian     length of the JSON header
    JSON header            vault id, creation time, the key file (base64), database size
    database bytes         the SQLCipher file itself: already encrypted with the data key
    32 bytes               SHA-256 of everything before it, to catch truncation and damage

The backup holds nothing readable without the passphrase (or recovery code) that was in force
when it was made: restoring brings back that passphrase along with the content.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import struct
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlcipher3

from storage import restore_journal
from storage.atomic import atomic_write_chunks
from storage.database import Database, is_damage, is_disk_full, open_keyed
from storage.errors import (
    BackupInvalid,
    DiskFull,
    KeyFileDamaged,
    UserError,
    VaultDamaged,
    WrongPassphrase,
)
from storage.instance_lock import InstanceLock
from storage.keyfile import KeyFile
from storage.paths import VaultPaths, ensure_private_dir
from storage.vault import Vault

MAGIC = b"COMPANION-BACKUP\n"
VERSION = 1
CHUNK = 1 << 20
MAX_HEADER = 1 << 20


@dataclass(frozen=True)
class RestoreResult:
    vault_id: str
    previous_vault_kept_in: Path | None


def write_backup(vault: Vault, destination: Path) -> int:
    """Write a backup of the unlocked `vault` to `destination` atomically; return its size."""
    db = vault.database
    target = Path(destination).expanduser().resolve()
    own = {p.resolve() for p in (vault.paths.database, *vault.paths.database_sidecars,
                                 vault.paths.key_file, vault.paths.lock_file)}
    if target in own or target.is_dir():
        raise UserError(f"Cannot write a backup to {destination}.",
                        "Choose a new file outside the vault's own files.")
    key_file_bytes = vault.paths.key_file.read_bytes()
    header = json.dumps(
        {
            "vault_id": vault.vault_id,
            "created_utc": int(time.time()),
            "key_file": base64.b64encode(key_file_bytes).decode("ascii"),
        },
        sort_keys=True,
    ).encode("utf-8")
    digest = hashlib.sha256()
    written = 0

    def chunks() -> Iterator[bytes]:
        nonlocal written
        prefix = MAGIC + bytes([VERSION]) + struct.pack(">I", len(header)) + header
        for piece in _file_chunks(vault.paths.database, prefix):
            digest.update(piece)
            written += len(piece)
            yield piece
        written += digest.digest_size
        yield digest.digest()

    with db.exclusive():
        # Fold the WAL into the main file so the file alone is the whole vault. The vault is
        # held by this process (instance lock), and `exclusive` keeps this process's other
        # threads out from the checkpoint until the copy is complete, so nothing written in
        # between can be left behind in the WAL.
        db.checkpoint()
        atomic_write_chunks(Path(destination), chunks())
    return written


def _file_chunks(path: Path, prefix: bytes) -> Iterator[bytes]:
    yield prefix
    with open(path, "rb") as handle:
        while piece := handle.read(CHUNK):
            yield piece


def read_backup_header(source: Path) -> tuple[dict[str, object], int, int]:
    """Check magic, version and checksum; return (header, db offset, db length)."""
    try:
        size = os.path.getsize(source)
        with open(source, "rb") as handle:
            lead = handle.read(len(MAGIC) + 5)
            if len(lead) < len(MAGIC) + 5 or not lead.startswith(MAGIC):
                raise BackupInvalid()
            if lead[len(MAGIC)] != VERSION:
                raise BackupInvalid("That backup was made by a newer version of Companion.",
                                    "Update Companion to restore it.")
            (header_len,) = struct.unpack(">I", lead[len(MAGIC) + 1 :])
            offset = len(lead) + header_len
            if header_len > MAX_HEADER or offset + 32 > size:
                raise BackupInvalid()
            header = json.loads(handle.read(header_len).decode("utf-8"))
            handle.seek(0)
            digest = hashlib.sha256()
            remaining = size - 32
            while remaining > 0:
                piece = handle.read(min(CHUNK, remaining))
                if not piece:
                    raise BackupInvalid()
                digest.update(piece)
                remaining -= len(piece)
            if not secrets.compare_digest(digest.digest(), handle.read(32)):
                raise BackupInvalid("That backup is damaged (its checksum does not match).")
    except FileNotFoundError:
        raise BackupInvalid(f"There is no file at {source}.", "Check the path.") from None
    except (OSError, ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise BackupInvalid() from exc
    if not isinstance(header, dict) or not isinstance(header.get("key_file"), str):
        raise BackupInvalid()
    return header, offset, size - 32 - offset


def restore_backup(home: Path, source: Path, secret: str) -> RestoreResult:
    """Replace the vault in `home` with the backup in `source`.

    `secret` is the passphrase (or recovery code) that was in force when the backup was made.
    The backup is fully checked (checksum, key, database integrity) before anything in `home`
    changes; the vault it replaces is moved, whole, into a `pre-restore-…` folder.
    """
    key_file, offset, length, data_key = _open_backup(source, secret)
    paths = VaultPaths(Path(home))
    ensure_private_dir(paths.home)
    with InstanceLock(paths.lock_file):
        # An earlier restore a crash interrupted is finished first (its vault is then the
        # one this restore replaces).
        restore_journal.finish_interrupted_restore(paths)
        with restore_journal.staging(restore_journal.new_plan(paths)) as plan:
            _stage_database(source, offset, length, plan.database, data_key)
            atomic_write_chunks(plan.key_file, (key_file.to_bytes(),))
            # Nothing of the vault in place has changed yet; from the intent on, only renames
            # (which need no free space) remain, and a crash leaves them to the next start.
            restore_journal.commit(paths, plan)
        kept = restore_journal.finish(paths, plan)
    return RestoreResult(vault_id=key_file.vault_id, previous_vault_kept_in=kept)


def _stage_database(source: Path, offset: int, length: int, staged: Path,
                    data_key: bytes) -> None:
    """Copy the backup's database to `staged` and check it whole, ready to be renamed in."""
    try:
        _copy_range(source, offset, length, staged)
        try:
            db = Database(open_keyed(staged, data_key))
        except VaultDamaged as exc:
            raise BackupInvalid("The database inside that backup is damaged.") from exc
        try:
            if not db.integrity_ok():
                raise BackupInvalid("The database inside that backup is damaged.")
            db.checkpoint()
            db.conn.execute("PRAGMA journal_mode = DELETE")
        finally:
            db.close()
    except VaultDamaged as exc:
        raise BackupInvalid("The database inside that backup is damaged.") from exc
    except (OSError, sqlcipher3.Error) as exc:
        if is_disk_full(exc, staged.parent):
            raise DiskFull() from exc
        if isinstance(exc, sqlcipher3.Error) and is_damage(exc):
            # A page that fails its authentication code can surface as an error rather than
            # as a line of `integrity_check`.
            raise BackupInvalid("The database inside that backup is damaged.") from exc
        raise


def check_backup(source: Path, secret: str) -> str:
    """Check that `source` is an intact backup that `secret` opens; return its vault id.

    The checks `restore_backup` makes before it touches anything, for use while the current
    vault is still open (the app asks before it locks).
    """
    key_file, _offset, _length, _key = _open_backup(source, secret)
    return key_file.vault_id


def _open_backup(source: Path, secret: str) -> tuple[KeyFile, int, int, bytes]:
    header, offset, length = read_backup_header(source)
    try:
        key_file = KeyFile.from_bytes(base64.b64decode(str(header["key_file"]), validate=True))
    except (KeyFileDamaged, ValueError) as exc:
        raise BackupInvalid() from exc
    return key_file, offset, length, _unwrap_with_secret(key_file, secret)


def _unwrap_with_secret(key_file: KeyFile, secret: str) -> bytes:
    # A recovery code first: it costs nothing to try, where the passphrase slot's Argon2id
    # costs whatever the backup's key file asks (bounded by check_affordable).
    data_key = key_file.unwrap_with_recovery_code(secret)
    if data_key is None:
        data_key = key_file.unwrap_with_passphrase(secret)
    if data_key is None:
        raise WrongPassphrase(
            "That passphrase does not open this backup.",
            "Use the passphrase (or recovery code) that was in force when the backup was made.",
        )
    return data_key


def _copy_range(source: Path, offset: int, length: int, target: Path) -> None:
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with open(source, "rb") as src, os.fdopen(fd, "wb") as dst:
        src.seek(offset)
        remaining = length
        while remaining > 0:
            piece = src.read(min(CHUNK, remaining))
            if not piece:
                raise BackupInvalid()
            dst.write(piece)
            remaining -= len(piece)
        dst.flush()
        os.fsync(dst.fileno())
