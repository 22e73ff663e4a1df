"""The circle page's members tab and the actions every part of the page shares.

`CircleMembers` is the base of `CirclePage`: the member list with verification state, the
verify dialog, mute, remove, promote, invite and leave (with confirmation), the blocking alert
when a member's keys change, and `_with_row`, which runs a service call for the circle shown in
the vault lane and then refreshes. `load_view` is the one vault call that feeds the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from companion.app import CompanionApp
from companion.circle import CircleRow, MemberView
from companion.circle_feed import FeedItem, FeedKey
from companion.circle_status import CircleStatus, PendingPost
from companion.errors import UserError
from ui.circle_sync import CircleSyncer
from ui.dialogs.circle_trust import InviteDialog, KeyChangeDialog, VerifyDialog
from ui.icons import icon
from ui.models.feed_rows import FEED_PAGE
from ui.pages.base import Page
from ui.widgets.common import hint, user_message
from ui.widgets.feed_style import paint_avatar


@dataclass
class CircleView:
    circles: list[tuple[bytes, str]] = field(default_factory=list)
    row: CircleRow | None = None
    members: list[MemberView] = field(default_factory=list)
    feed: list[FeedItem] = field(default_factory=list)
    status: CircleStatus | None = None
    readers: int = 0
    admin: bool = False
    pending: list[PendingPost] = field(default_factory=list)
    version: int = 2  # the circle's protocol version: an admin may upgrade one of version 1
    seen_before: int | None = None  # the newest item read here before this load (None: never)
    latest: int = 0  # the newest item id of the circle
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    # The feed's posts are a run from the newest back to `oldest`; `older` more are in the
    # vault ("Show older posts" reads them). `since` is where this load was asked to reach.
    older: int = 0
    oldest: FeedKey | None = None
    since: FeedKey | None = None


def load_view(app: CompanionApp, wanted: bytes | None, *, mark_seen: bool = False,
              since: FeedKey | None = None, limit: int = FEED_PAGE) -> CircleView:
    """Everything the page shows for circle `wanted` (else the first), in one vault call: the
    newest `limit` posts of its feed, of those from `since` on if given (what the page holds
    after "Show older posts"). With `mark_seen` (the feed is on screen), what it shows counts
    as read on this device."""
    service = app.circles
    rows = service.rows()
    if not rows:
        return CircleView()
    row = next((r for r in rows if r.id == wanted), rows[0])
    since = since if row.id == wanted else None  # a key says nothing about another circle
    members = service.members(row) if row.genesis else []
    page = service.feed_page_as_shown(row, limit=limit, since=since)
    seen = service.seen_point(row)
    latest = service.latest_item_id(row)
    if mark_seen and latest:
        service.mark_seen(row, latest)
    return CircleView([(r.id, r.name or "(joining)") for r in rows], row, members,
                      page.items, service.status(row, app.clock.now()),
                      service.readers(row) if row.status == "active" else 0,
                      any(m.you and m.admin and m.active for m in members),
                      service.pending_posts(row),
                      service.protocol_version(row) if row.status == "active" else 2,
                      seen, latest, app.clock.now(), page.older, page.oldest, since)


class CircleMembers(Page):
    """Members and shared actions; `CirclePage` builds the rest of the page on top."""

    view: CircleView
    current: bytes | None
    dialog: Any
    alerted: set[tuple[bytes, tuple[str, ...]]]
    syncer: CircleSyncer
    error: QLabel

    def refresh(self) -> None:
        """Reload everything shown (the page defines it)."""

    def _members_tab(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 8, 0, 0)
        self.member_list = QTreeWidget()
        self.member_list.setHeaderLabels([self.tr("Name"), self.tr("Role"), self.tr("Trust"),
                                          self.tr("On this device")])
        self.member_list.setRootIsDecorated(False)
        self.member_list.setStyleSheet("QTreeWidget::item { padding: 5px 2px; }")
        self.member_list.setAccessibleName(self.tr("Members"))
        self.member_list.itemSelectionChanged.connect(self._member_buttons)
        # Columns share the width there is (fixed widths scrolled sideways at 800×600).
        header = self.member_list.header()
        header.setStretchLastSection(False)
        for column, mode in enumerate((QHeaderView.ResizeMode.Stretch,
                                       QHeaderView.ResizeMode.ResizeToContents,
                                       QHeaderView.ResizeMode.Stretch,
                                       QHeaderView.ResizeMode.ResizeToContents)):
            header.setSectionResizeMode(column, mode)
        row = QHBoxLayout()
        self.verify_button = QPushButton(self.tr("Verify…"))
        self.verify_button.clicked.connect(self._verify_selected)
        self.mute_button = QPushButton(self.tr("Mute on this device"))
        self.mute_button.clicked.connect(self.toggle_mute)
        self.remove_button = QPushButton(self.tr("Remove…"))
        self.remove_button.clicked.connect(self.remove_member)
        self.promote_button = QPushButton(self.tr("Make co-admin"))
        self.promote_button.clicked.connect(self.promote_member)
        self.invite_button = QPushButton(self.tr("Invite someone…"))
        self.invite_button.clicked.connect(self.invite)
        self.leave_button = QPushButton(self.tr("Leave circle…"))
        self.leave_button.clicked.connect(self.leave)
        self.upgrade_button = QPushButton(self.tr("Upgrade circle…"))
        self.upgrade_button.setToolTip(self.tr(
            "Move this circle to protocol version 2, which hides who sent what from the "
            "storage"))
        self.upgrade_button.clicked.connect(self.upgrade)
        # What to do with the chosen member on one row, with the circle on the next: on one
        # row at 800×600 they read "nvite someone." and "ute on this devi".
        for button in (self.verify_button, self.mute_button, self.remove_button,
                       self.promote_button):
            row.addWidget(button)
        row.addStretch(1)
        circle_row = QHBoxLayout()
        for button in (self.invite_button, self.upgrade_button, self.leave_button):
            circle_row.addWidget(button)
        circle_row.addStretch(1)
        for button in (self.verify_button, self.mute_button, self.remove_button,
                       self.promote_button, self.invite_button, self.upgrade_button,
                       self.leave_button):
            button.setMinimumWidth(button.sizeHint().width())
        box.addWidget(hint(self.tr(
            "Compare safety numbers with each member (in person or on a call) to be sure "
            "nobody is in the middle. Muting hides a member's posts on this device only.")))
        box.addWidget(self.member_list, 1)
        box.addLayout(row)
        box.addLayout(circle_row)
        return page


    def _render_members(self, view: CircleView) -> None:
        selected = self._selected_member()
        keep = selected.id if selected else None
        self.member_list.clear()
        for member in view.members:
            item = QTreeWidgetItem([
                member.label + (self.tr(" (you)") if member.you else ""),
                self.tr("admin") if member.admin else self.tr("member"),
                self.tr(member.state), self.tr("muted") if member.muted else ""])
            item.setData(0, Qt.ItemDataRole.UserRole, member.id)
            item.setIcon(0, self._avatar(member))
            if member.verified and not member.key_changed and member.active:
                item.setIcon(2, icon("shield"))
            self.member_list.addTopLevelItem(item)
            if member.id == keep:
                item.setSelected(True)
        active = view.row is not None and view.row.status == "active"
        self.invite_button.setVisible(view.admin)
        self.upgrade_button.setVisible(view.admin and active and view.version < 2)
        self.leave_button.setEnabled(active)
        self._member_buttons()

    def _avatar(self, member: MemberView) -> QIcon:
        """The member's initials in their colour, as on their cards in the feed."""
        ratio = max(1.0, self.devicePixelRatioF())
        image = QPixmap(round(20 * ratio), round(20 * ratio))
        image.setDevicePixelRatio(ratio)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        paint_avatar(painter, QRectF(0, 0, 20, 20), member.id, member.label,
                     self.palette(), self.font())
        painter.end()
        return QIcon(image)

    def _selected_member(self) -> MemberView | None:
        items = self.member_list.selectedItems()
        if not items:
            return None
        wanted = items[0].data(0, Qt.ItemDataRole.UserRole)
        return next((m for m in self.view.members if m.id == wanted), None)

    def select_member(self, name: str) -> None:
        for index in range(self.member_list.topLevelItemCount()):
            item = self.member_list.topLevelItem(index)
            if item is not None:
                item.setSelected(item.text(0).startswith(name))

    def _member_buttons(self) -> None:
        member = self._selected_member()
        other = member is not None and not member.you and member.active
        active = self.view.row is not None and self.view.row.status == "active"
        self.verify_button.setEnabled(other and active)
        self.mute_button.setEnabled(member is not None and not member.you)
        self.mute_button.setText(self.tr("Unmute") if member is not None and member.muted
                                 else self.tr("Mute on this device"))
        self.remove_button.setVisible(self.view.admin)
        self.remove_button.setEnabled(other and self.view.admin)
        self.promote_button.setVisible(self.view.admin)
        self.promote_button.setEnabled(other and self.view.admin and member is not None
                                       and not member.admin)


    def _with_row(self, work: Callable[[Any, CircleRow], Any],
                  done: Callable[[Any], None] | None = None, *, sync: bool = False) -> None:
        """Run `work(service, fresh row)` in the vault lane; then refresh (and sync)."""
        if self.current is None:
            return
        app, circle = self.ctx.app, self.current

        def job() -> Any:
            service = app.circles
            return work(service, service.find(circle.hex()))

        def ok(result: Any) -> None:
            if done is not None:
                done(result)
            self.refresh()
            if sync:
                self.syncer.sync_circle(circle)

        self.ctx.runner.run(job, ok, self._action_failed)

    def _action_failed(self, exc: BaseException) -> None:
        self.error.setText(user_message(exc))
        self.error.setVisible(True)


    # -- members ------------------------------------------------------------------------------

    def _verify_selected(self) -> None:
        self.verify_member()

    def verify_member(self, member_id: str | None = None) -> None:
        member = (next((m for m in self.view.members if m.id == member_id), None)
                  if member_id else self._selected_member())
        if member is None or member.you:
            return
        mid = member.id

        def number(service: Any, row: CircleRow) -> str:
            return str(service.safety_number(row, service.find_member(row, mid)))

        self._with_row(number, lambda n: self._open_verify(member, n))

    def _open_verify(self, member: MemberView, number: str) -> None:
        dialog = VerifyDialog(member.label, number, self)
        dialog.answered.connect(lambda match: self._verified(member.id, match))
        self._open(dialog)

    def _verified(self, member_id: str, match: bool) -> None:
        if match:
            self._with_row(lambda s, r: s.set_verified(r, s.find_member(r, member_id)))
            return
        self.error.setText(self.tr(
            "The numbers do not match: someone may be in the middle, or the invite reached "
            "someone else. Do not share anything personal; ask the admin to remove this member "
            "and invite the person again."))
        self.error.setVisible(True)

    def toggle_mute(self) -> None:
        member = self._selected_member()
        if member is None:
            return
        mid, mute = member.id, not member.muted
        self._with_row(lambda s, r: s.set_muted(r, s.find_member(r, mid), mute))

    def remove_member(self) -> None:
        member = self._selected_member()
        if member is None or self.view.row is None:
            return
        mid = member.id
        self._confirm(
            self.tr("Remove %1?").replace("%1", member.label),
            self.tr("%1 will not be able to read anything shared from now on. What they "
                    "already read stays with them.").replace("%1", member.label),
            self.tr("Remove"),
            lambda: self._with_row(lambda s, r: s.remove(r, s.find_member(r, mid)), sync=True))

    def promote_member(self) -> None:
        member = self._selected_member()
        if member is None:
            return
        mid = member.id
        self._with_row(lambda s, r: s.promote(r, s.find_member(r, mid)), sync=True)

    def leave(self) -> None:
        row = self.view.row
        if row is None:
            return
        self._confirm(
            self.tr("Leave %1?").replace("%1", row.name),
            self.tr("You will not receive anything shared in %1 from now on, and the others "
                    "are told that you left. To come back you need a new invite.").replace(
                "%1", row.name),
            self.tr("Leave"), lambda: self._with_row(lambda s, r: s.leave(r), sync=True))

    def upgrade(self) -> None:
        row = self.view.row
        if row is None:
            return
        self._confirm(
            self.tr("Upgrade %1?").replace("%1", row.name),
            self.tr("%1 was made by an older Companion. After the upgrade the storage no "
                    "longer sees who sent what, and old keys are deleted after a while. Every "
                    "member needs this version of Companion or newer to read what is shared "
                    "after it. This cannot be undone.").replace("%1", row.name),
            self.tr("Upgrade"), lambda: self._with_row(lambda s, r: s.upgrade(r), sync=True))

    def _confirm(self, title: str, text: str, action: str, then: Callable[[], None]) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, title, text,
                          QMessageBox.StandardButton.Cancel, self)
        yes = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.buttonClicked.connect(lambda button: then() if button is yes else None)
        box.confirm_button = yes  # type: ignore[attr-defined]
        self._open(box)

    def invite(self) -> None:
        def make(s: Any, r: CircleRow) -> tuple[str, str, str]:
            invite = s.invite(r)
            return r.name, invite.code(), invite.admin.short_fingerprint

        self._with_row(make, lambda result: self._open(
            InviteDialog(result[0], result[1], result[2], self)))

    def _key_alert(self, row: CircleRow, status: CircleStatus) -> None:
        key = (row.id, tuple(status.key_alerts))
        if not status.key_alerts or key in self.alerted:
            return
        self.alerted.add(key)
        dialog = KeyChangeDialog(status.key_alerts, self)
        changed = next((m for m in self.view.members if m.key_changed and m.active), None)
        if changed is not None:
            dialog.verify_requested.connect(lambda: self.verify_member(changed.id))
        self._open(dialog)

    def _show_guidelines(self, row: CircleRow) -> None:
        box = QMessageBox(QMessageBox.Icon.Information,
                          self.tr("Welcome to %1").replace("%1", row.name),
                          self.tr("The circle's guidelines:") + "\n\n" + row.guidelines,
                          QMessageBox.StandardButton.Ok, self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        self._open(box)


    def _open(self, dialog: Any) -> None:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()



class FormMessage(UserError):
    """A sentence for the error line that is not a failure of the core (a form left empty)."""


def refuse_on_key_change(service: Any, row: CircleRow) -> None:
    alerts = service.key_alerts(row)
    if alerts:
        raise UserError("The keys of " + ", ".join(a.label for a in alerts) + " changed. "
                        "Nothing was shared.", "Verify them again in Members first.")


