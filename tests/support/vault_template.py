"""Template vaults: made once, copied into each test's home instead of created afresh.

Creating a vault costs an Argon2id derivation plus the schema migrations; copying two small
files costs almost nothing. A copy is a real vault: unlocking it reads its own key file and
derives (or recalls, see cli_memo.py) the key for its own salt. Every copy of one template
shares that template's vault id, data key and recovery code: a test that needs a vault of its
own (two vaults that must differ) creates one with `CompanionApp.create_vault`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from companion.app import CompanionApp
from companion.clock import Clock
from storage.paths import ensure_private_dir

VAULT_FILES = ("vault.db", "vault.key", "vault.lock")


def make_template(folder: Path, passphrase: str, clock: Clock | None = None) -> Path:
    """An empty vault in `folder`, created and closed again (as `companion init` leaves it)."""
    app = CompanionApp(folder, clock=clock)
    app.create_vault(passphrase, passphrase)
    app.close()
    assert sorted(p.name for p in folder.iterdir()) == sorted(VAULT_FILES)
    return folder


def install_vault(template: Path, home: Path) -> Path:
    """Copy the template's vault files into `home` (a private folder, made if missing)."""
    ensure_private_dir(home)  # as creating the vault there would have left it
    for path in template.iterdir():
        shutil.copy2(path, home / path.name)
    return home
