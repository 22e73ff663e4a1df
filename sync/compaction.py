"""Keeping a group of devices' storage bounded (docs/protocol.md §11.6).

A circle's storage only grows: a member who joins later reads from their own epoch on, but
nothing says when an old message has been read by everyone. A group of one person's devices
can tell: every message a device sends carries its checkpoint, how far it has read each
other device's chain (`saw_me`, kept by sync/agreement.py). Once every current device has
read a message of this device's, nobody will ask for it again — a device let in later gets a
snapshot instead (companion/devices/group.py) and reads only its own epochs — so this device
removes it from the storage.

Two things stay: the newest ROLLBACK_WINDOW messages, which the rollback check reads back
(a removed one would look like a storage that lost it), and anything not every current
device has declared read. A device that reads but has nothing to say would hold everything
back, so it sends a checkpoint now and then (companion/devices/group.py).
"""

from __future__ import annotations

from sync.engine import ROLLBACK_WINDOW, Engine
from sync.state import CircleRow
from sync.transport import Deleting, StorageError

PRUNE_PER_ROUND = 500  # removals in one round, so one round never runs long


def prunable(engine: Engine, row: CircleRow) -> list[tuple[int, str]]:
    """(outbox id, object name) of this device's messages every current device has read and
    the rollback check no longer reads back."""
    roster = engine.state.roster(row)
    readers = [m.id for m in roster.members.values() if m.active and m.id != row.me]
    declared = dict(engine.db.query(
        "SELECT member, saw_me FROM circle_views WHERE circle = ?", (row.id,)))
    floor = min((int(declared.get(member, 0) or 0) for member in readers), default=None)
    newest = engine.db.query_one(
        "SELECT seq FROM circle_outbox WHERE circle = ? AND sent = 1 ORDER BY seq DESC"
        " LIMIT 1 OFFSET ?", (row.id, ROLLBACK_WINDOW - 1))
    if newest is None:
        return []  # fewer messages than the rollback window: nothing to remove
    limit = int(newest[0]) - 1
    if floor is not None:
        limit = min(limit, floor)
    return [(int(item), str(name)) for item, name in engine.db.query(
        "SELECT id, name FROM circle_outbox WHERE circle = ? AND sent = 1 AND pruned = 0"
        " AND name IS NOT NULL AND seq <= ? ORDER BY seq LIMIT ?",
        (row.id, limit, PRUNE_PER_ROUND))]


def prune(engine: Engine, row: CircleRow, transport: Deleting) -> int:
    """Remove what `prunable` names from the storage; returns how many. A storage that
    refuses stops the pruning for this round (the next one tries again); nothing is lost
    either way, since every device has these messages already."""
    removed = 0
    for item, name in prunable(engine, row):
        try:
            transport.delete(name)
        except StorageError:
            break
        with engine.db.transaction() as cur:
            cur.execute("UPDATE circle_outbox SET pruned = 1 WHERE id = ?", (item,))
        removed += 1
    return removed
