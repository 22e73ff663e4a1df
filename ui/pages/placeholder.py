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


class InsightsPage(ComingPage):
    title = "Insights"
    icon_name = "insights"
    explanation = (
        "<p>Here you will see patterns in your check-ins: your mood and energy over weeks and "
        "months, which activities go with better days, how sleep and screen time line up with "
        "how you feel.</p><p>You will also be able to take standard self-assessments (PHQ-9, "
        "GAD-7, WHO-5) and make a clear PDF summary to bring to your therapist.</p>")


class ScreenTimePage(ComingPage):
    title = "Screen time"
    icon_name = "screentime"
    explanation = (
        "<p>Here Companion will measure how long you actively use your computer, per app and "
        "category, let you set gentle daily budgets, and remind you to rest your eyes and take "
        "breaks.</p><p>What it measures stays in your vault, next to your mood.</p>")


class CirclePage(ComingPage):
    title = "Circle"
    icon_name = "circle"
    explanation = (
        "<p>Here you will be able to share check-ins and notes with a small circle of people "
        "you trust, end-to-end encrypted, over a folder you already sync (Syncthing, "
        "Nextcloud, Dropbox) or a WebDAV server. Companion runs no server; the storage "
        "provider sees nothing but sizes and times.</p>")
