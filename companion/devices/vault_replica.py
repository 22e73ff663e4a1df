"""This vault's side of device sync: its replica, kept in the vault (docs/protocol.md §11.5).

A sync round runs in one transaction, so nothing the person writes can fall between its
steps:

1. what the person changed since the last round (the rows the triggers marked) becomes
   operations, each text edit naming the versions the person last saw here (the base), so an
   edit made elsewhere meanwhile stays beside it as a conflict instead of being replaced;
2. the batches other devices wrote are merged (a batch from a clock too far ahead is held);
3. every record either step touched is written back to the vault as merged, and becomes the
   new base.

The operations are kept in `device_ops` and the merged state is rebuilt from them when the
vault is opened; this device's own ones wait there (`sent` = 0) until the storage has them.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from companion.devices.person_settings import PreferenceLink, PreferenceRecords
from companion.devices.records import COLLECTIONS as JOURNAL_COLLECTIONS
from companion.devices.records import Fields, InvalidRecord
from companion.devices.screen_records import SCREEN_COLLECTIONS
from companion.errors import NotFound
from storage.database import Database
from sync.codec import canonical, parse_object
from sync.crypto import Rejected, b64, unb64
from sync.devices.hlc import Clock, ClockAhead, Hlc
from sync.devices.merge import MergedState, RecordView
from sync.devices.ops import (
    MAX_PARENTS,
    RECORD_ID_BYTES,
    Batch,
    Op,
    check_field,
    check_value,
    decode_op,
    encode_op,
)
from sync.devices.replica import Replica

RecordKey = tuple[str, bytes]
COLLECTIONS: dict[str, Any] = {**JOURNAL_COLLECTIONS, **SCREEN_COLLECTIONS}
SETTINGS = PreferenceRecords.collection
_ANY = object()


class NotSetUp(Exception):
    """Device sync has not been set up in this vault."""


@dataclass
class RoundReport:
    sent_ops: int = 0  # operations made from this vault's changes
    applied: int = 0  # other devices' operations that changed something here
    written: int = 0  # records written into the vault
    removed: int = 0  # records deleted forever on another device, removed here
    refused: int = 0  # merged records the vault cannot hold (a broken or hostile device)
    held: list[int] = field(default_factory=list)  # ms ahead, per batch held for its clock
    own_dropped: int = 0  # this device's edits a delete from elsewhere made void
    conflicts: int = 0  # texts now shown with another device's version beside them
    # Records holding what an operation cannot carry (control characters): kept here, tried
    # again each round.
    unsendable: int = 0
    preferences: bool = False  # the person's preferences file was changed by this round
    collections: set[str] = field(default_factory=set)  # where records were written or removed


def stamp_key(hlc: Hlc) -> bytes:
    """Bytes that sort as the stamps do (the ops table's key)."""
    return hlc.wall_ms.to_bytes(8, "big") + hlc.counter.to_bytes(4, "big") + hlc.device


def _stamp_from_key(key: bytes) -> Hlc:
    return Hlc(int.from_bytes(key[:8], "big"), int.from_bytes(key[8:12], "big"), key[12:])


def _encode_base(fields: Fields, heads: dict[str, tuple[Hlc, ...]]) -> bytes:
    return canonical({
        "f": {name: list(value) if isinstance(value, tuple) else value
              for name, value in fields.items()},
        "h": {name: [b64(stamp_key(h)) for h in stamps] for name, stamps in heads.items()}})


def _decode_base(data: bytes) -> tuple[Fields, dict[str, tuple[Hlc, ...]]]:
    value = parse_object(data, "a record's base")
    fields = {name: tuple(v) if isinstance(v, list) else v for name, v in value["f"].items()}
    heads = {name: tuple(_stamp_from_key(unb64(h)) for h in stamps)
             for name, stamps in value["h"].items()}
    return fields, heads


def _sendable(fields: Fields) -> bool:
    """Whether every field and value can travel in an operation (the app stores some text an
    operation refuses, such as a form feed pasted from a PDF)."""
    try:
        for name, value in fields.items():
            check_field(name)
            check_value(value)
    except Rejected:
        return False
    return True


def _record_fields(view: RecordView) -> Fields:
    fields = dict(view.fields)
    fields.update((name, text.text) for name, text in view.texts.items())
    return fields


def _local_ids(cur: Any, collection: str, targets: list[bytes]) -> dict[bytes, int]:
    found: dict[bytes, int] = {}
    for start in range(0, len(targets), 900):
        chunk = targets[start:start + 900]
        found.update((bytes(target), int(local_id)) for target, local_id in cur.execute(
            "SELECT target, local_id FROM device_records WHERE collection = ? AND target IN"
            f" ({','.join('?' * len(chunk))})", (collection, *chunk)).fetchall())
    return found


def _records_of(cur: Any, collection: str, ids: list[int]) -> dict[int, tuple[bytes, bytes]]:
    """(record id, base) of each of these rows that is a synced record."""
    found: dict[int, tuple[bytes, bytes]] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        found.update((int(local_id), (bytes(target), bytes(base)))
                     for local_id, target, base in cur.execute(
            "SELECT local_id, target, base FROM device_records WHERE collection = ? AND"
            f" local_id IN ({','.join('?' * len(chunk))})", (collection, *chunk)).fetchall())
    return found


class VaultReplica:
    """Device sync's state for one open vault. Not thread-safe: one worker uses it."""

    def __init__(self, db: Database, now_ms: Callable[[], int]) -> None:
        self.db = db
        self.now_ms = now_ms
        self._replica: Replica | None = None
        self._settings: PreferenceRecords | None = None

    @property
    def preferences(self) -> PreferenceLink | None:
        """How this replica reads and writes the person's preferences (companion/devices/
        person_settings.py); without one (a vault opened without its facade) they are
        neither sent nor written, and what other devices sent waits in the vault."""
        return self._settings.link if self._settings is not None else None

    @preferences.setter
    def preferences(self, link: PreferenceLink | None) -> None:
        self._settings = PreferenceRecords(link) if link is not None else None

    def _kind(self, collection: str) -> Any:
        if collection == SETTINGS:
            return self._settings
        return COLLECTIONS.get(collection)

    def _keep_titles(self) -> bool:
        """Titles are sent only where the preferences say privacy mode is off; a replica
        that cannot read them sends none."""
        link = self.preferences
        return link is not None and not link.read().privacy_mode

    # -- setting up ---------------------------------------------------------------------------

    @staticmethod
    def is_set_up(db: Database) -> bool:
        return db.query_one("SELECT 1 FROM device_self") is not None

    @staticmethod
    def set_up(db: Database, device: bytes) -> None:
        """Make this vault a device: everything already in it is sent in the first round.
        A device joining a group adopts the group's preferences and category rules (they are
        not sent unless the person changes them here); its budgets and categories join the
        group's, and its measured use is its own."""
        with db.transaction() as cur:
            joining = cur.execute("SELECT 1 FROM circles WHERE kind = 'devices' AND"
                                  " status = 'joining'").fetchone() is not None
            cur.execute("INSERT INTO device_self (only_row, device, clock_wall, clock_counter,"
                        " adopt_settings) VALUES (1, ?, 0, 0, ?)", (device, int(joining)))
            if joining:
                rules = COLLECTIONS["screen_rules"]
                fields = rules.read(cur, [1])[1]
                cur.execute("INSERT INTO device_records (collection, local_id, target, base)"
                            " VALUES ('screen_rules', 1, ?, ?)",
                            (rules.record_id(fields), _encode_base(fields, {})))
            else:
                cur.execute("INSERT OR IGNORE INTO device_dirty (collection, local_id)"
                            " VALUES ('screen_rules', 1)")
            for collection, table in (("budget", "screen_budgets"),
                                      ("screen_category", "screen_categories"),
                                      ("screen_day", "screen_spans")):
                cur.execute("INSERT OR IGNORE INTO device_dirty (collection, local_id)"
                            f" SELECT '{collection}', id FROM {table}")
            cur.execute("INSERT OR IGNORE INTO device_dirty (collection, local_id)"
                        " SELECT 'entry', id FROM entries")
            cur.execute("INSERT OR IGNORE INTO device_dirty (collection, local_id)"
                        " SELECT 'checkin', id FROM checkins")
            cur.execute("INSERT OR IGNORE INTO device_dirty (collection, local_id)"
                        " SELECT 'questionnaire', id FROM questionnaire_results")

    def replica(self, cur: Any) -> Replica:
        if self._replica is None:
            row = cur.execute(
                "SELECT device, clock_wall, clock_counter FROM device_self").fetchone()
            if row is None:
                raise NotSetUp()
            device = bytes(row[0])
            # Each record's operations are read when a round first touches it, not all at
            # once: opening a vault with a long journal costs nothing, and a round pays for
            # the records it changes.
            self._replica = Replica(Clock(device, self.now_ms, Hlc(row[1], row[2], device)),
                                    MergedState(self._held_ops))
        return self._replica

    @staticmethod
    def merged_from_all(db: Database) -> MergedState:
        """The merged state of every operation the vault holds, built whole (what tests
        compare between devices; a round loads only the records it touches)."""
        state = MergedState()
        for (data,) in db.query("SELECT op FROM device_ops ORDER BY stamp"):
            state.apply(decode_op(bytes(data)))
        return state

    def _held_ops(self, keys: list[RecordKey]) -> list[Op]:
        held: list[Op] = []
        by_collection: dict[str, list[bytes]] = {}
        for collection, target in keys:
            by_collection.setdefault(collection, []).append(target)
        for collection, targets in by_collection.items():
            for start in range(0, len(targets), 900):
                chunk = targets[start:start + 900]
                held.extend(decode_op(bytes(data)) for (data,) in self.db.query(
                    "SELECT op FROM device_ops WHERE collection = ? AND target IN"
                    f" ({','.join('?' * len(chunk))})", (collection, *chunk)))
        return held

    # -- a round ------------------------------------------------------------------------------

    def round(self, incoming: Iterable[Batch] = ()) -> RoundReport:
        """Record this vault's changes, merge other devices' batches, write back. If anything
        fails the transaction is rolled back and the in-memory state is dropped with it, so
        the next round starts again from the vault."""
        report = RoundReport()
        settings = self._settings
        try:
            with (settings.link.lock if settings is not None else contextlib.nullcontext()
                  ), self.db.transaction() as cur:
                replica = self.replica(cur)
                touched = self._record_local(cur, replica, report)
                for batch in incoming:
                    touched.update(self._receive(cur, replica, batch, report))
                self._write_back(cur, replica, touched, report)
                self._save_clock(cur, replica)
                if settings is not None:
                    report.preferences = settings.finish()
        except BaseException:
            self._replica = None
            if settings is not None:
                settings.pending = None
            raise
        return report

    def _store(self, cur: Any, op: Op, *, sent: bool) -> None:
        cur.execute("INSERT OR IGNORE INTO device_ops (stamp, collection, target, op, sent)"
                    " VALUES (?,?,?,?,?)", (stamp_key(op.hlc), op.collection, op.target,
                                            encode_op(op), int(sent)))

    def _record_local(self, cur: Any, replica: Replica, report: RoundReport) -> set[RecordKey]:
        touched: set[RecordKey] = set()
        for collection, gone in cur.execute(
                "SELECT collection, target FROM device_deleted").fetchall():
            if not replica.state.is_deleted(collection, bytes(gone)):
                self._store(cur, replica.delete(collection, bytes(gone)), sent=False)
                report.sent_ops += 1
            self._forget(cur, collection, bytes(gone))
        cur.execute("DELETE FROM device_deleted")
        dirty = cur.execute("SELECT collection, local_id FROM device_dirty UNION"
                            " SELECT collection, local_id FROM device_unsendable").fetchall()
        cur.execute("DELETE FROM device_dirty")
        cur.execute("DELETE FROM device_unsendable")
        by_collection: dict[str, list[int]] = {}
        for collection, local_id in dirty:
            by_collection.setdefault(collection, []).append(local_id)
        if self._settings is not None:
            # The file has no triggers: it is compared with what was agreed every round, and
            # what other devices merged is written to it whenever it differs.
            by_collection.setdefault(SETTINGS, []).append(1)
            self._adopt_settings(cur)
            touched.add((SETTINGS, self._settings.record_id({})))
        for collection, ids in sorted(by_collection.items()):
            kind = self._kind(collection)
            if kind is None:
                continue  # preferences marked by an older round, with no file to read here
            if hasattr(kind, "own_parts"):
                self._record_own_days(cur, replica, kind, ids, report)
                continue
            rows = kind.read(cur, ids)
            known = _records_of(cur, collection, ids)
            for local_id in sorted(ids):
                mapped = known.get(local_id)
                fields = rows.get(local_id)
                if mapped is None and fields is None:
                    continue  # made and deleted between two rounds
                named = getattr(kind, "record_id", None)
                if mapped is not None and fields is not None and named is not None and (
                        named(fields) != mapped[0]):
                    # The row's key changed (or SQLite gave a removed row's id to another):
                    # the record it was is removed, and the row is a new record.
                    self._remove_named(cur, replica, kind, collection, local_id, mapped,
                                       report)
                    mapped = None
                if mapped is None:
                    assert fields is not None
                    target = (named(fields) if named is not None
                              else os.urandom(RECORD_ID_BYTES))
                    base: Fields = {}
                    heads: dict[str, tuple[Hlc, ...]] = {}
                else:
                    target = bytes(mapped[0])
                    base, heads = _decode_base(bytes(mapped[1]))
                key = (collection, target)
                if replica.state.is_deleted(*key):
                    touched.add(key)  # deleted elsewhere: the write-back removes it
                    continue
                if fields is not None and not _sendable(fields):
                    cur.execute("INSERT OR IGNORE INTO device_unsendable (collection,"
                                " local_id) VALUES (?, ?)", (collection, local_id))
                    report.unsendable += 1
                    continue
                if fields is None:
                    assert mapped is not None
                    if hasattr(kind, "removal"):
                        self._remove_named(cur, replica, kind, collection, local_id, mapped,
                                           report)
                        continue
                    op = replica.delete(collection, target)
                    self._store(cur, op, sent=False)
                    report.sent_ops += 1
                    cur.execute("DELETE FROM device_records WHERE collection = ? AND"
                                " local_id = ?", (collection, local_id))
                    continue
                made = self._changes(replica, collection, target, fields, base, heads,
                                     kind.text_fields)
                for op in made:
                    self._store(cur, op, sent=False)
                report.sent_ops += len(made)
                if mapped is None and made:
                    # A named record's id may still be mapped to a row that is gone.
                    cur.execute("DELETE FROM device_records WHERE collection = ? AND"
                                " target = ?", (collection, target))
                    cur.execute("INSERT INTO device_records (collection, local_id, target, base)"
                                " VALUES (?,?,?,?)", (collection, local_id, target, b""))
                if made:
                    touched.add(key)
        return touched

    def _remove_named(self, cur: Any, replica: Replica, kind: Any, collection: str,
                      local_id: int, mapped: tuple[bytes, bytes], report: RoundReport) -> None:
        """A budget or category the person removed: the fields that say so are set (not a
        delete forever, so it can be set again), and the row is no longer that record."""
        target = bytes(mapped[0])
        if not replica.state.is_deleted(collection, target):
            for name, value in sorted(kind.removal.items()):
                self._store(cur, replica.set(collection, target, name, value), sent=False)
                report.sent_ops += 1
        cur.execute("DELETE FROM device_records WHERE collection = ? AND local_id = ?",
                    (collection, local_id))

    def _adopt_settings(self, cur: Any) -> None:
        """A device that joined takes its preferences as they are for agreed (not a change
        of the person's), so the group's win; done once, when a round can first read them."""
        assert self._settings is not None
        if not cur.execute("SELECT adopt_settings FROM device_self").fetchone()[0]:
            return
        fields = self._settings.read(cur, [1])[1]
        cur.execute("INSERT OR IGNORE INTO device_records (collection, local_id, target, base)"
                    " VALUES (?, 1, ?, ?)", (SETTINGS, self._settings.record_id(fields),
                                             _encode_base(fields, {})))
        cur.execute("UPDATE device_self SET adopt_settings = 0")

    def _record_own_days(self, cur: Any, replica: Replica, kind: Any, span_ids: list[int],
                         report: RoundReport) -> None:
        """This device's new spans, a part per day per round (each part is written once)."""
        device = replica.device
        for day, parts in kind.own_parts(cur, span_ids, self._keep_titles()).items():
            target = kind.record_id({"device": b64(device), "day": day})
            if replica.state.is_deleted(kind.collection, target):
                continue
            view = replica.state.record(kind.collection, target)
            have = view.fields if view is not None else {}
            made = [replica.set(kind.collection, target, name, value)
                    for name, value in (("device", b64(device)), ("day", day))
                    if have.get(name) != value]
            number = sum(1 for name in have if name.startswith("part:"))
            for n, part in enumerate(parts, number):
                made.append(replica.set(kind.collection, target, f"part:{n}", part))
            for op in made:
                self._store(cur, op, sent=False)
            report.sent_ops += len(made)

    @staticmethod
    def _changes(replica: Replica, collection: str, target: bytes, fields: Fields,
                 base: Fields, heads: dict[str, tuple[Hlc, ...]],
                 text_fields: Sequence[str]) -> list[Op]:
        made = []
        for name in sorted(set(fields) | set(base)):
            value = fields.get(name)
            if name in base and base[name] == value:
                continue
            if name in text_fields:
                assert isinstance(value, str)
                parents = heads.get(name, ())[-MAX_PARENTS:]
                made.append(replica.edit(collection, target, name, value, parents))
            elif value is not None or name in base:
                made.append(replica.set(collection, target, name, value))
        return made

    def _receive(self, cur: Any, replica: Replica, batch: Batch,
                 report: RoundReport) -> set[RecordKey]:
        # A budget, a setting or a day of screen time is never deleted forever (a removal
        # is a field set to nothing): such a delete, which only a broken or hostile device
        # makes, is refused before it can void the record on every device.
        kept = [(n, op) for n, op in enumerate(batch.ops)
                if op.kind != "delete" or getattr(self._kind(op.collection) or
                                                  _ANY, "deletable", True)]
        report.refused += len(batch.ops) - len(kept)
        try:
            outcome = replica.receive(op for _, op in kept)
        except ClockAhead as ahead:
            report.held.append(ahead.ahead_ms)
            return set()
        cur.executemany(
            "INSERT OR IGNORE INTO device_ops (stamp, collection, target, op, sent)"
            " VALUES (?,?,?,?,1)", [(stamp_key(op.hlc), op.collection, op.target,
                                     batch.encoded[n] if batch.encoded else encode_op(op))
                                    for n, op in kept])
        report.applied += outcome.applied
        report.own_dropped += len(outcome.own_dropped)
        return {(op.collection, op.target) for _, op in kept}

    def _write_back(self, cur: Any, replica: Replica, touched: set[RecordKey],
                    report: RoundReport) -> None:
        by_collection: dict[str, list[bytes]] = {}
        for collection, target in sorted(touched):
            by_collection.setdefault(collection, []).append(target)
        for collection, targets in by_collection.items():
            kind = self._kind(collection)
            if kind is not None:  # else a collection this version does not hold: kept, not shown
                self._write_collection(cur, replica, kind, collection, targets, report)
        # What this round wrote is merged already: it is not a change of the person's.
        cur.execute("DELETE FROM device_dirty")

    def _write_collection(self, cur: Any, replica: Replica, kind: Any, collection: str,
                          targets: list[bytes], report: RoundReport) -> None:
        """Each record as merged, into the vault: read and compared in bulk (a new computer's
        first round writes the whole journal), written only where it differs."""
        mapped = _local_ids(cur, collection, targets)
        ready: list[tuple[bytes, int | None, Fields, RecordView]] = []
        for target in targets:
            local_id = mapped.get(target)
            if replica.state.is_deleted(collection, target):
                self._forget(cur, collection, target)
                if local_id is not None:
                    kind.remove(cur, local_id)
                    report.removed += 1
                    report.collections.add(collection)
                continue
            view = replica.state.record(collection, target)
            if view is None:
                continue
            try:
                fields = kind.check(_record_fields(view))
                self._check_named(cur, kind, collection, target, fields)
            except (InvalidRecord, KeyError):
                # Not written: a record still arriving (its first batch only) or one that
                # a broken device made. The vault keeps what it had.
                report.refused += int(self._complete(view, kind.text_fields))
                continue
            if getattr(kind, "owned", False) and kind.author(fields) == replica.device:
                continue  # this device's own use: its spans are the vault's own
            if getattr(kind, "removal", None) and kind.removed(fields):
                # Removed (on any device): the row goes, the record stays, to be set again.
                if local_id is not None:
                    kind.remove(cur, local_id)
                    cur.execute("DELETE FROM device_records WHERE collection = ? AND"
                                " local_id = ?", (collection, local_id))
                    report.removed += 1
                    report.collections.add(collection)
                continue
            ready.append((target, local_id, fields, view))
        held = kind.read(cur, [local_id for _, local_id, _, _ in ready if local_id is not None])
        agreed: list[tuple[bytes, int, RecordView]] = []
        written: list[int] = []
        for target, known, fields, view in ready:
            local_id = known
            if local_id is None or held.get(local_id) != fields:
                local_id = kind.write(cur, known, fields)
                written.append(local_id)
                report.written += 1
                report.collections.add(collection)
            agreed.append((target, local_id, view))
        # The base is what the vault holds, which may differ from the merged record in ways
        # the vault decides (a tag spelled as another entry spells it): comparing with the
        # record would find that a change of the person's.
        held.update(kind.read(cur, written))
        cur.executemany(
            "INSERT INTO device_records (collection, local_id, target, base)"
            " VALUES (?,?,?,?) ON CONFLICT (collection, local_id) DO UPDATE SET"
            " base = excluded.base",
            [(collection, local_id, target,
              # Another device's day is read-only here: no change of the person's to find.
              _encode_base({} if getattr(kind, "owned", False) else held[local_id],
                           {name: text.heads for name, text in view.texts.items()}))
             for target, local_id, view in agreed])
        cur.executemany("DELETE FROM device_conflicts WHERE collection = ? AND target = ?",
                        [(collection, target) for target, _, view in agreed])
        for target, _local_id, view in agreed:
            for name, text in view.texts.items():
                cur.executemany(
                    "INSERT INTO device_conflicts (collection, target, field, stamp, text)"
                    " VALUES (?,?,?,?,?)", [(collection, target, name, stamp_key(version.hlc),
                                             version.text) for version in text.conflicts])
                report.conflicts += int(text.in_conflict)

    @staticmethod
    def _check_named(cur: Any, kind: Any, collection: str, target: bytes,
                     fields: Fields) -> None:
        """A record named by its key must be the one its fields name (else two records
        could claim one budget); one written only by its device must hold no operation of
        another device (a stamp key ends with its device id)."""
        named = getattr(kind, "record_id", None)
        if named is not None and named(fields) != target:
            raise InvalidRecord("a record under another record's name")
        if getattr(kind, "owned", False):
            authors = {bytes(device) for (device,) in cur.execute(
                "SELECT DISTINCT substr(stamp, 13) FROM device_ops WHERE collection = ? AND"
                " target = ?", (collection, target)).fetchall()}
            if authors != {kind.author(fields)}:
                raise InvalidRecord("a day of screen time written by another device")

    @staticmethod
    def _complete(view: RecordView, text_fields: Sequence[str]) -> bool:
        return all(name in view.texts for name in text_fields) and bool(view.fields)

    @staticmethod
    def _forget(cur: Any, collection: str, target: bytes) -> None:
        """A record deleted forever: its content leaves this vault; only the delete (which
        every later copy of its operations must meet) stays."""
        for stamp, data in cur.execute("SELECT stamp, op FROM device_ops WHERE collection = ?"
                                       " AND target = ?", (collection, target)).fetchall():
            if decode_op(bytes(data)).kind != "delete":
                cur.execute("DELETE FROM device_ops WHERE stamp = ?", (stamp,))
        cur.execute("DELETE FROM device_records WHERE collection = ? AND target = ?",
                    (collection, target))
        cur.execute("DELETE FROM device_conflicts WHERE collection = ? AND target = ?",
                    (collection, target))

    # -- the outbox and conflicts ---------------------------------------------------------------

    def unsent(self, limit: int = 10_000) -> list[Op]:
        """This device's operations the storage does not have yet, oldest first."""
        return [decode_op(data) for _stamp, data in self.unsent_encoded(limit)]

    def unsent_encoded(self, limit: int) -> list[tuple[bytes, bytes]]:
        """The same as (stamp key, canonical encoding), as the vault keeps them."""
        return [(bytes(stamp), bytes(data)) for stamp, data in self.db.query(
            "SELECT stamp, op FROM device_ops WHERE sent = 0 ORDER BY stamp LIMIT ?",
            (limit,))]

    def mark_sent(self, ops: Iterable[Op]) -> None:
        with self.db.transaction() as cur:
            cur.executemany("UPDATE device_ops SET sent = 1 WHERE stamp = ?",
                            [(stamp_key(op.hlc),) for op in ops])

    def conflicts(self) -> list[tuple[str, int, str, list[str]]]:
        """(collection, local id, field, the other versions' texts) for every text shown
        with another device's version beside it."""
        grouped: dict[tuple[str, int, str], list[str]] = {}
        for collection, local_id, name, text in self.db.query(
                "SELECT c.collection, r.local_id, c.field, c.text FROM device_conflicts c"
                " JOIN device_records r ON r.collection = c.collection AND r.target = c.target"
                " ORDER BY r.local_id, c.field, c.stamp DESC"):
            grouped.setdefault((collection, local_id, name), []).append(text)
        return [(*key, texts) for key, texts in grouped.items()]

    def resolve(self, collection: str, local_id: int, field_name: str, text: str) -> None:
        """The person chose (or combined) the text: it replaces every version shown, which
        ends the conflict on every device. Only that field becomes agreed: anything else the
        person changed since the last round is still sent by the next one."""
        kind = self._kind(collection)
        try:
            with self.db.transaction() as cur:
                replica = self.replica(cur)
                row = cur.execute("SELECT target, base FROM device_records WHERE"
                                  " collection = ? AND local_id = ?",
                                  (collection, local_id)).fetchone()
                fields = kind.read(cur, [local_id]).get(local_id)
                if (row is None or fields is None
                        or replica.state.is_deleted(collection, bytes(row[0]))):
                    raise NotFound("That entry is no longer in this journal: it was deleted "
                                   "forever, here or on another computer.")
                target = bytes(row[0])
                base, heads = _decode_base(bytes(row[1]))
                op = replica.edit(collection, target, field_name, text)
                self._store(cur, op, sent=False)
                fields[field_name] = text
                kind.write(cur, local_id, fields)
                base[field_name] = text
                heads[field_name] = (op.hlc,)
                cur.execute("UPDATE device_records SET base = ? WHERE collection = ? AND"
                            " local_id = ?", (_encode_base(base, heads), collection, local_id))
                cur.execute("DELETE FROM device_conflicts WHERE collection = ? AND target = ?"
                            " AND field = ?", (collection, target, field_name))
                self._save_clock(cur, replica)
        except BaseException:
            self._replica = None  # the in-memory state may hold what was rolled back
            raise

    @staticmethod
    def _save_clock(cur: Any, replica: Replica) -> None:
        last = replica.clock.last
        cur.execute("UPDATE device_self SET clock_wall = ?, clock_counter = ?",
                    (last.wall_ms, last.counter))
