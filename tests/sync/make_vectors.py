"""Regenerates tests/sync/vectors.json, the published test vectors of the circle protocol.

    python3 -m tests.sync.make_vectors

Every random byte comes from `SeededRandomness` with the seed written next to each vector, so
another implementation can reproduce the exact bytes (docs/protocol.md describes the formats).
test_vectors.py fails when the code's output drifts from the file; regenerate it only for a
deliberate format change (and bump the version labels inside the formats).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sync.agreement import view_hash
from sync.content import Ref, View, encode_body
from sync.crypto import (
    SeededRandomness,
    box_seal,
    object_name,
    sha256,
    wrap_key,
    x25519_public,
)
from sync.envelope import chain_key, message_hash, message_key, seal_message
from sync.envelope_v2 import seal_message_v2
from sync.identity import Identity, safety_number
from sync.invite import Invite, seal_join_request, seal_welcome
from sync.invite import Welcome as WelcomeValue
from sync.locate import epoch_names_key, message_name, message_name_v2
from sync.roster import make_op, wrap_aad

PATH = Path(__file__).with_name("vectors.json")


def identity(seed: str) -> Identity:
    return Identity.generate(SeededRandomness(seed.encode()))


def key_wrapping() -> list[dict[str, Any]]:
    out = []
    for n, (secret, aad) in enumerate([(bytes(32), b""), (bytes(range(32)), b"circle|epoch|m")]):
        recipient = bytes([0x40 + n]) * 32
        seed = f"wrap {n}"
        out.append({"seed": seed, "secret": secret.hex(), "recipient_private": recipient.hex(),
                    "recipient_public": x25519_public(recipient).hex(), "aad": aad.hex(),
                    "wrapped": wrap_key(secret, x25519_public(recipient), aad,
                                        SeededRandomness(seed.encode())).hex()})
    return out


def boxes() -> list[dict[str, Any]]:
    recipient, psk, aad = bytes([0x55]) * 32, bytes([0x66]) * 32, b"companion join v1"
    plaintext = b'{"hello":"box"}'
    return [{"seed": "box 0", "plaintext": plaintext.hex(), "recipient_private": recipient.hex(),
             "psk": psk.hex(), "aad": aad.hex(),
             "sealed": box_seal(plaintext, x25519_public(recipient), psk=psk, aad=aad,
                                rng=SeededRandomness(b"box 0")).hex()}]


def chains() -> list[dict[str, Any]]:
    epoch_key, circle, epoch, sender = (bytes([0x11]) * 32, bytes([0x22]) * 16,
                                        bytes([0x33]) * 16, bytes([0x44]) * 16)
    chain = chain_key(epoch_key, circle, epoch, sender)
    return [{"epoch_key": epoch_key.hex(), "circle": circle.hex(), "epoch": epoch.hex(),
             "sender": sender.hex(), "chain_key": chain.hex(),
             "message_keys": [message_key(chain, i).hex() for i in range(4)]}]


def names() -> list[dict[str, Any]]:
    key = bytes([0x77]) * 32
    member = bytes([0x88]) * 16
    return [{"key": key.hex(), "parts": [b"join".hex()], "name": object_name(key, b"join")},
            {"key": key.hex(), "member": member.hex(), "seq": 1,
             "parts": [b"msg".hex(), member.hex(), (1).to_bytes(8, "big").hex()],
             "name": message_name(key, member, 1)}]


def envelopes() -> list[dict[str, Any]]:
    out = []
    alice = identity("vector alice")
    epoch_key, circle, epoch = bytes([0x11]) * 32, bytes([0x22]) * 16, bytes([0x33]) * 16
    prev = bytes(32)
    cases = [("checkin", {"mood": 4, "energy": 3, "emotions": ["calm"], "note": "ok"}, None),
             ("note", {"title": "Hello", "body": "First *note*"}, None),
             ("reply", {"text": "Thanks"}, Ref(alice.public.member_id, 2))]
    for n, (type_, data, ref) in enumerate(cases):
        seq = n + 1
        body = encode_body(type_, 1_773_480_600 + n, {alice.public.member_id: (n, prev)}, data,
                           ref)
        seed = f"envelope {n}"
        raw = seal_message(signing_private=alice.signing_private, epoch_key=epoch_key,
                           circle=circle, epoch=epoch, sender=alice.public.member_id, seq=seq,
                           index=n, prev_hash=prev, body=body, checkin=type_ == "checkin",
                           rng=SeededRandomness(seed.encode()))
        out.append({"seed": seed, "signing_private": alice.signing_private.hex(),
                    "signing_public": alice.public.signing.hex(), "epoch_key": epoch_key.hex(),
                    "circle": circle.hex(), "epoch": epoch.hex(),
                    "sender": alice.public.member_id.hex(), "seq": seq, "index": n,
                    "prev_hash": prev.hex(), "checkin": type_ == "checkin", "body": body.hex(),
                    "raw": raw.hex(), "hash": message_hash(raw).hex()})
        prev = message_hash(raw)
    return out


def roster_ops() -> list[dict[str, Any]]:
    alice, bob = identity("vector alice"), identity("vector bob")
    circle = bytes([0x22]) * 16
    create, create_key = make_op(alice, circle, "create", parents=(), lamport=1, at=1_773_480_000,
                                 rng=SeededRandomness(b"op create"), wrap_to=(alice.public,),
                                 member=alice.public, member_name="Alice",
                                 circle_name="Friends")
    add, add_key = make_op(alice, circle, "add", parents=(create.hash,), lamport=2,
                           at=1_773_480_060, rng=SeededRandomness(b"op add"),
                           wrap_to=(alice.public, bob.public), member=bob.public,
                           member_name="Bob")
    remove, remove_key = make_op(alice, circle, "remove", parents=(add.hash,), lamport=3,
                                 at=1_773_480_120, rng=SeededRandomness(b"op remove"),
                                 wrap_to=(alice.public,), target=bob.public.member_id, cutoff=5)
    out = []
    for seed, op, key, wrapped_to in (("op create", create, create_key, ["vector alice"]),
                                      ("op add", add, add_key, ["vector alice", "vector bob"]),
                                      ("op remove", remove, remove_key, ["vector alice"])):
        assert key is not None
        out.append({"seed": seed, "author": "vector alice", "body": op.body.hex(),
                    "signature": op.signature.hex(), "hash": op.hash.hex(),
                    "epoch_key": key.hex(), "wrapped_to": wrapped_to})
    return out


def identities() -> list[dict[str, Any]]:
    out = []
    for seed in ("vector alice", "vector bob"):
        me = identity(seed)
        out.append({"seed": seed, "signing_private": me.signing_private.hex(),
                    "agreement_private": me.agreement_private.hex(),
                    "signing_public": me.public.signing.hex(),
                    "agreement_public": me.public.agreement.hex(),
                    "fingerprint": me.public.fingerprint.hex(),
                    "member_id": me.public.member_id.hex()})
    return out


def safety_numbers() -> list[dict[str, Any]]:
    alice, bob = identity("vector alice"), identity("vector bob")
    return [{"a": "vector alice", "b": "vector bob",
             "safety_number": safety_number(alice.public, bob.public)}]


def invites() -> list[dict[str, Any]]:
    alice, bob = identity("vector alice"), identity("vector bob")
    out = []
    for url in ("", "https://cloud.example/remote.php/dav/files/ann/circle/"):
        invite = Invite(bytes([0x22]) * 16, bytes([0x99]) * 32, alice.public, url)
        join = seal_join_request(invite, bob, "Bob", 1_773_480_000,
                                 SeededRandomness(b"join request"))
        op, _ = make_op(alice, invite.circle, "create", parents=(), lamport=1,
                        at=1_773_480_000, rng=SeededRandomness(b"op create"),
                        wrap_to=(alice.public,), member=alice.public, member_name="Alice")
        welcome = seal_welcome(invite, alice, bob.public,
                               WelcomeValue(invite.circle, bytes([0xAA]) * 32, op.hash, (op,)),
                               SeededRandomness(b"welcome"))
        out.append({"circle": invite.circle.hex(), "secret": invite.secret.hex(),
                    "admin": "vector alice", "webdav_url": url, "code": invite.code(),
                    "join_name": invite.join_name, "welcome_name": invite.welcome_name,
                    "joiner": "vector bob", "joiner_name": "Bob", "join_at": 1_773_480_000,
                    "join_seed": "join request", "join_request": join.hex(),
                    "welcome_seed": "welcome", "welcome_names_key": (bytes([0xAA]) * 32).hex(),
                    "welcome_ops": [{"body": op.body.hex(), "signature": op.signature.hex()}],
                    "welcome": welcome.hex()})
    return out


def invites_v2() -> list[dict[str, Any]]:
    """Version 2 codes: the admin's Ed25519 signature (deterministic) over `signed_bytes`.
    Join requests and welcomes are the same as for version 1 (the "invites" section)."""
    alice = identity("vector alice")
    out = []
    for url in ("", "https://cloud.example/remote.php/dav/files/ann/circle/"):
        invite = Invite.signed_by(alice, bytes([0x22]) * 16, bytes([0x99]) * 32, url)
        out.append({"circle": invite.circle.hex(), "secret": invite.secret.hex(),
                    "admin": "vector alice",
                    "admin_short_fingerprint": alice.public.short_fingerprint,
                    "webdav_url": url, "signed_bytes": invite.signed_bytes().hex(),
                    "signature": invite.signature.hex(), "code": invite.code()})
    return out


def envelopes_v2() -> list[dict[str, Any]]:
    """Two messages of one sender in a version 2 epoch, with their names (§5, §6)."""
    out = []
    alice = identity("vector alice")
    epoch_key, circle, epoch = bytes([0x11]) * 32, bytes([0x22]) * 16, bytes([0x33]) * 16
    prev, prev_epoch, epoch_prev = bytes(32), bytes(16), bytes(32)
    names = epoch_names_key(epoch_key, circle, epoch)
    cases = [("checkin", {"mood": 2, "energy": None, "emotions": [], "note": "v2"}),
             ("note", {"title": "Hidden", "body": "sender"})]
    for n, (type_, data) in enumerate(cases):
        body = encode_body(type_, 1_773_480_700 + n, {}, data)
        seed = f"envelope v2 {n}"
        raw = seal_message_v2(signing_private=alice.signing_private, epoch_key=epoch_key,
                              circle=circle, epoch=epoch, sender=alice.public.member_id,
                              seq=n + 5, index=n, prev_hash=prev, prev_epoch=prev_epoch,
                              epoch_prev=epoch_prev, body=body, checkin=type_ == "checkin",
                              rng=SeededRandomness(seed.encode()))
        out.append({"seed": seed, "signing_public": alice.public.signing.hex(),
                    "epoch_key": epoch_key.hex(), "circle": circle.hex(), "epoch": epoch.hex(),
                    "sender": alice.public.member_id.hex(), "seq": n + 5, "index": n,
                    "prev_hash": prev.hex(), "prev_epoch": prev_epoch.hex(),
                    "epoch_prev": epoch_prev.hex(), "checkin": type_ == "checkin",
                    "body": body.hex(), "names_key": names.hex(),
                    "name": message_name_v2(names, alice.public.member_id, n, 0),
                    "name_second_try": message_name_v2(names, alice.public.member_id, n, 1),
                    "raw": raw.hex(), "hash": message_hash(raw).hex()})
        prev, prev_epoch, epoch_prev = message_hash(raw), epoch, message_hash(raw)
    return out


def bodies_v2() -> list[dict[str, Any]]:
    """Version 2 bodies: every one declares the sender's view of the roster (§3, §5); a roster
    message may carry operations without one of its own."""
    alice = identity("vector alice")
    applied = [sha256(b"vector op", bytes([n])) for n in range(3)]
    view = View(view_hash(applied), tuple(sorted(applied[1:])))
    seen = {alice.public.member_id: (2, bytes([0x55]) * 32)}
    op, _ = make_op(alice, bytes([0x22]) * 16, "promote", parents=[applied[0]], lamport=2,
                    at=1_773_480_600, rng=SeededRandomness(b"bodies v2"),
                    target=bytes([0x44]) * 16)
    # Every version 2 message also announces the sender's receiving key (§4).
    recv = x25519_public(sha256(b"vector receiving key"))
    cases = [encode_body("note", 1_773_480_601, seen, {"title": "Hello", "body": "v2"},
                         view=view, recv=recv),
             encode_body("roster", 1_773_480_602, seen, {"carry": [op.to_json()]}, view=view,
                         recv=recv)]
    return [{"applied": [h.hex() for h in applied], "view_ops": view.ops.hex(),
             "heads": [h.hex() for h in view.heads], "recv": recv.hex(),
             "body": body.decode("utf-8")}
            for body in cases]


def epoch_wrap_aad() -> list[dict[str, Any]]:
    circle, epoch, member = bytes([0x22]) * 16, bytes([0x33]) * 16, bytes([0x44]) * 16
    return [{"circle": circle.hex(), "epoch": epoch.hex(), "member": member.hex(),
             "aad": wrap_aad(circle, epoch, member).hex()}]


def generate() -> dict[str, Any]:
    return {"about": "Companion circle protocol test vectors; bytes are hex. Randomness is "
                     "SeededRandomness(seed): SHA-256(seed || counter as u64 big-endian), "
                     "concatenated, a fresh counter from 0 for every seed.",
            "key_wrapping": key_wrapping(), "epoch_wrap_aad": epoch_wrap_aad(),
            "sealed_boxes": boxes(), "chains": chains(), "object_names": names(),
            "identities": identities(), "safety_numbers": safety_numbers(),
            "envelopes": envelopes(), "roster_ops": roster_ops(), "invites": invites(),
            "invites_v2": invites_v2(), "bodies_v2": bodies_v2(),
            "envelopes_v2": envelopes_v2()}


def main() -> None:
    PATH.write_text(json.dumps(generate(), indent=1, ensure_ascii=False) + "\n",
                    encoding="utf-8")


if __name__ == "__main__":
    main()
