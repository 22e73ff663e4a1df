"""A new recovery code: confirm first (the old code stops working), then show the new one once,
with Copy, Save to file and Print, until the user says it is stored."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QFont, QFontDatabase, QGuiApplication, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion.app import CompanionApp
from companion.errors import UserError
from companion.files import save_text_file
from ui.dialogs.base import SettingsDialog
from ui.icons import icon
from ui.tasks import Lane, TaskRunner
from ui.widgets.common import hint, show_user_error


class RecoveryCodeView(QWidget):
    """The code in large monospace, with Copy / Save to file… / Print…."""

    def __init__(self) -> None:
        super().__init__()
        self.code = ""
        self.code_label = QLabel()
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSize(mono.pointSize() + 4)
        mono.setWeight(QFont.Weight.DemiBold)
        self.code_label.setFont(mono)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code_label.setAccessibleName(self.tr("Recovery code"))
        frame = QFrame()
        frame.setProperty("card", True)
        frame_layout = QVBoxLayout(frame)
        frame_layout.setContentsMargins(16, 18, 16, 18)
        frame_layout.addWidget(self.code_label)
        self.copy_button = QPushButton(icon("copy"), self.tr("Copy"))
        self.copy_button.clicked.connect(self.copy)
        self.save_button = QPushButton(icon("save"), self.tr("Save to file…"))
        self.save_button.clicked.connect(self.save)
        self.print_button = QPushButton(icon("print"), self.tr("Print…"))
        self.print_button.clicked.connect(self.print_code)
        actions = QHBoxLayout()
        for button in (self.copy_button, self.save_button, self.print_button):
            actions.addWidget(button)
        actions.addStretch(1)
        self.status = hint("")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(frame)
        layout.addLayout(actions)
        layout.addWidget(self.status)

    def set_code(self, code: str) -> None:
        self.code = code
        self.code_label.setText(code)
        self.status.setText("")

    def clear(self) -> None:
        self.code = ""
        self.code_label.clear()
        self.status.setText("")

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.code)
        self.status.setText(self.tr("Copied. Paste it somewhere safe, then clear your "
                                    "clipboard."))

    def save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save recovery code"),
                                              "companion-recovery-code.txt",
                                              self.tr("Text files (*.txt)"))
        if not path:
            return
        text = self.tr("Companion recovery code\n\n%1\n\nKeep this somewhere safe and "
                       "offline. Any older recovery code no longer works.\n").replace(
            "%1", self.code)
        try:
            save_text_file(Path(path), text)
        except UserError as exc:
            show_user_error(self, self.tr("Could not save the file"), exc)
            return
        self.status.setText(self.tr("Saved to %1.").replace("%1", path))

    def print_code(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return
        document = QTextDocument()
        document.setHtml(f"<h2>Companion recovery code</h2><p style='font-size:18pt;"
                         f"font-family:monospace'>{self.code}</p>"
                         "<p>Keep this somewhere safe and offline.</p>")
        document.print_(printer)


class NewRecoveryCodeDialog(SettingsDialog):
    """Emits `replaced` as soon as the new code is in force (the old one no longer works)."""

    replaced = Signal()

    def __init__(self, app: CompanionApp, runner: TaskRunner, parent: QWidget | None) -> None:
        super().__init__(self.tr("New recovery code"), runner, parent)
        self.app = app
        self.confirm_page = self._build_confirm()
        self.code_page = self._build_code()
        self.ok_button = self.add_ok(self.tr("Make a new code"))
        self.ok_button.clicked.connect(self._ok_clicked)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        for widget in (self.confirm_page, self.code_page, self.error, self.busy, self.buttons):
            layout.addWidget(widget)
        self.quiet_buttons()
        self._show_page(self.confirm_page)

    def _build_confirm(self) -> QWidget:
        text = QLabel(self.tr(
            "<p>Make a new recovery code if the old one may have been seen, or you cannot "
            "find it.</p><p><b>Your current recovery code stops working at once.</b> The new "
            "one is shown only once, so have a safe place ready to keep it.</p>"))
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(text)
        layout.addStretch(1)
        return page

    def _build_code(self) -> QWidget:
        intro = QLabel(self.tr(
            "This is your new recovery code. If you forget your passphrase, it is the only way "
            "back into your journal. Write it down, or save or print it, and keep it somewhere "
            "safe and offline. Your old code no longer works."))
        intro.setWordWrap(True)
        self.code_view = RecoveryCodeView()
        self.stored = QCheckBox(self.tr("I have stored my new recovery code somewhere safe"))
        self.stored.toggled.connect(self._stored_toggled)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (intro, self.code_view, self.stored):
            layout.addWidget(widget)
        return page

    def _show_page(self, page: QWidget) -> None:
        # Two plain widgets rather than a stack: a stack is as tall as its tallest page.
        self.confirm_page.setVisible(page is self.confirm_page)
        self.code_page.setVisible(page is self.code_page)
        if self.isVisible():
            self.fit_height()

    @property
    def showing_code(self) -> bool:
        return not self.code_page.isHidden()

    def _ok_clicked(self) -> None:
        if self.showing_code:
            if self.stored.isChecked():
                self.wipe()
                self.accept()
            return
        self.set_error("")
        self.set_busy(True, self.tr("Making a new recovery code"))
        self.ok_button.setEnabled(False)
        self.runner.run(self.app.new_recovery_code, self._made, self._failed, lane=Lane.VAULT)

    def show_code(self, code: str) -> None:
        """Show a code made elsewhere (a rekey's), kept open until it is stored."""
        self._made(code)

    def _made(self, code: str) -> None:
        self.set_busy(False)
        self.code_view.set_code(code)
        self._show_page(self.code_page)
        self.ok_button.setText(self.tr("Done"))
        self.ok_button.setEnabled(False)
        # From here the old code is gone: the dialog closes only once the new one is stored.
        self.cancel_button.setVisible(False)
        self.replaced.emit()

    def _failed(self, exc: BaseException) -> None:
        self.set_busy(False)
        self.ok_button.setEnabled(True)
        self.show_failure(exc)

    def _stored_toggled(self, stored: bool) -> None:
        self.ok_button.setEnabled(stored)

    def reject(self) -> None:
        if self.showing_code and not self.stored.isChecked():
            self.code_view.status.setText(self.tr(
                "Store the new code first: your old one no longer works."))
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        if self.showing_code and not self.stored.isChecked():
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)

    def wipe(self) -> None:
        self.code_view.clear()
