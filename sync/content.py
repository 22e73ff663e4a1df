"""What a message says, once it is authenticated: the body schema and its strict reader.

Bodies are canonical JSON. Every body carries the sender's checkpoint (`seen`): for each member,
the highest message of theirs the sender has applied and its hash. Receivers compare checkpoints
with their own view to detect forks (two different messages at one place in a chain) and
withheld messages (a member has seen messages this device cannot find).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from sync.codec import Reader, canonical, parse_object
from sync.crypto import Rejected, b64
from sync.identity import MEMBER_ID_BYTES
from sync.roster import MAX_MEMBERS, SignedOp

TYPES = ("checkin", "note", "reply", "reaction", "edit", "delete", "roster", "guidelines",
         "ops")
# What only a group of one person's devices carries (docs/protocol.md §11.1), and what only a
# circle of people does: each refuses the other's.
DEVICE_TYPES = ("ops",)
CIRCLE_TYPES = ("checkin", "note", "reply", "reaction", "edit", "delete", "guidelines")
# A batch of operations, base64 in the body, must fit the largest padding bucket
# (sync/envelope.py MAX_PLAINTEXT, 256 KiB) with the body's other fields.
MAX_OPS_BATCH = 180_000
CHECKPOINT_HASH_BYTES = 12
MAX_NOTE_TITLE = 120
MAX_NOTE_BODY = 20_000
MAX_CHECKIN_NOTE = 280
MAX_REPLY = 2_000
MAX_EMOTIONS = 8
MAX_EMOTION = 32
MAX_REACTION = 16
MAX_GUIDELINES = 4_000
MAX_CARRY = 64
VIEW_BYTES = 16  # of the hash of the roster operations the sender's fold applied
MAX_HEADS = 32
OP_HASH_BYTES = 32


@dataclass(frozen=True)
class Ref:
    member: bytes
    seq: int

    def to_json(self) -> dict[str, object]:
        return {"m": b64(self.member), "s": self.seq}


@dataclass(frozen=True)
class View:
    """The sender's view of the roster when sealing (protocol version 2): a hash of the set of
    operations its fold applied, and the newest of them (the heads, at most MAX_HEADS), so a
    receiver can tell who lacks what (sync/agreement.py)."""

    ops: bytes
    heads: tuple[bytes, ...]

    def to_json(self) -> dict[str, object]:
        return {"ops": b64(self.ops), "heads": [b64(h) for h in self.heads]}


@dataclass(frozen=True)
class Body:
    type: str
    at: int
    seen: dict[bytes, tuple[int, bytes]]
    data: dict[str, Any] = field(default_factory=dict)
    ref: Ref | None = None
    op: SignedOp | None = None
    carry: tuple[SignedOp, ...] = ()  # earlier roster changes some readers may have missed
    view: View | None = None  # absent in messages of protocol version 1
    recv: bytes | None = None  # version 2: the sender's newest receiving key (forward secrecy)


def encode_body(type_: str, at: int, seen: dict[bytes, tuple[int, bytes]],
                data: dict[str, Any], ref: Ref | None = None,
                view: View | None = None, recv: bytes | None = None) -> bytes:
    value: dict[str, Any] = {"type": type_, "at": at,
                             "seen": {b64(m): [s, b64(h[:CHECKPOINT_HASH_BYTES])]
                                      for m, (s, h) in seen.items()},
                             **data}
    if ref is not None:
        value["to"] = ref.to_json()
    if view is not None:
        value["view"] = view.to_json()
    if recv is not None:
        value["recv"] = b64(recv)
    return canonical(value)


def _view(reader: Reader) -> View | None:
    if "view" not in reader.value:
        return None
    child = reader.child("view")
    assert child is not None
    child.only("ops", "heads")
    heads = child.items("heads", max_items=MAX_HEADS)
    parsed = tuple(Reader({"head": h}, "roster view").raw("head", OP_HASH_BYTES) for h in heads)
    if list(parsed) != sorted(set(parsed)):
        raise Rejected("roster view heads are not sorted")
    return View(child.raw("ops", VIEW_BYTES), parsed)


def _ref(reader: Reader) -> Ref:
    to = reader.child("to")
    assert to is not None
    to.only("m", "s")
    return Ref(to.raw("m", MEMBER_ID_BYTES), to.require_int("s", 1, 2**40))


def parse_body(data: bytes) -> Body:
    r = Reader(parse_object(data, "message body"), "message body")
    view = _view(r)
    recv = r.raw("recv", 32) if "recv" in r.value else None
    body = _parse_kind(r)
    return replace(body, view=view, recv=recv) if view is not None or recv else body


def _parse_kind(r: Reader) -> Body:
    kind = r.choice("type", TYPES)
    at = r.require_int("at", 0, 2**40)
    seen_reader = r.child("seen")
    assert seen_reader is not None
    if len(seen_reader.value) > MAX_MEMBERS * 2:
        raise Rejected("message body has too many checkpoints")
    seen: dict[bytes, tuple[int, bytes]] = {}
    for key, value in seen_reader.value.items():
        member = Reader({"k": key}, "checkpoint").raw("k", MEMBER_ID_BYTES)
        if not isinstance(value, list) or len(value) != 2:
            raise Rejected("message body has a bad checkpoint")
        item = Reader({"s": value[0], "h": value[1]}, "checkpoint")
        seen[member] = (item.require_int("s", 0, 2**40), item.raw("h", CHECKPOINT_HASH_BYTES))
    common = ("type", "at", "seen", "view", "recv")
    if kind == "checkin":
        r.only(*common, "mood", "energy", "emotions", "note")
        out = {"mood": r.require_int("mood", 1, 5), "energy": r.integer("energy", 1, 5,
                                                                        optional=True),
               "emotions": list(r.strings("emotions", max_items=MAX_EMOTIONS,
                                          max_len=MAX_EMOTION, optional=True)),
               "note": r.text("note", max_len=MAX_CHECKIN_NOTE, optional=True)}
        return Body(kind, at, seen, out)
    if kind == "note":
        r.only(*common, "title", "body")
        return Body(kind, at, seen, {"title": r.text("title", max_len=MAX_NOTE_TITLE,
                                                     allow_empty=False),
                                     "body": r.text("body", max_len=MAX_NOTE_BODY)})
    if kind == "reply":
        r.only(*common, "to", "text")
        return Body(kind, at, seen, {"text": r.text("text", max_len=MAX_REPLY,
                                                    allow_empty=False)}, _ref(r))
    if kind == "reaction":
        r.only(*common, "to", "emoji", "remove")
        return Body(kind, at, seen, {"emoji": r.text("emoji", max_len=MAX_REACTION,
                                                     allow_empty=False),
                                     "remove": bool(r.integer("remove", 0, 1, optional=True))},
                    _ref(r))
    if kind == "edit":
        r.only(*common, "to", "title", "body", "text", "note")
        changes = {key: r.text(key, max_len=limit)
                   for key, limit in (("title", MAX_NOTE_TITLE), ("body", MAX_NOTE_BODY),
                                      ("text", MAX_REPLY), ("note", MAX_CHECKIN_NOTE))
                   if key in r.value}
        if not changes:
            raise Rejected("edit changes nothing")
        return Body(kind, at, seen, changes, _ref(r))
    if kind == "delete":
        r.only(*common, "to")
        return Body(kind, at, seen, {}, _ref(r))
    if kind == "ops":
        r.only(*common, "batch")
        batch = r.raw("batch")
        if not batch or len(batch) > MAX_OPS_BATCH:
            raise Rejected("message body has a bad batch")
        return Body(kind, at, seen, {"batch": r.value["batch"]})
    if kind == "guidelines":
        r.only(*common, "text")
        return Body(kind, at, seen, {"text": r.text("text", max_len=MAX_GUIDELINES)})
    r.only(*common, "op", "carry")
    carry = (tuple(SignedOp.from_json(item) for item in r.items("carry", max_items=MAX_CARRY))
             if "carry" in r.value else ())
    # A roster message without an operation of its own only carries others' (protocol v2:
    # delivering what a member's view shows they lack, sync/agreement.py).
    # Version 2: one with neither only declares its sender's view (it moves them to a new
    # epoch, so receivers look for them there alone).
    if "op" not in r.value and not carry and "view" not in r.value:
        raise Rejected("message body lacks op")
    op = SignedOp.from_json(r.value["op"]) if "op" in r.value else None
    return Body(kind, at, seen, {}, op=op, carry=carry)
