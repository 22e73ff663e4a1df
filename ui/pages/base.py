"""What a page of the main window offers the workspace."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QWidget

from ui.context import UiContext


class Page(QWidget):
    title = ""
    icon_name = ""
    go_to = Signal(object)  # another page's type: an empty state's first step lives there

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx

    def shown(self) -> None:
        """Called each time the page becomes visible."""

    def focus_work(self) -> None:
        """Put the keyboard where the page's work is (after unlock and on a page switch):
        the page itself here; a page with one obvious first control overrides it."""
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def teardown(self) -> None:
        """Drop every decrypted value this page holds (called on lock, before deletion)."""
