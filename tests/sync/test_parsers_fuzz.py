"""Property tests of every parser that reads hostile bytes: envelopes, bodies, roster ops,
invite codes, join requests and welcomes. Whatever they are given — arbitrary bytes, honest
objects mutated, or well-formed JSON of the wrong shape — they return a value or raise
`Rejected`, the documented rejection, and nothing else."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.codec import Reader, canonical, parse_object
from sync.content import encode_body, parse_body
from sync.crypto import Rejected, SeededRandomness, b64, box_seal, sha256
from sync.envelope import Header, check_signature, open_message, parse_envelope
from sync.identity import Identity
from sync.invite import (
    PREFIX,
    PREFIX_V1,
    Invite,
    Welcome,
    open_join_request,
    open_welcome,
    parse_invite,
    seal_join_request,
    seal_welcome,
)
from sync.roster import SignedOp, fold, make_op, parse_op
from tests.sync.protocol_helpers import Draft

ADMIN = Identity(bytes([1]) * 32, bytes([2]) * 32)
JOINER = Identity(bytes([3]) * 32, bytes([4]) * 32)
EPOCH_KEY = bytes([5]) * 32
CIRCLE = bytes([6]) * 16
INVITE = Invite(CIRCLE, bytes([7]) * 32, ADMIN.public, "https://dav.example/c/")
FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def only_rejected(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except Rejected as exc:
        assert exc.reason and len(exc.reason) < 120
        return None


def mutated(honest: bytes) -> st.SearchStrategy[bytes]:
    """The honest bytes with bytes replaced, a cut, or bytes inserted."""
    replaced = st.lists(st.tuples(st.integers(0, len(honest) - 1), st.integers(0, 255)),
                        min_size=1, max_size=4).map(lambda changes: _replace(honest, changes))
    return st.one_of(
        replaced,
        st.integers(0, len(honest) - 1).map(lambda n: honest[:n]),
        st.tuples(st.integers(0, len(honest)), st.binary(min_size=1, max_size=40)).map(
            lambda t: honest[:t[0]] + t[1] + honest[t[0]:]),
    )


def _replace(honest: bytes, changes: list[tuple[int, int]]) -> bytes:
    raw = bytearray(honest)
    for at, value in changes:
        raw[at] = value
    return bytes(raw)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-2**64, 2**64)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=12)


def shaped(keys: tuple[str, ...], values: st.SearchStrategy[Any] = JSON,
           ) -> st.SearchStrategy[dict[str, Any]]:
    """JSON objects with the keys a parser expects (some of them), holding anything."""
    return st.dictionaries(st.sampled_from(keys) | st.text(max_size=6), values,
                           max_size=len(keys))


# -- envelopes ------------------------------------------------------------------------------------

def _envelope() -> bytes:
    body = encode_body("checkin", 1, {}, {"mood": 3})
    header = Header(CIRCLE, bytes(16), ADMIN.public.member_id, 1, 0, bytes(32), bytes(12), 0)
    return Draft(ADMIN.signing_private, EPOCH_KEY, header, body, True).seal()


ENVELOPE = _envelope()


def read_envelope(raw: bytes) -> None:
    envelope = parse_envelope(raw)
    check_signature(envelope, ADMIN.public.signing)
    parse_body(open_message(envelope, EPOCH_KEY))


def open_without_signature(raw: bytes) -> None:
    """Decryption and padding checks, as if the signature had passed (defence in depth)."""
    parse_body(open_message(parse_envelope(raw), EPOCH_KEY))


def test_the_honest_envelope_reads() -> None:
    read_envelope(ENVELOPE)


@FUZZ
@given(st.binary(max_size=6000) | st.binary(max_size=200).map(lambda b: b"CMP1\x01" + b))
def test_envelope_parser_on_arbitrary_bytes(raw: bytes) -> None:
    only_rejected(lambda: read_envelope(raw))
    only_rejected(lambda: open_without_signature(raw))


@FUZZ
@given(mutated(ENVELOPE))
def test_envelope_parser_on_mutated_envelopes(raw: bytes) -> None:
    if raw != ENVELOPE:
        assert only_rejected(lambda: read_envelope(raw)) is None
    only_rejected(lambda: open_without_signature(raw))


@FUZZ
@given(st.binary(max_size=5000), st.integers(0, 2**32 - 1))
def test_padding_and_body_behind_a_valid_seal(payload: bytes, length: int) -> None:
    """The sender is authentic but hostile: any plaintext under a valid key and signature."""
    header = Header(CIRCLE, bytes(16), ADMIN.public.member_id, 1, 0, bytes(32), bytes(12), 0)
    raw = Draft(ADMIN.signing_private, EPOCH_KEY, header, b"", False,
                plaintext=length.to_bytes(4, "big") + payload).seal()
    only_rejected(lambda: read_envelope(raw))


# -- bodies ----------------------------------------------------------------------------------------

BODY_KEYS = ("type", "at", "seen", "mood", "energy", "emotions", "note", "title", "body", "to",
             "text", "emoji", "remove", "op")
TYPES = st.sampled_from(("checkin", "note", "reply", "reaction", "edit", "delete", "roster",
                         "guidelines"))


@FUZZ
@given(st.binary(max_size=600))
def test_body_parser_on_arbitrary_bytes(raw: bytes) -> None:
    only_rejected(lambda: parse_body(raw))


@FUZZ
@given(shaped(BODY_KEYS), TYPES, st.integers(0, 2**41), st.booleans())
def test_body_parser_on_json_of_the_wrong_shape(value: dict[str, Any], type_: str, at: int,
                                                typed: bool) -> None:
    if typed:
        value = {"seen": {}, **value, "type": type_, "at": at}
    only_rejected(lambda: parse_body(canonical(value)))


@FUZZ
@given(st.dictionaries(st.text(max_size=24), JSON, max_size=3), TYPES)
def test_body_parser_on_odd_checkpoints(seen: dict[str, Any], type_: str) -> None:
    value = {"type": type_, "at": 1, "seen": seen, "title": "t", "mood": 1}
    only_rejected(lambda: parse_body(canonical(value)))


@FUZZ
@given(mutated(encode_body("reply", 1, {bytes(16): (2, bytes(32))}, {"text": "hi"})))
def test_body_parser_on_mutated_bodies(raw: bytes) -> None:
    only_rejected(lambda: parse_body(raw))


# -- roster ops ------------------------------------------------------------------------------------

OP, _ = make_op(ADMIN, CIRCLE, "add", parents=[bytes(32)], lamport=2, at=1,
                rng=SeededRandomness(b"fuzz"), wrap_to=[ADMIN.public, JOINER.public],
                member=JOINER.public, member_name="Joiner")
OP_KEYS = ("v", "circle", "author", "lamport", "parents", "action", "at", "member", "target",
           "cutoff", "replaces", "epoch", "circle_name")
B64ISH = st.binary(max_size=90).map(b64) | st.sampled_from([b64(bytes(16)), b64(bytes(32))])


def read_op(signed: SignedOp) -> None:
    parse_op(signed)
    fold(CIRCLE, signed.hash, [signed])


@FUZZ
@given(mutated(OP.body))
def test_op_parser_on_mutated_ops(body: bytes) -> None:
    only_rejected(lambda: read_op(SignedOp(body, OP.signature)))


@FUZZ
@given(shaped(OP_KEYS, JSON | B64ISH | st.lists(B64ISH, max_size=3)
              | st.dictionaries(B64ISH, B64ISH, max_size=3)),
       st.sampled_from(("create", "add", "remove", "promote", "rotate", "leave")))
def test_op_parser_on_json_of_the_wrong_shape(value: dict[str, Any], action: str) -> None:
    value = {**json.loads(OP.body), **value}
    value.setdefault("action", action)
    only_rejected(lambda: read_op(SignedOp(canonical(value), OP.signature)))


@FUZZ
@given(JSON)
def test_signed_op_wrapper_on_any_json(value: Any) -> None:
    only_rejected(lambda: read_op(SignedOp.from_json(value)))


# -- invites, join requests, welcomes ------------------------------------------------------------

def _code(payload: bytes) -> str:
    """`payload` behind a valid checksum, under the prefix its version byte names."""
    prefix = PREFIX_V1 if payload[:1] == b"\x01" else PREFIX
    payload += sha256(b"companion invite check", payload)[:4]
    return prefix + base64.b32encode(payload).decode("ascii").rstrip("=")


@FUZZ
@given(st.text(max_size=300) | st.text(max_size=300).map(lambda t: PREFIX + t))
def test_invite_parser_on_arbitrary_text(code: str) -> None:
    only_rejected(lambda: parse_invite(code))


@FUZZ
@given(st.binary(max_size=600))
def test_invite_parser_behind_a_valid_checksum(payload: bytes) -> None:
    only_rejected(lambda: parse_invite(_code(payload)))
    only_rejected(lambda: parse_invite(_code(b"\x01" + payload)))


@FUZZ
@given(st.data())
def test_invite_parser_on_mutated_codes(data: st.DataObject) -> None:
    code = INVITE.code()
    at = data.draw(st.integers(len(PREFIX), len(code) - 1))
    changed = code[:at] + data.draw(st.characters()) + code[at + 1:]
    invite = only_rejected(lambda: parse_invite(changed))
    assert invite is None or invite == INVITE  # the checksum catches every single change


INVITE_V2 = Invite.signed_by(ADMIN, CIRCLE, bytes([7]) * 32, "https://dav.example/c/")


@FUZZ
@given(st.binary(max_size=600))
def test_v2_invite_parser_behind_a_valid_checksum(payload: bytes) -> None:
    only_rejected(lambda: parse_invite(_code(b"\x02" + payload)))


@FUZZ
@given(st.data())
def test_v2_invite_parser_on_mutated_codes(data: st.DataObject) -> None:
    code = INVITE_V2.code()
    at = data.draw(st.integers(len(PREFIX), len(code) - 1))
    changed = code[:at] + data.draw(st.characters()) + code[at + 1:]
    invite = only_rejected(lambda: parse_invite(changed))
    assert invite is None or invite == INVITE_V2


@FUZZ
@given(st.data())
def test_v2_invite_fields_changed_behind_a_recomputed_checksum_are_refused(
        data: st.DataObject) -> None:
    """The attack, generalised: any change to a signed code's bytes, with the checksum made
    to fit again, yields the admin's own invite or a rejection — never another invite."""
    body = INVITE_V2.code()[len(PREFIX):]
    payload = base64.b32decode(body + "=" * (-len(body) % 8))[:-4]
    changed = data.draw(mutated(payload))
    invite = only_rejected(lambda: parse_invite(_code(changed)))
    assert invite is None or invite == INVITE_V2


JOIN = seal_join_request(INVITE, JOINER, "Joiner", 1, SeededRandomness(b"join"))
WELCOME = seal_welcome(INVITE, ADMIN, JOINER.public,
                       Welcome(CIRCLE, bytes(32), OP.hash, (OP,)), SeededRandomness(b"welcome"))


def test_the_honest_join_request_and_welcome_open() -> None:
    assert open_join_request(INVITE, ADMIN, JOIN).name == "Joiner"
    assert open_welcome(INVITE, JOINER, WELCOME).ops == (OP,)


@FUZZ
@given(mutated(JOIN) | st.binary(max_size=300))
def test_join_request_parser_on_mutated_and_arbitrary_bytes(raw: bytes) -> None:
    if raw != JOIN:
        assert only_rejected(lambda: open_join_request(INVITE, ADMIN, raw)) is None


@FUZZ
@given(mutated(WELCOME) | st.binary(max_size=300))
def test_welcome_parser_on_mutated_and_arbitrary_bytes(raw: bytes) -> None:
    if raw != WELCOME:
        assert only_rejected(lambda: open_welcome(INVITE, JOINER, raw)) is None


def _signed_box(inner: dict[str, Any], signer: Identity, to: Identity, aad: bytes,
                outer: dict[str, Any]) -> bytes:
    body = canonical(inner)
    from sync.crypto import sign

    wrapper = {"body": b64(body), "sig": b64(sign(signer.signing_private, body)), **outer}
    return box_seal(canonical(wrapper), to.public.agreement, psk=INVITE.secret, aad=aad,
                    rng=SeededRandomness(b"box"))


@FUZZ
@given(shaped(("circle", "member", "at"), JSON | B64ISH | st.just(JOINER.public.to_json())),
       shaped(("body", "sig"), JSON | B64ISH, ))
def test_join_request_parser_on_signed_json_of_the_wrong_shape(
        inner: dict[str, Any], outer: dict[str, Any]) -> None:
    """Sealed with the invite secret and signed: only the readers stand in the way."""
    raw = _signed_box({"circle": b64(CIRCLE), **inner}, JOINER, ADMIN,
                      b"companion join v1" + CIRCLE, outer)
    only_rejected(lambda: open_join_request(INVITE, ADMIN, raw))


@FUZZ
@given(shaped(("circle", "names", "genesis", "member", "ops"), JSON | B64ISH
              | st.lists(st.just(OP.to_json()) | JSON, max_size=3)),
       shaped(("body", "sig"), JSON | B64ISH))
def test_welcome_parser_on_signed_json_of_the_wrong_shape(
        inner: dict[str, Any], outer: dict[str, Any]) -> None:
    value = {"circle": b64(CIRCLE), "member": b64(JOINER.public.member_id), **inner}
    raw = _signed_box(value, ADMIN, JOINER,
                      b"companion welcome v1" + CIRCLE + JOINER.public.member_id, outer)
    welcome = only_rejected(lambda: open_welcome(INVITE, JOINER, raw))
    if welcome is not None:
        for op in welcome.ops:
            only_rejected(lambda op=op: read_op(op))


# -- the readers themselves ------------------------------------------------------------------------

@FUZZ
@given(st.binary(max_size=300) | JSON.map(lambda v: json.dumps(v).encode()))
def test_reader_on_anything(raw: bytes) -> None:
    value = only_rejected(lambda: parse_object(raw, "thing"))
    if value is None:
        return
    r = Reader(value, "thing")
    for key in list(value)[:3]:
        only_rejected(lambda: r.text(key))  # noqa: B023 (called at once)
        only_rejected(lambda: r.integer(key, 0, 9))  # noqa: B023
        only_rejected(lambda: r.raw(key))  # noqa: B023
        only_rejected(lambda: r.choice(key, ("a",)))  # noqa: B023
        only_rejected(lambda: r.child(key))  # noqa: B023
        only_rejected(lambda: r.strings(key, max_items=3, max_len=3))  # noqa: B023
        only_rejected(lambda: r.items(key, max_items=3))  # noqa: B023
