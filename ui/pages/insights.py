"""Insights: the period's charts, patterns worded as associations, questionnaires, summary.

The period's data is read and computed in one task on the runner (companion.period); the
charts are laid out by companion.charts and painted by ChartView, the same layouts the PDF
summary draws. Every chart says what it rests on, and a chart without enough data says so
instead of drawing a pattern that is not there.
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
from companion.charts import chart_layouts
from companion.models import Changes
from companion.period import PeriodData, load_period
from companion.questionnaires import QuestionnaireKind, load
from ui.context import UiContext
from ui.dialogs.questionnaire import QuestionnaireDialog
from ui.icons import icon
from ui.pages.base import Page
from ui.widgets.chart_view import ChartView
from ui.widgets.common import error_label, heading, hint, subheading, user_message
from ui.widgets.empty_state import EmptyState

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
        self.period = QComboBox()
        self.period.setAccessibleName(self.tr("Period"))
        for label, days in PERIODS:
            self.period.addItem(self.tr(label), days)
        self.period.setCurrentIndex(1)
        self.period.activated.connect(lambda _i: self.reload())
        self.take_button = QPushButton(self.tr("Take a questionnaire"))
        menu = QMenu(self.take_button)
        for kind in QuestionnaireKind:
            definition = load(kind)
            menu.addAction(f"{definition.short_title} — {definition.title}",
                           partial(self.take_questionnaire, kind))
        self.take_button.setMenu(menu)
        self.summary_button = QPushButton(icon("print"), self.tr("Summary for therapy…"))
        self.summary_button.clicked.connect(self.open_summary)
        # The heading above its controls: beside them, they squashed at 800 pixels.
        top = QVBoxLayout()
        top.addWidget(heading(self.tr(self.title)))
        controls = QHBoxLayout()
        controls.addWidget(self.period)
        controls.addWidget(self.take_button)
        controls.addWidget(self.summary_button)
        controls.addStretch(1)
        top.addLayout(controls)
        self.status = hint("")
        self.error = error_label()
        self.error.setVisible(False)
        self.content = QWidget()
        self.content_layout = QVBoxLayout(self.content)
        self.content_layout.setContentsMargins(0, 0, 8, 0)
        self.content_layout.setSpacing(14)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.content)
        self.empty = EmptyState("insights", self.tr("Patterns from your check-ins"), self.tr(
            "Insights shows how your mood and energy move over weeks, what tends to come with "
            "your better and harder days, how you slept, and your questionnaire scores over "
            "time — only from what you record, and only once there is enough of it. Check in "
            "on a few days to begin."))
        self.empty.add_action(self.tr("Check in now"), self._go_check_in)
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

    def reload(self) -> None:
        self.stale = False
        self.status.setText(self.tr("Looking at your check-ins…"))
        app, days = self.ctx.app, int(self.period.currentData())
        today = app.clock.now().date()

        def work() -> tuple[PeriodData, bool]:
            start, end = period_bounds(app, today, days)
            return load_period(app, start, end), app.first_checkin() is not None

        self.ctx.runner.run(work, self._arrived, self._failed)

    def _arrived(self, payload: tuple[PeriodData, bool]) -> None:
        data, any_checkins = payload
        first_use = not any_checkins and not data.results
        self.views.setCurrentWidget(self.empty if first_use else self.charts)
        for widget in (self.period, self.summary_button, self.status):
            widget.setVisible(not first_use)
        self._loaded(data)
        if first_use and self.isVisible() and self.focusWidget() is None:
            self.empty.focus_first_action()

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

    def _loaded(self, data: PeriodData) -> None:
        self.error.setVisible(False)
        self.data = data
        self._clear()
        basis = data.insights.based_on
        self.status.setText(self.tr("%1 to %2 · %3").replace("%1", data.start.strftime(
            "%d %b %Y")).replace("%2", data.end.strftime("%d %b %Y")).replace(
            "%3", basis.text))
        if basis.checkins == 0:
            self.content_layout.addWidget(self._card_text(
                self.tr("Not enough data yet"),
                self.tr("There are no check-ins in this period. Patterns appear here once "
                        "you have checked in on a few days; nothing is guessed before that.")))
        self.content_layout.addWidget(self._questionnaire_card(data))
        for layout in chart_layouts(data):
            self.content_layout.addWidget(self._chart_card(layout))
        self.content_layout.addStretch(1)

    # -- building ---------------------------------------------------------------------------

    def _chart_card(self, layout) -> QFrame:  # type: ignore[no-untyped-def]
        card = QFrame()
        card.setProperty("card", True)
        column = QVBoxLayout(card)
        column.setContentsMargins(16, 12, 16, 12)
        view = ChartView(layout)
        column.addWidget(view)
        chart = view.chart
        for sentence in chart.texts:
            label = QLabel(f"• {sentence}")
            label.setWordWrap(True)
            column.addWidget(label)
        column.addWidget(hint(chart.basis))
        column.addWidget(hint(chart.meaning))
        return card

    def _card_text(self, title: str, text: str) -> QFrame:
        card = QFrame()
        card.setProperty("card", True)
        column = QVBoxLayout(card)
        column.setContentsMargins(16, 12, 16, 12)
        column.addWidget(subheading(title))
        label = QLabel(text)
        label.setWordWrap(True)
        column.addWidget(label)
        return card

    def _questionnaire_card(self, data: PeriodData) -> QFrame:
        lines = []
        for kind, trend in data.trends.items():
            definition = load(kind)
            latest = trend.latest
            if latest is None:
                continue
            line = (f"{definition.short_title}: {latest.score} ({latest.band}) on "
                    f"{latest.taken_at.strftime('%d %b %Y')}")
            if trend.change is not None:
                line += (" — same as the time before" if trend.change == 0 else
                         f" — {'+' if trend.change > 0 else '−'}{abs(trend.change)} since the "
                         "time before")
            lines.append(line)
        text = "\n".join(lines) if lines else self.tr(
            "No questionnaires taken in this period. PHQ-9 (mood), GAD-7 (anxiety) and WHO-5 "
            "(wellbeing) take two or three minutes each; every two weeks is a common rhythm.")
        return self._card_text(self.tr("Questionnaires"), text)

    def _clear(self) -> None:
        while self.content_layout.count():
            item = self.content_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()

    # -- actions ----------------------------------------------------------------------------

    def take_questionnaire(self, kind: QuestionnaireKind) -> QuestionnaireDialog:
        dialog = QuestionnaireDialog(self.ctx.app, self.ctx.runner, kind, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_summary(self) -> QWidget:
        from ui.dialogs.summary import SummaryDialog  # only loaded when asked for

        dialog = SummaryDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def teardown(self) -> None:
        self.data = None
        self._clear()
        for dialog in self.findChildren(QWidget):
            if dialog.isWindow():
                dialog.close()
