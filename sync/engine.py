"""One sync round: fetch what is new, check it, apply it, then send the outbox.

Fetching never lists the storage. Each member's next object has a name this device can
compute (sync/locate.py: version 1, a keyed hash of member and sequence number; version 2, of
member and index under a key of the epoch), so a round asks for exactly the next names of each
member until one is missing, plus one read to check that the storage still holds this
device's newest message (rollback).

Every object goes through the receiver checks in `Batch` (sync/batch.py; docs/protocol.md
lists them); a failure is counted with its reason and never stops the round. What was
downloaded but cannot be applied yet (its epoch is not known yet, or the message before it is
missing) is kept in the vault, so nothing is fetched twice. Each batch is applied in one
transaction.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from storage.database import Database
from sync import agreement, forward_secrecy
from sync.batch import (
    Batch,
    Hold,
    PastCutoff,
    VoidEpoch,
    check_follows,
    check_own_op,
    check_placed,
    store_op,
)
from sync.content import (
    CIRCLE_TYPES,
    DEVICE_TYPES,
    MAX_CARRY,
    Body,
    Ref,
    View,
    encode_body,
    parse_body,
)
from sync.crypto import Randomness, Rejected, SystemRandomness, unb64
from sync.envelope import (
    MAX_SEQ,
    ChainCache,
    Envelope,
    check_signature,
    message_hash,
    open_message,
    parse_envelope,
    seal_message,
)
from sync.envelope_v2 import seal_message_v2, split_held
from sync.invite import (
    Invite,
    JoinRefused,
    JoinRequest,
    Welcome,
    open_join_request,
    seal_refusal,
    seal_welcome,
)
from sync.locate import (
    MAX_ATTEMPTS,
    Finder,
    epoch_names_key,
    epoch_ops,
    message_name,
    message_name_v2,
)
from sync.membership import add_member, roster_change, try_welcome
from sync.outbox import queue
from sync.roster import (
    PAST_CUTOFF,
    VOID_EPOCH,
    Member,
    Op,
    Roster,
    SignedOp,
    make_op,
    open_epoch_key,
    parse_op,
)
from sync.state import EMPTY_SLOT, ZERO_CHAIN, Chain, CircleRow, CircleState, Slot
from sync.transport import ObjectRejected, Transport

log = logging.getLogger(__name__)
MAX_FETCH_PER_MEMBER = 10_000  # per round; the rest comes next round
MAX_ROUNDS = 8
MAX_GAP_CHASE = 50  # how far past a missing message a round looks
# How far past a removed member's cut-off a round still reads: their roster changes made
# before they heard of the removal are part of the fold everyone must agree on (a removal
# made concurrently by the member being removed decides which of the two stands).
MAX_AFTER_CUTOFF = 16


@dataclass
class SyncReport:
    fetched: int = 0
    applied: int = 0
    sent: int = 0
    waiting: int = 0
    held: int = 0
    rejected: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    joined: list[str] = field(default_factory=list)
    welcomed: bool = False
    refused: bool = False  # this device asked to join and the inviting device refused it
    removed: bool = False
    requests: int = 0

    def reject(self, reason: str) -> None:
        self.rejected[reason] = self.rejected.get(reason, 0) + 1

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())

    @property
    def changed_anything(self) -> bool:
        """Whether the round changed what a circle shows (a quiet round changes nothing but
        the time of the last sync)."""
        return bool(self.applied or self.sent or self.welcomed or self.removed or self.joined
                    or self.rejected or self.problems)


class Engine:
    def __init__(self, db: Database, now_us: Callable[[], int],
                 rng: Randomness | None = None) -> None:
        self.db = db
        self.state = CircleState(db)
        self.now_us = now_us
        self.rng: Randomness = rng or SystemRandomness()
        # Whether a valid request to join a group of devices may be let in now: the person
        # compares safety numbers first (companion/devices/group.py; without a gate, none
        # is). A request not let in yet stays on the storage and is read again next round.
        # In a circle of people the invite code itself is the permission.
        # Its answer: "allow", "wait" (asked again next round) or "refuse" (the asking device
        # is told, sync/invite.py seal_refusal, and the code is spent).
        self.join_gate: Callable[[CircleRow, bytes, JoinRequest], str] | None = None

    # -- the round ----------------------------------------------------------------------------

    def sync(self, circle: bytes, transport: Transport) -> SyncReport:
        report = SyncReport()
        start_requests = transport.requests_made
        row = self._row(circle)
        if row.status == "joining":
            try:
                report.welcomed = try_welcome(self, row, transport)
            except JoinRefused as exc:  # signed by the inviting device: said, not counted
                report.refused = True
                with self.db.transaction() as cur:
                    CircleState.event(cur, circle, "refused", exc.reason, self.now_us())
            except Rejected as exc:  # a damaged or forged welcome: count it, keep waiting
                report.reject(exc.reason)
                with self.db.transaction() as cur:
                    CircleState.event(cur, circle, "rejected", exc.reason, self.now_us())
            except ObjectRejected as exc:
                report.reject(exc.message)
            row = self._row(circle)
        if row.status != "joining":
            stale = self._out_of_date(row)
            self._fetch_and_apply(self._row(circle), transport, report, read_on=stale)
            row = self._row(circle)
            if row.status in ("active", "left") and stale:
                self._rebase_stale_changes(row, report)
                row = self._row(circle)
            if row.status == "active":
                agreement.reconcile(self, row)
                split = agreement.splits(self, circle)
                if split:
                    report.problems.append(agreement.SPLIT_PROBLEM.replace("{n}", str(split)))
                roster = self.state.roster(row)
                if row.me in roster.admins():
                    self._accept_joins(row, roster, transport, report)
                    self._heal(self._row(circle))
                # Last of all, so it is never sealed before a roster change queued this round
                # (the epoch that change starts must come first in the chain).
                self._announce(self._row(circle))
                self._seal_outbox(self._row(circle), report)
                self._upload(row, transport, report)
                self._check_rollback(row, transport, report)
                fresh = self._row(circle)
                forward_secrecy.forget_old_keys(self, fresh, self.state.roster(fresh))
            elif row.status == "left":
                self._seal_outbox(row, report)  # the leave message itself
                self._upload(row, transport, report)
        with self.db.transaction() as cur:
            cur.execute("UPDATE circles SET last_sync_us = ? WHERE id = ?",
                        (self.now_us(), circle))
        report.waiting = self.state.waiting(circle)
        # Held: waiting for an earlier message or an epoch. A removed member's messages kept
        # past their cut-off wait for nothing (they were counted as refused).
        roster = self.state.roster(self._row(circle))
        report.held = sum(1 for member, seq in self.state.held(circle)
                          if not _past_cutoff(roster, member, seq))
        report.requests = transport.requests_made - start_requests
        return report

    def _row(self, circle: bytes) -> CircleRow:
        row = self.state.circle(circle)
        if row is None:
            raise KeyError("no such circle")
        return row

    # -- fetch and apply ----------------------------------------------------------------------

    def _fetch_and_apply(self, row: CircleRow, transport: Transport, report: SyncReport,
                         read_on: bool = False) -> None:
        """Fetch what is new and apply it, round after round. A device that left stops after
        the first round, unless it was out of date (`read_on`): its leave must then go into
        an epoch the others still read, so it reads on to learn of the newest."""
        held = self.state.held(row.id)
        probed: set[bytes] = set()
        cache = ChainCache()
        for _ in range(MAX_ROUNDS):
            roster = self.state.roster(row)
            chains = self.state.chains(row.id)
            downloaded: dict[tuple[bytes, int], bytes] = {}
            members = [m for m in roster.members.values()
                       if m.id != row.me and m.id not in probed]
            if not members and not held:
                break
            finder = self._finder(row, roster, transport, report)
            epochs_known = len(self.state.epoch_keys(row.id)) + len(roster.void_epochs)
            for member in members:
                probed.add(member.id)
                self._fetch_member(finder, roster, member, chains.get(member.id, ZERO_CHAIN),
                                   held, downloaded, report)
            for key, raw in held.items():
                if not _past_cutoff(roster, *key):
                    downloaded.setdefault(key, raw)
            was_held = set(held)
            held = {}
            if not downloaded:
                break
            before = (report.applied, report.rejected_total, self.state.op_count(row.id))
            with self.db.transaction() as cur:
                self._apply_batch(cur, row, downloaded, was_held, cache, report)
            held = self.state.held(row.id)
            row = self._row(row.id)
            if row.status != "active" and not (row.status == "left" and read_on):
                break
            known = (len(self.state.epoch_keys(row.id))
                     + len(self.state.roster(row).void_epochs))
            if known > epochs_known or set(held) - was_held:
                # Version 2 names come from epoch keys: an epoch learnt in this batch may hold
                # what members sent next, and a message kept because the one before it is
                # missing names the epoch to look in; so everyone is looked at again.
                probed.clear()
            elif not members and before == (report.applied, report.rejected_total,
                                            self.state.op_count(row.id)):
                break  # held messages that this batch could not use will not fit the next
        self._chase_gaps(row, transport, report)

    def _finder(self, row: CircleRow, roster: Roster, transport: Transport,
                report: SyncReport) -> Finder:
        keys = self.state.epoch_keys(row.id)
        receiving = forward_secrecy.receiving_private_keys(self.db, row.id)

        def key_of(epoch: bytes) -> bytes | None:
            return keys.get(epoch) or _void_key(roster, row, epoch, receiving)

        def squatted(member: bytes, reason: str) -> None:
            report.reject(reason)
            with self.db.transaction() as cur:
                CircleState.event(cur, row.id, "rejected", reason, self.now_us(), member)

        return Finder(row, roster, key_of, self.state.slots(row.id),
                      lambda name: self._read(transport, name, report, row.id), squatted)

    def _fetch_member(self, finder: Finder, roster: Roster, member: Member, chain: Chain,
                      held: dict[tuple[bytes, int], bytes],
                      downloaded: dict[tuple[bytes, int], bytes], report: SyncReport) -> None:
        """Fetch `member`'s next messages: version 1 by sequence number until one is missing;
        version 2, the next ones in each epoch where they may send, until one is missing."""
        limit = (member.last_seq + MAX_AFTER_CUTOFF if member.last_seq is not None
                 else MAX_SEQ)
        for (sender, _seq), stored in held.items():
            if sender == member.id:
                finder.note_held(member.id, stored)  # it stands for its place
        seq = chain.seq + 1
        while finder.reads_v1(chain) and seq <= min(limit, chain.seq + MAX_FETCH_PER_MEMBER):
            raw = held.get((member.id, seq))
            if raw is None:
                raw = finder.v1_at(member.id, seq)
                if raw is None:
                    break
                report.fetched += 1
            if not _past_cutoff(roster, member.id, seq) or (member.id, seq) not in held:
                # kept past a cut-off: used once, and again only if the cut-off moves
                downloaded[(member.id, seq)] = raw
            seq += 1
        for epoch in finder.epochs_of(member.id, chain):
            for _count in range(MAX_FETCH_PER_MEMBER):
                found = finder.next_in(member.id, epoch, member.public.signing)
                if found is None or found.seq > limit:
                    break  # past what is read beyond a cut-off: so is what follows it
                report.fetched += 1
                earlier = held.get((member.id, found.seq)) or downloaded.get((member.id,
                                                                            found.seq))
                if earlier is not None and earlier != found.stored:
                    self._equivocation(finder.row, member.id, found.seq)
                if (member.id, found.seq) not in held:
                    downloaded.setdefault((member.id, found.seq), found.stored)

    def _equivocation(self, row: CircleRow, member: bytes, seq: int) -> None:
        """Two authentic messages of one member at one sequence number, found in two epochs:
        the sender showed different readers different things. The first one found is used,
        and the fork is reported, as checkpoints that disagree are."""
        with self.db.transaction() as cur:
            CircleState.event(cur, row.id, "fork", "a member signed two different messages "
                              "for one place in their chain (in two epochs)", self.now_us(),
                              member, seq)

    def _read(self, transport: Transport, name: str, report: SyncReport,
              circle: bytes) -> bytes | None:
        try:
            return transport.read(name)
        except ObjectRejected as exc:
            report.reject(exc.message)
            with self.db.transaction() as cur:
                CircleState.event(cur, circle, "rejected", exc.message, self.now_us())
            return None

    def _apply_batch(self, cur: Any, row: CircleRow, downloaded: dict[tuple[bytes, int], bytes],
                     was_held: set[tuple[bytes, int]], cache: ChainCache,
                     report: SyncReport) -> None:
        now = self.now_us()
        keys = self.state.epoch_keys(row.id)
        chains = self.state.chains(row.id)
        batch = Batch(self, cur, row, keys)
        invalid_before = {h for h, _ in batch.roster.invalid}
        progress = True
        while progress:
            progress = False
            for member in sorted({m for m, _ in downloaded}):
                chain = chains.get(member, ZERO_CHAIN)
                while (found := batch.next_seq(member, chain, downloaded)) is not None:
                    seq = found
                    raw = downloaded[(member, seq)]
                    try:
                        chain, body = batch.check(chain, member, seq, raw, cache)
                        # A message that only declares its sender's view shows nothing new.
                        if body is None or body.type != "roster" or body.op or body.carry:
                            report.applied += 1
                    except VoidEpoch as void:  # a link in the chain, never shown
                        chain, body = self._void_epoch(cur, row, batch, void.envelope, chain,
                                                       cache, report), None
                    except Hold:
                        CircleState.hold(cur, row.id, member, seq, raw)
                        break
                    except PastCutoff:
                        self._after_cutoff(cur, row, batch, member, chain, downloaded,
                                           was_held, cache, report)
                        break
                    except Rejected as exc:
                        report.reject(exc.reason)
                        CircleState.event(cur, row.id, "rejected", exc.reason, now, member, seq)
                        CircleState.unhold(cur, row.id, member, seq)
                        del downloaded[(member, seq)]
                        break
                    del downloaded[(member, seq)]
                    if (member, seq) in was_held:
                        CircleState.unhold(cur, row.id, member, seq)
                    chains[member] = chain
                    CircleState.set_chain(cur, row.id, member, chain, now)
                    progress = True
                    if body is not None:
                        try:
                            batch.note(self._apply_body(cur, row, batch, member, seq, body,
                                                        chains))
                        except Rejected as exc:  # authentic, so its place in the chain
                            report.reject(exc.reason)  # stands; what it asks is refused
                            CircleState.event(cur, row.id, "rejected", exc.reason,
                                              self.now_us(), member, seq)
                # Version 2: a removed member's messages past the cut-off found in an epoch
                # learnt later are not next in any chain here, yet their roster changes count.
                info = batch.roster.members.get(member)
                if info is not None and info.last_seq is not None and any(
                        m == member and n > info.last_seq and split_held(raw)[0] is not None
                        for (m, n), raw in downloaded.items()):
                    self._after_cutoff(cur, row, batch, member, chain, downloaded, was_held,
                                       cache, report)
        roster = batch.current()
        # Roster changes the fold refuses are never silent: each is counted once, with its
        # reason, when it is first refused (a later fold that refuses it again says nothing).
        for op_hash, reason in roster.invalid:
            if op_hash not in invalid_before:
                invalid_before.add(op_hash)
                parsed = roster.cache.parse_known(op_hash)
                report.reject(f"roster change refused: {reason}")
                CircleState.event(cur, row.id, "rejected", f"roster change refused: {reason}",
                                  now, parsed.author if parsed is not None else b"")
        for (member, seq), raw in downloaded.items():  # beyond a gap: keep for later
            info = roster.members.get(member)
            # Only what the sender really signed is kept; anything else is fetched afresh
            # next round, so a tampered copy cannot sit in the vault in place of the real one.
            # (What lies at or before the chain's position can never be applied.)
            stale = seq <= chains.get(member, ZERO_CHAIN).seq
            if info is not None and not stale and batch.authentic(raw, member, seq,
                                                                   info.public.signing):
                CircleState.hold(cur, row.id, member, seq, raw)
            elif (member, seq) in was_held:
                CircleState.unhold(cur, row.id, member, seq)

    def _after_cutoff(self, cur: Any, row: CircleRow, batch: Batch, member: bytes,
                      chain: Chain, downloaded: dict[tuple[bytes, int], bytes],
                      was_held: set[tuple[bytes, int]], cache: ChainCache,
                      report: SyncReport) -> None:
        """A removed member's messages past their cut-off, in chain order and at most
        MAX_AFTER_CUTOFF of them: each is refused (counted once), kept, and its roster
        operations join the fold (which refuses those the removal did not know of, §3). The
        chain stays at the cut-off; what does not continue the one before, or lies beyond the
        bound, is dropped."""
        info = batch.roster.members[member]  # known: the check that raised this found it
        cutoff = info.last_seq or 0
        last = cutoff + MAX_AFTER_CUTOFF
        shadow = chain
        seq = chain.seq + 1
        # Version 1 in chain order; version 2 in sequence order (each epoch is its own chain,
        # and every message is authenticated on its own).
        for seq in sorted(n for m, n in downloaded if m == member and cutoff < n <= last):
            raw = downloaded.pop((member, seq))
            try:
                envelope = batch.parse(raw)
                check_placed(envelope, row.id, member, seq)
                check_signature(envelope, info.public.signing)
                if envelope.version < 2:
                    if seq != shadow.seq + 1:
                        break
                    e = envelope.header.epoch
                    check_follows(envelope, shadow,
                                   shadow.index + 1 if shadow.epoch == e else 0)
            except Rejected:
                break
            CircleState.hold(cur, row.id, member, seq, raw)
            if (member, seq) not in was_held:
                report.reject(PAST_CUTOFF)
                CircleState.event(cur, row.id, "rejected", PAST_CUTOFF, self.now_us(), member,
                                  seq)
            h = envelope.header
            self._roster_ops_of(cur, row, batch, batch.key_of(h.epoch), envelope, cache)
            shadow = Chain(seq, envelope.hash, h.epoch, h.index)
        else:
            seq = last + 1
        # Nothing else of theirs is kept: neither what broke the chain nor what lies beyond.
        for key in [k for k in downloaded if k[0] == member and k[1] >= seq]:
            del downloaded[key]
        cur.execute("DELETE FROM circle_held WHERE circle = ? AND member = ? AND seq >= ?",
                    (row.id, member, seq))

    def _void_epoch(self, cur: Any, row: CircleRow, batch: Batch, envelope: Envelope,
                    chain: Chain, cache: ChainCache, report: SyncReport) -> Chain:
        """Count a message of a void epoch, take its roster operations if this device was
        one of that epoch's readers, and return the chain position it moves to."""
        h = envelope.header
        report.reject(VOID_EPOCH)
        CircleState.event(cur, row.id, "rejected", VOID_EPOCH, self.now_us(), h.sender, h.seq)
        self._roster_ops_of(cur, row, batch, batch.key_of(h.epoch), envelope, cache)
        batch.advance(envelope)
        return Chain(h.seq, envelope.hash, h.epoch, h.index) if h.seq > chain.seq else chain

    def _roster_ops_of(self, cur: Any, row: CircleRow, batch: Batch, key: bytes | None,
                       envelope: Envelope, cache: ChainCache) -> None:
        """The roster operations in a message that is not shown (past a cut-off, or in a void
        epoch): they still count, as any roster message's do. Unreadable: nothing counts."""
        if key is None:
            return
        try:
            body = parse_body(open_message(envelope, key, cache))
            if body.type == "roster":
                batch.note(self._roster_ops(cur, row, batch, envelope.header.sender,
                                            envelope.header.seq, body))
        except Rejected:
            pass  # the message was counted as refused already; nothing of it is used

    def _roster_ops(self, cur: Any, row: CircleRow, batch: Batch, sender: bytes, seq: int,
                    body: Body) -> list[SignedOp]:
        """Check a roster message's operations as coming from `sender` and add them to the
        vault; returns those that are new here."""
        own = [] if body.op is None else [parse_op(body.op)]  # None: a carry-only message
        if any(op.author != sender for op in own):
            raise Rejected("roster op carried by someone other than its author")
        carried = []
        for signed in body.carry:
            try:
                carried.append(parse_op(signed))
            except Rejected:
                continue  # the fold counts it, with its reason, like any other
        # The sender's own operations get the same checks wherever they travel: a leave
        # must name the message that carries it, a cut-off no more than the remover saw.
        for op in [*own, *(c for c in carried if c.author == sender)]:
            check_own_op(op, seq, body)
        return [signed for signed in (*([body.op] if body.op else []), *body.carry)
                if store_op(cur, row, batch.roster, signed)]

    def _apply_body(self, cur: Any, row: CircleRow, batch: Batch, sender: bytes, seq: int,
                    body: Body, chains: dict[bytes, Chain]) -> list[SignedOp]:
        """Apply an authentic message's content; returns the roster operations it added to
        the vault. Raises `Rejected` for content its sender may not send (the caller counts
        it)."""
        self._compare_checkpoints(cur, row, sender, body, chains, self.now_us())
        if body.view is not None:
            agreement.record(cur, row.id, sender, seq, body.view,
                             body.seen.get(row.me, (0, b""))[0])
        if body.recv is not None:
            forward_secrecy.record_announced(cur, row.id, sender, seq, body.recv)
        if body.type == "roster":
            return self._roster_ops(cur, row, batch, sender, seq, body)
        if row.kind == "devices":
            if body.type not in DEVICE_TYPES:
                raise Rejected("a circle's message in a group of devices")
            # Merged by the vault's replica (companion/devices), which reads the inbox.
            cur.execute("INSERT OR IGNORE INTO device_inbox (circle, sender, seq, batch)"
                        " VALUES (?,?,?,?)", (row.id, sender, seq, unb64(body.data["batch"])))
            return []
        if body.type not in CIRCLE_TYPES:
            raise Rejected("a group of devices' message in a circle")
        if body.type in ("edit", "delete") and (body.ref is None or body.ref.member != sender):
            raise Rejected("edit or delete of someone else's message")
        if body.type == "guidelines":
            if sender not in batch.current().admins():
                raise Rejected("guidelines from a member who is not an admin")
            cur.execute("UPDATE circles SET guidelines = ? WHERE id = ?",
                        (body.data["text"], row.id))
        ref = (body.ref.member, body.ref.seq) if body.ref else None
        CircleState.add_item(cur, row.id, sender, seq, body.type, body.at, body.data, ref)
        return []

    def _compare_checkpoints(self, cur: Any, row: CircleRow, sender: bytes, body: Body,
                             chains: dict[bytes, Chain], now: int) -> None:
        for member, (seq, prefix) in body.seen.items():
            mine = chains.get(member, ZERO_CHAIN)
            if seq == 0:
                continue
            if mine.seq == seq and mine.hash[:len(prefix)] != prefix:
                CircleState.event(cur, row.id, "fork", "a member saw a different message at the "
                                  "same place in a chain (fork)", now, member, seq)
            elif seq > mine.seq:
                CircleState.event(cur, row.id, "expected", "seen by another member", now,
                                  member, seq)

    def after_roster_change(self, cur: Any, row: CircleRow, roster: Roster) -> None:
        for member in roster.members.values():
            cut = member.last_seq if member.last_seq is not None else 2**62
            # Past a cut-off: hidden. A removal that a later fold refuses gives back what it hid.
            cur.execute("UPDATE circle_items SET state = 'withdrawn' WHERE circle = ? AND "
                        "sender = ? AND seq > ? AND state = 'shown'", (row.id, member.id, cut))
            cur.execute("UPDATE circle_items SET state = 'shown' WHERE circle = ? AND "
                        "sender = ? AND seq <= ? AND state = 'withdrawn'", (row.id, member.id, cut))
        for old, new in roster.key_changes:
            cur.execute("INSERT INTO circle_peers (circle, member, key_alert) VALUES (?, ?, 1) "
                        "ON CONFLICT (circle, member) DO NOTHING", (row.id, new))
            if cur.rowcount:  # said once, when first folded, not on every later fold
                CircleState.event(cur, row.id, "key-change", "a member's keys changed",
                                  self.now_us(), old)
        me = roster.members.get(row.me)
        if me is None:
            if row.genesis is not None and roster.applied:
                # Admitted by an admin whom a concurrent removal outranked: the admission
                # itself was refused, so this device was never in the circle.
                cur.execute("UPDATE circles SET status = 'removed' WHERE id = ? AND status = "
                            "'active'", (row.id,))
                if cur.rowcount:
                    CircleState.event(cur, row.id, "refused", "the admin who let this device "
                                      "in was removed at the same time, so the admission did "
                                      "not stand; ask a current admin for a new invite",
                                      self.now_us(), row.me)
            return
        if not me.active:
            cur.execute("UPDATE circles SET status = 'removed' WHERE id = ? AND status = "
                        "'active'", (row.id,))
        else:
            cur.execute("UPDATE circles SET status = 'active' WHERE id = ? AND status = "
                        "'removed'", (row.id,))
            if cur.rowcount:  # a removal that a later fold refused
                CircleState.event(cur, row.id, "reinstated", "a removal of this device was "
                                  "undone by a roster change it had not yet received",
                                  self.now_us(), row.me)

    def _chase_gaps(self, row: CircleRow, transport: Transport, report: SyncReport) -> None:
        """Other members' checkpoints say a member sent more than this device found: look past
        the missing message (what is found is held until the gap closes) and report the gap."""
        with self.db.transaction() as cur:  # gaps that closed are no longer news
            cur.execute("DELETE FROM circle_events WHERE circle = ? AND kind = 'expected' AND "
                        "seq <= coalesce((SELECT c.seq FROM circle_chains c WHERE c.circle = "
                        "circle_events.circle AND c.member = circle_events.member), 0)",
                        (row.id,))
        chains = self.state.chains(row.id)
        held = self.state.held(row.id)
        roster = self.state.roster(row)
        finder = self._finder(row, roster, transport, report)
        for member_raw, seq in self.db.query(
                "SELECT member, max(seq) FROM circle_events WHERE circle = ? AND kind = "
                "'expected' GROUP BY member", (row.id,)):
            member = bytes(member_raw)
            chain = chains.get(member, ZERO_CHAIN)
            have = chain.seq
            info = roster.members.get(member)
            if info is not None and member != row.me:
                last = min(seq, have + MAX_GAP_CHASE)
                if info.last_seq is not None:
                    last = min(last, info.last_seq)
                found: dict[int, bytes] = {}
                if finder.reads_v1(chain) and row.names_key is not None:
                    for n in range(have + 2, last + 1):  # have + 1 is the one missing
                        if (member, n) in held:
                            continue
                        raw = self._read(transport, message_name(row.names_key, member, n),
                                         report, row.id)
                        if raw is not None and _authentic(raw, row.id, member, n,
                                                          info.public.signing):
                            found[n] = raw
                # Version 2: the next message in more of the member's epochs, and what lies
                # past a missing one in their current epoch.
                signing = info.public.signing
                for stored in [raw for (m, _n), raw in held.items() if m == member]:
                    finder.note_held(member, stored)
                wide = []
                for epoch in finder.epochs_of(member, chain, wide=True):
                    for _count in range(MAX_GAP_CHASE):
                        item = finder.next_in(member, epoch, signing)
                        if item is None:
                            break
                        wide.append(item)
                if chain.epoch and finder.version_of(chain.epoch) >= 2:
                    wide += finder.further(member, chain.epoch, signing, last - have)
                for item in wide:
                    if (member, item.seq) not in held:
                        found[item.seq] = item.stored
                if found:
                    with self.db.transaction() as cur:
                        for n, raw in found.items():
                            CircleState.hold(cur, row.id, member, n, raw)
            report.problems.append(
                f"{seq - have} message(s) that other members have seen are not on this "
                "storage yet (held until they arrive)")
        forks = self.db.query_one("SELECT count(*) FROM circle_events WHERE circle = ? AND "
                                  "kind = 'fork'", (row.id,))[0]
        if forks:
            report.problems.append(f"{forks} fork(s) detected: members were shown different "
                                   "messages; compare safety numbers and tell the admin")
        me = self.state.roster(row).members.get(row.me)
        report.removed = me is not None and not me.active and row.status == "removed"

    # -- admin duties -------------------------------------------------------------------------

    def _accept_joins(self, row: CircleRow, roster: Roster, transport: Transport,
                      report: SyncReport) -> None:
        assert row.names_key is not None and row.genesis is not None
        now = self.now_us()
        for secret, claimed_by, expires in self.db.query(
                "SELECT secret, used_by, expires_us FROM circle_invites "
                "WHERE circle = ? AND welcomed = 0", (row.id,)):
            invite = Invite(row.id, bytes(secret), row.identity.public)
            used_by = claimed_by
            if used_by is None:
                if expires < now:
                    continue
                raw = self._read(transport, invite.join_name, report, row.id)
                if raw is None:
                    continue
                try:
                    request = open_join_request(invite, row.identity, raw)
                except Rejected as exc:
                    report.reject(exc.reason)
                    with self.db.transaction() as cur:
                        CircleState.event(cur, row.id, "rejected", exc.reason, now)
                    continue
                if row.kind == "devices":
                    verdict = ("wait" if self.join_gate is None
                               else self.join_gate(row, bytes(secret), request))
                    if verdict == "refuse":
                        transport.write_once(invite.welcome_name, seal_refusal(
                            invite, row.identity, request.member, self.rng))
                        with self.db.transaction() as cur:  # spent: no welcome will come
                            cur.execute("UPDATE circle_invites SET welcomed = 1 WHERE"
                                        " secret = ?", (bytes(secret),))
                    if verdict != "allow":
                        continue
                try:
                    with self.db.transaction() as cur:
                        add_member(self, cur, row, request.member, request.name,
                                   request.recv)
                        if row.guidelines:
                            # The newcomer cannot read what was said before they joined (a new
                            # epoch), so the guidelines are shared again, in their epoch.
                            queue(self, cur, row, "guidelines", {"text": row.guidelines})
                        cur.execute("UPDATE circle_invites SET used_by = ? WHERE secret = ?",
                                    (request.member.member_id, bytes(secret)))
                except Rejected as exc:  # a name nobody may take: said, never silent, and
                    report.reject(exc.reason)  # the invite is spent (no welcome will come)
                    with self.db.transaction() as cur:
                        CircleState.event(cur, row.id, "rejected", exc.reason, now)
                        cur.execute("UPDATE circle_invites SET used_by = ? WHERE secret = ?",
                                    (request.member.member_id, bytes(secret)))
                    continue
                report.joined.append(request.name)
                roster = self.state.roster(row)
                used_by = request.member.member_id
            member = roster.members.get(bytes(used_by))
            if member is None:
                continue
            welcome = Welcome(row.id, row.names_key, row.genesis,
                              tuple(op.signed for op in roster.applied))
            sealed = seal_welcome(invite, row.identity, member.public, welcome, self.rng)
            transport.write_once(invite.welcome_name, sealed)
            with self.db.transaction() as cur:
                cur.execute("UPDATE circle_invites SET welcomed = 1 WHERE secret = ?",
                            (bytes(secret),))

    def _out_of_date(self, row: CircleRow) -> bool:
        """Whether this device last synced long enough ago that the others may have forgotten
        the epochs it knows (the shortest setting is a day; sync/forward_secrecy.py), or has
        never synced."""
        return (row.last_sync_us is None
                or self.now_us() - row.last_sync_us >= forward_secrecy.MIN_DAYS
                * forward_secrecy.DAY_US)

    def _rebase_stale_changes(self, row: CircleRow, report: SyncReport) -> None:
        """Roster changes made on a device that was out of date and not sealed yet are signed
        again now that it has caught up: made against old knowledge, they would travel in an
        epoch the others may have forgotten and wrap keys to receiving keys they may have
        deleted, and nobody would ever read them (a split). Nobody has seen them, so making
        them again is as if the person had acted now. One that no longer applies (its target
        left, this device is no longer an admin) is dropped, and said. All in one
        transaction, in the order they were made (a later one may build on an earlier one).
        Admissions are left alone: they are made during a sync, on what it fetched, and the
        newcomer's welcome may already hold them."""
        changes: list[tuple[int, SignedOp, Op]] = []
        for item_id, data_text in self.db.query(
                "SELECT id, data FROM circle_outbox WHERE circle = ? AND raw IS NULL AND "
                "sent = 0 AND type = 'roster' ORDER BY id", (row.id,)):
            data = json.loads(data_text)
            if "op" not in data:
                continue
            signed = SignedOp.from_json(data["op"])
            op = parse_op(signed)
            if op.author == row.me and op.action in ("remove", "promote", "rotate"):
                changes.append((item_id, signed, op))
        if not changes:
            return
        with self.db.transaction() as cur:
            for item_id, signed, op in changes:
                cur.execute("DELETE FROM circle_outbox WHERE id = ?", (item_id,))
                cur.execute("DELETE FROM circle_ops WHERE circle = ? AND hash = ?",
                            (row.id, signed.hash))
                if op.epoch_id:
                    cur.execute("DELETE FROM circle_epoch_keys WHERE circle = ? AND epoch = ?",
                                (row.id, op.epoch_id))
            for _item_id, _signed, op in changes:
                if not self._make_again(cur, self._row(row.id), op):
                    reason = ("a roster change made while this device was out of date was not "
                              "sent: it no longer applies")
                    report.problems.append(reason)
                    CircleState.event(cur, row.id, "dropped", reason, self.now_us(), row.me)

    def _make_again(self, cur: Any, row: CircleRow, op: Op) -> bool:
        roster = self.state.roster(row)
        me = roster.members.get(row.me)
        if me is None or not me.active or not me.admin:
            return False
        if op.action == "rotate":
            roster_change(self, cur, row, "rotate", epoch_version=op.epoch_version)
            return True
        target = roster.members.get(op.target)
        if target is None or not target.active or (op.action == "promote" and target.admin):
            return False
        roster_change(self, cur, row, op.action, op.target)
        return True

    def _heal(self, row: CircleRow) -> None:
        """A new epoch when the readers differ from the members, or (the most senior admin's
        device) when the current epoch is older than the circle keeps ended epochs' keys."""
        roster = self.state.roster(row)
        if not roster.needs_rotation() and not forward_secrecy.rotation_due(self, row, roster):
            return
        with self.db.transaction() as cur:
            roster_change(self, cur, row, "rotate")

    # -- send ---------------------------------------------------------------------------------

    def _seal_outbox(self, row: CircleRow, report: SyncReport) -> None:
        pending = self.db.query(
            "SELECT id, type, data, ref_sender, ref_seq, epoch, created_us FROM circle_outbox "
            "WHERE circle = ? AND raw IS NULL AND sent = 0 ORDER BY type != 'roster', id",
            (row.id,))
        # Roster changes go first: what is sealed after them may be sealed in the epoch they
        # start, and a receiver must learn of an epoch before a message in it comes next in
        # the chain (a post queued before a healing rotation once waited forever).
        if not pending:
            return
        roster = self.state.roster(row)
        epoch = roster.send_epoch(row.me)
        if row.status == "left":
            # A leave is a roster change: it travels where every member can read it, and it
            # never waits for a healing rotation (which a leaving admin would not start).
            epoch = roster.roster_epoch_of(row.me)
        if epoch is None:
            report.problems.append("waiting for an admin to start a new epoch before sending")
            return
        keys = self.state.epoch_keys(row.id)
        versions = {e: op.epoch_version for e, op in epoch_ops(roster).items()}
        slots = self.state.slots(row.id)
        view = self.declared_view(roster)
        now = self.now_us()
        with self.db.transaction() as cur:
            chains = self.state.chains(row.id)
            chain = chains.get(row.me, ZERO_CHAIN)
            items = list(pending)
            while items:
                item_id, type_, data_text, ref_sender, ref_seq, pinned, created = items.pop(0)
                written = created // 1_000_000  # when it was written, not when it was sent
                epoch_id = bytes(pinned) if pinned is not None else epoch.id
                key = keys.get(epoch_id) or _void_key(
                    roster, row, epoch_id, forward_secrecy.receiving_private_keys(cur, row.id))
                if key is None:
                    report.problems.append("a message waits for an epoch key this device lacks")
                    break
                seq = chain.seq + 1
                v2 = versions.get(epoch_id, 1) >= 2
                link = _link_ops(roster, chain, epoch_id) if v2 else []
                if link and type_ != "roster":
                    # The link goes first, in a message of its own (only roster messages
                    # carry operations); this item follows it.
                    link_id = queue(self, cur, row, "roster", {"carry": link}, epoch=epoch_id)
                    items[:0] = [(link_id, "roster", json.dumps({"carry": link}), None, None,
                                  epoch_id, created),
                                 (item_id, type_, data_text, ref_sender, ref_seq, pinned,
                                  created)]
                    continue
                slot = slots.get((row.me, epoch_id), EMPTY_SLOT)
                index = slot.next if v2 else chain.index + 1 if chain.epoch == epoch_id else 0
                data: dict[str, Any] = json.loads(data_text)
                if link:
                    # The link first; then the newest of what it already carried.
                    rest = [c for c in data.get("carry", []) if c not in link]
                    data["carry"] = [*link, *rest[max(0, len(link) + len(rest) - MAX_CARRY):]]
                    data["carry"] = data["carry"][:MAX_CARRY]
                ref = None
                if ref_sender is not None:
                    ref = Ref(bytes(ref_sender), ref_seq)
                body_type = type_
                if type_ in ("roster", "leave"):
                    body_type = "roster"
                    if type_ == "leave":
                        data = {"op": self._leave_op(row, roster, seq)}
                        CircleState.add_op(cur, row.id, SignedOp.from_json(data["op"]))
                seen = {m: (c.seq, c.hash) for m, c in chains.items()}
                # Version 2 messages announce where the next epoch key is to be wrapped.
                recv = forward_secrecy.fresh_receiving_key(self, cur, row.id) if v2 else None
                body = encode_body(body_type, written, seen, data, ref, view, recv)
                if v2:
                    raw = seal_message_v2(
                        signing_private=row.identity.signing_private, epoch_key=key,
                        circle=row.id, epoch=epoch_id, sender=row.me, seq=seq, index=index,
                        prev_hash=chain.hash, prev_epoch=chain.epoch, epoch_prev=slot.hash,
                        body=body,
                        checkin=body_type == "checkin", rng=self.rng)
                else:
                    raw = seal_message(
                        signing_private=row.identity.signing_private, epoch_key=key,
                        circle=row.id, epoch=epoch_id, sender=row.me, seq=seq, index=index,
                        prev_hash=chain.hash, body=body, checkin=body_type == "checkin",
                        rng=self.rng)
                if v2:
                    name = message_name_v2(epoch_names_key(key, row.id, epoch_id), row.me,
                                           index, 0)
                else:
                    assert row.names_key is not None  # every circle of version 1 has one
                    name = message_name(row.names_key, row.me, seq)
                cur.execute("UPDATE circle_outbox SET seq = ?, name = ?, raw = ?, "
                            "sent_epoch = ?, idx = ? WHERE id = ?",
                            (seq, name, raw, epoch_id if v2 else None, index, item_id))
                if body_type not in ("roster", *DEVICE_TYPES):
                    CircleState.add_item(cur, row.id, row.me, seq, body_type, written,
                                         data, (ref.member, ref.seq) if ref else None)
                    if body_type == "guidelines":
                        cur.execute("UPDATE circles SET guidelines = ? WHERE id = ?",
                                    (data["text"], row.id))
                chain = Chain(seq, message_hash(raw), epoch_id, index)
                chains[row.me] = chain
                CircleState.set_chain(cur, row.id, row.me, chain, now)
                if v2:
                    slots[(row.me, epoch_id)] = Slot(index + 1, chain.hash)
                    CircleState.set_slot(cur, row.id, row.me, epoch_id, slots[(row.me,
                                                                               epoch_id)])

    def _announce(self, row: CircleRow) -> None:
        """Version 2: receivers look for a member in every epoch since that member's last
        message. When this device has a newer epoch to send in and nothing to send, it says so
        with a message that only declares its view, so the others look in one epoch again."""
        roster = self.state.roster(row)
        epoch = roster.send_epoch(row.me)
        chain = self.state.chains(row.id).get(row.me, ZERO_CHAIN)
        if epoch is None or epoch.version < 2 or chain.epoch == epoch.id:
            return
        if self.db.query_one("SELECT 1 FROM circle_outbox WHERE circle = ? AND sent = 0",
                             (row.id,)) is not None:
            return  # what waits goes out first
        with self.db.transaction() as cur:
            queue(self, cur, row, "roster", {})

    def declared_view(self, roster: Roster) -> View:
        """What this device's messages say its fold applied (a test's liar overrides it)."""
        return agreement.view_of(roster)

    def _leave_op(self, row: CircleRow, roster: Roster, seq: int) -> dict[str, str]:
        op, _ = make_op(row.identity, row.id, "leave", parents=roster.heads(),
                        lamport=roster.next_lamport(), at=self.now_us() // 1_000_000,
                        rng=self.rng, cutoff=seq)
        return op.to_json()

    def _upload(self, row: CircleRow, transport: Transport, report: SyncReport) -> None:
        for item_id, name, stored, epoch, index, attempt in self.db.query(
                "SELECT id, name, raw, sent_epoch, idx, attempt FROM circle_outbox WHERE "
                "circle = ? AND raw IS NOT NULL AND sent = 0 ORDER BY seq", (row.id,)):
            raw = bytes(stored)
            if not self._place(row, transport, item_id, name, raw,
                               None if epoch is None else bytes(epoch), index, attempt):
                if epoch is not None and self._unseal_jammed(row, bytes(epoch)):
                    report.problems.append(
                        "every try of one of your messages' places on the storage was taken; "
                        "it waits to be sent again in the circle's newer epoch")
                    return
                report.problems.append("another message already holds the place of one of "
                                       "yours on the storage (fork); sending stopped" +
                                       (" until a new epoch (an admin's rotation, or removing "
                                        "whoever fills the places)" if epoch is not None
                                        else ""))
                with self.db.transaction() as cur:
                    CircleState.event(cur, row.id, "fork", "own message displaced",
                                      self.now_us(), row.me)
                return
            with self.db.transaction() as cur:
                # Its body is read by nothing once sent (only unsealed rows are read): emptied,
                # so later columns are not behind a quarter megabyte of overflow pages.
                cur.execute("UPDATE circle_outbox SET sent = 1, data = '' WHERE id = ?",
                            (item_id,))
                _forget_old_bodies(cur, row.id)
            report.sent += 1

    def _unseal_jammed(self, row: CircleRow, epoch: bytes) -> bool:
        """Every try of a version 2 message's place holds something else. If the circle has a
        newer epoch to send in (whose names whoever fills the places cannot know), take back
        everything not yet sent so the next round seals it there; nobody has seen any of it.
        False when there is nowhere else to send yet."""
        roster = self.state.roster(row)
        newest = roster.send_epoch(row.me)
        if newest is None or newest.id == epoch or self.db.query_one(
                "SELECT 1 FROM circle_outbox WHERE circle = ? AND sent = 0 AND type = 'leave'",
                (row.id,)) is not None:
            return False
        last = self.db.query_one(
            "SELECT seq, raw, sent_epoch, idx FROM circle_outbox WHERE circle = ? AND "
            "sent = 1 AND raw IS NOT NULL ORDER BY seq DESC LIMIT 1", (row.id,))
        first = self.db.query_one("SELECT min(seq) FROM circle_outbox WHERE circle = ? AND "
                                  "sent = 0 AND seq IS NOT NULL", (row.id,))[0]
        if last is not None and last[0] != first - 1:
            return False  # the last message sent is not at hand (beyond the kept window)
        chain = ZERO_CHAIN
        if last is not None:
            raw = bytes(last[1])
            if last[2] is not None:  # version 2: its epoch and index are recorded
                chain = Chain(int(last[0]), message_hash(raw), bytes(last[2]), int(last[3]))
            else:
                h = parse_envelope(raw).header
                chain = Chain(int(last[0]), message_hash(raw), h.epoch, h.index)
        # This device's chain in each epoch it sealed them in goes back to its last message
        # there that was sent.
        slots: dict[bytes, Slot | None] = {}
        for (taken,) in self.db.query("SELECT DISTINCT sent_epoch FROM circle_outbox WHERE "
                                      "circle = ? AND sent = 0 AND sent_epoch IS NOT NULL",
                                      (row.id,)):
            before = self.db.query_one(
                "SELECT idx, raw FROM circle_outbox WHERE circle = ? AND sent = 1 AND "
                "sent_epoch = ? ORDER BY seq DESC LIMIT 1", (row.id, taken))
            if before is not None and before[1] is None:
                return False  # its bytes are beyond the kept window: cannot rebuild
            slots[bytes(taken)] = (None if before is None else
                                   Slot(int(before[0]) + 1, message_hash(bytes(before[1]))))
        with self.db.transaction() as cur:
            for taken_epoch, slot in slots.items():
                cur.execute("DELETE FROM circle_slots WHERE circle = ? AND member = ? AND "
                            "epoch = ?", (row.id, row.me, taken_epoch))
                if slot is not None:
                    CircleState.set_slot(cur, row.id, row.me, taken_epoch, slot)
            cur.execute("DELETE FROM circle_items WHERE circle = ? AND sender = ? AND seq >= ?",
                        (row.id, row.me, first))
            cur.execute("UPDATE circle_outbox SET seq = NULL, name = NULL, raw = NULL, "
                        "sent_epoch = NULL, idx = NULL, attempt = 0, epoch = CASE WHEN "
                        "epoch = ? THEN NULL ELSE epoch END WHERE circle = ? AND sent = 0",
                        (epoch, row.id))
            CircleState.set_chain(cur, row.id, row.me, chain, self.now_us())
        return True

    def _place(self, row: CircleRow, transport: Transport, item_id: int, name: str,
               raw: bytes, epoch: bytes | None, index: int, attempt: int) -> bool:
        """Write one sealed message; False if its place is taken for good. Version 2: what
        holds the place cannot be this device's (its own bytes would match), so it is junk,
        and the next try is a name receivers also look at. Version 1: one name, a fork."""
        while not transport.write_once(name, raw) and self._read_back(transport, name) != raw:
            key = self.state.epoch_keys(row.id).get(epoch) if epoch is not None else None
            if key is None or epoch is None or attempt + 1 >= MAX_ATTEMPTS:
                return False
            attempt += 1
            name = message_name_v2(epoch_names_key(key, row.id, epoch), row.me, index, attempt)
            with self.db.transaction() as cur:
                cur.execute("UPDATE circle_outbox SET name = ?, attempt = ? WHERE id = ?",
                            (name, attempt, item_id))
        return True

    @staticmethod
    def _read_back(transport: Transport, name: str) -> bytes | None:
        """One of this device's own objects, as the storage now has it; an object too large
        or not a file counts as "something else"."""
        try:
            return transport.read(name)
        except ObjectRejected:
            return b""

    def _check_rollback(self, row: CircleRow, transport: Transport, report: SyncReport) -> None:
        """The storage must still hold this device's newest message; if it lost it (a restore
        from an old snapshot, a frozen view), say so and upload again what went missing."""
        missing = []
        displaced = moved = 0
        # Each message is read one at a time: the newest is nearly always on the storage. The
        # list names only ids: columns stored after a message's body and sealed bytes (its
        # epoch, index and try) are reached through their overflow pages, megabytes for a
        # window of a device group's batches.
        for (item_id,) in self.db.query(
                "SELECT id FROM circle_outbox WHERE circle = ? AND sent = 1 AND raw IS NOT NULL"
                " ORDER BY seq DESC LIMIT ?", (row.id, ROLLBACK_WINDOW)):
            kept = self.db.query_one("SELECT name, raw, sent_epoch, idx, attempt FROM"
                                     " circle_outbox WHERE id = ?", (item_id,))
            if kept is None or kept[1] is None:
                continue
            name, raw, epoch, index, attempt = kept
            found = self._read_back(transport, name)
            if found == bytes(raw):
                break
            if found is None:
                missing.append((item_id, name, bytes(raw)))
            elif epoch is not None and self._place(row, transport, item_id, name, bytes(raw),
                                                   bytes(epoch), index, attempt):
                moved += 1  # version 2: receivers skip what took its place and read on
            else:  # something else sits in its place, which write-once storage cannot undo
                displaced += 1
        if moved:
            report.problems.append(f"the storage held something else in place of {moved} of "
                                   "your messages; they were sent again under their next name")
        if displaced:
            report.problems.append(f"the storage holds something else in place of {displaced} "
                                   "of your messages (fork)")
            with self.db.transaction() as cur:
                CircleState.event(cur, row.id, "fork", "own message displaced", self.now_us(),
                                  row.me)
        if not missing:
            return
        report.problems.append(f"the storage lost {len(missing)} of your messages (rolled "
                               "back); they were sent again")
        with self.db.transaction() as cur:
            CircleState.event(cur, row.id, "rollback", "storage lost messages already sent",
                              self.now_us(), row.me)
        for _item_id, name, raw in reversed(missing):
            transport.write_once(name, raw)


ROLLBACK_WINDOW = 50  # the newest sent messages the rollback check reads back


def _forget_old_bodies(cur: Any, circle: bytes) -> None:
    """Drop the sealed bytes of sent messages older than the rollback window: the storage has
    them, and only those in the window can be checked and sent again. (The row stays: its
    sequence number and name are part of this device's chain.)"""
    cur.execute(
        "UPDATE circle_outbox SET raw = NULL WHERE circle = ? AND sent = 1 AND raw IS NOT NULL "
        "AND seq < (SELECT seq FROM circle_outbox WHERE circle = ? AND sent = 1 "
        "ORDER BY seq DESC LIMIT 1 OFFSET ?)", (circle, circle, ROLLBACK_WINDOW - 1))


def _void_key(roster: Roster, row: CircleRow, epoch: bytes,
              receiving: list[bytes] | None = None) -> bytes | None:
    """The key of a void epoch this device was a reader of (to tell whoever that refused
    change admitted that they are not in, sync/agreement.py)."""
    void = roster.void_epochs.get(epoch)
    if void is None:
        return None
    try:
        return open_epoch_key(void, row.identity, receiving or ())
    except Rejected:
        return None


def _past_cutoff(roster: Roster, member: bytes, seq: int) -> bool:
    info = roster.members.get(member)
    return info is not None and info.last_seq is not None and seq > info.last_seq


def _link_ops(roster: Roster, chain: Chain, epoch: bytes) -> list[dict[str, str]]:
    """Version 2: the operation that started the epoch of this device's previous message,
    when that epoch is void (its change was refused) and this message is in another one, and
    then the circle's other refused epoch-starting operations (its ancestors may be among
    them). A reader who never received those refused changes would not know the epoch, and
    would wait for ever for a message it cannot read; carried here, it learns the epoch and
    passes over it (`Batch.learn_from`)."""
    if chain.epoch == epoch or chain.epoch not in roster.void_epochs:
        return []
    first = roster.void_epochs[chain.epoch]
    others = [op for op in roster.void_epochs.values() if op.hash != first.hash]
    return [op.signed.to_json() for op in [first, *others]][:MAX_CARRY]


def _authentic(raw: bytes, circle: bytes, member: bytes, seq: int, signing: bytes) -> bool:
    """A version 1 object: well formed, in its place, and signed by `member`."""
    try:
        envelope = parse_envelope(raw)
        check_placed(envelope, circle, member, seq)
        check_signature(envelope, signing)
    except Rejected:
        return False
    return True
