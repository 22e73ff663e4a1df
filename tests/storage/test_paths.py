"""The vault folder is the user's own: a shared or someone else's folder is refused and left
as it is; a folder of the user's is made private."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from storage.errors import UserError
from storage.paths import ensure_private_dir
from storage.vault import Vault
from tests.support.storage_helpers import PASSPHRASE


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("shared_mode", [0o1777, 0o777, 0o775, 0o2770])
def test_a_shared_folder_is_refused_and_left_as_it_is(tmp_path: Path, shared_mode: int) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, shared_mode)
    with pytest.raises(UserError, match="a shared folder that others can write to") as caught:
        Vault.create(shared, PASSPHRASE)
    assert str(shared / "companion") in str(caught.value)
    assert mode(shared) == shared_mode and list(shared.iterdir()) == []


def test_a_folder_of_ones_own_is_made_private(tmp_path: Path) -> None:
    mine = tmp_path / "journal"
    mine.mkdir(mode=0o755)
    os.chmod(mine, 0o755)
    assert ensure_private_dir(mine) == mine and mode(mine) == 0o700
    inner = tmp_path / "new" / "vault"
    ensure_private_dir(inner)
    assert mode(inner) == 0o700


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0,
                    reason="giving a folder to another user needs root")
def test_another_users_folder_is_refused(tmp_path: Path) -> None:
    theirs = tmp_path / "theirs"
    theirs.mkdir(mode=0o700)
    os.chown(theirs, 65534, 65534)
    with pytest.raises(UserError, match="belongs to another user"):
        ensure_private_dir(theirs)
    assert mode(theirs) == 0o700 and theirs.stat().st_uid == 65534
