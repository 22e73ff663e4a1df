"""What a device group's message carries (sync/devices/wire.py): batches made from the
vault's encodings are the canonical ones, packing keeps every message within its bounds, and
unpacking treats every byte as hostile (a zlib bomb, a cut stream, trailing bytes, something
other than operations inside)."""

from __future__ import annotations

import base64
import json
import random
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.crypto import Rejected
from sync.devices.hlc import Hlc
from sync.devices.ops import (
    MAX_BATCH_OPS,
    MAX_OP_DEPTH,
    Op,
    TooDeep,
    _check_depth,
    decode_batch,
    decode_op,
    encode_batch,
    encode_op,
)
from sync.devices.wire import (
    MAX_UNPACKED,
    batch_bytes,
    compress,
    pack,
    snapshot_bytes,
    unpack,
)

DEVICE = bytes([1]) * 16
FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
texts = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n\t\r"),
                max_size=60)


def ops_of(bodies: list[str]) -> list[Op]:
    return [Op("edit", "entry", bytes([n % 250 + 1]) * 16, Hlc(1_000 + n, 0, DEVICE), "body",
               body) for n, body in enumerate(bodies)]


@FUZZ
@given(st.lists(texts, min_size=1, max_size=30))
def test_a_batch_from_kept_encodings_is_the_canonical_batch(bodies: list[str]) -> None:
    ops = ops_of(bodies)
    made = batch_bytes(DEVICE, [encode_op(op) for op in ops])
    assert made == encode_batch(DEVICE, ops)
    assert decode_batch(made, DEVICE).ops == tuple(ops)


def words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(["tea", "walk", "rain", "garden", "letter", "quiet"])
                    for _ in range(count))


@pytest.mark.parametrize("limit", [2_000, 20_000, 180_000])
def test_packing_keeps_every_message_within_its_bounds_and_every_op_in_order(
        limit: int) -> None:
    rng = random.Random(limit)
    # Words (sixfold), noise (barely compresses) and a mix, so the ratio learnt from one
    # message misleads the next.
    bodies = [words(rng, rng.randrange(1, 400)) if n % 3 else
              base64.b64encode(rng.randbytes(rng.randrange(1, 900))).decode()
              for n in range(600)]
    encoded = [encode_op(op) for op in ops_of(bodies)]
    packed, too_large = pack(encoded, snapshot_bytes, limit)
    assert too_large == []
    seen: list[bytes] = []
    for field, count in packed:
        assert len(field) <= limit
        lines = unpack(field)[1:].split(b"\n")
        assert len(lines) == count <= MAX_BATCH_OPS
        seen.extend(lines)
    assert seen == encoded


def test_an_op_too_large_even_alone_is_named_and_the_rest_packed() -> None:
    rng = random.Random(3)
    noise = base64.b64encode(rng.randbytes(30_000)).decode()
    encoded = [encode_op(op) for op in ops_of(["small", noise, "after"])]
    packed, too_large = pack(encoded, lambda ops: batch_bytes(DEVICE, ops), 20_000)
    assert too_large == [1]
    carried = [op for field, _ in packed for op in decode_batch(unpack(field), DEVICE).ops]
    assert [op.value for op in carried] == ["small", "after"]


def test_many_tiny_ops_stop_at_the_batch_count() -> None:
    encoded = [encode_op(op) for op in ops_of(["x"] * (3 * MAX_BATCH_OPS))]
    packed, _ = pack(encoded, lambda ops: batch_bytes(DEVICE, ops), 180_000)
    counts = [count for _, count in packed]
    assert max(counts) == MAX_BATCH_OPS and sum(counts) == len(encoded)
    for field, count in packed:
        assert len(decode_batch(unpack(field), DEVICE).ops) == count


def test_uncompressed_fields_pass_as_they_are() -> None:
    batch = encode_batch(DEVICE, ops_of(["a"]))
    assert unpack(batch) == batch
    assert unpack(b"C") == b"C"


def test_a_zlib_bomb_stops_at_the_bound() -> None:
    bomb = b"Z" + zlib.compress(b"S" + b"\n" * (64 * 1024 * 1024), 9)
    assert len(bomb) < 100_000
    with pytest.raises(Rejected, match="more than a message may hold"):
        unpack(bomb)
    assert len(unpack(compress(b"S" + b"\n" * (MAX_UNPACKED - 1)))) == MAX_UNPACKED


@pytest.mark.parametrize("field, reason", [
    (b"Z", "cut short"),
    (b"Znot zlib at all", "does not decompress"),
    (compress(b"S" + b"x" * 100)[:-5], "cut short"),
    (compress(b"S" + b"x" * 100) + b"more", "followed by more"),
    (compress(b"C"), "other than operations"),
    (compress(compress(b"S")), "other than operations"),
    (compress(b"[1]"), "other than operations"),
])
def test_a_broken_compressed_field_is_refused(field: bytes, reason: str) -> None:
    with pytest.raises(Rejected, match=reason):
        unpack(field)


@FUZZ
@given(st.binary(max_size=300))
def test_any_bytes_unpack_or_are_refused(data: bytes) -> None:
    for field in (data, b"Z" + data, b"Z" + zlib.compress(data)):
        try:
            out = unpack(field)
        except Rejected:
            continue
        assert len(out) <= MAX_UNPACKED


def _depth_by_walking(data: bytes) -> int:
    """The deepest nesting, by walking every byte (the rule the fast scan must keep)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in data:
        if in_string:
            if escaped:
                escaped = False
            elif char == 0x5C:
                escaped = True
            elif char == 0x22:
                in_string = False
        elif char == 0x22:
            in_string = True
        elif char in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in b"]}":
            depth -= 1
    return deepest


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=12)


@FUZZ
@given(json_values)
def test_the_depth_scan_agrees_with_a_walk_over_every_byte(value: object) -> None:
    data = json.dumps(value, ensure_ascii=False).encode()
    if _depth_by_walking(data) > MAX_OP_DEPTH:
        with pytest.raises(TooDeep):
            _check_depth(data, MAX_OP_DEPTH, "x")
    else:
        _check_depth(data, MAX_OP_DEPTH, "x")


def test_a_snapshot_line_decodes_to_its_op() -> None:
    op = ops_of(['quote " and [brackets] inside {text}'])[0]
    field = compress(snapshot_bytes([encode_op(op)]))
    assert decode_op(unpack(field)[1:]) == op
