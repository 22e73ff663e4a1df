"""Where a member's messages are on the storage, and finding the next ones.

Version 1 epochs: a message's name is a keyed hash of sender and sequence number under the
circle's `names_key`, which never changes, so anyone who ever held it (a removed member too)
can compute every future name and occupy it.

Version 2 epochs: names come from the epoch key, per sender, per index within the epoch, and
per *attempt*:

    names_key(E) = HKDF-SHA256(epoch_key, salt = circle, info = "companion names v2" ‖ E)
    name         = base32(HMAC*(names_key(E), "companion name v1", "msg v2", sender,
                                index u32, attempt u8)[0:20]) ".cmp"

Only readers of E can compute them; a removal or rotation starts an epoch whose names nobody
outside can predict. A slot whose attempt 0 holds something that is not the sender's message
(junk, or a copy from elsewhere) never blocks the sender: they write at the next attempt, and
receivers skip what fails the checks, up to MAX_ATTEMPTS. A member's `index` in an epoch
counts their messages in that epoch (it never restarts), so a slot is never reused.

Receivers do not know which epoch a member's next message is in, so they look in the epoch
of that member's last message and in every later one where they may send (LIVE_EPOCHS at
most): usually one. When other members' checkpoints say a member is further ahead, a round
also looks in earlier epochs (CHASE_EPOCHS) and further along the current one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sync.crypto import Rejected, hkdf, object_name
from sync.envelope import check_signature
from sync.envelope_v2 import held_form, parse_envelope_v2, split_held
from sync.roster import Op, Roster
from sync.state import Chain, CircleRow, Slot

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
LIVE_EPOCHS = 32  # at most, from the member's last epoch on
CHASE_EPOCHS = 64
SKIPPED = " (skipped; the sender's next try is read)"


def message_name(names_key: bytes, member: bytes, seq: int) -> str:
    """Version 1: the name of `member`'s message `seq`."""
    return object_name(names_key, b"msg", member, seq.to_bytes(8, "big"))


def epoch_names_key(epoch_key: bytes, circle: bytes, epoch: bytes) -> bytes:
    return hkdf(epoch_key, salt=circle, info=b"companion names v2" + epoch)


def message_name_v2(names_key: bytes, sender: bytes, index: int, attempt: int) -> str:
    return object_name(names_key, b"msg v2", sender, index.to_bytes(4, "big"),
                       attempt.to_bytes(1, "big"))


@dataclass(frozen=True)
class Found:
    member: bytes
    seq: int
    stored: bytes  # as the vault keeps it (version 2: its held form)
    epoch: bytes | None  # None: a version 1 object
    index: int


def epoch_ops(roster: Roster) -> dict[bytes, Op]:
    """Every epoch this device knows of, valid or void, by id: the operation starting it."""
    out = {e.id: e.op for e in roster.epochs.values()}
    out.update(roster.void_epochs)
    return out


class Finder:
    """Finds members' next messages for one round; remembers what it read, so a name is
    read at most once per round, and where it has looked so far."""

    def __init__(self, row: CircleRow, roster: Roster, keys: Callable[[bytes], bytes | None],
                 slots: dict[tuple[bytes, bytes], Slot],
                 read: Callable[[str], bytes | None],
                 on_squatted: Callable[[bytes, str], None]) -> None:
        self.row, self.roster, self.keys, self.read = row, roster, keys, read
        self.next = {place: slot.next for place, slot in slots.items()}
        self.on_squatted = on_squatted
        self.wanted: dict[bytes, set[bytes]] = {}  # epochs of messages held ones come after
        self._held: set[tuple[bytes, bytes, int]] = set()  # (member, epoch, index) kept
        self._ops = epoch_ops(roster)
        self._names: dict[bytes, bytes] = {}
        self._cache: dict[str, bytes | None] = {}

    # -- which epochs ---------------------------------------------------------------------------

    def version_of(self, epoch: bytes) -> int:
        op = self._ops.get(epoch)
        return op.epoch_version if op is not None else 1

    def reads_v1(self, chain: Chain) -> bool:
        """Whether the member's next message may be a version 1 object."""
        if chain.epoch:
            return self.version_of(chain.epoch) == 1
        return any(op.epoch_version == 1 for op in self._ops.values())

    def epochs_of(self, member: bytes, chain: Chain, wide: bool = False) -> list[bytes]:
        """Version 2 epochs where `member` may send next: the one they last sent in, every
        later one where they are a reader and this device has the key, and where their roster
        changes and posts go as this device sees the roster.
        The sender's view may lag this device's by several changes (they send a leave in the
        newest epoch *they* know of), so a round looks at all of them, not the newest few;
        `wide` (a gap others' checkpoints revealed) looks at earlier ones too."""
        mine = [op for op in self._ops.values() if op.epoch_version >= 2
                and member in op.wraps and self.keys(op.epoch_id) is not None]
        mine.sort(key=lambda op: (op.lamport, op.hash))
        ids = [op.epoch_id for op in mine]
        if chain.epoch in ids and not wide:
            ids = ids[ids.index(chain.epoch):]
        ids = ids[-(CHASE_EPOCHS if wide else LIVE_EPOCHS):]
        # A roster change (a leave, a healing rotation) travels in the newest epoch every
        # current member can read, which may be older than the sender's last one.
        for epoch in (self.roster.roster_epoch_of(member), self.roster.send_epoch(member)):
            if (epoch is not None and epoch.id not in ids and epoch.version >= 2
                    and self.keys(epoch.id) is not None):
                ids.insert(0, epoch.id)
        # Where the message before a held one is, by its sender's word.
        for epoch_id in self.wanted.get(member, set()):
            if epoch_id not in ids and self.version_of(epoch_id) >= 2 \
                    and self.keys(epoch_id) is not None:
                ids.insert(0, epoch_id)
        return ids

    # -- looking ------------------------------------------------------------------------------

    def v1_at(self, member: bytes, seq: int) -> bytes | None:
        if self.row.names_key is None:
            return None
        return self._read(message_name(self.row.names_key, member, seq))

    def next_in(self, member: bytes, epoch: bytes, signing: bytes) -> Found | None:
        """`member`'s next message in `epoch`, if it is there (the place after it is looked
        at next)."""
        index = self.next.get((member, epoch), 0)
        while (member, epoch, index) in self._held:
            index += 1  # kept in the vault already: not read again
        found = self._at(member, epoch, index, signing)
        if found is not None:
            self.next[(member, epoch)] = index + 1
        return found

    def note_held(self, member: bytes, stored: bytes) -> None:
        """A held object stands for what its place holds: look after it."""
        epoch, raw = split_held(stored)
        key = self.keys(epoch) if epoch is not None else None
        if epoch is None or key is None:
            return
        try:
            h = parse_envelope_v2(raw, self.row.id, epoch, key).header
        except Rejected:
            return
        # Its place is skipped when looking (a gap before it is still looked at).
        self._held.add((member, epoch, h.index))
        self.wanted.setdefault(member, set()).add(h.prev_epoch)

    def further(self, member: bytes, epoch: bytes, signing: bytes, limit: int) -> list[Found]:
        """Messages past a missing one in `epoch` (a gap that checkpoints revealed)."""
        out = []
        start = self.next.get((member, epoch), 0)
        for index in range(start + 1, start + 1 + limit):
            if (member, epoch, index) in self._held:
                continue
            found = self._at(member, epoch, index, signing)
            if found is None:
                break
            out.append(found)
        return out

    def _at(self, member: bytes, epoch: bytes, index: int, signing: bytes) -> Found | None:
        key = self.keys(epoch)
        if key is None:
            return None
        names = self._names.get(epoch)
        if names is None:
            names = self._names[epoch] = epoch_names_key(key, self.row.id, epoch)
        for attempt in range(MAX_ATTEMPTS):
            raw = self._read(message_name_v2(names, member, index, attempt))
            if raw is None:
                return None
            try:
                envelope = parse_envelope_v2(raw, self.row.id, epoch, key)
                h = envelope.header
                if h.sender != member or h.index != index:
                    raise Rejected("message is not where its name says (replayed or moved)")
                check_signature(envelope, signing)
            except Rejected as exc:  # junk, a copy from elsewhere, or a damaged message
                self.on_squatted(member, exc.reason + SKIPPED)
                continue
            return Found(member, h.seq, held_form(epoch, raw), epoch, index)
        return None

    def _read(self, name: str) -> bytes | None:
        if name not in self._cache:
            self._cache[name] = self.read(name)
        return self._cache[name]
