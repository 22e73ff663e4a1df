"""A day's check-ins and entries as a list of small cards: time and mood (or title), then
energy, emotions, activities, sleep and the start of the note.

The model holds finished rows built once when the day is loaded; `data()` and `paint()` only
read them (no SQL, no icon rendering).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QItemSelectionModel,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTime,
    Signal,
)
from PySide6.QtGui import QFocusEvent, QFont, QFontMetrics, QIcon, QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QListView,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from companion.app import DayItems
from companion.markdown_text import plain_title
from companion.models import ENERGY_LABELS, MOOD_LABELS, CheckIn, Entry
from ui.icons import icon
from ui.theme import MOOD_COLOURS

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
_PAD, _ICON, _GAP = 10, 28, 2
_WRAP = Qt.TextFlag.TextWordWrap
ModelIndex = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("DayList", text)


@dataclass(frozen=True)
class DayRow:
    title: str
    lines: tuple[str, ...]
    tooltip: str
    icon: QIcon
    checkin: CheckIn | None = None  # a check-in's row can be opened, edited and deleted

    @property
    def text(self) -> str:
        return "\n".join((self.title, *self.lines))


class DayModel(QAbstractListModel):
    """A day's items, newest first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[DayRow] = []

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return row.text
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.tooltip or None
        if role == Qt.ItemDataRole.DecorationRole:
            return row.icon
        if role == ROW_ROLE:
            return row
        return None

    def set_rows(self, rows: list[DayRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows([])


class DayCardDelegate(QStyledItemDelegate):
    """Paints a row as a rounded card: face on the left, a bold first line, then details."""

    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self.view = view

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        bold = QFont(option.font)
        bold.setWeight(QFont.Weight.DemiBold)
        return bold, QFont(option.font)

    def _text_width(self) -> int:
        return max(80, self.view.viewport().width() - _ICON - 3 * _PAD - 4)

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:  # noqa: N802
        row = index.data(ROW_ROLE)
        if not isinstance(row, DayRow):
            return super().sizeHint(option, index)
        bold, normal = self._fonts(option)
        width = self._text_width()
        height = QFontMetrics(bold).boundingRect(QRect(0, 0, width, 10_000), _WRAP,
                                                  row.title).height()
        metrics = QFontMetrics(normal)
        for line in row.lines:
            height += _GAP + metrics.boundingRect(QRect(0, 0, width, 10_000), _WRAP,
                                                  line).height()
        return QSize(width + _ICON + 3 * _PAD, max(_ICON, height) + 2 * _PAD + 6)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: ModelIndex) -> None:
        row = index.data(ROW_ROLE)
        if not isinstance(row, DayRow):
            super().paint(painter, option, index)
            return
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        focused = selected and self.view.hasFocus()
        card = QRectF(option.rect).adjusted(0.5, 3.5, -0.5, -2.5)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(palette.color(QPalette.ColorRole.Highlight if focused
                                     else QPalette.ColorRole.Mid))
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(card, 8, 8)
        top, left = int(card.top()) + _PAD, int(card.left()) + _PAD
        row.icon.paint(painter, QRect(left, top, _ICON, _ICON))
        bold, normal = self._fonts(option)
        x, width = left + _ICON + _PAD, self._text_width()
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        for number, line in enumerate((row.title, *row.lines)):
            painter.setFont(bold if number == 0 else normal)
            bounds = painter.boundingRect(QRect(x, top, width, 10_000), _WRAP, line)
            painter.drawText(bounds, _WRAP, line)
            top = bounds.bottom() + 1 + _GAP
        painter.restore()


class DayList(QListView):
    """Shows a `DayItems`; `clear()` drops every row (on lock). A check-in's card opens for
    editing on a click or Enter, and its context menu (right-click, the menu
    key or Shift+F10) offers Edit and Delete; the Delete key deletes it."""

    edit_requested = Signal(object)  # the CheckIn
    delete_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self.clicked.connect(self._open)  # Enter and Return: keyPressEvent
        self.day_model = DayModel(self)
        self.setModel(self.day_model)
        self.setItemDelegate(DayCardDelegate(self))
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.setFrameShape(QListView.Shape.NoFrame)
        self.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.viewport().setAutoFillBackground(False)
        self._faces = {n: icon(f"mood-{n}", MOOD_COLOURS[n]) for n in MOOD_LABELS}
        self._entry_icon = icon("journal")

    def show_day(self, items: DayItems) -> None:
        rows = [(c.at, c.id, self.checkin_row(c)) for c in items.checkins]
        rows += [(e.created, e.id, self.entry_row(e)) for e in items.entries]
        rows.sort(key=lambda r: (r[0], r[1]), reverse=True)
        self.day_model.set_rows([row for _, _, row in rows])

    def clear(self) -> None:
        self.day_model.clear()

    def checkin_at(self, index: QModelIndex) -> CheckIn | None:
        row = index.data(ROW_ROLE) if index.isValid() else None
        return row.checkin if isinstance(row, DayRow) else None

    def _open(self, index: QModelIndex) -> None:
        checkin = self.checkin_at(index)
        if checkin is not None:
            self.edit_requested.emit(checkin)

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt API
        """Tab in marks the card it lands on: Delete and Enter act on the current card, which
        must be the one that looks chosen (Tab used to land on an unmarked card)."""
        super().focusInEvent(event)
        current = self.currentIndex()
        if not current.isValid() and self.model() is not None and self.model().rowCount():
            current = self.model().index(0, 0)
        if current.isValid() and not self.selectionModel().isSelected(current):
            self.setCurrentIndex(current)
            self.selectionModel().select(current,
                                         QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        checkin = self.checkin_at(self.currentIndex())
        if checkin is not None and event.key() == Qt.Key.Key_Delete:
            self.delete_requested.emit(checkin)
            return
        if checkin is not None and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.edit_requested.emit(checkin)
            return
        super().keyPressEvent(event)

    def _menu(self, position: QPoint) -> None:
        index = self.indexAt(position)
        if not index.isValid():
            index = self.currentIndex()
        checkin = self.checkin_at(index)
        if checkin is None:
            return
        menu = QMenu(self)
        menu.addAction(_tr("Edit…"), lambda: self.edit_requested.emit(checkin))
        menu.addAction(_tr("Delete"), lambda: self.delete_requested.emit(checkin))
        self.menu = menu  # kept for tests; a new one replaces it
        menu.popup(self.viewport().mapToGlobal(position))

    def checkin_row(self, checkin: CheckIn) -> DayRow:
        lines = []
        facts = []
        if checkin.energy is not None:
            facts.append(_tr("Energy: %1").replace("%1", _tr(ENERGY_LABELS[checkin.energy])))
        if checkin.sleep_hours is not None:
            facts.append(_tr("slept %1 h").replace("%1", f"{checkin.sleep_hours:g}"))
        if facts:
            lines.append(" · ".join(facts))
        if checkin.emotions:
            lines.append(_tr("Felt: %1").replace("%1", ", ".join(checkin.emotions)))
        if checkin.activities:
            lines.append(_tr("Did: %1").replace("%1", ", ".join(checkin.activities)))
        if checkin.note:
            lines.append(elide(checkin.note))
        title = f"{clock_time(checkin.at.hour, checkin.at.minute)}  ·  " \
                f"{_tr(MOOD_LABELS[checkin.mood].capitalize())}"
        return DayRow(title, tuple(lines), checkin.note, self._faces[checkin.mood], checkin)

    def entry_row(self, entry: Entry) -> DayRow:
        title = entry.title or plain_title(entry.body, 90) or _tr("Untitled entry")
        heading = f"{clock_time(entry.created.hour, entry.created.minute)}  ·  " \
                  f"{_tr('Journal entry')}"
        face = self._faces[entry.mood] if entry.mood is not None else self._entry_icon
        return DayRow(heading, (title,), "", face)


def clock_time(hour: int, minute: int) -> str:
    return QLocale().toString(QTime(hour, minute), QLocale.FormatType.ShortFormat)


def elide(text: str, limit: int = 90) -> str:
    """The note's first line, shortened: the list is a glance, the whole note is the tooltip."""
    lines = text.strip().splitlines() or [""]
    first = lines[0]
    return first if len(first) <= limit and len(lines) == 1 else first[:limit].rstrip() + "…"
