"""A safety number as people read it out: twelve groups of five digits, three lines of four
(docs/protocol.md §2). Circles and device pairing show the same number on both screens, and
the person compares them; one widget draws it everywhere so the screens look alike."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QWidget


def number_lines(number: str) -> str:
    """Twelve groups of five digits as three lines of four, the way people read them out."""
    groups = number.split()
    return "\n".join(" ".join(groups[i:i + 4]) for i in range(0, len(groups), 4))


class SafetyNumberLabel(QLabel):
    """The digits, selectable, in a fixed-width font, never read as markup (a number can be
    empty, as on a computer that has not asked to join yet)."""

    def __init__(self, number: str, name: str, *, point_size: int = 0, centred: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        font = QFont("monospace")
        if point_size:
            font.setPointSize(point_size)
        self.setFont(font)
        if centred:
            self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setAccessibleName(name)
        self.set_number(number)

    def set_number(self, number: str) -> None:
        self.setText(number_lines(number))
