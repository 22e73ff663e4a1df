"""Operations and batches of device sync (docs/protocol.md §11.4): one canonical encoding, and
a decoder that treats every byte as hostile — whatever it is given it returns an operation or
raises `Rejected` (oversize and deep input with their own errors, before parsing), never
anything else."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.crypto import Rejected
from sync.devices.hlc import Hlc
from sync.devices.ops import (
    MAX_BATCH_BYTES,
    MAX_OP_BYTES,
    MAX_TEXT,
    Op,
    TooDeep,
    TooLarge,
    decode_batch,
    decode_op,
    encode_batch,
    encode_op,
    named_record_id,
)

DEVICE = bytes([1]) * 16
OTHER = bytes([2]) * 16
ENTRY = bytes([9]) * 16
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def stamp(wall: int, counter: int = 0, device: bytes = DEVICE) -> Hlc:
    return Hlc(wall, counter, device)


EXAMPLES = [
    Op("set", "entry", ENTRY, stamp(10), "title", "Monday"),
    Op("set", "entry", ENTRY, stamp(11), "starred", True),
    Op("set", "entry", ENTRY, stamp(12), "mood", -3),
    Op("set", "entry", ENTRY, stamp(13), "trashed", None),
    Op("set", "checkin", ENTRY, stamp(14), "emotions", ("calm", "tired")),
    Op("set", "entry", ENTRY, stamp(15), "tag:Work trip", True),
    Op("edit", "entry", ENTRY, stamp(20), "body", "line one\nline two\ttab\r\n", (stamp(10),)),
    Op("edit", "entry", ENTRY, stamp(21), "body", "", ()),
    Op("delete", "entry", ENTRY, stamp(30)),
]


@pytest.mark.parametrize("op", EXAMPLES)
def test_every_kind_round_trips(op: Op) -> None:
    assert decode_op(encode_op(op)) == op


def test_a_batch_round_trips_and_names_its_device() -> None:
    data = encode_batch(DEVICE, EXAMPLES)
    batch = decode_batch(data, DEVICE)
    assert batch.ops == tuple(EXAMPLES) and batch.device == DEVICE
    with pytest.raises(Rejected, match="names another device"):
        decode_batch(data, OTHER)


def test_a_batch_holds_only_its_own_device_in_stamp_order() -> None:
    theirs = Op("set", "entry", ENTRY, stamp(40, device=OTHER), "title", "x")
    with pytest.raises(Rejected, match="another device"):
        encode_batch(DEVICE, [EXAMPLES[0], theirs])
    with pytest.raises(Rejected, match="stamp order"):
        encode_batch(DEVICE, [EXAMPLES[1], EXAMPLES[0]])
    # Forged by hand, the decoder refuses it too.
    raw = json.loads(encode_batch(DEVICE, [EXAMPLES[0], EXAMPLES[1]]))
    raw["ops"].reverse()
    forged = json.dumps(raw, sort_keys=True, separators=(",", ":")).encode()
    with pytest.raises(Rejected, match="stamp order"):
        decode_batch(forged)


def test_locally_made_ops_follow_the_same_rules() -> None:
    bad = [
        dict(kind="set", collection="Entry", target=ENTRY, hlc=stamp(1), field="x"),
        dict(kind="set", collection="entry", target=b"short", hlc=stamp(1), field="x"),
        dict(kind="set", collection="entry", target=ENTRY, hlc=stamp(1), field="9x"),
        dict(kind="set", collection="entry", target=ENTRY, hlc=stamp(1), field="tag:"),
        dict(kind="set", collection="entry", target=ENTRY, hlc=stamp(1), field="tag:a\nb"),
        dict(kind="set", collection="entry", target=ENTRY, hlc=stamp(1), field="x",
             value=1.5),
        dict(kind="set", collection="entry", target=ENTRY, hlc=stamp(1), field="x",
             value=2**53 + 1),
        dict(kind="set", collection="entry", target=ENTRY, hlc=stamp(1), field="x",
             value="bell\x07"),
        dict(kind="set", collection="entry", target=ENTRY, hlc=stamp(1), field="x",
             value="\ud800"),
        dict(kind="set", collection="entry", target=ENTRY, hlc=stamp(1), field="x",
             value=["a"]),
        dict(kind="set", collection="entry", target=ENTRY, hlc=stamp(2), field="x",
             parents=(stamp(1),)),
        dict(kind="edit", collection="entry", target=ENTRY, hlc=stamp(1), field="body",
             value=3),
        dict(kind="edit", collection="entry", target=ENTRY, hlc=stamp(5), field="body",
             value="x", parents=(stamp(5),)),
        dict(kind="edit", collection="entry", target=ENTRY, hlc=stamp(5), field="body",
             value="x", parents=(stamp(1), stamp(1))),
        dict(kind="delete", collection="entry", target=ENTRY, hlc=stamp(1), field="x"),
        dict(kind="move", collection="entry", target=ENTRY, hlc=stamp(1), field="x"),
    ]
    for fields in bad:
        with pytest.raises(Rejected):
            Op(**fields)  # type: ignore[arg-type]


def test_text_up_to_the_longest_entry_fits_in_an_op_and_a_batch() -> None:
    """A million characters of four UTF-8 bytes each: the worst honest body."""
    op = Op("edit", "entry", ENTRY, stamp(1), "body", "\U0001f600" * MAX_TEXT)
    data = encode_op(op)
    assert len(data) <= MAX_OP_BYTES
    assert decode_op(data) == op
    assert decode_batch(encode_batch(DEVICE, [op])).ops == (op,)
    with pytest.raises(Rejected):
        Op("edit", "entry", ENTRY, stamp(1), "body", "x" * (MAX_TEXT + 1))


def test_oversize_input_is_refused_before_parsing() -> None:
    with pytest.raises(TooLarge):
        decode_op(b" " * (MAX_OP_BYTES + 1))
    with pytest.raises(TooLarge):
        decode_batch(b"[" * (MAX_BATCH_BYTES + 1))


@pytest.mark.parametrize("depth", [4, 50, 100_000])
def test_deep_input_is_refused_before_parsing(depth: int) -> None:
    nested = b"[" * depth + b"]" * depth
    with pytest.raises(TooDeep):
        decode_op(b'{"value":' + nested + b"}")
    with pytest.raises(TooDeep):
        decode_batch(b"{" + b'"a":{' * (depth + 1) + b"}" * (depth + 2))


def test_brackets_inside_text_are_not_nesting() -> None:
    op = Op("edit", "entry", ENTRY, stamp(1), "body", '[[[[{{{{ "\\" ]]')
    assert decode_op(encode_op(op)) == op


_HLC, _ID = b'"hlc":[1,0,"AQEBAQEBAQEBAQEBAQEBAQ"]', b'"id":"CQkJCQkJCQkJCQkJCQkJCQ"'


@pytest.mark.parametrize("spelling", [
    b'{' + _HLC + b', ' + _ID + b',"in":"entry","kind":"delete","v":1}',
    b'{"v":1,' + _HLC + b',' + _ID + b',"in":"entry","kind":"delete"}',
    b'{' + _HLC + b',' + _ID + b',"in":"\\u0065ntry","kind":"delete","v":1}',
    b'{' + _HLC + b',' + _ID + b',"in":"entry","kind":"delete","v":1,"v":1}',
])
def test_other_spellings_of_an_op_are_refused(spelling: bytes) -> None:
    canonical = encode_op(Op("delete", "entry", ENTRY, stamp(1)))
    assert canonical == b"{" + _HLC + b"," + _ID + b',"in":"entry","kind":"delete","v":1}'
    with pytest.raises(Rejected):
        decode_op(spelling)


@pytest.mark.parametrize("change,reason", [
    ({"v": 2}, "newer Companion"),
    ({"v": True}, "newer Companion"),
    ({"kind": "move"}, "unknown kind"),
    ({"extra": 1}, "unknown fields"),
    ({"hlc": [1, 0]}, "bad stamp"),
    ({"hlc": [1.0, 0, "AQEBAQEBAQEBAQEBAQEBAQ"]}, "bad stamp"),
    ({"hlc": [-1, 0, "AQEBAQEBAQEBAQEBAQEBAQ"]}, "bad stamp"),
    ({"id": "CQkJ"}, "wrong length"),
    ({"value": 1e3}, "unknown type"),
    ({"value": {"a": 1}}, "unknown type"),
])
def test_wrong_shapes_are_refused_with_a_reason(change: dict[str, object], reason: str) -> None:
    raw = json.loads(encode_op(Op("set", "entry", ENTRY, stamp(1), "title", "t")))
    raw.update(change)
    data = json.dumps(raw, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    with pytest.raises(Rejected, match=reason):
        decode_op(data)


def test_named_records_have_one_id_on_every_device() -> None:
    assert named_record_id("emotion", "grateful") == named_record_id("emotion", "grateful")
    assert named_record_id("emotion", "grateful") != named_record_id("activity", "grateful")
    assert len(named_record_id("tag", "work")) == 16


# Property tests.

names = st.from_regex(r"[a-z][a-z0-9_]{0,31}", fullmatch=True)
texts = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\t\n\r"),
                max_size=40)
stamps = st.builds(Hlc, st.integers(1, 2**48 - 1), st.integers(0, 2**32 - 1),
                   st.just(DEVICE))
values = st.one_of(st.none(), st.booleans(), st.integers(-(2**53), 2**53), texts,
                   st.lists(texts, max_size=5).map(tuple))


@st.composite
def ops(draw: st.DrawFn) -> Op:
    kind = draw(st.sampled_from(["set", "edit", "delete"]))
    hlc = draw(stamps)
    target = draw(st.binary(min_size=16, max_size=16))
    collection = draw(names)
    if kind == "delete":
        return Op("delete", collection, target, hlc)
    field = draw(names)
    if draw(st.booleans()):
        field += ":" + draw(st.text(st.characters(blacklist_categories=("Cs", "Cc")),
                                    min_size=1, max_size=10))
    if kind == "set":
        return Op("set", collection, target, hlc, field, draw(values))
    earlier = st.builds(Hlc, st.integers(0, hlc.wall_ms - 1), st.integers(0, 9),
                        st.binary(min_size=16, max_size=16))
    parents = tuple(draw(st.lists(earlier, max_size=4, unique=True)))
    return Op("edit", collection, target, hlc, field, draw(texts), parents)


@FUZZ
@given(ops())
def test_any_op_round_trips(op: Op) -> None:
    assert decode_op(encode_op(op)) == op


@FUZZ
@given(st.binary(max_size=400))
def test_arbitrary_bytes_are_an_op_or_rejected(data: bytes) -> None:
    for decode in (decode_op, decode_batch):
        with contextlib.suppress(Rejected):
            decode(data)


@FUZZ
@given(st.lists(ops(), min_size=1, max_size=4), st.data())
def test_mutated_batches_are_a_batch_or_rejected(found: list[Op], data: st.DataObject) -> None:
    ordered = sorted({op.hlc: op for op in found}.values(), key=lambda op: op.hlc)
    encoded = bytearray(encode_batch(DEVICE, ordered))
    for _ in range(data.draw(st.integers(1, 4))):
        where = data.draw(st.integers(0, len(encoded) - 1))
        action = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        if action == "flip":
            encoded[where] = data.draw(st.integers(0, 255))
        elif action == "cut":
            del encoded[where:where + data.draw(st.integers(1, 8))]
        else:
            encoded[where:where] = data.draw(st.sampled_from([b"[", b"{", b'"', b"\\", b"1"]))
        if not encoded:
            break
    try:
        batch = decode_batch(bytes(encoded))
    except Rejected:
        return
    # Whatever survives is canonical: it encodes back to exactly the bytes it came from.
    assert encode_batch(batch.device, batch.ops) == bytes(encoded)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=12)


@FUZZ
@given(st.dictionaries(st.sampled_from(["v", "kind", "in", "id", "hlc", "field", "value",
                                        "parents", "device", "ops"]), json_values))
def test_well_formed_json_of_the_wrong_shape_is_rejected(value: dict[str, object]) -> None:
    data = json.dumps(value, sort_keys=True, separators=(",", ":")).encode()
    for decode in (decode_op, decode_batch):
        with contextlib.suppress(Rejected):
            decode(data)
