"""User errors of the domain layer (the vault's own live in `storage.errors`), and the one
mapping of what lower layers raise (SQLite, the OS, the disk) to sentences a person can act
on: the command line and the desktop app both use `as_user_error`, so the same failure reads
the same way in both."""

from __future__ import annotations

import errno
from pathlib import Path

from storage.errors import DiskFailed, DiskFull, UserError, VaultDamaged


class NotFound(UserError):
    default_message = "Nothing with that id."
    default_hint = "Use `companion list` to see ids."


class InvalidInput(UserError):
    default_message = "That value is not valid."


class ReportedBug(UserError):
    """What a handler is given in place of a bug: the bug itself went to the bug reporter
    first, and this says only what is known — that it happened, and where its report is."""

    def __init__(self, report: Path | None) -> None:
        self.report = report
        where = (f"A report without your content was saved in {report}." if report is not None
                 else "No report could be saved.")
        super().__init__("Something went wrong inside Companion (a bug).", where)


_SQLITE_FULL, _SQLITE_CORRUPT, _SQLITE_NOTADB, _SQLITE_IOERR = 13, 11, 26, 10
_ENVIRONMENT_ERRNOS = {errno.EACCES, errno.EPERM, errno.EEXIST, errno.ENOTDIR, errno.EISDIR,
                       errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.ELOOP,
                       errno.ENAMETOOLONG}


def as_user_error(exc: BaseException) -> UserError | None:
    """The user-facing error behind an exception the lower layers let through, if it is one.

    A database page that fails its check is found only when a query reads it, long after the
    vault opened: SQLite reports it as an error of its own (SQLITE_CORRUPT), which is damage to
    be restored from a backup, not a bug. Likewise a full disk, a folder that cannot be used,
    or a disk that fails to read or write. Anything else is a bug (None).
    """
    if isinstance(exc, UserError):
        return exc
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None  # extended codes keep it in 8 bits
    if primary in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return VaultDamaged()
    if primary == _SQLITE_FULL:
        return DiskFull()
    if primary == _SQLITE_IOERR:
        return DiskFailed()
    if isinstance(exc, OSError) and exc.errno in _ENVIRONMENT_ERRNOS:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return DiskFull()
        where = f" {exc.filename}" if exc.filename else ""
        if exc.errno == errno.EIO:
            return DiskFailed(f"The disk failed to read or write{where} (an input/output "
                              "error), so what this was writing may not have been written.")
        return UserError(f"Cannot use{where}: {exc.strerror or 'not allowed'}.",
                         "Check the path and its permissions.")
    return None


__all__ = ["InvalidInput", "NotFound", "ReportedBug", "UserError", "as_user_error"]
