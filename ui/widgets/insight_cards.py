"""The cards Insights is made of: a title (with room for controls beside it), a line on how to
read what follows, the chart or one honest line, and a compact footer with what it rests on.

Each card says its data basis once, in its footer, and nowhere else (every card used to repeat
"Based on N check-ins" in its text, and again under the page heading). A chart without enough
data collapses to its reason in one line instead of an empty grey box.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from companion.charts import Layout
from ui.widgets.chart_view import ChartView
from ui.widgets.common import hint


def text_label(text: str, role: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if role:
        label.setProperty("role", role)
    return label


class InsightCard(QFrame):
    """A framed card: title row, optional meaning, body, footer."""

    def __init__(self, title: str, meaning: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("card", True)
        # On the base colour (white in light): the charts' palettes are made for it, and the
        # year's empty days (#eef0f3) vanished on the light window grey.
        self.setObjectName("insightCard")
        self.setStyleSheet("QFrame#insightCard { background: palette(base); }")
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(16, 12, 16, 10)
        self.column.setSpacing(6)
        self.header = QHBoxLayout()
        self.title = text_label(title, "section")
        self.title.setAccessibleName(title)
        self.header.addWidget(self.title, 1)
        self.column.addLayout(self.header)
        self.meaning = hint(meaning)
        self.column.addWidget(self.meaning)  # in the card before it is shown or hidden: a
        self.meaning.setVisible(bool(meaning))  # label shown first was a window of its own
        self.body = QVBoxLayout()
        self.body.setSpacing(6)
        self.column.addLayout(self.body)
        self.footer = text_label("", "hint")
        self.column.addWidget(self.footer)
        self.footer.setVisible(False)
        self.setAccessibleName(title)

    def set_title(self, title: str) -> None:
        self.title.setText(title)
        self.title.setAccessibleName(title)
        self.setAccessibleName(title)

    def set_footer(self, text: str) -> None:
        self.footer.setText(text)
        self.footer.setVisible(bool(text))

    def add_header_widget(self, widget: QWidget) -> None:
        self.header.addWidget(widget, 0, Qt.AlignmentFlag.AlignVCenter)

    def clear_body(self) -> None:
        while self.body.count():
            item = self.body.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:  # out of the tree now, so nothing finds it before it goes
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()


class ChartCard(InsightCard):
    """One or more charts under one title, stacked on one x-axis (mood above energy).

    The first chart gives the title and the meaning unless they are given; the footer joins
    the charts' bases. A chart without enough data shows its reason instead; if the first one
    has none, the card is that one line."""

    def __init__(self, layouts: Sequence[Layout], *, title: str = "", meaning: str = "",
                 parent: QWidget | None = None) -> None:
        charts = [layout(600) for layout in layouts]
        first = charts[0]
        super().__init__(title or first.title, meaning or first.meaning, parent)
        self.views: list[ChartView] = []
        self.reasons: list[QLabel] = []
        bases: list[str] = []
        for layout, chart in zip(layouts, charts, strict=True):
            if chart.basis and chart.basis not in bases:
                bases.append(chart.basis)
            if not chart.enough_data:
                reason = text_label(chart.reason)
                self.reasons.append(reason)
                self.body.addWidget(reason)
                if chart is first:
                    self.meaning.setVisible(False)  # nothing drawn to read
                    break
                continue
            view = ChartView(layout, titled=False)
            self.views.append(view)
            self.body.addWidget(view)
            for sentence in chart.texts:
                self.body.addWidget(text_label(sentence))
        self.set_footer(" · ".join(bases))

    @property
    def enough_data(self) -> bool:
        return bool(self.views)
