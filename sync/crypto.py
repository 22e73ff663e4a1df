"""The few cryptographic operations the circle protocol uses, all from `cryptography`.

Nothing here is home-made: X25519, Ed25519, HKDF-SHA256, HMAC-SHA256, ChaCha20-Poly1305 and
SHA-256, composed as docs/protocol.md describes. Randomness is injectable so that the published
test vectors (tests/sync/vectors.json) are reproducible; production code uses `os.urandom`.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os
import struct
from typing import Protocol

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
WRAPPED_KEY_BYTES = 32 + KEY_BYTES + TAG_BYTES  # ephemeral public key, key, tag
ZERO_NONCE = bytes(NONCE_BYTES)


class Rejected(Exception):
    """A receiver check failed. `reason` is a short fixed phrase (never peer-controlled text),
    safe to count, log and show."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Randomness(Protocol):
    def token(self, size: int) -> bytes: ...


class SystemRandomness:
    def token(self, size: int) -> bytes:
        return os.urandom(size)


class SeededRandomness:
    """Deterministic bytes (SHA-256 in counter mode over a seed), for test vectors only."""

    def __init__(self, seed: bytes) -> None:
        self._seed = seed
        self._counter = 0

    def token(self, size: int) -> bytes:
        out = b""
        while len(out) < size:
            out += hashlib.sha256(self._seed + struct.pack(">Q", self._counter)).digest()
            self._counter += 1
        return out[:size]


def sha256(*parts: bytes) -> bytes:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(struct.pack(">I", len(part)))
        digest.update(part)
    return digest.digest()


def hmac_sha256(key: bytes, *parts: bytes) -> bytes:
    mac = hmac.new(key, digestmod=hashlib.sha256)
    for part in parts:
        mac.update(struct.pack(">I", len(part)))
        mac.update(part)
    return mac.digest()


def hkdf(secret: bytes, *, salt: bytes, info: bytes, length: int = KEY_BYTES) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(secret)


def seal(key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
    return ChaCha20Poly1305(key).encrypt(nonce, plaintext, aad)


def open_sealed(key: bytes, nonce: bytes, ciphertext: bytes, aad: bytes, reason: str) -> bytes:
    try:
        return ChaCha20Poly1305(key).decrypt(nonce, ciphertext, aad)
    except InvalidTag:
        raise Rejected(reason) from None


def sign(private: bytes, message: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(private).sign(message)


def verify(public: bytes, signature: bytes, message: bytes, reason: str = "bad signature") -> None:
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except (InvalidSignature, ValueError):
        raise Rejected(reason) from None


def ed25519_public(private: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(private).public_key().public_bytes_raw()


def x25519_public(private: bytes) -> bytes:
    return X25519PrivateKey.from_private_bytes(private).public_key().public_bytes_raw()


def check_x25519_public(public: bytes, reason: str) -> None:
    """A public key one can agree with: a low-order point gives an all-zero secret, which
    `wrap_key` would refuse only when it is too late (a stalled roster change)."""
    try:
        X25519PrivateKey.generate().exchange(X25519PublicKey.from_public_bytes(public))
    except ValueError:
        raise Rejected(reason) from None


def wrap_key(secret: bytes, recipient_public: bytes, aad: bytes, rng: Randomness) -> bytes:
    """age-style stanza: a fresh X25519 key agrees with the recipient's, HKDF makes a one-time
    key, ChaCha20-Poly1305 seals `secret` bound to `aad`. Output: ephemeral public ‖ sealed."""
    ephemeral = X25519PrivateKey.from_private_bytes(rng.token(KEY_BYTES))
    ephemeral_public = ephemeral.public_key().public_bytes_raw()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public))
    key = hkdf(shared, salt=ephemeral_public + recipient_public, info=b"companion wrap v1")
    # The key is used once (a fresh ephemeral key every time), so a fixed nonce is safe.
    return ephemeral_public + seal(key, ZERO_NONCE, secret, aad)


def unwrap_key(wrapped: bytes, recipient_private: bytes, aad: bytes) -> bytes:
    if len(wrapped) < 32 + TAG_BYTES:
        raise Rejected("wrapped key too short")
    ephemeral_public, sealed = wrapped[:32], wrapped[32:]
    private = X25519PrivateKey.from_private_bytes(recipient_private)
    recipient_public = private.public_key().public_bytes_raw()
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    except ValueError:  # an all-zero shared secret: a low-order point
        raise Rejected("wrapped key has a bad ephemeral key") from None
    key = hkdf(shared, salt=ephemeral_public + recipient_public, info=b"companion wrap v1")
    return open_sealed(key, ZERO_NONCE, sealed, aad, "wrapped key does not open")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64(text: object, size: int | None = None, what: str = "field") -> bytes:
    """Strict base64url (no padding) of an exact size when given; anything else is rejected."""
    if not isinstance(text, str) or len(text) > 1_400_000:
        raise Rejected(f"{what} is not base64")
    data = _decode_short(text) if len(text) <= 64 else _decode(text)
    if data is None:
        raise Rejected(f"{what} is not base64")
    if not data and text:
        raise Rejected(f"{what} is not canonical base64")
    if size is not None and len(data) != size:
        raise Rejected(f"{what} has the wrong length")
    return data


def _decode(text: str) -> bytes | None:
    """The bytes, None if not base64, b"" if not canonical (or empty)."""
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError):
        return None
    return data if b64(data) == text else b""


# Member ids and checkpoint hashes recur in every message: decoding them once is enough.
_decode_short = functools.lru_cache(maxsize=8192)(_decode)


def object_name(key: bytes, *parts: bytes) -> str:
    """An opaque storage name: 160 bits of a keyed hash, lowercase base32, `.cmp`."""
    digest = hmac_sha256(key, b"companion name v1", *parts)[:20]
    return base64.b32encode(digest).decode("ascii").lower() + ".cmp"


def box_seal(plaintext: bytes, recipient_public: bytes, *, psk: bytes, aad: bytes,
             rng: Randomness) -> bytes:
    """Like `wrap_key` for a longer plaintext, with a pre-shared secret mixed into the key:
    only someone who also holds `psk` (an invite's secret) can make or open such a box."""
    ephemeral = X25519PrivateKey.from_private_bytes(rng.token(KEY_BYTES))
    ephemeral_public = ephemeral.public_key().public_bytes_raw()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public))
    key = hkdf(shared + psk, salt=ephemeral_public + recipient_public, info=b"companion box v1")
    return ephemeral_public + seal(key, ZERO_NONCE, plaintext, aad)


def box_open(sealed: bytes, recipient_private: bytes, *, psk: bytes, aad: bytes) -> bytes:
    if len(sealed) < 32 + TAG_BYTES:
        raise Rejected("sealed box too short")
    private = X25519PrivateKey.from_private_bytes(recipient_private)
    recipient_public = private.public_key().public_bytes_raw()
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(sealed[:32]))
    except ValueError:
        raise Rejected("sealed box has a bad ephemeral key") from None
    key = hkdf(shared + psk, salt=sealed[:32] + recipient_public, info=b"companion box v1")
    return open_sealed(key, ZERO_NONCE, sealed[32:], aad, "sealed box does not open")
