"""The vault: create, unlock (passphrase, recovery code, keyring), lock, rewrap, remember.

A random 256-bit data key encrypts the SQLCipher database. It never changes for the life of the
vault; what changes is how it is wrapped. Changing the passphrase or the recovery code rewrites
only the small key file, never the database.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from storage import keyring_store
from storage.atomic import atomic_write_bytes
from storage.database import Database, open_keyed
from storage.errors import (
    KeyFileDamaged,
    KeyFileMissing,
    KeyringUnavailable,
    VaultDamaged,
    VaultExists,
    VaultLocked,
    VaultMissing,
    WeakPassphrase,
    WrongPassphrase,
    WrongRecoveryCode,
)
from storage.instance_lock import InstanceLock
from storage.kdf import (
    KEY_BYTES,
    SALT_BYTES,
    Argon2Params,
    calibrate,
    derive_passphrase_key,
    derive_recovery_key,
    new_recovery_code,
)
from storage.keyfile import MAX_KEYFILE_BYTES, PASSPHRASE_SLOT, RECOVERY_SLOT, KeyFile
from storage.paths import VaultPaths, ensure_private_dir
from storage.restore_journal import FinishedRestore, finish_interrupted_restore, intent_path

if TYPE_CHECKING:
    from storage.migrations import Component


class Vault:
    """One vault folder. `open()` takes the single-instance lock; `close()` gives it back.

    `schema` names the components whose tables the vault holds; unlocking brings them up to
    date (storage/migrations.py). Storage itself needs none."""

    def __init__(self, home: Path, schema: Sequence[Component] = ()) -> None:
        self.paths = VaultPaths(Path(home))
        self.schema = tuple(schema)
        self._lock = InstanceLock(self.paths.lock_file)
        self._db: Database | None = None
        self._data_key: bytes | None = None
        self._key_file: KeyFile | None = None
        # A remembered key that did not open the database: kept in the keyring until a
        # passphrase or recovery code shows the right key is another one (`_prove_remembered`).
        self._doubtful_remembered_key: bytes | None = None
        # Set by `open()` when it finished a restore that a crash had interrupted.
        self.finished_restore: FinishedRestore | None = None

    # -- lifetime ---------------------------------------------------------------------------

    def exists(self) -> bool:
        # Mid-restore (a crash between its renames) the folder may hold no vault file at all
        # for a moment; the intent says one is there, and `open()` puts it in place.
        return self.paths.exists() or intent_path(self.paths).exists()

    def open(self) -> Vault:
        """Claim the vault for this process (raises `VaultAlreadyOpen`), still locked."""
        if not self.exists():
            raise VaultMissing()
        ensure_private_dir(self.paths.home)
        if not self._lock.held:
            self._lock.acquire()
            # A key file read before the lock was ours may have been rewritten since by the
            # process that held it (a new passphrase or recovery code): read it afresh.
            self._key_file = None
            try:
                self.finished_restore = finish_interrupted_restore(self.paths)
            except BaseException:
                self._lock.release()
                raise
        return self

    def close(self) -> None:
        self.lock()
        self._lock.release()

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def is_unlocked(self) -> bool:
        return self._db is not None

    @property
    def database(self) -> Database:
        if self._db is None:
            raise VaultLocked()
        return self._db

    @property
    def vault_id(self) -> str:
        return self._read_key_file().vault_id

    @property
    def kdf_params(self) -> Argon2Params:
        slot = self._read_key_file().slots[PASSPHRASE_SLOT]
        assert slot.argon2 is not None
        return slot.argon2

    # -- create ----------------------------------------------------------------------------

    @classmethod
    def create(
        cls, home: Path, passphrase: str, *, schema: Sequence[Component] = (),
        params: Argon2Params | None = None
    ) -> tuple[Vault, str]:
        """Make a new vault; return it unlocked, and the recovery code to show once."""
        if not passphrase:
            raise WeakPassphrase("A passphrase is required.")
        vault = cls(home, schema)
        if vault.exists():
            raise VaultExists()
        ensure_private_dir(vault.paths.home)
        vault._lock.acquire()
        try:
            # Again under the lock: another process may have created it in the meantime.
            if vault.exists():
                raise VaultExists()
            data_key = os.urandom(KEY_BYTES)
            key_file = KeyFile(vault_id=os.urandom(16).hex())
            _wrap_passphrase(key_file, passphrase, data_key, params or calibrate())
            code = _wrap_new_recovery_code(key_file, data_key)
            # Database first, key file last: a vault without its key file is not a vault yet,
            # and `exists()` stays false if creation fails half way.
            db: Database | None = None
            try:
                db = Database(open_keyed(vault.paths.database, data_key))
                db.migrate(vault.schema)
                atomic_write_bytes(vault.paths.key_file, key_file.to_bytes())
            except BaseException:
                if db is not None:
                    db.close()
                vault._remove_database_files()
                raise
            vault._db, vault._data_key, vault._key_file = db, data_key, key_file
        except BaseException:
            vault._lock.release()
            raise
        return vault, code

    # -- unlock and lock ---------------------------------------------------------------------

    def unlock_with_passphrase(self, passphrase: str) -> None:
        self._claim()  # first, so that the key file is read while it is ours
        data_key = self._read_key_file().unwrap_with_passphrase(passphrase)
        if data_key is None:
            raise WrongPassphrase()
        self._prove_remembered(data_key)
        self._open_database(data_key)

    def unlock_with_recovery_code(self, code: str) -> None:
        self._claim()
        data_key = self._data_key_from_recovery_code(code)
        self._prove_remembered(data_key)
        self._open_database(data_key)

    def unlock_with_keyring(self) -> bool:
        """Unlock with a remembered key; False if there is none (or it no longer fits)."""
        self._claim()
        data_key = keyring_store.load_key(self.vault_id)
        if data_key is None:
            return False
        # A missing database says nothing about the remembered key: report it, keep the key.
        self._check_database_present()
        # A key that does not open the file is not used, but not forgotten either: the file
        # may have been swapped for a moment (a sync tool, a restore). Only the passphrase or
        # recovery code can prove the key wrong (`_prove_remembered`).
        try:
            open_keyed(self.paths.database, data_key).close()
        except VaultDamaged:
            self._doubtful_remembered_key = data_key
            return False
        self._open_database(data_key)
        return True

    def _prove_remembered(self, data_key: bytes) -> None:
        """The right key is known: a remembered key that did not open the database and is not
        this key is wrong for this vault, and is removed (quietly if the keyring is away)."""
        doubtful, self._doubtful_remembered_key = self._doubtful_remembered_key, None
        if doubtful is not None and doubtful != data_key:
            with contextlib.suppress(KeyringUnavailable):
                keyring_store.forget_key(self.vault_id)

    def unlock_with_data_key(self, data_key: bytes) -> bool:
        """Unlock with a data key held in memory elsewhere (the command line's unlock
        session); False if it does not open this vault (then nothing changes)."""
        self._claim()
        if len(data_key) != KEY_BYTES:
            return False
        self._check_database_present()
        try:
            open_keyed(self.paths.database, data_key).close()
        except VaultDamaged:
            return False
        self._open_database(data_key)
        return True

    def data_key_for_session(self) -> bytes:
        """The data key, for `companion unlock` to hand to its agent (memory only)."""
        if self._data_key is None:
            raise VaultLocked()
        return self._data_key

    def key_file_fingerprint(self) -> str:
        """A hash of the key file as it is on disk now: it changes with the passphrase, the
        recovery code or a restored backup (an unlock session ends when it does)."""
        return key_file_fingerprint(self.paths)

    def lock(self) -> None:
        """Close the database and drop the key from this object; the instance lock stays."""
        if self._db is not None:
            self._db.close()
        self._db = None
        self._data_key = None

    # -- passphrase and recovery code -------------------------------------------------------

    def change_passphrase(self, current: str, new: str) -> None:
        """Rewrap the data key under `new`; `current` must be right (nothing changes if not)."""
        self._claim()
        key_file = self._read_key_file()
        data_key = key_file.unwrap_with_passphrase(current)
        if data_key is None:
            raise WrongPassphrase("The current passphrase is not right.", "Nothing was changed.")
        _check_new_passphrase(new)
        _wrap_passphrase(key_file, new, data_key, calibrate())
        self._write_key_file(key_file)

    def reset_passphrase(self, recovery_code: str, new: str) -> str:
        """Set a new passphrase using the recovery code; return the next recovery code.

        The used code has been typed somewhere, so it is replaced at the same time.
        """
        self._claim()
        data_key = self._data_key_from_recovery_code(recovery_code)
        _check_new_passphrase(new)
        key_file = self._read_key_file()
        _wrap_passphrase(key_file, new, data_key, calibrate())
        code = _wrap_new_recovery_code(key_file, data_key)
        self._write_key_file(key_file)
        return code

    def rekey(self, current: str, new: str) -> str:
        """Re-encrypt the database under a new random data key, with `new` as the passphrase
        (it may be the current one) and a new recovery code, returned to show once. Copies of
        the old key file, and the old passphrase and recovery code with them, open nothing
        afterwards; a remembered key is replaced (storage/rekey.py)."""
        from storage import rekey, restore_journal

        self._claim()
        key_file = self._read_key_file()
        old_key = key_file.unwrap_with_passphrase(current)
        if old_key is None:
            raise WrongPassphrase("The current passphrase is not right.", "Nothing was changed.")
        _check_new_passphrase(new)
        if self._db is None:
            self._open_database(old_key)
        assert self._db is not None
        remembered = keyring_store.load_key(self.vault_id) == old_key
        new_key = os.urandom(KEY_BYTES)
        new_key_file = KeyFile(vault_id=key_file.vault_id)
        with restore_journal.staging(restore_journal.new_plan(self.paths, "rekey")) as plan:
            rekey.export_under_new_key(self._db, plan.database, new_key)
            _wrap_passphrase(new_key_file, new, new_key, calibrate())
            code = _wrap_new_recovery_code(new_key_file, new_key)
            atomic_write_bytes(plan.key_file, new_key_file.to_bytes())
        self.lock()  # the old database is closed before it moves
        restore_journal.commit(self.paths, plan)
        restore_journal.finish(self.paths, plan)
        self._key_file = new_key_file
        self._open_database(new_key)
        if remembered:
            try:
                keyring_store.store_key(self.vault_id, new_key)
            except KeyringUnavailable:  # the old key opens nothing now: do not keep it
                with contextlib.suppress(KeyringUnavailable):
                    keyring_store.forget_key(self.vault_id)
        return code

    def new_recovery_code(self) -> str:
        """Replace the recovery code (the old one stops working); the vault must be unlocked."""
        if self._data_key is None:
            raise VaultLocked()
        key_file = self._read_key_file()
        code = _wrap_new_recovery_code(key_file, self._data_key)
        self._write_key_file(key_file)
        return code

    # -- remember on this device ------------------------------------------------------------

    def remember(self) -> None:
        if self._data_key is None:
            raise VaultLocked()
        keyring_store.store_key(self.vault_id, self._data_key)

    def forget(self) -> bool:
        return keyring_store.forget_key(self.vault_id)

    def is_remembered(self) -> bool:
        return keyring_store.load_key(self.vault_id) is not None

    # -- internals ---------------------------------------------------------------------------

    def _claim(self) -> None:
        """Hold the single-instance lock before reading or rewriting the key file, so that two
        processes can never rewrite it at once (the second would silently undo the first)."""
        if not self._lock.held:
            self.open()

    def _read_key_file(self) -> KeyFile:
        if self._key_file is not None:
            return self._key_file
        self._key_file = KeyFile.from_bytes(self._key_file_bytes())
        return self._key_file

    def _key_file_bytes(self) -> bytes:
        """The key file's bytes, at most what a key file can hold: a link to /dev/zero, a
        FIFO or a link loop there is a damaged key file, not a hang or a crash."""
        path = self.paths.key_file
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except FileNotFoundError:
            if os.path.lexists(path) and not self.paths.database.exists():
                raise KeyFileDamaged() from None  # a dangling link
            if self.paths.database.exists():
                raise KeyFileMissing() from None
            raise VaultMissing() from None
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.EISDIR, errno.ENXIO):
                raise KeyFileDamaged() from None
            raise
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise KeyFileDamaged()
        with os.fdopen(fd, "rb") as handle:
            return handle.read(MAX_KEYFILE_BYTES + 1)

    def _write_key_file(self, key_file: KeyFile) -> None:
        # Serialise first: if the write fails (disk full), the cached copy is dropped so that
        # the next read comes from disk, which still holds the old, valid key file.
        data = key_file.to_bytes()
        self._key_file = None
        atomic_write_bytes(self.paths.key_file, data)
        self._key_file = key_file

    def _data_key_from_recovery_code(self, code: str) -> bytes:
        data_key = self._read_key_file().unwrap_with_recovery_code(code)
        if data_key is None:
            raise WrongRecoveryCode()
        return data_key

    def _open_database(self, data_key: bytes) -> None:
        self._claim()
        self._check_database_present()
        self.lock()
        db = Database(open_keyed(self.paths.database, data_key))
        try:
            db.migrate(self.schema)
        except BaseException:
            db.close()
            raise
        self._db, self._data_key = db, data_key

    def _check_database_present(self) -> None:
        if not self.paths.database.exists():
            raise VaultDamaged("The vault database is missing.")

    def _remove_database_files(self) -> None:
        for path in (self.paths.database, *self.paths.database_sidecars):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


def key_file_fingerprint(paths: VaultPaths) -> str:
    """SHA-256 of the key file's bytes, or "" when there is none."""
    try:
        return hashlib.sha256(paths.key_file.read_bytes()).hexdigest()
    except FileNotFoundError:
        return ""


def _check_new_passphrase(passphrase: str) -> None:
    if not passphrase:
        raise WeakPassphrase("A passphrase is required.")


def _wrap_passphrase(key_file: KeyFile, passphrase: str, data_key: bytes,
                     params: Argon2Params) -> None:
    salt = os.urandom(SALT_BYTES)
    kek = derive_passphrase_key(passphrase, salt, params)
    key_file.wrap(PASSPHRASE_SLOT, kek, data_key, kdf="argon2id", salt=salt, argon2=params)


def _wrap_new_recovery_code(key_file: KeyFile, data_key: bytes) -> str:
    code, raw = new_recovery_code()
    salt = os.urandom(SALT_BYTES)
    key_file.wrap(RECOVERY_SLOT, derive_recovery_key(raw, salt), data_key,
                  kdf="hkdf-sha256", salt=salt)
    return code

