"""Restore a backup: explain, check the backup's passphrase, then lock and replace the vault.

The flow, and why it is shaped like this:

1. The page asks for the file and opens `RestoreDialog`, which says what will happen (the
   current journal is replaced, but kept, still encrypted, in a `pre-restore-…` folder) and
   asks for the passphrase (or recovery code) that was in force when the backup was made.
2. The dialog checks the file and that secret in the heavy lane (`verify_backup`) while the
   journal stays open, so a typo costs a retry, not a lock.
3. `BackupRestorer` does the rest. Restoring replaces the database file, so the vault must be
   closed: it locks the main window (the same `lock()` as Ctrl+L, which destroys the workspace,
   this page included), then in the vault lane, after the queued `app.lock`, closes the vault
   (giving back the single-instance lock that `restore_backup` takes for itself) and restores.
   The restorer is parented to the main window, so it outlives the page that started it.
4. The unlock screen is disabled while that runs; afterwards a message says what happened and
   the user unlocks with the backup's passphrase (the unlock screen reopens the vault). If the
   restore fails, nothing was changed and the user unlocks the journal they had.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QLabel, QMessageBox, QVBoxLayout, QWidget

from companion.app import CompanionApp
from ui.dialogs.base import SettingsDialog
from ui.tasks import Lane, TaskRunner
from ui.widgets.common import hint, user_message
from ui.widgets.passphrase_field import PassphraseField

if TYPE_CHECKING:
    from companion.app import RestoreResult


def verify_backup(source: Path, secret: str) -> None:
    """Raise a `UserError` unless `source` is an intact backup that `secret` opens (checked while
    the current journal is still open, before anything locks)."""
    CompanionApp.check_backup(source, secret)


class RestoreDialog(SettingsDialog):
    """Emits `confirmed(source, secret)` once the secret is known to open the backup."""

    confirmed = Signal(object, str)

    def __init__(self, source: Path, home: Path, runner: TaskRunner,
                 parent: QWidget | None) -> None:
        super().__init__(self.tr("Restore a backup"), runner, parent)
        self.source = source
        text = QLabel(self.tr(
            "<p>Restoring replaces the journal on this computer with the one in "
            "<b>%1</b>.</p><p>Your current journal is not deleted: it is kept, still "
            "encrypted, in a “pre‑restore” folder inside %2.</p><p>Companion will lock while "
            "it restores. Afterwards, unlock with the passphrase that was in force when the "
            "backup was made.</p>").replace("%1", html.escape(source.name)).replace(
            "%2", html.escape(str(home))))
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        self.secret = PassphraseField(self.tr("Passphrase when the backup was made"),
                                      self.tr("Backup passphrase"))
        self.secret.returnPressed.connect(self.submit)
        self.secret.textChanged.connect(self._validate)
        or_code = hint(self.tr("The recovery code from that time works too. Either may differ "
                               "from the ones you use today."))
        self.ok_button = self.add_ok(self.tr("Restore and lock"))
        self.ok_button.clicked.connect(self.submit)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        for widget in (text, self.secret, or_code, self.error, self.busy, self.buttons):
            layout.addWidget(widget)
        self.quiet_buttons()
        self._validate()
        self.secret.setFocus()

    def _validate(self) -> None:
        self.ok_button.setEnabled(bool(self.secret.text()) and not self.is_busy)

    def set_busy(self, busy: bool, what: str = "") -> None:
        super().set_busy(busy, what)
        self.secret.setEnabled(not busy)
        self._validate()

    def submit(self) -> None:
        if not self.ok_button.isEnabled():
            return
        source, secret = self.source, self.secret.text()
        self.set_error("")
        self.set_busy(True, self.tr("Checking the backup"))
        self.runner.run(lambda: verify_backup(source, secret), self._verified, self._failed,
                        lane=Lane.HEAVY)

    def _verified(self, _result: object) -> None:
        secret = self.secret.text()
        self.set_busy(False)
        self.wipe()
        self.accept()
        self.confirmed.emit(self.source, secret)

    def _failed(self, exc: BaseException) -> None:
        self.set_busy(False)
        self.show_failure(exc)
        self.secret.edit.selectAll()
        self.secret.setFocus()

    def wipe(self) -> None:
        self.secret.clear()


@runtime_checkable
class LockableWindow(Protocol):
    """What a restore needs of the main window (named here so ui.dialogs need not import it)."""

    unlock_screen: QWidget

    def lock(self) -> None: ...


class BackupRestorer(QObject):
    """Locks `host` (the main window), restores in the vault lane, then says how it went.

    `finished` carries the `RestoreResult`, or the exception if nothing was restored.
    """

    finished = Signal(object)

    def __init__(self, app: CompanionApp, runner: TaskRunner, host: QWidget) -> None:
        # Restoring under an open vault would be wrong, not merely degraded: refuse a host
        # that cannot lock rather than skip the lock.
        if not isinstance(host, LockableWindow):
            raise TypeError("a restore needs the main window, which can lock")
        super().__init__(host)
        self.app, self.runner, self.host = app, runner, host
        self.window: LockableWindow = host

    def start(self, source: Path, secret: str) -> None:
        self.window.lock()
        self._set_screen_enabled(False)
        app = self.app

        def close_and_restore() -> RestoreResult:
            app.close()
            return app.restore_backup(app.home, source, secret)

        self.runner.run(close_and_restore, self._done, self._failed, lane=Lane.VAULT)

    def _done(self, result: RestoreResult) -> None:
        self._set_screen_enabled(True)
        text = self.tr("Your backup is restored. Unlock it with the passphrase (or recovery "
                       "code) that was in force when the backup was made.")
        if result.previous_vault_kept_in is not None:
            text += "\n\n" + self.tr("The journal it replaced is kept, still encrypted, in "
                                     "%1.").replace("%1", str(result.previous_vault_kept_in))
        self._tell(QMessageBox.Icon.Information, text)
        self.finished.emit(result)
        self.deleteLater()

    def _failed(self, exc: BaseException) -> None:
        self._set_screen_enabled(True)
        self._tell(QMessageBox.Icon.Warning, self.tr(
            "The backup was not restored. %1\n\nYour journal is unchanged: unlock it as "
            "usual.").replace("%1", user_message(exc)))
        self.finished.emit(exc)
        self.deleteLater()

    def _set_screen_enabled(self, enabled: bool) -> None:
        # While the vault is being replaced, an unlock would reopen the old one under it.
        screen = self.window.unlock_screen
        screen.setEnabled(enabled)
        reset = getattr(screen, "reset", None)
        if enabled and callable(reset):
            reset()

    def _tell(self, icon: QMessageBox.Icon, text: str) -> None:
        box = QMessageBox(icon, self.tr("Restore a backup"), text,
                          QMessageBox.StandardButton.Ok, self.host)
        box.setObjectName("restore-result")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
