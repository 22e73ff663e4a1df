"""What a page of the main window offers the workspace."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractScrollArea, QWidget

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
        here its first control in Tab order (not a scroll area around the controls); a page
        whose work starts elsewhere overrides it."""
        first = first_control(self)
        (first or self).setFocus(Qt.FocusReason.OtherFocusReason)

    def teardown(self) -> None:
        """Drop every decrypted value this page holds (called on lock, before deletion)."""


def first_control(root: QWidget) -> QWidget | None:
    """The first control under `root` that Tab would stop at, skipping the scroll areas that
    only hold the others."""
    widget = root.nextInFocusChain()
    for _ in range(2_000):  # the chain is a ring; a bound keeps a broken one from hanging
        if widget is None or widget is root:
            return None
        if root.isAncestorOf(widget) and widget.isVisibleTo(root) and widget.isEnabled() \
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus \
                and not isinstance(widget, QAbstractScrollArea) and widget.focusProxy() is None:
            return widget
        widget = widget.nextInFocusChain()
    return None
