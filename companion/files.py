"""Files a person asks Companion to write outside the vault (a recovery code, their own list
of support lines): written atomically, and a failure said as a sentence, not a traceback."""

from __future__ import annotations

from pathlib import Path

from companion.errors import as_user_error
from storage.atomic import atomic_write_bytes


def save_text_file(path: Path, text: str) -> None:
    """Write `text` (UTF-8) to `path` atomically: the old file, if any, stays whole until the
    new one is complete. OS errors the core knows become `UserError`s."""
    try:
        atomic_write_bytes(path, text.encode("utf-8"))
    except OSError as exc:
        known = as_user_error(exc)
        if known is None:
            raise
        raise known from None
