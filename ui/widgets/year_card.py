"""Year in pixels: a whole calendar year, with buttons to the year before and after.

The year does not follow the period selector (with "Last 90 days" it showed January to August
blank); the page loads the year asked for (companion.period.load_year) and hands it here.
The buttons are ordinary push buttons, so Tab reaches them and Space presses them.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPushButton, QWidget

from companion.charts import year_chart
from companion.charts.calendar import MEANING
from companion.period import YearView
from ui.widgets.chart_view import ChartView
from ui.widgets.insight_cards import InsightCard, text_label


class YearCard(InsightCard):
    year_wanted = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Year in pixels"), self.tr(MEANING), parent)
        self.view_data: YearView | None = None
        self.chart_view: ChartView | None = None
        self.previous = QPushButton()
        self.next = QPushButton()
        for button, step in ((self.previous, -1), (self.next, 1)):
            button.clicked.connect(lambda _checked=False, s=step: self._step(s))
            button.setEnabled(False)
            self.add_header_widget(button)

    @property
    def year(self) -> int | None:
        return self.view_data.year if self.view_data else None

    def show_year(self, view: YearView) -> None:
        self.view_data = view
        year = view.year
        self.set_title(self.tr("Year in pixels, %1").replace("%1", str(year)))
        self.previous.setText(f"‹ {year - 1}")
        self.previous.setAccessibleName(self.tr("Previous year, %1").replace("%1",
                                                                              str(year - 1)))
        self.next.setText(f"{year + 1} ›")
        self.next.setAccessibleName(self.tr("Next year, %1").replace("%1", str(year + 1)))
        focused = self.previous.hasFocus(), self.next.hasFocus()
        self.previous.setEnabled(year > view.first_year)
        self.next.setEnabled(year < view.last_year)
        for had_focus, button, other in ((focused[0], self.previous, self.next),
                                         (focused[1], self.next, self.previous)):
            if had_focus and not button.isEnabled() and other.isEnabled():
                other.setFocus()  # at the first or last year the keyboard stays on the card
        self.clear_body()
        pixels = view.pixels
        self.chart_view = None
        if pixels.enough_data:
            self.chart_view = ChartView(lambda width: year_chart(pixels, width), titled=False)
            shown: QWidget = self.chart_view
        else:
            shown = text_label(self.tr("No check-ins in %1.").replace("%1", str(year)))
        self.body.addWidget(shown)
        # Shown now, not on the next turn of the loop as Qt does for a new child of a shown
        # widget: the page's layout measured the card without it and squeezed the year into
        # 98 pixels after a reload.
        shown.setVisible(True)
        self.meaning.setVisible(pixels.enough_data)
        self.updateGeometry()
        chart = year_chart(pixels, 600)
        self.set_footer(chart.basis if pixels.enough_data else "")

    def _step(self, step: int) -> None:
        if self.view_data is not None:
            self.year_wanted.emit(self.view_data.year + step)
