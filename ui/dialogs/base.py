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


def claim_default(dialog: QDialog) -> None:
    """Make the button marked default the one Enter presses. Call once the buttons are inside
    `dialog` (before it shows): a button marked default while it was still outside (in a
    QDialogButtonBox not yet laid out) is forgotten when the dialog shows, and Qt gives Enter
    to the first button in Tab order instead (seen: Cancel, and an emotion chip).

    Where the dialog would open with the keyboard on another button (Enter presses the
    focused button), it opens on the default one instead: what Qt itself does when the window
    manager activates the dialog after it shows, done here so it does not depend on when."""
    default = next((button for button in dialog.findChildren(QPushButton)
                    if button.isDefault() and button.window() is dialog), None)
    if default is None:
        return
    default.setDefault(False)
    default.setDefault(True)  # now the dialog's main default
    if dialog.focusWidget() is None:
        first = dialog.nextInFocusChain()
        while first is not None and first is not dialog and not (
                first.focusPolicy() & Qt.FocusPolicy.TabFocus and first.isEnabled()
                and first.isVisibleTo(dialog)):
            first = first.nextInFocusChain()
        if isinstance(first, QPushButton) and first is not default and default.isEnabled():
            default.setFocus(Qt.FocusReason.OtherFocusReason)


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

    def setVisible(self, visible: bool) -> None:  # noqa: N802 - Qt API
        if visible:
            claim_default(self)
        super().setVisible(visible)

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
