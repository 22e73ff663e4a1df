"""Template vaults: made once per session, copied into each test's home instead of created
afresh.

Creating a vault costs an Argon2id derivation (a new salt, so nothing to remember) plus the
schema migrations; copying three small files costs almost nothing. A copy is a real vault:
unlocking it reads its own key file and derives (or recalls, see cli_memo.py) the key for its
own salt. Every copy of one template shares that template's vault id, data key and recovery
code, so tests that need vaults which differ in those (two vaults remembered in one keyring,
say) create their own with `CompanionApp.create_vault`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from companion.app import CompanionApp
from companion.clock import Clock
from storage.kdf import FLOOR
from storage.paths import ensure_private_dir

# The tests' passphrase (tests.conftest.PASSPHRASE) and every template's.
PASSPHRASE = "correct horse battery staple"
VAULT_FILES = ("vault.db", "vault.key", "vault.lock")

_root: list[Path] = []
_empty: list[Path] = []


def set_template_root(folder: Path) -> None:
    """Where templates are made (tests/conftest.py gives a session temporary folder)."""
    _root[:] = [folder]
    _empty.clear()


def make_template(folder: Path, passphrase: str = PASSPHRASE) -> Path:
    """An empty vault in `folder`, created and closed again (as `companion init` leaves it).

    At the floor parameters whatever the test that first asks has set: a template may be made
    in the middle of any test."""
    app = CompanionApp(folder)
    app.create_vault(passphrase, passphrase, params=FLOOR)
    app.close()
    assert sorted(p.name for p in folder.iterdir()) == sorted(VAULT_FILES)
    return folder


def empty_template() -> Path:
    """The session's empty vault (passphrase PASSPHRASE), made on first use."""
    if not _empty:
        assert _root, "tests/conftest.py sets the template folder before any test runs"
        _empty.append(make_template(_root[0] / "empty"))
    return _empty[0]


def install_vault(template: Path, home: Path) -> Path:
    """Copy the template's vault files into `home` (a private folder, made if missing)."""
    ensure_private_dir(home)  # as creating the vault there would have left it
    for path in template.iterdir():
        shutil.copy2(path, home / path.name)
    return home


def copy_of_empty_vault(home: Path, clock: Clock | None = None) -> CompanionApp:
    """A new, empty, unlocked vault in `home`: a copy of the empty template (see above for
    what copies share)."""
    app = CompanionApp(install_vault(empty_template(), home), clock=clock)
    app.unlock(PASSPHRASE)
    return app
