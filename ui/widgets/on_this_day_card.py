"""Today's "On this day": what the person wrote and how they felt on this date in earlier
years, and a month ago (companion/on_this_day.py), one line each. Each line is a button: Enter,
Space or a click opens the entry (in the Journal) or the check-in."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from companion.models import ItemRef, Kind
from companion.on_this_day import OnThisDay
from ui.widgets.common import subheading

MAX_LINES = 12  # past this, the card says how many more there are


class MemoryButton(QPushButton):
    """One line, elided to the width it is given (a long title never widens the page); the
    whole line is its tooltip and its name for screen readers."""

    def __init__(self, text: str, accessible: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.full_text = text
        self.setFlat(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setStyleSheet("QPushButton { text-align: left; padding: 3px 6px; }")
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setToolTip(text)
        self.setAccessibleName(accessible)
        self.setAutoDefault(False)
        self._elide()

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        room = max(40, self.width() - 16)
        self.setText(self.fontMetrics().elidedText(self.full_text, Qt.TextElideMode.ElideRight,
                                                   room))


class OnThisDayCard(QFrame):
    open_requested = Signal(object)  # an ItemRef

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("card", True)
        self.setAccessibleName(self.tr("On this day"))
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(14, 10, 14, 12)
        self._layout.setSpacing(2)
        self._layout.addWidget(subheading(self.tr("On this day")))
        self._rows: list[QWidget] = []
        self.buttons: list[MemoryButton] = []

    def show_memories(self, found: OnThisDay | None) -> None:
        """Fill the card (None or nothing found: empty, and the page hides it)."""
        self.clear()
        if found is None:
            return
        shown = 0
        total = sum(len(day.items) for day in found.days)
        for day in found.days:
            if shown >= MAX_LINES:
                break
            label = QLabel(self.tr(day.label))
            label.setProperty("role", "hint")
            label.setContentsMargins(6, 6, 0, 0)
            self._add(label)
            for memory in day.items:
                if shown >= MAX_LINES:
                    break
                what = self.tr("Entry") if memory.ref.kind is Kind.ENTRY else self.tr("Check-in")
                button = MemoryButton(f"{memory.time}  {memory.text}",
                                      f"{self.tr(day.label)}, {memory.time}: {memory.text}. "
                                      f"{what}; opens it.")
                button.clicked.connect(lambda _=False, ref=memory.ref: self._open(ref))
                self.buttons.append(button)
                self._add(button)
                shown += 1
        if total > shown:
            more = QLabel(self.tr("%n more from these days, in the Journal.", "",
                                  total - shown))
            more.setProperty("role", "hint")
            more.setWordWrap(True)
            self._add(more)

    def _add(self, widget: QWidget) -> None:
        self._rows.append(widget)
        self._layout.addWidget(widget)

    def _open(self, ref: ItemRef) -> None:
        self.open_requested.emit(ref)

    def clear(self) -> None:
        for widget in self._rows:
            widget.setParent(None)
            widget.deleteLater()
        self._rows.clear()
        self.buttons.clear()

    @property
    def empty(self) -> bool:
        return not self.buttons
