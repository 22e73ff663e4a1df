"""A quiet bar above the content for "Moved to trash — Restore" and friendly error sentences.

It offers one action at most, hides itself after a while, and never steals focus: the user can
keep typing, and undo with a click or with the keyboard (Tab reaches the button).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from ui.theme import ACCENT, ERROR_COLOURS
from ui.widgets.level_bar import theme_name

HIDE_AFTER_MS = 12_000

_STYLE = """
QFrame#messageBar { border: 1px solid ACCENT; border-radius: 8px; }
QFrame#messageBar[error="true"] { border-color: ERROR; }
""".replace("ACCENT", ACCENT)


def bar_style(theme: str) -> str:
    """The border is the bar's edge (a control's boundary, WCAG 2.2 AA 1.4.11: 3:1): an
    error's is the theme's own red (#c0392b was 2.8:1 on the dark window)."""
    return _STYLE.replace("ERROR", ERROR_COLOURS[theme])


class MessageBar(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBar")
        self._restyle()
        self.setAccessibleName(self.tr("Message"))
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.action = QPushButton()
        self.action.setVisible(False)
        self.action.clicked.connect(self._act)
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setAccessibleName(self.tr("Dismiss"))
        self.close_button.setToolTip(self.tr("Dismiss"))
        self.close_button.clicked.connect(self.dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 4, 6, 4)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.action)
        layout.addWidget(self.close_button)
        self._callback: Callable[[], None] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.dismiss)
        self.setVisible(False)

    def show_message(self, text: str, action: str | None = None,
                     callback: Callable[[], None] | None = None, *, error: bool = False) -> None:
        self.text.setText(text)
        self._restyle()
        self.setProperty("error", error)
        self.text.setProperty("role", "error" if error else "")
        for widget in (self, self.text):
            widget.style().unpolish(widget)
            widget.style().polish(widget)
        self._callback = callback
        self.action.setText(action or "")
        self.action.setAccessibleName(action or "")
        self.action.setVisible(bool(action and callback))
        self.setVisible(True)
        self._timer.start(HIDE_AFTER_MS * (2 if error else 1))

    def _restyle(self) -> None:
        sheet = bar_style(theme_name())
        if sheet != self.styleSheet():  # (setting a sheet can itself change the palette)
            self.setStyleSheet(sheet)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._restyle()

    def show_error(self, text: str) -> None:
        self.show_message(text, error=True)

    def _act(self) -> None:
        callback = self._callback
        self.dismiss()
        if callback is not None:
            callback()

    def dismiss(self) -> None:
        self._timer.stop()
        self._callback = None
        self.text.setText("")
        self.action.setText("")
        self.setVisible(False)

    def wipe(self) -> None:
        self.dismiss()
