"""A person's devices as one group, kept in step through a folder or WebDAV
(docs/protocol.md §11.1–11.2).

The group is a circle of kind "devices" whose members are this person's computers; the
circle engine carries, signs, seals, checks and orders its messages exactly as it does a
circle's. What differs is what the messages say: batches of operations (`ops`, each device's
own) and snapshots (`snapshot`, everything a device holds, for a device that joined later and
cannot read what was written before it). The vault's replica (vault_replica.py) merges them.

A sync round: the engine fetches and sends; the batches it authenticated wait in
`device_inbox`; the replica records the person's changes and merges the inbox in one
transaction; what it made is queued as messages in the same transaction it is marked as
handed over, so a crash between the two can neither lose nor double it; the engine sends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

from companion.circle_names import shown_names
from companion.clock import Clock
from companion.devices.vault_replica import RoundReport, VaultReplica
from companion.errors import InvalidInput
from storage.database import Database
from sync import actions
from sync.compaction import prune
from sync.content import MAX_OPS_BATCH
from sync.crypto import Rejected, b64
from sync.devices.ops import Batch, decode_batch, decode_op
from sync.devices.wire import CHECKPOINT, SNAPSHOT, batch_bytes, pack, snapshot_bytes, unpack
from sync.engine import Engine, SyncReport
from sync.identity import PublicIdentity, safety_number
from sync.invite import PREFIX, JoinRequest, parse_invite
from sync.roster import MAX_NAME
from sync.state import CircleRow
from sync.storage_spec import StorageSpec, build_transport, parse_storage_spec
from sync.transport import Transport
from sync.transport_folder import FolderTransport
from sync.webdav_address import WebDavCredentials

if TYPE_CHECKING:
    from sync.transport_webdav import WebDavTransport

    AnyTransport: TypeAlias = FolderTransport | WebDavTransport

PAIRING_PREFIX = "companion-device-1:"
PAIRING_LIFETIME_US = 3600 * 1_000_000  # a person pairs with both computers in front of them
# Once a computer has asked with the code, how long the person has to allow or refuse it.
DECIDE_WITHIN_US = 30 * 86_400_000_000
GROUP_NAME = "My devices"
KEEP_KEYS_DAYS = 180
# A checkpoint (sync/devices/wire.py) is sent by a device that read CHECKPOINT_AFTER messages
# with operations since it last sent anything; checkpoints are not counted, so two idle
# devices never answer each other's.
CHECKPOINT_AFTER = 16
# This device's operations handed to the storage's outbox in one round at most: a first
# upload of a long journal takes a few rounds, each one transaction of bounded size.
OWN_OPS_PER_ROUND = 50_000


@dataclass
class DeviceSyncReport:
    engine: SyncReport = field(default_factory=SyncReport)
    merged: RoundReport = field(default_factory=RoundReport)
    refused_batches: int = 0  # authenticated messages whose batch was broken
    too_large: int = 0  # changes over a message's size, kept on this computer
    snapshot_sent: bool = False
    pruned: int = 0  # this device's messages removed from the storage: every device read them


@dataclass(frozen=True)
class DeviceView:
    name: str
    this_device: bool
    active: bool
    safety_number: str  # empty for this device


@dataclass(frozen=True)
class DeviceConflict:
    entry_id: int
    title: str
    day: str
    shown: str  # the body as the journal shows it now (the newest version)
    others: tuple[str, ...]  # the versions kept beside it, newest first


@dataclass(frozen=True)
class JoinAsk:
    name: str
    safety_number: str  # what the asking computer shows too, if it is the person's


@dataclass(frozen=True)
class DeviceStatus:
    state: str  # "joining" (waiting to be let in), "active", "removed"
    storage_kind: str
    storage_location: str
    last_sync_us: int | None
    changes_waiting: int  # this device's changes not yet handed to the storage's outbox
    messages_waiting: int  # messages not yet on the storage
    conflicts: int
    unsendable: int = 0  # records holding characters an operation cannot carry
    refused: bool = False  # joining, and the other computer answered that it refused this one


def pairing_code(invite_code: str) -> str:
    assert invite_code.startswith(PREFIX)
    return PAIRING_PREFIX + invite_code[len(PREFIX):]


def invite_of(code: str) -> str:
    """The circle invite inside a pairing code; a circle's own invite is refused here (and a
    pairing code is refused where a circle invite is asked for)."""
    text = "".join(code.split())
    if not text.lower().startswith(PAIRING_PREFIX):
        raise InvalidInput("That is not a pairing code: it starts with "
                           f"“{PAIRING_PREFIX}”.",
                           "On your other computer, choose Add a device and copy the code "
                           "it shows.")
    return PREFIX + text[len(PAIRING_PREFIX):]


def default_transport(row: CircleRow) -> AnyTransport:
    credentials = (WebDavCredentials(row.webdav_user, row.webdav_password)
                   if row.webdav_user or row.webdav_password else None)
    return build_transport(StorageSpec.from_dict({"kind": row.storage_kind,
                                                  "location": row.storage_location}),
                           credentials)


def _device_name(text: str) -> str:
    """A computer's name every other device will accept (the circle's rules for display
    names): refused here, before anything is written, rather than dropped by the device that
    reads the join request."""
    from sync.display_names import name_problem  # its table loads on first use

    name = " ".join(text.split())
    if not name:
        raise InvalidInput("Give this computer a name (such as Laptop), so that your other "
                           "computers can tell it apart.")
    if len(name) > MAX_NAME:
        raise InvalidInput(f"A computer's name can have at most {MAX_NAME} characters.")
    problem = name_problem(name)
    if problem:
        raise InvalidInput(f"That name cannot be used: {problem}",
                           "Choose another, written in one alphabet.")
    return name


class DeviceGroup:
    """This vault's place in its person's group of devices."""

    def __init__(self, db: Database, clock: Clock, engine: Engine,
                 transport_for: Callable[[CircleRow], AnyTransport]) -> None:
        self.db = db
        self.clock = clock
        self.engine = engine
        self.transport_for = transport_for
        self.replica = VaultReplica(db, lambda: int(clock.now().timestamp() * 1000))
        engine.join_gate = self._gate

    def row(self) -> CircleRow | None:
        rows = self.engine.state.circles("devices")
        return rows[0] if rows else None

    def _require_row(self) -> CircleRow:
        row = self.row()
        if row is None:
            raise InvalidInput("Device sync is not set up on this computer.",
                               "Run `companion device add` here, or `companion device join "
                               "CODE` with a code from your other computer.")
        return row

    # -- setting up ---------------------------------------------------------------------------

    def _require_none(self) -> None:
        row = self.row()
        if row is not None and row.status == "removed":
            raise InvalidInput("This computer was removed from your devices, so it cannot "
                               "join them again yet. Its journal stays here.")
        if row is not None:
            raise InvalidInput("Device sync is already set up on this computer.")

    def start(self, storage: str, device_name: str, *, webdav_user: str = "",
              webdav_password: str = "") -> CircleRow:
        """Make this computer the group's first device, syncing through `storage`."""
        self._require_none()
        device_name = _device_name(device_name)
        spec = parse_storage_spec(storage)
        credentials = (WebDavCredentials(webdav_user, webdav_password)
                       if webdav_user or webdav_password else None)
        # Made (a folder, or the WebDAV collection) and tried before anything is saved.
        with build_transport(spec, credentials, create=True) as transport:
            transport.check()
        group = actions.create_circle(self.engine, GROUP_NAME, device_name, spec.kind,
                                      spec.location, webdav_user, webdav_password,
                                      kind="devices")
        self._keep_keys_longer(group)
        row = self.engine.state.circle(group)
        assert row is not None
        VaultReplica.set_up(self.db, row.me)
        return row

    def _keep_keys_longer(self, group: bytes) -> None:
        # A laptop left in a drawer for a season must still read what it missed
        # (docs/protocol.md §11.1): keys of ended epochs are kept 180 days, not a circle's 30.
        with self.db.transaction() as cur:
            cur.execute("UPDATE circles SET forget_after_days = ? WHERE id = ?",
                        (KEEP_KEYS_DAYS, group))

    def pairing_code(self) -> str:
        row = self._require_row()
        invite = actions.make_invite(self.engine, row, PAIRING_LIFETIME_US)
        return pairing_code(invite.code())

    def join(self, code: str, device_name: str, storage: str, transport: Transport, *,
             webdav_user: str = "", webdav_password: str = "") -> CircleRow:
        """Ask to join with a pairing code from another device of this person's."""
        self._require_none()
        device_name = _device_name(device_name)
        try:
            invite = parse_invite(invite_of(code))
        except Rejected as exc:
            raise InvalidInput(f"That pairing code cannot be used: {exc.reason}.",
                               "Copy the whole code exactly as your other computer shows it."
                               ) from None
        spec = parse_storage_spec(storage)
        try:
            group = actions.begin_join(self.engine, invite, device_name, spec.kind,
                                       spec.location, transport, webdav_user,
                                       webdav_password, kind="devices")
        except Rejected:
            raise InvalidInput("This pairing code has already been used.",
                               "Make a new one on your other computer.") from None
        self._keep_keys_longer(group)
        row = self.engine.state.circle(group)
        assert row is not None
        VaultReplica.set_up(self.db, row.me)
        return row

    def devices(self) -> list[DeviceView]:
        """The group's devices, this one first; each other with the safety number both
        screens show (compare them to know nobody else joined with the code)."""
        row = self._require_row()
        if row.status == "joining":
            return [DeviceView(row.display_name, True, True, "")]
        roster = self.engine.state.roster(row)
        names = shown_names(roster)
        views = []
        for member in sorted(roster.members.values(),
                             key=lambda m: (m.id != row.me, m.added_order)):
            mine = member.id == row.me
            views.append(DeviceView(names[member.id], mine, member.active,
                                    "" if mine else safety_number(row.identity.public,
                                                                  member.public)))
        return views

    def conflicts(self) -> list[DeviceConflict]:
        found = []
        for collection, local_id, field_name, others in self.replica.conflicts():
            if collection != "entry" or field_name != "body":
                continue
            row = self.db.query_one("SELECT title, day, body FROM entries WHERE id = ?",
                                    (local_id,))
            if row is not None:
                found.append(DeviceConflict(local_id, row[0], row[1], row[2], tuple(others)))
        return found

    def status(self) -> DeviceStatus:
        row = self._require_row()
        # Records changed here and not yet handed to the storage: those a round has made
        # operations of, and those changed since the last round.
        waiting = self.db.query_one(
            "SELECT (SELECT count(*) FROM (SELECT DISTINCT collection, target FROM device_ops"
            " WHERE sent = 0)) + (SELECT count(*) FROM device_dirty)"
            " + (SELECT count(*) FROM device_deleted)")
        unsendable = self.db.query_one("SELECT count(*) FROM device_unsendable")
        queued = self.db.query_one("SELECT count(*) FROM circle_outbox WHERE circle = ? AND"
                                   " sent = 0", (row.id,))
        refused = row.status == "joining" and self.db.query_one(
            "SELECT 1 FROM circle_events WHERE circle = ? AND kind = 'refused'",
            (row.id,)) is not None
        return DeviceStatus(row.status, row.storage_kind, row.storage_location,
                            row.last_sync_us, int(waiting[0]) if waiting else 0,
                            int(queued[0]) if queued else 0,
                            len(self.replica.conflicts()), int(unsendable[0]) if unsendable
                            else 0, refused)

    # -- letting a computer in ----------------------------------------------------------------

    def _now_us(self) -> int:
        return int(self.clock.now().timestamp() * 1_000_000)

    def _gate(self, row: CircleRow, secret: bytes, request: JoinRequest) -> str:
        """Called by the engine for each valid join request: let in only what the person
        allowed after comparing safety numbers; remember the rest as asking."""
        member = request.member.member_id
        found = self.db.query_one("SELECT member, decision FROM device_join_requests"
                                  " WHERE circle = ? AND secret = ?", (row.id, secret))
        if found is None:
            with self.db.transaction() as cur:
                cur.execute(
                    "INSERT INTO device_join_requests (circle, secret, member, signing,"
                    " agreement, name, seen_us) VALUES (?,?,?,?,?,?,?)",
                    (row.id, secret, member, request.member.signing,
                     request.member.agreement, request.name, self._now_us()))
                # The code is now this request's alone (nobody else is let in on it), so the
                # person may take longer than its hour to compare the numbers and decide.
                cur.execute("UPDATE circle_invites SET expires_us = max(expires_us, ?)"
                            " WHERE secret = ?", (self._now_us() + DECIDE_WITHIN_US, secret))
                # A computer that gave up waiting and asked again with a new code asks under
                # the same name: the newer request replaces the older, which is refused, so
                # the person decides about one computer per name (they compare its number).
                cur.execute("UPDATE device_join_requests SET decision = 'refused' WHERE"
                            " circle = ? AND name = ? AND secret != ? AND decision IS NULL",
                            (row.id, request.name, secret))
            return "wait"
        if bytes(found[0]) != member:
            return "wait"  # not the request the person saw: never let in on its decision
        if found[1] == "refused":
            return "refuse"
        return "allow" if found[1] == "allowed" else "wait"

    def asking(self) -> list[JoinAsk]:
        """Computers that used a pairing code and wait for the person to let them in."""
        row = self._require_row()
        return [JoinAsk(name, safety_number(row.identity.public,
                                            PublicIdentity(bytes(signing), bytes(agreement))))
                for name, signing, agreement in self.db.query(
                    "SELECT name, signing, agreement FROM device_join_requests WHERE"
                    " circle = ? AND decision IS NULL ORDER BY seen_us", (row.id,))]

    def decide(self, name: str, allow: bool) -> None:
        """Let in (or refuse) the computer asking under `name`, once the person has seen
        the same safety number on both screens. The next sync carries it out."""
        row = self._require_row()
        found = [secret for (secret,) in self.db.query(
            "SELECT secret FROM device_join_requests WHERE circle = ? AND decision IS NULL"
            " AND name = ?", (row.id, name))]
        if len(found) != 1:
            asking = ", ".join(f"“{a.name}”" for a in self.asking()) or "none"
            raise InvalidInput(f"No single computer asks to join as “{name}” (asking: "
                               f"{asking}).")
        with self.db.transaction() as cur:
            cur.execute("UPDATE device_join_requests SET decision = ? WHERE circle = ? AND"
                        " secret = ?", ("allowed" if allow else "refused", row.id, found[0]))

    def remove(self, name: str) -> None:
        """Remove a computer (lost, sold): a new key the others share and it never gets, and
        its messages after this point refused everywhere. What it already holds stays in its
        vault, under its passphrase: nothing can erase that from here."""
        row = self._require_row()
        roster = self.engine.state.roster(row)
        names = shown_names(roster)
        found = [m for m in roster.members.values()
                 if m.active and m.id != row.me and names[m.id] == name]
        if len(found) != 1:
            others = ", ".join(f"“{names[m.id]}”" for m in roster.members.values()
                               if m.active and m.id != row.me) or "none"
            raise InvalidInput(f"No single other computer is called “{name}” (yours: "
                               f"{others}).")
        if not roster.members[row.me].admin:
            raise InvalidInput("This computer cannot remove others yet: sync it once more, "
                               "then try again.")
        with self.db.transaction() as cur:
            actions.roster_change(self.engine, cur, row, "remove", found[0].id)

    def joining_safety_number(self) -> str:
        """On a computer that asked to join: the number the other computer shows."""
        row = self._require_row()
        if not row.invite_code:
            return ""
        invite = parse_invite(row.invite_code)
        return safety_number(row.identity.public, invite.admin)

    # -- a round ------------------------------------------------------------------------------

    def sync(self) -> DeviceSyncReport:
        row = self._require_row()
        report = DeviceSyncReport()
        with self.transport_for(row) as transport:
            report.engine = self.engine.sync(row.id, transport)
            row = self._require_row()
            self._merge(row, report)
            if row.status == "active":
                report.snapshot_sent = self._greet(row)
                queued = self._queue_own(row, report) or report.snapshot_sent
                if not queued and self._owes_checkpoint(row):
                    with self.db.transaction() as cur:
                        actions.queue(self.engine, cur, row, "ops",
                                      {"batch": b64(CHECKPOINT)})
                    queued = True
                if queued:
                    with self.db.transaction() as cur:
                        cur.execute("UPDATE device_checkpoint SET read_since_sent = 0"
                                    " WHERE circle = ?", (row.id,))
                    sent = self.engine.sync(row.id, transport)
                    report.engine.sent += sent.sent
                    report.engine.problems += sent.problems
                    report.engine.requests += sent.requests
                report.pruned = prune(self.engine, row, transport)
        return report

    def _owes_checkpoint(self, row: CircleRow) -> bool:
        found = self.db.query_one("SELECT read_since_sent FROM device_checkpoint"
                                  " WHERE circle = ?", (row.id,))
        return found is not None and int(found[0]) >= CHECKPOINT_AFTER

    def _merge(self, row: CircleRow, report: DeviceSyncReport) -> None:
        inbox = self.db.query("SELECT sender, seq, batch FROM device_inbox WHERE circle = ?"
                              " ORDER BY sender, seq", (row.id,))

        def batches() -> Iterator[Batch]:
            # Decoded one at a time as the round takes them in: a new computer's first round
            # would otherwise hold every operation of the journal at once.
            for sender, _seq, raw in inbox:
                try:
                    batch = self._decode(bytes(sender), bytes(raw))
                except Rejected:
                    report.refused_batches += 1
                    continue
                yield batch

        report.merged = self.replica.round(batches())
        # A batch held for its clock (another device's clock far ahead) is merged again from
        # the inbox next round; merging twice changes nothing, so the inbox is kept whole.
        if not report.merged.held:
            read = sum(1 for _s, _q, raw in inbox if bytes(raw) != CHECKPOINT)
            with self.db.transaction() as cur:
                cur.execute("INSERT INTO device_checkpoint (circle, read_since_sent)"
                            " VALUES (?, ?) ON CONFLICT (circle) DO UPDATE SET"
                            " read_since_sent = read_since_sent + excluded.read_since_sent",
                            (row.id, read))
                cur.executemany("DELETE FROM device_inbox WHERE circle = ? AND sender = ?"
                                " AND seq = ?", [(row.id, s, q) for s, q, _ in inbox])

    @staticmethod
    def _decode(sender: bytes, raw: bytes) -> Batch:
        if raw == CHECKPOINT:
            return Batch(sender, ())  # says only how far its sender has read
        raw = unpack(raw)
        if raw[:1] == SNAPSHOT:  # any device's operations, relayed by one of the group
            lines = tuple(line for line in raw[1:].split(b"\n") if line)
            return Batch(sender, tuple(decode_op(line) for line in lines), lines)
        return decode_batch(raw, sender)

    def _queue_own(self, row: CircleRow, report: DeviceSyncReport) -> bool:
        unsent = self.replica.unsent_encoded(OWN_OPS_PER_ROUND)
        if not unsent:
            return False
        stamps = [stamp for stamp, _ in unsent]
        packed, too_large = pack([data for _, data in unsent],
                                 lambda ops: batch_bytes(row.me, ops), MAX_OPS_BATCH)
        report.too_large = len(too_large)
        left_out = set(too_large)
        with self.db.transaction() as cur:
            for field, _count in packed:
                actions.queue(self.engine, cur, row, "ops", {"batch": b64(field)})
            # Handed over in the same transaction: a crash cannot queue them twice or lose
            # them between the two.
            cur.executemany("UPDATE device_ops SET sent = 1 WHERE stamp = ?",
                            [(stamp,) for n, stamp in enumerate(stamps) if n not in left_out])
        return bool(packed)

    def _greet(self, row: CircleRow) -> bool:
        """Send everything this device holds to the computers it let in that have not had it
        (they cannot read what was written before they joined). Kept in the vault until done,
        so a crash between letting in and sending only delays it."""
        roster = self.engine.state.roster(row)
        owed_members = [(bytes(secret), bytes(member)) for secret, member in self.db.query(
            "SELECT secret, member FROM device_join_requests WHERE circle = ? AND"
            " decision = 'allowed' AND greeted = 0", (row.id,))
            if bytes(member) in roster.members]
        owed = [secret for secret, _ in owed_members]
        if not owed:
            return False
        # The operations as the vault keeps them, each checked when it was made or received:
        # relayed without decoding and encoding each again.
        held = [bytes(data) for (data,) in self.db.query(
            "SELECT op FROM device_ops ORDER BY stamp")]
        packed, _too_large = pack(held, snapshot_bytes, MAX_OPS_BATCH)
        with self.db.transaction() as cur:
            cur.executemany("UPDATE device_join_requests SET greeted = 1 WHERE circle = ? AND"
                            " secret = ?", [(row.id, secret) for secret in owed])
            for _secret, member in owed_members:
                # Every device is an admin (docs/protocol.md §11.1): any of them can pair
                # the next computer or remove a lost one.
                if not roster.members[member].admin:
                    actions.roster_change(self.engine, cur, row, "promote", member)
            for field, _count in packed:
                actions.queue(self.engine, cur, row, "ops", {"batch": b64(field)})
        return True
