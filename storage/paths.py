"""Where the vault lives: one folder per user, made private (0700).

The folder comes from `--home`, else `COMPANION_HOME`, else platformdirs' user data folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from storage.errors import UserError

HOME_ENV = "COMPANION_HOME"
APP_NAME = "Companion"


def default_home() -> Path:
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs  # only here: most commands name their folder, and it costs ~5 ms

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and parents) and make it readable by the owner only."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        if os.name == "posix":
            os.chmod(path, 0o700)
    except FileExistsError:
        raise UserError(f"Cannot use {path}: it is a file, not a folder.",
                        "Choose a folder with --home (or COMPANION_HOME).") from None
    except OSError as exc:
        raise UserError(f"Cannot use {path}: {exc.strerror or exc}.",
                        "Check the path and its permissions.") from None
    return path


@dataclass(frozen=True)
class VaultPaths:
    """Every file the vault owns inside its home folder."""

    home: Path

    @property
    def database(self) -> Path:
        return self.home / "vault.db"

    @property
    def key_file(self) -> Path:
        return self.home / "vault.key"

    @property
    def lock_file(self) -> Path:
        return self.home / "vault.lock"

    @property
    def database_sidecars(self) -> tuple[Path, ...]:
        """SQLite's WAL and shared-memory files, which belong to the database."""
        db = self.database
        return (db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm"))

    def exists(self) -> bool:
        return self.key_file.exists() or self.database.exists()
