"""The vault: create, unlock, rewrap, and every way the files on disk can be wrong."""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.database import Database, open_keyed
from storage.errors import (
    KeyFileDamaged,
    KeyFileMissing,
    VaultAlreadyOpen,
    VaultDamaged,
    VaultExists,
    VaultLocked,
    VaultMissing,
    WeakPassphrase,
    WrongPassphrase,
    WrongRecoveryCode,
)
from storage.kdf import FLOOR, new_recovery_code
from storage.keyfile import MAGIC, PASSPHRASE_SLOT, RECOVERY_SLOT, KeyFile
from storage.vault import Vault
from tests.storage.conftest import Template
from tests.support.storage_helpers import (
    NOTES,
    OTHER_PASSPHRASE,
    PASSPHRASE,
    listing,
    mode,
    notes,
    snapshot,
)

SQLITE_HEADER = b"SQLite format 3"


@pytest.fixture
def open_umask() -> Iterator[None]:
    """Run with umask 0, so that private modes must come from the code, not the umask."""
    previous = os.umask(0)
    yield
    os.umask(previous)


def is_unlocked(vault: Vault) -> bool:
    """`vault.is_unlocked`, read afresh (mypy would keep an earlier `assert not` in mind)."""
    return vault.is_unlocked


def unchanged_by(home: Path) -> dict[str, bytes]:
    """What "nothing on disk changed" compares: every file but the (empty) lock file."""
    return snapshot(home, skip=("vault.lock",))


# -- create ------------------------------------------------------------------------------------


@pytest.mark.usefixtures("open_umask")
def test_create_makes_a_private_encrypted_vault(private_home: Path) -> None:
    vault, code = Vault.create(private_home, PASSPHRASE)
    try:
        assert vault.is_unlocked
        with vault.database.transaction() as cur:
            cur.execute("CREATE TABLE canary (text TEXT)")
            cur.execute("INSERT INTO canary VALUES ('purple-elephant-canary')")
        assert mode(private_home) == 0o700
        names = {p.name for p in private_home.iterdir()}
        assert {"vault.db", "vault.key", "vault.lock"} <= names
        for path in private_home.iterdir():  # the WAL and its index too, while open
            assert mode(path) == 0o600, path.name
        assert len(vault.vault_id) == 32 and int(vault.vault_id, 16) >= 0
        assert vault.kdf_params == FLOOR
    finally:
        vault.close()
    assert (private_home / "vault.key").read_bytes().startswith(MAGIC)
    database = (private_home / "vault.db").read_bytes()
    assert not database.startswith(SQLITE_HEADER)
    for name, data in snapshot(private_home).items():
        assert SQLITE_HEADER not in data, name
        assert b"purple-elephant-canary" not in data, name
    assert parse_code_shape(code)


def parse_code_shape(code: str) -> bool:
    groups = code.split("-")
    return len(groups) == 8 and all(len(group) == 4 for group in groups)


def test_create_in_a_folder_that_does_not_exist_yet(tmp_path: Path) -> None:
    home = tmp_path / "a" / "b" / "vault"
    vault, _ = Vault.create(home, PASSPHRASE)
    vault.close()
    assert mode(home) == 0o700
    assert Vault(home).exists()


def test_create_over_an_existing_vault_is_refused(closed_vault: Template) -> None:
    before = unchanged_by(closed_vault.home)
    with pytest.raises(VaultExists):
        Vault.create(closed_vault.home, OTHER_PASSPHRASE)
    assert unchanged_by(closed_vault.home) == before


def test_create_over_a_lone_database_is_refused(closed_vault: Template) -> None:
    (closed_vault.home / "vault.key").unlink()
    before = unchanged_by(closed_vault.home)
    with pytest.raises(VaultExists):
        Vault.create(closed_vault.home, OTHER_PASSPHRASE)
    assert unchanged_by(closed_vault.home) == before


def test_create_needs_a_passphrase(private_home: Path) -> None:
    with pytest.raises(WeakPassphrase):
        Vault.create(private_home, "")
    assert not Vault(private_home).exists()
    assert listing(private_home) == []


def test_open_an_empty_folder_is_vault_missing(private_home: Path) -> None:
    private_home.mkdir()
    with pytest.raises(VaultMissing):
        Vault(private_home).open()
    with pytest.raises(VaultMissing):
        Vault(private_home).unlock_with_passphrase(PASSPHRASE)
    assert listing(private_home) == []


def test_open_a_folder_that_does_not_exist_creates_nothing(private_home: Path) -> None:
    with pytest.raises(VaultMissing):
        Vault(private_home).open()
    assert not private_home.exists()


# -- unlock ------------------------------------------------------------------------------------


def test_unlock_with_passphrase(closed_vault: Template) -> None:
    vault = Vault(closed_vault.home)
    assert vault.is_unlocked is False
    with pytest.raises(VaultLocked):
        _ = vault.database
    vault.unlock_with_passphrase(PASSPHRASE)
    try:
        assert is_unlocked(vault)
        assert notes(vault) == list(NOTES)
        assert vault.database.integrity_ok()
    finally:
        vault.close()


def test_wrong_passphrase_changes_nothing(closed_vault: Template) -> None:
    before = unchanged_by(closed_vault.home)
    vault = Vault(closed_vault.home)
    try:
        for wrong in ("", "correct horse battery stapl", PASSPHRASE + " ", PASSPHRASE.upper()):
            with pytest.raises(WrongPassphrase):
                vault.unlock_with_passphrase(wrong)
            assert not vault.is_unlocked
            assert unchanged_by(closed_vault.home) == before
        # The same object still unlocks with the right one: no stuck state.
        vault.unlock_with_passphrase(PASSPHRASE)
        assert notes(vault) == list(NOTES)
    finally:
        vault.close()


def test_unlock_with_recovery_code(closed_vault: Template) -> None:
    for typed in (closed_vault.recovery_code, closed_vault.recovery_code.lower(),
                  closed_vault.recovery_code.replace("-", " ")):
        vault = Vault(closed_vault.home)
        vault.unlock_with_recovery_code(typed)
        try:
            assert notes(vault) == list(NOTES)
        finally:
            vault.close()


@pytest.mark.parametrize("wrong", ["", "hello", "AAAA-AAAA", "fresh"])
def test_wrong_recovery_code_changes_nothing(closed_vault: Template, wrong: str) -> None:
    if wrong == "fresh":
        wrong, _ = new_recovery_code()  # well formed, just not this vault's
    before = unchanged_by(closed_vault.home)
    vault = Vault(closed_vault.home)
    try:
        with pytest.raises(WrongRecoveryCode):
            vault.unlock_with_recovery_code(wrong)
        assert not vault.is_unlocked
    finally:
        vault.close()
    assert unchanged_by(closed_vault.home) == before


def test_the_passphrase_is_not_a_recovery_code_and_vice_versa(closed_vault: Template) -> None:
    vault = Vault(closed_vault.home)
    try:
        with pytest.raises(WrongRecoveryCode):
            vault.unlock_with_recovery_code(PASSPHRASE)
        with pytest.raises(WrongPassphrase):
            vault.unlock_with_passphrase(closed_vault.recovery_code)
    finally:
        vault.close()


def test_lock_and_unlock_again(vault: Vault) -> None:
    vault.lock()
    assert not vault.is_unlocked
    with pytest.raises(VaultLocked):
        _ = vault.database
    vault.unlock_with_passphrase(PASSPHRASE)
    assert notes(vault) == list(NOTES)


def test_close_lets_another_object_open_it(closed_vault: Template) -> None:
    first = Vault(closed_vault.home).open()
    with pytest.raises(VaultAlreadyOpen):
        Vault(closed_vault.home).open()
    first.close()
    second = Vault(closed_vault.home)
    second.unlock_with_passphrase(PASSPHRASE)
    second.close()


def test_a_second_object_in_this_process_cannot_unlock_meanwhile(vault: Vault) -> None:
    other = Vault(vault.paths.home)
    with pytest.raises(VaultAlreadyOpen):
        other.unlock_with_passphrase(PASSPHRASE)
    assert not other.is_unlocked
    assert notes(vault) == list(NOTES)


# -- passphrase and recovery code --------------------------------------------------------------


def test_change_passphrase_rewraps_without_touching_the_database(closed_vault: Template) -> None:
    database = closed_vault.home / "vault.db"
    before, inode = database.read_bytes(), database.stat().st_ino
    old_key_file = KeyFile.from_bytes((closed_vault.home / "vault.key").read_bytes())

    vault = Vault(closed_vault.home)
    vault.change_passphrase(PASSPHRASE, OTHER_PASSPHRASE)
    vault.close()

    assert database.read_bytes() == before
    assert database.stat().st_ino == inode
    new_key_file = KeyFile.from_bytes((closed_vault.home / "vault.key").read_bytes())
    assert new_key_file.vault_id == old_key_file.vault_id
    assert new_key_file.slots[RECOVERY_SLOT] == old_key_file.slots[RECOVERY_SLOT]
    assert new_key_file.slots[PASSPHRASE_SLOT].salt != old_key_file.slots[PASSPHRASE_SLOT].salt
    assert mode(closed_vault.home / "vault.key") == 0o600

    vault = Vault(closed_vault.home)
    try:
        with pytest.raises(WrongPassphrase):
            vault.unlock_with_passphrase(PASSPHRASE)
        vault.unlock_with_passphrase(OTHER_PASSPHRASE)
        assert notes(vault) == list(NOTES)
        vault.lock()
        vault.unlock_with_recovery_code(closed_vault.recovery_code)
        assert notes(vault) == list(NOTES)
    finally:
        vault.close()
    assert database.read_bytes() == before


def test_change_passphrase_while_unlocked(vault: Vault) -> None:
    vault.change_passphrase(PASSPHRASE, OTHER_PASSPHRASE)
    assert notes(vault) == list(NOTES)  # still unlocked, same connection
    vault.close()
    again = Vault(vault.paths.home)
    again.unlock_with_passphrase(OTHER_PASSPHRASE)
    again.close()


@pytest.mark.parametrize(("current", "new", "error"), [
    ("not it", OTHER_PASSPHRASE, WrongPassphrase),
    (PASSPHRASE, "", WeakPassphrase),
])
def test_change_passphrase_refused_changes_nothing(closed_vault: Template, current: str,
                                                   new: str, error: type[Exception]) -> None:
    before = unchanged_by(closed_vault.home)
    vault = Vault(closed_vault.home)
    try:
        with pytest.raises(error):
            vault.change_passphrase(current, new)
        assert unchanged_by(closed_vault.home) == before
        vault.unlock_with_passphrase(PASSPHRASE)
    finally:
        vault.close()


def test_reset_passphrase_with_the_recovery_code(closed_vault: Template) -> None:
    database = closed_vault.home / "vault.db"
    before = database.read_bytes()
    vault = Vault(closed_vault.home)
    new_code = vault.reset_passphrase(closed_vault.recovery_code, OTHER_PASSPHRASE)
    vault.close()
    assert new_code != closed_vault.recovery_code
    assert parse_code_shape(new_code)
    assert database.read_bytes() == before

    vault = Vault(closed_vault.home)
    try:
        with pytest.raises(WrongRecoveryCode):
            vault.unlock_with_recovery_code(closed_vault.recovery_code)
        with pytest.raises(WrongPassphrase):
            vault.unlock_with_passphrase(PASSPHRASE)
        vault.unlock_with_recovery_code(new_code)
        vault.lock()
        vault.unlock_with_passphrase(OTHER_PASSPHRASE)
        assert notes(vault) == list(NOTES)
    finally:
        vault.close()


@pytest.mark.parametrize(("code", "new", "error"), [
    ("WRONG", OTHER_PASSPHRASE, WrongRecoveryCode),
    ("fresh", OTHER_PASSPHRASE, WrongRecoveryCode),
    ("right", "", WeakPassphrase),
])
def test_reset_passphrase_refused_changes_nothing(closed_vault: Template, code: str, new: str,
                                                  error: type[Exception]) -> None:
    if code == "fresh":
        code, _ = new_recovery_code()
    elif code == "right":
        code = closed_vault.recovery_code
    before = unchanged_by(closed_vault.home)
    vault = Vault(closed_vault.home)
    try:
        with pytest.raises(error):
            vault.reset_passphrase(code, new)
    finally:
        vault.close()
    assert unchanged_by(closed_vault.home) == before


def test_new_recovery_code(closed_vault: Template) -> None:
    vault = Vault(closed_vault.home)
    try:
        with pytest.raises(VaultLocked):
            vault.new_recovery_code()
        vault.unlock_with_passphrase(PASSPHRASE)
        code = vault.new_recovery_code()
        assert code != closed_vault.recovery_code
    finally:
        vault.close()
    vault = Vault(closed_vault.home)
    try:
        with pytest.raises(WrongRecoveryCode):
            vault.unlock_with_recovery_code(closed_vault.recovery_code)
        vault.unlock_with_recovery_code(code)
        vault.lock()
        vault.unlock_with_passphrase(PASSPHRASE)  # the passphrase is untouched
    finally:
        vault.close()


def test_a_key_file_read_before_taking_the_lock_is_read_again(closed_vault: Template) -> None:
    """An object that looked at the key file while another held the vault must not act on
    that stale copy once it gets the vault (it would undo the other's new passphrase)."""
    early = Vault(closed_vault.home)
    assert early.vault_id == closed_vault.vault_id  # reads (and caches) the key file
    other = Vault(closed_vault.home)
    other.change_passphrase(PASSPHRASE, OTHER_PASSPHRASE)
    other.close()
    try:
        with pytest.raises(WrongPassphrase):
            early.unlock_with_passphrase(PASSPHRASE)
        early.unlock_with_passphrase(OTHER_PASSPHRASE)
    finally:
        early.close()


def test_rewrapping_needs_the_vault_to_itself(vault: Vault) -> None:
    other = Vault(vault.paths.home)
    before = unchanged_by(vault.paths.home)
    with pytest.raises(VaultAlreadyOpen):
        other.change_passphrase(PASSPHRASE, OTHER_PASSPHRASE)
    with pytest.raises(VaultAlreadyOpen):
        other.reset_passphrase(vault.paths.home.name, OTHER_PASSPHRASE)
    assert unchanged_by(vault.paths.home) == before


# -- damaged and missing files -----------------------------------------------------------------


def test_missing_key_file_with_a_database(closed_vault: Template) -> None:
    (closed_vault.home / "vault.key").unlink()
    before = unchanged_by(closed_vault.home)
    vault = Vault(closed_vault.home)
    try:
        assert vault.exists()
        with pytest.raises(KeyFileMissing):
            vault.unlock_with_passphrase(PASSPHRASE)
        with pytest.raises(KeyFileMissing):
            vault.unlock_with_recovery_code(closed_vault.recovery_code)
        with pytest.raises(KeyFileMissing):
            vault.change_passphrase(PASSPHRASE, OTHER_PASSPHRASE)
        with pytest.raises(KeyFileMissing):
            _ = vault.vault_id
    finally:
        vault.close()
    assert unchanged_by(closed_vault.home) == before


@pytest.mark.parametrize("damage", ["empty", "garbage", "truncated", "magic only", "json",
                                    "flipped"])
def test_damaged_key_file(closed_vault: Template, damage: str) -> None:
    key_path = closed_vault.home / "vault.key"
    original = key_path.read_bytes()
    damaged = {
        "empty": b"",
        "garbage": secrets.token_bytes(len(original)),
        "truncated": original[: len(original) // 2],
        "magic only": MAGIC,
        "json": MAGIC + b"\x01{}",
        "flipped": original[:30] + bytes([original[30] ^ 0x40]) + original[31:],
    }[damage]
    key_path.write_bytes(damaged)
    before = unchanged_by(closed_vault.home)
    vault = Vault(closed_vault.home)
    try:
        with pytest.raises(KeyFileDamaged):
            vault.unlock_with_passphrase(PASSPHRASE)
        with pytest.raises(KeyFileDamaged):
            vault.unlock_with_recovery_code(closed_vault.recovery_code)
    finally:
        vault.close()
    assert unchanged_by(closed_vault.home) == before


def replace_database(home: Path, how: str, tmp_path: Path) -> None:
    database = home / "vault.db"
    if how == "garbage":
        database.write_bytes(secrets.token_bytes(64 * 1024))
    elif how == "short garbage":
        database.write_bytes(b"hello")
    elif how == "empty":
        database.write_bytes(b"")
    elif how == "plain sqlite":
        database.unlink()
        with sqlite3.connect(database) as plain:
            plain.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
            plain.execute("INSERT INTO notes (body) VALUES ('plain')")
        plain.close()
        assert database.read_bytes().startswith(SQLITE_HEADER)
    elif how == "another vault":  # a real SQLCipher vault database, under another key
        other = Database(open_keyed(tmp_path / "other.db", secrets.token_bytes(32)))
        other.migrate(())
        other.close()
        database.write_bytes((tmp_path / "other.db").read_bytes())
    elif how == "first page flipped":
        flipped = bytearray(database.read_bytes())
        flipped[100] ^= 1
        database.write_bytes(bytes(flipped))
    elif how == "truncated":
        data = database.read_bytes()
        database.write_bytes(data[: len(data) // 2])
    else:
        raise AssertionError(how)


@pytest.mark.parametrize("how", ["garbage", "short garbage", "empty", "plain sqlite",
                                 "another vault", "first page flipped", "truncated"])
def test_damaged_database(closed_vault: Template, tmp_path: Path, how: str) -> None:
    replace_database(closed_vault.home, how, tmp_path)
    before = unchanged_by(closed_vault.home)
    vault = Vault(closed_vault.home)
    try:
        # Both ways in end in the same check; the recovery code costs no Argon2id.
        with pytest.raises(VaultDamaged):
            vault.unlock_with_recovery_code(closed_vault.recovery_code)
        if how == "garbage":
            with pytest.raises(VaultDamaged):
                vault.unlock_with_passphrase(PASSPHRASE)
        assert not vault.is_unlocked
    finally:
        vault.close()
    assert unchanged_by(closed_vault.home) == before


def test_a_damaged_page_met_later_is_vault_damaged(closed_vault: Template) -> None:
    """Pages are checked when read: a flip in the last page shows up on the query that reads
    it, as VaultDamaged (a message with what to do), and integrity_ok says False."""
    database = closed_vault.home / "vault.db"
    data = bytearray(database.read_bytes())
    assert len(data) >= 3 * 4096
    data[-100] ^= 1
    database.write_bytes(bytes(data))
    vault = Vault(closed_vault.home)
    try:
        vault.unlock_with_recovery_code(closed_vault.recovery_code)  # page 1 and schema: fine
        assert not vault.database.integrity_ok()
        with pytest.raises(VaultDamaged):
            vault.database.query("SELECT * FROM notes")
    finally:
        vault.close()


def test_missing_database_is_a_clear_error(closed_vault: Template) -> None:
    (closed_vault.home / "vault.db").unlink()
    before = unchanged_by(closed_vault.home)
    vault = Vault(closed_vault.home)
    try:
        with pytest.raises(VaultDamaged) as caught:
            vault.unlock_with_passphrase(PASSPHRASE)
        assert "missing" in caught.value.message
        assert caught.value.hint  # says what to do
    finally:
        vault.close()
    assert unchanged_by(closed_vault.home) == before
    assert not (closed_vault.home / "vault.db").exists()  # not silently re-created empty


@pytest.mark.parametrize(("damage", "error"), [
    ("database is a folder", VaultDamaged),
    ("database is a FIFO", VaultDamaged),
    ("key file links to itself", KeyFileDamaged),
    ("key file links to /dev/zero", KeyFileDamaged),
    ("key file is a FIFO", KeyFileDamaged),
    ("key file is a folder", KeyFileDamaged),
])
def test_hostile_things_in_place_of_the_vault_files(closed_vault: Template, damage: str,
                                                    error: type[Exception]) -> None:
    """Each is one clear error, never a hang (a FIFO, an endless device) or a crash."""
    home = closed_vault.home
    target = home / ("vault.db" if damage.startswith("database") else "vault.key")
    target.unlink()
    if damage.endswith("folder"):
        target.mkdir()
    elif damage.endswith("FIFO"):
        os.mkfifo(target)
    elif damage.endswith("itself"):
        target.symlink_to(target.name)
    else:
        target.symlink_to("/dev/zero")
    vault = Vault(home)
    try:
        with pytest.raises(error):
            vault.unlock_with_recovery_code(closed_vault.recovery_code)
        assert not vault.is_unlocked
    finally:
        vault.close()


def test_a_key_file_asking_for_too_costly_a_derivation_is_refused_quickly(
        closed_vault: Template) -> None:
    """A hostile (or foreign) key file may ask for 1 GiB and 64 passes, a minute per unlock:
    it is refused after one derivation at the floor, before the costly one is tried; the
    recovery code, which needs no Argon2id, still opens the vault."""
    import time

    from storage.errors import KeyDerivationTooCostly
    from storage.kdf import MAX_ITERATIONS, MAX_MEMORY_KIB, Argon2Params
    from storage.keyfile import PASSPHRASE_SLOT, KeyFile, KeySlot

    path = closed_vault.home / "vault.key"
    key_file = KeyFile.from_bytes(path.read_bytes())
    slot = key_file.slots[PASSPHRASE_SLOT]
    key_file.slots[PASSPHRASE_SLOT] = KeySlot(slot.kdf, slot.salt, slot.nonce, slot.wrapped,
                                              Argon2Params(MAX_MEMORY_KIB, MAX_ITERATIONS))
    path.write_bytes(key_file.to_bytes())
    vault = Vault(closed_vault.home)
    try:
        started = time.monotonic()
        with pytest.raises(KeyDerivationTooCostly, match=r"about \d+ seconds on this computer"):
            vault.unlock_with_passphrase(PASSPHRASE)
        assert time.monotonic() - started < 10  # one floor derivation, not a minute
        vault.unlock_with_recovery_code(closed_vault.recovery_code)
        assert vault.is_unlocked
    finally:
        vault.close()


def test_costs_calibration_can_choose_are_not_measured(monkeypatch: pytest.MonkeyPatch) -> None:
    from storage import kdf

    calls: list[object] = []
    monkeypatch.setattr(kdf, "derive_passphrase_key", lambda *args: calls.append(args))
    kdf.check_affordable(kdf.Argon2Params(kdf.MAX_MEMORY_KIB, kdf.MIN_ITERATIONS))
    kdf.check_affordable(kdf.FLOOR)
    assert calls == []


# -- rekey --------------------------------------------------------------------------------------


def test_rekey_retires_the_old_key_file_and_recovery_code(closed_vault: Template,
                                                          tmp_path: Path) -> None:
    """After a rekey, a copy of the old key file (with the old passphrase or recovery code)
    opens nothing; the vault opens with the new passphrase and recovery code, its content
    whole, and nothing of the old files is left in the folder."""
    home = closed_vault.home
    old_key_file = (home / "vault.key").read_bytes()
    vault = Vault(home)
    vault.unlock_with_recovery_code(closed_vault.recovery_code)
    code = vault.rekey(PASSPHRASE, OTHER_PASSPHRASE)
    assert notes(vault) == list(NOTES)
    vault.close()
    assert sorted(p.name for p in home.iterdir()) == ["vault.db", "vault.key", "vault.lock"]

    again = Vault(home)
    with pytest.raises(WrongPassphrase):
        again.unlock_with_passphrase(PASSPHRASE)
    again.unlock_with_passphrase(OTHER_PASSPHRASE)
    assert notes(again) == list(NOTES)
    again.close()
    again.unlock_with_recovery_code(code)
    again.close()

    # An attacker's copy of the old key file, put back: its keys no longer open the database.
    (home / "vault.key").write_bytes(old_key_file)
    stale = Vault(home)
    with pytest.raises(VaultDamaged):
        stale.unlock_with_passphrase(PASSPHRASE)
    with pytest.raises(VaultDamaged):
        stale.unlock_with_recovery_code(closed_vault.recovery_code)
    stale.close()


def test_rekey_with_a_wrong_passphrase_changes_nothing(closed_vault: Template) -> None:
    before = snapshot(closed_vault.home, skip=("vault.lock",))
    vault = Vault(closed_vault.home)
    with pytest.raises(WrongPassphrase):
        vault.rekey("not the passphrase", OTHER_PASSPHRASE)
    vault.close()
    assert snapshot(closed_vault.home, skip=("vault.lock",)) == before
