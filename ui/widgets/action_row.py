"""A row with a note on the left and buttons on the right that folds instead of overlapping.

Where everything fits it is one line: the note, room, then the buttons. Where it does not, the
note takes a line of its own and the buttons go below it, right-aligned, wrapping like words if
even they do not fit on one line. A button is never narrower than its words, so nothing is cut
off and nothing is drawn over anything else. (The Journal editor's row needed 823 px of window
at 800×600, and "Save" was drawn over "Move to trash".)
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget, QWidgetItem


class ActionRow(QLayout):
    """`note` (a status label) on the left, then the widgets added with `addWidget`."""

    def __init__(self, note: QWidget, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._gap = spacing
        self._note_widget = note
        self._note = QWidgetItem(note)
        self.addChildWidget(note)
        self._items: list[QLayoutItem] = []
        self.setContentsMargins(0, 0, 0, 0)

    # -- QLayout ------------------------------------------------------------------------

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt API
        self._items.append(item)

    def count(self) -> int:
        return len(self._items) + 1

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt API
        if index == 0:
            return self._note
        return self._items[index - 1] if 0 < index <= len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt API
        if 0 < index <= len(self._items):
            return self._items.pop(index - 1)
        return None  # the note stays: the row is built around it

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt API
        return Qt.Orientation.Horizontal

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt API
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt API
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt API
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt API
        """The widest of the note and the buttons: each can have a line of its own."""
        size = QSize(0, 0)
        for item in self._shown():
            size = size.expandedTo(item.sizeHint())
        return self._with_margins(size)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        """Everything on one line."""
        hints = [item.sizeHint() for item in self._shown()]
        width = sum(hint.width() for hint in hints) + self._gap * max(0, len(hints) - 1)
        return self._with_margins(QSize(width, max((h.height() for h in hints), default=0)))

    # -- arranging ----------------------------------------------------------------------

    def _with_margins(self, size: QSize) -> QSize:
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _has_note(self) -> bool:
        return not self._note_widget.isHidden() and self._note.sizeHint().width() > 0

    def _buttons(self) -> list[QLayoutItem]:
        return [item for item in self._items
                if (widget := item.widget()) is None or not widget.isHidden()]

    def _shown(self) -> list[QLayoutItem]:
        return ([self._note] if self._has_note() else []) + self._buttons()

    def _button_lines(self, width: int) -> list[list[tuple[QLayoutItem, QSize]]]:
        lines: list[list[tuple[QLayoutItem, QSize]]] = [[]]
        used = 0
        for item in self._buttons():
            hint = item.sizeHint()
            if lines[-1] and used + self._gap + hint.width() > width:
                lines.append([])
                used = 0
            used += hint.width() + (self._gap if lines[-1] else 0)
            lines[-1].append((item, hint))
        return [line for line in lines if line]

    def _arrange(self, rect: QRect, *, apply: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        lines = self._button_lines(area.width())
        one_line = sum(hint.width() for _item, hint in lines[0]) + self._gap * (
            len(lines[0]) - 1) if lines else 0
        note = self._note.sizeHint() if self._has_note() else QSize(0, 0)
        y = area.y()
        if note.width() and (len(lines) > 1 or note.width() + self._gap + one_line
                             > area.width()):
            if apply:  # a line of its own
                self._note.setGeometry(QRect(area.x(), y, area.width(), note.height()))
            y += note.height() + self._gap
            note = QSize(0, 0)
        for number, line in enumerate(lines):
            height = max(hint.height() for _item, hint in line)
            if number == 0 and note.width():
                height = max(height, note.height())
            used = sum(hint.width() for _item, hint in line) + self._gap * (len(line) - 1)
            x = area.right() + 1 - used
            if apply and number == 0 and note.width():  # the note beside the buttons
                self._note.setGeometry(QRect(area.x(), y, x - self._gap - area.x(), height))
            for item, hint in line:
                if apply:
                    top = y + (height - hint.height()) // 2
                    item.setGeometry(QRect(QPoint(x, top), hint))
                x += hint.width() + self._gap
            y += height + self._gap
        if not lines and note.width() and apply:
            self._note.setGeometry(QRect(area.x(), y, area.width(), note.height()))
            y += note.height() + self._gap
        return max(0, y - self._gap - area.y()) + margins.top() + margins.bottom()
