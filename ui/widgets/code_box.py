"""A box for a long code pasted in one piece (an invite, a pairing code).

It wraps, so the whole code shows, and Tab leaves it. Enter types no line break (a code has
none): it goes on to the dialog, which presses its default button, as in a one-line field.
Shift+Enter still breaks the line, for someone who wants to.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QPlainTextEdit, QWidget


class CodeBox(QPlainTextEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
                event.modifiers() & Qt.KeyboardModifier.ShiftModifier):
            event.ignore()  # to the dialog: its default button
            return
        super().keyPressEvent(event)
