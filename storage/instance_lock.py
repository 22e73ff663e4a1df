"""One process at a time per vault.

OS-level advisory locks held for as long as the vault is open, which the OS drops when the
process dies (even on SIGKILL), so a crash never leaves the vault stuck: on `vault.lock`, and
where the system allows it (Linux, macOS, the BSDs) on the vault folder itself. The folder's
lock is what holds if `vault.lock` is deleted while the vault is open (a clean-up script, a
sync tool): a second process would make a new file and lock that, but it cannot take the
folder. (The file lock stays: a Companion from before the folder lock looks only at it.)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import TracebackType

from storage.errors import VaultAlreadyOpen

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _locked(fd: int) -> int:
    """`fd`, locked; closed (and `VaultAlreadyOpen` raised) if another process holds it."""
    try:
        locked = _try_lock(fd)
    except BaseException:  # e.g. ENOLCK: do not leak the descriptor
        os.close(fd)
        raise
    if not locked:
        os.close(fd)
        raise VaultAlreadyOpen()
    return fd


class InstanceLock:
    """Exclusive, non-blocking lock; `acquire` raises `VaultAlreadyOpen` if another holds it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fds: list[int] = []

    @property
    def held(self) -> bool:
        return bool(self._fds)

    def acquire(self) -> None:
        if self._fds:
            return
        folder_fd = None
        if sys.platform != "win32":  # a folder cannot be opened, let alone locked, on Windows
            folder_fd = _locked(os.open(self.path.parent, os.O_RDONLY | os.O_DIRECTORY))
        try:
            file_fd = _locked(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        except BaseException:
            if folder_fd is not None:
                self._release(folder_fd)
            raise
        self._fds = [fd for fd in (folder_fd, file_fd) if fd is not None]

    def release(self) -> None:
        fds, self._fds = self._fds, []
        for fd in reversed(fds):
            self._release(fd)

    @staticmethod
    def _release(fd: int) -> None:
        try:
            _unlock(fd)
        finally:
            os.close(fd)

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
