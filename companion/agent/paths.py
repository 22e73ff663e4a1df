"""Where a vault's unlock session listens, and the checks that make it safe to use.

One folder per user: `$XDG_RUNTIME_DIR/companion` (a tmpfs that only the user can enter and
that the system empties at logout), else `companion-UID` in the temp folder. It must be a real
folder (not a symlink), owned by this user, with no access for anyone else; the socket in it
must be a socket owned by this user with mode 0600. Anything else is refused and said, never
used: another local user could otherwise plant a socket that collects data keys.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from companion.errors import UserError

# sockaddr_un holds 108 bytes on Linux (104 on the BSDs); keep well inside.
MAX_SOCKET_PATH = 100


class SessionUnsafe(UserError):
    """The session folder or socket is not private to this user, so it is not used."""


@dataclass(frozen=True)
class SessionPaths:
    folder: Path
    socket: Path
    lock: Path  # held (flock) by the running agent for its whole life


def session_folder() -> Path:
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isabs(runtime) and os.path.isdir(runtime):
        return Path(runtime) / "companion"
    import tempfile  # only without a runtime folder: it loads shutil and random

    return Path(tempfile.gettempdir()) / f"companion-{os.getuid()}"


def session_paths(home: Path) -> SessionPaths:
    """The paths of the session for the vault in `home` (one per vault folder)."""
    folder = session_folder()
    digest = hashlib.sha256(os.fsencode(os.path.realpath(home))).hexdigest()[:24]
    return SessionPaths(folder, folder / f"{digest}.sock", folder / f"{digest}.lock")


def socket_path_fits(paths: SessionPaths) -> bool:
    """Whether the socket's path fits a Unix socket address (else no session can exist)."""
    return len(os.fsencode(paths.socket)) <= MAX_SOCKET_PATH


def check_socket_path_fits(paths: SessionPaths) -> None:
    if not socket_path_fits(paths):
        raise UserError(f"The unlock-session folder {paths.folder} has too long a path for a "
                        "socket, so no session can start.",
                        "Set XDG_RUNTIME_DIR (or TMPDIR) to a shorter folder.")


def check_private_folder(folder: Path, *, create: bool) -> bool:
    """True if `folder` is there and private; False if absent (and not `create`)."""
    if create:
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            pass
        except OSError as exc:
            raise UserError(f"Cannot make the unlock-session folder {folder}: "
                            f"{exc.strerror or exc}.") from None
    return _owner_only(folder, stat.S_ISDIR, "folder", "a symlink")


def check_private_socket(socket_path: Path) -> bool:
    """True if the socket is there and private; False if absent."""
    return _owner_only(socket_path, stat.S_ISSOCK, "socket", "not a socket")


def _owner_only(path: Path, is_kind: Callable[[int], bool], name: str, unlike: str) -> bool:
    """True if `path` is of the right kind, this user's, and closed to everyone else; False
    if it is absent; `SessionUnsafe` (said, never used) otherwise. lstat: a symlink is never
    the right kind, so nobody can point the session somewhere else."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return False
    if is_kind(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077:
        return True
    raise SessionUnsafe(f"The unlock-session {name} {path} is not private ({unlike}, "
                        "another user's, or open to others), so it was not used.",
                        "Remove it; `companion unlock` makes a new one.")
