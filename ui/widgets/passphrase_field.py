"""A passphrase entry with a show/hide toggle (the unlock screen, onboarding, dialogs).

Apart from the onboarding so that the unlock screen does not load the first-run pages."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QWidget

from ui.icons import icon


class PassphraseField(QWidget):
    """A passphrase entry with a show/hide toggle."""

    textChanged = Signal(str)
    returnPressed = Signal()

    def __init__(self, placeholder: str, accessible: str) -> None:
        super().__init__()
        self.edit = QLineEdit()
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setPlaceholderText(placeholder)
        self.edit.setAccessibleName(accessible)
        self.edit.textChanged.connect(self.textChanged)
        self.edit.returnPressed.connect(self.returnPressed)
        self.toggle = QPushButton(icon("eye"), "")
        self.toggle.setCheckable(True)
        self.toggle.setToolTip(self.tr("Show the passphrase"))
        self.toggle.setAccessibleName(self.tr("Show passphrase"))
        self.toggle.toggled.connect(self._on_toggle)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.toggle)

    def _on_toggle(self, shown: bool) -> None:
        self.edit.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)

    def text(self) -> str:
        return self.edit.text()

    def clear(self) -> None:
        self.edit.clear()

    def setFocus(self, reason: Qt.FocusReason = Qt.FocusReason.OtherFocusReason) -> None:  # noqa: N802 - Qt naming
        self.edit.setFocus(reason)
