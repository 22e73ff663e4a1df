"""Screen time: today against budgets, the last 7 or 30 days by category (and, once device sync
brings another computer's history, per computer and summed per day), editors for budgets and
categories, break and privacy settings, and what this desktop lets Companion measure.

Everything is read in one task on the vault lane and shown when it arrives; edits go back the
same way. Warnings and break reminders arrive from the driver; this page shows the latest with
"Remind me later", the tray shows them as notifications.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from companion.models import Changes
from companion.screentime.activitywatch import DEFAULT_URL, ImportResult, describe
from companion.screentime.categories import CategoryRule
from companion.screentime.messages import (
    BREAK_POSTPONE_MINUTES,
    SNOOZE_MINUTES,
    Notice,
    format_duration,
)
from companion.screentime.service import Overview
from companion.screentime.tracker import WEEKDAYS, Budget, BudgetKind
from ui.context import UiContext
from ui.pages.base import Page
from ui.screentime_driver import ScreenTimeDriver
from ui.widgets.common import heading, hint, user_message
from ui.widgets.empty_state import EmptyState
from ui.widgets.level_bar import LevelBar
from ui.widgets.message_bar import MessageBar
from ui.widgets.usage_chart import UsageChart

KINDS: tuple[tuple[BudgetKind, str], ...] = (("total", "All screen time"),
                                             ("category", "A category"), ("app", "An app"))


class ScreenTimePage(Page):
    title = "Screen time"
    icon_name = "screentime"

    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        self.driver: ScreenTimeDriver | None = None
        self.snapshot: Overview | None = None
        self.days = 7
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer.addWidget(scroll)
        self.scroll_area = scroll
        body = QWidget()
        scroll.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(14)
        layout.addWidget(heading(self.tr("Screen time")))
        self.state = hint("")
        self.state.setAccessibleName(self.tr("What Companion can measure here"))
        layout.addWidget(self.state)
        self.bar = MessageBar()
        layout.addWidget(self.bar)
        self.notice_box = self._notice_box()
        layout.addWidget(self.notice_box)
        self.empty = EmptyState("screentime", self.tr("Your time at this computer"), self.tr(
            "Screen time shows how long you use this computer each day and on what kind of "
            "app, and warns you gently when you reach a daily budget you set. What it records "
            "stays in the encrypted vault on this computer. Nothing has been measured yet."))
        self.empty.setVisible(False)
        # Made before the boxes below, so Tab reaches them first (Tab follows creation order).
        self.empty.add_action(self.tr("Set a daily budget"),
                              lambda: self._reach(self.budget_box, self.budget_kind))
        self.empty.add_action(self.tr("Bring in ActivityWatch history"),
                              lambda: self._reach(self.aw_box, self.aw_url))
        layout.addWidget(self.empty)
        self.today_box, self.history_box = self._today_box(), self._history_box()
        self.devices_box = self._devices_box()
        self.budget_box, self.aw_box = self._budget_box(), self._activitywatch_box()
        layout.addWidget(self.today_box)
        layout.addWidget(self.history_box)
        layout.addWidget(self.devices_box)
        layout.addWidget(self.budget_box)
        layout.addWidget(self._rules_box())
        layout.addWidget(self._settings_box())
        layout.addWidget(self.aw_box)
        layout.addStretch(1)
        ctx.changes.changed.connect(self._changed)
        if ctx.session is not None:
            self.attach(ctx.session.screen_time)

    # -- building -----------------------------------------------------------------------------

    def _notice_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Reminder"))
        row = QHBoxLayout(box)
        self.notice_text = QLabel()
        self.notice_text.setWordWrap(True)
        self.notice_text.setTextFormat(Qt.TextFormat.PlainText)
        self.snooze_button = QPushButton(self.tr("Remind me later"))
        self.snooze_button.clicked.connect(self._snooze)
        self.dismiss_button = QPushButton(self.tr("OK"))
        self.dismiss_button.clicked.connect(lambda: self.notice_box.setVisible(False))
        row.addWidget(self.notice_text, 1)
        row.addWidget(self.snooze_button)
        row.addWidget(self.dismiss_button)
        box.setVisible(False)
        self.current_notice: Notice | None = None
        return box

    def _today_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Today"))
        self.today_layout = QVBoxLayout(box)
        self.today_total = QLabel()
        self.today_total.setProperty("role", "subheading")
        self.today_layout.addWidget(self.today_total)
        self.budget_grid = QGridLayout()
        self.today_layout.addLayout(self.budget_grid)
        self.top_apps = hint("")
        self.today_layout.addWidget(self.top_apps)
        return box

    def _history_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("By category"))
        layout = QVBoxLayout(box)
        row = QHBoxLayout()
        self.range_group = QButtonGroup(self)
        for days, text in ((7, self.tr("Last 7 days")), (30, self.tr("Last 30 days"))):
            button = QPushButton(text)
            button.setCheckable(True)
            button.setChecked(days == self.days)
            button.clicked.connect(lambda _=False, d=days: self._set_range(d))
            self.range_group.addButton(button, days)
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.chart = UsageChart()
        layout.addWidget(self.chart)
        return box

    def _devices_box(self) -> QGroupBox:
        """Use per computer and summed per day, shown once another of the person's computers
        has sent its history (device sync); each computer's budgets count its own use."""
        box = QGroupBox(self.tr("On each computer"))
        layout = QVBoxLayout(box)
        layout.addWidget(hint(self.tr(
            "Each computer measures its own use; together they are your day. Budgets and "
            "warnings on this computer count the time spent on it.")))
        self.devices_table = _table([self.tr("Day")])
        self.devices_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.devices_table.setAccessibleName(self.tr("Screen time per computer and day"))
        # A column per computer, each as wide as its name: with many computers the table
        # scrolls sideways inside itself instead of cutting names short.
        header = self.devices_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.devices_table.setProperty("scrollsSideways", True)
        layout.addWidget(self.devices_table)
        box.setVisible(False)
        return box

    def _show_devices(self) -> None:
        snapshot = self.snapshot
        if snapshot is None or not snapshot.others:
            self.devices_box.setVisible(False)
            self.devices_table.setRowCount(0)
            return
        names, rows = snapshot.by_device(self.days)
        table = self.devices_table
        table.setColumnCount(len(names) + 2)
        table.setHorizontalHeaderLabels([self.tr("Day"), *names, self.tr("Together")])
        table.setRowCount(len(rows))
        for row, (day, used, total) in enumerate(rows):
            cells = [day, *(format_duration(t) if t else "–" for t in used),
                     format_duration(total) if total else "–"]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(row, column, item)
        self.devices_box.setVisible(True)

    def _budget_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Daily budgets"))
        layout = QVBoxLayout(box)
        layout.addWidget(hint(self.tr(
            "Budgets are yours to set; Companion only warns, gently, at 80% and 100%. A "
            "weekday's own budget replaces the every-day one on that day.")))
        self.budget_table = _table([self.tr("For"), self.tr("Name"), self.tr("Day"),
                                    self.tr("Minutes")])
        self.budget_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        layout.addWidget(self.budget_table)
        form = QHBoxLayout()
        self.budget_kind = QComboBox()
        for kind, text in KINDS:
            self.budget_kind.addItem(self.tr(text), kind)
        self.budget_target = QLineEdit()
        self.budget_target.setPlaceholderText(self.tr("category or app, e.g. video"))
        self.budget_target.setAccessibleName(self.tr("Budget for"))
        self.budget_kind.currentIndexChanged.connect(
            lambda: self.budget_target.setEnabled(self.budget_kind.currentData() != "total"))
        self.budget_target.setEnabled(False)
        self.budget_day = QComboBox()
        self.budget_day.addItem(self.tr("Every day"), -1)
        for number, name in enumerate(WEEKDAYS):
            self.budget_day.addItem(self.tr(name.capitalize()), number)
        self.budget_minutes = QSpinBox()
        self.budget_minutes.setRange(1, 1440)
        self.budget_minutes.setValue(60)
        self.budget_minutes.setSuffix(self.tr(" min"))
        self.budget_minutes.setAccessibleName(self.tr("Minutes per day"))
        add = QPushButton(self.tr("Set budget"))
        add.clicked.connect(self._set_budget)
        remove = QPushButton(self.tr("Remove selected"))
        remove.clicked.connect(self._remove_budget)
        # Two rows, so the form fits an 800-pixel window without scrolling sideways.
        for widget in (self.budget_kind, self.budget_target, self.budget_day,
                       self.budget_minutes):
            form.addWidget(widget)
        form.setStretch(1, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout.addLayout(form)
        layout.addLayout(buttons)
        return box

    def _rules_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Categories"))
        layout = QVBoxLayout(box)
        layout.addWidget(hint(self.tr(
            "Rules are tried from the top; the first that matches decides. App and title are "
            "regular expressions (case does not matter); leave one empty to match anything. "
            "Changes apply to time measured from now on.")))
        self.rules_table = _table([self.tr("Category"), self.tr("App matches"),
                                   self.tr("Title matches")])
        header = self.rules_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.rules_table.setColumnWidth(0, 140)
        self.rules_table.setMinimumHeight(220)
        layout.addWidget(self.rules_table)
        row = QHBoxLayout()
        for text, slot in ((self.tr("Add rule"), self._add_rule),
                           (self.tr("Remove selected"), self._remove_rule),
                           (self.tr("Save rules"), self._save_rules),
                           (self.tr("Restore defaults"), self._default_rules)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        return box

    def _settings_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Measuring, privacy and breaks"))
        form = QFormLayout(box)
        prefs = self.ctx.prefs.current
        self.enabled_box = QCheckBox(self.tr("Measure screen time while Companion is unlocked"))
        self.privacy_box = QCheckBox(self.tr("Privacy mode: keep app names only, never "
                                             "window titles"))
        self.eye_box = QCheckBox(self.tr("Eye breaks: 20 seconds after 20 minutes of use"))
        self.rest_box = QCheckBox(self.tr("Rest breaks"))
        self.idle_spin = _spin(1, 60, self.tr(" min"))
        self.rest_after_spin = _spin(50, 60, self.tr(" min"))
        self.rest_length_spin = _spin(5, 10, self.tr(" min"))
        self.day_start_spin = _spin(0, 23, self.tr(":00"))
        form.addRow(self.enabled_box)
        form.addRow(self.privacy_box)
        form.addRow(self.tr("Idle after no input for"), self.idle_spin)
        form.addRow(self.tr("A day starts at"), self.day_start_spin)
        form.addRow(self.eye_box)
        form.addRow(self.rest_box)
        form.addRow(self.tr("Rest break after"), self.rest_after_spin)
        form.addRow(self.tr("Rest break lasts"), self.rest_length_spin)
        self._show_preferences(prefs)
        for check in (self.enabled_box, self.privacy_box, self.eye_box, self.rest_box):
            check.toggled.connect(self._save_preferences)
        for spin in (self.idle_spin, self.rest_after_spin, self.rest_length_spin,
                     self.day_start_spin):
            spin.valueChanged.connect(self._save_preferences)
        return box

    def _activitywatch_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Bring your ActivityWatch history"))
        form = QFormLayout(box)
        form.addRow(hint(self.tr(
            "If ActivityWatch runs on this computer, Companion can add its history: only the "
            "time it marked as not away counts, and importing again adds nothing twice.")))
        self.aw_url = QLineEdit(DEFAULT_URL)
        self.aw_url.setAccessibleName(self.tr("ActivityWatch address"))
        self.aw_days = _spin(1, 3650, self.tr(" days"))
        self.aw_days.setValue(365)
        self.aw_button = QPushButton(self.tr("Import"))
        self.aw_button.clicked.connect(self.import_activitywatch)
        form.addRow(self.tr("Address"), self.aw_url)
        form.addRow(self.tr("The last"), self.aw_days)
        form.addRow("", self.aw_button)
        return box

    def import_activitywatch(self) -> None:
        app = self.ctx.app
        url, days, now = self.aw_url.text().strip() or DEFAULT_URL, self.aw_days.value(), \
            app.clock.now()
        self.aw_button.setEnabled(False)
        self.bar.show_message(self.tr("Reading from ActivityWatch…"))

        def done(result: ImportResult) -> None:
            self.aw_button.setEnabled(True)
            self._edited(describe(result))

        def failed(exc: BaseException) -> None:
            self.aw_button.setEnabled(True)
            self._failed(exc)

        self.ctx.runner.run(
            lambda: app.import_activitywatch(start=now - timedelta(days=days), end=now, url=url),
            done, failed)

    # -- the driver ---------------------------------------------------------------------------

    def attach(self, driver: ScreenTimeDriver) -> None:
        self.driver = driver
        driver.notice.connect(self.show_notice)
        driver.state_changed.connect(self._show_state)
        self._show_state()

    def _show_state(self) -> None:
        driver = self.driver
        if driver is None or driver.probe is None:
            self.state.setText(self.tr("Looking at what this desktop lets Companion measure…"))
            return
        text = self.tr(driver.probe.capabilities.summary)
        if not self.ctx.prefs.current.screen_time_enabled:
            text += " " + self.tr("Measuring is turned off below.")
        elif driver.measuring:
            text += " " + self.tr("Measuring now, while Companion is unlocked.")
        self.state.setText(text)

    def show_notice(self, notice: Notice) -> None:
        self.current_notice = notice
        self.notice_box.setTitle(self.tr(notice.title))
        self.notice_text.setText(self.tr(notice.text))
        self.snooze_button.setText(
            self.tr("Remind me in %1 min").replace(
                "%1", str(SNOOZE_MINUTES if notice.kind == "budget"
                          else BREAK_POSTPONE_MINUTES)))
        self.notice_box.setVisible(True)
        if notice.kind == "budget":
            self.refresh()

    def _snooze(self) -> None:
        notice = self.current_notice
        if notice is not None and self.driver is not None:
            self.driver.snooze(notice, SNOOZE_MINUTES if notice.kind == "budget"
                               else BREAK_POSTPONE_MINUTES)
        self.notice_box.setVisible(False)

    # -- data ---------------------------------------------------------------------------------

    def shown(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        app = self.ctx.app
        # The month is loaded once; the 7-day view is a slice of it.
        self.ctx.runner.run(lambda: app.screen_time_overview(30), self.show_snapshot,
                            self._failed)

    def _reach(self, box: QWidget, first: QWidget) -> None:
        self.scroll_area.ensureWidgetVisible(box, 0, 0)
        first.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def first_use(self) -> bool:
        return not self.empty.isHidden()

    def focus_work(self) -> None:
        if self.first_use:
            self.empty.focus_first_action()
        else:
            super().focus_work()

    def show_snapshot(self, snapshot: Overview) -> None:
        self.snapshot = snapshot
        nothing = snapshot.status.totals.total <= timedelta(0) and not any(
            used > timedelta(0) for day in snapshot.history.values() for used in day.values()
        ) and not snapshot.others
        self.empty.setVisible(nothing)
        self.today_box.setVisible(not nothing)
        self.history_box.setVisible(not nothing)
        totals = snapshot.status.totals
        self.today_total.setText(self.tr("%1 of active use today").replace(
            "%1", format_duration(totals.total)))
        while self.budget_grid.count():
            item = self.budget_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)  # out of findChildren at once, not at the next loop
                widget.deleteLater()
        for row, use in enumerate(snapshot.status.budgets):
            label = QLabel(self.tr(use.budget.label))
            bar = LevelBar(12)
            bar.setRange(0, 100)
            bar.setValue(min(100, round(use.fraction * 100)))
            bar.setAccessibleName(self.tr("Budget for %1").replace("%1", use.budget.label))
            # Amber from 80%, red past the budget: information, not alarm.
            bar.set_level("red" if use.fraction >= 1 else "amber" if use.fraction >= 0.8
                          else "accent")
            amount = QLabel(self.tr("%1 of %2").replace("%1", format_duration(use.used))
                            .replace("%2", format_duration(use.budget.limit)))
            bar.setToolTip(amount.text())
            self.budget_grid.addWidget(label, row, 0)
            self.budget_grid.addWidget(bar, row, 1)
            self.budget_grid.addWidget(amount, row, 2)
        self.budget_grid.setColumnStretch(1, 1)
        if not snapshot.status.budgets:
            self.budget_grid.addWidget(hint(self.tr("No budget applies today.")), 0, 0)
        top = list(totals.by_app.items())[:5]
        self.top_apps.setText(" · ".join(f"{app} {format_duration(used)}" for app, used in top)
                              if top else self.tr("Nothing measured yet today."))
        self._show_chart()
        self._show_devices()
        self._fill_budgets(snapshot.budgets)
        self._fill_rules(snapshot.rules)

    def _show_chart(self) -> None:
        if self.snapshot is not None:
            self.chart.set_data(self.snapshot.today, self.days, self.snapshot.history)

    def _set_range(self, days: int) -> None:
        self.days = days
        self._show_chart()
        self._show_devices()

    def _failed(self, exc: BaseException) -> None:
        self.bar.show_error(user_message(exc))

    # -- budgets ------------------------------------------------------------------------------

    def _fill_budgets(self, budgets: tuple[Budget, ...]) -> None:
        self.budget_table.setRowCount(len(budgets))
        for row, budget in enumerate(budgets):
            day = (self.tr("Every day") if budget.weekday is None
                   else self.tr(WEEKDAYS[budget.weekday].capitalize()))
            kind = dict(KINDS)[budget.kind]
            for column, text in enumerate((self.tr(kind), budget.target or "—", day,
                                           str(int(budget.limit.total_seconds() // 60)))):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, budget)
                self.budget_table.setItem(row, column, item)

    def _set_budget(self) -> None:
        app = self.ctx.app
        kind = self.budget_kind.currentData()
        target = self.budget_target.text()
        weekday = self.budget_day.currentData()
        minutes = self.budget_minutes.value()
        self.ctx.runner.run(
            lambda: app.set_screen_time_budget(kind, target, minutes,
                                               None if weekday < 0 else weekday),
            lambda _: self._edited(self.tr("Budget saved.")), self._failed)

    def _remove_budget(self) -> None:
        item = self.budget_table.item(self.budget_table.currentRow(), 0)
        if item is None:
            return
        budget: Budget = item.data(Qt.ItemDataRole.UserRole)
        app = self.ctx.app
        self.ctx.runner.run(lambda: app.remove_screen_time_budget(budget.kind, budget.target,
                                                                  budget.weekday),
                            lambda _: self._edited(self.tr("Budget removed.")), self._failed)

    def _edited(self, message: str) -> None:
        self.bar.show_message(message)  # the page itself refreshes on the change (_changed)

    def _changed(self, changes: Changes) -> None:
        """Budgets, rules or imported time changed (here or anywhere): show them anew."""
        if changes.screen_time:
            self.refresh()

    # -- categories ---------------------------------------------------------------------------

    def _fill_rules(self, rules: tuple[CategoryRule, ...]) -> None:
        self.rules_table.setRowCount(len(rules))
        for row, rule in enumerate(rules):
            for column, text in enumerate((rule.category, rule.app, rule.title)):
                self.rules_table.setItem(row, column, QTableWidgetItem(text))

    def table_rules(self) -> list[CategoryRule]:
        def cell(row: int, column: int) -> str:
            item = self.rules_table.item(row, column)
            return item.text() if item is not None else ""

        return [CategoryRule(cell(r, 0), cell(r, 1), cell(r, 2))
                for r in range(self.rules_table.rowCount())]

    def _add_rule(self) -> None:
        row = self.rules_table.rowCount()
        self.rules_table.insertRow(row)
        for column in range(3):
            self.rules_table.setItem(row, column, QTableWidgetItem(""))
        self.rules_table.setCurrentCell(row, 0)
        first = self.rules_table.item(row, 0)
        if first is not None:
            self.rules_table.editItem(first)

    def _remove_rule(self) -> None:
        if self.rules_table.currentRow() >= 0:
            self.rules_table.removeRow(self.rules_table.currentRow())

    def _save_rules(self) -> None:
        rules, app = self.table_rules(), self.ctx.app
        self.ctx.runner.run(lambda: app.set_screen_time_rules(rules),
                            lambda _: self._edited(self.tr("Categories saved.")), self._failed)

    def _default_rules(self) -> None:
        app = self.ctx.app
        self.ctx.runner.run(lambda: app.set_screen_time_rules(None),
                            lambda _: self._edited(self.tr("Default categories restored.")),
                            self._failed)

    # -- preferences --------------------------------------------------------------------------

    def _show_preferences(self, prefs: object) -> None:
        from companion.preferences import Preferences

        assert isinstance(prefs, Preferences)
        self.enabled_box.setChecked(prefs.screen_time_enabled)
        self.privacy_box.setChecked(prefs.privacy_mode)
        self.eye_box.setChecked(prefs.eye_breaks)
        self.rest_box.setChecked(prefs.rest_breaks)
        self.idle_spin.setValue(prefs.idle_minutes)
        self.rest_after_spin.setValue(prefs.rest_after_minutes)
        self.rest_length_spin.setValue(prefs.rest_minutes)
        self.day_start_spin.setValue(int(prefs.day_starts_at.split(":")[0]))

    def _save_preferences(self) -> None:
        current = self.ctx.prefs.current
        updated = replace(
            current, screen_time_enabled=self.enabled_box.isChecked(),
            privacy_mode=self.privacy_box.isChecked(), eye_breaks=self.eye_box.isChecked(),
            rest_breaks=self.rest_box.isChecked(), idle_minutes=self.idle_spin.value(),
            rest_after_minutes=self.rest_after_spin.value(),
            rest_minutes=self.rest_length_spin.value(),
            day_starts_at=f"{self.day_start_spin.value():02d}:{current.day_starts_at[3:]}")
        if updated != current:
            self.ctx.prefs.update(updated)
            self._show_state()

    def teardown(self) -> None:
        self.snapshot = None
        self.budget_table.setRowCount(0)
        self.devices_table.setRowCount(0)
        self.devices_box.setVisible(False)
        self.rules_table.setRowCount(0)
        self.top_apps.setText("")
        self.notice_text.setText("")
        self.chart.set_data(datetime.now().date(), self.days, {})


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    table.verticalHeader().setVisible(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setMinimumHeight(160)
    # Tab leaves the table (arrow keys move between cells): Tab from cell to cell kept the
    # keyboard inside it.
    table.setTabKeyNavigation(False)
    return table


def _spin(low: int, high: int, suffix: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setSuffix(suffix)
    spin.setMaximumWidth(120)
    return spin
