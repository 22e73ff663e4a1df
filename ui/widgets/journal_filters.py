"""The journal's search box and filters: tag, from/to dates, the trash, and "go to a day".

Typing in the search box waits for a pause (`SEARCH_DELAY_MS`) before it asks for a search, so
a fast typist starts one search, not one per key; Enter searches at once, Escape clears.

One row when it fits; in a narrow window (800×600) two, the search and the tag above the dates,
the calendar and the trash, so no field is squashed (the search box had shrunk to "S…").
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

from PySide6.QtCore import QDate, QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetItem,
)

from companion.models import TagCount
from companion.search import SearchFilters
from ui.icons import icon
from ui.models.journal_list import IndexQuery

SEARCH_DELAY_MS = 200


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(qdate: QDate) -> date:
    return date(qdate.year(), qdate.month(), qdate.day())


class JournalFilterBar(QWidget):
    search_changed = Signal(str)  # after the pause, at once on Enter, "" when cleared
    filters_changed = Signal()  # tag, dates or trash
    calendar_requested = Signal()
    leave_search = Signal()  # Down in the search box: go to the list

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search the journal (Ctrl+F)"))
        self.search.setAccessibleName(self.tr("Search the journal"))
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.installEventFilter(self)
        self.delay = QTimer(self)
        self.delay.setSingleShot(True)
        self.delay.setInterval(SEARCH_DELAY_MS)
        self.delay.timeout.connect(self._search_now)
        self.search.textChanged.connect(self._typed)
        self.search.returnPressed.connect(self._search_now)
        self.tag = QComboBox()
        self.tag.setAccessibleName(self.tr("Filter by tag"))
        self.tag.setToolTip(self.tr("Show only entries with this tag"))
        self.tag.setMinimumContentsLength(10)
        self.tag.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.tag.addItem(self.tr("All tags"), None)
        self.tag.currentIndexChanged.connect(self.filters_changed)
        self.from_check, self.from_date = self._date_filter(self.tr("From"), today
                                                            - timedelta(days=30))
        self.to_check, self.to_date = self._date_filter(self.tr("To"), today)
        self.trash = QToolButton()
        self.trash.setIcon(icon("trash"))
        self.trash.setText(self.tr("Trash"))
        self.trash.setCheckable(True)
        self.trash.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.trash.setAccessibleName(self.tr("Show the trash"))
        self.trash.setToolTip(self.tr("Show entries moved to the trash, to restore them"))
        self.trash.toggled.connect(self._trash_toggled)
        self.calendar = QToolButton()
        self.calendar.setIcon(icon("calendar"))
        self.calendar.setAccessibleName(self.tr("Go to a day"))
        self.calendar.setToolTip(self.tr("Go to a day (Ctrl+G)"))
        self.calendar.clicked.connect(self.calendar_requested)
        self._rows = (QHBoxLayout(), QHBoxLayout())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        for row in self._rows:
            row.setSpacing(6)
            layout.addLayout(row)
        self._one_row: bool | None = None
        self._arrange(one_row=True)

    def _arrange(self, *, one_row: bool) -> None:
        """Lay the controls out in one row or two (in reading order either way)."""
        if one_row == self._one_row:
            return
        self._one_row = one_row
        top, bottom = self._rows
        for row in self._rows:
            while row.count():
                row.takeAt(0)
        top.addWidget(self.search, 1)
        top.addWidget(self.tag)
        second = top if one_row else bottom
        for widget in (self.from_check, self.from_date, self.to_check, self.to_date):
            second.addWidget(widget)
        if not one_row:
            second.addStretch(1)
        second.addWidget(self.calendar)
        second.addWidget(self.trash)

    def _one_row_width(self) -> int:
        """What one row needs: every control at its size, the search box at its own."""
        controls = (self.search, self.tag, self.from_check, self.from_date, self.to_check,
                    self.to_date, self.calendar, self.trash)
        spacing = self._rows[0].spacing()
        return sum(widget.sizeHint().width() for widget in controls) \
            + spacing * (len(controls) - 1)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        """As narrow as the two rows go, in either arrangement: laid out in one row (a wide
        window) the bar would otherwise ask the window for that row's width, and a window
        made narrower later found itself "too small" for a bar that would have wrapped."""
        hint = super().minimumSizeHint()
        spacing = self._rows[0].spacing()

        def row_width(widgets: tuple[QWidget, ...]) -> int:
            return sum(QWidgetItem(w).minimumSize().width() for w in widgets) \
                + spacing * (len(widgets) - 1)

        narrow = max(row_width((self.search, self.tag)),
                     row_width((self.from_check, self.from_date, self.to_check, self.to_date,
                                self.calendar, self.trash)))
        return QSize(min(hint.width(), narrow), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        self._arrange(one_row=event.size().width() >= self._one_row_width())
        super().resizeEvent(event)

    def _date_filter(self, label: str, initial: date) -> tuple[QCheckBox, QDateEdit]:
        check = QCheckBox(label)
        check.setAccessibleName(self.tr("Filter: %1 a date").replace("%1", label.lower()))
        edit = QDateEdit(_qdate(initial))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setAccessibleName(self.tr("%1 date").replace("%1", label))
        edit.setEnabled(False)
        check.toggled.connect(edit.setEnabled)
        check.toggled.connect(self.filters_changed)
        edit.dateChanged.connect(lambda _: self._date_changed(check))
        return check, edit

    def _date_changed(self, check: QCheckBox) -> None:
        if check.isChecked():  # a date that is not in use filters nothing
            self.filters_changed.emit()

    # -- the search box ---------------------------------------------------------------------

    def _typed(self, text: str) -> None:
        if text.strip():
            self.delay.start()
        else:
            self.delay.stop()
            self.search_changed.emit("")

    def _search_now(self) -> None:
        self.delay.stop()
        self.search_changed.emit(self.search.text().strip())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Escape and self.search.text():
                self.search.setText("")
                return True
            if event.key() == Qt.Key.Key_Down:
                self.leave_search.emit()
                return True
        return super().eventFilter(watched, event)

    def _trash_toggled(self, on: bool) -> None:
        self.search.setEnabled(not on)
        self.search.setPlaceholderText(self.tr("Search is for entries not in the trash") if on
                                       else self.tr("Search the journal (Ctrl+F)"))
        self.filters_changed.emit()

    # -- what the filters say ---------------------------------------------------------------

    def set_tags(self, tags: list[TagCount]) -> None:
        """Fill the tag list, keeping the chosen tag if it still exists."""
        current = self.tag.currentData()
        self.tag.blockSignals(True)
        try:
            self.tag.clear()
            self.tag.addItem(self.tr("All tags"), None)
            for tag in tags:
                self.tag.addItem(f"#{tag.name} ({tag.entries})", tag.name)
            found = self.tag.findData(current) if current is not None else 0
            self.tag.setCurrentIndex(max(0, found))
        finally:
            self.tag.blockSignals(False)
        if current is not None and found < 0:
            self.filters_changed.emit()  # the chosen tag is gone: show everything

    def dates(self) -> tuple[date | None, date | None]:
        first = _pydate(self.from_date.date()) if self.from_check.isChecked() else None
        last = _pydate(self.to_date.date()) if self.to_check.isChecked() else None
        return first, last

    def dates_problem(self) -> str | None:
        first, last = self.dates()
        if first is not None and last is not None and last < first:
            return self.tr("The “To” date is before the “From” date.")
        return None

    def bounds(self, zone: tzinfo | None) -> tuple[datetime | None, datetime | None]:
        """The chosen days as a period: from the first day's start to the end of the last."""
        first, last = self.dates()
        start = datetime.combine(first, time.min, zone) if first else None
        end = datetime.combine(last + timedelta(days=1), time.min, zone) if last else None
        return start, end

    def index_query(self, zone: tzinfo | None) -> IndexQuery:
        start, end = self.bounds(zone)
        return IndexQuery(start=start, end=end, tag=self.tag.currentData(),
                          trash=self.trash.isChecked())

    def search_filters(self, zone: tzinfo | None) -> SearchFilters:
        start, end = self.bounds(zone)
        return SearchFilters(tag=self.tag.currentData(), start=start, end=end)

    def is_filtered(self) -> bool:
        return self.tag.currentData() is not None or any(self.dates())

    def clear_filters(self) -> None:
        """All tags, any date (the search and the trash stay as they are): one change."""
        if not self.is_filtered():
            return
        for widget in (self.tag, self.from_check, self.to_check):
            widget.blockSignals(True)
        try:
            self.tag.setCurrentIndex(0)
            for check, edit in ((self.from_check, self.from_date),
                                (self.to_check, self.to_date)):
                check.setChecked(False)
                edit.setEnabled(False)
        finally:
            for widget in (self.tag, self.from_check, self.to_check):
                widget.blockSignals(False)
        self.filters_changed.emit()

    def wipe(self) -> None:
        self.delay.stop()
        self.search.blockSignals(True)
        self.search.setText("")  # setText also forgets the undo history
        self.search.blockSignals(False)
        self.tag.blockSignals(True)
        self.tag.clear()
        self.tag.blockSignals(False)
