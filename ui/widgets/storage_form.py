"""Where shared storage is: a folder on this computer (synced by Syncthing, Nextcloud,
Dropbox…) or a WebDAV address with a user and an app password.

Circles and device sync ask the same question with their own words (`StorageTexts`): one form
serves both. Testing a connection reaches the storage, so it runs in the task runner's heavy
lane, never on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from companion.circle_status import test_connection
from ui.tasks import Lane, TaskRunner
from ui.widgets.common import hint, user_message


@dataclass(frozen=True)
class StorageTexts:
    """What the form says, for whoever shares the storage (a circle's members, or the
    person's own computers)."""

    folder_placeholder: str
    url_placeholder: str
    folder_hints: str  # rich text: the usual sync tools in bold
    webdav_hint: str
    # The sentence for a failed connection test (default: the error's own sentence).
    describe_test_failure: Callable[[BaseException], str] = user_message


class StorageForm(QWidget):
    """A shared folder (with a folder dialog) or a WebDAV address, user and app password."""

    def __init__(self, runner: TaskRunner, texts: StorageTexts, *, allow_webdav: bool = True,
                 allow_test: bool = True) -> None:
        super().__init__()
        self.runner = runner
        self.texts = texts
        self.folder_choice = QRadioButton(self.tr("A shared folder on this computer"))
        self.webdav_choice = QRadioButton(self.tr("A WebDAV server (Nextcloud, ownCloud…)"))
        self.folder_choice.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.folder_choice)
        group.addButton(self.webdav_choice)
        self.folder = QLineEdit()
        self.folder.setPlaceholderText(self.tr(texts.folder_placeholder))
        self.folder.setAccessibleName(self.tr("Shared folder"))
        self.browse_button = QPushButton(self.tr("Choose…"))
        self.browse_button.clicked.connect(self.choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.browse_button)
        folder_page = QWidget()
        folder_box = QVBoxLayout(folder_page)
        folder_box.setContentsMargins(0, 0, 0, 0)
        folder_box.addLayout(folder_row)
        folder_hints = QLabel(self.tr(texts.folder_hints))
        folder_hints.setWordWrap(True)
        folder_hints.setProperty("role", "hint")
        folder_box.addWidget(folder_hints)
        self.url = QLineEdit()
        self.url.setPlaceholderText(texts.url_placeholder)
        self.url.setAccessibleName(self.tr("WebDAV address"))
        self.user = QLineEdit()
        self.user.setAccessibleName(self.tr("WebDAV user"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("App password"))
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.clicked.connect(self.test)
        self.test_result = QLabel("")
        self.test_result.setWordWrap(True)
        webdav_page = QWidget()
        form = QFormLayout(webdav_page)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("Address"), self.url)
        form.addRow(self.tr("User"), self.user)
        form.addRow(self.tr("App password"), self.password)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.test_result, 1)
        form.addRow("", test_row)
        form.addRow("", hint(self.tr(texts.webdav_hint)))
        # Shown one at a time (not stacked), so the dialog is as tall as the choice made.
        self.folder_page, self.webdav_page = folder_page, webdav_page
        webdav_page.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.folder_choice)
        layout.addWidget(self.webdav_choice)
        layout.addWidget(folder_page)
        layout.addWidget(webdav_page)
        self.webdav_choice.toggled.connect(self._switch)
        if not allow_webdav:
            self.webdav_choice.setVisible(False)
        if not allow_test:
            self.test_button.setVisible(False)
            self.test_result.setVisible(False)

    def _switch(self, webdav: bool) -> None:
        self.webdav_page.setVisible(webdav)
        self.folder_page.setVisible(not webdav)

    def use_webdav(self, url: str) -> None:
        self.webdav_choice.setChecked(True)
        self.url.setText(url)

    def choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, self.tr("Choose the shared folder"),
                                                  self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def storage(self) -> str:
        if self.webdav_choice.isChecked():
            return f"webdav:{self.url.text().strip()}"
        return f"folder:{self.folder.text().strip()}"

    def credentials(self) -> tuple[str, str]:
        if not self.webdav_choice.isChecked():
            return "", ""
        return self.user.text().strip(), self.password.text()

    def is_filled(self) -> bool:
        """Whether the chosen kind has its folder or address (what a dialog checks before
        running anything)."""
        field = self.url if self.webdav_choice.isChecked() else self.folder
        return bool(field.text().strip())

    def test(self) -> None:
        storage = self.storage()
        user, password = self.credentials()
        self.test_button.setEnabled(False)
        self.test_result.setProperty("role", "hint")
        self.test_result.setText(self.tr("Connecting…"))
        self.runner.run(lambda: test_connection(storage, user, password), self._tested,
                        self._test_failed, lane=Lane.HEAVY)

    def _tested(self, _result: object) -> None:
        self.test_button.setEnabled(True)
        self.test_result.setText(self.tr("Connected: Companion can read and write there."))

    def _test_failed(self, exc: BaseException) -> None:
        self.test_button.setEnabled(True)
        self.test_result.setProperty("role", "error")
        self.test_result.style().unpolish(self.test_result)
        self.test_result.style().polish(self.test_result)
        self.test_result.setText(self.texts.describe_test_failure(exc))

    def wipe(self) -> None:
        self.password.clear()
