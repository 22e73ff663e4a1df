"""A small calendar window for "go to a day" (Ctrl+G): days that have entries are shown in bold.

The picker does not read the vault itself: it asks (`month_shown`) and the page answers with
`mark_days` from a background task, so paging through months never blocks the window.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QPoint, Qt, Signal
from PySide6.QtGui import QFont, QTextCharFormat
from PySide6.QtWidgets import QCalendarWidget, QDialog, QVBoxLayout, QWidget

from ui.widgets.common import hint


class DayPicker(QDialog):
    day_picked = Signal(object)  # datetime.date
    month_shown = Signal(int, int)  # year, month

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Dialog)
        self.setWindowTitle(self.tr("Go to a day"))
        self.setAccessibleName(self.tr("Go to a day"))
        self.calendar = QCalendarWidget()
        self.calendar.setAccessibleName(self.tr("Calendar"))
        self.calendar.setGridVisible(False)
        self.calendar.setVerticalHeaderFormat(
            QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.calendar.activated.connect(self._picked)
        self.calendar.clicked.connect(self._picked)
        self.calendar.currentPageChanged.connect(self.month_shown)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.calendar)
        layout.addWidget(hint(self.tr("Days in bold have entries. Enter goes there.")))
        self.marked: set[date] = set()

    def open_at(self, anchor: QWidget, day: date) -> None:
        self.calendar.setSelectedDate(QDate(day.year, day.month, day.day))
        self.calendar.setCurrentPage(day.year, day.month)
        self.adjustSize()
        below = anchor.mapToGlobal(QPoint(anchor.width() - self.width(), anchor.height()))
        self.move(below)
        self.show()
        self.calendar.setFocus()
        self.month_shown.emit(day.year, day.month)

    def mark_days(self, days: set[date]) -> None:
        """Show these days in bold (and only these)."""
        self.calendar.setDateTextFormat(QDate(), QTextCharFormat())  # clears every format
        bold = QTextCharFormat()
        bold.setFontWeight(QFont.Weight.Bold)
        for day in days:
            self.calendar.setDateTextFormat(QDate(day.year, day.month, day.day), bold)
        self.marked = set(days)

    def _picked(self, qdate: QDate) -> None:
        self.accept()
        self.day_picked.emit(date(qdate.year(), qdate.month(), qdate.day()))

    def wipe(self) -> None:
        self.hide()
        self.mark_days(set())
