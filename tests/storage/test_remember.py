"""Remember on this device: the data key in the OS keyring (here the documented file stand-in,
tests/support/file_keyring.py), and life without any keyring."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

import pytest

from storage import keyring_store
from storage.database import Database, open_keyed
from storage.errors import KeyringUnavailable, VaultDamaged, VaultLocked
from storage.vault import Vault
from tests.storage.conftest import Template
from tests.support.file_keyring import ENV as KEYRING_ENV
from tests.support.file_keyring import FileKeyring
from tests.support.storage_helpers import NOTES, PASSPHRASE, notes, snapshot


def keyring_entries() -> dict[str, str]:
    path = Path(os.environ[KEYRING_ENV])
    return dict(json.loads(path.read_text())) if path.exists() else {}


def test_remember_then_unlock_with_keyring(file_keyring: FileKeyring,
                                           closed_vault: Template) -> None:
    vault = Vault(closed_vault.home)
    try:
        assert not vault.is_remembered()
        assert vault.unlock_with_keyring() is False
        vault.unlock_with_passphrase(PASSPHRASE)
        vault.remember()
        assert vault.is_remembered()
    finally:
        vault.close()

    entries = keyring_entries()
    assert list(entries) == [f"{keyring_store.SERVICE}/vault-{closed_vault.vault_id}"]
    assert len(bytes.fromhex(next(iter(entries.values())))) == 32

    again = Vault(closed_vault.home)
    try:
        assert again.unlock_with_keyring() is True
        assert notes(again) == list(NOTES)
        assert again.forget() is True
        assert not again.is_remembered()
        assert again.forget() is False
    finally:
        again.close()
    assert keyring_entries() == {}

    third = Vault(closed_vault.home)
    try:
        assert third.unlock_with_keyring() is False
        assert not third.is_unlocked
    finally:
        third.close()


def test_remember_needs_an_unlocked_vault(file_keyring: FileKeyring,
                                          closed_vault: Template) -> None:
    vault = Vault(closed_vault.home)
    try:
        with pytest.raises(VaultLocked):
            vault.remember()
    finally:
        vault.close()
    assert keyring_entries() == {}


def test_without_a_keyring_backend(closed_vault: Template) -> None:
    # The default in tests: keyring's "fail" backend, as on a machine with no keyring at all.
    assert not keyring_store.available()
    vault = Vault(closed_vault.home)
    try:
        assert vault.unlock_with_keyring() is False
        assert not vault.is_unlocked
        vault.unlock_with_passphrase(PASSPHRASE)
        with pytest.raises(KeyringUnavailable):
            vault.remember()
        assert vault.is_remembered() is False
        assert vault.forget() is False
        assert notes(vault) == list(NOTES)  # everything else works
    finally:
        vault.close()
    assert keyring_entries() == {}


def test_a_remembered_key_proven_wrong_is_forgotten(file_keyring: FileKeyring,
                                                     closed_vault: Template) -> None:
    """A key that does not open the database is not used; it is removed only once the
    passphrase shows that the vault's key is another one."""
    keyring_store.store_key(closed_vault.vault_id, secrets.token_bytes(32))
    before = snapshot(closed_vault.home, skip=("vault.lock",))
    vault = Vault(closed_vault.home)
    try:
        assert vault.unlock_with_keyring() is False  # not an error
        assert not vault.is_unlocked
        assert vault.is_remembered()  # not proven wrong yet
        assert snapshot(closed_vault.home, skip=("vault.lock",)) == before
        vault.unlock_with_passphrase(PASSPHRASE)
        assert notes(vault) == list(NOTES)
        assert keyring_entries() == {}  # proven wrong, and gone
    finally:
        vault.close()


def test_a_database_swapped_for_a_moment_keeps_the_remembered_key(
        file_keyring: FileKeyring, vault: Vault, tmp_path: Path) -> None:
    """A sync tool or a restore can put another file in place for a moment: the remembered
    key does not open it, but it is still this vault's key and stays remembered."""
    vault.remember()
    vault.close()
    database = vault.paths.database
    kept = tmp_path / "kept.db"
    database.rename(kept)
    other = Database(open_keyed(database, secrets.token_bytes(32)))  # another vault's file
    other.close()
    again = Vault(vault.paths.home)
    try:
        assert again.unlock_with_keyring() is False
        database.unlink()
        kept.rename(database)  # the swap is over
        again.unlock_with_passphrase(PASSPHRASE)
        assert again.is_remembered()
    finally:
        again.close()
    third = Vault(vault.paths.home)
    try:
        assert third.unlock_with_keyring() is True
    finally:
        third.close()


@pytest.mark.parametrize("stored", ["not hex", "abcd", ""])
def test_a_malformed_keyring_entry_is_no_key(file_keyring: FileKeyring, closed_vault: Template,
                                            stored: str) -> None:
    file_keyring.set_password(keyring_store.SERVICE, f"vault-{closed_vault.vault_id}", stored)
    vault = Vault(closed_vault.home)
    try:
        assert vault.unlock_with_keyring() is False
        assert not vault.is_unlocked
    finally:
        vault.close()


def test_a_missing_database_is_reported_and_the_key_kept(file_keyring: FileKeyring,
                                                         vault: Vault) -> None:
    vault.remember()
    vault.close()
    (vault.paths.database).unlink()
    again = Vault(vault.paths.home)
    try:
        with pytest.raises(VaultDamaged):
            again.unlock_with_keyring()
        assert again.is_remembered()  # the key was right; only the file is gone
    finally:
        again.close()


def test_each_vault_has_its_own_entry(file_keyring: FileKeyring, vault: Vault,
                                      tmp_path: Path) -> None:
    other, _ = Vault.create(tmp_path / "other", PASSPHRASE)
    try:
        vault.remember()
        other.remember()
        assert len(keyring_entries()) == 2
        assert vault.forget() is True
        assert other.is_remembered()
    finally:
        other.close()
