"""Shared pieces for the protocol tests: a `Circle` of real engines (real SQLCipher vaults in
memory) over one `MemoryTransport`, on a fake clock, and a builder of honest messages that a
test can alter in exactly one place.

Every engine gets its own `SeededRandomness`, so a failing hypothesis example replays the same
identities, keys and nonces.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from companion.clock import FakeClock
from sync import actions
from sync import envelope_v2 as v2
from sync.content import encode_body
from sync.crypto import Rejected, SeededRandomness, seal, sha256, sign, unwrap_key
from sync.engine import Engine, SyncReport
from sync.envelope import Header, chain_key, message_key, pad
from sync.identity import Identity
from sync.invite import parse_invite
from sync.locate import epoch_names_key, message_name, message_name_v2
from sync.roster import Op, Roster, wrap_aad
from sync.state import EMPTY_SLOT, ZERO_CHAIN, CircleRow
from sync.transport import Transport
from tests.sync.memory import MemoryTransport, memory_database

START = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
VAULT_TABLES = ("circle_ops", "circle_epoch_keys", "circle_chains", "circle_held",
                "circle_items", "circle_outbox", "circle_invites", "circle_peers")


class Circle:
    """N members of one circle, each with an engine and a vault, sharing one storage."""

    def __init__(self, names: tuple[str, ...] = ("Ann", "Bob", "Cat"),
                 store: MemoryTransport | None = None, seed: bytes = b"circle",
                 version: int = 2) -> None:
        self.clock = FakeClock(START)
        self.store: MemoryTransport = store if store is not None else MemoryTransport()
        self.seed = seed
        self.engines: dict[str, Engine] = {}
        admin = names[0]
        self.engines[admin] = self._engine(admin)
        self.id = actions.create_circle(self.engines[admin], "Friends", admin, "folder", "/x",
                                        version=version)
        for name in names[1:]:
            self.join(name)
        self.sync_all()

    def _engine(self, name: str) -> Engine:
        return Engine(memory_database(), self.now_us, SeededRandomness(self.seed + name.encode()))

    def now_us(self) -> int:
        return int(self.clock.now().timestamp() * 1_000_000)

    def tick(self) -> None:
        self.clock.advance(seconds=1)

    # -- membership -------------------------------------------------------------------------

    def join(self, name: str, admin: str | None = None) -> None:
        """Invite `name`, let them join and let the admin welcome them (two syncs)."""
        admin = admin or next(iter(self.engines))
        invite = actions.make_invite(self.engines[admin], self.row(admin))
        engine = self.engines[name] = self._engine(name)
        actions.begin_join(engine, parse_invite(invite.code()), name, "folder", "/" + name,
                           self.store)
        self.sync(admin)
        report = self.sync(name)
        assert report.welcomed, report

    def remove(self, admin: str, target: str) -> None:
        with self.engines[admin].db.transaction() as cur:
            actions.roster_change(self.engines[admin], cur, self.row(admin), "remove",
                                  self.id_of(target))

    def change(self, admin: str, action: str, target: str = "") -> None:
        with self.engines[admin].db.transaction() as cur:
            actions.roster_change(self.engines[admin], cur, self.row(admin), action,
                                  self.id_of(target) if target else b"")

    # -- content and sync ---------------------------------------------------------------------

    def post(self, name: str, type_: str = "note", data: dict[str, Any] | None = None) -> None:
        data = data if data is not None else {"title": "t", "body": f"from {name}"}
        with self.engines[name].db.transaction() as cur:
            actions.queue(self.engines[name], cur, self.row(name), type_, data)

    def sync(self, name: str, store: Transport | None = None) -> SyncReport:
        self.tick()
        return self.engines[name].sync(self.id, store if store is not None else self.store)

    def sync_all(self, rounds: int = 2) -> None:
        for _ in range(rounds):
            for name in self.engines:
                self.sync(name)

    # -- looking --------------------------------------------------------------------------------

    def row(self, name: str) -> CircleRow:
        row = self.engines[name].state.circle(self.id)
        assert row is not None
        return row

    def roster(self, name: str) -> Roster:
        return self.engines[name].state.roster(self.row(name))

    def identity(self, name: str) -> Identity:
        return self.row(name).identity

    def id_of(self, name: str) -> bytes:
        return self.identity(name).public.member_id

    def items(self, name: str) -> list[tuple[bytes, int, str, str, str]]:
        return [(bytes(s), q, t, d, st) for s, q, t, d, st in self.engines[name].db.query(
            "SELECT sender, seq, type, data, state FROM circle_items WHERE circle = ? "
            "ORDER BY sender, seq", (self.id,))]

    def events(self, name: str) -> list[tuple[str, str]]:
        return [(k, r) for k, r in self.engines[name].db.query(
            "SELECT kind, reason FROM circle_events WHERE circle = ? ORDER BY id", (self.id,))]

    def snapshot(self, name: str) -> dict[str, Any]:
        """Everything a receiver check must leave alone (not the events, not last_sync_us)."""
        db = self.engines[name].db
        out: dict[str, Any] = {table: sorted(map(tuple, db.query(f"SELECT * FROM {table}")))
                               for table in VAULT_TABLES}
        out["circles"] = db.query("SELECT id, name, names_key, genesis, status, guidelines "
                                  "FROM circles")
        return out

    def names_key(self) -> bytes:
        key = self.row(next(iter(self.engines))).names_key
        assert key is not None
        return key

    def draft_name(self, draft: Draft, attempt: int = 0) -> str:
        return draft_name(draft, self.names_key(), attempt)

    def name_for(self, member: str, seq: int) -> str:
        """Where `member`'s message `seq` is (or, not sealed yet, would be in version 1): as
        the sender's own vault recorded it when sealing."""
        found = self.engines[member].db.query_one(
            "SELECT name FROM circle_outbox WHERE circle = ? AND seq = ?", (self.id, seq))
        if found is not None:
            return str(found[0])
        return message_name(self.names_key(), self.id_of(member), seq)


@dataclass(frozen=True)
class Draft:
    """Every input of one message envelope, honest by default (see `honest_draft`)."""

    signing_private: bytes
    epoch_key: bytes
    header: Header
    body: bytes
    checkin: bool
    plaintext: bytes | None = None  # overrides the padded body
    version: int = 1

    def seal(self) -> bytes:
        plaintext = self.plaintext if self.plaintext is not None else pad(self.body,
                                                                          self.checkin)
        h = self.header
        if self.version >= 2:
            return _seal_v2(self, plaintext)
        header = replace(h, length=len(plaintext) + 16).pack()
        key = message_key(chain_key(self.epoch_key, h.circle, h.epoch, h.sender), h.index)
        signed = header + seal(key, h.nonce, plaintext, header)
        return signed + sign(self.signing_private, signed)


def _seal_v2(draft: Draft, plaintext: bytes) -> bytes:
    """Version 2, with every header field as the draft says (the real sealer takes them from
    the vault)."""
    h = draft.header
    inner = v2.INNER.pack(h.sender, h.seq, h.index, h.prev_hash,
                          (h.prev_epoch or bytes(16)).ljust(16, b"\0"), h.epoch_prev or bytes(32),
                          h.nonce, len(plaintext) + 16)
    aad = v2.MAGIC + b"\x01" + h.circle + h.epoch
    key = message_key(chain_key(draft.epoch_key, h.circle, h.epoch, h.sender), h.index)
    ciphertext = seal(key, h.nonce, plaintext, aad + inner)
    signature = sign(draft.signing_private, sha256(b"companion message v2", h.circle, h.epoch,
                                                   inner, ciphertext))
    header_nonce = bytes(range(12, 24))
    sealed = seal(v2.header_key(draft.epoch_key, h.circle, h.epoch), header_nonce,
                  inner + signature, aad)
    return v2.MAGIC + b"\x01" + header_nonce + sealed + ciphertext


def draft_name(draft: Draft, names_key: bytes, attempt: int = 0) -> str:
    """Where `draft` goes: version 1 by sequence number, version 2 by epoch, index and try."""
    h = draft.header
    if draft.version >= 2:
        return message_name_v2(epoch_names_key(draft.epoch_key, h.circle, h.epoch), h.sender,
                               h.index, attempt)
    return message_name(names_key, h.sender, h.seq)


def honest_draft(circle: Circle, sender: str, type_: str = "note",
                 data: dict[str, Any] | None = None, body: bytes | None = None) -> Draft:
    """The next message `sender` would send, built from their vault but not sent: seq, index,
    previous hash, epoch and key exactly as the engine would choose them."""
    row = circle.row(sender)
    engine = circle.engines[sender]
    roster = engine.state.roster(row)
    epoch = roster.send_epoch(row.me)
    assert epoch is not None
    chains = engine.state.chains(row.id)
    chain = chains.get(row.me, ZERO_CHAIN)
    if body is None:
        data = data if data is not None else {"title": "t", "body": "hello"}
        seen = {m: (c.seq, c.hash) for m, c in chains.items()}
        body = encode_body(type_, circle.now_us() // 1_000_000, seen, data)
    slot = engine.state.slots(row.id).get((row.me, epoch.id), EMPTY_SLOT)
    index = slot.next if epoch.version >= 2 else chain.index + 1 if chain.epoch == epoch.id else 0
    header = Header(row.id, epoch.id, row.me, chain.seq + 1, index, chain.hash,
                    bytes(range(12)), 0, slot.hash if epoch.version >= 2 else b"", chain.epoch)
    return Draft(row.identity.signing_private, engine.state.epoch_keys(row.id)[epoch.id],
                 header, body, type_ == "checkin", version=epoch.version)


def raw_plaintext(length_field: int, body: bytes, total: int, tail: bytes = b"") -> bytes:
    """A padded plaintext with a chosen length field and tail (for the padding checks)."""
    data = struct.pack(">I", length_field) + body
    return data + tail + bytes(total - len(data) - len(tail))


def body_json(draft: Draft) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(draft.body)
    return value


def openable_from_vault(circle: Circle, name: str, op: Op) -> bool:
    """Whether any agreement private key a thief who unlocks `name`'s vault finds (the
    identity's, and every receiving key kept) still opens `op`'s epoch key for them."""
    me = circle.id_of(name)
    privates = [circle.identity(name).agreement_private, *(bytes(k) for (k,) in (
        circle.engines[name].db.query("SELECT private FROM circle_recv_keys WHERE circle = ?",
                                      (circle.id,))))]
    for private in privates:
        try:
            unwrap_key(op.wraps[me], private, wrap_aad(op.circle, op.epoch_id, me))
            return True
        except Rejected:
            continue
    return False
