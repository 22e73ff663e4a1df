"""The journal's list views (the day list and the search results): the keyboard moves row by
row over check-ins, entries and results, stepping over day headers, and the context menu is
asked for the row it is about, from the mouse or from the keyboard."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    Qt,
    Signal,
)
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QAbstractItemView, QListView, QWidget

from ui.models.journal_list import JournalRoles


class JournalListView(QListView):
    """A list that the keyboard moves through row by row (check-ins and entries), stepping
    over day headers. Its context menu (a right click, the menu key or Shift+F10) is asked for
    the row under the pointer, or, from the keyboard, for the current row."""

    menu_requested = Signal(int, QPoint)  # the row (-1: none), where the menu goes (global)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setUniformItemSizes(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMouseTracking(True)
        self.setFrameShape(QListView.Shape.NoFrame)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 - Qt API
        if event.reason() == QContextMenuEvent.Reason.Keyboard:
            index = self.currentIndex()
            rect = self.visualRect(index) if index.isValid() else QRect()
            place = self.viewport().mapToGlobal(rect.center() if index.isValid() else QPoint())
        else:
            place = event.globalPos()
            index = self.indexAt(self.viewport().mapFromGlobal(place))
        event.accept()
        self.menu_requested.emit(index.row() if index.isValid() else -1, place)

    def rowsAboutToBeRemoved(self, parent: QModelIndex | QPersistentModelIndex,  # noqa: N802
                             start: int, end: int) -> None:
        """A check-in's row goes (deleted, or moved by a new time) with the cursor on it: the
        cursor steps to the next row without selecting it. Qt would select it, and a selected
        entry opens in the editor: a deleted check-in must not change what the editor shows
        (nor may a second Delete take a row that was never chosen)."""
        current, selection = self.currentIndex(), self.selectionModel()
        model = self.model()
        if model is not None and selection is not None and current.isValid() \
                and start <= current.row() <= end \
                and current.data(JournalRoles.CHECKIN) is not None:
            neighbour = next_entry(model, end, 1) or next_entry(model, start, -1)
            selection.clearSelection()
            if neighbour is None:
                selection.clearCurrentIndex()
            else:
                selection.setCurrentIndex(neighbour, QItemSelectionModel.SelectionFlag.NoUpdate)
        super().rowsAboutToBeRemoved(parent, start, end)

    def moveCursor(self, action: QAbstractItemView.CursorAction,  # noqa: N802 - Qt API
                   modifiers: Qt.KeyboardModifier) -> QModelIndex:
        index = super().moveCursor(action, modifiers)
        model = self.model()
        if not index.isValid() or model is None or not index.data(JournalRoles.HEADER):
            return index
        Action = QAbstractItemView.CursorAction
        step = -1 if action in (Action.MoveUp, Action.MovePageUp, Action.MovePrevious,
                                Action.MoveLeft, Action.MoveEnd) else 1
        return next_entry(model, index.row(), step) or next_entry(model, index.row(), -step) \
            or index


def next_entry(model: QAbstractItemModel, row: int, step: int) -> QModelIndex | None:
    """The first row after `row` (going by `step`, 1 or -1) that is not a day header: an
    entry or a check-in."""
    row += step
    while 0 <= row < model.rowCount():
        index = model.index(row, 0)
        if not index.data(JournalRoles.HEADER):
            return index
        row += step
    return None
