"""What a device group's `ops` message carries (docs/protocol.md §11.4), made and read here.

The message body's `batch` field holds one of:

- `C`: a checkpoint, no operations: it only tells the others how far its sender has read, so
  they can remove what everyone read (sync/compaction.py);
- `{…}`: a batch of the sender's own operations (ops.py `decode_batch`);
- `S` and operations one per line: a snapshot, every operation a device holds, whoever made
  it, for a device let in later (it cannot read what was written before it joined);
- `Z` and a zlib stream of a batch or a snapshot: what a device sends when it compresses
  (most of a journal's bytes are words, which compress about sixfold, so a new computer
  fetches a sixth of the messages).

Reading treats every byte as hostile: a compressed stream may unpack to at most
`MAX_UNPACKED` bytes (a zlib bomb stops there, unpacked no further) and must end where the
field ends; what it unpacks to is then read exactly as if it had come uncompressed.

Compression before encryption lets message sizes depend on how well the text compresses.
Within one person's devices, the only one who chooses that text is the person: there is no
one else's secret for an attacker's chosen text to be compared with (as in CRIME), and the
messages are padded to size buckets as before.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence

from sync.crypto import Rejected, b64
from sync.devices.ops import MAX_BATCH_BYTES, MAX_BATCH_OPS, VERSION

CHECKPOINT = b"C"
SNAPSHOT = b"S"
COMPRESSED = b"Z"
MAX_UNPACKED = MAX_BATCH_BYTES
_LEVEL = 6  # zlib's default: level 1 is 15 % larger, level 9 barely smaller and much slower
_FRAMING = 64  # a batch's bytes around its operations: {"device":"…","ops":[…],"v":1}


def batch_bytes(device: bytes, ops: Sequence[bytes]) -> bytes:
    """A batch made from operations already in their canonical encoding (this device's own,
    as the vault keeps them): byte for byte what ops.encode_batch makes of the decoded ones,
    without decoding and encoding each again."""
    return (b'{"device":"' + b64(device).encode() + b'","ops":[' + b",".join(ops)
            + b'],"v":' + str(VERSION).encode() + b"}")


def snapshot_bytes(ops: Sequence[bytes]) -> bytes:
    return SNAPSHOT + b"\n".join(ops)


def compress(raw: bytes) -> bytes:
    return COMPRESSED + zlib.compress(raw, _LEVEL)


def unpack(data: bytes) -> bytes:
    """The batch, snapshot or checkpoint a field holds, uncompressed."""
    if data[:1] != COMPRESSED:
        return data
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(data[1:], MAX_UNPACKED + 1)
    except zlib.error:
        raise Rejected("device message does not decompress") from None
    if len(raw) > MAX_UNPACKED or inflater.unconsumed_tail:
        raise Rejected("device message unpacks to more than a message may hold")
    if not inflater.eof or inflater.unused_data:
        raise Rejected("device message's compressed stream is cut short or followed by more")
    if raw[:1] not in (b"{", SNAPSHOT):
        raise Rejected("device message compresses something other than operations")
    return raw


def pack(ops: Sequence[bytes], frame: Callable[[Sequence[bytes]], bytes],
         limit: int) -> tuple[list[tuple[bytes, int]], list[int]]:
    """Operations (canonical encodings, in order) in as few compressed messages as fit:
    each `(field, how many operations)` at most `limit` bytes, its operations at most
    `MAX_UNPACKED` framed and `MAX_BATCH_OPS` in number. Also the positions of operations that
    fit no message even alone (they stay where they are, and are reported)."""
    packed: list[tuple[bytes, int]] = []
    too_large: list[int] = []
    ratio = 4.0  # unpacked bytes per packed byte, learnt from each message made
    start = 0
    most = MAX_BATCH_OPS
    while start < len(ops):
        budget = min(MAX_UNPACKED - _FRAMING, int(limit * ratio * 0.9))
        end, size = start, 0
        while end < len(ops) and end - start < most:
            grown = size + len(ops[end]) + 1
            if end > start and grown > budget:
                break
            size, end = grown, end + 1
        if size + _FRAMING > MAX_UNPACKED:
            too_large.append(start)  # one operation, too large to carry even alone
            start, most = start + 1, MAX_BATCH_OPS
            continue
        field = compress(frame(ops[start:end]))
        if len(field) > limit:
            if end - start == 1:
                too_large.append(start)
                start, most = start + 1, MAX_BATCH_OPS
            else:
                most = (end - start) // 2  # compressed worse than the last: fewer, again
            continue
        packed.append((field, end - start))
        ratio = max(1.0, size / len(field))
        start, most = end, MAX_BATCH_OPS
    return packed, too_large
