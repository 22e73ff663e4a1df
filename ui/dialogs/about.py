"""About Companion: the version, and the licenses of everything the app is built from.

Opened from the keyboard shortcuts list (F1) and the tray menu. The component table is read
from package metadata on a worker thread (companion/licenses.py), so the dialog shows at once
and fills its table a moment later.
"""

from __future__ import annotations

import platform

import shiboken6
from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from companion.licenses import COMPANION_LICENSE, Component, components
from companion.version import version
from ui.icons import app_icon
from ui.tasks import Lane, TaskRunner
from ui.widgets.common import heading, hint

COLUMNS = ("Component", "Version", "License", "Note")


class AboutDialog(QDialog):
    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About Companion"))
        self.setAccessibleName(self.tr("About Companion"))
        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(64, 64))
        title = heading(self.tr("Companion %1").replace("%1", version()))
        blurb = hint(self.tr(
            "A private mood journal. Everything stays in one encrypted vault on this "
            "computer; nothing is sent anywhere unless you say so.\n"
            "Companion is free software under the %1 license.").replace(
            "%1", COMPANION_LICENSE))
        self.runtime = hint(self.tr("Qt %1 · PySide6 %2 · Python %3 on %4").replace(
            "%1", qVersion()).replace("%2", pyside_version).replace(
            "%3", platform.python_version()).replace("%4", platform.system() or "?"))
        header = QHBoxLayout()
        header.addWidget(logo, 0, Qt.AlignmentFlag.AlignTop)
        texts = QVBoxLayout()
        for widget in (title, blurb, self.runtime):
            texts.addWidget(widget)
        header.addLayout(texts, 1)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(column) for column in COLUMNS])
        self.table.setAccessibleName(self.tr("Components and their licenses"))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)  # Tab moves on; arrows move between rows
        self.status = hint(self.tr("Reading the list of components…"))
        notice = hint(self.tr(
            "Each package's license text ships with it (its .dist-info folder). Qt is used "
            "as shared libraries that you may replace with your own build."))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(notice)
        layout.addWidget(buttons)
        self.resize(680, 520)
        runner.run(components, self.show_components, self._components_failed, lane=Lane.HEAVY)

    def show_components(self, found: list[Component]) -> None:
        if not shiboken6.isValid(self):  # closed and deleted while the list was being read
            return
        rows = [component if component.name != "Qt 6" or component.version
                else Component(component.name, qVersion(), component.license, component.note)
                for component in found]
        self.table.setRowCount(len(rows))
        for row, component in enumerate(rows):
            for column, text in enumerate((component.name, component.version,
                                           component.license, component.note)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        # Name and version as wide as they are; license and note share the rest and wrap.
        # (All fitted to their contents, the table overran and scrolled sideways.)
        header = self.table.horizontalHeader()
        for column in range(header.count()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents
                                        if column < 2 else QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        self.table.resizeRowsToContents()
        self.status.setVisible(False)

    def _components_failed(self, exc: BaseException) -> None:
        # Metadata that cannot be read is no reason to show a bug dialog: say so in place.
        if not shiboken6.isValid(self):
            return
        self.status.setText(self.tr("The list of components could not be read."))
