"""What a page of the main window offers the workspace."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ui.context import UiContext


class Page(QWidget):
    title = ""
    icon_name = ""

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx

    def shown(self) -> None:
        """Called each time the page becomes visible."""

    def teardown(self) -> None:
        """Drop every decrypted value this page holds (called on lock, before deletion)."""
