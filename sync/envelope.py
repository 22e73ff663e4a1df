"""Message envelopes: signed, encrypted, padded, hash-chained per sender.

Layout (big-endian), all of it signed by the sender's Ed25519 key:

    magic "CMP1" | kind u8 | circle 16 | epoch 16 | sender 16 | seq u64 | index u32 |
    prev_hash 32 | nonce 12 | ciphertext_length u32 | ciphertext | signature 64

`seq` counts the sender's messages over the circle's life (1, 2, …) and names the object;
`index` counts them within the epoch and selects the chain key. The ciphertext is
ChaCha20-Poly1305 under that one-time message key with the header as associated data; the
plaintext is `length u32 | body | zero padding` to a fixed bucket, so sizes say little.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from sync.crypto import (
    NONCE_BYTES,
    Randomness,
    Rejected,
    hkdf,
    hmac_sha256,
    open_sealed,
    seal,
    sha256,
    sign,
    verify,
)

MAGIC = b"CMP1"
KIND_MESSAGE = 1
HEADER = struct.Struct(">4sB16s16s16sQI32s12sI")
SIGNATURE_BYTES = 64
CHECKIN_BUCKET = 4096  # every check-in is exactly this size, whatever it says
MIN_BUCKET = 1024
MAX_PLAINTEXT = 256 * 1024
MAX_SEQ = 2**40
MAX_INDEX = 1_000_000  # also bounds the work a hostile index can cause


@dataclass(frozen=True)
class Header:
    circle: bytes
    epoch: bytes
    sender: bytes
    seq: int
    index: int
    prev_hash: bytes
    nonce: bytes
    length: int
    epoch_prev: bytes = b""  # version 2: the sender's previous message in this epoch
    prev_epoch: bytes = b""  # version 2: the epoch of the sender's previous message

    def pack(self) -> bytes:
        return HEADER.pack(MAGIC, KIND_MESSAGE, self.circle, self.epoch, self.sender, self.seq,
                           self.index, self.prev_hash, self.nonce, self.length)


@dataclass(frozen=True)
class Envelope:
    header: Header
    ciphertext: bytes
    signature: bytes
    raw: bytes
    signed: bytes = b""  # what the signature covers (version 1: everything before it)
    aad: bytes = b""  # the ciphertext's associated data (version 1: the clear header)
    version: int = 1

    @property
    def hash(self) -> bytes:
        return message_hash(self.raw)


def message_hash(raw: bytes) -> bytes:
    """The hash that chains a sender's messages and that checkpoints name."""
    if raw[:4] == b"CMP2":
        return sha256(b"companion message hash v2", raw)
    return sha256(b"companion message v1", raw)


def chain_key(epoch_key: bytes, circle: bytes, epoch: bytes, sender: bytes) -> bytes:
    return hkdf(epoch_key, salt=circle, info=b"companion chain v1" + epoch + sender)


def message_key(chain: bytes, index: int) -> bytes:
    """Step the sender's chain `index` times: each step's key is used for one message only
    (Signal's Sender Keys construction)."""
    for _ in range(index):
        chain = next_chain(chain)
    return hmac_sha256(chain, b"message")


def next_chain(chain: bytes) -> bytes:
    return hmac_sha256(chain, b"next")


class ChainCache:
    """Remembers how far each chain was stepped, so applying n messages costs O(n) steps."""

    def __init__(self) -> None:
        self._at: dict[tuple[bytes, bytes], tuple[int, bytes]] = {}

    def key(self, epoch_key: bytes, header: Header) -> bytes:
        slot = (header.epoch, header.sender)
        index, chain = self._at.get(slot, (0, b""))
        if not chain or header.index < index:
            index, chain = 0, chain_key(epoch_key, header.circle, header.epoch, header.sender)
        while index < header.index:
            chain, index = next_chain(chain), index + 1
        self._at[slot] = (index, chain)
        return hmac_sha256(chain, b"message")


def bucket_for(size: int, checkin: bool) -> int:
    if checkin:
        return CHECKIN_BUCKET
    bucket = MIN_BUCKET
    while bucket < size:
        bucket *= 2
    return bucket


def pad(body: bytes, checkin: bool) -> bytes:
    size = 4 + len(body)
    bucket = bucket_for(size, checkin)
    if size > bucket or bucket > MAX_PLAINTEXT:
        raise ValueError("message too large")
    return struct.pack(">I", len(body)) + body + bytes(bucket - size)


def unpad(plaintext: bytes) -> bytes:
    if len(plaintext) < 4 or len(plaintext) not in _BUCKETS:
        raise Rejected("padding has a wrong size")
    (length,) = struct.unpack(">I", plaintext[:4])
    if length > len(plaintext) - 4:
        raise Rejected("padding length is out of range")
    padding = plaintext[4 + length:]
    if padding != bytes(len(padding)):
        raise Rejected("padding is not zero")
    return plaintext[4:4 + length]


_BUCKETS = {CHECKIN_BUCKET} | {MIN_BUCKET << i for i in range(9)
                                if MIN_BUCKET << i <= MAX_PLAINTEXT}


def seal_message(*, signing_private: bytes, epoch_key: bytes, circle: bytes, epoch: bytes,
                 sender: bytes, seq: int, index: int, prev_hash: bytes, body: bytes,
                 checkin: bool, rng: Randomness) -> bytes:
    plaintext = pad(body, checkin)
    nonce = rng.token(NONCE_BYTES)
    header = Header(circle, epoch, sender, seq, index, prev_hash, nonce,
                    len(plaintext) + 16).pack()
    key = message_key(chain_key(epoch_key, circle, epoch, sender), index)
    signed = header + seal(key, nonce, plaintext, header)
    return signed + sign(signing_private, signed)


def parse_envelope(raw: bytes) -> Envelope:
    """Structure only: magic, kind, lengths. Nothing here is trusted yet."""
    if len(raw) < HEADER.size + 16 + SIGNATURE_BYTES:
        raise Rejected("message truncated")
    magic, kind, circle, epoch, sender, seq, index, prev, nonce, length = HEADER.unpack_from(raw)
    if magic != MAGIC:
        raise Rejected("not a Companion message")
    if kind != KIND_MESSAGE:
        raise Rejected("unknown message kind")
    if len(raw) != HEADER.size + length + SIGNATURE_BYTES:
        raise Rejected("message length does not match its header")
    if not 1 <= seq <= MAX_SEQ or index >= MAX_INDEX:
        raise Rejected("sequence number out of range")
    header = Header(circle, epoch, sender, seq, index, prev, nonce, length)
    body_end = HEADER.size + length
    return Envelope(header, raw[HEADER.size:body_end], raw[body_end:], raw,
                    signed=raw[:-SIGNATURE_BYTES], aad=raw[:HEADER.size])


def check_signature(envelope: Envelope, signing_public: bytes) -> None:
    # Version 2 signs a 32-byte digest: a signature that held once need not be checked again
    # (the finder checks it to tell junk from a message, the receiver checks again).
    slot = (signing_public, envelope.signature, envelope.signed)
    if len(envelope.signed) <= 32 and slot in _VERIFIED:
        return
    verify(signing_public, envelope.signature, envelope.signed, "bad signature on message")
    if len(envelope.signed) <= 32:
        if len(_VERIFIED) >= 8192:
            _VERIFIED.clear()
        _VERIFIED.add(slot)


_VERIFIED: set[tuple[bytes, bytes, bytes]] = set()


def open_message(envelope: Envelope, epoch_key: bytes, cache: ChainCache | None = None) -> bytes:
    h = envelope.header
    key = (cache.key(epoch_key, h) if cache is not None
           else message_key(chain_key(epoch_key, h.circle, h.epoch, h.sender), h.index))
    plaintext = open_sealed(key, h.nonce, envelope.ciphertext, envelope.aad,
                            "message does not decrypt")
    return unpad(plaintext)
