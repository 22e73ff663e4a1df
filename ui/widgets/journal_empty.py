"""What the journal's list pane says when it has nothing to list.

Two kinds of nothing. A journal that is still empty (no entry and no check-in) says what the
journal is for and offers the first steps, in the same first-use panel as the other pages:
write an entry, or bring one's journal over from another app. A view that shows nothing (a
filter, a search, the trash) says why in one line and, for filters, offers to clear them: it
is not a first use, and saying so would be untrue.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QPushButton, QStackedWidget, QVBoxLayout, QWidget

from ui.widgets.common import hint
from ui.widgets.empty_state import EmptyState


class JournalEmptyState(QStackedWidget):
    write_requested = Signal()
    import_requested = Signal()
    clear_filters_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.first = EmptyState("journal", self.tr("Your journal"), self.tr(
            "A private place for what happened and how it felt. The entries you write and "
            "the check-ins you make on Today gather here, day by day, in the encrypted vault "
            "on this computer."))
        self.write_button = self.first.add_action(
            self.tr("Write your first entry"), self.write_requested.emit, icon_name="plus")
        self.write_button.setToolTip(self.tr("Start a new entry (Ctrl+N)"))
        self.import_button = self.first.add_action(self.tr("Import from another app…"),
                                                   self.import_requested.emit)
        self.import_button.setToolTip(self.tr(
            "Bring in a journal from jrnl, Daylio, Day One or a Companion export"))
        self.nothing = QWidget()
        self.reason = hint("")
        self.reason.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.reason.setTextFormat(Qt.TextFormat.PlainText)  # it may quote a search
        self.clear_button = QPushButton(self.tr("Clear filters"))
        self.clear_button.setToolTip(self.tr("Show every day again: all tags, any date"))
        self.clear_button.clicked.connect(self.clear_filters_requested)
        box = QVBoxLayout(self.nothing)
        box.setSpacing(10)
        box.addStretch(1)
        box.addWidget(self.reason)
        box.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignHCenter)
        box.addStretch(2)  # a little above the middle, as the first-use panel
        self.addWidget(self.first)
        self.addWidget(self.nothing)
        self.show_reason("")

    def show_first_use(self) -> None:
        """The journal is empty: what it is for, and the first steps."""
        self.setCurrentWidget(self.first)
        self.setAccessibleName(self.first.accessibleName())

    def show_reason(self, text: str, *, clear_filters: bool = False) -> None:
        """Nothing to show here, and why (with Clear filters when filters are the reason)."""
        self.reason.setText(text)
        self.clear_button.setVisible(clear_filters)
        self.setCurrentWidget(self.nothing)
        self.setAccessibleName(text)

    @property
    def first_use(self) -> bool:
        return self.currentWidget() is self.first

    def text(self) -> str:
        """What the pane says (for tests and screen readers)."""
        if self.first_use:
            return f"{self.first.title.text()}. {self.first.body.text()}"
        return self.reason.text()

    def focus_target(self) -> QWidget | None:
        """The button that takes the keyboard when the pane is shown, if any."""
        if self.first_use:
            return self.write_button
        return self.clear_button if not self.clear_button.isHidden() else None

    def wipe(self) -> None:
        """On lock: the reason may quote a search."""
        self.show_reason("")
