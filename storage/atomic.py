"""Atomic writes for the files the app writes itself (key file, backups, exports).

Temp file in the same folder, 0600 before any data, write, fsync, `os.replace`, fsync the
folder. A crash or a full disk leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from storage.errors import DiskFull


def atomic_write_bytes(path: Path, data: bytes) -> None:
    atomic_write_chunks(path, (data,))


def atomic_write_chunks(path: Path, chunks: Iterable[bytes]) -> None:
    """Write `chunks` to `path` atomically; raise `DiskFull` if space runs out."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.urandom(6).hex()}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        # Creating the temp file can itself fail on a full disk (no free inode or directory
        # block), so it sits inside the `DiskFull` translation too.
        fd = os.open(tmp, flags, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                for chunk in chunks:  # an error from the source is the source's
                    with _about(path):
                        handle.write(chunk)
                with _about(path):
                    handle.flush()
                    os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            # Whatever failed (a write, the chunk source, the rename), the old file is intact
            # and the half-written temp file must not stay behind.
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise DiskFull() from exc
        if exc.filename == str(tmp) or exc.filename == tmp:
            # Name the file the person asked for, not our temporary one beside it.
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise
    with _about(path):
        fsync_dir(path.parent)


@contextlib.contextmanager
def _about(path: Path) -> Iterator[None]:
    """An OSError from writing or syncing names the file the person asked for."""
    try:
        yield
    except OSError as exc:
        if exc.filename is None and exc.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise


def fsync_dir(folder: Path) -> None:
    """Make a rename durable; a no-op where folders cannot be opened (Windows)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
