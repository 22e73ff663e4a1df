"""Pages that later releases fill: a short, honest explanation of what will be there."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout

from ui.context import UiContext
from ui.pages.base import Page
from ui.widgets.common import heading, hint


class ComingPage(Page):
    explanation = ""

    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.addWidget(heading(self.title))
        text = QLabel(self.explanation)
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(text)
        layout.addWidget(hint(self.tr("This part of Companion is on its way in a coming "
                                      "release.")))
        layout.addStretch(1)

