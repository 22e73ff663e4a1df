"""Circles as people use them: create, invite, join, verify, share, read, sync.

This is the facade over `sync/` that the CLI and the desktop app drive. Names are what people
type (a circle's name, a member's display name, a post's `p12`); the protocol's ids stay inside.
Storage credentials live in the vault with everything else.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias
from urllib.parse import urlsplit

from companion.circle_feed import FeedItem, FeedKey, FeedPage, load_feed_page
from companion.circle_names import shown_names
from companion.clock import Clock
from companion.errors import InvalidInput, NotFound, UserError
from storage.database import Database
from sync import actions, agreement
from sync.content import (
    MAX_CHECKIN_NOTE,
    MAX_EMOTION,
    MAX_EMOTIONS,
    MAX_NOTE_BODY,
    MAX_NOTE_TITLE,
    MAX_REPLY,
    Ref,
)
from sync.crypto import Rejected
from sync.engine import Engine
from sync.engine import SyncReport as SyncReport  # the circle page shows one
from sync.identity import safety_number
from sync.invite import Invite, parse_invite
from sync.roster import MAX_NAME, Member, Roster
from sync.state import CircleRow as CircleRow  # re-exported: the UI names circles by it
from sync.storage_spec import StorageSpec, build_transport, parse_storage_spec
from sync.transport import StorageError
from sync.transport_folder import FolderTransport
from sync.webdav_address import WebDavCredentials

if TYPE_CHECKING:
    from companion.circle_status import NewCheckin, PendingPost
    from sync.transport_webdav import WebDavTransport  # loaded only when a circle uses WebDAV

    AnyTransport: TypeAlias = FolderTransport | WebDavTransport

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CircleSummary:
    id: str
    name: str
    status: str
    members: int
    storage: str
    last_sync: datetime | None
    waiting: int
    you: str


@dataclass(frozen=True)
class MemberView:
    id: str
    name: str
    admin: bool
    active: bool
    verified: bool
    muted: bool
    key_changed: bool
    you: bool
    fingerprint: str  # PublicIdentity.short_fingerprint
    # The name as people should see it (`shown_names`): with the short fingerprint beside it
    # when another member's name is close, so two look-alike names can always be told apart.
    label: str

    @property
    def look_alike(self) -> bool:
        """The name is close to another member's (sync/display_names.py)."""
        return self.label != self.name

    @property
    def state(self) -> str:
        if self.you:
            return "you"
        if not self.active:
            return "removed or left"
        if self.key_changed:
            return "KEYS CHANGED — verify again"
        return "verified" if self.verified else "unverified"


@dataclass(frozen=True)
class InvitePreview:
    """What an invite code says, for a person to check before joining (nothing is sent or
    saved to learn it): both the CLI and the desktop app show these same facts.

    `storage` is the address joining would use, as `folder:PATH` or `webdav:URL` ("" for a
    shared-folder circle whose folder the joiner has not named yet); `host` and `path` are its
    parts to show. `from_code` says the address is the one written in the code, which decides
    where the WebDAV user and password go: `join` sends nothing there unless the caller passes
    that address back as `confirmed_storage`. `signed` says the admin's signature covers it (a
    version 2 code); a version 1 code is not signed."""

    circle_id: str
    storage: str
    storage_kind: str
    host: str
    path: str
    from_code: bool
    admin_fingerprint: str
    signed: bool

    @property
    def needs_confirmation(self) -> bool:
        return self.from_code and self.storage_kind == "webdav"


@dataclass(frozen=True)
class KeyLifetime:
    """Forward secrecy as this device applies it to one circle (sync/forward_secrecy.py)."""

    forget_after_days: int
    forgotten: int  # epoch keys deleted so far
    kept: int  # epoch keys this device still holds
    version: int  # protocol version: version 1 circles keep every key

    def sentence(self, name: str) -> str:
        if self.version < 2:
            return (f"{name} uses protocol version 1, whose epoch keys are kept for good; "
                    "after `companion circle upgrade` they are forgotten "
                    f"{self.forget_after_days} days after their epoch ends.")
        return (f"{name}: the key of an epoch that ended is deleted from this device "
                f"{self.forget_after_days} days later ({self.forgotten} deleted so far, "
                f"{self.kept} kept). What you read stays in your vault.")


class StorageNotConfirmed(InvalidInput):
    default_message = ("The storage address in the invite code was not confirmed; nothing was "
                       "sent to it and nothing was saved.")


class CircleService:
    def __init__(self, db: Database, clock: Clock,
                 transport_factory: Callable[[CircleRow], AnyTransport] | None = None) -> None:
        self.db = db
        self.clock = clock
        self.engine = Engine(db, self._now_us)
        self._transport_factory = transport_factory or _default_transport

    def _now_us(self) -> int:
        return int(self.clock.now().timestamp() * 1_000_000)

    # -- finding things -----------------------------------------------------------------------

    def rows(self) -> list[CircleRow]:
        return self.engine.state.circles()

    def find(self, text: str) -> CircleRow:
        wanted = text.strip()
        rows = self.rows()
        exact = [r for r in rows if r.name.casefold() == wanted.casefold()]
        if len(exact) == 1:
            return exact[0]
        by_id = [r for r in rows if len(wanted) >= 4 and r.id.hex().startswith(wanted.lower())]
        if len(by_id) == 1:
            return by_id[0]
        if len(exact) > 1 or len(by_id) > 1:
            raise InvalidInput(f"More than one circle matches “{text}”.",
                               "Use its id from `companion circle list`.")
        raise NotFound(f"No circle called “{text}”.", "See `companion circle list`.")

    def roster(self, row: CircleRow) -> Roster:
        return self.engine.state.roster(row)

    def find_member(self, row: CircleRow, text: str) -> Member:
        roster = self.roster(row)
        wanted = text.strip()
        by_name = [m for m in roster.members.values() if m.name.casefold() == wanted.casefold()]
        active = [m for m in by_name if m.active]
        if len(active) == 1:
            return active[0]
        if len(by_name) == 1:
            return by_name[0]
        by_id = [m for m in roster.members.values()
                 if len(wanted) >= 4 and m.id.hex().startswith(wanted.lower())]
        if len(by_id) == 1:
            return by_id[0]
        if by_name or by_id:
            raise InvalidInput(f"More than one member matches “{text}”.",
                               "Use the id from `companion circle members`.")
        raise NotFound(f"No member “{text}” in {row.name}.",
                       "See `companion circle members CIRCLE`.")

    def summaries(self) -> list[CircleSummary]:
        out = []
        for row in self.rows():
            waiting = self.engine.state.waiting(row.id)
            last = (datetime.fromtimestamp(row.last_sync_us / 1e6, UTC)
                    if row.last_sync_us else None)
            out.append(CircleSummary(row.id.hex()[:8], row.name or "(joining)", row.status,
                                     len(self.roster(row).active()),
                                     _describe(row), last, waiting, row.display_name))
        return out

    # -- creating and joining -----------------------------------------------------------------

    def create(self, name: str, storage: str, display_name: str, *, webdav_user: str = "",
               webdav_password: str = "") -> CircleRow:
        name = _clean_name(name, "circle name", 80)
        display_name = _display_name(display_name)
        if any(r.name.casefold() == name.casefold() for r in self.rows()):
            raise InvalidInput(f"You already have a circle called “{name}”.",
                               "Choose another name.")
        spec = parse_storage_spec(storage)
        with self._probe(spec, webdav_user, webdav_password):
            pass
        circle = actions.create_circle(self.engine, name, display_name, spec.kind,
                                       spec.location, webdav_user, webdav_password)
        row = self.engine.state.circle(circle)
        assert row is not None
        return row

    def invite(self, row: CircleRow) -> Invite:
        self._require_admin(row)
        return actions.make_invite(self.engine, row)

    def preview_invite(self, code: str, storage: str | None = None) -> InvitePreview:
        """The facts of `code` (joined with `storage`, or the code's own WebDAV address):
        checked like `join` checks them, without sending or saving anything."""
        invite, spec = self._plan_join(code, storage)
        code_spec = _invite_storage(invite)
        host = path = ""
        if spec is not None and spec.kind == "webdav":
            parts = urlsplit(spec.location)
            host, path = parts.netloc, parts.path
        elif spec is not None:
            path = spec.location
        return InvitePreview(invite.circle.hex()[:8], str(spec) if spec else "",
                             spec.kind if spec else "folder", host, path,
                             spec is not None and spec == code_spec,
                             invite.admin.short_fingerprint, invite.version >= 2)

    def _plan_join(self, code: str, storage: str | None) -> tuple[Invite, StorageSpec | None]:
        try:
            invite = parse_invite(code)
        except Rejected as exc:
            raise InvalidInput(f"That invite code cannot be used: {exc.reason}.",
                               "Paste the whole code exactly as you received it.") from None
        if self.engine.state.circle(invite.circle) is not None:
            raise InvalidInput("You are already in this circle (or joining it).")
        if storage is None:
            return invite, _invite_storage(invite)
        return invite, parse_storage_spec(storage)

    def join(self, code: str, display_name: str, storage: str | None = None, *,
             webdav_user: str = "", webdav_password: str = "",
             confirmed_storage: str | None = None) -> CircleRow:
        """Ask to join. When the WebDAV address comes from the code, the person must have
        seen and accepted it (`preview_invite`): `confirmed_storage` is that preview's
        `storage`, and anything else raises `StorageNotConfirmed` before any request."""
        invite, spec = self._plan_join(code, storage)
        display_name = _display_name(display_name)
        if spec is None:
            raise InvalidInput("This circle uses a shared folder, and each member names "
                               "their own copy of it.",
                               "Add --storage folder:PATH (your synced folder).")
        if (spec.kind == "webdav" and spec == _invite_storage(invite)
                and confirmed_storage != str(spec)):
            raise StorageNotConfirmed()
        # A folder being joined is a synced copy that must exist already: a mistyped path is
        # said, not made (a join request written there would tie this vault to it).
        with self._probe(spec, webdav_user, webdav_password, create=False) as transport:
            try:
                circle = actions.begin_join(self.engine, invite, display_name, spec.kind,
                                            spec.location, transport, webdav_user,
                                            webdav_password)
            except Rejected:
                raise InvalidInput("This invite has already been used.",
                                   "Ask the admin for a new one.") from None
        row = self.engine.state.circle(circle)
        assert row is not None
        return row

    def _probe(self, spec: StorageSpec, user: str, password: str, *,
               create: bool = True) -> AnyTransport:
        transport = build_transport(spec, _credentials(user, password), create=create)
        try:
            transport.check()
        except StorageError as exc:
            transport.close()
            exc.hint = f"{exc.check}, then try again. Nothing was saved."
            raise
        except BaseException:
            transport.close()
            raise
        return transport

    # -- members ------------------------------------------------------------------------------

    def members(self, row: CircleRow) -> list[MemberView]:
        peers = {bytes(m): (v, mu, k) for m, v, mu, k in self.db.query(
            "SELECT member, verified, muted, key_alert FROM circle_peers WHERE circle = ?",
            (row.id,))}
        roster = self.roster(row)
        names = shown_names(roster)
        views = []
        for member in sorted(roster.members.values(), key=lambda m: m.added_order):
            verified, muted, alert = peers.get(member.id, (0, 0, 0))
            views.append(MemberView(member.id.hex()[:12], member.name, member.admin,
                                    member.active, bool(verified), bool(muted), bool(alert),
                                    member.id == row.me, member.public.short_fingerprint,
                                    names[member.id]))
        return views

    def shown_names(self, row: CircleRow) -> dict[bytes, str]:
        """Every member's name (member id -> text) as the feed, notifications and messages
        show it: `MemberView.label`, for members found in the roster alone."""
        return shown_names(self.roster(row))

    def safety_number(self, row: CircleRow, member: Member) -> str:
        return safety_number(row.identity.public, member.public)

    def set_verified(self, row: CircleRow, member: Member, verified: bool = True) -> None:
        with self.db.transaction() as cur:
            cur.execute("INSERT INTO circle_peers (circle, member, verified, key_alert) "
                        "VALUES (?, ?, ?, 0) ON CONFLICT (circle, member) DO UPDATE SET "
                        "verified = excluded.verified, key_alert = 0",
                        (row.id, member.id, int(verified)))

    def set_muted(self, row: CircleRow, member: Member, muted: bool) -> None:
        with self.db.transaction() as cur:
            cur.execute("INSERT INTO circle_peers (circle, member, muted) VALUES (?, ?, ?) "
                        "ON CONFLICT (circle, member) DO UPDATE SET muted = excluded.muted",
                        (row.id, member.id, int(muted)))

    def key_alerts(self, row: CircleRow) -> list[MemberView]:
        return [m for m in self.members(row) if m.key_changed and m.active]

    def remove(self, row: CircleRow, member: Member) -> None:
        self._require_admin(row)
        if member.id == row.me:
            raise InvalidInput("You cannot remove yourself.", "Use `companion circle leave`.")
        if not member.active:
            raise InvalidInput(f"{member.name} is no longer in {row.name}.")
        with self.db.transaction() as cur:
            actions.roster_change(self.engine, cur, row, "remove", member.id)

    def promote(self, row: CircleRow, member: Member) -> None:
        self._require_admin(row)
        if not member.active or member.admin:
            raise InvalidInput(f"{member.name} cannot be made an admin (already one, or gone).")
        with self.db.transaction() as cur:
            actions.roster_change(self.engine, cur, row, "promote", member.id)

    def rotate(self, row: CircleRow) -> None:
        """Start a new epoch key for the current members now (e.g. after a lost device)."""
        self._require_admin(row)
        with self.db.transaction() as cur:
            actions.roster_change(self.engine, cur, row, "rotate")

    def protocol_version(self, row: CircleRow) -> int:
        return self.roster(row).version()

    def upgrade(self, row: CircleRow) -> None:
        """Move a circle made with protocol version 1 to version 2 (docs/protocol.md §10): a
        rotation into an epoch of version 2, after which every message hides its sender and
        uses names nobody outside the epoch can predict. Every member's app must read
        version 2; the step cannot be undone."""
        self._require_admin(row)
        if self.roster(row).version() >= 2:
            raise InvalidInput(f"{row.name} already uses protocol version 2.")
        with self.db.transaction() as cur:
            actions.roster_change(self.engine, cur, row, "rotate", epoch_version=2)

    def key_lifetime(self, row: CircleRow) -> KeyLifetime:
        """How long this device keeps the keys of epochs that ended, and what it forgot."""
        forgotten = len(self.engine.state.forgotten_epochs(row.id))
        kept = len(self.engine.state.epoch_keys(row.id))
        version = self.roster(row).version() if row.status == "active" else 2
        return KeyLifetime(row.forget_after_days, forgotten, kept, version)

    def set_forget_after(self, row: CircleRow, days: int) -> None:
        """Keep the keys of ended epochs `days` days (docs/protocol.md §4); this device only."""
        from sync.forward_secrecy import MAX_DAYS, MIN_DAYS

        if not MIN_DAYS <= days <= MAX_DAYS:
            raise InvalidInput(f"Keys can be kept from {MIN_DAYS} to {MAX_DAYS:,} days "
                               f"(you gave {days}).")
        with self.db.transaction() as cur:
            cur.execute("UPDATE circles SET forget_after_days = ? WHERE id = ?", (days, row.id))

    def leave(self, row: CircleRow) -> None:
        """Leave the circle; one still waiting to be let in is simply forgotten on this device
        (nothing was shared yet: the join request stays unanswered and its invite expires)."""
        if row.status == "joining":
            with self.db.transaction() as cur:
                cur.execute("DELETE FROM circles WHERE id = ?", (row.id,))
            return
        self._require_active(row)
        roster = self.roster(row)
        if roster.admins() == {row.me} and len(roster.active()) > 1:
            log.info("the last admin leaves; the longest-standing member becomes admin")
        actions.leave(self.engine, row)

    def _require_admin(self, row: CircleRow) -> None:
        self._require_active(row)
        if row.me not in self.roster(row).admins():
            raise InvalidInput(f"Only an admin of {row.name} can do that.")

    def _require_active(self, row: CircleRow) -> None:
        if row.status == "joining":
            raise InvalidInput(f"You are not in {row.name or 'this circle'} yet: the admin's "
                               "device has to accept you first.",
                               "Sync again later (`companion circle sync`).")
        if row.status in ("removed", "left"):
            if self.admission_refused(row):
                raise InvalidInput(f"You are not in {row.name}: the admin who let you in was "
                                   "removed at the same time, so your admission did not "
                                   "stand.", "Ask a current admin for a new invite.")
            why = "removed by an admin" if row.status == "removed" else "you left"
            raise InvalidInput(f"You are no longer in {row.name} ({why}).")

    def admission_refused(self, row: CircleRow) -> bool:
        """Whether this device was let in by an admin whom a concurrent removal outranked
        (its status is then 'removed', though nobody removed it)."""
        return row.status == "removed" and self.db.query_one(
            "SELECT 1 FROM circle_events WHERE circle = ? AND kind = 'refused' AND member = ?",
            (row.id, row.me)) is not None

    # -- sharing ------------------------------------------------------------------------------

    def share_checkin(self, row: CircleRow, mood: int, energy: int | None = None,
                      emotions: tuple[str, ...] = (), note: str = "") -> None:
        if not 1 <= mood <= 5 or (energy is not None and not 1 <= energy <= 5):
            raise InvalidInput("Mood and energy go from 1 to 5.")
        emotions = tuple(e.strip() for e in emotions if e.strip())
        if len(emotions) > MAX_EMOTIONS or any(len(e) > MAX_EMOTION for e in emotions):
            raise InvalidInput(f"At most {MAX_EMOTIONS} emotions of {MAX_EMOTION} characters.")
        self._queue(row, "checkin", {"mood": mood, "energy": energy, "emotions": list(emotions),
                                     "note": _text(note, "note", MAX_CHECKIN_NOTE)})

    def post(self, row: CircleRow, title: str, body: str) -> None:
        title = _text(title, "title", MAX_NOTE_TITLE).strip()
        if not title:
            raise InvalidInput("A note needs a title.")
        self._queue(row, "note", {"title": title, "body": _text(body, "note", MAX_NOTE_BODY)})

    def reply(self, row: CircleRow, post_id: str, text: str) -> None:
        text = _text(text, "reply", MAX_REPLY).strip()
        if not text:
            raise InvalidInput("A reply cannot be empty.")
        self._queue(row, "reply", {"text": text}, self._target(row, post_id))

    def react(self, row: CircleRow, post_id: str, emoji: str, remove: bool = False) -> None:
        emoji = emoji.strip()
        if not emoji or len(emoji) > 16:
            raise InvalidInput("A reaction is one emoji or a short word.")
        self._queue(row, "reaction", {"emoji": emoji, "remove": int(remove)},
                    self._target(row, post_id))

    def edit(self, row: CircleRow, post_id: str, **changes: str | None) -> None:
        ref = self._target(row, post_id, own=True)
        self._queue(row, "edit", {k: v for k, v in changes.items() if v is not None}, ref)

    def delete(self, row: CircleRow, post_id: str) -> None:
        self._queue(row, "delete", {}, self._target(row, post_id, own=True))

    def set_guidelines(self, row: CircleRow, text: str) -> None:
        self._require_admin(row)
        self._queue(row, "guidelines", {"text": _text(text, "guidelines", 4_000)})

    def _target(self, row: CircleRow, post_id: str, own: bool = False) -> Ref:
        text = post_id.strip().lower().removeprefix("p")
        found = self.db.query_one("SELECT sender, seq FROM circle_items WHERE circle = ? AND "
                                  "id = ?", (row.id, int(text))) if text.isdigit() else None
        if found is None:
            raise NotFound(f"No post {post_id} in {row.name}.",
                           "See the ids with `companion circle feed`.")
        if own and bytes(found[0]) != row.me:
            raise InvalidInput("Only the author can edit or delete a post.")
        return Ref(bytes(found[0]), int(found[1]))

    def _queue(self, row: CircleRow, type_: str, data: dict[str, Any],
               ref: Ref | None = None) -> None:
        self._require_active(row)
        split = agreement.splits(self.engine, row.id)
        if split:  # whom it would reach is not certain: nothing goes out until they agree
            raise InvalidInput(f"Nothing was shared: this device and {split} other member(s) "
                               f"disagree about who is in {row.name} (a split).",
                               "It heals when their roster changes reach each other: sync "
                               "again. If it stays, compare safety numbers and tell an admin.")
        with self.db.transaction() as cur:
            actions.queue(self.engine, cur, row, type_, data, ref)

    def readers(self, row: CircleRow) -> int:
        """How many other people will read what this device shares now."""
        return max(0, len(self.roster(row).active()) - 1)

    # -- reading and syncing ------------------------------------------------------------------

    def feed(self, row: CircleRow, limit: int = 200) -> list[FeedItem]:
        """The newest `limit` posts, oldest first."""
        return self.feed_page(row, limit=limit).items

    def feed_page(self, row: CircleRow, *, limit: int, before: FeedKey | None = None,
                  since: FeedKey | None = None) -> FeedPage:
        """A page of the feed with the true count of older posts (see `load_feed_page`)."""
        return load_feed_page(self.db, row.id, self.shown_names(row), row.me,
                              self.engine.state.muted(row.id), limit=limit, before=before,
                              since=since)

    def transport(self, row: CircleRow) -> AnyTransport:
        return self._transport_factory(row)

    def sync(self, row: CircleRow) -> SyncReport:
        if row.status in ("removed",):
            return SyncReport(removed=True)
        with self.transport(row) as transport:
            if getattr(transport, "check_each_round", False):
                # A vanished WebDAV folder answers every GET with 404, which would read as
                # "nothing new"; one PROPFIND per round tells the two apart. (A missing
                # local folder already fails every read.)
                transport.check()
            return self.engine.sync(row.id, transport)

    # -- what the app shows beside the feed (queries in companion/circle_status.py) ------------

    def latest_item_id(self, row: CircleRow) -> int:
        from companion.circle_status import latest_item_id

        return latest_item_id(self.db, row)

    def new_checkins_since(self, row: CircleRow, after_id: int) -> list[NewCheckin]:
        """Others' check-ins applied after item `after_id` (muted members left out)."""
        from companion.circle_status import muted_members, new_checkins

        return new_checkins(self.db, row, after_id, self.shown_names(row),
                            muted_members(self.db, row))

    def pending_posts(self, row: CircleRow) -> list[PendingPost]:
        from companion.circle_status import pending_posts

        return pending_posts(self.db, row)

    def problems(self, row: CircleRow) -> list[tuple[str, str, int]]:
        """(kind, reason, count) of what sync noticed and has not been acknowledged."""
        return [(k, r, n) for k, r, n in self.db.query(
            "SELECT kind, reason, count(*) FROM circle_events WHERE circle = ? AND kind != "
            "'expected' GROUP BY kind, reason ORDER BY kind", (row.id,))]


def _default_transport(row: CircleRow) -> AnyTransport:
    spec = StorageSpec.from_dict({"kind": row.storage_kind, "location": row.storage_location})
    return build_transport(spec, _credentials(row.webdav_user, row.webdav_password))


def _invite_storage(invite: Invite) -> StorageSpec | None:
    """The storage address written in the code, checked as if typed (None: a folder circle)."""
    return parse_storage_spec(f"webdav:{invite.webdav_url}") if invite.webdav_url else None


def _credentials(user: str, password: str) -> WebDavCredentials | None:
    return WebDavCredentials(user, password) if user or password else None


def _describe(row: CircleRow) -> str:
    return f"{row.storage_kind}:{row.storage_location}"


def _clean_name(text: str, what: str, limit: int) -> str:
    value = " ".join(text.split())
    if not value:
        raise InvalidInput(f"The {what} cannot be empty.")
    if len(value) > limit:
        raise InvalidInput(f"The {what} can have at most {limit} characters.")
    return value


def _display_name(text: str) -> str:
    """A display name every admin's device will accept (sync/display_names.py): refused here,
    before anything is written, rather than by the admin's device after the invite is spent."""
    from sync.display_names import name_problem  # its table loads on first use

    name = _clean_name(text, "display name", MAX_NAME)
    problem = name_problem(name)
    if problem:
        raise InvalidInput(f"That display name cannot be used: {problem}",
                           "Choose another, written in one alphabet.")
    return name


def _text(text: str, what: str, limit: int) -> str:
    value = text.replace("\r\n", "\n")
    if len(value) > limit:
        raise InvalidInput(f"The {what} can have at most {limit:,} characters "
                           f"(this one has {len(value):,}).")
    if any((ord(ch) < 32 and ch not in "\n\t") or 0x7F <= ord(ch) <= 0x9F for ch in value):
        raise InvalidInput(f"The {what} contains control characters.")
    return value


def write_qr_png(text: str, target: Path, *, force: bool = False) -> None:
    """The invite code or a safety number as a QR code image (segno, pure Python).

    An invite is a secret: the image is private to the user (0600), written beside the target
    and renamed over it, so never through a symlink someone left there; an existing file (or
    link) is replaced only with `force`."""
    import io

    import segno

    from storage.atomic import atomic_write_bytes

    if os.path.lexists(target) and not force:
        raise UserError(f"{target} already exists; nothing was written.",
                        "Choose another file name, or add --force to replace it.")
    image = io.BytesIO()
    segno.make(text, error="m").save(image, kind="png", scale=6, border=4)
    try:
        atomic_write_bytes(target, image.getvalue())
    except OSError as exc:
        raise UserError(f"Cannot write {target}: {exc.strerror or exc}.") from None
