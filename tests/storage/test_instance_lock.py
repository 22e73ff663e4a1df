"""One process at a time: a second process is told so, and a killed one never blocks or
damages the vault. The holders are real child processes (tests/support/storage_holder_child.py).
"""

from __future__ import annotations

import shutil
import signal
from collections.abc import Callable
from pathlib import Path

import pytest

from storage import backup
from storage.errors import VaultAlreadyOpen, VaultExists
from storage.instance_lock import InstanceLock
from storage.vault import Vault
from tests.storage.conftest import Template
from tests.support.storage_helpers import (
    NOTES,
    OTHER_PASSPHRASE,
    PASSPHRASE,
    Holder,
    mode,
    notes,
    snapshot,
)


def assert_opens_whole(home: Path) -> None:
    vault = Vault(home)
    vault.unlock_with_passphrase(PASSPHRASE)
    assert notes(vault) == list(NOTES)
    vault.close()


def test_lock_basics(tmp_path: Path) -> None:
    path = tmp_path / "vault.lock"
    first, second = InstanceLock(path), InstanceLock(path)
    held = [first.held]
    with first:
        held.append(first.held)
        first.acquire()  # again: a no-op, still held
        held.append(first.held)
        assert mode(path) == 0o600
        with pytest.raises(VaultAlreadyOpen):
            second.acquire()
        held.append(second.held)
    held.append(first.held)
    assert held == [False, True, True, False, False]
    first.release()  # again: a no-op
    second.acquire()
    assert second.held
    second.release()


def test_a_second_process_is_told_the_vault_is_open(closed_vault: Template,
                                                    tmp_path: Path) -> None:
    holder = Holder(closed_vault.home)
    try:
        before = snapshot(closed_vault.home)
        attempts: list[Callable[[Vault], object]] = [
            lambda vault: vault.open(),
            lambda vault: vault.unlock_with_passphrase(PASSPHRASE),
            lambda vault: vault.unlock_with_recovery_code(closed_vault.recovery_code),
            lambda vault: vault.change_passphrase(PASSPHRASE, OTHER_PASSPHRASE),
        ]
        for attempt in attempts:
            vault = Vault(closed_vault.home)
            with pytest.raises(VaultAlreadyOpen):
                attempt(vault)
            assert not vault.is_unlocked
            vault.close()
        with pytest.raises(VaultExists):
            Vault.create(closed_vault.home, PASSPHRASE)
        assert snapshot(closed_vault.home) == before
    finally:
        assert holder.stop() == 0
    assert_opens_whole(closed_vault.home)  # once the holder has closed it, it opens here


def test_restore_is_refused_while_another_process_has_the_vault(closed_vault: Template,
                                                                 tmp_path: Path) -> None:
    # A backup of a copy of the same vault, made elsewhere.
    copy_home = tmp_path / "copy"
    shutil.copytree(closed_vault.home, copy_home)
    copy = Vault(copy_home)
    copy.unlock_with_passphrase(PASSPHRASE)
    backup.write_backup(copy, tmp_path / "copy.cbak")
    copy.close()

    holder = Holder(closed_vault.home)
    try:
        before = snapshot(closed_vault.home)
        with pytest.raises(VaultAlreadyOpen):
            backup.restore_backup(closed_vault.home, tmp_path / "copy.cbak", PASSPHRASE)
        assert snapshot(closed_vault.home) == before
    finally:
        holder.stop()


@pytest.mark.parametrize("mode_name", ["idle", "mid-write"])
def test_after_the_holder_is_killed_the_vault_opens_intact(closed_vault: Template,
                                                           mode_name: str) -> None:
    vault = Vault(closed_vault.home)
    vault.unlock_with_passphrase(PASSPHRASE)
    with vault.database.transaction() as cur:
        cur.execute("CREATE TABLE scratch (id INTEGER PRIMARY KEY, body BLOB)")
    vault.close()

    holder = Holder(closed_vault.home, mode=mode_name)
    with pytest.raises(VaultAlreadyOpen):
        Vault(closed_vault.home).open()
    if mode_name == "mid-write":
        # The uncommitted transaction has spilled into the WAL: a crash now must lose only it.
        assert (closed_vault.home / "vault.db-wal").stat().st_size > 1_000_000
    assert holder.kill() == -signal.SIGKILL

    vault = Vault(closed_vault.home)
    vault.unlock_with_passphrase(PASSPHRASE)
    try:
        assert vault.database.integrity_ok()
        assert notes(vault) == list(NOTES)
        bodies = [row[0] for row in vault.database.query("SELECT body FROM scratch")]
        if mode_name == "mid-write":
            assert bodies == ["committed by the child"]  # committed: kept; the rest: gone
        else:
            assert bodies == []
        with vault.database.transaction() as cur:  # and it takes writes again
            cur.execute("INSERT INTO scratch (body) VALUES ('after the crash')")
    finally:
        vault.close()


def test_deleting_the_lock_file_does_not_let_a_second_process_in(closed_vault: Template) -> None:
    """A clean-up script or a sync tool may delete `vault.lock` while the vault is open: the
    lock on the folder still keeps a second process out, and the vault opens once free."""
    holder = Holder(closed_vault.home)
    try:
        (closed_vault.home / "vault.lock").unlink()
        vault = Vault(closed_vault.home)
        with pytest.raises(VaultAlreadyOpen):
            vault.unlock_with_passphrase(PASSPHRASE)
        assert not vault.is_unlocked
        vault.close()
    finally:
        assert holder.stop() == 0
    assert_opens_whole(closed_vault.home)
