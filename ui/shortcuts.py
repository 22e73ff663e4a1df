"""The list of keyboard shortcuts (F1)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.tasks import TaskRunner

SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("Ctrl+1 … Ctrl+6", "Today, Journal, Insights, Screen time, Circle, Settings"),
    ("Ctrl+L", "Lock now"),
    ("Ctrl+N", "New journal entry"),
    ("Ctrl+F", "Search the journal"),
    ("Enter", "Open the selected entry"),
    ("Esc", "Clear the search"),
    ("Down (in the search box)", "Go to the results"),
    ("Ctrl+S", "Save the entry"),
    ("Ctrl+Enter", "Save the check-in"),
    ("1 … 5", "Pick a mood (Today page)"),
    ("Ctrl+D", "Star or unstar the entry"),
    ("Delete", "Move the selected entry to the trash"),
    ("Ctrl+G", "Go to a day (calendar)"),
    ("Ctrl+P", "Markdown preview on/off"),
    ("F1", "This list"),
    ("Ctrl+Q", "Quit"),
)


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, *,
                 runner: TaskRunner | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        table = QTableWidget(len(SHORTCUTS), 2)
        table.setHorizontalHeaderLabels([self.tr("Keys"), self.tr("Action")])
        table.setAccessibleName(self.tr("Keyboard shortcuts"))
        for row, (keys, action) in enumerate(SHORTCUTS):
            table.setItem(row, 0, QTableWidgetItem(keys))
            table.setItem(row, 1, QTableWidgetItem(self.tr(action)))
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setStretchLastSection(True)
        table.resizeColumnsToContents()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.about_button = buttons.addButton(self.tr("About Companion…"),
                                              QDialogButtonBox.ButtonRole.HelpRole)
        self.about_button.setVisible(runner is not None)
        self.about_button.clicked.connect(self.show_about)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(buttons)
        self.resize(520, 440)

    def show_about(self) -> None:
        from ui.dialogs.about import AboutDialog

        if self.runner is not None:
            AboutDialog(self.runner, self.parentWidget() or self).open()
