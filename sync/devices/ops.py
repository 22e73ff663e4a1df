"""Operations and batches of device sync, and their one encoding (docs/protocol.md §11.4).

An operation changes one field of one record, stamped with the HLC of the device that made
it. Its bytes are canonical JSON (sync/codec.py), and the decoder treats every byte as
hostile: the size is checked first, then the nesting by a scan of the raw bytes (before any
parser recurses), then strict JSON with exact fields and types, and last that the bytes are
the canonical encoding of what they say, so one operation never has two encodings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from sync.codec import canonical, parse_object
from sync.crypto import Rejected, b64, sha256, unb64
from sync.devices.hlc import DEVICE_ID_BYTES, MAX_COUNTER, MAX_WALL_MS, Hlc

VERSION = 1
RECORD_ID_BYTES = 16
MAX_TEXT = 1_000_000  # companion/journal.py's longest entry body
MAX_LIST_ITEMS = 256
MAX_LIST_ITEM = 1_000
MAX_ELEMENT = 100
MAX_PARENTS = 16
MAX_INT = 2**53  # every JSON reader agrees on integers up to here
# 1,000,000 characters of four UTF-8 bytes each, and room for the rest of the operation.
MAX_OP_BYTES = 4_150_000
# The largest padded plaintext of a device group's message (4 MiB) less its length prefix.
MAX_BATCH_BYTES = 4 * 1024 * 1024 - 4
MAX_BATCH_OPS = 10_000
# op {…} → value or parents […] → a parent's stamp […]; a batch adds two levels above.
MAX_OP_DEPTH = 3
MAX_BATCH_DEPTH = 5

Kind = Literal["set", "edit", "delete"]
KINDS: tuple[Kind, ...] = ("set", "edit", "delete")
Value = None | bool | int | str | tuple[str, ...]

_NAME = re.compile(r"[a-z][a-z0-9_]{0,31}")
# Text may hold tab, line feed and carriage return, no other control character.
_CONTROL_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_IN_ELEMENT = re.compile("[\x00-\x1f\x7f-\x9f]")
# A JSON string (its escapes included), and every byte but a bracket: what the depth scan
# removes before it counts. A quote left unclosed is not a string; the brackets after it then
# count, which can only refuse text the JSON parser would refuse anyway.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


class TooLarge(Rejected):
    """Input over the size bound, refused before it is parsed."""


class TooDeep(Rejected):
    """Input nested deeper than any honest operation or batch, refused before it is parsed."""


@dataclass(frozen=True)
class Op:
    kind: Kind
    collection: str
    target: bytes
    hlc: Hlc
    field: str = ""
    value: Value = None
    parents: tuple[Hlc, ...] = ()

    def __post_init__(self) -> None:
        check_op(self)

    @property
    def device(self) -> bytes:
        """The author: always the device in the stamp (a batch checks it is the sender)."""
        return self.hlc.device


@dataclass(frozen=True)
class Batch:
    device: bytes
    ops: tuple[Op, ...]
    # Each op's canonical encoding, when the reader had it at hand (a snapshot's lines):
    # kept as they came instead of encoding each again.
    encoded: tuple[bytes, ...] = ()


def named_record_id(collection: str, name: str) -> bytes:
    """The stable id of a record whose identity is a name (a custom emotion, a tag, a
    setting group), so two devices that each add "grateful" add one record."""
    return sha256(b"companion device record id v1", collection.encode(),
                  name.encode())[:RECORD_ID_BYTES]


def check_text(value: object, max_len: int, what: str) -> str:
    if not isinstance(value, str) or len(value) > max_len:
        raise Rejected(f"device op has a bad {what}")
    if _CONTROL_IN_TEXT.search(value):
        raise Rejected(f"device op has control characters in its {what}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, which JSON can spell but UTF-8 cannot
        raise Rejected(f"device op has a bad {what}") from None
    return value


def check_value(value: object) -> Value:
    if value is None or type(value) is bool:
        return value
    if type(value) is int:
        if abs(value) > MAX_INT:
            raise Rejected("device op has an integer out of range")
        return value
    if isinstance(value, str):
        return check_text(value, MAX_TEXT, "text")
    if isinstance(value, tuple | list):
        if len(value) > MAX_LIST_ITEMS:
            raise Rejected("device op has too long a list")
        return tuple(check_text(item, MAX_LIST_ITEM, "list item") for item in value)
    raise Rejected("device op has a value of an unknown type")


def check_field(field: str) -> None:
    name, colon, element = field.partition(":")
    if not _NAME.fullmatch(name):
        raise Rejected("device op has a bad field name")
    if colon and (not element or len(element) > MAX_ELEMENT
                  or _CONTROL_IN_ELEMENT.search(element)):
        raise Rejected("device op has a bad field element")
    if colon:
        check_text(element, MAX_ELEMENT, "field element")


def check_op(op: Op) -> None:
    """Every rule of an operation, for decoded and locally made ones alike."""
    if op.kind not in KINDS:
        raise Rejected("device op has an unknown kind")
    if not isinstance(op.collection, str) or not _NAME.fullmatch(op.collection):
        raise Rejected("device op has a bad collection")
    if not isinstance(op.target, bytes) or len(op.target) != RECORD_ID_BYTES:
        raise Rejected("device op has a bad record id")
    if op.kind == "delete":
        if op.field or op.value is not None or op.parents:
            raise Rejected("device op deletes with a field")
        return
    check_field(op.field)
    if isinstance(op.value, list):  # values are immutable: a list is carried as a tuple
        raise Rejected("device op has a bad value")
    check_value(op.value)
    if op.kind == "set":
        if op.parents:
            raise Rejected("device op sets with parents")
        return
    if not isinstance(op.value, str):
        raise Rejected("device op edits with a value that is not text")
    if len(op.parents) > MAX_PARENTS or len(set(op.parents)) != len(op.parents):
        raise Rejected("device op has a bad list of parents")
    if any(not parent < op.hlc for parent in op.parents):
        # A parent at or after its child would let two versions hide each other.
        raise Rejected("device op names a parent that is not earlier")


def hlc_to_json(hlc: Hlc) -> list[object]:
    return [hlc.wall_ms, hlc.counter, b64(hlc.device)]


def hlc_from_json(value: object) -> Hlc:
    if not isinstance(value, list) or len(value) != 3:
        raise Rejected("device op has a bad stamp")
    wall, counter, device = value
    if (type(wall) is not int or type(counter) is not int or not 0 <= wall <= MAX_WALL_MS
            or not 0 <= counter <= MAX_COUNTER):
        raise Rejected("device op has a bad stamp")
    return Hlc(wall, counter, unb64(device, DEVICE_ID_BYTES, "device op stamp"))


def op_to_json(op: Op) -> dict[str, object]:
    out: dict[str, object] = {"v": VERSION, "kind": op.kind, "in": op.collection,
                              "id": b64(op.target), "hlc": hlc_to_json(op.hlc)}
    if op.kind != "delete":
        out["field"] = op.field
        out["value"] = list(op.value) if isinstance(op.value, tuple) else op.value
    if op.kind == "edit":
        out["parents"] = [hlc_to_json(parent) for parent in op.parents]
    return out


_FIELDS: dict[str, frozenset[str]] = {
    "delete": frozenset({"v", "kind", "in", "id", "hlc"}),
    "set": frozenset({"v", "kind", "in", "id", "hlc", "field", "value"}),
    "edit": frozenset({"v", "kind", "in", "id", "hlc", "field", "value", "parents"}),
}


def op_from_json(value: object) -> Op:
    if not isinstance(value, dict):
        raise Rejected("device op is not an object")
    if value.get("v") != VERSION or type(value.get("v")) is not int:
        raise Rejected("device op is from a newer Companion")
    kind = value.get("kind")
    if not isinstance(kind, str) or kind not in _FIELDS:
        raise Rejected("device op has an unknown kind")
    if set(value) != _FIELDS[kind]:
        raise Rejected("device op has missing or unknown fields")
    parents: tuple[Hlc, ...] = ()
    if kind == "edit":
        raw_parents = value["parents"]
        if not isinstance(raw_parents, list) or len(raw_parents) > MAX_PARENTS:
            raise Rejected("device op has a bad list of parents")
        parents = tuple(hlc_from_json(parent) for parent in raw_parents)
    collection, field = value["in"], value.get("field", "")
    if not isinstance(collection, str) or not isinstance(field, str):
        raise Rejected("device op has a bad collection or field")
    return Op(kind=kind, collection=collection,  # type: ignore[arg-type]  # checked above
              target=unb64(value["id"], RECORD_ID_BYTES, "device op id"),
              hlc=hlc_from_json(value["hlc"]), field=field,
              value=_immutable(value.get("value")), parents=parents)


def _immutable(value: object) -> Value:
    """A decoded value as an operation holds it (a list as a tuple); the operation's own
    check (check_op) then judges it."""
    return tuple(value) if isinstance(value, list) else value  # type: ignore[return-value]


def encode_op(op: Op) -> bytes:
    return canonical(op_to_json(op))


def encode_batch(device: bytes, ops: tuple[Op, ...] | list[Op]) -> bytes:
    check_batch(device, tuple(ops))
    data = canonical({"v": VERSION, "device": b64(device),
                      "ops": [op_to_json(op) for op in ops]})
    if len(data) > MAX_BATCH_BYTES:
        raise TooLarge("device batch is larger than a message can carry")
    return data


def check_batch(device: bytes, ops: tuple[Op, ...]) -> None:
    if not 1 <= len(ops) <= MAX_BATCH_OPS:
        raise Rejected("device batch has a bad number of ops")
    for earlier, op in zip((None, *ops), ops, strict=False):
        if op.device != device:
            raise Rejected("device batch holds an op of another device")
        if earlier is not None and not earlier.hlc < op.hlc:
            raise Rejected("device batch is not in stamp order")


def _check_depth(data: bytes, limit: int, what: str) -> None:
    """Refuse nesting deeper than `limit` before any parser recurses. Strings are cut out
    first by one regular expression (a long entry's text is one match, in C), so only the
    brackets that are structure are counted, in Python."""
    skeleton = _STRING.sub(b"", data).translate(None, _NOT_BRACKETS)
    if len(skeleton) <= limit:
        return  # fewer brackets than the limit: no nesting can exceed it
    depth = 0
    for char in skeleton:
        if char in b"[{":
            depth += 1
            if depth > limit:
                raise TooDeep(f"{what} is nested too deeply")
        else:
            depth -= 1


def _parse(data: bytes, max_bytes: int, max_depth: int, what: str) -> dict[str, Any]:
    if not isinstance(data, bytes):
        raise Rejected(f"{what} is not bytes")
    if len(data) > max_bytes:
        raise TooLarge(f"{what} is too large")
    _check_depth(data, max_depth, what)
    return parse_object(data, what)


def _require_canonical(value: object, data: bytes, what: str) -> None:
    try:
        same = canonical(value) == data
    except (UnicodeEncodeError, ValueError):
        same = False
    if not same:
        raise Rejected(f"{what} is not in canonical form")


def decode_op(data: bytes) -> Op:
    value = _parse(data, MAX_OP_BYTES, MAX_OP_DEPTH, "device op")
    op = op_from_json(value)
    # op_from_json accepts exactly what op_to_json makes of the op (exact fields, strict
    # base64, integers as integers), so the parsed value stands for the op here.
    _require_canonical(value, data, "device op")
    return op


def decode_batch(data: bytes, sender: bytes | None = None) -> Batch:
    """A batch from hostile bytes. `sender` is the device whose chain carried it: the batch
    must name it, so no device can slip in operations stamped as another."""
    value = _parse(data, MAX_BATCH_BYTES, MAX_BATCH_DEPTH, "device batch")
    if set(value) != {"v", "device", "ops"}:
        raise Rejected("device batch has missing or unknown fields")
    if value["v"] != VERSION or type(value["v"]) is not int:
        raise Rejected("device batch is from a newer Companion")
    device = unb64(value["device"], DEVICE_ID_BYTES, "device batch device")
    if sender is not None and device != sender:
        raise Rejected("device batch names another device")
    raw_ops = value["ops"]
    if not isinstance(raw_ops, list) or not 1 <= len(raw_ops) <= MAX_BATCH_OPS:
        raise Rejected("device batch has a bad number of ops")
    ops = tuple(op_from_json(raw) for raw in raw_ops)
    check_batch(device, ops)
    _require_canonical({"v": VERSION, "device": b64(device),
                        "ops": [op_to_json(op) for op in ops]}, data, "device batch")
    return Batch(device, ops)
