"""Forward secrecy where it is cheap (docs/protocol.md §4, "Forgetting keys").

Deleting an old epoch key helps only if nobody can unwrap it again from the roster operation
that started the epoch, which the vault and the storage keep. So epoch keys are not wrapped to
a member's long-term identity key but to a *receiving key*: a fresh X25519 key each member's
device makes for the next epoch and announces in its messages (the body's `recv`, signed with
the message). When an epoch it reads has been opened with its newest receiving key, the device
makes another; admins wrap the next epoch key to the newest one they have heard of.

Then, in circles of protocol version 2, each device forgets on its own:
- an epoch's key once a newer epoch it reads began more than `forget_after_days` ago (the
  circle's setting, 30 by default), unless something still needs it (the epoch it sends in, a
  message waiting in the outbox sealed for it);
- a receiving private key once a newer one has opened an epoch more than that long ago.

What was read stays readable: the circle's posts are kept as plaintext in the vault (which
SQLCipher encrypts), never re-decrypted. Message keys are never stored at all: each is derived
from the epoch key when it is used. The most senior admin's device also starts a new epoch
when the current one is older than the setting, so an idle circle's key does not live for
ever. Version 1 circles keep their keys (their chains cannot skip an epoch; upgrade first).
"""

from __future__ import annotations

from typing import Any

from sync.crypto import check_x25519_public, x25519_public
from sync.outbox import CircleWriter
from sync.roster import Roster
from sync.state import CircleRow, CircleState

DAY_US = 86_400_000_000
DEFAULT_DAYS = 30
MIN_DAYS, MAX_DAYS = 1, 3650
FORGOTTEN_EVENT = ("a message was sent in an epoch whose key this device has forgotten "
                   "(forward secrecy); it cannot be read")


def receiving_private_keys(db_or_cur: Any, circle: bytes) -> list[bytes]:
    """This device's receiving private keys for `circle`, newest first."""
    query = db_or_cur.query if hasattr(db_or_cur, "query") else None
    sql = ("SELECT private FROM circle_recv_keys WHERE circle = ? "
           "ORDER BY created_us DESC, public")
    rows = query(sql, (circle,)) if query else db_or_cur.execute(sql, (circle,)).fetchall()
    return [bytes(k) for (k,) in rows]


def fresh_receiving_key(writer: CircleWriter, cur: Any, circle: bytes) -> bytes:
    """The newest receiving public key, after making a new one if it has opened an epoch
    already (or there is none): what this device's next message announces."""
    found = cur.execute("SELECT public, used FROM circle_recv_keys WHERE circle = ? "
                        "ORDER BY created_us DESC, public LIMIT 1", (circle,)).fetchone()
    if found is not None and not found[1]:
        return bytes(found[0])
    return new_receiving_key(writer, cur, circle)


def new_receiving_key(writer: CircleWriter, cur: Any, circle: bytes) -> bytes:
    private = writer.rng.token(32)
    public = x25519_public(private)
    # Strictly newer than any key already there, even under a clock that stands still.
    newest = cur.execute("SELECT max(created_us) FROM circle_recv_keys WHERE circle = ?",
                         (circle,)).fetchone()[0]
    created = max(writer.now_us(), (newest or 0) + 1)
    cur.execute("INSERT INTO circle_recv_keys (circle, public, private, created_us) "
                "VALUES (?, ?, ?, ?)", (circle, public, private, created))
    return public


def check_receiving_public(public: bytes) -> None:
    """A member who announced a low-order point would stall every admin's next change."""
    check_x25519_public(public, "announced receiving key is not usable")


def record_announced(cur: Any, circle: bytes, member: bytes, seq: int, public: bytes) -> None:
    """Keep the receiving key `member` announced in message `seq`, if it is their latest.
    Most messages repeat the key already kept: that costs one lookup, not a key agreement."""
    kept = cur.execute("SELECT public FROM circle_recv_public WHERE circle = ? AND member = ?",
                       (circle, member)).fetchone()
    if kept is not None and bytes(kept[0]) == public:
        cur.execute("UPDATE circle_recv_public SET seq = max(seq, ?) WHERE circle = ? AND "
                    "member = ?", (seq, circle, member))
        return
    check_receiving_public(public)
    cur.execute("INSERT INTO circle_recv_public (circle, member, public, seq) VALUES "
                "(?, ?, ?, ?) ON CONFLICT (circle, member) DO UPDATE SET "
                "public = excluded.public, seq = excluded.seq WHERE excluded.seq > seq",
                (circle, member, public, seq))


def wrap_targets(writer: CircleWriter, cur: Any, row: CircleRow) -> dict[bytes, bytes]:
    """For a new epoch: each member's newest receiving key that this device has from them
    (signed by them: in a message, or in the join request it admitted), this device's own
    newest (made now if it has none unused, so its own wrap is never to its identity key).
    A member it has none from gets their identity key (`note_identity_wraps`)."""
    targets = {bytes(m): bytes(p) for m, p in cur.execute(
        "SELECT member, public FROM circle_recv_public WHERE circle = ?", (row.id,)).fetchall()}
    targets[row.me] = fresh_receiving_key(writer, cur, row.id)
    return targets


def note_identity_wraps(cur: Any, row: CircleRow, epoch_id: bytes, readers: list[bytes],
                        targets: dict[bytes, bytes]) -> None:
    """Remember an epoch this device started with a key wrapped to an identity key."""
    if epoch_id and any(reader not in targets for reader in readers):
        cur.execute("INSERT OR IGNORE INTO circle_identity_wraps (circle, epoch) VALUES (?, ?)",
                    (row.id, epoch_id))


def forget_old_keys(writer: CircleWriter, row: CircleRow, roster: Roster) -> int:
    """Forget what the circle's setting says is old; returns how many epoch keys went."""
    if roster.version() < 2 or row.status != "active":
        return 0
    now = writer.now_us()
    keep_us = row.forget_after_days * DAY_US
    newest = roster.newest_epoch_of(row.me)
    send = roster.send_epoch(row.me)
    forgotten = 0
    with writer.db.transaction() as cur:
        cur.execute("UPDATE circle_recv_keys SET used_us = ? WHERE circle = ? AND used = 1 "
                    "AND used_us IS NULL", (now, row.id))
        cur.execute("UPDATE circle_epoch_keys SET learnt_us = ? WHERE circle = ? AND "
                    "learnt_us IS NULL", (now, row.id))
        needed = {bytes(e) for (e,) in cur.execute(
            "SELECT coalesce(sent_epoch, epoch) FROM circle_outbox WHERE circle = ? AND "
            "sent = 0 AND coalesce(sent_epoch, epoch) IS NOT NULL", (row.id,)).fetchall()}
        for epoch_id, ended, recv in cur.execute(
                "SELECT epoch, ended_us, recv FROM circle_epoch_keys WHERE circle = ? AND "
                "length(key) > 0", (row.id,)).fetchall():
            epoch = roster.epochs.get(bytes(epoch_id))
            # An epoch whose change the fold refused after its key was kept (void), or whose
            # change this device withdrew before sending it, ended as surely as a replaced one.
            if epoch is not None and (newest is None or epoch.order >= newest.order):
                continue  # the newest epoch this device reads: current
            if ended is None:
                cur.execute("UPDATE circle_epoch_keys SET ended_us = ? WHERE circle = ? AND "
                            "epoch = ?", (now, row.id, epoch_id))
                continue
            if (now - ended < keep_us or bytes(epoch_id) in needed
                    or (send is not None and bytes(epoch_id) == send.id)):
                continue
            cur.execute("UPDATE circle_epoch_keys SET key = x'', forgotten_us = ? WHERE "
                        "circle = ? AND epoch = ?", (now, row.id, epoch_id))
            forgotten += 1
            _drop_held(cur, row, bytes(epoch_id), now)
            if recv is not None:
                # The receiving key that opened it would open it again: it goes too, once a
                # newer one has opened an epoch (admins know the newer one, so nothing still
                # to come is wrapped to this one).
                cur.execute("DELETE FROM circle_recv_keys AS old WHERE circle = ? AND "
                            "public = ? AND EXISTS (SELECT 1 FROM circle_recv_keys n WHERE "
                            "n.circle = old.circle AND n.used = 1 AND n.created_us > "
                            "old.created_us)", (row.id, recv))
        # Checked on every pass, not only when an epoch is forgotten: the newer key may have
        # opened an epoch only since.
        cur.execute("DELETE FROM circle_recv_keys AS old WHERE circle = ? AND public IN "
                    "(SELECT recv FROM circle_epoch_keys WHERE circle = ? AND length(key) = 0 "
                    "AND recv IS NOT NULL) AND EXISTS (SELECT 1 FROM circle_recv_keys n WHERE "
                    "n.circle = old.circle AND n.used = 1 AND n.created_us > old.created_us)",
                    (row.id, row.id))
        # A receiving key goes once a newer one opened an epoch long enough ago that an admin
        # who had not heard of the newer one yet is unlikely still to wrap to it.
        newer_used = cur.execute(
            "SELECT max(created_us) FROM circle_recv_keys WHERE circle = ? AND used_us IS NOT "
            "NULL AND used_us <= ?", (row.id, now - keep_us)).fetchone()[0]
        if newer_used is not None:
            cur.execute("DELETE FROM circle_recv_keys WHERE circle = ? AND created_us < ?",
                        (row.id, newer_used))
    return forgotten


def _drop_held(cur: Any, row: CircleRow, epoch: bytes, now: int) -> None:
    """Messages of a forgotten epoch that were waiting (for an earlier one) can never be read
    now: they go, each counted, rather than stay as ciphertext nobody can open."""
    from sync.envelope_v2 import split_held

    for member, seq, stored in cur.execute(
            "SELECT member, seq, raw FROM circle_held WHERE circle = ?", (row.id,)).fetchall():
        held_epoch, _ = split_held(bytes(stored))
        if held_epoch == epoch:
            CircleState.unhold(cur, row.id, bytes(member), seq)
            CircleState.event(cur, row.id, "gap", FORGOTTEN_EVENT, now, bytes(member), seq)


def rotation_due(writer: CircleWriter, row: CircleRow, roster: Roster) -> bool:
    """Whether this device should start a new epoch because the current one is old: only the
    most senior admin's does, so admins do not rotate at once. The epoch's age counts from
    when it began by its author's clock or when this device learnt of it, whichever is
    earlier: an admin whose clock runs ahead cannot put rotation off."""
    if roster.version() < 2 or row.status != "active" or not roster.epochs:
        return False
    newest = max(roster.epochs.values(), key=lambda e: e.order)
    if newest.op.author == row.me and writer.db.query_one(
            "SELECT 1 FROM circle_identity_wraps WHERE circle = ? AND epoch = ?",
            (row.id, newest.id)) is not None:
        # This device wrapped the current epoch to someone's identity key (the upgrade from
        # version 1, or a member not heard from yet): once everyone has named a receiving key,
        # an epoch wrapped only to those replaces it, so forgetting it later means something.
        announced = {bytes(m) for (m,) in writer.db.query(
            "SELECT member FROM circle_recv_public WHERE circle = ?", (row.id,))}
        announced.add(row.me)
        if roster.active() <= announced:
            return True
    admins = [m for m in roster.members.values() if m.active and m.admin]
    if not admins or min(admins, key=lambda m: (m.admin_since, m.id)).id != row.me:
        return False
    began = newest.op.at * 1_000_000
    learnt = writer.db.query_one("SELECT learnt_us FROM circle_epoch_keys WHERE circle = ? "
                                 "AND epoch = ?", (row.id, newest.id))
    if learnt is not None and learnt[0] is not None:
        began = min(began, int(learnt[0]))
    return writer.now_us() - began >= row.forget_after_days * DAY_US
