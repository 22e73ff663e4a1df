"""The circle, as the app's facade offers it: what pages and commands may read and do.

`CompanionApp.circles` hands out this object, never the `CircleService` under it. Reads pass
through; every action (create, join, members, sharing, a sync that brought news) tells the
app's listeners once that circles changed, so every page showing a circle's feed, members or
status refreshes, whichever page or command acted. Nothing here touches the database itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from companion.models import Changes

if TYPE_CHECKING:
    from companion.circle import (
        CircleRow,
        CircleService,
        CircleSummary,
        InvitePreview,
        KeyLifetime,
        MemberView,
        SyncReport,
    )
    from companion.circle_feed import FeedItem, FeedKey, FeedPage
    from companion.circle_status import CircleStatus, NewCheckin, PendingPost
    from sync.invite import Invite
    from sync.roster import Member, Roster

_CIRCLES_CHANGED = Changes(circles=True)


class Circles:
    def __init__(self, service: CircleService, notify: Callable[[Changes], object]) -> None:
        self.service = service  # for the protocol's own tests; pages and commands use methods
        self._notify = notify

    def _changed(self) -> None:
        self._notify(_CIRCLES_CHANGED)

    # -- reading ------------------------------------------------------------------------------

    def rows(self) -> list[CircleRow]:
        return self.service.rows()

    def find(self, text: str) -> CircleRow:
        return self.service.find(text)

    def roster(self, row: CircleRow) -> Roster:
        return self.service.roster(row)

    def find_member(self, row: CircleRow, text: str) -> Member:
        return self.service.find_member(row, text)

    def summaries(self) -> list[CircleSummary]:
        return self.service.summaries()

    def members(self, row: CircleRow) -> list[MemberView]:
        return self.service.members(row)

    def shown_names(self, row: CircleRow) -> dict[bytes, str]:
        """Member id -> name as shown, with the short fingerprint beside look-alike names."""
        return self.service.shown_names(row)

    def safety_number(self, row: CircleRow, member: Member) -> str:
        return self.service.safety_number(row, member)

    def key_alerts(self, row: CircleRow) -> list[MemberView]:
        return self.service.key_alerts(row)

    def admission_refused(self, row: CircleRow) -> bool:
        return self.service.admission_refused(row)

    def readers(self, row: CircleRow) -> int:
        return self.service.readers(row)

    def feed(self, row: CircleRow, limit: int = 200) -> list[FeedItem]:
        return self.service.feed(row, limit)

    def status(self, row: CircleRow, now: datetime) -> CircleStatus:
        """Everything the status line shows for `row`, read in one go."""
        from companion.circle_status import circle_status

        return circle_status(self.service, row, now)

    def latest_item_id(self, row: CircleRow) -> int:
        return self.service.latest_item_id(row)

    def new_checkins_since(self, row: CircleRow, after_id: int) -> list[NewCheckin]:
        return self.service.new_checkins_since(row, after_id)

    def pending_posts(self, row: CircleRow) -> list[PendingPost]:
        return self.service.pending_posts(row)

    def feed_as_shown(self, row: CircleRow, limit: int = 200) -> list[FeedItem]:
        """The feed with this device's reactions that still wait to be sealed (offline,
        say) already on their items: what the person did shows at once."""
        return self.feed_page_as_shown(row, limit=limit).items

    def feed_page_as_shown(self, row: CircleRow, *, limit: int, before: FeedKey | None = None,
                           since: FeedKey | None = None) -> FeedPage:
        """A page of the feed as `feed_as_shown` shows it, with the true number of older
        posts: the newest `limit` posts older than `before` (else the newest), of those from
        `since` on if given (see `load_feed_page`)."""
        from companion.circle_feed import with_pending_reactions
        from companion.circle_status import pending_reactions

        page = self.service.feed_page(row, limit=limit, before=before, since=since)
        me = self.service.shown_names(row).get(row.me, row.display_name)
        with_pending_reactions(page.items, [(p.target, p.emoji, p.remove)
                                            for p in pending_reactions(self.service.db, row)],
                               me)
        return page

    def seen_point(self, row: CircleRow) -> int | None:
        """The newest feed item this device has shown (None: the feed was never opened)."""
        from companion.circle_status import seen_point

        return seen_point(self.service.db, row)

    def mark_seen(self, row: CircleRow, item_id: int) -> None:
        """Remember that the feed was read up to `item_id` on this device. Reading is no
        change to the circle: listeners are not told."""
        from companion.circle_status import mark_seen

        mark_seen(self.service.db, row, item_id)

    def problems(self, row: CircleRow) -> list[tuple[str, str, int]]:
        return self.service.problems(row)

    # -- acting (each tells listeners once) ---------------------------------------------------

    def create(self, name: str, storage: str, display_name: str, *, webdav_user: str = "",
               webdav_password: str = "") -> CircleRow:
        row = self.service.create(name, storage, display_name, webdav_user=webdav_user,
                                  webdav_password=webdav_password)
        self._changed()
        return row

    def invite(self, row: CircleRow) -> Invite:
        invite = self.service.invite(row)  # recorded in the vault until used or expired
        self._changed()
        return invite

    def preview_invite(self, code: str, storage: str | None = None) -> InvitePreview:
        """What the code says (circle, storage address, the admin's fingerprint), to show and
        confirm before `join`; nothing is sent or saved."""
        return self.service.preview_invite(code, storage)

    def join(self, code: str, display_name: str, storage: str | None = None, *,
             webdav_user: str = "", webdav_password: str = "",
             confirmed_storage: str | None = None) -> CircleRow:
        row = self.service.join(code, display_name, storage, webdav_user=webdav_user,
                                webdav_password=webdav_password,
                                confirmed_storage=confirmed_storage)
        self._changed()
        return row

    def set_verified(self, row: CircleRow, member: Member, verified: bool = True) -> None:
        self.service.set_verified(row, member, verified)
        self._changed()

    def set_muted(self, row: CircleRow, member: Member, muted: bool) -> None:
        self.service.set_muted(row, member, muted)
        self._changed()

    def remove(self, row: CircleRow, member: Member) -> None:
        self.service.remove(row, member)
        self._changed()

    def promote(self, row: CircleRow, member: Member) -> None:
        self.service.promote(row, member)
        self._changed()

    def rotate(self, row: CircleRow) -> None:
        self.service.rotate(row)
        self._changed()

    def leave(self, row: CircleRow) -> None:
        self.service.leave(row)
        self._changed()

    def upgrade(self, row: CircleRow) -> None:
        self.service.upgrade(row)
        self._changed()

    def key_lifetime(self, row: CircleRow) -> KeyLifetime:
        return self.service.key_lifetime(row)

    def set_forget_after(self, row: CircleRow, days: int) -> None:
        self.service.set_forget_after(row, days)
        self._changed()

    def protocol_version(self, row: CircleRow) -> int:
        return self.service.protocol_version(row)

    def share_checkin(self, row: CircleRow, mood: int, energy: int | None = None,
                      emotions: tuple[str, ...] = (), note: str = "") -> None:
        self.service.share_checkin(row, mood, energy, emotions, note)
        self._changed()

    def post(self, row: CircleRow, title: str, body: str) -> None:
        self.service.post(row, title, body)
        self._changed()

    def reply(self, row: CircleRow, post_id: str, text: str) -> None:
        self.service.reply(row, post_id, text)
        self._changed()

    def react(self, row: CircleRow, post_id: str, emoji: str, remove: bool = False) -> None:
        self.service.react(row, post_id, emoji, remove)
        self._changed()

    def edit(self, row: CircleRow, post_id: str, **changes: str | None) -> None:
        self.service.edit(row, post_id, **changes)
        self._changed()

    def delete(self, row: CircleRow, post_id: str) -> None:
        self.service.delete(row, post_id)
        self._changed()

    def set_guidelines(self, row: CircleRow, text: str) -> None:
        self.service.set_guidelines(row, text)
        self._changed()

    def sync(self, row: CircleRow) -> SyncReport:
        """One round (network and SQL); a quiet round is no news to listeners."""
        report = self.service.sync(row)
        if report.changed_anything:
            self._changed()
        return report
