"""Invites: a code the admin gives out of band, a join request, and the admin's welcome.

The code holds the circle id, a one-time invite secret, the inviting admin's public keys and
(for WebDAV) the storage address. A version 2 code also carries the admin's signature over all
of that, so nobody can change the address (or anything else) without the admin's signing key;
version 1 codes, unsigned, are still read. The joiner writes a join request — their public keys
and display name, signed by them, sealed to the admin with the invite secret mixed in — under a
name only invite holders can compute. The admin's device checks it on its next sync, adds the
member (a new epoch) and leaves a welcome sealed to the joiner: the circle's name key and every
roster operation, signed by the admin, whose keys the joiner already has from the code.

The signature proves that the code is as the admin named in it made it, not that this admin is
the one the joiner means: whoever rewrites a whole code can put in their own key and sign it.
The admin's short fingerprint, compared by phone before joining, and the safety numbers
compared after, are what reveal that (docs/protocol.md §7).
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
from dataclasses import dataclass, replace

from sync.codec import Reader, canonical, parse_object
from sync.crypto import (
    Randomness,
    Rejected,
    b64,
    box_open,
    box_seal,
    check_x25519_public,
    hmac_sha256,
    object_name,
    sha256,
    sign,
    verify,
)
from sync.identity import Identity, PublicIdentity
from sync.roster import MAX_NAME, SignedOp

PREFIX_V1 = "companion-invite-1:"
PREFIX = "companion-invite-2:"  # what new codes start with
_PREFIXES = {1: PREFIX_V1, 2: PREFIX}
_ANY_PREFIX = re.compile(r"companion-invite-([0-9]{1,3}):", re.IGNORECASE)
MAX_URL = 400
MAX_WELCOME_OPS = 2_000
SIGNATURE_BYTES = 64
_FIXED = 1 + 16 + 32 + 32 + 32 + 2  # version, circle, secret, admin keys, address length
_CHECK = 4
_SIGNED_LABEL = b"companion invite v2"


@dataclass(frozen=True)
class Invite:
    circle: bytes
    secret: bytes
    admin: PublicIdentity
    webdav_url: str = ""
    signature: bytes = b""  # the admin's, over `signed_bytes()`; empty in a version 1 code

    @classmethod
    def signed_by(cls, admin: Identity, circle: bytes, secret: bytes,
                  webdav_url: str = "") -> Invite:
        """A version 2 invite, signed with the admin's circle signing key."""
        unsigned = cls(circle, secret, admin.public, webdav_url)
        return replace(unsigned, signature=sign(admin.signing_private, unsigned.signed_bytes()))

    @property
    def version(self) -> int:
        return 2 if self.signature else 1

    def signed_bytes(self) -> bytes:
        """What the admin signs: a label, then each field with its length before it (so no
        field can borrow bytes from the next), the version first."""
        parts = (_SIGNED_LABEL, b"\x02", self.circle, self.secret, self.admin.signing,
                 self.admin.agreement, self.webdav_url.encode("utf-8"))
        return b"".join(struct.pack(">I", len(part)) + part for part in parts)

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
        payload = (bytes([self.version]) + self.circle + self.secret + self.admin.signing
                   + self.admin.agreement + struct.pack(">H", len(url)) + url + self.signature)
        payload += sha256(b"companion invite check", payload)[:_CHECK]
        return _PREFIXES[self.version] + base64.b32encode(payload).decode("ascii").rstrip("=")


def parse_invite(code: str) -> Invite:
    """A pasted code; spaces, line breaks and case do not matter. Raises `Rejected`.

    A version 2 code must carry a valid signature by the admin key inside it: a code whose
    address (or anything else) was changed after signing is refused even when its checksum
    was made to fit."""
    text = "".join(code.split())
    prefix = _ANY_PREFIX.match(text)
    if prefix is None:
        raise Rejected("not a Companion invite code")
    version = int(prefix.group(1))
    if version not in _PREFIXES:
        raise Rejected("invite code is from a newer Companion" if version > 2
                       else "not a Companion invite code")
    body = text[prefix.end():].upper()
    if len(body) > 2_000:
        raise Rejected("invite code too long")
    try:
        payload = base64.b32decode(body + "=" * (-len(body) % 8))
    except (binascii.Error, ValueError):
        raise Rejected("invite code is damaged") from None
    signature_len = SIGNATURE_BYTES if version == 2 else 0
    if len(payload) < _FIXED + signature_len + _CHECK:
        raise Rejected("invite code is incomplete")
    data, check = payload[:-_CHECK], payload[-_CHECK:]
    if sha256(b"companion invite check", data)[:_CHECK] != check:
        raise Rejected("invite code is damaged")
    if data[0] != version:
        raise Rejected("invite code is from a newer Companion" if data[0] > 2
                       else "invite code is damaged")
    circle, secret = data[1:17], data[17:49]
    admin = PublicIdentity(data[49:81], data[81:113])
    (url_len,) = struct.unpack(">H", data[113:115])
    if url_len > MAX_URL or len(data) != _FIXED + url_len + signature_len:
        raise Rejected("invite code is damaged")
    try:
        url = data[_FIXED:_FIXED + url_len].decode("utf-8")
    except UnicodeDecodeError:
        raise Rejected("invite code is damaged") from None
    invite = Invite(circle, secret, admin, url, data[_FIXED + url_len:])
    if version == 2:
        verify(admin.signing, invite.signature, invite.signed_bytes(),
               "invite code is not signed by the admin it names")
    return invite


@dataclass(frozen=True)
class JoinRequest:
    member: PublicIdentity
    name: str
    at: int
    recv: bytes | None = None  # where to wrap the first epoch key (sync/forward_secrecy.py)


def _join_aad(invite: Invite) -> bytes:
    return b"companion join v1" + invite.circle


def seal_join_request(invite: Invite, me: Identity, name: str, at: int,
                      rng: Randomness, recv: bytes | None = None) -> bytes:
    """The joiner's request; `recv` is the receiving key its first epoch key is to be
    wrapped to (sync/forward_secrecy.py)."""
    member: dict[str, str] = {**me.public.to_json(), "name": name}
    if recv is not None:
        member["recv"] = b64(recv)
    body = canonical({"circle": b64(invite.circle), "member": member, "at": at})
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
    m.only("sign", "agree", "name", "recv")
    member = PublicIdentity(m.raw("sign", 32), m.raw("agree", 32))
    verify(member.signing, signature, body, "bad signature on join request")
    recv = m.raw("recv", 32) if "recv" in m.value else None
    if recv is not None:
        check_x25519_public(recv, "join request's receiving key is not usable")
    return JoinRequest(member, m.name("name", max_len=MAX_NAME),
                       r.require_int("at", 0, 2**40), recv)


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


class JoinRefused(Rejected):
    """The inviting device answered this join request with a refusal (signed by it, sealed
    to the asking device): the person chose not to let this device in."""


def seal_refusal(invite: Invite, admin: Identity, member: PublicIdentity,
                 rng: Randomness) -> bytes:
    """What a device group's admin writes in the welcome's place when the person refuses a
    device that used the pairing code: the asking device learns it, nobody else can read
    it, and nobody but the admin can make it."""
    body = canonical({"circle": b64(invite.circle), "member": b64(member.member_id),
                      "refused": True})
    signed = canonical({"body": b64(body), "sig": b64(sign(admin.signing_private, body))})
    return box_seal(signed, member.agreement, psk=invite.secret,
                    aad=_welcome_aad(invite, member), rng=rng)


def open_welcome(invite: Invite, me: Identity, sealed: bytes) -> Welcome:
    """The welcome the inviting admin left for this device; `JoinRefused` if it left a
    refusal instead."""
    outer = Reader(parse_object(box_open(sealed, me.agreement_private, psk=invite.secret,
                                         aad=_welcome_aad(invite, me.public)), "welcome"),
                   "welcome")
    outer.only("body", "sig")
    body, signature = outer.raw("body"), outer.raw("sig", 64)
    verify(invite.admin.signing, signature, body, "welcome not signed by the inviting admin")
    r = Reader(parse_object(body, "welcome"), "welcome")
    if "refused" in r.value:
        r.only("circle", "member", "refused")
        if (r.raw("circle", 16) != invite.circle or r.raw("member", 16) != me.public.member_id
                or r.value["refused"] is not True):
            raise Rejected("refusal for another circle or member")
        raise JoinRefused("the other device did not let this one in")
    r.only("circle", "names", "genesis", "member", "ops")
    if r.raw("circle", 16) != invite.circle or r.raw("member", 16) != me.public.member_id:
        raise Rejected("welcome for another circle or member")
    ops = tuple(SignedOp.from_json(item) for item in r.items("ops", max_items=MAX_WELCOME_OPS))
    return Welcome(invite.circle, r.raw("names", 32), r.raw("genesis", 32), ops)
