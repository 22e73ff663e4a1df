"""Small building blocks shared by the pages: headings, hints, error text, message boxes."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from companion.errors import UserError


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
    """The sentence to show for an error. The task runner hands handlers `UserError`s only
    (a bug arrives as `ReportedBug`, which says whether its report was saved); anything else
    gets a sentence that claims nothing more than that it happened."""
    if isinstance(exc, UserError):
        return str(exc)
    return "Something went wrong inside Companion."


def show_user_error(parent: QWidget | None, title: str, exc: BaseException) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, user_message(exc),
                      QMessageBox.StandardButton.Ok, parent)
    box.open()
