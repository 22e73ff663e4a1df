"""The published test vectors (tests/sync/vectors.json), checked both ways: the code must
regenerate the stored bytes exactly, and must open and verify the stored bytes on their own."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sync.agreement import view_hash
from sync.content import View, parse_body
from sync.crypto import (
    Rejected,
    box_open,
    object_name,
    unwrap_key,
    verify,
)
from sync.envelope import (
    chain_key,
    check_signature,
    message_hash,
    message_key,
    open_message,
    parse_envelope,
)
from sync.envelope_v2 import parse_envelope_v2
from sync.identity import Identity, PublicIdentity, safety_number
from sync.invite import Invite, open_join_request, open_welcome, parse_invite
from sync.locate import epoch_names_key, message_name_v2
from sync.roster import SignedOp, fold, open_epoch_key, parse_op, wrap_aad
from tests.sync import make_vectors

VECTORS: dict[str, Any] = json.loads(make_vectors.PATH.read_text(encoding="utf-8"))
IDENTITIES = {v["seed"]: Identity(bytes.fromhex(v["signing_private"]),
                                  bytes.fromhex(v["agreement_private"]))
              for v in VECTORS["identities"]}
x = bytes.fromhex


@pytest.mark.parametrize("section", sorted(k for k in VECTORS if k != "about"))
def test_code_regenerates_the_stored_vectors(section: str) -> None:
    assert make_vectors.generate()[section] == VECTORS[section], (
        "the protocol's bytes changed; if deliberate, run python3 -m tests.sync.make_vectors")


def test_every_kind_of_vector_is_published() -> None:
    for section in ("key_wrapping", "sealed_boxes", "chains", "object_names", "envelopes",
                    "roster_ops", "safety_numbers", "invites", "invites_v2", "identities",
                    "bodies_v2", "envelopes_v2"):
        assert VECTORS[section], section


@pytest.mark.parametrize("v", VECTORS["key_wrapping"])
def test_stored_wrapped_keys_unwrap(v: dict[str, Any]) -> None:
    wrapped = x(v["wrapped"])
    assert unwrap_key(wrapped, x(v["recipient_private"]), x(v["aad"])) == x(v["secret"])
    with pytest.raises(Rejected, match="wrapped key does not open"):
        unwrap_key(wrapped, x(v["recipient_private"]), x(v["aad"]) + b"other")


def test_stored_epoch_wrap_aad() -> None:
    v = VECTORS["epoch_wrap_aad"][0]
    assert wrap_aad(x(v["circle"]), x(v["epoch"]), x(v["member"])) == x(v["aad"])


@pytest.mark.parametrize("v", VECTORS["sealed_boxes"])
def test_stored_boxes_open(v: dict[str, Any]) -> None:
    assert box_open(x(v["sealed"]), x(v["recipient_private"]), psk=x(v["psk"]),
                    aad=x(v["aad"])) == x(v["plaintext"])
    with pytest.raises(Rejected, match="sealed box does not open"):
        box_open(x(v["sealed"]), x(v["recipient_private"]), psk=bytes(32), aad=x(v["aad"]))


@pytest.mark.parametrize("v", VECTORS["chains"])
def test_stored_chain_and_message_keys(v: dict[str, Any]) -> None:
    chain = chain_key(x(v["epoch_key"]), x(v["circle"]), x(v["epoch"]), x(v["sender"]))
    assert chain == x(v["chain_key"])
    keys = [message_key(chain, i) for i in range(len(v["message_keys"]))]
    assert keys == [x(k) for k in v["message_keys"]]
    assert len(set(keys)) == len(keys)


@pytest.mark.parametrize("v", VECTORS["object_names"])
def test_stored_object_names(v: dict[str, Any]) -> None:
    assert object_name(x(v["key"]), *(x(p) for p in v["parts"])) == v["name"]


@pytest.mark.parametrize("v", VECTORS["identities"])
def test_stored_identities(v: dict[str, Any]) -> None:
    public = IDENTITIES[v["seed"]].public
    assert public == PublicIdentity(x(v["signing_public"]), x(v["agreement_public"]))
    assert public.fingerprint == x(v["fingerprint"])
    assert public.member_id == x(v["member_id"])


@pytest.mark.parametrize("v", VECTORS["safety_numbers"])
def test_stored_safety_numbers(v: dict[str, Any]) -> None:
    a, b = IDENTITIES[v["a"]].public, IDENTITIES[v["b"]].public
    assert safety_number(a, b) == safety_number(b, a) == v["safety_number"]


@pytest.mark.parametrize("v", VECTORS["envelopes"])
def test_stored_envelopes_open(v: dict[str, Any]) -> None:
    raw = x(v["raw"])
    envelope = parse_envelope(raw)
    h = envelope.header
    assert (h.circle, h.epoch, h.sender, h.seq, h.index, h.prev_hash) == (
        x(v["circle"]), x(v["epoch"]), x(v["sender"]), v["seq"], v["index"], x(v["prev_hash"]))
    check_signature(envelope, x(v["signing_public"]))
    assert open_message(envelope, x(v["epoch_key"])) == x(v["body"])
    assert message_hash(raw) == envelope.hash == x(v["hash"])
    if v["checkin"]:
        assert len(envelope.ciphertext) == 4096 + 16


def test_stored_envelopes_form_a_hash_chain() -> None:
    envelopes = VECTORS["envelopes"]
    for before, after in zip(envelopes, envelopes[1:], strict=False):
        assert after["prev_hash"] == before["hash"]


@pytest.mark.parametrize("v", VECTORS["roster_ops"])
def test_stored_roster_ops_verify_and_unwrap(v: dict[str, Any]) -> None:
    signed = SignedOp(x(v["body"]), x(v["signature"]))
    assert signed.hash == x(v["hash"])
    op = parse_op(signed)
    author = IDENTITIES[v["author"]]
    assert op.author == author.public.member_id
    for reader in v["wrapped_to"]:
        assert open_epoch_key(op, IDENTITIES[reader]) == x(v["epoch_key"])
    assert set(op.wraps) == {IDENTITIES[r].public.member_id for r in v["wrapped_to"]}


def test_stored_roster_folds_with_signatures_checked() -> None:
    ops = [SignedOp(x(v["body"]), x(v["signature"])) for v in VECTORS["roster_ops"]]
    genesis = ops[0].hash
    roster = fold(parse_op(ops[0]).circle, genesis, ops)
    assert roster.invalid == []
    bob = IDENTITIES["vector bob"].public.member_id
    assert not roster.members[bob].active and roster.members[bob].last_seq == 5
    assert roster.name == "Friends"


@pytest.mark.parametrize("v", VECTORS["invites"])
def test_stored_invites_parse_and_open(v: dict[str, Any]) -> None:
    invite = parse_invite(v["code"])
    admin, joiner = IDENTITIES[v["admin"]], IDENTITIES[v["joiner"]]
    assert (invite.circle, invite.secret, invite.admin, invite.webdav_url) == (
        x(v["circle"]), x(v["secret"]), admin.public, v["webdav_url"])
    assert (invite.join_name, invite.welcome_name) == (v["join_name"], v["welcome_name"])
    request = open_join_request(invite, admin, x(v["join_request"]))
    assert (request.member, request.name, request.at) == (joiner.public, v["joiner_name"],
                                                          v["join_at"])
    welcome = open_welcome(invite, joiner, x(v["welcome"]))
    assert welcome.name_key == x(v["welcome_names_key"])
    assert [(op.body.hex(), op.signature.hex()) for op in welcome.ops] == [
        (o["body"], o["signature"]) for o in v["welcome_ops"]]
    assert welcome.genesis == welcome.ops[0].hash


@pytest.mark.parametrize("v", VECTORS["invites_v2"])
def test_stored_v2_invites_parse_and_verify(v: dict[str, Any]) -> None:
    invite = parse_invite(v["code"])
    admin = IDENTITIES[v["admin"]].public
    assert (invite.version, invite.circle, invite.secret, invite.admin, invite.webdav_url) == (
        2, x(v["circle"]), x(v["secret"]), admin, v["webdav_url"])
    assert invite.signed_bytes() == x(v["signed_bytes"])
    assert invite.signature == x(v["signature"])
    verify(admin.signing, x(v["signature"]), x(v["signed_bytes"]))  # plain Ed25519
    assert admin.short_fingerprint == v["admin_short_fingerprint"]
    assert v["code"].startswith("companion-invite-2:")


def test_stored_v2_signed_bytes_are_framed_as_documented() -> None:
    """docs/protocol.md §7: a label, the version, then each field, every one after its length
    as a 32-bit big-endian number."""
    v = VECTORS["invites_v2"][1]
    admin = IDENTITIES[v["admin"]].public
    parts = [b"companion invite v2", b"\x02", x(v["circle"]), x(v["secret"]), admin.signing,
             admin.agreement, v["webdav_url"].encode()]
    assert b"".join(len(p).to_bytes(4, "big") + p for p in parts) == x(v["signed_bytes"])
    unsigned = Invite(x(v["circle"]), x(v["secret"]), admin, v["webdav_url"])
    assert unsigned.signed_bytes() == x(v["signed_bytes"])


@pytest.mark.parametrize("v", VECTORS["bodies_v2"])
def test_stored_v2_bodies_declare_the_view(v: dict[str, Any]) -> None:
    applied = [x(h) for h in v["applied"]]
    assert view_hash(applied) == view_hash(reversed(applied)) == x(v["view_ops"])
    body = parse_body(v["body"].encode("utf-8"))
    assert body.view == View(x(v["view_ops"]), tuple(x(h) for h in v["heads"]))
    assert body.recv == x(v["recv"])
    if body.type == "roster":
        assert body.op is None and len(body.carry) == 1  # carries without an op of its own


@pytest.mark.parametrize("v", VECTORS["envelopes_v2"])
def test_stored_v2_envelopes_open_from_their_names(v: dict[str, Any]) -> None:
    raw, key = x(v["raw"]), x(v["epoch_key"])
    names = epoch_names_key(key, x(v["circle"]), x(v["epoch"]))
    assert names == x(v["names_key"])
    assert message_name_v2(names, x(v["sender"]), v["index"], 0) == v["name"]
    assert message_name_v2(names, x(v["sender"]), v["index"], 1) == v["name_second_try"]
    envelope = parse_envelope_v2(raw, x(v["circle"]), x(v["epoch"]), key)
    h = envelope.header
    assert (h.sender, h.seq, h.index, h.prev_hash, h.prev_epoch, h.epoch_prev) == (
        x(v["sender"]), v["seq"], v["index"], x(v["prev_hash"]), x(v["prev_epoch"]),
        x(v["epoch_prev"]))
    check_signature(envelope, x(v["signing_public"]))
    assert open_message(envelope, key) == x(v["body"])
    assert message_hash(raw) == x(v["hash"])
    for value in (x(v["circle"]), x(v["epoch"]), x(v["sender"])):
        assert value not in raw  # nothing of the header in clear
    if v["checkin"]:
        assert len(raw) == 4333
    with pytest.raises(Rejected, match="message header does not decrypt"):
        parse_envelope_v2(raw, x(v["circle"]), bytes(16), key)  # looked for in another epoch
