"""A circle kept in a plain folder: one synced by Syncthing, Nextcloud or Dropbox, a network
share, a USB stick.

Writes go to a hidden temporary file in the same folder (`.<random>.tmp`: sync tools skip or
harmlessly copy it, and it never matches `OBJECT_NAME`, so no reader looks at it), which is
fsynced and then hard-linked to its final name. `link` fails if the name exists, so it is the
create-only step, and the final name appears with its whole content at once.

Some file systems have no hard links (FAT and exFAT sticks, some SMB shares). There the final
name is made with an exclusive create (`O_CREAT | O_EXCL`), then written and fsynced. That is
still create-only, but a reader on another device can see the file while it is being written
(or, after a crash, a truncated one). Such a file fails authentication and is tried again on a
later sync, so the cost is a retry, never a wrong message; a crash mid-write leaves a
truncated object that the protocol reports as damaged.

Every error names the folder, never content.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
import threading
from pathlib import Path

from sync.transport import (
    MAX_OBJECT_BYTES,
    ObjectNotAFile,
    ObjectTooLarge,
    StorageError,
    StorageForbidden,
    StorageFull,
    StorageMissing,
    StorageTimeout,
    StorageUnreachable,
    check_name,
)

# errno values meaning "this file system cannot make hard links" (vfat says EPERM; SMB
# without unix extensions EOPNOTSUPP); anything else from link() is a real failure.
_NO_HARD_LINKS = frozenset(
    {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS, errno.EMLINK, errno.EXDEV}
)
_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})
_FORBIDDEN = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})
_GONE = frozenset({errno.ENOENT, errno.ENOTDIR})
# A network share that went away answers with these rather than ENOENT.
_UNREACHABLE = frozenset(
    {errno.EIO, errno.ENOTCONN, errno.EHOSTDOWN, errno.EHOSTUNREACH, errno.ESTALE,
     errno.ENETDOWN, errno.ENETUNREACH, errno.ECONNREFUSED, errno.ECONNRESET}
)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_READ_CHUNK = 1 << 16


def temp_name() -> str:
    """A hidden name for a file being written: never an object name, unlikely to collide."""
    return f".{secrets.token_hex(12)}.tmp"


class FolderTransport:
    """Write-once objects as files in one folder (see the module docstring)."""

    def __init__(self, folder: Path | str, *, create: bool = False,
                 hard_links: bool | None = None) -> None:
        """`create`: let `check()` make the folder when its parent exists (at circle creation
        or join, not on every sync). `hard_links`: None finds out on the first write; False
        always uses the exclusive-create fallback (for file systems known to lack links)."""
        self.folder = Path(folder)
        self._create = create
        self._hard_links = hard_links
        self._lock = threading.Lock()
        self._requests = 0

    @property
    def description(self) -> str:
        return f"folder {self.folder}"

    @property
    def requests_made(self) -> int:
        return self._requests

    def close(self) -> None:
        """Nothing to release; here so both transports can be closed the same way."""

    def __enter__(self) -> FolderTransport:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- the Transport interface ---------------------------------------------------------------

    def check(self) -> None:
        self._count()
        try:
            info = os.stat(self.folder)
        except OSError as exc:
            if exc.errno not in _GONE:
                raise self._error(exc) from exc
            self._create_folder()
            info = os.stat(self.folder)
        if not stat.S_ISDIR(info.st_mode):
            raise StorageMissing(f"{self._place()} is not a folder.",
                                 "Choose the shared folder again.")
        # Write for real rather than trusting access(): network and FUSE file systems, read-
        # only mounts and quotas only show themselves when something is written.
        probe = self.folder / temp_name()
        try:
            fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY,
                         0o600)
            try:
                os.write(fd, b"\0")
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(probe)
            raise self._error(exc) from exc
        try:
            os.unlink(probe)
        except OSError as exc:
            raise self._error(exc) from exc

    def read(self, name: str) -> bytes | None:
        path = self.folder / check_name(name)
        self._count()
        try:
            before = os.lstat(path)
        except OSError as exc:
            if exc.errno in _GONE:
                self._folder_still_there()
                return None
            raise self._error(exc) from exc
        if not stat.S_ISREG(before.st_mode):
            raise ObjectNotAFile()
        if before.st_size > MAX_OBJECT_BYTES:
            raise ObjectTooLarge()
        try:
            # O_NOFOLLOW: a link swapped in after lstat() fails here (ELOOP); O_NONBLOCK: a
            # FIFO swapped in does not hang the sync.
            fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _BINARY)
        except OSError as exc:
            if exc.errno in _GONE:
                return None
            if exc.errno == errno.ELOOP:
                raise ObjectNotAFile() from exc
            raise self._error(exc) from exc
        try:
            opened = os.fstat(fd)
            if (not stat.S_ISREG(opened.st_mode)
                    or (opened.st_dev, opened.st_ino) != (before.st_dev, before.st_ino)):
                raise ObjectNotAFile()
            return _read_limited(fd)
        except OSError as exc:
            raise self._error(exc) from exc
        finally:
            os.close(fd)

    def write_once(self, name: str, data: bytes) -> bool:
        final = self.folder / check_name(name)
        if len(data) > MAX_OBJECT_BYTES:
            raise ValueError("object larger than MAX_OBJECT_BYTES")
        self._count()
        try:
            if self._hard_links is False:
                return self._create_exclusive(final, data)
            temp = self.folder / temp_name()
            self._write_new(temp, data)
            try:
                os.link(temp, final)
            except FileExistsError:
                return False
            except OSError as exc:
                if exc.errno not in _NO_HARD_LINKS:
                    raise
                with self._lock:
                    self._hard_links = False
            else:
                with self._lock:
                    self._hard_links = True
                return True
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
            return self._create_exclusive(final, data)
        except OSError as exc:
            raise self._error(exc) from exc
        finally:
            _fsync_folder(self.folder)

    def delete(self, name: str) -> None:
        path = self.folder / check_name(name)
        self._count()
        try:
            os.unlink(path)
        except OSError as exc:
            if exc.errno not in _GONE:
                raise self._error(exc) from exc
        finally:
            _fsync_folder(self.folder)

    # -- helpers -------------------------------------------------------------------------------

    def _count(self) -> None:
        with self._lock:
            self._requests += 1

    def _place(self) -> str:
        return f"The shared folder {self.folder}"

    def _create_folder(self) -> None:
        parent = self.folder.parent
        if not self._create or not parent.is_dir():
            raise StorageMissing(
                f"{self._place()} does not exist.",
                "Check that the drive or share is connected, or choose the folder again.",
            )
        try:
            os.mkdir(self.folder, 0o700)
        except FileExistsError:
            pass  # made by someone else in the meantime: fine
        except OSError as exc:
            raise self._error(exc) from exc

    def _folder_still_there(self) -> None:
        """A missing object is normal; a missing folder (an unmounted stick) is not."""
        try:
            is_folder = stat.S_ISDIR(os.stat(self.folder).st_mode)
        except OSError as exc:
            raise self._error(exc) from exc
        if not is_folder:
            raise StorageMissing(f"{self._place()} is not a folder.",
                                 "Choose the shared folder again.")

    def _write_new(self, path: Path, data: bytes) -> None:
        """Create `path` (which must not exist), write `data`, fsync; on failure remove it."""
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(path)
            raise

    def _create_exclusive(self, final: Path, data: bytes) -> bool:
        try:
            self._write_new(final, data)
        except FileExistsError:
            return False
        return True

    def _error(self, exc: OSError) -> StorageError:
        """The `StorageError` for an OSError: what went wrong and where, never file content."""
        code = exc.errno
        if code in _FULL:
            return StorageFull(f"{self._place()} is on a full disk (or over its quota).")
        if code in _FORBIDDEN:
            return StorageForbidden(
                f"{self._place()} cannot be written to (it is read-only or not yours).",
                "Check the folder's permissions, or whether the drive is write-protected.",
            )
        if code in _GONE:
            return StorageMissing(
                f"{self._place()} does not exist.",
                "Check that the drive or share is connected, or choose the folder again.",
            )
        if code == errno.ETIMEDOUT:
            return StorageTimeout(f"{self._place()} did not answer in time.")
        if code in _UNREACHABLE:
            return StorageUnreachable(f"{self._place()} cannot be reached "
                                      f"({os.strerror(code or 0)}).")
        reason = os.strerror(code) if code else type(exc).__name__
        return StorageError(f"{self._place()} could not be used ({reason}).")


def _read_limited(fd: int) -> bytes:
    """Read at most MAX_OBJECT_BYTES + 1 bytes: a file that grew past the limit is refused."""
    chunks: list[bytes] = []
    total = 0
    while total <= MAX_OBJECT_BYTES:
        chunk = os.read(fd, min(_READ_CHUNK, MAX_OBJECT_BYTES + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > MAX_OBJECT_BYTES:
        raise ObjectTooLarge()
    return b"".join(chunks)


def _fsync_folder(folder: Path) -> None:
    """Make the new name durable; best effort (not possible on Windows or some shares)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
