"""The circle page: a small group's check-ins and notes, its members, and how it syncs.

The page is the circle: its name as the heading, its members in a strip under it, and the feed
(a list of cards, ui/widgets/feed_view.py) with the composer above it. Members and About are
reached from the header rather than from tabs; New circle and Join live in one menu (⋯).

Everything the page shows is loaded in one vault-lane call (`load_view`) and rendered on the GUI
thread; sharing only queues a message in the vault (so it works offline) and then asks the
background syncer to send it. Trust is explicit: members stay "unverified" until the person
compares safety numbers, and a member whose keys changed blocks sharing behind a modal alert
until they are compared again.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from companion.circle import CircleRow
from companion.circle_status import CircleStatus
from companion.models import Changes
from ui.circle_sync import CircleSyncer, SyncOutcome
from ui.context import UiContext
from ui.dialogs.circle_setup import CreateCircleDialog, JoinCircleDialog
from ui.models.feed_markdown import shown_characters
from ui.pages.circle_members import (
    CircleView,
    FormMessage,
    load_view,
    refuse_on_key_change,
)
from ui.pages.circle_reading import CircleReading
from ui.pages.circle_text import describe_status, removed_text
from ui.widgets.circle_feed import Composer
from ui.widgets.common import error_label, hint, user_message
from ui.widgets.empty_state import EmptyState
from ui.widgets.feed_header import CircleHeader
from ui.widgets.feed_view import FeedList


class CirclePage(CircleReading):
    title = "Circle"
    icon_name = "circle"

    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        self.view = CircleView()
        self.current: bytes | None = None
        self.welcomed: set[bytes] = set()  # joined this session: show the guidelines once
        self.alerted: set[tuple[bytes, tuple[str, ...]]] = set()
        self.dialog: Any = None  # the dialog open now (tests drive it)
        self._reset_feed()
        # Per circle, the newest item read before this visit: what came after is marked new
        # for as long as the page stays open (cleared when the page is shown again).
        self.visit_marks: dict[bytes, int] = {}
        self._build()
        # The session's syncer (it outlives the page's visits); a page built on its own (in a
        # test, say) runs one of its own.
        self._own_syncer = ctx.session is None
        self.syncer = ctx.session.circle_sync if ctx.session is not None else CircleSyncer(ctx,
                                                                                         self)
        self.syncer.started.connect(self._sync_started)
        self.syncer.finished.connect(self._synced)
        if self._own_syncer:
            self.syncer.start()
        ctx.changes.changed.connect(self._changed)
        self.refresh()

    # -- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.top = CircleHeader(self.tr(self.title))
        # The header's controls, by the names the rest of the page (and its tests) use.
        self.title_label, self.picker = self.top.title, self.top.picker
        self.sync_button, self.menu_button = self.top.sync_button, self.top.menu_button
        self.new_action, self.join_action = self.top.new_action, self.top.join_action
        self.member_strip, self.view_buttons = self.top.members, self.top.view_buttons
        self.picker.activated.connect(self._picked)
        self.sync_button.clicked.connect(self.sync_now)
        self.new_action.triggered.connect(self.create_circle)
        self.join_action.triggered.connect(self.join_circle)
        self.top.view_chosen.connect(self.show_view)
        self.status_line = hint("")
        self.status_line.setAccessibleName(self.tr("Sync status"))
        self.error = error_label()
        self.error.setVisible(False)
        self.banner = QLabel("")
        self.banner.setWordWrap(True)
        self.banner.setProperty("role", "section")
        self.banner.setVisible(False)
        self.stack = QStackedWidget()
        self.stack.addWidget(self._empty_state())
        self.views = QStackedWidget()
        self.views.addWidget(self._feed_view())
        self.views.addWidget(self._members_tab())
        self.views.addWidget(self._about_tab())
        self.stack.addWidget(self.views)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 12, 8)
        layout.setSpacing(6)
        layout.addWidget(self.top)
        layout.addWidget(self.status_line)
        layout.addWidget(self.error)
        layout.addWidget(self.banner)
        layout.addWidget(self.stack, 1)

    def show_view(self, number: int) -> None:
        """Feed (0), Members (1) or About (2): reached from the header, no tabs."""
        self.top.set_view(number)
        self.views.setCurrentIndex(number)
        if number == 0 and self.current is not None:
            self.refresh()  # the feed is read now: what it shows counts as seen

    def _empty_state(self) -> QWidget:
        self.empty = EmptyState("circle", self.tr("Share with people you trust"), self.tr(
            "A circle is a few people — friends, family, a support group — who see each "
            "other's check-ins and notes when you choose to share them. It is end-to-end "
            "encrypted and travels through a folder you already sync (Syncthing, Nextcloud, "
            "Dropbox) or a WebDAV server: Companion runs no server, and the storage sees "
            "nothing but sizes and times. Start one and invite people, or join with the code "
            "someone gave you."))
        self.empty.add_action(self.tr("Start a circle…"), self.create_circle, icon_name="plus")
        self.empty.add_action(self.tr("Join with a code…"), self.join_circle)
        return self.empty

    def _feed_view(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 4, 0, 0)
        box.setSpacing(6)
        self.composer = Composer()
        self.composer.share_button.clicked.connect(self.share)
        self.feed_view = FeedList()
        self.feed_view.action.connect(self._feed_action)
        self.feed_view.link_clicked.connect(self.confirm_link)
        self.feed_view.reply_field.sent.connect(self.send_reply)
        self.feed_view.reply_field.cancelled.connect(self.cancel_reply)
        box.addWidget(self.composer)
        box.addWidget(self.feed_view, 1)
        return page

    def _about_tab(self) -> QWidget:
        page = QWidget()
        outer = QVBoxLayout(page)
        outer.setContentsMargins(0, 8, 0, 0)
        form = QFormLayout()
        self.storage_label = QLabel("")
        self.storage_label.setWordWrap(True)
        self.storage_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.guidelines = QPlainTextEdit()
        self.guidelines.setAccessibleName(self.tr("Circle guidelines"))
        self.guidelines.setMaximumHeight(160)
        self.guidelines.setTabChangesFocus(True)  # Tab moves on, as everywhere else; it typed a tab
        self.save_guidelines_button = QPushButton(self.tr("Save guidelines"))
        self.save_guidelines_button.clicked.connect(self.save_guidelines)
        self.interval = QSpinBox()
        self.interval.setRange(0, 1440)
        self.interval.setSuffix(self.tr(" min"))
        self.interval.setSpecialValueText(self.tr("only when I press Sync now"))
        self.interval.setValue(self.ctx.prefs.current.circle_sync_minutes)
        self.interval.setAccessibleName(self.tr("Sync every"))
        self.interval.editingFinished.connect(self._save_preferences)
        self.notify_content = QCheckBox(self.tr(
            "Show who shared a check-in and how they feel in notifications"))
        self.notify_content.setChecked(self.ctx.prefs.current.circle_notify_content)
        self.notify_content.toggled.connect(self._save_preferences)
        save = QHBoxLayout()
        save.addStretch(1)
        save.addWidget(self.save_guidelines_button)
        form.addRow(self.tr("Storage"), self.storage_label)
        form.addRow(self.tr("Guidelines"), self.guidelines)
        form.addRow("", save)
        form.addRow(self.tr("Sync every"), self.interval)
        form.addRow(self.tr("Notifications"), self.notify_content)
        form.addRow("", hint(self.tr(
            "Without this, a notification says only that a check-in arrived, so nothing "
            "personal shows on a locked or shared screen. These two settings apply to all "
            "your circles on this device.")))
        outer.addLayout(form)
        outer.addStretch(1)  # the form keeps its rows together at the top
        return page

    def _save_preferences(self) -> None:
        current = self.ctx.prefs.current
        wanted = replace(current, circle_sync_minutes=self.interval.value(),
                         circle_notify_content=self.notify_content.isChecked())
        if wanted != current:
            self.ctx.prefs.update(wanted)

    # -- loading and showing ----------------------------------------------------------------

    def shown(self) -> None:
        self.visit_marks.clear()  # a new visit: what arrived since the last one is new
        self.refresh()

    def focus_work(self) -> None:
        if self.stack.currentWidget() is self.empty:
            self.empty.focus_first_action()
        else:
            super().focus_work()

    def refresh(self) -> None:
        app, wanted = self.ctx.app, self.current
        reading = self.isVisible() and self.views.currentIndex() == 0
        since, limit = self.feed_since, self.feed_limit()
        self.ctx.runner.run(lambda: load_view(app, wanted, mark_seen=reading, since=since,
                                              limit=limit), self._render, self._load_failed)

    def _load_failed(self, exc: BaseException) -> None:
        if self.ctx.app.is_unlocked:
            self.ctx.runner.unhandled(exc)

    def _render(self, view: CircleView) -> None:
        row = view.row
        if row is not None:
            if row.id != self.current:
                self._reset_feed()
                self.current = row.id
            view = self._take_view(view)
        self.view = view
        self.stack.setCurrentIndex(0 if row is None else 1)
        self.picker.clear()
        for circle, name in view.circles:
            self.picker.addItem(name, circle)
        self.picker.setVisible(len(view.circles) > 1)
        if row is None:
            self.current = None
            self.top.set_circle(None)  # with no circle, the empty state offers both
            for label in (self.status_line, self.error, self.banner):
                label.setVisible(False)
            return
        self.current = row.id
        self.top.set_circle(shown_characters(row.name) or self.tr("A circle you are joining"))
        self.picker.setCurrentIndex(self.picker.findData(row.id))
        self.member_strip.set_members(view.members)
        if row.id not in self.visit_marks:
            self.visit_marks[row.id] = (view.seen_before if view.seen_before is not None
                                        else view.latest)
        status = view.status
        assert status is not None
        outcome = self.syncer.outcomes.get(row.id)
        error = outcome.error if outcome is not None else None
        self.status_line.setText(describe_status(status, outcome, self.syncer.busy))
        self.status_line.setVisible(True)
        self.error.setText(self.tr("Last sync failed: %1").replace("%1", user_message(error))
                           if error is not None else "")
        self.error.setVisible(error is not None)
        banner = removed_text(row, status.refused)
        self.banner.setText(banner)
        self.banner.setVisible(bool(banner))
        active = row.status == "active"
        paused = ""
        if status.key_alerts:
            paused = self.tr("Sharing is paused: the keys of %1 changed. Verify them again "
                             "in Members.").replace("%1", ", ".join(status.key_alerts))
        elif any(kind == "split" for kind, _reason, _count in status.problems):
            paused = self.tr("Sharing is paused: this device and another member's disagree "
                             "about who is in the circle. It resumes once they agree.")
        elif not active:
            paused = banner or self.tr("You cannot share in this circle.")
        self.composer.set_readers(view.readers, paused)
        self.composer.setVisible(active or bool(status.key_alerts))
        self._show_feed()
        self._render_members(view)
        self.storage_label.setText(f"{row.storage_kind}: {row.storage_location}")
        self.guidelines.setPlainText(row.guidelines)
        self.guidelines.setReadOnly(not view.admin)
        self.guidelines.setPlaceholderText(
            self.tr("Write how you want to treat each other here.") if view.admin
            else self.tr("The admin has not written guidelines."))
        self.save_guidelines_button.setVisible(view.admin)
        if row.id in self.welcomed and row.guidelines:
            self.welcomed.discard(row.id)
            self._show_guidelines(row)
        self._key_alert(row, status)

    def _picked(self, index: int) -> None:
        picked = self.picker.itemData(index)
        if picked != self.current:
            self._reset_feed()
        self.current = picked
        self.refresh()

    # -- sync ---------------------------------------------------------------------------------

    def sync_now(self) -> None:
        if self.current is not None:
            self.syncer.sync_circle(self.current)

    def _sync_started(self, circle: bytes) -> None:
        if circle == self.current:
            self.status_line.setText(self.tr("Syncing…"))

    def _changed(self, changes: Changes) -> None:
        """A circle changed through the facade. The syncer's own rounds are handled when they
        finish (_synced, which tells a quiet round from news); anything else (a sync that
        another part of the app ran) refreshes the page now."""
        if changes.circles and not self.syncer.busy and self.isVisible():
            self.refresh()

    def _synced(self, outcome: SyncOutcome) -> None:
        report = outcome.report
        if report is not None and report.welcomed:
            self.welcomed.add(outcome.circle)
        if outcome.circle != self.current and self.current is not None:
            return
        quiet_round = (report is not None and not (
            report.applied or report.sent or report.welcomed or report.removed
            or report.rejected or report.problems or report.joined)
            and self.error.isHidden() and self.view.row is not None)
        if quiet_round:
            self._refresh_status()  # nothing new: only the status line changes
        else:
            self.refresh()

    def _refresh_status(self) -> None:
        app, circle = self.ctx.app, self.current
        if circle is None:
            return

        def load() -> CircleStatus:
            service = app.circles
            return service.status(service.find(circle.hex()), app.clock.now())

        def show(status: CircleStatus) -> None:
            if self.current == circle:
                self.status_line.setText(describe_status(
                    status, self.syncer.outcomes.get(circle), self.syncer.busy))

        self.ctx.runner.run(load, show, self._load_failed)

    # -- sharing ------------------------------------------------------------------------------

    def share(self) -> None:
        c = self.composer
        if c.is_checkin:
            mood, energy, note = c.mood.value(), c.energy.value(), c.note.text()
            if mood is None:
                self._action_failed(FormMessage(self.tr("Choose a mood to share a check-in.")))
                return

            def work(service: Any, row: CircleRow) -> None:
                refuse_on_key_change(service, row)
                service.share_checkin(row, mood, energy, (), note)
        else:
            title, body = c.title.text(), c.body.toPlainText()

            def work(service: Any, row: CircleRow) -> None:
                refuse_on_key_change(service, row)
                service.post(row, title, body)
        self.error.setVisible(False)
        self._with_row(work, lambda _r: c.clear(), sync=True)

    def save_guidelines(self) -> None:
        text = self.guidelines.toPlainText()
        self._with_row(lambda s, r: s.set_guidelines(r, text), sync=True)

    # -- dialogs ------------------------------------------------------------------------------

    def create_circle(self) -> None:
        dialog = CreateCircleDialog(self.ctx.app, self.ctx.runner, self)
        dialog.accepted.connect(lambda: self._circle_added(dialog))
        self._open(dialog)

    def join_circle(self) -> None:
        dialog = JoinCircleDialog(self.ctx.app, self.ctx.runner, self)
        dialog.accepted.connect(lambda: self._circle_added(dialog))
        self._open(dialog)

    def _circle_added(self, dialog: CreateCircleDialog | JoinCircleDialog) -> None:
        if dialog.result_row is not None:
            if dialog.result_row.id != self.current:
                self._reset_feed()
            self.current = dialog.result_row.id
            self.syncer.sync_circle(self.current)
        self.refresh()

    def teardown(self) -> None:
        if self._own_syncer:
            self.syncer.stop()
        self.view = CircleView()
        if self.dialog is not None and shiboken6.isValid(self.dialog):
            self.dialog.close()
        self.dialog = None
        for label in (self.status_line, self.error, self.banner, self.storage_label):
            label.clear()
        self.top.set_circle(None)
        self.picker.clear()
        self.feed_view.clear()
        self.member_list.clear()
        self.guidelines.clear()
        self.composer.clear()
        self._reset_feed()
        self.visit_marks.clear()

