"""Agreement on the roster (protocol version 2): every message says what its sender's fold
applied, receivers compare, deliver what a member lacks, and raise a blocking alert for a
difference that delivering cannot heal.

Every message body carries a `View`: a hash of the set of roster operations the sender's fold
applied, and that set's heads. After each round a device compares the latest view of every
current member with its own:

- the same hash: they agree (an earlier alert about them is cleared);
- the member lacks operations this device applied (it holds every head they name): it sends
  them, once, in a roster message that carries them without an operation of its own, in the
  epoch of the member's latest message (which both can read);
- once the member's checkpoint shows they applied that message, and the operations carried are
  still not part of what their fold applied, or the member names heads this device has never
  received although they have read a message of this device showing its differing view, the
  difference cannot heal by delivery: a **split**, shown as a blocking alert (sharing pauses)
  until the two views meet again.

A newcomer admitted by an admin whom a concurrent removal outranked reads only the epoch that
admission started, which the fold calls void; a device that can open that epoch tells them,
once, by sending there the operations that refused the admission (their fold then finds they
are not in the circle, and says so).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sync.content import MAX_CARRY, MAX_HEADS, VIEW_BYTES, View
from sync.crypto import b64, sha256, unb64
from sync.outbox import CircleWriter, queue
from sync.roster import Op, Roster, SignedOp
from sync.state import ZERO_CHAIN, Chain, CircleRow, CircleState

SPLIT = ("this device and a member's device disagree about who is in the circle (split); "
         "sharing is paused until they agree")
SPLIT_PROBLEM = ("sharing is paused: this device and {n} other member(s) disagree about who is "
                 "in the circle (split); it heals when their roster changes reach each other")


def view_of(roster: Roster) -> View:
    return View(view_hash(op.hash for op in roster.applied), roster.heads()[:MAX_HEADS])


def view_hash(applied: Iterable[bytes]) -> bytes:
    """What a view commits to: the set of applied operations (their hashes, sorted)."""
    return sha256(b"companion roster view v2", *sorted(applied))[:VIEW_BYTES]


def record(cur: Any, circle: bytes, member: bytes, seq: int, view: View, saw_me: int) -> None:
    """Remember the latest view a member's message declared (and how far that member had
    read this device's chain when sealing it)."""
    cur.execute(
        "INSERT INTO circle_views (circle, member, seq, ops, heads, saw_me) VALUES "
        "(?, ?, ?, ?, ?, ?) ON CONFLICT (circle, member) DO UPDATE SET seq = excluded.seq, "
        "ops = excluded.ops, heads = excluded.heads, saw_me = excluded.saw_me "
        "WHERE excluded.seq > circle_views.seq",
        (circle, member, seq, view.ops, json.dumps([b64(h) for h in view.heads]), saw_me))


def splits(writer: CircleWriter, circle: bytes) -> int:
    """How many members this device is split from (each is a blocking alert)."""
    return int(writer.db.query_one(
        "SELECT count(DISTINCT member) FROM circle_events WHERE circle = ? AND kind = 'split'",
        (circle,))[0])


def reconcile(writer: CircleWriter, row: CircleRow) -> None:
    """Compare every current member's latest view with this device's own; deliver what they
    lack, record splits, clear what healed, tell newcomers whose admission was refused."""
    roster = writer.state.roster(row)
    mine = view_of(roster).ops
    declared = [_Declared.of(found) for found in writer.db.query(
        "SELECT member, ops, heads, saw_me, differs_since, carry_outbox, carried, mine_at "
        "FROM circle_views WHERE circle = ?", (row.id,))]
    differing = any(d.ops != mine for d in declared)
    # Every operation's signed bytes, read only when something is to be delivered.
    signed = ({op.hash: op for op in writer.state.ops(row.id)}
              if differing or roster.void_epochs else {})
    chains = writer.state.chains(row.id)
    with writer.db.transaction() as cur:
        for seen in declared:
            _compare(writer, cur, row, roster, mine, signed, chains, seen)
        _tell_refused_newcomers(writer, cur, row, roster, signed)


@dataclass(frozen=True)
class _Declared:
    """A member's latest declared view, and where this device stands in reconciling it."""

    member: bytes
    ops: bytes
    heads: list[bytes]
    saw_me: int  # their checkpoint of this device's chain in that message
    differs_since: int | None  # this device's own sequence number when it first differed
    carry_outbox: int | None  # the message that carried them what they lacked
    carried: list[bytes]
    mine_at: bytes | None  # this device's own view when `differs_since` was set

    @classmethod
    def of(cls, found: Any) -> _Declared:
        member, ops, heads, saw_me, differs_since, carry_outbox, carried, mine_at = found
        return cls(bytes(member), bytes(ops), [unb64(h, 32) for h in json.loads(heads)],
                   int(saw_me), differs_since, carry_outbox,
                   [unb64(h, 32) for h in json.loads(carried or "[]")],
                   None if mine_at is None else bytes(mine_at))


def _compare(writer: CircleWriter, cur: Any, row: CircleRow, roster: Roster, mine: bytes,
             signed: dict[bytes, SignedOp], chains: dict[bytes, Chain], seen: _Declared) -> None:
    info = roster.members.get(seen.member)
    if info is None or not info.active or seen.member == row.me or seen.ops == mine:
        if seen.differs_since is not None or seen.carry_outbox is not None:
            _agree(cur, row.id, seen.member)  # a split about them, if any, ends here
        return
    since = seen.differs_since
    if since is None or seen.mine_at != mine:
        # From here on, every message of this device shows its current view: once the member
        # has read one of those, what this device lacks was theirs to send.
        since = chains.get(row.me, ZERO_CHAIN).seq
        cur.execute("UPDATE circle_views SET differs_since = ?, mine_at = ? WHERE circle = ? "
                    "AND member = ?", (since, mine, row.id, seen.member))
    full = len(seen.heads) >= MAX_HEADS  # perhaps cut short: judge nothing by its heads
    now = writer.now_us()
    reached = _closure(roster, seen.heads)
    if any(h not in signed for h in reached):
        # They hold changes this device never received, and they have read a message of
        # this device showing that: delivering was theirs to do, and it did not happen.
        if seen.saw_me > since and not full:
            _split(cur, row.id, seen.member, now)
        return
    if seen.carry_outbox is None:
        if seen.saw_me <= since:
            return  # they have not read this device's newest messages yet, which may carry it
        lacking = _lacking(roster, signed, reached)
        if lacking:
            carry_id = _carry(writer, cur, row, lacking, signed,
                              chains.get(seen.member, ZERO_CHAIN).epoch)
            cur.execute("UPDATE circle_views SET carry_outbox = ?, carried = ? WHERE "
                        "circle = ? AND member = ?",
                        (carry_id, json.dumps([b64(op.hash) for op in lacking]), row.id,
                         seen.member))
        elif seen.saw_me > since and not full:
            _split(cur, row.id, seen.member, now)  # the same operations, another outcome
        return
    carried_seq = _sealed_seq(writer, seen.carry_outbox)
    if carried_seq is None or seen.saw_me < carried_seq:
        return  # not sealed yet, or not read by them yet
    applied = {op.hash for op in roster.applied}
    if any(h not in reached and h in applied for h in seen.carried) and not full:
        _split(cur, row.id, seen.member, now)
    else:  # they took what was sent; what differs now is newer: start over
        cur.execute("UPDATE circle_views SET differs_since = NULL, carry_outbox = NULL, "
                    "carried = NULL WHERE circle = ? AND member = ?", (row.id, seen.member))


def _agree(cur: Any, circle: bytes, member: bytes) -> None:
    cur.execute("UPDATE circle_views SET differs_since = NULL, carry_outbox = NULL, "
                "carried = NULL, mine_at = NULL WHERE circle = ? AND member = ?",
                (circle, member))
    cur.execute("DELETE FROM circle_events WHERE circle = ? AND kind = 'split' AND member = ?",
                (circle, member))


def _split(cur: Any, circle: bytes, member: bytes, now: int) -> None:
    CircleState.event(cur, circle, "split", SPLIT, now, member)


def _closure(roster: Roster, heads: list[bytes]) -> set[bytes]:
    """The operations `heads` stand on, as far as this device knows them."""
    by_hash = {op.hash: op for op in roster.applied}
    reached: set[bytes] = set()
    stack = list(heads)
    while stack:
        h = stack.pop()
        if h in reached:
            continue
        reached.add(h)
        op = by_hash.get(h) or roster.cache.parse_known(h)
        if op is not None:
            stack.extend(op.parents)
    return reached


def _lacking(roster: Roster, signed: dict[bytes, SignedOp], reached: set[bytes]) -> list[Op]:
    """Operations this device holds that the member's heads do not stand on, parents first:
    refused ones too, since an applied operation may follow a refused one (§3), and without
    its parent it would wait on the member's device instead of being folded."""
    out = []
    for op_hash in signed:
        if op_hash in reached:
            continue
        op = roster.cache.parse_known(op_hash)
        if op is not None:
            out.append(op)
    out.sort(key=lambda op: (op.lamport, op.hash))
    return out[:MAX_CARRY]


def _carry(writer: CircleWriter, cur: Any, row: CircleRow, lacking: list[Op],
           signed: dict[bytes, SignedOp], epoch: bytes) -> int:
    """Queue a roster message that carries `lacking` (in fold order, so parents come first)
    in `epoch` (one the member can read), or in the usual epoch if this device lacks its key."""
    keys = writer.state.epoch_keys(row.id)
    if epoch not in keys:
        # Pinned now, not at sealing: a roster change queued later this round may start a
        # newer epoch, and nothing may be sealed in an epoch before the change that starts it.
        newest = writer.state.roster(row).send_epoch(row.me)
        epoch = newest.id if newest is not None else b""
    carry = [signed[op.hash].to_json() for op in lacking if op.hash in signed]
    return queue(writer, cur, row, "roster", {"carry": carry}, epoch=epoch or None)


def _sealed_seq(writer: CircleWriter, outbox_id: int) -> int | None:
    found = writer.db.query_one("SELECT seq FROM circle_outbox WHERE id = ?", (outbox_id,))
    return None if found is None or found[0] is None else int(found[0])


def _tell_refused_newcomers(writer: CircleWriter, cur: Any, row: CircleRow, roster: Roster,
                            signed: dict[bytes, SignedOp]) -> None:
    for epoch_id, op in roster.void_epochs.items():
        if op.action != "add" or op.member is None or row.me not in op.wraps:
            continue
        if op.member.member_id in roster.members:
            continue  # admitted after all (another add), or a void epoch of another kind
        cur.execute("INSERT OR IGNORE INTO circle_told (circle, epoch) VALUES (?, ?)",
                    (row.id, epoch_id))
        if not cur.rowcount:
            continue  # told once
        lacking = _lacking(roster, signed, _closure(roster, [op.hash]))
        if lacking:
            carry = [signed[o.hash].to_json() for o in lacking[:MAX_CARRY] if o.hash in signed]
            queue(writer, cur, row, "roster", {"carry": carry}, epoch=epoch_id)
