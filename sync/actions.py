"""What a member does to a circle: create, invite, join, post, change the roster, leave.

Everything here writes to the vault only (the outbox); the next sync round sends it. Roster
operations are applied locally at once, so this device's view changes immediately.
"""

from __future__ import annotations

from typing import Any

from sync.crypto import Rejected, x25519_public
from sync.engine import Engine
from sync.identity import Identity
from sync.invite import Invite, seal_join_request
from sync.membership import add_member, roster_change, try_welcome
from sync.outbox import queue
from sync.roster import make_op
from sync.state import CircleRow, CircleState
from sync.transport import Transport

# Shared with the engine, re-exported for the circle service and the tests.
__all__ = ["INVITE_DAYS", "add_member", "begin_join", "create_circle", "leave", "make_invite",
           "queue", "roster_change", "try_welcome"]

INVITE_DAYS = 7


PROTOCOL_VERSION = 2  # of the circles this app creates (docs/protocol.md §10)


def create_circle(engine: Engine, name: str, display_name: str, storage_kind: str,
                  storage_location: str, webdav_user: str = "",
                  webdav_password: str = "", version: int | None = None,
                  kind: str = "circle") -> bytes:
    version = version or PROTOCOL_VERSION
    rng = engine.rng
    circle = rng.token(16)
    me = Identity.generate(rng)
    receiving = rng.token(32)  # the first epoch's key is wrapped to a receiving key too
    op, key = make_op(me, circle, "create", parents=(), lamport=1,
                      at=engine.now_us() // 1_000_000, rng=rng, wrap_to=(me.public,),
                      member=me.public, member_name=display_name, circle_name=name,
                      epoch_version=version,
                      receiving={me.public.member_id: x25519_public(receiving)})
    with engine.db.transaction() as cur:
        cur.execute(
            "INSERT INTO circles (id, name, identity, display_name, names_key, genesis, "
            "storage_kind, storage_location, webdav_user, webdav_password, status, created_us,"
            " kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)",
            (circle, name, me.to_bytes(), display_name, rng.token(32), op.hash, storage_kind,
             storage_location, webdav_user, webdav_password, engine.now_us(), kind))
        CircleState.add_op(cur, circle, op)
        _keep_receiving_key(engine, cur, circle, receiving)
        assert key is not None
        row = engine.state.circle(circle)
        assert row is not None
        CircleState.store_epoch_keys(cur, row, engine.state.roster(row), {})
    return circle


def make_invite(engine: Engine, row: CircleRow,
                lifetime_us: int = INVITE_DAYS * 86_400_000_000) -> Invite:
    invite = Invite.signed_by(row.identity, row.id, engine.rng.token(32),
                              row.storage_location if row.storage_kind == "webdav" else "")
    now = engine.now_us()
    with engine.db.transaction() as cur:
        cur.execute("INSERT INTO circle_invites (secret, circle, created_us, expires_us) "
                    "VALUES (?, ?, ?, ?)",
                    (invite.secret, row.id, now, now + lifetime_us))
    return invite


def begin_join(engine: Engine, invite: Invite, display_name: str, storage_kind: str,
               storage_location: str, transport: Transport, webdav_user: str = "",
               webdav_password: str = "", kind: str = "circle") -> bytes:
    """Write the join request and remember the circle as 'joining' (the invite code, which is
    secret, is kept in the vault until the welcome arrives)."""
    if engine.state.circle(invite.circle) is not None:
        raise ValueError("already in this circle")
    me = Identity.generate(engine.rng)
    receiving = engine.rng.token(32)  # the admin wraps our first epoch's key to it
    request = seal_join_request(invite, me, display_name, engine.now_us() // 1_000_000,
                                engine.rng, recv=x25519_public(receiving))
    transport.check()
    if not transport.write_once(invite.join_name, request):
        raise Rejected("invite already used")
    with engine.db.transaction() as cur:
        cur.execute(
            "INSERT INTO circles (id, name, identity, display_name, storage_kind, "
            "storage_location, webdav_user, webdav_password, status, invite_code, created_us,"
            " kind) VALUES (?, '', ?, ?, ?, ?, ?, ?, 'joining', ?, ?, ?)",
            (invite.circle, me.to_bytes(), display_name, storage_kind, storage_location,
             webdav_user, webdav_password, invite.code(), engine.now_us(), kind))
        _keep_receiving_key(engine, cur, invite.circle, receiving)
    return invite.circle


def _keep_receiving_key(engine: Engine, cur: Any, circle: bytes, private: bytes) -> None:
    cur.execute(
        "INSERT INTO circle_recv_keys (circle, public, private, created_us) VALUES "
        "(?, ?, ?, ?)", (circle, x25519_public(private), private, engine.now_us()))


def leave(engine: Engine, row: CircleRow) -> None:
    with engine.db.transaction() as cur:
        queue(engine, cur, row, "leave", {})
        cur.execute("UPDATE circles SET status = 'left' WHERE id = ?", (row.id,))
