"""Small building blocks shared by the pages: headings, hints, error text, message boxes."""

from __future__ import annotations

from PySide6.QtCore import QTimer
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


def grow_to_fit(window: QWidget) -> None:
    """Make `window` tall enough for what it now shows (an error line, a new section), up to
    the screen's height, on the next turn of the event loop (once the layout has taken in the
    change). Seen: an error in the new-circle dialog pushed its help out of view, and the
    Daylio mood boxes were squashed to 3 px in a dialog that did not grow."""

    def grow() -> None:
        layout = window.layout()
        if layout is None:
            return
        layout.activate()
        width = window.width()
        needed = layout.totalMinimumSize().height()
        if layout.hasHeightForWidth():
            needed = max(needed, layout.totalHeightForWidth(width))
        screen = window.screen()
        room = screen.availableGeometry() if screen is not None else None
        if room is not None:
            needed = min(needed, room.height())
        if needed > window.height():
            window.resize(width, needed)
        if room is not None:  # grown in place (by us or by Qt), its bottom may hang off
            overflow = window.frameGeometry().bottom() - room.bottom()
            if overflow > 0:
                window.move(window.x(), max(room.top(), window.y() - overflow))

    QTimer.singleShot(0, window, grow)
