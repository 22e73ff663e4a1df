"""Where the vault lives: one folder per user, made private (0700).

The folder comes from `--home`, else `COMPANION_HOME`, else platformdirs' user data folder.
"""

from __future__ import annotations

import os
import stat
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
    """Create `path` (and parents) readable by the owner only, or make an existing folder of
    the user's so. A folder others may write to (a shared one such as /tmp, with its sticky
    bit) or that belongs to someone else is refused, never changed: its mode is not ours to
    take away, and files in it are not safe from others."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        if os.name == "posix":
            info = path.stat()
            if info.st_uid != os.getuid():
                raise UserError(f"Cannot use {path}: it belongs to another user.",
                                "Choose a folder of your own with --home (or COMPANION_HOME).")
            if info.st_mode & (stat.S_ISVTX | stat.S_IWGRP | stat.S_IWOTH):
                raise UserError(f"Cannot use {path}: it is a shared folder that others can "
                                "write to, and it was left as it is.",
                                f"Use a folder of your own inside it, such as "
                                f"{path / 'companion'}.")
            if stat.S_IMODE(info.st_mode) != 0o700:
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
