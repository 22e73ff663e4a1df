"""A page's first-use panel: what the page is for, in a few plain sentences, and its first step.

Insights, Screen time and the Circle each showed either a grey footer or an empty chart to a new
person. This panel sits a little above the middle, keeps its text to a short measure however
wide the window is, and its first button has the keyboard when the page is shown, so Enter
takes the first step.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QPushButton, QVBoxLayout, QWidget

from ui.icons import icon
from ui.widgets.common import subheading

_MEASURE = 440  # pixels of text: a few short lines, even when the page is wide


class EmptyState(QWidget):
    def __init__(self, icon_name: str, title: str, body: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        centre = Qt.AlignmentFlag.AlignHCenter
        self.picture = QLabel()
        self.picture.setPixmap(icon(icon_name).pixmap(QSize(48, 48)))
        self.picture.setAlignment(centre)
        self.picture.setAccessibleName("")
        self.title = subheading(title)
        self.title.setAlignment(centre)
        self.body = QLabel(body)
        self.body.setWordWrap(True)
        self.body.setAlignment(centre)
        self.body.setTextFormat(Qt.TextFormat.PlainText)
        self.buttons: list[QPushButton] = []
        self.column = QWidget()
        self.column.setMaximumWidth(_MEASURE)
        self._box = QVBoxLayout(self.column)
        self._box.setContentsMargins(16, 0, 16, 0)
        self._box.setSpacing(10)
        self._box.addWidget(self.picture)
        self._box.addWidget(self.title)
        self._box.addWidget(self.body)
        self._box.addSpacing(4)
        # Centred by stretches, not by an alignment flag: a widget placed with alignment gets
        # its size hint, and word-wrapped text then loses its last lines.
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.column, 100)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)  # a little above the middle, where the eye lands
        self.setAccessibleName(title)
        self.setAccessibleDescription(body)

    def add_action(self, text: str, slot: Callable[[], object] | None = None, *,
                   icon_name: str = "", menu: QMenu | None = None) -> QPushButton:
        button = QPushButton(icon(icon_name), text) if icon_name else QPushButton(text)
        if slot is not None:
            button.clicked.connect(lambda _checked=False: slot())
        if menu is not None:
            button.setMenu(menu)
        button.setDefault(not self.buttons)  # the first step is what Enter does
        self.buttons.append(button)
        self._box.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        return button

    def set_body(self, text: str) -> None:
        self.body.setText(text)
        self.setAccessibleDescription(text)

    def focus_first_action(self) -> None:
        if self.buttons:
            self.buttons[0].setFocus(Qt.FocusReason.OtherFocusReason)
