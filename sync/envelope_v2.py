"""Message envelopes of protocol version 2: the header and the signature are encrypted.

Version 1 (`sync/envelope.py`) carried sender, sequence number, epoch and index in clear, so
the storage could group objects by sender and count members and epochs. Version 2 encrypts
them under a key derived from the epoch key (header protection, as MLS `PrivateMessage` does
for its sender data); only the magic, a random nonce and the sizes are left:

    "CMP2" | kind u8 = 1 | header_nonce 12 | sealed_header 204 | ciphertext

    inner         = sender 16 | seq u64 | index u32 | prev_hash 32 | prev_epoch 16 |
                    epoch_prev 32 | nonce 12 | length u32

`prev_hash` and `prev_epoch` name the sender's previous message (all zeros before the first),
`index` and `epoch_prev` their previous message in this epoch: each epoch is a chain of its
own, so a member can follow a sender past messages sent in epochs they cannot read.
    sealed_header = ChaCha20-Poly1305(header_key, header_nonce, inner ‖ signature,
                                      aad = "CMP2" ‖ kind ‖ circle ‖ epoch)
    ciphertext    = ChaCha20-Poly1305(key_index, nonce, padded body,
                                      aad = "CMP2" ‖ kind ‖ circle ‖ epoch ‖ inner)
    signature     = Ed25519(sender, SHA-256*("companion message v2", circle, epoch, inner,
                                             ciphertext))
    header_key    = HKDF-SHA256(epoch_key, salt = circle, info = "companion header v2" ‖ epoch)

The epoch is not in the object at all: a receiver knows it from the name it looked under
(`sync/locate.py`), which only readers of that epoch can compute. The vault keeps a fetched
object in its *held form*, `"LOC2" ‖ epoch ‖ object`, so it can be checked again later.
"""

from __future__ import annotations

import struct

from sync.crypto import (
    NONCE_BYTES,
    TAG_BYTES,
    Randomness,
    Rejected,
    hkdf,
    open_sealed,
    seal,
    sha256,
    sign,
)
from sync.envelope import (
    KIND_MESSAGE,
    MAX_INDEX,
    MAX_SEQ,
    SIGNATURE_BYTES,
    Envelope,
    Header,
    chain_key,
    message_key,
    pad,
)

MAGIC = b"CMP2"
HELD = b"LOC2"
INNER = struct.Struct(">16sQI32s16s32s12sI")
SEALED_HEADER_BYTES = INNER.size + SIGNATURE_BYTES + TAG_BYTES
PREFIX_BYTES = len(MAGIC) + 1 + NONCE_BYTES
BODY_START = PREFIX_BYTES + SEALED_HEADER_BYTES
EPOCH_BYTES = 16


def header_key(epoch_key: bytes, circle: bytes, epoch: bytes) -> bytes:
    return hkdf(epoch_key, salt=circle, info=b"companion header v2" + epoch)


def _outer_aad(circle: bytes, epoch: bytes) -> bytes:
    return MAGIC + bytes([KIND_MESSAGE]) + circle + epoch


def _signed(circle: bytes, epoch: bytes, inner: bytes, ciphertext: bytes) -> bytes:
    return sha256(b"companion message v2", circle, epoch, inner, ciphertext)


def seal_message_v2(*, signing_private: bytes, epoch_key: bytes, circle: bytes, epoch: bytes,
                    sender: bytes, seq: int, index: int, prev_hash: bytes, prev_epoch: bytes,
                    epoch_prev: bytes, body: bytes, checkin: bool, rng: Randomness) -> bytes:
    plaintext = pad(body, checkin)
    nonce = rng.token(NONCE_BYTES)
    inner = INNER.pack(sender, seq, index, prev_hash, prev_epoch.ljust(EPOCH_BYTES, b"\0"),
                       epoch_prev, nonce, len(plaintext) + TAG_BYTES)
    key = message_key(chain_key(epoch_key, circle, epoch, sender), index)
    ciphertext = seal(key, nonce, plaintext, _outer_aad(circle, epoch) + inner)
    signature = sign(signing_private, _signed(circle, epoch, inner, ciphertext))
    header_nonce = rng.token(NONCE_BYTES)
    sealed = seal(header_key(epoch_key, circle, epoch), header_nonce, inner + signature,
                  _outer_aad(circle, epoch))
    return MAGIC + bytes([KIND_MESSAGE]) + header_nonce + sealed + ciphertext


def parse_envelope_v2(raw: bytes, circle: bytes, epoch: bytes, epoch_key: bytes) -> Envelope:
    """Open the header of an object found under a name of `epoch`. Nothing is trusted yet:
    the signature is checked by `check_signature` like any other."""
    if len(raw) < BODY_START + TAG_BYTES:
        raise Rejected("message truncated")
    if raw[:4] != MAGIC:
        raise Rejected("not a Companion message")
    if raw[4] != KIND_MESSAGE:
        raise Rejected("unknown message kind")
    header_nonce = raw[5:PREFIX_BYTES]
    opened = open_sealed(header_key(epoch_key, circle, epoch), header_nonce,
                         raw[PREFIX_BYTES:BODY_START], _outer_aad(circle, epoch),
                         "message header does not decrypt")
    inner, signature = opened[:INNER.size], opened[INNER.size:]
    sender, seq, index, prev, prev_epoch, epoch_prev, nonce, length = INNER.unpack(inner)
    if len(raw) != BODY_START + length:
        raise Rejected("message length does not match its header")
    if not 1 <= seq <= MAX_SEQ or index >= MAX_INDEX:
        raise Rejected("sequence number out of range")
    ciphertext = raw[BODY_START:]
    return Envelope(Header(circle, epoch, sender, seq, index, prev, nonce, length, epoch_prev,
                           prev_epoch),
                    ciphertext,
                    signature, raw, signed=_signed(circle, epoch, inner, ciphertext),
                    aad=_outer_aad(circle, epoch) + inner, version=2)


def held_form(epoch: bytes, raw: bytes) -> bytes:
    return HELD + epoch + raw


def split_held(stored: bytes) -> tuple[bytes | None, bytes]:
    """(epoch, object) of what the vault keeps; epoch None for a version 1 object."""
    if stored[:4] == HELD and len(stored) > 4 + EPOCH_BYTES:
        return stored[4:4 + EPOCH_BYTES], stored[4 + EPOCH_BYTES:]
    return None, stored
