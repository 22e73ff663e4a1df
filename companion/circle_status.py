"""Views of a circle that the desktop app shows beside the feed: a storage check before
creating, who has gone quiet, how many messages wait to be sent, new check-ins since the last
notification, what an invite code asks for, and how far this device has read the feed.

Nothing here changes the circle or the storage (the connection test writes and removes one
probe file, as the transport's own `check()` does); the one write is the reading point
(`mark_seen`), which stays on this device. The CLI does not need these; the app polls them
after each sync round.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from companion.circle_names import shown_names
from companion.errors import InvalidInput
from storage.database import Database
from sync.crypto import Rejected
from sync.invite import parse_invite
from sync.state import CircleRow, CircleState
from sync.storage_spec import build_transport, parse_storage_spec
from sync.webdav_address import WebDavCredentials

if TYPE_CHECKING:
    from companion.circle import CircleService

QUIET_AFTER = timedelta(days=7)


@dataclass(frozen=True)
class QuietMember:
    name: str
    last_heard: datetime | None  # None: nothing received from them yet


@dataclass(frozen=True)
class NewCheckin:
    id: int
    sender_name: str
    mood: int
    note: str


@dataclass(frozen=True)
class CircleStatus:
    """What the status line under a circle's name says."""

    status: str
    last_sync: datetime | None
    waiting: int
    problems: list[tuple[str, str, int]]  # (kind, reason, count), as CircleService.problems
    quiet: list[QuietMember]
    key_alerts: list[str]  # display names whose keys changed
    refused: bool = False  # 'removed' because the admission itself did not stand


def test_connection(storage: str, webdav_user: str = "", webdav_password: str = "") -> None:
    """Reach the storage the way creating a circle would, and raise its `StorageError` (with
    a hint) if that fails. A folder that does not exist yet is reported, not created."""
    spec = parse_storage_spec(storage)
    credentials = (WebDavCredentials(webdav_user, webdav_password)
                   if webdav_user or webdav_password else None)
    with build_transport(spec, credentials, create=False) as transport:
        transport.check()


def invite_webdav_url(code: str) -> str:
    """The WebDAV address an invite code names ("" for a shared-folder circle), so the join
    form can ask for a folder or for a user and app password before joining."""
    try:
        return parse_invite(code).webdav_url
    except Rejected as exc:
        raise InvalidInput(f"That invite code cannot be used: {exc.reason}.",
                           "Paste the whole code exactly as you received it.") from None


def waiting_count(db: Database, row: CircleRow) -> int:
    """Messages composed on this device that the storage has not received yet."""
    return CircleState(db).waiting(row.id)


def last_heard(db: Database, row: CircleRow) -> dict[bytes, datetime]:
    """When this device last applied a message from each member (not the sender's claim)."""
    out: dict[bytes, datetime] = {}
    for member, heard in db.query("SELECT member, heard_us FROM circle_chains WHERE circle = ? "
                                  "AND heard_us IS NOT NULL", (row.id,)):
        out[bytes(member)] = datetime.fromtimestamp(heard / 1e6, UTC)
    return out


def quiet_members(db: Database, row: CircleRow, active: dict[bytes, str], now: datetime,
                  after: timedelta = QUIET_AFTER) -> list[QuietMember]:
    """Active members (`active`: id -> name, without this device's own) not heard from for
    `after`. A storage that withholds everything looks like a quiet circle (docs/protocol.md
    §1), so this is shown rather than left for people to notice. Someone never heard from is
    listed only once the circle itself is older than `after`."""
    heard = last_heard(db, row)
    created = datetime.fromtimestamp(row.created_us / 1e6, UTC)
    quiet = []
    for member, name in active.items():
        when = heard.get(member)
        if (when is not None and now - when > after) or (when is None and now - created > after):
            quiet.append(QuietMember(name, when))
    return sorted(quiet, key=lambda q: q.name.casefold())


def latest_item_id(db: Database, row: CircleRow) -> int:
    return int(db.query_one("SELECT coalesce(max(id), 0) FROM circle_items WHERE circle = ?",
                            (row.id,))[0])


def new_checkins(db: Database, row: CircleRow, after_id: int, names: dict[bytes, str],
                 muted: set[bytes]) -> list[NewCheckin]:
    """Check-ins from others applied after item `after_id` (for notifications); muted members
    and this device's own check-ins are left out."""
    out = []
    for item_id, sender_raw, data in db.query(
            "SELECT id, sender, data FROM circle_items WHERE circle = ? AND id > ? AND "
            "type = 'checkin' AND state = 'shown' ORDER BY id", (row.id, after_id)):
        sender = bytes(sender_raw)
        if sender == row.me or sender in muted:
            continue
        body = json.loads(data)
        out.append(NewCheckin(int(item_id), names.get(sender, "someone"), int(body["mood"]),
                              str(body.get("note") or "")))
    return out


# How far the person has read each circle's feed on this device: the newest item id shown
# while the page was open. It lives in the vault's `settings` table (companion/schema.py),
# which holds this device's own values, so it needs no table of its own and never syncs:
# another member's device, or this person's other computer, keeps its own.
_SEEN_KEY = "circle.seen."


def seen_point(db: Database, row: CircleRow) -> int | None:
    """The newest item id this device showed of `row`'s feed (None: never opened here)."""
    found = db.query_one("SELECT value FROM settings WHERE key = ?",
                         (_SEEN_KEY + row.id.hex(),))
    if found is None:
        return None
    text = str(found[0])
    return int(text) if text.isdigit() and len(text) < 19 else None


def mark_seen(db: Database, row: CircleRow, item_id: int) -> None:
    """Items up to `item_id` have been shown. The point only moves forward (two pages, or a
    late refresh, can never make read items new again)."""
    seen = seen_point(db, row)
    if seen is not None and seen >= item_id:
        return
    with db.transaction() as cur:
        cur.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO "
                    "UPDATE SET value = excluded.value", (_SEEN_KEY + row.id.hex(), str(item_id)))


def muted_members(db: Database, row: CircleRow) -> set[bytes]:
    return CircleState(db).muted(row.id)


def circle_status(service: CircleService, row: CircleRow, now: datetime) -> CircleStatus:
    """Everything the status line shows for `row`, read in one go (on a worker thread)."""
    db = service.db
    roster = service.roster(row)
    shown = shown_names(roster)
    active = {m.id: shown[m.id] for m in roster.members.values()
              if m.active and m.id != row.me}
    last = datetime.fromtimestamp(row.last_sync_us / 1e6, UTC) if row.last_sync_us else None
    alerts = ([m.label for m in service.key_alerts(row)] if row.status == "active" else [])
    return CircleStatus(row.status, last, waiting_count(db, row), service.problems(row),
                        quiet_members(db, row, active, now) if row.status == "active" else [],
                        alerts, service.admission_refused(row))


@dataclass(frozen=True)
class PendingPost:
    """Something composed on this device that no sync round has sealed yet (offline)."""

    type: str
    data: dict[str, Any]
    at: datetime


def pending_posts(db: Database, row: CircleRow) -> list[PendingPost]:
    """Check-ins, notes and replies still waiting in the outbox unsealed, oldest first. Once
    sealed they are in the feed like everything else (and may still wait to be uploaded)."""
    return [PendingPost(type_, json.loads(data), datetime.fromtimestamp(created / 1e6, UTC))
            for type_, data, created in db.query(
                "SELECT type, data, created_us FROM circle_outbox WHERE circle = ? AND "
                "seq IS NULL AND type IN ('checkin', 'note', 'reply') ORDER BY id", (row.id,))]


@dataclass(frozen=True)
class PendingReaction:
    """A reaction given or taken back on this device that no sync round has sealed yet."""

    target: tuple[bytes, int]  # (sender, seq) of the item it is on
    emoji: str
    remove: bool


def pending_reactions(db: Database, row: CircleRow) -> list[PendingReaction]:
    """This device's unsealed reactions, oldest first: the feed shows them at once, offline
    too, as the check-ins and notes waiting beside them."""
    out = []
    for data, ref_sender, ref_seq in db.query(
            "SELECT data, ref_sender, ref_seq FROM circle_outbox WHERE circle = ? AND seq IS "
            "NULL AND type = 'reaction' AND ref_sender IS NOT NULL ORDER BY id", (row.id,)):
        body = json.loads(data)
        emoji = body.get("emoji") if isinstance(body, dict) else None
        if isinstance(emoji, str) and emoji:
            out.append(PendingReaction((bytes(ref_sender), int(ref_seq)), emoji,
                                       bool(body.get("remove"))))
    return out
