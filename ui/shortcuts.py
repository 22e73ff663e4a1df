"""The keyboard cheat sheet (F1): shortcuts grouped by where they work, keys drawn as keys.

It was a two-column table that read like a spreadsheet. Now each place (everywhere, Today, the
Journal, the editor) has a short section, and every shortcut the app registers is listed — a
test compares this list with the shortcuts the windows really have.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ui.control_style import border_colour
from ui.tasks import TaskRunner

Shortcut = tuple[tuple[str, ...], str]  # the key combinations (any of them works), the action

SECTIONS: tuple[tuple[str, tuple[Shortcut, ...]], ...] = (
    ("Everywhere", (
        (("Ctrl+1", "Ctrl+6"), "Go to a page: Today, Journal, Insights, Screen time, Circle, "
                               "Settings"),
        (("Tab",), "Move to the next control (Shift+Tab goes back)"),
        (("Ctrl+Shift+N",), "New entry from a template, in the Journal"),
        (("Ctrl+Shift+H",), "Need help now? The support lines, also from inside a dialog"),
        (("Ctrl+L",), "Lock now"),
        (("F1", "Ctrl+?"), "This list"),
        (("Ctrl+Q",), "Quit"),
    )),
    ("Today", (
        (("1", "5"), "Pick a mood, from 1 (awful) to 5 (great)"),
        (("Left", "Right"), "Move along a row of choices (moods, energy, chips); Space picks"),
        (("Ctrl+Enter",), "Save the check-in"),
        (("Enter",), "Open the selected check-in to correct it"),
        (("Delete",), "Delete the selected check-in (Undo is offered)"),
    )),
    ("Journal", (
        (("Ctrl+N",), "New entry"),
        (("Ctrl+F",), "Search the journal"),
        (("Down",), "From the search box to the results"),
        (("Esc",), "Clear the search"),
        (("Enter",), "Open the selected entry or check-in"),
        (("Delete",), "Move the selected entry to the trash, or delete the check-in"),
        (("Ctrl+G",), "Go to a day (calendar)"),
    )),
    ("Writing an entry", (
        (("Ctrl+S",), "Save"),
        (("Ctrl+D",), "Star or unstar"),
        (("Ctrl+P",), "Preview on or off"),
    )),
)


def _is_range(combination: tuple[str, ...]) -> bool:
    return len(combination) == 2 and all(keys[-1].isdigit() for keys in combination)


def listed_keys() -> set[str]:
    """Every key combination the sheet names, as Qt writes them (for the test)."""
    keys: set[str] = set()
    for _title, shortcuts in SECTIONS:
        for combination, _action in shortcuts:
            if _is_range(combination):  # 1 … 5
                prefix = combination[0][:-1]
                first, last = int(combination[0][-1]), int(combination[1][-1])
                keys.update(f"{prefix}{n}" for n in range(first, last + 1))
            else:
                keys.update(combination)
    return keys


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, *,
                 runner: TaskRunner | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        sheet = QWidget()
        columns = QHBoxLayout(sheet)
        columns.setSpacing(28)
        halves = (SECTIONS[:2], SECTIONS[2:])
        for half in halves:
            column = QVBoxLayout()
            column.setSpacing(6)
            for title, shortcuts in half:
                column.addWidget(self._section(title, shortcuts))
            column.addStretch(1)
            columns.addLayout(column, 1)
        scroll = QScrollArea()
        scroll.setWidget(sheet)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # nothing in it to operate: Close has it
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.about_button = buttons.addButton(self.tr("About Companion…"),
                                              QDialogButtonBox.ButtonRole.HelpRole)
        self.about_button.setVisible(runner is not None)
        self.about_button.clicked.connect(self.show_about)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        layout.addWidget(buttons)
        self.resize(720, 520)

    def _section(self, title: str, shortcuts: tuple[Shortcut, ...]) -> QWidget:
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 8, 0, 8)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(6)
        heading = QLabel(self.tr(title))
        heading.setProperty("role", "subheading")
        grid.addWidget(heading, 0, 0, 1, 2)
        for row, (combination, action) in enumerate(shortcuts, start=1):
            keys = self._keys(combination)
            words = QLabel(self.tr(action))
            words.setWordWrap(True)
            joiner = self.tr(" to ") if _is_range(combination) else self.tr(" or ")
            said = joiner.join(combination)
            keys.setAccessibleName(f"{said}: {self.tr(action)}")
            grid.addWidget(keys, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(words, row, 1)
        grid.setColumnStretch(1, 1)
        return box

    def _keys(self, combination: tuple[str, ...]) -> QWidget:
        """Each key as a key cap; two numbered combinations are a range (1 … 5), two others
        alternatives (Left / Right)."""
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(3)
        edge = border_colour(self.palette()).name()
        for number, keys in enumerate(combination):
            if number:
                row.addWidget(QLabel("…" if _is_range(combination) else "/"))
            for part, key in enumerate(keys.split("+") if keys != "+" else ["+"]):
                if part:
                    row.addWidget(QLabel("+"))
                cap = QLabel(key)
                cap.setObjectName("keyCap")
                cap.setStyleSheet(f"QLabel#keyCap {{ border: 1px solid {edge}; border-radius: "
                                  "4px; padding: 1px 6px; background: palette(base); }")
                row.addWidget(cap)
        row.addStretch(1)
        return holder

    def show_about(self) -> None:
        from ui.dialogs.about import AboutDialog

        if self.runner is not None:
            AboutDialog(self.runner, self.parentWidget() or self).open()
