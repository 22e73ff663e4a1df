"""What the Settings dialogs share: a busy bar, an error line, and no closing mid-operation.

A dialog whose work is running (key derivation, rewriting the key file) cannot be cancelled
half way: the work would finish anyway, and the user would believe nothing had changed.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QProgressBar, QPushButton, QWidget

from ui.tasks import TaskRunner
from ui.widgets.common import error_label, grow_to_fit, user_message


class SettingsDialog(QDialog):
    def __init__(self, title: str, runner: TaskRunner, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(460)
        self.is_busy = False
        self.error = error_label()
        self.error.setVisible(False)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumHeight(6)
        self.busy.setTextVisible(False)
        self.busy.setVisible(False)
        self.buttons = QDialogButtonBox()
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self.reject)

    def set_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))
        if text:
            grow_to_fit(self)

    def quiet_buttons(self) -> None:
        """Only the OK button answers Enter (not the show-passphrase or Copy buttons)."""
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
        for answer in self.buttons.buttons():
            if isinstance(answer, QPushButton):
                answer.setAutoDefault(True)

    def add_ok(self, text: str) -> QPushButton:
        button = self.buttons.addButton(text, QDialogButtonBox.ButtonRole.AcceptRole)
        button.setDefault(True)
        return button

    def set_busy(self, busy: bool, what: str = "") -> None:
        self.is_busy = busy
        self.busy.setVisible(busy)
        self.busy.setAccessibleName(what)
        self.cancel_button.setEnabled(not busy)

    def show_failure(self, exc: BaseException) -> None:
        """The failure's sentence (the task runner has reported a bug before this runs)."""
        self.set_error(user_message(exc))

    def fit_height(self) -> None:
        """Shrink to the height the wrapped text really needs at the current width (Qt sizes
        word-wrapped labels for a narrower width, which leaves a gap above the buttons)."""
        layout = self.layout()
        if layout is not None and layout.hasHeightForWidth():
            layout.activate()
            self.resize(self.width(), layout.totalHeightForWidth(self.width()))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self.fit_height()

    def reject(self) -> None:
        if self.is_busy:
            return
        self.wipe()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        if self.is_busy:
            event.ignore()
            return
        super().closeEvent(event)

    def wipe(self) -> None:
        """Clear every secret the dialog shows or holds (also called on lock)."""

    def dismiss(self) -> None:
        """Close at once, whatever state it is in (the app is locking)."""
        self.wipe()
        self.done(QDialog.DialogCode.Rejected)
