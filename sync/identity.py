"""Member identities: an Ed25519 key to sign and an X25519 key to receive wrapped keys.

A person has a separate identity in each circle, so circles cannot link their members. The
member id is a hash of both public keys; a key change is therefore a new id, which the roster
links to the old one so that every member is alerted (docs/protocol.md, "Key changes").
"""

from __future__ import annotations

from dataclasses import dataclass

from sync.crypto import (
    Randomness,
    Rejected,
    b64,
    ed25519_public,
    sha256,
    x25519_public,
)

MEMBER_ID_BYTES = 16
PRIVATE_BYTES = 64


@dataclass(frozen=True)
class PublicIdentity:
    signing: bytes  # Ed25519, 32 bytes
    agreement: bytes  # X25519, 32 bytes

    def __post_init__(self) -> None:
        if len(self.signing) != 32 or len(self.agreement) != 32:
            raise Rejected("public key has the wrong length")

    @property
    def fingerprint(self) -> bytes:
        return sha256(b"companion identity v1", self.signing, self.agreement)

    @property
    def short_fingerprint(self) -> str:
        """The fingerprint's first 80 bits as five groups of four hex digits: short enough to
        read out on a call (an invite shows the admin's, to compare before joining), long
        enough that nobody can make a key that matches a given one."""
        digits = self.fingerprint[:10].hex()
        return " ".join(digits[i:i + 4] for i in range(0, len(digits), 4))

    @property
    def member_id(self) -> bytes:
        return self.fingerprint[:MEMBER_ID_BYTES]

    @property
    def member_hex(self) -> str:
        return self.member_id.hex()

    def to_json(self) -> dict[str, str]:
        return {"sign": b64(self.signing), "agree": b64(self.agreement)}


@dataclass(frozen=True)
class Identity:
    signing_private: bytes
    agreement_private: bytes

    @classmethod
    def generate(cls, rng: Randomness) -> Identity:
        return cls(rng.token(32), rng.token(32))

    @classmethod
    def from_bytes(cls, data: bytes) -> Identity:
        if len(data) != PRIVATE_BYTES:
            raise ValueError("identity must be 64 bytes")
        return cls(data[:32], data[32:])

    def to_bytes(self) -> bytes:
        return self.signing_private + self.agreement_private

    @property
    def public(self) -> PublicIdentity:
        return PublicIdentity(ed25519_public(self.signing_private),
                              x25519_public(self.agreement_private))

    def __repr__(self) -> str:  # never print private keys
        return f"Identity({self.public.member_hex})"


def safety_number(a: PublicIdentity, b: PublicIdentity) -> str:
    """Sixty digits in twelve groups, the same on both sides (the pair is sorted).

    Each group is five digits from five bytes of a hash of both fingerprints (mod 100,000),
    as in Signal's safety numbers; comparing all of them checks both identities at once.
    """
    first, second = sorted((a.fingerprint, b.fingerprint))
    digest = sha256(b"companion safety number v1", first, second)
    digest += sha256(b"companion safety number v1 more", digest)
    groups = [int.from_bytes(digest[i * 5:(i + 1) * 5], "big") % 100_000 for i in range(12)]
    return " ".join(f"{g:05d}" for g in groups)
