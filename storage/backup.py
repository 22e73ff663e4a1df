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
import contextlib
import hashlib
import json
import os
import secrets
import struct
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from storage.atomic import atomic_write_chunks, fsync_dir
from storage.database import Database, open_keyed
from storage.errors import BackupInvalid, KeyFileDamaged, VaultDamaged, WrongPassphrase
from storage.instance_lock import InstanceLock
from storage.kdf import derive_passphrase_key, derive_recovery_key, parse_recovery_code
from storage.keyfile import PASSPHRASE_SLOT, RECOVERY_SLOT, KeyFile
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
    key_file_bytes = vault.paths.key_file.read_bytes()
    header = json.dumps(
        {
            "vault_id": vault.vault_id,
            "created_utc": int(time.time()),
            "key_file": base64.b64encode(key_file_bytes).decode("ascii"),
        },
        sort_keys=True,
    ).encode("utf-8")
    # Fold the WAL into the main file so the file alone is the whole vault. The vault is held
    # by this process (instance lock) and `db` serialises access, so nothing writes meanwhile.
    db.checkpoint()
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
    except (OSError, ValueError, UnicodeDecodeError) as exc:
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
    header, offset, length = read_backup_header(source)
    try:
        key_file = KeyFile.from_bytes(base64.b64decode(str(header["key_file"]), validate=True))
    except (KeyFileDamaged, ValueError) as exc:
        raise BackupInvalid() from exc
    data_key = _unwrap_with_secret(key_file, secret)

    paths = VaultPaths(Path(home))
    ensure_private_dir(paths.home)
    with InstanceLock(paths.lock_file):
        staged = paths.home / f".restore-{secrets.token_hex(6)}.db"
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
            kept = _move_current_vault_aside(paths)
            os.replace(staged, paths.database)
            fsync_dir(paths.home)
            atomic_write_chunks(paths.key_file, (key_file.to_bytes(),))
        finally:
            for leftover in (staged, *_sidecars(staged)):
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()
    return RestoreResult(vault_id=key_file.vault_id, previous_vault_kept_in=kept)


def _unwrap_with_secret(key_file: KeyFile, secret: str) -> bytes:
    slot = key_file.slots[PASSPHRASE_SLOT]
    assert slot.argon2 is not None
    data_key = key_file.unwrap(PASSPHRASE_SLOT, derive_passphrase_key(secret, slot.salt,
                                                                       slot.argon2))
    raw_code = parse_recovery_code(secret)
    recovery = key_file.slots.get(RECOVERY_SLOT)
    if data_key is None and raw_code is not None and recovery is not None:
        data_key = key_file.unwrap(RECOVERY_SLOT, derive_recovery_key(raw_code, recovery.salt))
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


def _sidecars(db_path: Path) -> tuple[Path, Path]:
    return (db_path.with_name(db_path.name + "-wal"), db_path.with_name(db_path.name + "-shm"))


def _move_current_vault_aside(paths: VaultPaths) -> Path | None:
    """Keep the vault being replaced as a complete vault folder of its own (still encrypted)."""
    present = [p for p in (paths.database, *paths.database_sidecars, paths.key_file) if p.exists()]
    if not present:
        return None
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = paths.home / f"pre-restore-{stamp}-{secrets.token_hex(3)}"
    ensure_private_dir(aside)
    for path in present:
        os.replace(path, aside / path.name)
    fsync_dir(aside)
    fsync_dir(paths.home)
    return aside
