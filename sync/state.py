"""Reading and writing one circle's state in the vault: the pieces the engine works on."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

from storage.database import Database
from sync.crypto import Rejected
from sync.identity import Identity
from sync.roster import FoldCache, Roster, SignedOp, fold, open_epoch_key_with


@dataclass(frozen=True)
class Chain:
    seq: int
    hash: bytes
    epoch: bytes
    index: int


ZERO_CHAIN = Chain(0, bytes(32), b"", -1)


@dataclass(frozen=True)
class Slot:
    """A member's chain within one epoch (version 2): the index of their next message there
    and the hash of their last one (32 zero bytes before the first)."""

    next: int
    hash: bytes


EMPTY_SLOT = Slot(0, bytes(32))


@dataclass
class CircleRow:
    id: bytes
    name: str
    identity: Identity
    display_name: str
    names_key: bytes | None
    genesis: bytes | None
    storage_kind: str
    storage_location: str
    webdav_user: str
    webdav_password: str
    status: str
    invite_code: str
    guidelines: str
    created_us: int
    last_sync_us: int | None
    forget_after_days: int = 30
    kind: str = "circle"  # or "devices": a person's own devices (docs/protocol.md §11)

    @functools.cached_property
    def me(self) -> bytes:
        # Deriving the public keys takes ~0.2 ms; a sync round asks thousands of times.
        return self.identity.public.member_id


_CIRCLE_COLUMNS = ("id, name, identity, display_name, names_key, genesis, storage_kind, "
                   "storage_location, webdav_user, webdav_password, status, invite_code, "
                   "guidelines, created_us, last_sync_us, forget_after_days, kind")


def _circle(row: Any) -> CircleRow:
    return CircleRow(bytes(row[0]), row[1], Identity.from_bytes(bytes(row[2])), row[3],
                     None if row[4] is None else bytes(row[4]),
                     None if row[5] is None else bytes(row[5]),
                     row[6], row[7], row[8], row[9], row[10], row[11], row[12],
                     row[13], row[14], row[15], row[16])


class CircleState:
    """Typed access to the circle tables; writes run inside the caller's transaction."""

    def __init__(self, db: Database) -> None:
        self.db = db
        # Folding verifies every operation's signature; a page load or a sync round asks for
        # the roster many times while the operations rarely change. Operations are only ever
        # added, so the set of their hashes identifies a fold.
        self._folds: dict[tuple[bytes, bytes, frozenset[bytes]], Roster] = {}
        self._fold_cache = FoldCache()  # parses and signature checks, shared by every fold

    def circles(self, kind: str = "circle") -> list[CircleRow]:
        """The circles of one kind: people's circles, or (kind "devices") the group of this
        person's own devices, which no circle list shows."""
        return [_circle(r) for r in self.db.query(
            f"SELECT {_CIRCLE_COLUMNS} FROM circles WHERE kind = ? ORDER BY created_us",
            (kind,))]

    def circle(self, circle: bytes) -> CircleRow | None:
        row = self.db.query_one(f"SELECT {_CIRCLE_COLUMNS} FROM circles WHERE id = ?",
                                (circle,))
        return None if row is None else _circle(row)

    def ops(self, circle: bytes) -> list[SignedOp]:
        return [SignedOp(bytes(b), bytes(s)) for b, s in self.db.query(
            "SELECT body, signature FROM circle_ops WHERE circle = ?", (circle,))]

    def roster(self, row: CircleRow) -> Roster:
        """The folded roster (treat it as read-only: it may be shared by later calls)."""
        if row.genesis is None:
            return Roster(row.id)
        # The signature is part of the key: a forged copy replaced by the real one refolds.
        hashes = frozenset(bytes(h) + bytes(sig) for h, sig in self.db.query(
            "SELECT hash, signature FROM circle_ops WHERE circle = ?", (row.id,)))
        key = (row.id, row.genesis, hashes)
        found = self._folds.get(key)
        if found is None:
            found = fold(row.id, row.genesis, self.ops(row.id), self._fold_cache)
            if len(self._folds) >= 16:
                self._folds.clear()
            self._folds[key] = found
        return found

    def epoch_keys(self, circle: bytes) -> dict[bytes, bytes]:
        """The keys of the epochs this device reads (not those it has forgotten)."""
        return {bytes(e): bytes(k) for e, k in self.db.query(
            "SELECT epoch, key FROM circle_epoch_keys WHERE circle = ? AND length(key) > 0",
            (circle,))}

    def forgotten_epochs(self, circle: bytes) -> set[bytes]:
        """Epochs whose key this device deleted (sync/forward_secrecy.py)."""
        return {bytes(e) for (e,) in self.db.query(
            "SELECT epoch FROM circle_epoch_keys WHERE circle = ? AND length(key) = 0",
            (circle,))}

    def chains(self, circle: bytes) -> dict[bytes, Chain]:
        return {bytes(m): Chain(s, bytes(h), bytes(e), i) for m, s, h, e, i in self.db.query(
            "SELECT member, seq, hash, epoch, idx FROM circle_chains WHERE circle = ?",
            (circle,))}

    def slots(self, circle: bytes) -> dict[tuple[bytes, bytes], Slot]:
        """(member, epoch) -> their chain in that epoch so far (version 2)."""
        return {(bytes(m), bytes(e)): Slot(int(n), bytes(h)) for m, e, n, h in self.db.query(
            "SELECT member, epoch, next, hash FROM circle_slots WHERE circle = ?", (circle,))}

    def waiting(self, circle: bytes) -> int:
        """Messages composed on this device that the storage has not received yet."""
        return int(self.db.query_one("SELECT count(*) FROM circle_outbox WHERE circle = ? AND "
                                     "sent = 0", (circle,))[0])

    def muted(self, circle: bytes) -> set[bytes]:
        return {bytes(m) for (m,) in self.db.query(
            "SELECT member FROM circle_peers WHERE circle = ? AND muted = 1", (circle,))}

    def held(self, circle: bytes) -> dict[tuple[bytes, int], bytes]:
        return {(bytes(m), s): bytes(r) for m, s, r in self.db.query(
            "SELECT member, seq, raw FROM circle_held WHERE circle = ?", (circle,))}

    # -- writes (inside a transaction) --------------------------------------------------------

    @staticmethod
    def add_op(cur: Any, circle: bytes, op: SignedOp) -> bool:
        cur.execute("INSERT OR IGNORE INTO circle_ops (circle, hash, body, signature) "
                    "VALUES (?, ?, ?, ?)", (circle, op.hash, op.body, op.signature))
        return bool(cur.rowcount)

    @staticmethod
    def replace_signature(cur: Any, circle: bytes, op: SignedOp) -> bool:
        """Put the verified copy of an operation in place of a differently signed one."""
        cur.execute("UPDATE circle_ops SET signature = ? WHERE circle = ? AND hash = ? AND "
                    "signature != ?", (op.signature, circle, op.hash, op.signature))
        return bool(cur.rowcount)

    @staticmethod
    def hold(cur: Any, circle: bytes, member: bytes, seq: int, raw: bytes) -> None:
        """Keep a downloaded message that cannot be applied yet (or, past a removed member's
        cut-off, ever), so it is not fetched again."""
        cur.execute("INSERT OR IGNORE INTO circle_held (circle, member, seq, raw) "
                    "VALUES (?, ?, ?, ?)", (circle, member, seq, raw))

    @staticmethod
    def unhold(cur: Any, circle: bytes, member: bytes, seq: int) -> None:
        cur.execute("DELETE FROM circle_held WHERE circle = ? AND member = ? AND seq = ?",
                    (circle, member, seq))

    def op_count(self, circle: bytes) -> int:
        return int(self.db.query_one("SELECT count(*) FROM circle_ops WHERE circle = ?",
                                     (circle,))[0])

    @staticmethod
    def store_epoch_keys(cur: Any, row: CircleRow, roster: Roster,
                         known: dict[bytes, bytes]) -> None:
        """Open and keep the key of every epoch this device reads that it has not yet: with
        the receiving keys it holds (marking the one that opened it as used, so the next
        message announces a fresh one) or its identity's agreement key. A forgotten epoch
        stays forgotten."""
        rows = cur.execute("SELECT epoch, length(key) FROM circle_epoch_keys WHERE circle = ?",
                           (row.id,)).fetchall()
        have = {bytes(e) for e, _ in rows}
        receiving = [(bytes(p), bytes(k)) for p, k in cur.execute(
            "SELECT public, private FROM circle_recv_keys WHERE circle = ? "
            "ORDER BY created_us DESC, public", (row.id,)).fetchall()]
        privates = [k for _, k in receiving]
        for epoch in roster.epochs.values():
            if epoch.id in known or epoch.id in have or row.me not in epoch.members:
                continue
            try:
                key, number = open_epoch_key_with(epoch.op, row.identity, privates)
            except Rejected:
                continue  # a wrap we cannot open; reported by the fold as nothing to read
            recv = receiving[number][0] if number >= 0 else None
            if recv is not None:
                cur.execute("UPDATE circle_recv_keys SET used = 1 WHERE circle = ? AND "
                            "public = ?", (row.id, recv))
            if key is not None:
                known[epoch.id] = key
                cur.execute("INSERT OR IGNORE INTO circle_epoch_keys (circle, epoch, key, recv) "
                            "VALUES (?, ?, ?, ?)", (row.id, epoch.id, key, recv))

    @staticmethod
    def set_chain(cur: Any, circle: bytes, member: bytes, chain: Chain, heard_us: int) -> None:
        cur.execute("INSERT INTO circle_chains (circle, member, seq, hash, epoch, idx, heard_us) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (circle, member) DO UPDATE SET "
                    "seq = excluded.seq, hash = excluded.hash, epoch = excluded.epoch, "
                    "idx = excluded.idx, heard_us = excluded.heard_us",
                    (circle, member, chain.seq, chain.hash, chain.epoch, chain.index, heard_us))

    @staticmethod
    def set_slot(cur: Any, circle: bytes, member: bytes, epoch: bytes, slot: Slot) -> None:
        cur.execute("INSERT INTO circle_slots (circle, member, epoch, next, hash) VALUES "
                    "(?, ?, ?, ?, ?) ON CONFLICT (circle, member, epoch) DO UPDATE SET "
                    "next = excluded.next, hash = excluded.hash WHERE excluded.next > next",
                    (circle, member, epoch, slot.next, slot.hash))

    @staticmethod
    def event(cur: Any, circle: bytes, kind: str, reason: str, now_us: int,
              member: bytes = b"", seq: int = 0) -> None:
        cur.execute("INSERT INTO circle_events (circle, kind, member, seq, reason, first_us, "
                    "last_us) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (circle, kind, member, "
                    "seq, reason) DO UPDATE SET last_us = excluded.last_us, count = count + 1",
                    (circle, kind, member, seq, reason, now_us, now_us))

    @staticmethod
    def add_item(cur: Any, circle: bytes, sender: bytes, seq: int, type_: str, at: int,
                 data: dict[str, Any], ref: tuple[bytes, int] | None) -> None:
        cur.execute("INSERT OR IGNORE INTO circle_items (circle, sender, seq, type, at, "
                    "ref_sender, ref_seq, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (circle, sender, seq, type_, at, ref[0] if ref else None,
                     ref[1] if ref else None, json.dumps(data, ensure_ascii=False)))
