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


class _DeviceDialog(SettingsDialog):
    def __init__(self, title: str, app: CompanionApp, syncer: DeviceSyncer,
                 parent: QWidget | None) -> None:
        super().__init__(title, syncer.ctx.runner, parent)
        self.app = app
        self.syncer = syncer
        self.device_name = QLineEdit(this_computer_name())
        self.device_name.setMaxLength(NAME_LIMIT)
        self.device_name.setAccessibleName(self.tr("This computer's name"))
        self.device_name.setPlaceholderText(self.tr("e.g. Laptop"))
        self.storage = StorageForm(syncer.ctx.runner, DEVICE_STORAGE)
        self.ok_button = self.add_ok("")

    def missing(self) -> str:
        """What the form still needs, said before anything runs ("" when complete)."""
        if not self.device_name.text().strip():
            return self.tr("Give this computer a name, so you can tell your computers apart.")
        if not self.storage.is_filled():
            return (self.tr("Enter the WebDAV address your computers share.")
                    if self.storage.webdav_choice.isChecked()
                    else self.tr("Choose the folder your computers share."))
        return ""

    def _lay_out(self, intro: str, form: QFormLayout, *after: QWidget) -> None:
        """What it is for, its own fields, the storage, then what follows, the error line,
        the busy bar and the buttons."""
        layout = QVBoxLayout(self)
        layout.addWidget(hint(intro))
        layout.addLayout(form)
        layout.addWidget(self.storage)
        for widget in (*after, self.error, self.busy, self.buttons):
            layout.addWidget(widget)
        self.setMinimumWidth(560)
        self.quiet_buttons()

    def _run(self, work: Callable[[], Any], what: str) -> None:
        missing = self.missing()
        if missing:
            self.set_error(missing)
            return
        self.set_error("")
        self.set_busy(True, what)
        self.ok_button.setEnabled(False)
        self.syncer.run(work, self._succeeded, self._failed, sync_after=True)

    def _succeeded(self, _result: object) -> None:
        self.set_busy(False)
        self.wipe()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.set_busy(False)
        self.ok_button.setEnabled(True)
        self.set_error(describe_setup_failure(exc))

    def wipe(self) -> None:
        self.storage.wipe()


class SetUpDevicesDialog(_DeviceDialog):
    """The first computer: its name and the storage every computer of yours will reach."""

    def __init__(self, app: CompanionApp, syncer: DeviceSyncer, parent: QWidget | None) -> None:
        super().__init__(self.tr("Set up device sync"), app, syncer, parent)
        self.ok_button.setText(self.tr("Set up"))
        self.ok_button.clicked.connect(self.set_up)
        form = QFormLayout()
        form.addRow(self.tr("This computer's name"), self.device_name)
        self._lay_out(self.tr(
            "This computer becomes the first to keep your journal in step. Choose storage your "
            "other computers can reach too; once it is set up, add them with a pairing code "
            "(Add a computer…)."), form)

    def set_up(self) -> None:
        app = self.app
        name, storage = self.device_name.text().strip(), self.storage.storage()
        user, password = self.storage.credentials()
        self._run(lambda: app.devices.start(storage, name, webdav_user=user,
                                            webdav_password=password),
                  self.tr("Setting up device sync"))


class JoinDevicesDialog(_DeviceDialog):
    """Another computer: the pairing code the first one shows, and the same storage."""

    def __init__(self, app: CompanionApp, syncer: DeviceSyncer, parent: QWidget | None) -> None:
        super().__init__(self.tr("Join your other computer"), app, syncer, parent)
        self.ok_button.setText(self.tr("Ask to join"))
        self.ok_button.clicked.connect(self.join)
        self.code = CodeBox()  # Enter presses "Ask to join", not a line break
        self.code.setAccessibleName(self.tr("Pairing code"))
        self.code.setPlaceholderText("companion-device-1:…")
        self.code.setMaximumHeight(80)
        self.code.setTabChangesFocus(True)
        form = QFormLayout()
        form.addRow(self.tr("Pairing code"), self.code)
        form.addRow(self.tr("This computer's name"), self.device_name)
        self._lay_out(self.tr(
            "On the computer that has your journal, open Settings → Your computers → Add a "
            "computer… and copy the code it shows (it works once, for an hour). Paste it "
            "here, and choose the storage that computer uses: the same shared folder, as "
            "synced on this computer, or the same WebDAV address."), form, hint(self.tr(
                "Entries and check-ins already on this computer join the shared journal once "
                "this computer is let in. Circles do not: each circle stays on the computer "
                "that joined it.")))

    def missing(self) -> str:
        if not self.code.toPlainText().strip():
            return self.tr("Paste the pairing code your other computer shows.")
        return super().missing()

    def join(self) -> None:
        app = self.app
        code, name = self.code.toPlainText().strip(), self.device_name.text().strip()
        storage = self.storage.storage()
        user, password = self.storage.credentials()
        self._run(lambda: app.join_devices(code, name, storage, webdav_user=user,
                                           webdav_password=password),
                  self.tr("Asking to join"))

    def wipe(self) -> None:
        self.code.clear()
        super().wipe()
