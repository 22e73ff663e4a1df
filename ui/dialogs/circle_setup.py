"""Creating and joining a circle: where the shared storage is, and your name in the circle.

Both reach the storage before anything is saved (the service probes it), so a wrong folder or a
refused password is said at once, in the dialog, with what to do. Reaching storage is network
or disk work: it runs in the task runner's heavy lane, never on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from companion.app import CompanionApp
from companion.circle import CircleRow, InvitePreview
from companion.circle_status import invite_webdav_url
from companion.errors import InvalidInput
from ui.dialogs.base import SettingsDialog
from ui.tasks import Lane, TaskRunner
from ui.widgets.code_box import CodeBox
from ui.widgets.common import hint
from ui.widgets.storage_form import StorageForm, StorageTexts

CIRCLE_STORAGE = StorageTexts(
    folder_placeholder="e.g. ~/Sync/our-circle",
    url_placeholder="https://cloud.example.org/remote.php/dav/files/me/Circle/",
    folder_hints=(
        "<b>Syncthing</b>: share one folder between your devices and the others' "
        "(Syncthing → Add Folder), then choose it here.<br>"
        "<b>Nextcloud</b> or <b>ownCloud</b> desktop client: a folder inside your synced "
        "Nextcloud folder, shared with the others.<br>"
        "<b>Dropbox</b>: a shared folder inside your Dropbox folder.<br>"
        "Everything written there is encrypted; the provider sees only sizes and times."),
    webdav_hint=("For Nextcloud: https://SERVER/remote.php/dav/files/USER/Circle/ — make an "
                 "app password in Settings → Security, never use your main password."))


class _CircleDialog(SettingsDialog):
    def __init__(self, title: str, app: CompanionApp, runner: TaskRunner,
                 parent: QWidget | None) -> None:
        super().__init__(title, runner, parent)
        self.app = app
        self.result_row: CircleRow | None = None
        self.ok_button = QPushButton()  # replaced by the subclass's own OK button
        self.display_name = QLineEdit()
        self.display_name.setAccessibleName(self.tr("Your name in this circle"))
        self.display_name.setPlaceholderText(self.tr("a first name or a nickname"))

    def _run(self, work: Callable[[], Any], what: str,
             done: Callable[[Any], None] | None = None) -> None:
        """`work` on the task runner (it touches the vault or the network), then `done` (by
        default: accept the dialog with the row it made)."""
        self.set_error("")
        self.set_busy(True, what)
        self.ok_button.setEnabled(False)
        self.runner.run(work, done or self._succeeded, self._failed, lane=Lane.HEAVY)

    def _succeeded(self, row: CircleRow) -> None:
        self.set_busy(False)
        self.result_row = row
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.set_busy(False)
        self.ok_button.setEnabled(True)
        self.show_failure(exc)


class CreateCircleDialog(_CircleDialog):
    def __init__(self, app: CompanionApp, runner: TaskRunner, parent: QWidget | None) -> None:
        super().__init__(self.tr("New circle"), app, runner, parent)
        self.name = QLineEdit()
        self.name.setAccessibleName(self.tr("Circle name"))
        self.name.setPlaceholderText(self.tr("e.g. Tuesday group"))
        self.storage = StorageForm(runner, CIRCLE_STORAGE)
        form = QFormLayout()
        form.addRow(self.tr("Circle name"), self.name)
        form.addRow(self.tr("Your name in it"), self.display_name)
        self.ok_button = self.add_ok(self.tr("Create circle"))
        self.ok_button.clicked.connect(self.create_circle)
        layout = QVBoxLayout(self)
        layout.addWidget(hint(self.tr(
            "A circle shares check-ins and notes with a few people you trust, end-to-end "
            "encrypted, through storage you already have. You will be its admin.")))
        layout.addLayout(form)
        layout.addWidget(self.storage)
        layout.addWidget(self.error)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)
        self.quiet_buttons()

    def create_circle(self) -> None:
        service = self.app.circles
        name, display = self.name.text(), self.display_name.text()
        storage = self.storage.storage()
        user, password = self.storage.credentials()
        self._run(lambda: service.create(name, storage, display, webdav_user=user,
                                         webdav_password=password),
                  self.tr("Creating the circle"))

    def wipe(self) -> None:
        self.storage.wipe()


class JoinConfirmation(QWidget):
    """The second step of joining: what the invite code says, to check with the admin before
    anything is sent (the same facts `companion circle join` prints). Every text here comes
    from the code, so it is shown as plain text, never as rich text."""

    def __init__(self) -> None:
        super().__init__()
        self.circle = _plain_label()
        self.server = _plain_label()
        self.path = _plain_label()
        self.origin = _plain_label()
        self.fingerprint = _plain_label()
        self.fingerprint.setFont(QFont("monospace"))
        self.fingerprint.setAccessibleName(self.tr("The admin's fingerprint"))
        self.signature = _plain_label()
        # Short enough not to be cut off at 800×600 (a check box does not wrap); what it
        # allows is said beside it, wrapped.
        self.trust = QCheckBox(self.tr("I checked the server and the fingerprint with the admin"))
        self.trust_hint = hint(self.tr("Joining then sends your WebDAV user name and app "
                                       "password to this server."))
        form = QFormLayout()
        form.addRow(self.tr("Circle"), self.circle)
        self.server_label = QLabel(self.tr("Server"))
        form.addRow(self.server_label, self.server)
        self.path_label = QLabel(self.tr("Folder"))
        form.addRow(self.path_label, self.path)
        form.addRow("", self.origin)
        form.addRow(self.tr("Admin's fingerprint"), self.fingerprint)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(hint(self.tr(
            "Check this with the admin before joining. Ask them to read their fingerprint to "
            "you on a call (their invite window shows it): if it differs, or you do not know "
            "this server, do not join — someone may have changed the code.")))
        layout.addLayout(form)
        layout.addWidget(self.signature)
        layout.addWidget(self.trust)
        layout.addWidget(self.trust_hint)

    def show_preview(self, preview: InvitePreview) -> None:
        webdav = preview.storage_kind == "webdav"
        self.circle.setText(preview.circle_id)
        self.server_label.setVisible(webdav)
        self.server.setVisible(webdav)
        self.server.setText(preview.host)
        self.path_label.setText(self.tr("Folder on the server") if webdav
                                else self.tr("Your folder"))
        self.path.setText(preview.path)
        self.origin.setText(self.tr("(the address written in the invite code)")
                            if preview.from_code else self.tr("(the address you gave)"))
        self.fingerprint.setText(preview.admin_fingerprint)
        self.signature.setText(
            self.tr("The admin's signature in the code covers this address.") if preview.signed
            else self.tr("This is an older invite code: nothing proves that this address is "
                         "the admin's."))
        self.trust.setChecked(False)
        self.trust.setVisible(preview.needs_confirmation)
        self.trust_hint.setVisible(preview.needs_confirmation)


def _plain_label() -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class JoinCircleDialog(_CircleDialog):
    """Two steps: the code, your name and your storage; then what the code says, confirmed
    by the person (a WebDAV address taken from the code needs the box ticked) before the
    service sends anything — it refuses an unconfirmed address itself, too."""

    def __init__(self, app: CompanionApp, runner: TaskRunner, parent: QWidget | None) -> None:
        super().__init__(self.tr("Join a circle"), app, runner, parent)
        self.preview: InvitePreview | None = None
        self.code = CodeBox()  # Enter continues, as in a one-line field
        self.code.setAccessibleName(self.tr("Invite code"))
        self.code.setPlaceholderText("companion-invite-2:…")
        self.code.setMaximumHeight(80)
        self.code.textChanged.connect(self._code_changed)
        # Testing a connection sends the password; here joining tests it, after the address
        # is confirmed.
        self.storage = StorageForm(runner, CIRCLE_STORAGE, allow_test=False)
        self.storage_hint = hint("")
        form = QFormLayout()
        form.addRow(self.tr("Invite code"), self.code)
        form.addRow(self.tr("Your name in it"), self.display_name)
        self.entry_page = QWidget()
        entry = QVBoxLayout(self.entry_page)
        entry.setContentsMargins(0, 0, 0, 0)
        entry.addWidget(hint(self.tr(
            "Paste the code the circle's admin gave you. Then say where your copy of the "
            "circle's storage is: the same shared folder (as synced on this computer) or the "
            "WebDAV server named in the invite.")))
        entry.addLayout(form)
        entry.addWidget(self.storage_hint)
        entry.addWidget(self.storage)
        self.confirmation = JoinConfirmation()
        self.confirmation.trust.toggled.connect(self._update_ok)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.entry_page)
        self.pages.addWidget(self.confirmation)
        self.ok_button = self.add_ok(self.tr("Continue"))
        self.ok_button.clicked.connect(self.next_step)
        self.back_button = self.buttons.addButton(self.tr("Back"),
                                                  QDialogButtonBox.ButtonRole.ActionRole)
        self.back_button.clicked.connect(self.back)
        self.back_button.setVisible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        layout.addWidget(self.error)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)
        self.quiet_buttons()

    def _code_changed(self) -> None:
        code = self.code.toPlainText().strip()
        if not code:
            return
        try:
            url = invite_webdav_url(code)
        except InvalidInput:  # an incomplete paste: said when Continue is pressed
            return
        if url:
            self.storage.use_webdav(url)
            self.storage_hint.setText(self.tr("This circle is on a WebDAV server; enter your "
                                              "user and app password for it."))
        else:
            self.storage.folder_choice.setChecked(True)
            self.storage_hint.setText(self.tr("This circle uses a shared folder: choose your "
                                              "copy of it."))

    def next_step(self) -> None:
        if self.preview is None:
            self.check_code()
        else:
            self.join()

    def check_code(self) -> None:
        """Read the code and the storage (nothing is sent or saved), then show the facts."""
        service = self.app.circles
        code, storage = self.code.toPlainText().strip(), self.storage.storage()
        self._run(lambda: service.preview_invite(code, storage),
                  self.tr("Reading the invite code"), self._show_confirmation)

    def _show_confirmation(self, preview: InvitePreview) -> None:
        self.set_busy(False)
        self.preview = preview
        self.confirmation.show_preview(preview)
        self.pages.setCurrentWidget(self.confirmation)
        self.ok_button.setText(self.tr("Join"))
        self.back_button.setVisible(True)
        self._update_ok()
        target = self.confirmation.trust if preview.needs_confirmation else self.back_button
        target.setFocus()

    def _update_ok(self) -> None:
        preview = self.preview
        self.ok_button.setEnabled(preview is None or not preview.needs_confirmation
                                  or self.confirmation.trust.isChecked())

    def back(self) -> None:
        if self.is_busy:
            return
        self.preview = None
        self.set_error("")
        self.pages.setCurrentWidget(self.entry_page)
        self.ok_button.setText(self.tr("Continue"))
        self.back_button.setVisible(False)
        self._update_ok()

    def join(self) -> None:
        preview = self.preview
        assert preview is not None
        if preview.needs_confirmation and not self.confirmation.trust.isChecked():
            return
        service = self.app.circles
        code, display = self.code.toPlainText().strip(), self.display_name.text()
        storage = self.storage.storage()
        user, password = self.storage.credentials()
        confirmed = preview.storage
        self.back_button.setEnabled(False)
        self._run(lambda: service.join(code, display, storage, webdav_user=user,
                                       webdav_password=password, confirmed_storage=confirmed),
                  self.tr("Asking to join"))

    def _failed(self, exc: BaseException) -> None:
        super()._failed(exc)
        self.back_button.setEnabled(True)
        self._update_ok()

    def wipe(self) -> None:
        self.code.clear()
        self.storage.wipe()
