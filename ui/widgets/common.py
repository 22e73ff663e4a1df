"""Small building blocks shared by the pages: headings, hints, error text, message boxes."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from storage.errors import UserError


def _label(text: str, role: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", role)
    label.setWordWrap(True)
    return label


def heading(text: str) -> QLabel:
    label = _label(text, "heading")
    label.setAccessibleName(text)
    return label


def subheading(text: str) -> QLabel:
    return _label(text, "subheading")


def hint(text: str) -> QLabel:
    return _label(text, "hint")


def error_label() -> QLabel:
    label = _label("", "error")
    label.setAccessibleName("Error message")
    return label


def user_message(exc: BaseException) -> str:
    """The sentence to show for an error; only `UserError`s carry one."""
    if isinstance(exc, UserError):
        return str(exc)
    return "Something went wrong. A report without your content was saved."


def show_user_error(parent: QWidget | None, title: str, exc: BaseException) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, user_message(exc),
                      QMessageBox.StandardButton.Ok, parent)
    box.open()
