"""Toggle chips in a flow layout, with an optional "Add…" chip for labels of one's own.

Used for the emotions and activities of a check-in; reusable wherever a few labels are picked
from many. Chips wrap onto new lines like words, so a row of twenty stays readable at any width.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from companion.errors import UserError
from ui.icons import icon
from ui.widgets.common import error_label
from ui.widgets.roving_focus import RovingFocus


class FlowLayout(QLayout):
    """Lays widgets out left to right and wraps them, like words in a paragraph."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._gap = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt API
        self._items.append(item)

    def insert_widget(self, index: int, widget: QWidget) -> None:
        """Add `widget` at `index` (QLayout has no generic insert)."""
        self.addWidget(widget)
        self._items.insert(index, self._items.pop())
        self.invalidate()

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt API
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt API
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt API
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt API
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt API
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt API
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt API
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _arrange(self, rect: QRect, *, apply: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y, line_height = area.x(), area.y(), 0
        for item in self._items:
            widget = item.widget()
            if widget is not None and widget.isHidden():
                continue
            hint = item.sizeHint()
            if x + hint.width() > area.right() + 1 and line_height > 0:
                x, y = area.x(), y + line_height + self._gap
                line_height = 0
            if apply:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._gap
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y() + margins.bottom()


class _EscapeCancels(QObject):
    """Escape in the "Add…" field cancels it instead of reaching the window."""

    def __init__(self, cancel: Callable[[], None], parent: QObject) -> None:
        super().__init__(parent)
        self._cancel = cancel

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() == Qt.Key.Key_Escape):
            self._cancel()
            return True
        return False


class ChipGroup(QWidget):
    """Toggle chips for labels; `selected()` gives the checked ones in display order.

    With `normalize`, an "Add…" chip lets the user type a label of their own; `normalize`
    turns the typed text into the stored form or raises a `UserError`, whose sentence is shown
    under the chips.
    """

    changed = Signal()

    def __init__(self, kind: str, defaults: Iterable[str], *,
                 normalize: Callable[[str], str] | None = None) -> None:
        super().__init__()
        self.kind = kind
        self.defaults = tuple(defaults)
        self.normalize = normalize
        self.chips: dict[str, QPushButton] = {}
        self.setAccessibleName(kind)
        self.flow_host = QWidget()
        self.flow = FlowLayout(self.flow_host)
        self.flow_host.setSizePolicy(QSizePolicy.Policy.Preferred,
                                     QSizePolicy.Policy.Preferred)
        self.add_button: QPushButton | None = None
        self.add_edit: QLineEdit | None = None
        self.error: QLabel = error_label()
        self.error.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.flow_host)
        layout.addWidget(self.error)
        self.roving = RovingFocus((), self)  # the chips are one Tab stop; arrows move along
        for label in self.defaults:
            self.add_chip(label)
        if normalize is not None:
            self._build_add()
        self._rove()

    def _rove(self) -> None:
        extra = [self.add_button] if self.add_button is not None else []
        self.roving.set_buttons([*self.chips.values(), *extra])

    # -- chips ------------------------------------------------------------------------------

    def add_chip(self, label: str, *, checked: bool = False) -> QPushButton:
        """The chip for `label`, created at the end (before "Add…") if it is new."""
        chip = self.chips.get(label)
        if chip is None:
            chip = QPushButton(label.replace("&", "&&"))
            chip.setCheckable(True)
            chip.setProperty("chip", True)
            chip.setProperty("label", label)
            chip.setCursor(Qt.CursorShape.PointingHandCursor)
            chip.setAccessibleName(f"{self.kind}: {label}")
            chip.toggled.connect(self.changed)
            previous = next(reversed(self.chips.values()), None)
            self.chips[label] = chip
            self.flow.insert_widget(len(self.chips) - 1, chip)
            if previous is not None:
                # Tab follows what the eye sees: right after the last chip, before "Add…".
                QWidget.setTabOrder(previous, chip)
            self._rove()
        if checked:
            chip.setChecked(True)
        return chip

    def add_known(self, labels: Iterable[str], limit: int = 12) -> None:
        """Add chips for labels used before (most used first) until `limit` chips beyond the
        defaults are shown: a year of one-off labels would bury the common ones."""
        extra = len(self.chips) - len(self.defaults)
        for label in labels:
            if extra >= limit:
                break
            if label not in self.chips:
                self.add_chip(label)
                extra += 1

    def selected(self) -> tuple[str, ...]:
        return tuple(label for label, chip in self.chips.items() if chip.isChecked())

    def set_selected(self, labels: Iterable[str]) -> None:
        wanted = set(labels)
        for label in wanted - set(self.chips):
            self.add_chip(label)
        for label, chip in self.chips.items():
            chip.setChecked(label in wanted)
        self.roving.settle()  # Tab comes in at the first chosen chip

    def clear_selection(self) -> None:
        for chip in self.chips.values():
            chip.setChecked(False)
        self._show_error("")

    def reset(self) -> None:
        """Back to the default chips only: labels of the user's own are their content."""
        self.clear_selection()
        for label in [label for label in self.chips if label not in self.defaults]:
            chip = self.chips.pop(label)
            self.flow.removeWidget(chip)
            chip.deleteLater()
        self._rove()
        self._close_editor()

    # -- "Add…" -----------------------------------------------------------------------------

    def _build_add(self) -> None:
        self.add_button = QPushButton(icon("plus"), self.tr("Add…"))
        self.add_button.setProperty("chip", True)
        self.add_button.setIconSize(QSize(12, 12))  # as tall as the other chips
        self.add_button.setAccessibleName(self.tr("Add your own %1").replace(
            "%1", self.kind.lower()))
        self.add_button.setToolTip(self.add_button.accessibleName())
        self.add_button.clicked.connect(self.open_editor)
        self.add_edit = QLineEdit()
        self.add_edit.setPlaceholderText(self.tr("Type, then Enter"))
        self.add_edit.setAccessibleName(self.tr("New %1").replace("%1", self.kind.lower()))
        self.add_edit.setMinimumWidth(160)
        self.add_edit.setClearButtonEnabled(True)
        self.add_edit.returnPressed.connect(self._commit)
        self.add_edit.editingFinished.connect(self._maybe_close)
        self.add_edit.installEventFilter(_EscapeCancels(self._cancel, self.add_edit))
        self.add_edit.setVisible(False)
        self.flow.addWidget(self.add_button)
        self.flow.addWidget(self.add_edit)

    def open_editor(self) -> None:
        if self.add_edit is None or self.add_button is None:
            return
        self.add_button.setVisible(False)
        self.add_edit.setVisible(True)
        self.roving.settle(self._first_shown_chip())  # the hidden "Add…" cannot be the stop
        self.add_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _first_shown_chip(self) -> QPushButton | None:
        checked = [chip for chip in self.chips.values() if chip.isChecked()]
        every = checked or list(self.chips.values())
        return every[0] if every else None

    def add_custom(self, text: str) -> QPushButton | None:
        """Add and check the chip for `text`; None (and a sentence shown) if it is not valid."""
        if self.normalize is None:
            return None
        try:
            label = self.normalize(text)
        except UserError as exc:
            self._show_error(str(exc))
            return None
        self._show_error("")
        return self.add_chip(label, checked=True)

    def _commit(self) -> None:
        assert self.add_edit is not None
        if not self.add_edit.text().strip():
            self._cancel()
            return
        chip = self.add_custom(self.add_edit.text())
        if chip is not None:
            self._close_editor()
            chip.setFocus(Qt.FocusReason.OtherFocusReason)

    def _cancel(self) -> None:
        self._show_error("")
        self._close_editor()
        if self.add_button is not None:
            self.add_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _maybe_close(self) -> None:
        # Leaving an empty field closes it; typed text stays until Enter or Escape.
        if self.add_edit is not None and not self.add_edit.text().strip() \
                and not self.add_edit.hasFocus():
            self._close_editor()

    def _close_editor(self) -> None:
        if self.add_edit is None or self.add_button is None:
            return
        self.add_edit.setText("")  # setText also drops the undo history
        self.add_button.setVisible(True)
        self.add_edit.setVisible(False)

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))
