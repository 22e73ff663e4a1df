"""The unlock screen: passphrase or recovery code. Key derivation runs off the GUI thread with
a busy indicator; a wrong passphrase is said plainly and the field is ready for another try.

"Need help now?" opens the support lines without unlocking: they need nothing from the vault
(the shipped list, or the person's own in the home folder), so they work offline and even
while a passphrase is being checked."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion.app import CompanionApp
from companion.errors import ReportedBug
from ui.icons import app_icon
from ui.tasks import Lane, TaskRunner
from ui.widgets.common import error_label, heading, hint, user_message
from ui.widgets.passphrase_field import PassphraseField


class UnlockScreen(QWidget):
    unlocked = Signal()
    # Emitted when key derivation starts on a worker: the main window loads its pages then,
    # while Argon2id (which releases the GIL) runs, not before the unlock screen is drawn.
    unlocking = Signal()

    def __init__(self, app: CompanionApp, runner: TaskRunner, *,
                 demo_passphrase: str | None = None) -> None:
        super().__init__()
        self.app, self.runner = app, runner
        self.using_code = False
        self.is_busy = False
        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(64, 64))
        logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = heading(self.tr("Companion is locked"))
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.prompt = hint(self.tr("Enter your passphrase to open your journal."))
        self.prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.field = PassphraseField(self.tr("Passphrase"), self.tr("Passphrase"))
        self.field.returnPressed.connect(self.submit)
        self.code_field = QLineEdit()
        self.code_field.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
        self.code_field.setAccessibleName(self.tr("Recovery code"))
        self.code_field.returnPressed.connect(self.submit)
        self.code_field.setVisible(False)
        self.error = error_label()
        self.error.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # What opening the vault found and did (a restore a crash interrupted, now finished).
        self.note = hint("")
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setWordWrap(True)
        self.note.setVisible(False)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumHeight(6)
        self.busy.setTextVisible(False)
        self.busy.setAccessibleName(self.tr("Unlocking"))
        self.busy.setVisible(False)
        self.button = QPushButton(self.tr("Unlock"))
        self.button.setDefault(True)
        self.button.clicked.connect(self.submit)
        self.switch = QPushButton(self.tr("Use my recovery code instead"))
        self.switch.setFlat(True)
        self.switch.clicked.connect(self.toggle_mode)
        self.help_button = QPushButton(self.tr("Need help now?"))
        self.help_button.setFlat(True)
        self.help_button.setAccessibleName(self.tr("Need help now? Open the support lines "
                                                   "without unlocking"))
        self.help_button.clicked.connect(self.open_support)
        demo = hint(self.tr("Demo vault: the passphrase is “%1”.").replace(
            "%1", demo_passphrase)) if demo_passphrase else None

        column = QVBoxLayout()
        column.setSpacing(10)
        column.addStretch(2)
        for widget in (logo, title, self.note, self.prompt, self.field, self.code_field,
                       self.busy, self.error, self.button, self.switch, self.help_button):
            column.addWidget(widget)
        if demo is not None:
            demo.setAlignment(Qt.AlignmentFlag.AlignCenter)
            column.addWidget(demo)
        column.addStretch(3)
        box = QWidget()
        box.setLayout(column)
        box.setMaximumWidth(420)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(box, 3)
        outer.addStretch(1)

    def open_support(self) -> QWidget:
        from ui.dialogs.crisis import open_support  # only when asked for

        return open_support(self, self.app.home, self.runner)

    def reset(self) -> None:
        self.field.clear()
        self.code_field.clear()
        self.error.setText("")
        self._set_busy(False)
        self.field.setFocus() if not self.using_code else self.code_field.setFocus()

    def toggle_mode(self) -> None:
        self.using_code = not self.using_code
        self.field.setVisible(not self.using_code)
        self.code_field.setVisible(self.using_code)
        self.prompt.setText(self.tr("Enter your recovery code.") if self.using_code else
                            self.tr("Enter your passphrase to open your journal."))
        self.switch.setText(self.tr("Use my passphrase instead") if self.using_code else
                            self.tr("Use my recovery code instead"))
        self.error.setText("")
        self.reset()

    def submit(self) -> None:
        if self.is_busy:
            return
        secret = self.code_field.text() if self.using_code else self.field.text()
        if not secret:
            self.error.setText(self.tr("Type your recovery code first.") if self.using_code
                               else self.tr("Type your passphrase first."))
            return
        self._set_busy(True)
        self.error.setText("")
        app, using_code = self.app, self.using_code

        def work() -> None:
            app.open()
            if using_code:
                app.unlock_with_recovery_code(secret)
            else:
                app.unlock(secret)

        self.runner.run(work, self._done, self._failed, lane=Lane.HEAVY)
        self.unlocking.emit()

    def _set_busy(self, busy: bool) -> None:
        self.is_busy = busy
        self.busy.setVisible(busy)
        self.button.setEnabled(not busy)
        self.field.setEnabled(not busy)
        self.code_field.setEnabled(not busy)
        self.switch.setEnabled(not busy)

    def _done(self, _result: object) -> None:
        self.field.clear()
        self.code_field.clear()
        self._set_busy(False)
        self.unlocked.emit()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.error.setText(user_message(exc))  # a bug arrives reported, as ReportedBug
        if not isinstance(exc, ReportedBug):
            target = self.code_field if self.using_code else self.field.edit
            target.selectAll()
            target.setFocus()
