"""Roster changes this device makes (add a member, remove, promote, rotate) and taking a
welcome: the same for a person's action and for the engine's own (admitting a newcomer,
healing after concurrent changes), so it lives below both (see sync/outbox.py)."""

from __future__ import annotations

import json
from typing import Any

from sync import forward_secrecy
from sync.content import MAX_CARRY
from sync.crypto import Rejected
from sync.identity import PublicIdentity
from sync.invite import open_welcome, parse_invite
from sync.outbox import CircleWriter, queue
from sync.roster import SignedOp, concurrent_ops, make_op, parse_op
from sync.state import CircleRow, CircleState
from sync.transport import Transport


def try_welcome(writer: CircleWriter, row: CircleRow, transport: Transport) -> bool:
    invite = parse_invite(row.invite_code)
    sealed = transport.read(invite.welcome_name)
    if sealed is None:
        return False
    welcome = open_welcome(invite, row.identity, sealed)
    with writer.db.transaction() as cur:
        for op in welcome.ops:
            CircleState.add_op(cur, row.id, op)
        cur.execute("UPDATE circles SET names_key = ?, genesis = ?, status = 'active', "
                    "invite_code = '' WHERE id = ?", (welcome.name_key, welcome.genesis, row.id))
        fresh = writer.state.circle(row.id)
        assert fresh is not None
        roster = writer.state.roster(fresh)
        if row.me not in roster.active():
            raise Rejected("welcome does not add this device")
        cur.execute("UPDATE circles SET name = ? WHERE id = ?", (roster.name, row.id))
        CircleState.store_epoch_keys(cur, fresh, roster, {})
        # Whoever invited us is the one we trust first; the others are checked by safety
        # numbers like everyone else.
    return True


def add_member(writer: CircleWriter, cur: Any, row: CircleRow, member: PublicIdentity,
               name: str, recv: bytes | None = None) -> None:
    """Admit `member`: a new epoch for everyone and them, wrapped to the receiving key their
    join request announced (`recv`), if any."""
    from sync.display_names import confusable_with, name_problem  # its table loads on use

    roster = writer.state.roster(row)
    replaces = b""
    for old in roster.members.values():
        if old.name.casefold() == name.casefold() and old.id != member.member_id:
            replaces = old.id  # same display name, new keys: every member gets an alert
    problem = name_problem(name)
    if problem:  # "The name contains …." as a clause
        raise Rejected(f"join request refused: {problem[0].lower()}{problem[1:].rstrip('.')}")
    # A name that looks like a current member's is refused (the member whose keys these
    # replace excepted: re-joining under one's own name is a key change, shown to everyone).
    current = [m.name for m in roster.members.values() if m.active and m.id != replaces]
    if confusable_with(name, current) is not None:
        raise Rejected("join request refused: the display name looks like a current member's")
    readers = [m.public for m in roster.members.values() if m.active] + [member]
    if recv is not None:
        forward_secrecy.record_announced(cur, row.id, member.member_id, 0, recv)
    targets = forward_secrecy.wrap_targets(writer, cur, row)
    op, _ = make_op(row.identity, row.id, "add", parents=roster.heads(),
                    lamport=roster.next_lamport(), at=writer.now_us() // 1_000_000,
                    rng=writer.rng, wrap_to=readers, member=member, member_name=name,
                    replaces=replaces, epoch_version=roster.version(), receiving=targets)
    forward_secrecy.note_identity_wraps(cur, row, parse_op(op).epoch_id,
                                        [p.member_id for p in readers], targets)
    _record_op(writer, cur, row, op)


def roster_change(writer: CircleWriter, cur: Any, row: CircleRow, action: str,
                  target: bytes = b"", epoch_version: int | None = None) -> None:
    """Sign and queue a roster change; an epoch it starts keeps the circle's protocol version
    unless `epoch_version` raises it (`circle upgrade`: a rotation into version 2)."""
    roster = writer.state.roster(row)
    cutoff = 0
    readers: list[PublicIdentity] = []
    if action in ("remove", "rotate"):
        readers = [m.public for m in roster.members.values() if m.active and m.id != target]
    if action == "remove":
        chains = writer.state.chains(row.id)
        cutoff = chains[target].seq if target in chains else 0
    targets = forward_secrecy.wrap_targets(writer, cur, row) if readers else {}
    op, _ = make_op(row.identity, row.id, action, parents=roster.heads(),
                    lamport=roster.next_lamport(), at=writer.now_us() // 1_000_000,
                    rng=writer.rng, wrap_to=readers, target=target, cutoff=cutoff,
                    epoch_version=max(roster.version(), epoch_version or 1), receiving=targets)
    forward_secrecy.note_identity_wraps(cur, row, parse_op(op).epoch_id,
                                        [p.member_id for p in readers], targets)
    _record_op(writer, cur, row, op)


def _record_op(writer: CircleWriter, cur: Any, row: CircleRow, op: SignedOp) -> None:
    # The change travels in the newest epoch this device is in before it, so that everyone
    # who must learn of it (the members, a removed member too) can read it; it reveals nothing
    # the readers may not know (the new epoch's key is wrapped to its own readers only).
    roster = writer.state.roster(row)
    before = roster.roster_epoch_of(row.me)
    # A change made while an earlier one of this device's waits to be sent goes where that
    # one goes: whoever the earlier one removed must also learn of the later one, on which
    # the earlier one's standing may depend (Ann removes Cat, then Bob who concurrently
    # removed Ann: Cat must see Ann's removal of Bob, or Ann's removal of Cat looks refused).
    for pinned, data_text in cur.execute(
            "SELECT epoch, data FROM circle_outbox WHERE circle = ? AND type = 'roster' AND "
            "raw IS NULL AND sent = 0 AND epoch IS NOT NULL ORDER BY id", (row.id,)).fetchall():
        if "op" not in json.loads(data_text):
            continue  # delivering others' changes to one member: pinned for them alone
        earlier = roster.epochs.get(bytes(pinned))
        # Only if it reaches everyone the newer one would (a newcomer since cannot read it,
        # and must learn of the change).
        if earlier is not None and (before is None or (earlier.order < before.order
                                                       and earlier.members >= before.members)):
            before = earlier
        break
    CircleState.add_op(cur, row.id, op)
    roster = writer.state.roster(row)
    CircleState.store_epoch_keys(cur, row, roster, writer.state.epoch_keys(row.id))
    data: dict[str, Any] = {"op": op.to_json()}
    carry = [c.to_json() for c in concurrent_ops(roster) if c.hash != op.hash]
    if carry:
        data["carry"] = carry[-MAX_CARRY:]
    queue(writer, cur, row, "roster", data, epoch=before.id if before is not None else None)
    writer.after_roster_change(cur, row, roster)
