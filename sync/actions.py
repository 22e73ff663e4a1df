"""What a member does to a circle: create, invite, join, post, change the roster, leave.

Everything here writes to the vault only (the outbox); the next sync round sends it. Roster
operations are applied locally at once, so this device's view changes immediately.
"""

from __future__ import annotations

import json
from typing import Any

from sync.content import MAX_CARRY, Ref
from sync.crypto import Rejected
from sync.engine import Engine
from sync.identity import Identity, PublicIdentity
from sync.invite import Invite, open_welcome, seal_join_request
from sync.roster import SignedOp, concurrent_ops, make_op
from sync.state import CircleRow, CircleState
from sync.transport import Transport

INVITE_DAYS = 7


def create_circle(engine: Engine, name: str, display_name: str, storage_kind: str,
                  storage_location: str, webdav_user: str = "",
                  webdav_password: str = "") -> bytes:
    rng = engine.rng
    circle = rng.token(16)
    me = Identity.generate(rng)
    op, key = make_op(me, circle, "create", parents=(), lamport=1,
                      at=engine.now_us() // 1_000_000, rng=rng, wrap_to=(me.public,),
                      member=me.public, member_name=display_name, circle_name=name)
    with engine.db.transaction() as cur:
        cur.execute(
            "INSERT INTO circles (id, name, identity, display_name, names_key, genesis, "
            "storage_kind, storage_location, webdav_user, webdav_password, status, created_us) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?)",
            (circle, name, me.to_bytes(), display_name, rng.token(32), op.hash, storage_kind,
             storage_location, webdav_user, webdav_password, engine.now_us()))
        CircleState.add_op(cur, circle, op)
        assert key is not None
        row = engine.state.circle(circle)
        assert row is not None
        CircleState.store_epoch_keys(cur, row, engine.state.roster(row), {})
    return circle


def make_invite(engine: Engine, row: CircleRow) -> Invite:
    invite = Invite(row.id, engine.rng.token(32), row.identity.public,
                    row.storage_location if row.storage_kind == "webdav" else "")
    now = engine.now_us()
    with engine.db.transaction() as cur:
        cur.execute("INSERT INTO circle_invites (secret, circle, created_us, expires_us) "
                    "VALUES (?, ?, ?, ?)",
                    (invite.secret, row.id, now, now + INVITE_DAYS * 86_400_000_000))
    return invite


def begin_join(engine: Engine, invite: Invite, display_name: str, storage_kind: str,
               storage_location: str, transport: Transport, webdav_user: str = "",
               webdav_password: str = "") -> bytes:
    """Write the join request and remember the circle as 'joining' (the invite code, which is
    secret, is kept in the vault until the welcome arrives)."""
    if engine.state.circle(invite.circle) is not None:
        raise ValueError("already in this circle")
    me = Identity.generate(engine.rng)
    request = seal_join_request(invite, me, display_name, engine.now_us() // 1_000_000,
                                engine.rng)
    transport.check()
    if not transport.write_once(invite.join_name, request):
        raise Rejected("invite already used")
    with engine.db.transaction() as cur:
        cur.execute(
            "INSERT INTO circles (id, name, identity, display_name, storage_kind, "
            "storage_location, webdav_user, webdav_password, status, invite_code, created_us) "
            "VALUES (?, '', ?, ?, ?, ?, ?, ?, 'joining', ?, ?)",
            (invite.circle, me.to_bytes(), display_name, storage_kind, storage_location,
             webdav_user, webdav_password, invite.code(), engine.now_us()))
    return invite.circle


def try_welcome(engine: Engine, row: CircleRow, transport: Transport) -> bool:
    from sync.invite import parse_invite

    invite = parse_invite(row.invite_code)
    sealed = transport.read(invite.welcome_name)
    if sealed is None:
        return False
    welcome = open_welcome(invite, row.identity, sealed)
    with engine.db.transaction() as cur:
        for op in welcome.ops:
            CircleState.add_op(cur, row.id, op)
        cur.execute("UPDATE circles SET names_key = ?, genesis = ?, status = 'active', "
                    "invite_code = '' WHERE id = ?", (welcome.name_key, welcome.genesis, row.id))
        fresh = engine.state.circle(row.id)
        assert fresh is not None
        roster = engine.state.roster(fresh)
        if row.me not in roster.active():
            raise Rejected("welcome does not add this device")
        cur.execute("UPDATE circles SET name = ? WHERE id = ?", (roster.name, row.id))
        CircleState.store_epoch_keys(cur, fresh, roster, {})
        # Whoever invited us is the one we trust first; the others are checked by safety
        # numbers like everyone else.
    return True


def add_member(engine: Engine, cur: Any, row: CircleRow, member: PublicIdentity,
               name: str) -> None:
    roster = engine.state.roster(row)
    replaces = b""
    for old in roster.members.values():
        if old.name.casefold() == name.casefold() and old.id != member.member_id:
            replaces = old.id  # same display name, new keys: every member gets an alert
    readers = [m.public for m in roster.members.values() if m.active] + [member]
    op, _ = make_op(row.identity, row.id, "add", parents=roster.heads(),
                    lamport=roster.next_lamport(), at=engine.now_us() // 1_000_000,
                    rng=engine.rng, wrap_to=readers, member=member, member_name=name,
                    replaces=replaces)
    _record_op(engine, cur, row, op)


def roster_change(engine: Engine, cur: Any, row: CircleRow, action: str,
                  target: bytes = b"") -> None:
    roster = engine.state.roster(row)
    cutoff = 0
    readers: list[PublicIdentity] = []
    if action in ("remove", "rotate"):
        readers = [m.public for m in roster.members.values() if m.active and m.id != target]
    if action == "remove":
        chains = engine.state.chains(row.id)
        cutoff = chains[target].seq if target in chains else 0
    op, _ = make_op(row.identity, row.id, action, parents=roster.heads(),
                    lamport=roster.next_lamport(), at=engine.now_us() // 1_000_000,
                    rng=engine.rng, wrap_to=readers, target=target, cutoff=cutoff)
    _record_op(engine, cur, row, op)


def _record_op(engine: Engine, cur: Any, row: CircleRow, op: SignedOp) -> None:
    # The change travels in the newest epoch this device is in before it, so that everyone
    # who must learn of it (the members, a removed member too) can read it; it reveals nothing
    # the readers may not know (the new epoch's key is wrapped to its own readers only).
    before = engine.state.roster(row).roster_epoch_of(row.me)
    CircleState.add_op(cur, row.id, op)
    roster = engine.state.roster(row)
    CircleState.store_epoch_keys(cur, row, roster, engine.state.epoch_keys(row.id))
    data: dict[str, Any] = {"op": op.to_json()}
    carry = [c.to_json() for c in concurrent_ops(roster) if c.hash != op.hash]
    if carry:
        data["carry"] = carry[-MAX_CARRY:]
    queue(engine, cur, row, "roster", data, epoch=before.id if before is not None else None)
    engine._after_roster_change(cur, row, roster)


def queue(engine: Engine, cur: Any, row: CircleRow, type_: str, data: dict[str, Any],
          ref: Ref | None = None, epoch: bytes | None = None) -> int:
    cur.execute("INSERT INTO circle_outbox (circle, type, data, ref_sender, ref_seq, "
                "created_us, epoch) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (row.id, type_, json.dumps(data, ensure_ascii=False),
                 ref.member if ref else None, ref.seq if ref else None, engine.now_us(), epoch))
    return int(cur.lastrowid)


def leave(engine: Engine, row: CircleRow) -> None:
    with engine.db.transaction() as cur:
        queue(engine, cur, row, "leave", {})
        cur.execute("UPDATE circles SET status = 'left' WHERE id = ?", (row.id,))
