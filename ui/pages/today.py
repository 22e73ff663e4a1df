"""Today: a check-in in a few seconds, and what today holds so far. No streaks, no counts.

Beside today's list, two quiet cards: "On this day" (what was written and felt on this date in
earlier years, and a month ago) and "A question for today"; each can be turned off in
Settings, and the question set aside for the day.

Every vault call goes through the task runner. Each reply carries the generation it was asked
in; `teardown` (lock) starts a new one, so a reply that arrives late cannot put decrypted text
back on the screen.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QLocale, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from companion.app import DayItems
from companion.models import (
    DEFAULT_ACTIVITIES,
    DEFAULT_EMOTIONS,
    MOOD_LABELS,
    Changes,
    CheckIn,
    CheckInDraft,
    ItemRef,
    Kind,
    TimelineItem,
    normalize_label,
)
from companion.on_this_day import OnThisDay
from companion.preferences import Preferences
from companion.prompts import question_entry_body, question_for
from ui.context import UiContext
from ui.dialogs.checkin_edit import CheckinEditDialog
from ui.icons import icon
from ui.pages.base import Page
from ui.pages.checkin_editing import CheckinEditing
from ui.widgets.chips import ChipGroup
from ui.widgets.common import error_label, heading, hint, subheading, user_message
from ui.widgets.day_list import DayList
from ui.widgets.message_bar import MessageBar
from ui.widgets.mood_picker import EnergyPicker, MoodPicker
from ui.widgets.on_this_day_card import OnThisDayCard
from ui.widgets.question_card import QuestionCard

WIDE_ENOUGH_FOR_TWO_COLUMNS = 860


class TodayPage(Page):
    title = "Today"
    icon_name = "today"
    entry_requested = Signal(int)  # open this entry in the Journal
    write_requested = Signal(str, str)  # a new entry in the Journal: title, body

    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        self._generation = 0
        self._day_busy = self._day_again = self._stale = self._saving = False
        self._refocus_after_save = self._closed = False
        self._shown_day = ""
        self._build()
        self._wire_keys()
        ctx.changes.changed.connect(self._on_changes)
        ctx.prefs.changed.connect(self._prefs_changed)
        self._update_save_enabled()
        self._midnight = QTimer(self)  # a page left open overnight moves on to the new day
        self._midnight.setInterval(60_000)
        self._midnight.timeout.connect(self._check_day)
        self._midnight.start()

    # -- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.date_heading = heading("")
        self.prompt = subheading(self.tr("How are you right now?"))
        self.mood = MoodPicker()
        self.energy = EnergyPicker()
        self.emotions = ChipGroup(self.tr("Emotion"), DEFAULT_EMOTIONS, normalize=normalize_label)
        self.activities = ChipGroup(self.tr("Activity"), DEFAULT_ACTIVITIES,
                                    normalize=normalize_label)
        self.sleep_check = QCheckBox(self.tr("&Hours slept"))
        self.sleep_check.setAccessibleName(self.tr("Hours slept"))
        self.sleep_hours = QDoubleSpinBox()
        self.sleep_hours.setRange(0, 24)
        self.sleep_hours.setSingleStep(0.5)
        self.sleep_hours.setDecimals(1)
        self.sleep_hours.setValue(7.5)
        self.sleep_hours.setSuffix(self.tr(" h"))
        self.sleep_hours.setAccessibleName(self.tr("Hours slept"))
        self.sleep_hours.setEnabled(False)
        self.sleep_check.toggled.connect(self.sleep_hours.setEnabled)
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText(self.tr("Anything you want to remember about now "
                                             "(optional)"))
        self.note.setAccessibleName(self.tr("Note"))
        self.note.setFixedHeight(self.note.fontMetrics().lineSpacing() * 4 + 14)
        self.save_button = QPushButton(icon("save"), self.tr("Save check-in"))
        self.save_button.setToolTip(self.tr("Save check-in (Ctrl+Enter)"))
        self.save_button.setAccessibleName(self.tr("Save check-in"))
        self.save_button.clicked.connect(self.save)
        self.error = error_label()
        self.error.setVisible(False)
        self.mood.changed.connect(self._mood_changed)

        self.today_list = DayList()
        self.today_model = self.today_list.day_model
        self.message = MessageBar()
        self._known: tuple[list[str], list[str]] = ([], [])
        self.editing = CheckinEditing(self.ctx, self, self.message, lambda: self._known,
                                      self._refocus_after_change)
        self.today_list.edit_requested.connect(self.edit_checkin)
        self.today_list.delete_requested.connect(self.delete_checkin)
        self.today_list.setAccessibleName(self.tr("Today so far"))
        self.today_list.setMinimumHeight(200)
        self.today_empty = hint(self.tr("Nothing yet today. Whenever you check in or write, "
                                        "it shows up here."))
        self.today_error = error_label()
        self.today_error.setVisible(False)
        self.memories = OnThisDayCard()
        self.memories.open_requested.connect(self.open_memory)
        self.memories.setVisible(False)
        self._memories_generation = 0
        self.question = QuestionCard()
        self.question.write_requested.connect(self.write_about)
        self.question.set_aside.connect(self.set_question_aside)
        self.question.turned_off.connect(self.turn_question_off)
        self.question.setVisible(False)

        form = QVBoxLayout()
        form.setSpacing(8)
        form.addWidget(self.prompt)
        form.addWidget(self.mood)
        form.addSpacing(6)
        for text, widget in ((self.tr("Energy (optional)"), self.energy),
                             (self.tr("Emotions"), self.emotions),
                             (self.tr("Activities"), self.activities)):
            form.addWidget(_section(text, widget))
            form.addWidget(widget)
            form.addSpacing(4)
        sleep_row = QHBoxLayout()
        sleep_row.addWidget(self.sleep_check)
        sleep_row.addWidget(self.sleep_hours)
        sleep_row.addStretch(1)
        form.addLayout(sleep_row)
        form.addWidget(_section(self.tr("&Note"), self.note))
        form.addWidget(self.note)
        form.addWidget(self.error)
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_button)
        save_row.addStretch(1)
        form.addLayout(save_row)
        form.addStretch(1)

        side = QVBoxLayout()
        side.setSpacing(8)
        side.addWidget(self.memories)
        side.addWidget(self.question)
        side.addWidget(subheading(self.tr("Today so far")))
        side.addWidget(self.today_error)
        side.addWidget(self.today_empty)
        side.addWidget(self.today_list, 1)
        side.addStretch(0)  # takes the room only while the list is hidden (see _show_day)
        self._side = side

        self.columns = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.columns.setSpacing(32)
        form_box = QWidget()
        form_box.setLayout(form)
        form_box.setMaximumWidth(640)  # any wider and the eye travels too far
        form.setContentsMargins(0, 0, 0, 0)
        self.columns.addWidget(form_box, 3)
        self.columns.addLayout(side, 2)
        body = QWidget()
        outer = QVBoxLayout(body)
        outer.setContentsMargins(32, 28, 32, 28)
        outer.setSpacing(16)
        outer.addWidget(self.date_heading)
        outer.addWidget(self.message)
        outer.addLayout(self.columns, 1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll_area)
        self._show_day(None)
        self._set_date()

    def _wire_keys(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        # Text fields take digits first (Qt's shortcut override), so typing "3" in the note
        # writes a 3; everywhere else on the page it picks a mood.
        for number in MOOD_LABELS:
            shortcut = QShortcut(QKeySequence(str(number)), self, context=context)
            shortcut.activated.connect(lambda n=number: self.mood.setValue(n))
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self, context=context)
            shortcut.activated.connect(self.save)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        wide = event.size().width() >= WIDE_ENOUGH_FOR_TWO_COLUMNS
        self.columns.setDirection(QBoxLayout.Direction.LeftToRight if wide
                                  else QBoxLayout.Direction.TopToBottom)
        super().resizeEvent(event)

    # -- the page's life --------------------------------------------------------------------

    def shown(self) -> None:
        self._set_date()
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self._stale:  # something changed while the window was hidden (e.g. in the tray)
            self.refresh()

    def refresh(self) -> None:
        self._stale = self._closed = False
        if not self._midnight.isActive():
            self._midnight.start()
        self._request_day()
        self._request_labels()
        self._request_memories()
        self._show_question()

    def _refocus_after_change(self) -> None:
        """Back to the list after a correction or delete, or to the check-in when the list
        emptied (the keyboard fell through to the sidebar)."""
        if self.today_model.rowCount() > 0 and not self.today_list.isHidden():
            self.today_list.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.focus_checkin()

    def focus_work(self) -> None:
        """Today's work is the check-in: keys 1–5 pick a mood at once."""
        self.focus_checkin()

    def focus_checkin(self) -> None:
        """Put the keyboard in the check-in form (for the tray's "quick check-in")."""
        target = self.mood.button(self.mood.value() or 1)
        self.scroll_area.ensureWidgetVisible(self.mood)
        target.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def teardown(self) -> None:
        self._generation += 1
        self._closed = True
        self._midnight.stop()
        self._day_busy = self._day_again = self._saving = False
        self.editing.close()
        self._show_day(None)
        self.memories.clear()
        self.memories.setVisible(False)
        self.question.setVisible(False)
        self._reset_form()
        self.emotions.reset()
        self.activities.reset()
        for label in (self.error, self.today_error):
            label.clear()

    def _on_changes(self, changes: Changes) -> None:
        if self._closed or not (changes.entries or changes.checkins):
            return
        if not self.isVisible():
            self._stale = True
            return
        self._request_day()
        self._request_memories()
        if changes.checkins:
            self._request_labels()

    # -- loading ----------------------------------------------------------------------------

    def _today(self) -> str:
        return self.ctx.app.clock.now().date().isoformat()

    def _check_day(self) -> None:
        if self.isVisible() and self._today() != self._shown_day:
            self.shown()

    def _set_date(self) -> None:
        now = self.ctx.app.clock.now()
        self._shown_day = now.date().isoformat()
        text = QLocale().toString(QDate(now.year, now.month, now.day), "dddd, d MMMM")
        self.date_heading.setText(text)
        self.date_heading.setAccessibleName(text)

    def _request_day(self) -> None:
        if self._day_busy:  # coalesce: one more load once the current one is back
            self._day_again = True
            return
        self._day_busy = True
        app, day, generation = self.ctx.app, self._today(), self._generation
        self.ctx.runner.run(lambda: (generation, app.day(day)), self._day_loaded,
                            self._day_failed)

    def _day_loaded(self, result: tuple[int, DayItems]) -> None:
        generation, items = result
        if generation != self._generation:
            return
        self._day_busy = False
        self.today_error.setVisible(False)
        self._show_day(items)
        if self._day_again:
            self._day_again = False
            self._request_day()

    def _day_failed(self, exc: BaseException) -> None:
        self._day_busy = self._day_again = False
        self._report(exc, self.today_error)

    def _request_labels(self) -> None:
        app, generation = self.ctx.app, self._generation
        self.ctx.runner.run(lambda: (generation, app.known_labels("emotion"),
                                     app.known_labels("activity")),
                            self._labels_loaded, self._labels_failed)

    def _labels_loaded(self, result: tuple[int, list[str], list[str]]) -> None:
        generation, emotions, activities = result
        if generation == self._generation:
            self._known = (emotions, activities)
            self.emotions.add_known(emotions)
            self.activities.add_known(activities)

    def _labels_failed(self, exc: BaseException) -> None:
        self._report(exc, self.today_error)

    def _show_day(self, items: DayItems | None) -> None:
        had_focus = self.today_list.hasFocus()
        if items is None:
            self.today_list.clear()
        else:
            self.today_list.show_day(items)
        rows = self.today_model.rowCount() > 0
        self.today_empty.setVisible(not rows)
        self.today_list.setVisible(rows)
        self._side.setStretch(self._side.count() - 1, 0 if rows else 1)
        if had_focus and not rows:
            self.focus_checkin()  # the last card went: the keyboard must not fall elsewhere

    # -- on this day, and a question for today ------------------------------------------------

    def _prefs_changed(self, _prefs: Preferences) -> None:
        if not self._closed:
            self._request_memories()
            self._show_question()

    def _request_memories(self) -> None:
        if not self.ctx.prefs.current.on_this_day:
            self._memories_generation += 1  # a reply on its way is no longer wanted
            self._show_memories(None)
            return
        self._memories_generation += 1
        app, generation = self.ctx.app, (self._generation, self._memories_generation)
        day = self.ctx.app.clock.now().date()
        self.ctx.runner.run(lambda: (generation, app.on_this_day(day)),
                            self._memories_loaded, self._memories_failed)

    def _memories_loaded(self, result: tuple[tuple[int, int], OnThisDay]) -> None:
        generation, found = result
        if generation == (self._generation, self._memories_generation):
            self._show_memories(found)

    def _memories_failed(self, exc: BaseException) -> None:
        self._report(exc, self.today_error)

    def _show_memories(self, found: OnThisDay | None) -> None:
        had_focus = self.memories.isAncestorOf(self.focusWidget()) \
            if self.focusWidget() is not None else False
        self.memories.show_memories(found if self.ctx.prefs.current.on_this_day else None)
        self.memories.setVisible(not self.memories.empty)
        if had_focus:
            self.focus_checkin()

    def open_memory(self, ref: ItemRef) -> None:
        """An entry opens in the Journal; a check-in opens here, as today's do."""
        if ref.kind is Kind.ENTRY:
            self.entry_requested.emit(ref.number)
            return
        app, generation = self.ctx.app, self._generation
        self.ctx.runner.run(lambda: (generation, app.get(ref)), self._memory_loaded,
                            self._memories_failed)

    def _memory_loaded(self, result: tuple[int, TimelineItem]) -> None:
        generation, item = result
        if generation == self._generation and isinstance(item, CheckIn):
            self.editing.edit(item)

    def _show_question(self) -> None:
        prefs = self.ctx.prefs.current
        today = self.ctx.app.clock.now().date()
        wanted = prefs.question_of_the_day and prefs.question_set_aside_on != today.isoformat()
        had_focus = self.question.isAncestorOf(self.focusWidget()) \
            if self.focusWidget() is not None else False
        if wanted:
            self.question.show_question(self.tr(question_for(today)))
        self.question.setVisible(wanted)
        if had_focus and not wanted:
            self.focus_checkin()

    def write_about(self, question: str) -> None:
        self.write_requested.emit("", question_entry_body(question))

    def set_question_aside(self) -> None:
        today: date = self.ctx.app.clock.now().date()
        self.ctx.prefs.update(replace(self.ctx.prefs.current,
                                      question_set_aside_on=today.isoformat()))
        self.message.show_message(self.tr("Set aside until tomorrow."))

    def turn_question_off(self) -> None:
        self.ctx.prefs.update(replace(self.ctx.prefs.current, question_of_the_day=False))
        self.message.show_message(
            self.tr("No more questions here. Settings → Today brings them back."),
            self.tr("Undo"), self._question_back_on)

    def _question_back_on(self) -> None:
        self.ctx.prefs.update(replace(self.ctx.prefs.current, question_of_the_day=True))

    # -- the check-in -----------------------------------------------------------------------

    def _mood_changed(self, _value: int | None) -> None:
        self._update_save_enabled()

    def _update_save_enabled(self) -> None:
        self.save_button.setEnabled(self.mood.value() is not None and not self._saving)

    def draft(self) -> CheckInDraft | None:
        mood = self.mood.value()
        if mood is None:
            return None
        return CheckInDraft(
            mood=mood, energy=self.energy.value(), emotions=self.emotions.selected(),
            activities=self.activities.selected(),
            sleep_hours=self.sleep_hours.value() if self.sleep_check.isChecked() else None,
            note=self.note.toPlainText())

    def save(self) -> None:
        draft = self.draft()
        if draft is None or self._saving:
            return
        self._saving = True
        self._refocus_after_save = self.save_button.hasFocus()
        self._update_save_enabled()
        self.error.setVisible(False)
        app, generation = self.ctx.app, self._generation
        self.ctx.runner.run(lambda: (generation, app.add_checkin(draft)), self._saved,
                            self._save_failed)

    def _saved(self, result: tuple[int, CheckIn]) -> None:
        if result[0] != self._generation:
            return
        self._saving = False
        self._reset_form()
        checkin = result[1]
        # In the message bar, always in view (below the form it sat half under the fold at
        # 800×600), with Undo for a check-in saved by mistake.
        self.message.show_message(self.tr("Saved. Thank you for checking in."),
                                  self.tr("Undo"), lambda: self.editing.delete(checkin))
        if self._refocus_after_save:
            self.focus_checkin()

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        self._update_save_enabled()  # the form keeps what was typed, to fix and retry
        self._report(exc, self.error)

    def _reset_form(self) -> None:
        self.mood.setValue(None)
        self.energy.setValue(None)
        self.emotions.clear_selection()
        self.activities.clear_selection()
        self.sleep_check.setChecked(False)
        self.sleep_hours.setValue(7.5)
        self.note.setPlainText("")  # also drops the undo history
        self.error.setVisible(False)
        self._update_save_enabled()

    # -- correcting a check-in ---------------------------------------------------------------

    @property
    def dialog(self) -> CheckinEditDialog | None:
        return self.editing.dialog

    def edit_checkin(self, checkin: CheckIn) -> None:
        """Open one of today's check-ins to correct or delete it."""
        self.editing.edit(checkin)

    def delete_checkin(self, checkin: CheckIn) -> None:
        self.editing.delete(checkin)

    def _report(self, exc: BaseException, label: QLabel) -> None:
        if self._closed:  # e.g. the vault was locked while this was on its way: not news
            return
        label.setText(user_message(exc))
        label.setVisible(True)


def _section(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    label.setBuddy(buddy)
    return label


