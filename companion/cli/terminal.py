"""What the output stream can show (kept apart from format.py, which loads the domain's
models: `--version` needs only this)."""

from __future__ import annotations

import codecs
from typing import TextIO


def speaks_unicode(stream: TextIO) -> bool:
    """Whether `stream` can take any text: a UTF encoding, or an in-memory stream."""
    encoding = getattr(stream, "encoding", None)
    if not encoding:
        return True
    try:
        return codecs.lookup(encoding).name.startswith("utf")
    except LookupError:
        return False
