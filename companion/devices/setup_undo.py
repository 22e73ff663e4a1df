"""Giving up a join that nobody has answered yet (docs/protocol.md §11.2).

A computer that asked to join with a pairing code waits until the person lets it in on their
other computer. Until then nothing was shared with it: it holds no key of the group, and what
it recorded of its own journal was never sent. Giving up is the circle's way of leaving a
circle still joining (`CircleService.leave`): the group's row is forgotten on this computer,
and the join request on the storage stays unanswered until its code expires. Here it also
forgets this computer's device-sync bookkeeping (its device id, clock and recorded operations,
all made for the group given up), so that device sync can be set up again, as a first
computer or with a new code. The journal itself is not touched.
"""

from __future__ import annotations

from companion.errors import InvalidInput
from storage.database import Database

# This computer's device-sync state, made when it asked to join (VaultReplica.set_up) and by
# the rounds run while it waited. `device_dirty` stays: its triggers mark changed rows whether
# or not device sync is set up, and setting up marks every row again anyway.
_REPLICA_TABLES = ("device_self", "device_ops", "device_records", "device_conflicts",
                   "device_deleted", "device_unsendable")
# Kept per group; the circle engine's own tables (and `device_inbox`) go with the group's row.
_GROUP_TABLES = ("device_join_requests", "device_checkpoint")


def give_up_joining(db: Database) -> None:
    """Stop waiting to be let in: this computer forgets the group it asked to join, in one
    transaction. Refused unless it is waiting (a computer let in leaves by being removed from
    another one)."""
    with db.transaction() as cur:
        found = cur.execute("SELECT id, status FROM circles WHERE kind = 'devices'").fetchall()
        if not found:
            raise InvalidInput("Device sync is not set up on this computer: there is no join "
                               "to cancel.")
        if len(found) != 1 or found[0][1] != "joining":
            raise InvalidInput("This computer is no longer waiting to be let in, so its join "
                               "cannot be cancelled.",
                               "To stop syncing, remove it from another of your computers.")
        group = bytes(found[0][0])
        cur.execute("DELETE FROM circles WHERE id = ?", (group,))
        for table in _GROUP_TABLES:
            cur.execute(f"DELETE FROM {table} WHERE circle = ?", (group,))
        for table in _REPLICA_TABLES:
            cur.execute(f"DELETE FROM {table}")
