"""Invites: a code the admin gives out of band, a join request, and the admin's welcome.

The code holds the circle id, a one-time invite secret, the inviting admin's public keys and
(for WebDAV) the storage address. The joiner writes a join request — their public keys and
display name, signed by them, sealed to the admin with the invite secret mixed in — under a
name only invite holders can compute. The admin's device checks it on its next sync, adds the
member (a new epoch) and leaves a welcome sealed to the joiner: the circle's name key and every
roster operation, signed by the admin, whose keys the joiner already has from the code.
Someone who intercepts a code can join in the invitee's place; comparing safety numbers is what
reveals that (docs/protocol.md).
"""

from __future__ import annotations

import base64
import binascii
import struct
from dataclasses import dataclass

from sync.codec import Reader, canonical, parse_object
from sync.crypto import (
    Randomness,
    Rejected,
    b64,
    box_open,
    box_seal,
    hmac_sha256,
    object_name,
    sha256,
    sign,
    verify,
)
from sync.identity import Identity, PublicIdentity
from sync.roster import MAX_NAME, SignedOp

PREFIX = "companion-invite-1:"
MAX_URL = 400
MAX_WELCOME_OPS = 2_000


@dataclass(frozen=True)
class Invite:
    circle: bytes
    secret: bytes
    admin: PublicIdentity
    webdav_url: str = ""

    @property
    def invite_id(self) -> bytes:
        return hmac_sha256(self.secret, b"companion invite id")[:16]

    @property
    def join_name(self) -> str:
        return object_name(self.secret, b"join")

    @property
    def welcome_name(self) -> str:
        return object_name(self.secret, b"welcome")

    def code(self) -> str:
        url = self.webdav_url.encode("utf-8")
        payload = (b"\x01" + self.circle + self.secret + self.admin.signing
                   + self.admin.agreement + struct.pack(">H", len(url)) + url)
        payload += sha256(b"companion invite check", payload)[:4]
        return PREFIX + base64.b32encode(payload).decode("ascii").rstrip("=")


def parse_invite(code: str) -> Invite:
    """A pasted code; spaces, line breaks and case do not matter. Raises `Rejected`."""
    text = "".join(code.split())
    if not text.lower().startswith(PREFIX):
        raise Rejected("not a Companion invite code")
    body = text[len(PREFIX):].upper()
    if len(body) > 2_000:
        raise Rejected("invite code too long")
    try:
        payload = base64.b32decode(body + "=" * (-len(body) % 8))
    except (binascii.Error, ValueError):
        raise Rejected("invite code is damaged") from None
    if len(payload) < 1 + 16 + 32 + 64 + 2 + 4:
        raise Rejected("invite code is incomplete")
    data, check = payload[:-4], payload[-4:]
    if sha256(b"companion invite check", data)[:4] != check:
        raise Rejected("invite code is damaged")
    if data[0] != 1:
        raise Rejected("invite code is from a newer Companion")
    circle, secret = data[1:17], data[17:49]
    admin = PublicIdentity(data[49:81], data[81:113])
    (url_len,) = struct.unpack(">H", data[113:115])
    if url_len > MAX_URL or len(data) != 115 + url_len:
        raise Rejected("invite code is damaged")
    try:
        url = data[115:].decode("utf-8")
    except UnicodeDecodeError:
        raise Rejected("invite code is damaged") from None
    return Invite(circle, secret, admin, url)


@dataclass(frozen=True)
class JoinRequest:
    member: PublicIdentity
    name: str
    at: int


def _join_aad(invite: Invite) -> bytes:
    return b"companion join v1" + invite.circle


def seal_join_request(invite: Invite, me: Identity, name: str, at: int,
                      rng: Randomness) -> bytes:
    body = canonical({"circle": b64(invite.circle), "member": {**me.public.to_json(),
                                                               "name": name}, "at": at})
    signed = canonical({"body": b64(body), "sig": b64(sign(me.signing_private, body))})
    return box_seal(signed, invite.admin.agreement, psk=invite.secret, aad=_join_aad(invite),
                    rng=rng)


def open_join_request(invite: Invite, admin: Identity, sealed: bytes) -> JoinRequest:
    outer = Reader(parse_object(box_open(sealed, admin.agreement_private, psk=invite.secret,
                                         aad=_join_aad(invite)), "join request"), "join request")
    outer.only("body", "sig")
    body, signature = outer.raw("body"), outer.raw("sig", 64)
    r = Reader(parse_object(body, "join request"), "join request")
    r.only("circle", "member", "at")
    if r.raw("circle", 16) != invite.circle:
        raise Rejected("join request for another circle")
    m = r.child("member")
    assert m is not None
    m.only("sign", "agree", "name")
    member = PublicIdentity(m.raw("sign", 32), m.raw("agree", 32))
    verify(member.signing, signature, body, "bad signature on join request")
    return JoinRequest(member, m.name("name", max_len=MAX_NAME),
                       r.require_int("at", 0, 2**40))


@dataclass(frozen=True)
class Welcome:
    circle: bytes
    name_key: bytes
    genesis: bytes
    ops: tuple[SignedOp, ...]


def _welcome_aad(invite: Invite, member: PublicIdentity) -> bytes:
    return b"companion welcome v1" + invite.circle + member.member_id


def seal_welcome(invite: Invite, admin: Identity, member: PublicIdentity, welcome: Welcome,
                 rng: Randomness) -> bytes:
    body = canonical({"circle": b64(welcome.circle), "names": b64(welcome.name_key),
                      "genesis": b64(welcome.genesis), "member": b64(member.member_id),
                      "ops": [op.to_json() for op in welcome.ops]})
    signed = canonical({"body": b64(body), "sig": b64(sign(admin.signing_private, body))})
    return box_seal(signed, member.agreement, psk=invite.secret,
                    aad=_welcome_aad(invite, member), rng=rng)


def open_welcome(invite: Invite, me: Identity, sealed: bytes) -> Welcome:
    outer = Reader(parse_object(box_open(sealed, me.agreement_private, psk=invite.secret,
                                         aad=_welcome_aad(invite, me.public)), "welcome"),
                   "welcome")
    outer.only("body", "sig")
    body, signature = outer.raw("body"), outer.raw("sig", 64)
    verify(invite.admin.signing, signature, body, "welcome not signed by the inviting admin")
    r = Reader(parse_object(body, "welcome"), "welcome")
    r.only("circle", "names", "genesis", "member", "ops")
    if r.raw("circle", 16) != invite.circle or r.raw("member", 16) != me.public.member_id:
        raise Rejected("welcome for another circle or member")
    ops = tuple(SignedOp.from_json(item) for item in r.items("ops", max_items=MAX_WELCOME_OPS))
    return Welcome(invite.circle, r.raw("names", 32), r.raw("genesis", 32), ops)
