"""A one-time code to pass to another screen: its QR code beside the text, and Copy.

A circle's invite and a device pairing code are shown this way. The QR code is drawn in memory
(ui/widgets/qr_code.py), never written to disk; `clear()` drops the text and the picture when
the dialog closes, since the code is a secret until it is used.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication, QTextOption
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from ui.widgets.qr_code import qr_label


class OneTimeCode(QWidget):
    """The QR code on the left; on the right the code (read-only, selectable; Tab leaves it)
    and a Copy button the keyboard reaches next."""

    def __init__(self, code: str, name: str, qr_name: str, qr_description: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code = code
        self.qr = qr_label(code, 3, qr_name, qr_description)
        self.qr.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        self.code_view = QPlainTextEdit(code)
        self.code_view.setReadOnly(True)
        self.code_view.setWordWrapMode(QTextOption.WrapMode.WrapAnywhere)
        self.code_view.setFont(QFont("monospace"))
        self.code_view.setAccessibleName(name)
        self.code_view.setTabChangesFocus(True)
        # Enter answers the dialog's own default button, not Copy.
        self.copy_button = QPushButton(self.tr("Copy code"))
        self.copy_button.setAutoDefault(False)
        self.copy_button.setAccessibleDescription(self.tr("Puts the code on the clipboard"))
        self.copy_button.clicked.connect(self.copy)
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.code_view, 1)
        row = QHBoxLayout()
        row.addWidget(self.copy_button)
        row.addStretch(1)
        column.addLayout(row)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(column, 1)
        QWidget.setTabOrder(self.code_view, self.copy_button)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.code)
        self.copy_button.setText(self.tr("Copied"))

    def clear(self) -> None:
        """Forget the code: its text, its picture and what Copy would put on the clipboard."""
        self.code = ""
        self.code_view.clear()
        self.qr.clear()
