"""Change the passphrase: the current one, a new one (with the strength meter), confirmed.

Only the small key file is rewritten (the data key is re-wrapped); the journal itself is not
touched. Deriving the two keys takes about a second, so it runs in the heavy lane. Asked to,
it re-encrypts the journal under a new key instead (`CompanionApp.rekey`): old copies of the
key file and the old recovery code then open nothing, and a new code is shown.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QLabel, QVBoxLayout, QWidget

from companion.app import CompanionApp
from ui.dialogs.base import SettingsDialog
from ui.onboarding import StrengthMeter
from ui.tasks import Lane, TaskRunner
from ui.widgets.common import hint
from ui.widgets.passphrase_field import PassphraseField


class ChangePassphraseDialog(SettingsDialog):
    """Emits `changed` (and closes) once the new passphrase is in force."""

    changed = Signal()
    rekeyed = Signal(str)  # the new recovery code, to show once

    def __init__(self, app: CompanionApp, runner: TaskRunner, parent: QWidget | None) -> None:
        super().__init__(self.tr("Change passphrase"), runner, parent)
        self.app = app
        self.intro = intro = QLabel()
        intro.setWordWrap(True)
        self.current = PassphraseField(self.tr("Current passphrase"),
                                       self.tr("Current passphrase"))
        self.new = PassphraseField(self.tr("New passphrase"), self.tr("New passphrase"))
        self.meter = StrengthMeter()
        self.confirm = PassphraseField(self.tr("The new one again"),
                                       self.tr("Confirm new passphrase"))
        self.match_label = hint("")
        self.rekey = QCheckBox(self.tr("Also re-encrypt the journal under a new key"))
        self.rekey.setToolTip(self.tr(
            "Old copies of the vault's key file, and your current recovery code, then open "
            "nothing; you get a new recovery code. The new passphrase may be the current one."))
        self.rekey.toggled.connect(self._validate)
        self.rekey.toggled.connect(self._explain)
        self.ok_button = self.add_ok(self.tr("Change passphrase"))
        self._explain(False)
        self.ok_button.clicked.connect(self.submit)
        for field in (self.current, self.new, self.confirm):
            field.textChanged.connect(self._validate)
            field.returnPressed.connect(self.submit)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        for widget in (intro, self.current, self.new, self.meter, self.confirm,
                       self.match_label, self.rekey, self.error, self.busy, self.buttons):
            layout.addWidget(widget)
        self.quiet_buttons()
        self._validate()
        self.current.setFocus()

    def _explain(self, rekey: bool) -> None:
        """Say what the button will do: the two choices differ in what keeps working."""
        if rekey:
            self.intro.setText(self.tr(
                "Your journal is copied under a new key. Old copies of the vault's key file and "
                "your current recovery code stop working; you get a new recovery code. The new "
                "passphrase may be your current one."))
            self.ok_button.setText(self.tr("Re-encrypt"))
        else:
            self.intro.setText(self.tr(
                "Your journal stays as it is; only the lock on it changes. Your recovery code "
                "keeps working."))
            self.ok_button.setText(self.tr("Change passphrase"))
        if self.isVisible():
            self.fit_height()  # the other sentence may take another line

    def _validate(self) -> None:
        current, new, again = self.current.text(), self.new.text(), self.confirm.text()
        strong = self.meter.update_for(new)
        matches = bool(again) and new == again
        same_allowed = self.rekey.isChecked()  # a new key under the same passphrase
        if new and new == current and not same_allowed:
            self.match_label.setText(self.tr("That is your current passphrase; choose a new "
                                             "one."))
        elif again and not matches:
            self.match_label.setText(self.tr("The two new passphrases do not match yet."))
        elif matches:
            self.match_label.setText(self.tr("They match."))
        else:
            self.match_label.setText("")
        self.ok_button.setEnabled(bool(current) and strong and matches
                                  and (new != current or same_allowed) and not self.is_busy)

    def submit(self) -> None:
        if not self.ok_button.isEnabled():
            return
        current, new, again = self.current.text(), self.new.text(), self.confirm.text()
        self.set_error("")
        app = self.app
        if self.rekey.isChecked():
            self.set_busy(True, self.tr("Re-encrypting the journal"))
            self.runner.run(lambda: app.rekey(current, new, again), self._rekeyed,
                            self._failed, lane=Lane.HEAVY)
            return
        self.set_busy(True, self.tr("Changing the passphrase"))
        self.runner.run(lambda: app.change_passphrase(current, new, again), self._done,
                        self._failed, lane=Lane.HEAVY)

    def set_busy(self, busy: bool, what: str = "") -> None:
        super().set_busy(busy, what)
        for field in (self.current, self.new, self.confirm):
            field.setEnabled(not busy)
        self.rekey.setEnabled(not busy)
        self._validate()

    def _done(self, _result: object) -> None:
        self.set_busy(False)
        self.wipe()
        self.changed.emit()
        self.accept()

    def _rekeyed(self, code: str) -> None:
        self._done(None)
        self.rekeyed.emit(code)

    def _failed(self, exc: BaseException) -> None:
        self.set_busy(False)
        self.show_failure(exc)
        self.current.edit.selectAll()
        self.current.setFocus()

    def wipe(self) -> None:
        for field in (self.current, self.new, self.confirm):
            field.clear()
