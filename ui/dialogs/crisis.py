"""Support lines, shown calmly the moment a PHQ-9 item-9 answer is above 0 (and on request).

Everything shown is on this computer (the shipped list, or the person's own copy in the vault
folder), so it works offline and with nothing else loaded. The person can edit their own list
here: the text is checked before it is saved, and a list that does not parse is never saved.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from companion.crisis import (
    format_resources,
    load_crisis_resources,
    parse_resources,
    shipped_text,
    user_file,
)
from companion.files import save_text_file
from ui.tasks import TaskRunner
from ui.widgets.common import error_label, heading, hint, user_message

INTRO = ("You are not alone with this. If you are thinking about harming yourself, please "
         "reach out to someone now: one of the lines below, someone you trust, or your local "
         "emergency number.")


class CrisisDialog(QDialog):
    saved = Signal()

    def __init__(self, home: Path, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.home, self.runner = home, runner
        self.setWindowTitle(self.tr("Support, if you need it now"))
        self.setMinimumSize(560, 520)
        self.stack = QStackedWidget()
        self.stack.addWidget(self._build_view())
        self.stack.addWidget(self._build_editor())
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        self.show_resources()

    def _build_view(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(heading(self.tr("Support, if you need it now")))
        intro = QLabel(self.tr(INTRO))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(False)
        self.text.setAccessibleName(self.tr("Support lines"))
        layout.addWidget(self.text, 1)
        layout.addWidget(hint(self.tr(
            "This list is kept on your computer and works without the internet. Numbers "
            "change: you can make it your own with local services and people you trust.")))
        buttons = QDialogButtonBox()
        self.edit_button = buttons.addButton(self.tr("Edit my list…"),
                                             QDialogButtonBox.ButtonRole.ActionRole)
        self.edit_button.clicked.connect(self.start_editing)
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.clicked.connect(self.accept)
        self.close_button.setDefault(True)
        layout.addWidget(buttons)
        return page

    def _build_editor(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(heading(self.tr("Your support lines")))
        layout.addWidget(hint(self.tr(
            "Edit the list as JSON: add your country's lines, a friend, your therapist's "
            "number. Companion shows your list instead of the shipped one while it is valid.")))
        self.editor = QPlainTextEdit()
        self.editor.setFont(QFont("monospace"))
        self.editor.setAccessibleName(self.tr("Support lines as JSON"))
        layout.addWidget(self.editor, 1)
        self.edit_error = error_label()
        self.edit_error.setVisible(False)
        layout.addWidget(self.edit_error)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(self.tr("Save my list"),
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.clicked.connect(self.save_list)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.clicked.connect(self.show_resources)
        layout.addWidget(buttons)
        return page

    def show_resources(self) -> None:
        resources = load_crisis_resources(self.home)  # one small local file: no task needed
        self.text.setPlainText(format_resources(resources))
        self.stack.setCurrentIndex(0)
        self.close_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def start_editing(self) -> None:
        path = user_file(self.home)
        try:
            text = path.read_text("utf-8") if path.is_file() else shipped_text()
        except (OSError, UnicodeDecodeError):
            text = shipped_text()
        self.editor.setPlainText(text)
        self.edit_error.setVisible(False)
        self.stack.setCurrentIndex(1)
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def save_list(self) -> None:
        text = self.editor.toPlainText()
        try:
            parse_resources(json.loads(text), source="edited")
        except (ValueError, TypeError, KeyError) as exc:
            self.edit_error.setText(self.tr("This list cannot be saved yet: %1. Nothing was "
                                            "changed.").replace("%1", str(exc)))
            self.edit_error.setVisible(True)
            return
        path = user_file(self.home)
        self.save_button.setEnabled(False)
        self.runner.run(lambda: save_text_file(path, text),
                        self._saved, self._save_failed)

    def _saved(self, _result: object) -> None:
        self.save_button.setEnabled(True)
        self.saved.emit()
        self.show_resources()

    def _save_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.edit_error.setText(user_message(exc))
        self.edit_error.setVisible(True)


def show_crisis_dialog(home: Path, runner: TaskRunner, parent: QWidget | None) -> CrisisDialog:
    dialog = CrisisDialog(home, runner, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    dialog.raise_()
    return dialog


__all__ = ["CrisisDialog", "show_crisis_dialog"]
