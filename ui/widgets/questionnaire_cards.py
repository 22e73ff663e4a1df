"""The questionnaires section of Insights: one card per questionnaire, not a drop-down.

Each card names the questionnaire once ("PHQ-9 · low mood"; the menu said "PHQ-9 — Patient
Health Questionnaire (PHQ-9)" and ran past the window's edge), says the latest score and what
its band means in words, shows the scores over the period as a small chart, and offers "Take
again" (or "Take" the first time) right there.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPushButton, QWidget

from companion.charts.timeline import questionnaire_chart
from companion.insights.questionnaire_words import kind_title, latest_sentences
from companion.period import PeriodData
from companion.plurals import plural
from companion.questionnaire_store import Trend
from companion.questionnaires import QuestionnaireKind
from ui.widgets.chart_view import ChartView
from ui.widgets.insight_cards import InsightCard, text_label

HISTORY_HEIGHT = 130.0


class QuestionnaireCard(InsightCard):
    take = Signal(object)  # QuestionnaireKind

    def __init__(self, kind: QuestionnaireKind, data: PeriodData,
                 parent: QWidget | None = None) -> None:
        title = kind_title(kind)
        super().__init__(title, parent=parent)
        self.kind = kind
        trend = data.trends.get(kind, Trend(kind, ()))
        latest = data.latest.get(kind)
        self.button = QPushButton(self.tr("Take again") if latest else self.tr("Take"))
        self.button.setAccessibleName(f"{self.button.text()}: {title}")
        self.button.clicked.connect(lambda _checked=False: self.take.emit(kind))
        self.add_header_widget(self.button)
        self.words = text_label(latest_sentences(kind, trend, latest))
        self.body.addWidget(self.words)
        self.chart_view: ChartView | None = None
        if trend.points:
            start, end = data.start, data.end
            self.chart_view = ChartView(
                lambda width: questionnaire_chart(trend, start, end, width, HISTORY_HEIGHT),
                titled=False)
            self.chart_view.setAccessibleName(self.tr("%1 scores in this period").replace(
                "%1", title))
            self.body.addWidget(self.chart_view)
            self.set_footer(self.tr("%1 in this period").replace(
                "%1", plural(len(trend.points), "result")))
