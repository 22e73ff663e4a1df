"""The unlock session's wire format, both ways: one JSON object on one line, bounded."""

from __future__ import annotations

import json
from typing import Any, Protocol


class Receiver(Protocol):
    def recv(self, size: int, /) -> bytes: ...


def read_json_line(connection: Receiver, limit: int) -> dict[str, Any]:
    """One newline-ended JSON object of at most `limit` bytes; `ValueError` for anything else
    (too long, cut short, not JSON, not an object)."""
    data = b""
    while b"\n" not in data:
        chunk = connection.recv(limit)
        if not chunk:
            raise ValueError("the line was cut short")
        data += chunk
        if len(data) > limit:
            raise ValueError("the line is too long")
    try:
        value = json.loads(data.split(b"\n", 1)[0])
    except RecursionError:  # brackets nested deeper than the parser recurses
        raise ValueError("nested too deeply") from None
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value
