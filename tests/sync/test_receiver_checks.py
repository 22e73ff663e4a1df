"""One test for every check a receiver makes (docs/protocol.md, "Receiver checks").

Each test builds a real, honest object, alters exactly one thing and asserts the exact
`Rejected` reason. Parser-level checks are in tables; the engine-level tests put the altered
message where the sender's next message belongs on a shared storage and check that the sync
round does not raise, counts the rejection in its report and in circle_events, and leaves the
vault unchanged.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from sync.codec import Reader, canonical, parse_object
from sync.content import encode_body, parse_body
from sync.crypto import (
    Rejected,
    SeededRandomness,
    b64,
    box_seal,
    sha256,
    sign,
    unb64,
    unwrap_key,
    wrap_key,
    x25519_public,
)
from sync.envelope import (
    CHECKIN_BUCKET,
    Header,
    check_signature,
    open_message,
    parse_envelope,
    unpad,
)
from sync.identity import Identity
from sync.invite import (
    PREFIX_V1,
    Invite,
    open_join_request,
    open_welcome,
    parse_invite,
    seal_join_request,
)
from sync.roster import SignedOp
from sync.transport import ObjectTooLarge
from tests.sync.protocol_helpers import Circle, Draft, honest_draft, raw_plaintext

ALICE = Identity(bytes([1]) * 32, bytes([2]) * 32)
MALLORY = Identity(bytes([3]) * 32, bytes([4]) * 32)
EPOCH_KEY = bytes([5]) * 32


def rejects(reason: str, call: Callable[[], object]) -> None:
    with pytest.raises(Rejected) as caught:
        call()
    assert caught.value.reason == reason


# -- codec.Reader, unb64, parse_object -------------------------------------------------------

R = Reader({"s": "ok", "n": 3, "b": b64(b"abcd"), "l": ["x"], "o": {}, "c": "a\x01"}, "thing")

CODEC_CASES: list[tuple[str, Callable[[], object], str]] = [
    ("reader of a non-object", lambda: Reader([], "thing"), "thing is not an object"),
    ("missing field", lambda: R.text("zz"), "thing lacks zz"),
    ("text not a string", lambda: R.text("n"), "thing has a bad n"),
    ("text too long", lambda: R.text("s", max_len=1), "thing has a bad s"),
    ("text empty", lambda: Reader({"s": ""}, "thing").text("s", allow_empty=False),
     "thing has a bad s"),
    ("control characters", lambda: R.text("c"), "thing has control characters in c"),
    ("delete character", lambda: Reader({"s": "a\x7f"}, "thing").text("s"),
     "thing has control characters in s"),
    ("C1 CSI, a terminal sequence on its own", lambda: Reader({"s": "a\x9b2J"}, "thing").text("s"),
     "thing has control characters in s"),
    ("C1 OSC", lambda: Reader({"s": "\x9d0;title\x9c"}, "thing").text("s"),
     "thing has control characters in s"),
    ("integer out of range", lambda: R.integer("n", 0, 2), "thing has a bad n"),
    ("integer that is a bool", lambda: Reader({"n": True}, "thing").integer("n", 0, 2),
     "thing has a bad n"),
    ("integer that is a float", lambda: Reader({"n": 1.0}, "thing").integer("n", 0, 2),
     "thing has a bad n"),
    ("choice not offered", lambda: R.choice("s", ("a", "b")), "thing has an unknown s"),
    ("strings not a list", lambda: R.strings("s", max_items=3, max_len=3), "thing has a bad s"),
    ("strings too many", lambda: R.strings("l", max_items=0, max_len=3), "thing has a bad l"),
    ("strings item empty", lambda: Reader({"l": [""]}, "thing").strings("l", max_items=3,
                                                                         max_len=3),
     "thing has a bad item in l"),
    ("strings item too long", lambda: R.strings("l", max_items=3, max_len=0),
     "thing has a bad item in l"),
    ("child not an object", lambda: R.child("s"), "thing s is not an object"),
    ("items not a list", lambda: R.items("o", max_items=3), "thing has a bad o"),
    ("unknown fields", lambda: R.only("s"), "thing has unknown fields"),
    ("raw of a number", lambda: R.raw("n"), "thing n is not base64"),
    ("raw of the wrong size", lambda: R.raw("b", 5), "thing b has the wrong length"),
    ("unb64 bad characters", lambda: unb64("ab$d"), "field is not base64"),
    ("unb64 with padding", lambda: unb64("YWJjZA=="), "field is not canonical base64"),
    ("unb64 non-canonical bits", lambda: unb64("YWJjZB"), "field is not canonical base64"),
    ("unb64 standard alphabet", lambda: unb64(base64.b64encode(b"\xfb\xff").decode()),
     "field is not canonical base64"),
    ("unb64 too long", lambda: unb64("A" * 1_400_004), "field is not base64"),
    ("not UTF-8", lambda: parse_object(b"\xff", "thing"), "thing is not JSON"),
    ("not JSON", lambda: parse_object(b"{", "thing"), "thing is not JSON"),
    ("JSON array", lambda: parse_object(b"[]", "thing"), "thing is not a JSON object"),
    ("NaN", lambda: parse_object(b'{"a":NaN}', "thing"), "not canonical JSON"),
    ("deep nesting", lambda: parse_object(b"[" * 100_000 + b"]" * 100_000, "thing"),
     "thing is not JSON"),
]


@pytest.mark.parametrize(("call", "reason"), [c[1:] for c in CODEC_CASES],
                         ids=[c[0] for c in CODEC_CASES])
def test_codec_check(call: Callable[[], object], reason: str) -> None:
    rejects(reason, call)


def test_codec_accepts_the_honest_values() -> None:
    assert (R.text("s"), R.integer("n", 0, 3), R.raw("b", 4)) == ("ok", 3, b"abcd")
    assert unb64(b64(bytes(range(7))), 7) == bytes(range(7))


# -- key wrapping -------------------------------------------------------------------------------

def _wrapped() -> bytes:
    return wrap_key(EPOCH_KEY, x25519_public(ALICE.agreement_private), b"aad",
                    SeededRandomness(b"w"))


@pytest.mark.parametrize(("alter", "reason"), [
    (lambda w: w[:47], "wrapped key too short"),
    (lambda w: bytes(32) + w[32:], "wrapped key has a bad ephemeral key"),
    (lambda w: w[:40] + bytes([w[40] ^ 1]) + w[41:], "wrapped key does not open"),
    (lambda w: w[:-1], "wrapped key does not open"),
], ids=["short", "low-order ephemeral key", "flipped bit", "truncated tag"])
def test_unwrap_check(alter: Callable[[bytes], bytes], reason: str) -> None:
    wrapped = _wrapped()
    assert unwrap_key(wrapped, ALICE.agreement_private, b"aad") == EPOCH_KEY
    rejects(reason, lambda: unwrap_key(alter(wrapped), ALICE.agreement_private, b"aad"))


def test_unwrap_checks_the_associated_data_and_recipient() -> None:
    rejects("wrapped key does not open",
            lambda: unwrap_key(_wrapped(), ALICE.agreement_private, b"another member"))
    rejects("wrapped key does not open",
            lambda: unwrap_key(_wrapped(), MALLORY.agreement_private, b"aad"))


# -- envelopes -----------------------------------------------------------------------------------

def _draft(**header: Any) -> Draft:
    body = encode_body("note", 1, {}, {"title": "t", "body": "b"})
    h = Header(bytes(16), bytes([1]) * 16, ALICE.public.member_id, 3, 2, bytes([7]) * 32,
               bytes(12), 0)
    return Draft(ALICE.signing_private, EPOCH_KEY, replace(h, **header), body, False)


def _patch(raw: bytes, at: int, data: bytes) -> bytes:
    """`raw` with `data` written at `at` (61 is the chain index in the header)."""
    return raw[:at] + data + raw[at + len(data):]


def _set_byte(raw: bytes, at: int, value: int) -> bytes:
    return raw[:at] + bytes([value]) + raw[at + 1:]


@pytest.mark.parametrize(("make", "reason"), [
    (lambda: _draft().seal()[:150], "message truncated"),
    (lambda: b"XMP1" + _draft().seal()[4:], "not a Companion message"),
    (lambda: _set_byte(_draft().seal(), 4, 2), "unknown message kind"),
    (lambda: _draft().seal() + b"\0", "message length does not match its header"),
    (lambda: _draft().seal()[:-1], "message length does not match its header"),
    (lambda: _draft(seq=0).seal(), "sequence number out of range"),
    (lambda: _draft(seq=2**40 + 1).seal(), "sequence number out of range"),
    (lambda: _patch(_draft().seal(), 61, (1_000_000).to_bytes(4, "big")),
     "sequence number out of range"),
], ids=["truncated", "magic", "kind", "trailing byte", "short by one", "seq 0", "seq too big",
        "index too big"])
def test_envelope_structure_check(make: Callable[[], bytes], reason: str) -> None:
    rejects(reason, lambda: parse_envelope(make()))


def test_envelope_signature_check() -> None:
    raw = _draft().seal()
    check_signature(parse_envelope(raw), ALICE.public.signing)
    flipped = _set_byte(raw, 150, raw[150] ^ 0x10)
    rejects("bad signature on message",
            lambda: check_signature(parse_envelope(flipped), ALICE.public.signing))
    rejects("bad signature on message",
            lambda: check_signature(parse_envelope(raw), MALLORY.public.signing))


def test_envelope_decryption_check() -> None:
    envelope = parse_envelope(_draft().seal())
    assert parse_body(open_message(envelope, EPOCH_KEY)).data["title"] == "t"
    rejects("message does not decrypt", lambda: open_message(envelope, bytes(32)))
    other_index = parse_envelope(replace(_draft(), epoch_key=EPOCH_KEY).seal())
    moved = replace(other_index, header=replace(other_index.header, index=3))
    rejects("message does not decrypt", lambda: open_message(moved, EPOCH_KEY))


@pytest.mark.parametrize(("plaintext", "reason"), [
    (b"", "padding has a wrong size"),
    (raw_plaintext(1, b"x", 1000), "padding has a wrong size"),
    (raw_plaintext(1, b"x", CHECKIN_BUCKET + 1024), "padding has a wrong size"),
    (raw_plaintext(1021, b"x", 1024), "padding length is out of range"),
    (raw_plaintext(1, b"x", 1024, b"\1"), "padding is not zero"),
], ids=["empty", "odd size", "between buckets", "length beyond the end", "non-zero tail"])
def test_padding_check(plaintext: bytes, reason: str) -> None:
    assert unpad(raw_plaintext(1, b"x", 1024)) == b"x"
    rejects(reason, lambda: unpad(plaintext))
    sealed = parse_envelope(replace(_draft(), plaintext=plaintext).seal())
    rejects(reason, lambda: open_message(sealed, EPOCH_KEY))


# -- message bodies ------------------------------------------------------------------------------

M = b64(bytes(16))
HONEST: dict[str, dict[str, Any]] = {
    "checkin": {"mood": 3, "energy": 2, "emotions": ["calm"], "note": "n"},
    "note": {"title": "t", "body": "b"},
    "reply": {"to": {"m": M, "s": 1}, "text": "r"},
    "reaction": {"to": {"m": M, "s": 1}, "emoji": "+1", "remove": 0},
    "edit": {"to": {"m": M, "s": 1}, "title": "t2"},
    "delete": {"to": {"m": M, "s": 1}},
    "guidelines": {"text": "be kind"},
    "roster": {"op": {"op": b64(b"{}"), "sig": b64(bytes(64))}},
}


def body(type_: str, **changes: Any) -> bytes:
    value: dict[str, Any] = {"type": type_, "at": 5, "seen": {M: [1, b64(bytes(12))]},
                             **HONEST[type_]}
    for key, new in changes.items():
        if new is None:
            value.pop(key)
        else:
            value[key] = new
    return canonical(value)


@pytest.mark.parametrize("type_", sorted(HONEST))
def test_honest_bodies_parse(type_: str) -> None:
    assert parse_body(body(type_)).type == type_


BODY_CASES: list[tuple[str, bytes, str]] = [
    ("not JSON", b"\xff", "message body is not JSON"),
    ("array", b"[]", "message body is not a JSON object"),
    ("unknown type", body("note", type="poll"), "message body has an unknown type"),
    ("no time", body("note", at=None), "message body lacks at"),
    ("negative time", body("note", at=-1), "message body has a bad at"),
    ("no checkpoint", body("note", seen=None), "message body lacks seen"),
    ("checkpoint not an object", body("note", seen=[]), "message body seen is not an object"),
    ("too many checkpoints",
     body("note", seen={b64(i.to_bytes(16, "big")): [1, b64(bytes(12))] for i in range(65)}),
     "message body has too many checkpoints"),
    ("checkpoint member", body("note", seen={b64(bytes(15)): [1, b64(bytes(12))]}),
     "checkpoint k has the wrong length"),
    ("checkpoint not a pair", body("note", seen={M: [1]}), "message body has a bad checkpoint"),
    ("checkpoint seq", body("note", seen={M: [-1, b64(bytes(12))]}), "checkpoint has a bad s"),
    ("checkpoint hash", body("note", seen={M: [1, b64(bytes(11))]}),
     "checkpoint h has the wrong length"),
    ("check-in extra field", body("checkin", title="x"), "message body has unknown fields"),
    ("mood too high", body("checkin", mood=6), "message body has a bad mood"),
    ("mood a bool", body("checkin", mood=True), "message body has a bad mood"),
    ("mood missing", body("checkin", mood=None), "message body lacks mood"),
    ("energy zero", body("checkin", energy=0), "message body has a bad energy"),
    ("too many emotions", body("checkin", emotions=["a"] * 9), "message body has a bad emotions"),
    ("empty emotion", body("checkin", emotions=[""]), "message body has a bad item in emotions"),
    ("long emotion", body("checkin", emotions=["a" * 33]),
     "message body has a bad item in emotions"),
    ("long check-in note", body("checkin", note="a" * 281), "message body has a bad note"),
    ("control character", body("checkin", note="a\x1b[2J"),
     "message body has control characters in note"),
    ("empty title", body("note", title=""), "message body has a bad title"),
    ("long body", body("note", body="a" * 20_001), "message body has a bad body"),
    ("reply without target", body("reply", to=None), "message body lacks to"),
    ("reply target member", body("reply", to={"m": b64(bytes(3)), "s": 1}),
     "message body to m has the wrong length"),
    ("reply target seq", body("reply", to={"m": M, "s": 0}), "message body to has a bad s"),
    ("reply target extra", body("reply", to={"m": M, "s": 1, "x": 1}),
     "message body to has unknown fields"),
    ("empty reply", body("reply", text=""), "message body has a bad text"),
    ("reaction remove flag", body("reaction", remove=2), "message body has a bad remove"),
    ("long reaction", body("reaction", emoji="a" * 17), "message body has a bad emoji"),
    ("edit of nothing", body("edit", title=None), "edit changes nothing"),
    ("delete extra", body("delete", text="x"), "message body has unknown fields"),
    ("long guidelines", body("guidelines", text="a" * 4001), "message body has a bad text"),
    ("roster op not an object", body("roster", op=[]), "roster op is not an object"),
    ("roster op extra", body("roster", op={"op": "", "sig": b64(bytes(64)), "x": 1}),
     "roster op has unknown fields"),
    ("roster op signature", body("roster", op={"op": "", "sig": b64(bytes(63))}),
     "roster op sig has the wrong length"),
    ("roster op too large", body("roster", op={"op": b64(bytes(32_001)), "sig": b64(bytes(64))}),
     "roster op too large"),
]


@pytest.mark.parametrize(("data", "reason"), [c[1:] for c in BODY_CASES],
                         ids=[c[0] for c in BODY_CASES])
def test_body_check(data: bytes, reason: str) -> None:
    rejects(reason, lambda: parse_body(data))


# -- the engine: a hostile message where a member's next one belongs -------------------------


@pytest.fixture
def pair() -> Circle:
    """Ann (admin) and Bob; Bob has posted once, so his chain has a past."""
    circle = Circle(("Ann", "Bob"), version=1)
    circle.post("Bob")
    circle.sync_all()
    assert len(circle.items("Ann")) == 1
    return circle


def plant(circle: Circle, member: str, seq: int, raw: bytes) -> None:
    circle.store.objects[circle.name_for(member, seq)] = raw


def assert_rejected(circle: Circle, reason: str, receiver: str = "Ann",
                    chain_moves: bool = False) -> None:
    before = circle.snapshot(receiver)
    report = circle.sync(receiver)  # must not raise
    assert report.rejected == {reason: 1}
    assert ("rejected", reason) in circle.events(receiver)
    after = circle.snapshot(receiver)
    if chain_moves:  # the message itself was authentic; only its effect was refused
        before.pop("circle_chains")
        after.pop("circle_chains")
    assert after == before


def _with_header(draft: Draft, **changes: Any) -> Draft:
    return replace(draft, header=replace(draft.header, **changes))


ENGINE_CASES: list[tuple[str, Callable[[Circle, Draft], bytes], str]] = [
    ("truncated", lambda c, d: d.seal()[:100], "message truncated"),
    ("cut short", lambda c, d: d.seal()[:-10], "message length does not match its header"),
    ("not ours", lambda c, d: b"%PDF-1.7" + d.seal()[8:], "not a Companion message"),
    ("unknown kind", lambda c, d: _set_byte(d.seal(), 4, 9), "unknown message kind"),
    ("another circle", lambda c, d: _with_header(d, circle=bytes(16)).seal(),
     "message is not where its name says (replayed or moved)"),
    ("another sender's slot",
     lambda c, d: replace(_with_header(d, sender=c.id_of("Ann")),
                          signing_private=c.identity("Ann").signing_private).seal(),
     "message is not where its name says (replayed or moved)"),
    ("replayed earlier message", lambda c, d: c.store.objects[c.name_for("Bob", 1)],
     "message is not where its name says (replayed or moved)"),
    ("flipped bit", lambda c, d: _set_byte(d.seal(), 200, d.seal()[200] ^ 4),
     "bad signature on message"),
    ("forged sender", lambda c, d: replace(d, signing_private=MALLORY.signing_private).seal(),
     "bad signature on message"),
    ("fork", lambda c, d: _with_header(d, prev_hash=bytes(32)).seal(),
     "message does not follow the sender's previous one (fork)"),
    ("skipped index", lambda c, d: _with_header(d, index=d.header.index + 1).seal(),
     "chain index out of order"),
    ("epoch the sender was never in",
     lambda c, d: _with_header(d, epoch=min(c.roster("Ann").epochs.values(),
                                            key=lambda e: e.order).id, index=0).seal(),
     "sender is not a member of that epoch"),
    ("wrong epoch key", lambda c, d: replace(d, epoch_key=bytes(32)).seal(),
     "message does not decrypt"),
    ("odd padding", lambda c, d: replace(d, plaintext=raw_plaintext(1, b"x", 1000)).seal(),
     "padding has a wrong size"),
    ("padding length", lambda c, d: replace(d, plaintext=raw_plaintext(2000, b"x", 1024)).seal(),
     "padding length is out of range"),
    ("padding not zero",
     lambda c, d: replace(d, plaintext=raw_plaintext(1, b"{", 1024, b"\1")).seal(),
     "padding is not zero"),
    ("body not JSON", lambda c, d: replace(d, body=b"\xff\xfe").seal(), "message body is not JSON"),
    ("unknown body type", lambda c, d: replace(d, body=body("note", type="poll")).seal(),
     "message body has an unknown type"),
    ("check-in padded like a note", lambda c, d: replace(d, body=body("checkin")).seal(),
     "check-in not padded to the fixed size"),
]


@pytest.mark.parametrize(("make", "reason"), [c[1:] for c in ENGINE_CASES],
                         ids=[c[0] for c in ENGINE_CASES])
def test_engine_rejects(pair: Circle, make: Callable[[Circle, Draft], bytes],
                        reason: str) -> None:
    draft = honest_draft(pair, "Bob")
    plant(pair, "Bob", draft.header.seq, make(pair, draft))
    assert_rejected(pair, reason)


def test_engine_accepts_the_honest_draft(pair: Circle) -> None:
    """The control for the table above: unaltered, the same draft is applied."""
    draft = honest_draft(pair, "Bob", data={"title": "t", "body": "honest"})
    plant(pair, "Bob", draft.header.seq, draft.seal())
    report = pair.sync("Ann")
    assert (report.applied, report.rejected) == (1, {})
    assert json.loads(pair.items("Ann")[-1][3])["body"] == "honest"


def test_engine_holds_a_message_of_an_unknown_epoch(pair: Circle) -> None:
    draft = _with_header(honest_draft(pair, "Bob"), epoch=bytes([9]) * 16, index=0)
    plant(pair, "Bob", draft.header.seq, draft.seal())
    before = pair.snapshot("Ann")
    report = pair.sync("Ann")
    assert (report.rejected, report.held, report.applied) == ({}, 1, 0)
    after = pair.snapshot("Ann")
    assert after.pop("circle_held") != before.pop("circle_held")
    assert after == before
    assert pair.sync("Ann").fetched == 0  # kept, never downloaded again


def test_engine_chains_but_does_not_read_a_message_of_an_epoch_it_was_never_in() -> None:
    """Check 10: Cat joins after Bob's post; the post is authentic, so Cat's chain for Bob
    moves past it, but its epoch key was never wrapped to Cat, so Cat cannot read it."""
    circle = Circle(("Ann", "Bob"), version=1)
    circle.post("Bob", data={"title": "before Cat", "body": "CANARY"})
    circle.sync_all()
    circle.join("Cat")
    report = circle.sync("Cat")
    assert report.rejected == {}
    assert circle.engines["Cat"].state.chains(circle.id)[circle.id_of("Bob")].seq == 1
    assert not any("CANARY" in item[3] for item in circle.items("Cat"))
    circle.post("Bob", data={"title": "after Cat", "body": "hello Cat"})
    circle.sync_all()
    assert [json.loads(i[3])["title"] for i in circle.items("Cat")] == ["after Cat"]


EFFECT_CASES: list[tuple[str, Callable[[Circle], bytes], str]] = [
    ("roster op of another author",
     lambda c: encode_body("roster", 1, {}, {"op": c.engines["Ann"].state.ops(c.id)[0]
                                             .to_json()}),
     "roster op carried by someone other than its author"),
    ("edit of someone else's message",
     lambda c: encode_body("edit", 1, {}, {"title": "mine now"},
                           ref=_ref(c.id_of("Ann"), 1)),
     "edit or delete of someone else's message"),
    ("delete of someone else's message",
     lambda c: encode_body("delete", 1, {}, {}, ref=_ref(c.id_of("Ann"), 1)),
     "edit or delete of someone else's message"),
    ("guidelines from a member",
     lambda c: encode_body("guidelines", 1, {}, {"text": "obey"}),
     "guidelines from a member who is not an admin"),
]


def _ref(member: bytes, seq: int) -> Any:
    from sync.content import Ref

    return Ref(member, seq)


@pytest.mark.parametrize(("make", "reason"), [c[1:] for c in EFFECT_CASES],
                         ids=[c[0] for c in EFFECT_CASES])
def test_engine_refuses_the_effect_of_an_authentic_message(
        pair: Circle, make: Callable[[Circle], bytes], reason: str) -> None:
    draft = replace(honest_draft(pair, "Bob"), body=make(pair))
    plant(pair, "Bob", draft.header.seq, draft.seal())
    assert_rejected(pair, reason, chain_moves=True)


def test_engine_refuses_a_leave_with_a_wrong_cutoff(pair: Circle) -> None:
    from sync.roster import make_op

    roster = pair.roster("Bob")
    draft = honest_draft(pair, "Bob")
    op, _ = make_op(pair.identity("Bob"), pair.id, "leave", parents=roster.heads(),
                    lamport=roster.next_lamport(), at=1, rng=pair.engines["Bob"].rng,
                    cutoff=draft.header.seq + 5)
    draft = replace(draft, body=encode_body("roster", 1, {}, {"op": op.to_json()}))
    plant(pair, "Bob", draft.header.seq, draft.seal())
    assert_rejected(pair, "leave with a wrong last message", chain_moves=True)
    assert pair.roster("Ann").members[pair.id_of("Bob")].active


def test_engine_rejects_an_invalid_roster_op_inside_an_authentic_message(pair: Circle) -> None:
    bad = SignedOp(canonical({"v": 1}), bytes(64))
    draft = replace(honest_draft(pair, "Bob"), body=encode_body("roster", 1, {},
                                                                {"op": bad.to_json()}))
    plant(pair, "Bob", draft.header.seq, draft.seal())
    assert_rejected(pair, "roster op lacks parents", chain_moves=True)


def test_engine_rejects_an_oversized_object(pair: Circle) -> None:
    plant(pair, "Bob", honest_draft(pair, "Bob").header.seq, bytes((1 << 20) + 1))
    assert_rejected(pair, ObjectTooLarge().message)


def test_engine_counts_an_oversized_object_in_the_report(pair: Circle) -> None:
    plant(pair, "Bob", honest_draft(pair, "Bob").header.seq, bytes((1 << 20) + 1))
    before = pair.snapshot("Ann")
    assert pair.sync("Ann").rejected == {ObjectTooLarge().message: 1}
    assert pair.snapshot("Ann") == before


def test_engine_rejects_a_bad_join_request() -> None:
    from sync import actions

    circle = Circle(("Ann",), version=1)
    invite = actions.make_invite(circle.engines["Ann"], circle.row("Ann"))
    circle.store.objects[invite.join_name] = bytes(200)
    assert_rejected(circle, "sealed box has a bad ephemeral key")
    assert circle.sync("Ann").joined == []


def test_engine_rejects_a_bad_welcome() -> None:
    from sync import actions
    from sync.invite import parse_invite

    circle = Circle(("Ann",), version=1)
    invite = actions.make_invite(circle.engines["Ann"], circle.row("Ann"))
    circle.engines["Bob"] = circle._engine("Bob")
    actions.begin_join(circle.engines["Bob"], parse_invite(invite.code()), "Bob", "folder", "/b",
                       circle.store)
    circle.store.objects[invite.welcome_name] = bytes(200)
    assert_rejected(circle, "sealed box has a bad ephemeral key", receiver="Bob")


# -- invite codes, join requests, welcomes ---------------------------------------------------

INVITE = Invite(bytes([8]) * 16, bytes([9]) * 32, ALICE.public, "https://dav.example/c/")


def _code(payload: bytes, *, checksum: bytes | None = None) -> str:
    payload += checksum if checksum is not None else sha256(b"companion invite check",
                                                            payload)[:4]
    return PREFIX_V1 + base64.b32encode(payload).decode("ascii").rstrip("=")


_PAYLOAD = (b"\x01" + INVITE.circle + INVITE.secret + ALICE.public.signing
            + ALICE.public.agreement)

INVITE_CASES: list[tuple[str, str, str]] = [
    ("not an invite", "hello", "not a Companion invite code"),
    ("too long", PREFIX_V1 + "A" * 2001, "invite code too long"),
    ("not base32", INVITE.code()[:-3] + "189", "invite code is damaged"),
    ("checksum", _code(_PAYLOAD + b"\0\0", checksum=b"\0\0\0\0"), "invite code is damaged"),
    ("incomplete", _code(_PAYLOAD[:50]), "invite code is incomplete"),
    ("newer version", _code(b"\x03" + _PAYLOAD[1:] + b"\0\0"),
     "invite code is from a newer Companion"),
    ("address length", _code(_PAYLOAD + b"\0\x05ab"), "invite code is damaged"),
    ("address too long", _code(_PAYLOAD + b"\x01\x91" + b"a" * 401), "invite code is damaged"),
    ("address not UTF-8", _code(_PAYLOAD + b"\0\x02\xff\xfe"), "invite code is damaged"),
]


@pytest.mark.parametrize(("code", "reason"), [c[1:] for c in INVITE_CASES],
                         ids=[c[0] for c in INVITE_CASES])
def test_invite_code_check(code: str, reason: str) -> None:
    assert parse_invite(INVITE.code()) == INVITE
    assert parse_invite(_code(_PAYLOAD + b"\0\0")).webdav_url == ""
    rejects(reason, lambda: parse_invite(code))


def test_invite_codes_survive_spaces_breaks_and_case() -> None:
    code = INVITE.code()
    spaced = " ".join(code[i:i + 8] for i in range(0, len(code), 8)).lower()
    assert parse_invite(spaced + "\n") == INVITE


def _box(plaintext: bytes, to: Identity, aad: bytes, psk: bytes = INVITE.secret) -> bytes:
    return box_seal(plaintext, to.public.agreement, psk=psk, aad=aad,
                    rng=SeededRandomness(b"box"))


def _signed(body: dict[str, Any], signer: Identity, **outer: Any) -> bytes:
    data = canonical(body)
    return canonical({"body": b64(data), "sig": b64(sign(signer.signing_private, data)),
                      **outer})


JOIN_AAD = b"companion join v1" + INVITE.circle
JOIN_BODY = {"circle": b64(INVITE.circle), "member": {**MALLORY.public.to_json(), "name": "M"},
             "at": 7}


def _join(**changes: Any) -> bytes:
    return _box(_signed({**JOIN_BODY, **changes}, MALLORY), ALICE, JOIN_AAD)


JOIN_CASES: list[tuple[str, Callable[[], bytes], str]] = [
    ("short", lambda: bytes(40), "sealed box too short"),
    ("low-order key", lambda: bytes(80), "sealed box has a bad ephemeral key"),
    ("flipped bit", lambda: _set_byte(_join(), 40, _join()[40] ^ 1), "sealed box does not open"),
    ("other invite", lambda: _box(_signed(JOIN_BODY, MALLORY), ALICE, JOIN_AAD, bytes(32)),
     "sealed box does not open"),
    ("other circle's box", lambda: _box(_signed(JOIN_BODY, MALLORY), ALICE, JOIN_AAD + b"x"),
     "sealed box does not open"),
    ("not JSON", lambda: _box(b"\xff", ALICE, JOIN_AAD), "join request is not JSON"),
    ("outer extra field", lambda: _box(_signed(JOIN_BODY, MALLORY, x=1), ALICE, JOIN_AAD),
     "join request has unknown fields"),
    ("no signature", lambda: _box(canonical({"body": b64(canonical(JOIN_BODY))}), ALICE,
                                  JOIN_AAD), "join request lacks sig"),
    ("inner extra field", lambda: _join(admin=True), "join request has unknown fields"),
    ("another circle", lambda: _join(circle=b64(bytes(16))), "join request for another circle"),
    ("member extra field", lambda: _join(member={**MALLORY.public.to_json(), "name": "M",
                                                 "x": 1}),
     "join request member has unknown fields"),
    ("signed by someone else", lambda: _join(member={**ALICE.public.to_json(), "name": "M"}),
     "bad signature on join request"),
    ("no name", lambda: _join(member={**MALLORY.public.to_json(), "name": ""}),
     "join request member has a bad name"),
    ("bad time", lambda: _join(at=-1), "join request has a bad at"),
]


@pytest.mark.parametrize(("make", "reason"), [c[1:] for c in JOIN_CASES],
                         ids=[c[0] for c in JOIN_CASES])
def test_join_request_check(make: Callable[[], bytes], reason: str) -> None:
    honest = seal_join_request(INVITE, MALLORY, "M", 7, SeededRandomness(b"j"))
    assert open_join_request(INVITE, ALICE, honest).member == MALLORY.public
    assert open_join_request(INVITE, ALICE, _join()).name == "M"
    rejects(reason, lambda: open_join_request(INVITE, ALICE, make()))


WELCOME_AAD = b"companion welcome v1" + INVITE.circle + MALLORY.public.member_id
WELCOME_BODY = {"circle": b64(INVITE.circle), "names": b64(bytes(32)), "genesis": b64(bytes(32)),
                "member": b64(MALLORY.public.member_id), "ops": []}


def _welcome(signer: Identity = ALICE, **changes: Any) -> bytes:
    return _box(_signed({**WELCOME_BODY, **changes}, signer), MALLORY, WELCOME_AAD)


WELCOME_CASES: list[tuple[str, Callable[[], bytes], str]] = [
    ("short", lambda: bytes(47), "sealed box too short"),
    ("flipped bit", lambda: _set_byte(_welcome(), 60, _welcome()[60] ^ 1),
     "sealed box does not open"),
    ("for another member", lambda: _box(_signed(WELCOME_BODY, ALICE), MALLORY,
                                        WELCOME_AAD[:-1] + b"x"), "sealed box does not open"),
    ("not an object", lambda: _box(b"[]", MALLORY, WELCOME_AAD), "welcome is not a JSON object"),
    ("not from the inviting admin", lambda: _welcome(signer=MALLORY),
     "welcome not signed by the inviting admin"),
    ("another circle", lambda: _welcome(circle=b64(bytes(16))),
     "welcome for another circle or member"),
    ("another member", lambda: _welcome(member=b64(bytes(16))),
     "welcome for another circle or member"),
    ("extra field", lambda: _welcome(admin=1), "welcome has unknown fields"),
    ("names key length", lambda: _welcome(names=b64(bytes(31))),
     "welcome names has the wrong length"),
    ("ops not a list", lambda: _welcome(ops={}), "welcome has a bad ops"),
    ("too many ops", lambda: _welcome(ops=[{}] * 2001), "welcome has a bad ops"),
    ("op not an object", lambda: _welcome(ops=["x"]), "roster op is not an object"),
]


@pytest.mark.parametrize(("make", "reason"), [c[1:] for c in WELCOME_CASES],
                         ids=[c[0] for c in WELCOME_CASES])
def test_welcome_check(make: Callable[[], bytes], reason: str) -> None:
    assert open_welcome(INVITE, MALLORY, _welcome()).name_key == bytes(32)
    rejects(reason, lambda: open_welcome(INVITE, MALLORY, make()))


def test_an_oversized_object_at_my_next_name_is_reported_not_raised(pair: Circle) -> None:
    plant(pair, "Bob", honest_draft(pair, "Bob").header.seq, bytes((1 << 20) + 1))
    pair.post("Bob")
    report = pair.sync("Bob")
    assert any("fork" in problem for problem in report.problems)


def test_an_oversized_object_in_place_of_my_sent_message_is_reported_not_raised(
        pair: Circle) -> None:
    plant(pair, "Bob", 1, bytes((1 << 20) + 1))
    report = pair.sync("Bob")
    assert report.problems
