"""The circle page's feed: what it holds, how older posts are read, and what a card's buttons
do. `CircleReading` sits between `CircleMembers` and `CirclePage` (ui/pages/circle.py).

The feed holds a run of posts from the newest back to a key (`feed_since`; `FEED_START` once
it holds them all). A refresh reads the posts from that key on, so posts that arrived
meanwhile join in their place and none already read falls off the bottom; "Show older posts"
reads the next page below the key in the vault lane and moves the key down. A refresh that was
asked for before the key moved comes back holding less than the page does: its posts are not
used, and the page reads again. A refresh reads at most a page more than the feed holds: if a
sync brings more, the oldest held go back below the key, counted in "Show older posts".
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt

from companion.circle import CircleRow
from companion.circle_feed import FEED_START, FeedItem, FeedKey, FeedPage
from ui.models.feed_rows import FEED_PAGE, REPLIES_SHOWN, REPLY_PAGE, build_rows
from ui.pages.circle_members import CircleMembers, CircleView, refuse_on_key_change
from ui.widgets.feed_links import OpenAddressDialog, checked_url
from ui.widgets.feed_view import FeedList


class CircleReading(CircleMembers):
    """The feed's state and actions; `CirclePage` builds the widgets and calls `_show_feed`."""

    feed_view: FeedList
    visit_marks: dict[bytes, int]

    def _reset_feed(self) -> None:
        """A circle shown anew (another one picked, or the page locked): its newest page."""
        self.feed_since: FeedKey | None = None  # the oldest post the feed holds
        self.loading_older = False
        self.reply_to: int | None = None  # the post whose reply field is open
        self.expanded: set[int] = set()  # long posts shown whole
        self.replies_shown: dict[int, int] = {}  # post id: the latest replies shown (if more)

    def _take_view(self, view: CircleView) -> CircleView:
        """`view` as the page shows it (called once `current` is its circle). A refresh asked
        for before older posts were read would drop them: the page keeps the posts it holds
        and reads again."""
        held = self.view if self.view.row is not None and view.row is not None \
            and self.view.row.id == view.row.id else None
        if held is not None and view.since != self.feed_since:
            self.refresh()
            return replace(view, feed=held.feed, older=held.older, oldest=held.oldest,
                           since=held.since)
        self.feed_since = _reach(view.older, view.oldest)
        return view

    def feed_limit(self) -> int:
        """How many posts a refresh may read: those held and a page more."""
        return len(self.view.feed) + FEED_PAGE if self.feed_since is not None else FEED_PAGE

    def load_older(self) -> None:
        """Read the next page of older posts (in the vault lane) and add it below."""
        circle, before = self.current, self.view.oldest
        if circle is None or before is None or self.loading_older or self.view.older <= 0:
            return
        app = self.ctx.app
        self.loading_older = True

        def load() -> FeedPage:
            service = app.circles
            return service.feed_page_as_shown(service.find(circle.hex()), limit=FEED_PAGE,
                                              before=before)

        def show(page: FeedPage) -> None:
            self.loading_older = False
            if self.current != circle or self.view.oldest != before:
                return  # another circle, or the page moved on: this page is not next
            held = {item.id for item in self.view.feed}
            feed = [item for item in page.items if item.id not in held] + self.view.feed
            current = self.feed_view.current_row()
            self.feed_since = _reach(page.older, page.oldest)
            self.view = replace(self.view, feed=feed, older=page.older,
                                oldest=page.oldest, since=self.feed_since)
            self._show_feed()
            if current is not None and current.kind == "older" and page.items:
                # The keyboard was on "Show older posts": it goes on to the first post read,
                # not to the next "Show older posts" below them all.
                self.feed_view.go_to(("post", page.items[-1].id))

        def failed(exc: BaseException) -> None:
            self.loading_older = False
            self._action_failed(exc)

        self.ctx.runner.run(load, show, failed)

    def _show_feed(self) -> None:
        view, row = self.view, self.view.row
        if row is None:
            return
        if self.reply_to is not None and _find_item(view.feed, self.reply_to) is None:
            self.reply_to = None  # the post was deleted (or its author muted) meanwhile
        rows = build_rows(view.feed, view.pending, older=view.older,
                          new_after=self.visit_marks.get(row.id), reply_to=self.reply_to,
                          expanded=self.expanded, replies_shown=self.replies_shown)
        self.feed_view.placeholder = (
            self.tr("Nothing shared yet. Invite someone from Members, then share how you "
                    "are: only the people in this circle can read it.")
            if view.readers == 0 and view.admin else self.tr("Nothing shared yet."))
        me = next((m for m in view.members if m.you), None)
        self.feed_view.show_rows(rows, view.now, (row.me.hex()[:12],
                                                  me.label if me else row.display_name))

    # -- what a card's buttons do -------------------------------------------------------------

    def _feed_action(self, kind: str, item_id: int, argument: str) -> None:
        if kind == "older":
            self.load_older()
            return
        if kind == "more":
            self.expanded.add(item_id)
            self._show_feed()
            return
        item = _find_item(self.view.feed, item_id)
        if item is None:
            return
        if kind == "replies":
            self._show_thread(item, argument == "more")
            return
        if kind == "reply":
            self.reply_to = item.id
            self._show_feed()
            self.feed_view.focus_reply_field()
            return
        if kind == "delete":
            if not item.mine:
                return
            ref = item.ref
            self._confirm(self.tr("Delete this for everyone?"), self.tr(
                "It disappears from everyone's feed after their next sync. Someone who has "
                "already read it may remember it."), self.tr("Delete"),
                lambda: self._with_row(lambda s, r: s.delete(r, ref), sync=True))
            return
        if kind not in ("react", "unreact"):
            return
        me = next((m.label for m in self.view.members if m.you), "")
        # Shown at once; the vault hears of it in its lane, and the refresh after brings the
        # truth. The toggle decides from what is shown now, so two quick clicks add and take
        # back, never add twice.
        given = self.feed_view.feed_model.toggle_reaction(item.id, argument, me)
        ref = item.ref

        def react(service: Any, row: CircleRow) -> None:
            refuse_on_key_change(service, row)
            service.react(row, ref, argument, not given)

        self._with_row(react, sync=True)

    def _show_thread(self, post: FeedItem, more: bool) -> None:
        """The next REPLY_PAGE earlier replies of `post` (all once the rest is short), or back
        to the latest REPLIES_SHOWN. Replies not shown have no rows: a thread of 10,000
        costs its shown replies only."""
        shown = self.replies_shown.get(post.id, REPLIES_SHOWN)
        left = len(post.replies) - shown
        if more:
            self.replies_shown[post.id] = shown + (left if left <= REPLY_PAGE else REPLY_PAGE)
        else:
            self.replies_shown.pop(post.id, None)
        self._show_feed()

    def send_reply(self, target: int, text: str) -> None:
        def reply(service: Any, row: CircleRow) -> None:
            refuse_on_key_change(service, row)
            service.reply(row, f"p{target}", text)

        def sent(_result: object) -> None:
            if self.reply_to == target:
                self.reply_to = None
                self.feed_view.reply_field.close_field()
            number = self.feed_view.feed_model.find(("post", target))
            if number >= 0:
                self.feed_view.setCurrentIndex(self.feed_view.feed_model.index(number))
            self.feed_view.setFocus(Qt.FocusReason.OtherFocusReason)

        self.error.setVisible(False)
        self._with_row(reply, sent, sync=True)

    def cancel_reply(self) -> None:
        target, self.reply_to = self.reply_to, None
        self.feed_view.reply_field.close_field()
        self._show_feed()
        number = self.feed_view.feed_model.find(("post", target or -1))
        if number >= 0:
            self.feed_view.setCurrentIndex(self.feed_view.feed_model.index(number))
        self.feed_view.setFocus(Qt.FocusReason.OtherFocusReason)

    def confirm_link(self, address: str, words: str, author: str) -> None:
        """A link in a post was clicked: say where it goes; open only if asked to."""
        url = checked_url(address)
        if url is None:
            return
        self._open(OpenAddressDialog(url, words, author, self))


def _reach(older: int, oldest: FeedKey | None) -> FeedKey | None:
    """Where the next refresh reads from: the oldest post held, or the first of all once
    nothing older is left (a post dated before it, written offline, say, then shows too)."""
    return oldest if older > 0 else FEED_START


def _find_item(items: list[FeedItem], item_id: int) -> FeedItem | None:
    for item in items:
        if item.id == item_id:
            return item
        for reply in item.replies:
            if reply.id == item_id:
                return reply
    return None
