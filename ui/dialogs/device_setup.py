"""Setting device sync up: on the first computer (its name and the storage your computers
share), or on another one (a pairing code from the first, and the same storage).

Both reach the storage before anything is saved, so a wrong folder or a refused password is
said at once, in the dialog. The work goes through the device syncer's queue (the task
runner's heavy lane), never on the GUI thread.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFormLayout, QLineEdit, QVBoxLayout, QWidget

from companion.app import CompanionApp
from ui.device_sync import DeviceSyncer, describe_setup_failure, storage_check
from ui.dialogs.base import SettingsDialog
from ui.tasks import TaskRunner
from ui.widgets.code_box import CodeBox
from ui.widgets.common import hint, user_message
from ui.widgets.storage_form import StorageForm, StorageTexts

NAME_LIMIT = 40  # what the other computers accept (sync.roster.MAX_NAME)


def this_computer_name() -> str:
    """The name offered for this computer: its host name, as `companion device` uses."""
    return (socket.gethostname() or "").strip()[:NAME_LIMIT]


def _storage_test_failure(exc: BaseException) -> str:
    check = storage_check(exc)
    if check is None:
        return user_message(exc)
    # The transports' sentences speak of "the circle's" storage.
    return QCoreApplication.translate("DeviceSetup", "Companion could not use that storage. "
                                      "%1.").replace("%1", check)


DEVICE_STORAGE = StorageTexts(
    folder_placeholder="e.g. ~/Sync/companion",
    url_placeholder="https://cloud.example.org/remote.php/dav/files/me/Companion/",
    folder_hints=(
        "<b>Syncthing</b>: share one folder between your computers, then choose it here on "
        "each.<br>"
        "<b>Nextcloud</b>, <b>ownCloud</b> or <b>Dropbox</b>: a folder inside the folder their "
        "desktop app keeps in step on each computer.<br>"
        "Everything written there is encrypted; the storage sees only how many files there "
        "are, their sizes and when they were written."),
    webdav_hint=("For Nextcloud: https://SERVER/remote.php/dav/files/USER/Companion/ — make an "
                 "app password in Settings → Security, never use your main password."),
    describe_test_failure=_storage_test_failure)


class DeviceFields(QWidget):
    """This computer's name and the storage your computers share (with a pairing code first,
    when joining): what setting up asks, in the Settings dialogs and in onboarding alike."""

    def __init__(self, runner: TaskRunner, code: CodeBox | None = None) -> None:
        super().__init__()
        self.device_name = QLineEdit(this_computer_name())
        self.device_name.setMaxLength(NAME_LIMIT)
        self.device_name.setAccessibleName(self.tr("This computer's name"))
        self.device_name.setPlaceholderText(self.tr("e.g. Laptop"))
        self.storage = StorageForm(runner, DEVICE_STORAGE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        if code is not None:  # first in the form, and so first in Tab order
            self.form.addRow(self.tr("Pairing code"), code)
        self.form.addRow(self.tr("This computer's name"), self.device_name)
        layout.addWidget(self.storage)

    def missing(self) -> str:
        """What the form still needs, said before anything runs ("" when complete)."""
        if not self.device_name.text().strip():
            return self.tr("Give this computer a name, so you can tell your computers apart.")
        if not self.storage.is_filled():
            return (self.tr("Enter the WebDAV address your computers share.")
                    if self.storage.webdav_choice.isChecked()
                    else self.tr("Choose the folder your computers share."))
        return ""

    def work(self, app: CompanionApp) -> Callable[[], Any]:
        """Setting this computer up as the first (run it through the device syncer)."""
        name, storage = self.device_name.text().strip(), self.storage.storage()
        user, password = self.storage.credentials()
        return lambda: app.devices.start(storage, name, webdav_user=user,
                                         webdav_password=password)

    def wipe(self) -> None:
        self.storage.wipe()


class JoinFields(DeviceFields):
    """The pairing code the first computer shows, this computer's name, the same storage."""

    def __init__(self, runner: TaskRunner) -> None:
        code = CodeBox()  # Enter goes on to the window's default, not a line break
        super().__init__(runner, code)
        self.code = code
        self.code.setAccessibleName(self.tr("Pairing code"))
        self.code.setPlaceholderText("companion-device-1:…")
        self.code.setMaximumHeight(80)

    def missing(self) -> str:
        if not self.code.toPlainText().strip():
            return self.tr("Paste the pairing code your other computer shows.")
        return super().missing()

    def work(self, app: CompanionApp) -> Callable[[], Any]:
        """Asking to join (the storage is tried first; nothing is saved if it fails)."""
        code, name = self.code.toPlainText().strip(), self.device_name.text().strip()
        storage = self.storage.storage()
        user, password = self.storage.credentials()
        return lambda: app.join_devices(code, name, storage, webdav_user=user,
                                        webdav_password=password)

    def wipe(self) -> None:
        self.code.clear()
        super().wipe()


def join_intro() -> str:
    """What joining needs, said where the code is asked for (the dialog and onboarding)."""
    return QCoreApplication.translate(
        "DeviceSetup",
        "On the computer that has your journal, open Settings → Your computers → Add a "
        "computer… and copy the code it shows (it works once, for an hour). Paste it here, "
        "and choose the storage that computer uses: the same shared folder, as synced on this "
        "computer, or the same WebDAV address.")


class _DeviceDialog(SettingsDialog):
    def __init__(self, title: str, app: CompanionApp, syncer: DeviceSyncer,
                 fields: DeviceFields, parent: QWidget | None) -> None:
        super().__init__(title, syncer.ctx.runner, parent)
        self.app = app
        self.syncer = syncer
        self.fields = fields
        self.device_name, self.storage = fields.device_name, fields.storage
        self.ok_button = self.add_ok("")
        self.ok_button.clicked.connect(self.run_fields)

    def missing(self) -> str:
        return self.fields.missing()

    def _lay_out(self, intro: str, *after: QWidget) -> None:
        """What it is for, its fields and the storage, then what follows, the error line,
        the busy bar and the buttons."""
        layout = QVBoxLayout(self)
        layout.addWidget(hint(intro))
        for widget in (self.fields, *after, self.error, self.busy, self.buttons):
            layout.addWidget(widget)
        self.setMinimumWidth(560)
        self.quiet_buttons()

    def run_fields(self) -> None:
        missing = self.missing()
        if missing:
            self.set_error(missing)
            return
        self.set_error("")
        self.set_busy(True, self.busy_words())
        self.ok_button.setEnabled(False)
        self.syncer.run(self.fields.work(self.app), self._succeeded, self._failed,
                        sync_after=True)

    def busy_words(self) -> str:
        return ""

    def _succeeded(self, _result: object) -> None:
        self.set_busy(False)
        self.wipe()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.set_busy(False)
        self.ok_button.setEnabled(True)
        self.set_error(describe_setup_failure(exc))

    def wipe(self) -> None:
        self.fields.wipe()


class SetUpDevicesDialog(_DeviceDialog):
    """The first computer: its name and the storage every computer of yours will reach."""

    def __init__(self, app: CompanionApp, syncer: DeviceSyncer, parent: QWidget | None) -> None:
        super().__init__(self.tr("Set up device sync"), app, syncer,
                         DeviceFields(syncer.ctx.runner), parent)
        self.ok_button.setText(self.tr("Set up"))
        self._lay_out(self.tr(
            "This computer becomes the first to keep your journal in step. Choose storage your "
            "other computers can reach too; once it is set up, add them with a pairing code "
            "(Add a computer…)."))

    def set_up(self) -> None:
        self.run_fields()

    def busy_words(self) -> str:
        return self.tr("Setting up device sync")


class JoinDevicesDialog(_DeviceDialog):
    """Another computer: the pairing code the first one shows, and the same storage."""

    def __init__(self, app: CompanionApp, syncer: DeviceSyncer, parent: QWidget | None) -> None:
        fields = JoinFields(syncer.ctx.runner)
        super().__init__(self.tr("Join your other computer"), app, syncer, fields, parent)
        self.code = fields.code  # Enter there presses "Ask to join"
        self.ok_button.setText(self.tr("Ask to join"))
        self._lay_out(join_intro(), hint(self.tr(
            "Entries and check-ins already on this computer join the shared journal once "
            "this computer is let in. Circles do not: each circle stays on the computer "
            "that joined it.")))

    def join(self) -> None:
        self.run_fields()

    def busy_words(self) -> str:
        return self.tr("Asking to join")
