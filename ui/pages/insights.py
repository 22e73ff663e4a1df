"""Insights: the period's charts, patterns worded as associations, questionnaires, summary.

The period's data is read and computed in one task on the runner (companion.period); the
charts are laid out by companion.charts and painted by ChartView, the same layouts the PDF
summary draws. The page says each thing once: every card carries its own data basis in a
footer, the "association, not cause" caution stands once above the patterns, and sentences
appear only where they add what a chart cannot show. Sections, in reading order: mood and
energy over time (one x-axis), questionnaires, patterns, and the year in pixels (a whole
calendar year with its own year buttons, whatever the period).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from companion.app import CompanionApp
from companion.charts import PATTERNS_CAUTION, period_layouts
from companion.charts.timeline import OVER_TIME_MEANING
from companion.insights.questionnaire_words import NOT_A_DIAGNOSIS, kind_title
from companion.models import Changes
from companion.period import PeriodData, YearView, load_period, load_year
from companion.questionnaires import QuestionnaireKind
from ui.context import UiContext
from ui.dialogs.questionnaire import QuestionnaireDialog
from ui.icons import icon
from ui.pages.base import Page
from ui.widgets.common import error_label, heading, hint, subheading, user_message
from ui.widgets.empty_state import EmptyState
from ui.widgets.insight_cards import ChartCard, InsightCard, text_label
from ui.widgets.questionnaire_cards import QuestionnaireCard
from ui.widgets.year_card import YearCard

PERIODS = (("Last 30 days", 30), ("Last 90 days", 90), ("Last 12 months", 365),
           ("All time", 0))


def period_bounds(app: CompanionApp, today: date, days: int) -> tuple[date, date]:
    """Runs on the task runner: "all time" starts at the first check-in."""
    if days:
        return today - timedelta(days=days - 1), today
    first = app.first_checkin()
    return (first.at.date() if first else today), today


class InsightsPage(Page):
    title = "Insights"
    icon_name = "insights"

    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        self.data: PeriodData | None = None
        self.stale = True
        self._load_id = 0  # a reply to an older request never replaces a newer one
        self._year_id = 0
        self.wanted_year: int | None = None  # None: the current year
        self.questionnaire_heading: QLabel | None = None
        self.patterns_heading: QLabel | None = None
        self.period = QComboBox()
        self.period.setAccessibleName(self.tr("Period"))
        for label, days in PERIODS:
            self.period.addItem(self.tr(label), days)
        self.period.setCurrentIndex(1)
        self.period.activated.connect(lambda _i: self.reload())
        self.summary_button = QPushButton(icon("print"), self.tr("Summary for therapy…"))
        self.summary_button.clicked.connect(self.open_summary)
        # The heading above its controls: beside them, they squashed at 800 pixels.
        top = QVBoxLayout()
        top.addWidget(heading(self.tr(self.title)))
        controls = QHBoxLayout()
        controls.addWidget(self.period)
        controls.addWidget(self.summary_button)
        controls.addStretch(1)
        top.addLayout(controls)
        self.status = hint("")
        self.error = error_label()
        self.error.setVisible(False)
        self.content = QWidget()
        self.content_layout = QVBoxLayout(self.content)
        self.content_layout.setContentsMargins(0, 0, 8, 0)
        self.content_layout.setSpacing(12)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.content)
        self.year_card = YearCard()
        self.year_card.year_wanted.connect(self.show_year)
        self.empty = EmptyState("insights", self.tr("Patterns from your check-ins"), self.tr(
            "Insights shows how your mood and energy move over weeks, what tends to come with "
            "your better and harder days, how you slept, and your questionnaire scores over "
            "time — only from what you record, and only once there is enough of it. Check in "
            "on a few days to begin."))
        self.empty.add_action(self.tr("Check in now"), self._go_check_in)
        menu = QMenu(self)
        for kind in QuestionnaireKind:
            menu.addAction(kind_title(kind), partial(self.take_questionnaire, kind))
        self.empty.add_action(self.tr("Take a questionnaire"), menu=menu)
        self.views = QStackedWidget()
        self.charts = scroll
        self.views.addWidget(scroll)
        self.views.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 24, 12)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addWidget(self.views, 1)
        ctx.changes.changed.connect(self._changed)

    # -- loading ----------------------------------------------------------------------------

    def shown(self) -> None:
        if self.stale:
            self.reload()

    def _changed(self, changes: Changes) -> None:
        if changes.checkins or changes.questionnaires or changes.screen_time:
            self.stale = True
            if self.isVisible():
                self.reload()

    @property
    def period_days(self) -> int:
        return int(self.period.currentData())

    def reload(self) -> None:
        self.stale = False
        self._load_id += 1
        self._year_id += 1  # the year comes with this load
        load_id = self._load_id
        self.status.setText(self.tr("Looking at your check-ins…"))
        app, days = self.ctx.app, self.period_days
        today = app.clock.now().date()
        year = self.wanted_year or today.year

        def work() -> tuple[int, PeriodData, bool, YearView]:
            start, end = period_bounds(app, today, days)
            return (load_id, load_period(app, start, end), app.first_checkin() is not None,
                    load_year(app, year, today))

        # Bound methods, not partials: the runner drops a reply to a page that is gone.
        self.ctx.runner.run(work, self._arrived, self._failed)

    def _arrived(self, payload: tuple[int, PeriodData, bool, YearView]) -> None:
        load_id, data, any_checkins, year = payload
        if load_id != self._load_id:
            return
        first_use = not any_checkins and not data.results
        self.views.setCurrentWidget(self.empty if first_use else self.charts)
        for widget in (self.period, self.summary_button, self.status):
            widget.setVisible(not first_use)
        self._loaded(data, year)
        if first_use and self.isVisible() and self.focusWidget() is None:
            self.empty.focus_first_action()

    def show_year(self, year: int) -> None:
        """Load one calendar year for the year in pixels (the buttons ask for this)."""
        self.wanted_year = year
        self._year_id += 1
        year_id, app = self._year_id, self.ctx.app
        today = app.clock.now().date()
        self.ctx.runner.run(lambda: (year_id, load_year(app, year, today)), self._year_arrived,
                            self._failed)

    def _year_arrived(self, payload: tuple[int, YearView]) -> None:
        year_id, view = payload
        if year_id == self._year_id:
            self.year_card.show_year(view)

    @property
    def first_use(self) -> bool:
        return self.views.currentWidget() is self.empty

    def focus_work(self) -> None:
        if self.first_use:
            self.empty.focus_first_action()
        else:
            super().focus_work()

    def _go_check_in(self) -> None:
        from ui.pages.today import TodayPage

        self.go_to.emit(TodayPage)

    def _failed(self, exc: BaseException) -> None:
        self.status.setText("")
        self.error.setText(user_message(exc))
        self.error.setVisible(True)

    # -- building ---------------------------------------------------------------------------

    def _loaded(self, data: PeriodData, year: YearView) -> None:
        self.error.setVisible(False)
        self.data = data
        self._clear()
        self.status.setText(self.tr("%1 to %2").replace("%1", _day(data.start)).replace(
            "%2", _day(data.end)))
        layouts = period_layouts(data)
        add = self.content_layout.addWidget
        if data.insights.based_on.checkins == 0:
            add(self._note_card(self.tr("Not enough data yet"), self.tr(
                "There are no check-ins in this period. Patterns appear here once you have "
                "checked in on a few days; nothing is guessed before that.")))
        else:
            add(ChartCard(layouts.over_time, title=self.tr("Mood and energy over time"),
                          meaning=self.tr(OVER_TIME_MEANING)))
        self.questionnaire_heading = subheading(self.tr("Questionnaires"))
        add(self.questionnaire_heading)
        add(hint(self.tr(NOT_A_DIAGNOSIS)))
        for kind in QuestionnaireKind:
            card = QuestionnaireCard(kind, data)
            card.take.connect(self.take_questionnaire)
            add(card)
        self.patterns_heading = None
        if data.insights.based_on.checkins:
            self.patterns_heading = subheading(self.tr("What goes with better and harder days"))
            add(self.patterns_heading)
            add(hint(self.tr(PATTERNS_CAUTION)))
            for layout in layouts.patterns:
                add(ChartCard([layout]))
        add(self.year_card)
        self.year_card.show_year(year)
        self.content_layout.addStretch(1)

    def _note_card(self, title: str, text: str) -> InsightCard:
        card = InsightCard(title)
        card.body.addWidget(text_label(text))
        return card

    def _clear(self) -> None:
        while self.content_layout.count():
            item = self.content_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None and widget is not self.year_card:
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()

    # -- actions ----------------------------------------------------------------------------

    def take_questionnaire(self, kind: QuestionnaireKind) -> QuestionnaireDialog:
        dialog = QuestionnaireDialog(self.ctx.app, self.ctx.runner, kind, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_summary(self) -> QWidget:
        """The summary dialog, starting with the period shown here (it used to start at 30
        days while Insights showed 90)."""
        from ui.dialogs.summary import SummaryDialog  # only loaded when asked for

        period = (self.data.start, self.data.end) if self.data else None
        dialog = SummaryDialog(self.ctx, self, period=period)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def teardown(self) -> None:
        self.data = None
        self._clear()
        self.year_card.clear_body()
        for dialog in self.findChildren(QWidget):
            if dialog.isWindow():
                dialog.close()


def _day(day: date) -> str:
    return f"{day.day} {day.strftime('%b %Y')}"
