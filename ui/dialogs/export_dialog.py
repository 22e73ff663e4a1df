"""Export everything: JSON (complete, can be imported again), Markdown or CSV.

`companion.export.export_to`, as in `companion export`, does the work in the vault lane,
with the same rules (never into the vault's folder; files written atomically). JSON counts
its progress and can be cancelled until the file is written; no half file is ever left.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDir, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion.app import CompanionApp
from companion.export import PLAINTEXT_REMINDER, ExportCancelled, ExportResult, export_to
from ui.dialogs.data_common import DataDialog
from ui.tasks import Lane, TaskRunner
from ui.widgets.common import hint, user_message

# (key, label, export format, one file per day, a folder rather than a file, file filter)
CHOICES = (
    ("json", "Everything as JSON (can be imported again)", "json", False, False,
     "JSON files (*.json)"),
    ("markdown", "Markdown, one file", "markdown", False, False, "Markdown files (*.md)"),
    ("markdown-days", "Markdown, one file per day", "markdown", True, True, ""),
    ("csv", "CSV tables (entries.csv and checkins.csv)", "csv", False, True, ""),
)


class ExportDialog(DataDialog):
    def __init__(self, app: CompanionApp, runner: TaskRunner, parent: QWidget | None) -> None:
        super().__init__(self.tr("Export"), parent)
        self.app, self.runner = app, runner
        self.target: Path | None = None
        self.format = QComboBox()
        self.format.setAccessibleName(self.tr("Export as"))
        for key, label, *_rest in CHOICES:
            self.format.addItem(self.tr(label), key)
        self.format.currentIndexChanged.connect(self._format_changed)
        self.target_label = QLabel(self.tr("Not chosen yet"))
        self.target_label.setWordWrap(True)
        self.choose_button = QPushButton(self.tr("Choose…"))
        self.choose_button.clicked.connect(self.choose_target)
        target_row = QHBoxLayout()
        target_row.addWidget(self.target_label, 1)
        target_row.addWidget(self.choose_button)
        form = QFormLayout()
        form.addRow(self.tr("Export as"), self.format)
        form.addRow(self.tr("Save to"), target_row)
        self.export_button = self.buttons.addButton(self.tr("Export"),
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setDefault(True)
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.start_export)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(hint(self.tr(
            "Everything you wrote — entries and check-ins, with their times, tags and moods. "
            "%1").replace("%1", self.tr(PLAINTEXT_REMINDER))))
        layout.addLayout(form)
        for widget in (self.error, self.status, self.progress):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    @property
    def choice(self) -> tuple[str, str, str, bool, bool, str]:
        return CHOICES[self.format.currentIndex()]

    def _format_changed(self) -> None:
        self.target = None
        self.target_label.setText(self.tr("Not chosen yet"))
        self.export_button.setEnabled(False)

    def choose_target(self) -> None:
        key, _label, _fmt, _per_day, folder, filters = self.choice
        if folder:
            chosen = QFileDialog.getExistingDirectory(self, self.tr("Choose a folder"),
                                                      QDir.homePath())
        else:
            day = self.app.clock.now().date().isoformat()
            suffix = ".json" if key == "json" else ".md"
            suggested = str(Path(QDir.homePath()) / f"companion-{day}{suffix}")
            chosen, _ = QFileDialog.getSaveFileName(self, self.tr("Export to"), suggested,
                                                    self.tr(filters))
        if chosen:
            self.set_target(Path(chosen))

    def set_target(self, path: Path, key: str | None = None) -> None:
        if key is not None:
            self.format.setCurrentIndex(self.format.findData(key))
        self.target = path
        self.target_label.setText(str(path))
        self.export_button.setEnabled(True)
        self.set_error("")

    def start_export(self) -> None:
        target = self.target
        if target is None or self.running:
            return
        _key, _label, fmt, per_day, folder, _filters = self.choice
        token = self.start_running(self.tr("Exporting…"))
        self.export_button.setEnabled(False)
        self.format.setEnabled(False)
        self.choose_button.setEnabled(False)
        app, box = self.app, self.box
        # A file chosen in the save dialog was confirmed there if it existed; files inside a
        # chosen folder were not, so they are never replaced.
        self.runner.run(lambda: export_to(app, fmt, target, per_day=per_day, force=not folder,
                                          progress=box.update, cancel=token),
                        self._exported, self._failed, lane=Lane.VAULT)

    def _exported(self, result: ExportResult) -> None:
        self.finished_ok()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        target = str(result.target)
        if result.unit == "items":
            message = self.tr("Exported %n items to {0}.", "", result.count)
        elif result.unit == "days":
            message = self.tr("Exported %n days to {0}.", "", result.count)
        else:
            message = self.tr("Wrote %n files to {0}.", "", result.count)
        self.set_status(message.format(target))

    def _failed(self, exc: BaseException) -> None:
        self.stop_running()
        self.close_button.setText(self.tr("Close"))
        self.format.setEnabled(True)
        self.choose_button.setEnabled(True)
        self.export_button.setEnabled(True)
        if isinstance(exc, ExportCancelled):
            self.set_status(self.tr("Cancelled. No file was written."))
            return
        self.set_status("")
        self.set_error(user_message(exc))
