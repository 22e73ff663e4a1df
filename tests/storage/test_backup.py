"""Backups: one encrypted file; restoring checks everything before it touches anything, and
keeps the vault it replaces."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage import backup
from storage.backup import MAGIC, read_backup_header, restore_backup, write_backup
from storage.errors import BackupInvalid, VaultAlreadyOpen, VaultLocked, WrongPassphrase
from storage.vault import Vault
from tests.storage.conftest import Template
from tests.support.storage_helpers import (
    NOTES,
    OTHER_PASSPHRASE,
    PASSPHRASE,
    flip_bit,
    listing,
    mode,
    notes,
    snapshot,
)


@pytest.fixture(scope="module")
def made_backup(tmp_path_factory: pytest.TempPathFactory, vault_template: Template) -> Path:
    """A backup of (a copy of) the template vault, made once for the read-only tests."""
    folder = tmp_path_factory.mktemp("backup")
    home = folder / "vault"
    shutil.copytree(vault_template.home, home)
    vault = Vault(home)
    vault.unlock_with_recovery_code(vault_template.recovery_code)
    try:
        write_backup(vault, folder / "vault.cbak")
    finally:
        vault.close()
    return folder / "vault.cbak"


def restored_notes(home: Path, passphrase: str = PASSPHRASE, *, code: str | None = None,
                   ) -> list[str]:
    """The notes of the vault in `home`, unlocked with `passphrase` (or `code`, cheaper)."""
    vault = Vault(home)
    if code is not None:
        vault.unlock_with_recovery_code(code)
    else:
        vault.unlock_with_passphrase(passphrase)
    try:
        assert vault.database.integrity_ok()
        return notes(vault)
    finally:
        vault.close()


def rechecksummed(data: bytes) -> bytes:
    """`data` (a backup without its last 32 bytes) with a correct checksum appended."""
    return data + hashlib.sha256(data).digest()


def header_parts(data: bytes) -> tuple[dict[str, object], int]:
    (length,) = struct.unpack(">I", data[len(MAGIC) + 1 : len(MAGIC) + 5])
    start = len(MAGIC) + 5
    return json.loads(data[start : start + length]), start + length


# -- writing -----------------------------------------------------------------------------------


def test_backup_file_format(made_backup: Path, vault_template: Template) -> None:
    data = made_backup.read_bytes()
    assert data.startswith(MAGIC + b"\x01")
    assert mode(made_backup) == 0o600
    header, offset = header_parts(data)
    assert header["vault_id"] == vault_template.vault_id
    assert isinstance(header["created_utc"], int)
    assert data[-32:] == hashlib.sha256(data[:-32]).digest()
    assert read_backup_header(made_backup) == (header, offset, len(data) - 32 - offset)
    for note in NOTES:  # nothing readable inside
        assert note.encode() not in data
    assert b"SQLite format 3" not in data


def test_backup_then_restore_into_a_fresh_home(vault: Vault, tmp_path: Path) -> None:
    with vault.database.transaction() as cur:  # still in the WAL when the backup is made
        cur.execute("INSERT INTO notes (body) VALUES ('written just before the backup')")
    target = tmp_path / "backups" / "mine.cbak"
    target.parent.mkdir()
    size = write_backup(vault, target)
    assert size == target.stat().st_size
    assert os.listdir(target.parent) == ["mine.cbak"]

    fresh = tmp_path / "fresh" / "home"
    result = restore_backup(fresh, target, PASSPHRASE)
    assert result.vault_id == vault.vault_id
    assert result.previous_vault_kept_in is None
    assert restored_notes(fresh) == [*NOTES, "written just before the backup"]
    assert mode(fresh) == 0o700
    assert sorted(os.listdir(fresh)) == ["vault.db", "vault.key", "vault.lock"]


def test_backup_needs_an_unlocked_vault(closed_vault: Template, tmp_path: Path) -> None:
    vault = Vault(closed_vault.home).open()
    try:
        with pytest.raises(VaultLocked):
            write_backup(vault, tmp_path / "x.cbak")
    finally:
        vault.close()
    assert not (tmp_path / "x.cbak").exists()


def test_backup_keeps_the_passphrase_in_force_when_it_was_made(vault: Vault,
                                                               tmp_path: Path) -> None:
    write_backup(vault, tmp_path / "old.cbak")
    vault.change_passphrase(PASSPHRASE, OTHER_PASSPHRASE)
    with pytest.raises(WrongPassphrase):
        restore_backup(tmp_path / "a", tmp_path / "old.cbak", OTHER_PASSPHRASE)
    assert not (tmp_path / "a").exists()
    restore_backup(tmp_path / "b", tmp_path / "old.cbak", PASSPHRASE)
    assert restored_notes(tmp_path / "b") == list(NOTES)


# -- restoring: the secret ---------------------------------------------------------------------


def test_the_recovery_code_also_restores(made_backup: Path, vault_template: Template,
                                         tmp_path: Path) -> None:
    code = vault_template.recovery_code
    for n, typed in enumerate((code, code.lower().replace("-", ""))):
        home = tmp_path / f"home{n}"
        restore_backup(home, made_backup, typed)
        assert restored_notes(home, code=code) == list(NOTES)


def test_wrong_passphrase_changes_nothing(made_backup: Path, closed_vault: Template,
                                          tmp_path: Path) -> None:
    before = snapshot(closed_vault.home)
    names = listing(closed_vault.home)
    # A wrong passphrase, and a well-formed recovery code that is not this vault's.
    for wrong in (PASSPHRASE.upper(), "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH"):
        with pytest.raises(WrongPassphrase):
            restore_backup(closed_vault.home, made_backup, wrong)
    with pytest.raises(WrongPassphrase):
        restore_backup(tmp_path / "fresh", made_backup, "")
    assert snapshot(closed_vault.home) == before
    assert listing(closed_vault.home) == names
    assert not (tmp_path / "fresh").exists()


# -- restoring: files that are not (whole) backups ---------------------------------------------


def assert_refused(source: Path, home: Path) -> None:
    """Restoring `source` into `home` is BackupInvalid, and `home` is exactly as it was."""
    before, names = snapshot(home), listing(home)
    with pytest.raises(BackupInvalid):
        restore_backup(home, source, PASSPHRASE)
    assert snapshot(home) == before
    assert listing(home) == names


@pytest.mark.parametrize("cut", [0, 1, len(MAGIC), len(MAGIC) + 3, 100, -33, -32, -31, -1,
                                 "half", "header"])
def test_truncated_backup(made_backup: Path, closed_vault: Template, tmp_path: Path,
                          cut: int | str) -> None:
    data = made_backup.read_bytes()
    if cut == "half":
        cut = len(data) // 2
    elif cut == "header":
        cut = header_parts(data)[1] - 10
    assert isinstance(cut, int)
    source = tmp_path / "cut.cbak"
    source.write_bytes(data[:cut])
    assert_refused(source, closed_vault.home)
    assert_refused(source, tmp_path / "fresh")


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_truncation_or_bit_flip_is_refused(made_backup: Path, closed_vault: Template,
                                               tmp_path: Path, data: st.DataObject) -> None:
    original = made_backup.read_bytes()
    if data.draw(st.booleans(), label="truncate"):
        damaged = original[: data.draw(st.integers(0, len(original) - 1), label="length")]
    else:
        bits = data.draw(st.lists(st.integers(0, len(original) * 8 - 1), min_size=1,
                                  max_size=4, unique=True), label="bits")
        damaged = original
        for bit in bits:
            damaged = flip_bit(damaged, bit)
    source = tmp_path / "damaged.cbak"
    source.write_bytes(damaged)
    assert_refused(source, closed_vault.home)


@pytest.mark.parametrize("what", ["empty", "text", "random", "key file", "database",
                                  "folder", "missing", "magic only", "newer version"])
def test_not_a_backup(what: str, made_backup: Path, closed_vault: Template,
                      tmp_path: Path) -> None:
    source = tmp_path / "source"
    if what == "empty":
        source.write_bytes(b"")
    elif what == "text":
        source.write_text("Dear diary, this is not a backup.\n" * 10)
    elif what == "random":
        source.write_bytes(os.urandom(100_000))
    elif what == "key file":
        source.write_bytes((closed_vault.home / "vault.key").read_bytes())
    elif what == "database":
        source.write_bytes((closed_vault.home / "vault.db").read_bytes())
    elif what == "folder":
        source.mkdir()
    elif what == "magic only":
        source.write_bytes(MAGIC + b"\x01")
    elif what == "newer version":
        data = made_backup.read_bytes()
        source.write_bytes(rechecksummed(MAGIC + b"\x02" + data[len(MAGIC) + 1 : -32]))
    assert_refused(source, closed_vault.home)


@pytest.mark.parametrize("damage", ["inner page", "inner first page", "inner empty",
                                    "key file", "header not json", "header nested",
                                    "header length"])
def test_damage_behind_a_valid_checksum_is_refused(made_backup: Path, closed_vault: Template,
                                                   tmp_path: Path, damage: str) -> None:
    """Someone (or something) rewrote the checksum: the content is checked all the same."""
    data = made_backup.read_bytes()[:-32]
    header, offset = header_parts(data + bytes(32))
    if damage == "inner page":
        body = bytearray(data)
        body[len(body) - 300] ^= 0x01
        data = bytes(body)
    elif damage == "inner first page":
        body = bytearray(data)
        body[offset + 200] ^= 0x01
        data = bytes(body)
    elif damage == "inner empty":
        data = data[:offset]
    elif damage in ("key file", "header not json", "header nested", "header length"):
        if damage == "key file":
            header["key_file"] = "AAAA" + str(header["key_file"])[4:]
            new_header = json.dumps(header).encode()
        elif damage == "header not json":
            new_header = b"{not json"
        elif damage == "header nested":
            new_header = b"[" * 200_000
        else:
            new_header = json.dumps(header).encode()
        length = len(new_header) + (1000 if damage == "header length" else 0)
        data = MAGIC + b"\x01" + struct.pack(">I", length) + new_header + data[offset:]
    source = tmp_path / "damaged.cbak"
    source.write_bytes(rechecksummed(data))
    assert_refused(source, closed_vault.home)


# -- restoring over a vault --------------------------------------------------------------------


def test_restore_over_an_existing_vault_keeps_the_old_one(closed_vault: Template,
                                                          tmp_path: Path) -> None:
    # Another vault, with other content and another passphrase, backed up.
    other, _ = Vault.create(tmp_path / "other", OTHER_PASSPHRASE)
    with other.database.transaction() as cur:
        cur.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
        cur.execute("INSERT INTO notes (body) VALUES ('from the other vault')")
    write_backup(other, tmp_path / "other.cbak")
    other.close()
    old_files = snapshot(closed_vault.home, skip=("vault.lock",))

    result = restore_backup(closed_vault.home, tmp_path / "other.cbak", OTHER_PASSPHRASE)

    kept = result.previous_vault_kept_in
    assert kept is not None
    assert kept.parent == closed_vault.home
    assert kept.name.startswith("pre-restore-")
    assert mode(kept) == 0o700
    assert snapshot(kept) == old_files  # the whole old vault, byte for byte
    assert restored_notes(closed_vault.home, OTHER_PASSPHRASE) == ["from the other vault"]
    with pytest.raises(WrongPassphrase):
        restored_notes(closed_vault.home, PASSPHRASE)
    assert restored_notes(kept, PASSPHRASE) == list(NOTES)  # the kept one is a vault
    leftovers = [name for name in os.listdir(closed_vault.home) if name.startswith(".")]
    assert leftovers == []


def test_restore_twice_keeps_both_previous_vaults(made_backup: Path, closed_vault: Template,
                                                  ) -> None:
    code = closed_vault.recovery_code  # the template's, so also the backup's: no Argon2id
    first = restore_backup(closed_vault.home, made_backup, code).previous_vault_kept_in
    second = restore_backup(closed_vault.home, made_backup, code).previous_vault_kept_in
    assert first is not None and second is not None and first != second
    assert sorted(p.name for p in closed_vault.home.iterdir()
                  if p.name.startswith("pre-restore-")) == sorted([first.name, second.name])
    assert restored_notes(closed_vault.home, code=code) == list(NOTES)
    assert restored_notes(second, code=code) == list(NOTES)


def test_restore_refused_while_the_vault_is_open_here(made_backup: Path, vault: Vault) -> None:
    before = snapshot(vault.paths.home)
    with pytest.raises(VaultAlreadyOpen):
        restore_backup(vault.paths.home, made_backup, PASSPHRASE)
    assert snapshot(vault.paths.home) == before
    assert notes(vault) == list(NOTES)


def test_backup_module_constants() -> None:
    assert MAGIC == b"COMPANION-BACKUP\n"
    assert backup.VERSION == 1
