"""One Tab stop for a row of buttons, with the arrow keys moving between them.

Today's check-in took 46 presses of Tab to cross: every mood, energy word and chip was a stop
of its own. A row of choices is one control to a keyboard user (as a group of radio buttons
or a toolbar is): Tab enters it at the chosen button (or the first), the arrow keys move
along it, Space picks, and Tab moves on to the next row.
"""

from __future__ import annotations

from collections.abc import Iterable

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton

_BACK = {Qt.Key.Key_Left, Qt.Key.Key_Up}
_ON = {Qt.Key.Key_Right, Qt.Key.Key_Down}


class RovingFocus(QObject):
    def __init__(self, buttons: Iterable[QAbstractButton], parent: QObject | None = None
                 ) -> None:
        super().__init__(parent)
        self.buttons: list[QAbstractButton] = []
        self.set_buttons(buttons)

    def set_buttons(self, buttons: Iterable[QAbstractButton]) -> None:
        """The row's buttons, in the order the eye reads them (after one is added)."""
        for button in self.buttons:
            if shiboken6.isValid(button):
                button.removeEventFilter(self)
        self.buttons = list(buttons)
        for button in self.buttons:
            button.installEventFilter(self)
        self.settle()

    def settle(self, current: QAbstractButton | None = None) -> None:
        """Only `current` (by default the first checked button, else the first) takes Tab."""
        live = [button for button in self.buttons if shiboken6.isValid(button)]
        if current is None:
            current = next((b for b in live if b.isCheckable() and b.isChecked()),
                           live[0] if live else None)
        for button in live:
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus if button is current
                                  else Qt.FocusPolicy.ClickFocus)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if not isinstance(watched, QAbstractButton) or watched not in self.buttons:
            return False
        if event.type() == QEvent.Type.FocusIn:
            self.settle(watched)
        elif event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier \
                == Qt.KeyboardModifier.NoModifier:  # keypad arrows (and macOS's) carry it
            key = event.key()
            if key in _BACK or key in _ON:
                self._move(watched, -1 if key in _BACK else 1)
                return True
            if key in (Qt.Key.Key_Home, Qt.Key.Key_End):
                shown = [b for b in self.buttons if b.isVisible() and b.isEnabled()]
                if shown:
                    shown[0 if key == Qt.Key.Key_Home else -1].setFocus(
                        Qt.FocusReason.TabFocusReason)
                return True
        return False

    def _move(self, button: QAbstractButton, step: int) -> None:
        shown = [b for b in self.buttons if b.isVisible() and b.isEnabled()]
        if button not in shown:
            return
        target = shown[(shown.index(button) + step) % len(shown)]
        target.setFocus(Qt.FocusReason.TabFocusReason)
