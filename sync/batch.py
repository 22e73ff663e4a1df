"""One batch of fetched messages, checked against the roster as it stands (sync/engine.py
applies them): every receiver check of docs/protocol.md §8, for both envelope versions, and
when the roster must be folded again.
"""

from __future__ import annotations

from typing import Any

from sync.content import Body, parse_body
from sync.crypto import Rejected
from sync.envelope import (
    ChainCache,
    Envelope,
    Header,
    check_signature,
    open_message,
    parse_envelope,
)
from sync.envelope_v2 import parse_envelope_v2, split_held
from sync.forward_secrecy import FORGOTTEN_EVENT, receiving_private_keys
from sync.outbox import CircleWriter
from sync.roster import PAST_CUTOFF, VOID_EPOCH, Op, Roster, SignedOp, open_epoch_key
from sync.state import EMPTY_SLOT, Chain, CircleRow, CircleState, Slot


class Hold(Exception):
    """Not applicable yet (its epoch is not known here yet); keep it and retry later."""


class VoidEpoch(Exception):
    """Authentic and next in its sender's chain, but sealed in an epoch whose starting change
    the fold refused (a concurrent change won). The chain moves on so that what follows is not
    stuck behind it; its content is not shown, its roster changes still count."""

    def __init__(self, envelope: Envelope) -> None:
        super().__init__()
        self.envelope = envelope


class PastCutoff(Exception):
    """Authentic and in its place, but sent after its sender's cut-off. It is refused (not
    shown, the chain does not move) yet kept: the roster changes it carries still count, and
    if a concurrent change turns out to undo the removal, it is applied after all."""

    def __init__(self, envelope: Envelope) -> None:
        super().__init__()
        self.envelope = envelope


class Batch:
    """The roster as one batch of messages sees it. Refolding after every roster message made
    a batch quadratic in the number of operations (thousands of junk operations took minutes),
    so the roster is refolded only when a check needs it: when a message's sender, epoch or
    cut-off does not fit the roster as last folded, and once at the end of the batch."""

    def __init__(self, engine: CircleWriter, cur: Any, row: CircleRow,
                 keys: dict[bytes, bytes]) -> None:
        self.engine, self.cur, self.row, self.keys = engine, cur, row, keys
        self.roster = engine.state.roster(row)
        engine.state.store_epoch_keys(cur, row, self.roster, keys)
        self.slots = engine.state.slots(row.id)  # (member, epoch) -> chain there (version 2)
        self.forgotten = engine.state.forgotten_epochs(row.id)
        self._parsed: dict[bytes, Envelope] = {}
        self._learnt: set[bytes] = set()  # messages whose carried operations were kept early
        self.dirty = False  # operations were added since the roster was last folded
        self.urgent = False  # and one of them may change who may send what

    def note(self, added: list[SignedOp]) -> None:
        """Operations a message added. Most are harmless to defer; one that may deactivate,
        add, promote or re-key (a change by a current admin, a leave by a current member) makes
        the next check refold first, so no message is judged by a roster it no longer fits."""
        if not added:
            return
        self.dirty = True
        for signed in added:
            op = self.roster.cache.parse(signed)
            if isinstance(op, str):
                continue
            if (op.action == "leave" and op.author in self.roster.active()) or (
                    op.author in self.roster.admins()):
                self.urgent = True

    def current(self) -> Roster:
        if self.dirty:
            self.dirty = self.urgent = False
            self.roster = self.engine.state.roster(self.row)
            self.engine.state.store_epoch_keys(self.cur, self.row, self.roster, self.keys)
            self.engine.after_roster_change(self.cur, self.row, self.roster)
        return self.roster

    def key_of(self, epoch: bytes) -> bytes | None:
        """The key of an epoch this device reads, of a void one included (its messages are
        not shown, but the roster changes in them count)."""
        if epoch not in self.keys and epoch not in self.roster.void_epochs and self.dirty:
            self.current()  # the operation starting it may have come in this very batch
        key = self.keys.get(epoch)
        void = self.roster.void_epochs.get(epoch)
        if key is None and void is not None:
            try:
                key = open_epoch_key(void, self.row.identity,
                                     receiving_private_keys(self.cur, self.row.id))
            except Rejected:
                return None
        return key

    def parse(self, stored: bytes) -> Envelope:
        """The envelope of a fetched or held object (version 2: opened with its epoch's key,
        which this device had to find it)."""
        epoch, raw = split_held(stored)
        if epoch is None:
            return parse_envelope(raw)
        key = self.key_of(epoch)
        if key is None:
            raise Rejected("message of an epoch this device cannot open")
        return parse_envelope_v2(raw, self.row.id, epoch, key)

    def follows(self, envelope: Envelope, chain: Chain) -> None:
        """Version 1: the message continues the sender's one chain. Version 2: it continues
        the sender's chain *in its epoch* (index and previous hash there), since a member who
        cannot read an epoch cannot find its messages at all; the global previous hash is
        checked when this device holds the message before it."""
        h = envelope.header
        if envelope.version < 2:
            check_follows(envelope, chain, chain.index + 1 if chain.epoch == h.epoch else 0)
            return
        slot = self.slots.get((h.sender, h.epoch), EMPTY_SLOT)
        if h.index != slot.next:
            raise Rejected("chain index out of order")
        if h.epoch_prev != slot.hash or (h.seq == chain.seq + 1 and h.prev_hash != chain.hash):
            raise Rejected("message does not follow the sender's previous one (fork)")
        if h.seq <= chain.seq:  # `next_seq` never offers one; a guard, not a path
            raise Rejected("sequence number out of range")

    def advance(self, envelope: Envelope) -> None:
        """A version 2 message took its place in its sender's chain in its epoch."""
        if envelope.version < 2:
            return
        h = envelope.header
        slot = Slot(h.index + 1, envelope.hash)
        self.slots[(h.sender, h.epoch)] = slot
        CircleState.set_slot(self.cur, self.row.id, h.sender, h.epoch, slot)

    def never_here(self, epoch: bytes) -> bool:
        """Whether a message of `epoch` can never reach this device: an epoch it knows of
        and is not a reader of (or none: a sender's first message). An epoch not known yet
        may still come, with a key for this device."""
        if epoch == bytes(len(epoch)):
            return True
        if epoch not in self.roster.epochs and epoch not in self.roster.void_epochs:
            if not self.dirty:
                return False
            self.current()
            if epoch not in self.roster.epochs and epoch not in self.roster.void_epochs:
                return False
        return self.key_of(epoch) is None

    def known(self, epoch: bytes) -> bool:
        return (epoch == bytes(len(epoch)) or epoch in self.roster.epochs
                or epoch in self.roster.void_epochs)

    def learn_from(self, member: bytes, envelope: Envelope) -> None:
        """A message waits on an epoch this device has never heard of. If it is a roster
        message this device can read, the operations it carries are kept now, before it is
        applied: a sender leaving an epoch whose change was refused carries that change
        (`engine._link_op`), and without it the wait would never end. The operations are
        signed by their authors and judged by the fold like any other; the message itself is
        checked in full when it is applied."""
        if envelope.raw in self._learnt:
            return
        self._learnt.add(envelope.raw)
        h = envelope.header
        key = self.key_of(h.epoch)
        info = self.roster.members.get(member)
        if key is None or info is None:
            return
        try:
            check_signature(envelope, info.public.signing)
            body = parse_body(open_message(envelope, key))
        except Rejected:
            return
        if body.type != "roster" or self.roster.may_send(member, h.epoch, h.seq) not in (
                None, VOID_EPOCH):
            return
        # Only operations that start an epoch (the one waited on, the refused changes it may
        # descend from, the message's own): a leave, or anything else, waits for the checks a
        # message's operations get when it is applied.
        own = [body.op] if body.op is not None else []
        for signed in (*own, *body.carry):
            op = self.roster.cache.parse(signed)
            if isinstance(op, str) or not op.epoch_id:
                continue
            if signed in own and op.author != member:
                return  # its main operation is someone else's: refused when applied
            if op.author == member:
                try:
                    check_own_op(op, h.seq, body)
                except Rejected:
                    return
            if store_op(self.cur, self.row, self.roster, signed):
                self.note([signed])

    def next_seq(self, member: bytes, chain: Chain,
                 downloaded: dict[tuple[bytes, int], bytes]) -> int | None:
        """The sequence number of `member`'s message to apply next: the one after the chain,
        else (version 2) the earliest that is next in its own epoch and whose sender says the
        message before it is in an epoch this device cannot read (so it will never come)."""
        if (member, chain.seq + 1) in downloaded:
            return chain.seq + 1
        best: int | None = None
        before: Header | None = None
        for (sender, seq), stored in downloaded.items():
            if sender != member or seq <= chain.seq or (best is not None and seq >= best):
                continue
            epoch, _ = split_held(stored)
            if epoch is None:
                continue
            envelope = self._parsed.get(stored)
            if envelope is None:
                try:
                    envelope = self._parsed[stored] = self.parse(stored)
                except Rejected:
                    continue
            h = envelope.header
            slot = self.slots.get((member, h.epoch), EMPTY_SLOT)
            if h.index != slot.next:
                continue
            if not self.known(h.prev_epoch):
                self.learn_from(member, envelope)
            if self.never_here(h.prev_epoch):
                best, before = seq, h
        if best is not None and before is not None and before.prev_epoch in self.forgotten \
                and before.prev_hash != chain.hash:
            # The message before it was sealed in an epoch whose key this device deleted and
            # never arrived in time: it is passed over, and said so (once).
            self._forgotten_gap(member, best - 1)
        return best

    def _forgotten_gap(self, member: bytes, seq: int) -> None:
        if self.cur.execute("SELECT 1 FROM circle_events WHERE circle = ? AND kind = 'gap' "
                            "AND member = ? AND seq = ?", (self.row.id, member, seq)
                            ).fetchone() is None:
            CircleState.event(self.cur, self.row.id, "gap", FORGOTTEN_EVENT,
                              self.engine.now_us(), member, seq)

    def authentic(self, stored: bytes, member: bytes, seq: int, signing: bytes) -> bool:
        """Well formed, in its place, and signed by `member` (the chain is checked on
        applying)."""
        try:
            envelope = self.parse(stored)
            check_placed(envelope, self.row.id, member, seq)
            check_signature(envelope, signing)
        except (Rejected, Hold):
            return False
        return True

    def check(self, chain: Chain, member: bytes, seq: int, raw: bytes,
              cache: ChainCache) -> tuple[Chain, Body | None]:
        if self.urgent:
            self.current()
        try:
            return self._check(self.roster, chain, member, seq, raw, cache)
        except (Hold, Rejected):
            if not self.dirty:
                raise
        return self._check(self.current(), chain, member, seq, raw, cache)

    def _check(self, roster: Roster, chain: Chain, member: bytes, seq: int, raw: bytes,
               cache: ChainCache) -> tuple[Chain, Body | None]:
        """Every receiver check, in order; returns the new chain position and the body (None
        for a message of an epoch this device was never part of)."""
        envelope = self.parse(raw)
        h = envelope.header
        check_placed(envelope, self.row.id, member, seq)
        info = roster.members.get(member)
        if info is None:
            raise Rejected("unknown sender")
        check_signature(envelope, info.public.signing)
        self.follows(envelope, chain)
        problem = roster.may_send(member, h.epoch, seq)
        if problem == "unknown epoch":
            raise Hold()
        if problem == PAST_CUTOFF:
            raise PastCutoff(envelope)
        if problem == VOID_EPOCH:
            raise VoidEpoch(envelope)
        if problem:
            raise Rejected(problem)
        # Version 2: a message from another epoch may come after a later one (the chain
        # position is the newest message applied).
        new_chain = Chain(seq, envelope.hash, h.epoch, h.index) if seq > chain.seq else chain
        key = self.keys.get(h.epoch)
        if key is None:
            self.advance(envelope)
            return new_chain, None
        body = parse_body(open_message(envelope, key, cache))
        if body.type == "checkin" and len(envelope.ciphertext) != 4096 + 16:
            raise Rejected("check-in not padded to the fixed size")
        self.advance(envelope)
        return new_chain, body


def check_placed(envelope: Envelope, circle: bytes, member: bytes, seq: int) -> None:
    h = envelope.header
    if h.circle != circle or h.sender != member or h.seq != seq:
        raise Rejected("message is not where its name says (replayed or moved)")


def check_follows(envelope: Envelope, chain: Chain, index: int) -> None:
    """The message continues `chain`: the previous hash, and the index within its epoch."""
    h = envelope.header
    if h.prev_hash != chain.hash:
        raise Rejected("message does not follow the sender's previous one (fork)")
    if h.index != index:
        raise Rejected("chain index out of order")


def store_op(cur: Any, row: CircleRow, roster: Roster, signed: SignedOp) -> bool:
    """Keep a received roster operation; True if that changed the vault. A copy whose
    signature fails for an author this device knows is never kept (operations are stored by
    the hash of their body, so a forged copy kept first would shadow the real one); a forged
    copy kept before its author was known is replaced by the real one when it comes."""
    parsed = roster.cache.parse(signed)
    author = roster.members.get(parsed.author) if isinstance(parsed, Op) else None
    if author is not None and not roster.cache.signature_holds(author.public.signing, signed):
        return False
    if CircleState.add_op(cur, row.id, signed):
        return True
    return author is not None and CircleState.replace_signature(cur, row.id, signed)


def check_own_op(op: Op, seq: int, body: Body) -> None:
    """What a message's sender may say about their own roster operations, main or carried."""
    if op.action == "leave" and op.cutoff != seq:
        raise Rejected("leave with a wrong last message")
    if op.action == "remove" and op.cutoff > body.seen.get(op.target, (0, b""))[0]:
        raise Rejected("removal's cut-off is beyond what the remover saw")
