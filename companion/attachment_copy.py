"""A copy of an attached file written where the person chose (the desktop app's "Save a
copy…"): the one place an attachment's bytes leave the vault, and only on request.

Written like an export and like `companion attachment save`: atomically, readable by this
user only (0600). The file dialog has already asked before replacing a file.
"""

from __future__ import annotations

from pathlib import Path

from storage.atomic import atomic_write_bytes
from storage.errors import UserError


def save_copy(target: Path, data: bytes) -> Path:
    """Write `data` to `target` (a file path the person chose); a clear error for a folder
    or a missing one."""
    target = Path(target)
    if target.is_dir():
        raise UserError(f"{target} is a folder.", "Choose the name of the file to write.")
    if not target.parent.is_dir():
        raise UserError(f"There is no folder {target.parent}.", "Choose another place.")
    atomic_write_bytes(target, data)
    return target
