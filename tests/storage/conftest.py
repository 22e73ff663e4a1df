"""Fixtures for the storage tests.

Creating or unlocking a vault costs one Argon2id derivation (about 0.12 s at the floor), so a
vault is created once per session and copied into each test that only needs "a vault that
exists": `closed_vault` (locked, not open) and `vault` (unlocked).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from storage.vault import Vault
from tests.support.storage_helpers import NOTES, PASSPHRASE


@dataclass(frozen=True)
class Template:
    home: Path
    recovery_code: str
    vault_id: str


@pytest.fixture(scope="session")
def vault_template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """One vault with a `notes` table holding NOTES, closed; copied by the fixtures below."""
    home = tmp_path_factory.mktemp("template") / "vault"
    vault, code = Vault.create(home, PASSPHRASE)
    try:
        with vault.database.transaction() as cur:
            cur.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
            for note in NOTES:
                cur.execute("INSERT INTO notes (body) VALUES (?)", (note,))
        vault_id = vault.vault_id
    finally:
        vault.close()
    # vault.lock stays, as with any vault that has been opened: it is part of the folder.
    assert sorted(p.name for p in home.iterdir()) == ["vault.db", "vault.key", "vault.lock"]
    return Template(home, code, vault_id)


@pytest.fixture
def closed_vault(private_home: Path, vault_template: Template) -> Template:
    """A copy of the template vault in this test's home: it exists, nobody has it open."""
    shutil.copytree(vault_template.home, private_home)
    return Template(private_home, vault_template.recovery_code, vault_template.vault_id)


@pytest.fixture
def vault(closed_vault: Template) -> Iterator[Vault]:
    """The template vault, unlocked (closed again after the test). It is unlocked with the
    recovery code, which costs no Argon2id; its passphrase is PASSPHRASE all the same."""
    opened = Vault(closed_vault.home)
    opened.unlock_with_recovery_code(closed_vault.recovery_code)
    yield opened
    opened.close()
