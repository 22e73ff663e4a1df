"""What the import and export dialogs share: a progress bar fed from a worker thread, a
cancel that never leaves damage, and a status line.

The worker never touches Qt: the core's `progress(done, total)` callback writes two numbers
into a `ProgressBox`, and a timer on the GUI thread shows them. Cancelling sets the core's
`CancelToken`; the import or export then stops at its next batch and rolls back (an import)
or writes nothing (an export). While work runs, Esc and the window's close button cancel it
instead of closing the dialog, so it never looks finished while it is not.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QProgressBar, QWidget

from companion.imports import CancelToken
from ui.dialogs.base import claim_default
from ui.widgets.common import error_label, grow_to_fit


class ProgressBox:
    """Two numbers written by a worker thread, read by the GUI thread's timer."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._value = (0, 0)

    def update(self, done: int, total: int) -> None:
        with self._lock:
            self._value = (done, total)

    @property
    def value(self) -> tuple[int, int]:
        with self._lock:
            return self._value


class DataDialog(QDialog):
    """The frame of the import and export dialogs (their content goes in between)."""

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(540)
        self.running = False
        self.token: CancelToken | None = None
        self.box = ProgressBox()
        self.error = error_label()
        self.error.setVisible(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setVisible(False)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.progress.setAccessibleName(self.tr("Progress"))
        self.buttons = QDialogButtonBox()
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.close_button.clicked.connect(self.reject)
        self._timer = QTimer(self)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self._show_progress)

    def setVisible(self, visible: bool) -> None:  # noqa: N802 - Qt API
        if visible:
            claim_default(self)  # the subclass's own button (Export, Import), set before
        super().setVisible(visible)

    def set_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))
        grow_to_fit(self)

    def set_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))
        grow_to_fit(self)

    def start_running(self, what: str) -> CancelToken:
        """Show the bar (busy until the first count arrives) and hand out a fresh token."""
        self.running = True
        self.token = CancelToken()
        self.box.update(0, 0)
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.set_error("")
        self.set_status(what)
        self.close_button.setText(self.tr("Cancel"))
        self.close_button.setEnabled(True)
        self._timer.start()
        return self.token

    def stop_running(self) -> None:
        self.running = False
        self._timer.stop()
        self.progress.setVisible(False)
        self.close_button.setEnabled(True)

    def finished_ok(self) -> None:
        """The work is done: the only thing left to do is close."""
        self.stop_running()
        self.close_button.setText(self.tr("Close"))

    def _show_progress(self) -> None:
        done, total = self.box.value
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            self.progress.setFormat(self.tr("%1 of %2").replace("%1", f"{done:,}").replace(
                "%2", f"{total:,}"))

    def cancel_running(self) -> None:
        if self.running and self.token is not None:
            self.token.cancel()
            self.close_button.setEnabled(False)
            self.set_status(self.tr("Cancelling…"))

    def reject(self) -> None:
        if self.running:
            self.cancel_running()
            return
        self.wipe()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        if self.running:
            self.cancel_running()
            event.ignore()
            return
        super().closeEvent(event)

    def wipe(self) -> None:
        """Forget what the dialog holds (a password, a preview of the file)."""

    def dismiss(self) -> None:
        """Close at once (the app is locking): stop the work, which then rolls back."""
        if self.token is not None:
            self.token.cancel()
        self.running = False
        self._timer.stop()
        self.wipe()
        self.done(QDialog.DialogCode.Rejected)
