"""Canonical JSON for signed structures, and strict readers for hostile input.

Signed objects are serialized once (sorted keys, no spaces, UTF-8) and the exact bytes are
signed and stored; receivers verify the bytes they received, then parse them with the readers
below, which reject anything unexpected with a fixed reason instead of raising something else.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sync.crypto import Rejected, unb64

MAX_TEXT = 20_000
# C0 controls but tab and newline, DEL, and the C1 controls (U+009B and U+009D start terminal
# sequences on their own): no text a person writes holds them.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# In a name, line breaks and the bidirectional overrides (which can make "Ann" display as
# someone else's name) have no honest use.
_NOT_IN_NAMES = re.compile("[\n\t\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def canonical(value: object) -> bytes:
    return _ENCODER.encode(value).encode("utf-8")


def _reject_constant(token: str) -> Any:
    raise Rejected("not canonical JSON")


# Made once: json.dumps and json.loads with options make a new encoder or decoder per call,
# which is a third of decoding a device sync operation. Neither keeps state between calls.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                            allow_nan=False)
_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def parse_object(data: bytes, what: str) -> dict[str, Any]:
    try:
        value = _DECODER.decode(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise Rejected(f"{what} is not JSON") from None
    if not isinstance(value, dict):
        raise Rejected(f"{what} is not a JSON object")
    return value


class Reader:
    """Typed access to a parsed JSON object; every miss is a `Rejected` naming the field."""

    def __init__(self, value: object, what: str) -> None:
        if not isinstance(value, dict):
            raise Rejected(f"{what} is not an object")
        self.value: dict[str, Any] = value
        self.what = what

    def _get(self, key: str, optional: bool) -> Any:
        if key not in self.value:
            if optional:
                return None
            raise Rejected(f"{self.what} lacks {key}")
        return self.value[key]

    def text(self, key: str, *, max_len: int = MAX_TEXT, optional: bool = False,
             allow_empty: bool = True) -> str:
        value = self._get(key, optional)
        if value is None and optional:
            return ""
        if not isinstance(value, str) or len(value) > max_len or (not allow_empty and not value):
            raise Rejected(f"{self.what} has a bad {key}")
        if _CONTROL.search(value):
            raise Rejected(f"{self.what} has control characters in {key}")
        return value

    def name(self, key: str, *, max_len: int) -> str:
        """A display name: non-empty text on one line without direction overrides."""
        value = self.text(key, max_len=max_len, allow_empty=False)
        if _NOT_IN_NAMES.search(value) or not value.strip():
            raise Rejected(f"{self.what} has a bad {key}")
        return value

    def integer(self, key: str, low: int, high: int, *, optional: bool = False) -> int | None:
        value = self._get(key, optional)
        if value is None and optional:
            return None
        if type(value) is not int or not low <= value <= high:
            raise Rejected(f"{self.what} has a bad {key}")
        return value

    def require_int(self, key: str, low: int, high: int) -> int:
        value = self.integer(key, low, high)
        assert value is not None
        return value

    def raw(self, key: str, size: int | None = None, *, optional: bool = False) -> bytes:
        value = self._get(key, optional)
        if value is None and optional:
            return b""
        return unb64(value, size, f"{self.what} {key}")

    def choice(self, key: str, options: tuple[str, ...]) -> str:
        value = self._get(key, False)
        if value not in options:
            raise Rejected(f"{self.what} has an unknown {key}")
        return str(value)

    def strings(self, key: str, *, max_items: int, max_len: int,
                optional: bool = False) -> tuple[str, ...]:
        value = self._get(key, optional)
        if value is None and optional:
            return ()
        if not isinstance(value, list) or len(value) > max_items:
            raise Rejected(f"{self.what} has a bad {key}")
        for item in value:
            if not isinstance(item, str) or not item or len(item) > max_len:
                raise Rejected(f"{self.what} has a bad item in {key}")
        return tuple(value)

    def child(self, key: str, *, optional: bool = False) -> Reader | None:
        value = self._get(key, optional)
        if value is None and optional:
            return None
        return Reader(value, f"{self.what} {key}")

    def items(self, key: str, *, max_items: int) -> list[Any]:
        value = self._get(key, False)
        if not isinstance(value, list) or len(value) > max_items:
            raise Rejected(f"{self.what} has a bad {key}")
        return value

    def only(self, *keys: str) -> None:
        extra = set(self.value) - set(keys)
        if extra:
            raise Rejected(f"{self.what} has unknown fields")
