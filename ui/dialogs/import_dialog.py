"""Import from jrnl, Daylio, Day One or a Companion export: choose, preview, confirm, import.

1. The user picks what kind of file and the file. The dialog reads and checks the whole file
   in the heavy lane (`read_plan`) and shows what it holds: how many entries and check-ins,
   from when to when, the first titles, and what will be left out (Day One photos …).
2. An encrypted jrnl journal asks for its password here (`JrnlPasswordNeeded`), and says so
   when it is wrong. A Daylio CSV shows its mood labels with the level 1–5 each becomes; the
   five built-in ones are filled in, custom ones must be chosen; importing is the user's
   confirmation of that mapping.
3. Import writes the previewed plan in the vault lane, in one transaction, with a progress
   bar; Cancel stops it at the next batch and everything rolls back.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QDir, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from companion.app import CompanionApp
from companion.imports import (
    KIND_NAMES,
    KINDS,
    ImportCancelled,
    ImportOptions,
    ImportPlan,
    ImportReport,
    JrnlPasswordNeeded,
    WrongJrnlPassword,
    read_plan,
)
from companion.imports.daylio import mood_labels
from companion.imports.jrnl import DEFAULT_TIMEFORMAT
from companion.markdown_text import plain_title
from companion.models import MOOD_LABELS
from ui.dialogs.data_common import DataDialog
from ui.tasks import Lane, TaskRunner
from ui.widgets.common import grow_to_fit, hint, user_message
from ui.widgets.passphrase_field import PassphraseField

FILTERS = {
    "jrnl": "jrnl journals (*.txt *.json *.jrnl);;All files (*)",
    "daylio": "Daylio exports (*.csv *.daylio);;All files (*)",
    "dayone": "Day One exports (*.zip);;All files (*)",
    "json": "Companion exports (*.json);;All files (*)",
}
PREVIEW_TITLES = 3


@dataclass(frozen=True)
class Preview:
    plan: ImportPlan | None  # None: Daylio moods still need a level
    labels: dict[str, int | None]  # Daylio CSV mood labels and their default level
    text: str = ""  # what the plan holds (rich text), made off the GUI thread
    generation: int = 0  # which request it answers


def read_preview(app: CompanionApp, kind: str, path: Path, options: ImportOptions) -> Preview:
    """Runs in the heavy lane: the file is read and checked, the vault not touched."""
    labels = mood_labels(path) if kind == "daylio" else {}
    mapped = {label.casefold(): level for label, level in labels.items() if level}
    mapped.update(options.mood_map)
    if any(label.casefold() not in mapped for label in labels):
        return Preview(None, labels)
    options = ImportOptions(options.timeformat, options.password, mapped, options.zone)
    plan = read_plan(kind, path, options, app)
    return Preview(plan, labels, describe(plan))


class ImportDialog(DataDialog):
    imported = Signal(object)  # ImportReport

    def __init__(self, app: CompanionApp, runner: TaskRunner, parent: QWidget | None) -> None:
        super().__init__(self.tr("Import"), parent)
        self.app, self.runner = app, runner
        self.path: Path | None = None
        self.plan: ImportPlan | None = None
        self.mood_choices: dict[str, QComboBox] = {}
        self.generation = 0
        self.kind = QComboBox()
        self.kind.setAccessibleName(self.tr("What to import"))
        for kind in KINDS:
            self.kind.addItem(self.tr(KIND_NAMES[kind]), kind)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.file_label = QLabel(self.tr("No file chosen"))
        self.file_label.setWordWrap(True)
        self.choose_button = QPushButton(self.tr("Choose file…"))
        self.choose_button.clicked.connect(self.choose_file)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_label, 1)
        file_row.addWidget(self.choose_button)
        self.timeformat = QLineEdit(DEFAULT_TIMEFORMAT)
        self.timeformat.setAccessibleName(self.tr("jrnl time format"))
        self.timeformat.editingFinished.connect(self.refresh_preview)
        self.password = PassphraseField(self.tr("The jrnl journal's password"),
                                        self.tr("jrnl password"))
        self.password.returnPressed.connect(self.refresh_preview)
        self.open_button = QPushButton(self.tr("Open"))
        self.open_button.clicked.connect(self.refresh_preview)
        password_row = QWidget()
        row = QHBoxLayout(password_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.password, 1)
        row.addWidget(self.open_button)
        self.form = QFormLayout()
        self.form.addRow(self.tr("Import from"), self.kind)
        self.form.addRow(self.tr("File"), file_row)
        self.form.addRow(self.tr("jrnl time format"), self.timeformat)
        self.form.addRow(self.tr("Password"), password_row)
        self.moods_title = hint(self.tr(
            "Daylio names moods; Companion counts them from 1 (awful) to 5 (great). Check how "
            "each of your Daylio moods should count:"))
        self.moods = QFormLayout()
        # Many custom moods scroll in their own box, so the dialog stays on the screen.
        moods_box = QWidget()
        moods_box.setLayout(self.moods)
        self.moods_area = QScrollArea()
        self.moods_area.setWidget(moods_box)
        self.moods_area.setWidgetResizable(True)
        self.moods_area.setFrameShape(QFrame.Shape.NoFrame)
        self.moods_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.moods_area.setMaximumHeight(240)
        self.moods_area.setVisible(False)
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        self.preview.setTextFormat(Qt.TextFormat.RichText)
        self.preview.setVisible(False)
        self.import_button = self.buttons.addButton(
            self.tr("Import"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setDefault(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.start_import)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(hint(self.tr(
            "Everything is checked before anything is written, and imported in one go: "
            "if something is wrong, nothing changes. Importing the same file again adds only "
            "what is new.")))
        layout.addLayout(self.form)
        layout.addWidget(self.moods_title)
        layout.addWidget(self.moods_area)
        for widget in (self.preview, self.error, self.status, self.progress):
            layout.addWidget(widget)
        layout.addStretch(1)  # the content stays together at the top when the dialog grows
        layout.addWidget(self.buttons)
        self._kind_changed()

    # -- choosing ---------------------------------------------------------------------------

    @property
    def current_kind(self) -> str:
        return str(self.kind.currentData())

    def _kind_changed(self) -> None:
        jrnl = self.current_kind == "jrnl"
        self.form.setRowVisible(2, jrnl)  # the time format
        self._show_password(False)
        self._clear_moods()
        if self.path is not None:
            self.refresh_preview()

    def _show_password(self, shown: bool) -> None:
        self.form.setRowVisible(3, shown)  # the password

    def choose_file(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a file to import"),
                                                QDir.homePath(),
                                                self.tr(FILTERS[self.current_kind]))
        if chosen:
            self.set_file(Path(chosen))

    def set_file(self, path: Path, kind: str | None = None) -> None:
        if kind is not None:
            self.kind.blockSignals(True)
            self.kind.setCurrentIndex(self.kind.findData(kind))
            self.kind.blockSignals(False)
            self._kind_changed()
        self.path = path
        self.file_label.setText(path.name)
        self.file_label.setToolTip(str(path))
        self._show_password(False)
        self.password.clear()
        self._clear_moods()
        self.refresh_preview()

    # -- preview ----------------------------------------------------------------------------

    def options(self) -> ImportOptions:
        moods = {label.casefold(): int(combo.currentData())
                 for label, combo in self.mood_choices.items() if combo.currentData()}
        return ImportOptions(timeformat=self.timeformat.text().strip() or DEFAULT_TIMEFORMAT,
                             password=self.password.text() or None, mood_map=moods)

    def refresh_preview(self) -> None:
        if self.path is None or self.running:
            return
        self.plan = None
        self.import_button.setEnabled(False)
        self.preview.setVisible(False)
        self.set_error("")
        self.set_status(self.tr("Reading %1…").replace("%1", html.escape(self.path.name)))
        app, kind, path, options = self.app, self.current_kind, self.path, self.options()
        # Previews run two at a time in the heavy lane; only the latest one counts.
        self.generation += 1
        generation = self.generation

        def work() -> Preview:
            try:
                return replace(read_preview(app, kind, path, options), generation=generation)
            except Exception as exc:
                exc.preview_generation = generation  # type: ignore[attr-defined]
                raise

        self.runner.run(work, self._previewed, self._preview_failed, lane=Lane.HEAVY)

    def _previewed(self, preview: Preview) -> None:
        if preview.generation != self.generation:
            return
        self.set_status("")
        if preview.labels and not self.mood_choices:
            self._build_moods(preview.labels)
        self.plan = preview.plan
        if self.plan is None:
            self.set_status(self.tr("Choose a level for each mood to see what will be "
                                    "imported."))
            return
        self.preview.setText(preview.text)
        self.preview.setVisible(True)
        grow_to_fit(self)
        self.import_button.setEnabled(self.plan.total > 0)

    def _preview_failed(self, exc: BaseException) -> None:
        if getattr(exc, "preview_generation", self.generation) != self.generation:
            return
        self.set_status("")
        if isinstance(exc, JrnlPasswordNeeded | WrongJrnlPassword):
            self._show_password(True)
            self.password.edit.setFocus()
            if isinstance(exc, WrongJrnlPassword):
                self.set_error(self.tr("That password does not open this journal. Try "
                                       "again."))
            else:
                self.set_status(self.tr("This jrnl journal is encrypted. Type its password."))
            return
        self.set_error(user_message(exc))

    def _build_moods(self, labels: dict[str, int | None]) -> None:
        for label, level in labels.items():
            combo = QComboBox()
            combo.setAccessibleName(self.tr("Level of the Daylio mood %1").replace("%1", label))
            combo.addItem(self.tr("Choose…"), 0)
            for value in range(5, 0, -1):
                combo.addItem(f"{value} · {self.tr(MOOD_LABELS[value])}", value)
            combo.setCurrentIndex(combo.findData(level or 0))
            combo.currentIndexChanged.connect(self.refresh_preview)
            self.mood_choices[label] = combo
            self.moods.addRow(html.escape(label), combo)
        self.moods_title.setVisible(True)
        self.moods_area.setVisible(True)
        grow_to_fit(self)

    def _clear_moods(self) -> None:
        while self.moods.rowCount():
            self.moods.removeRow(0)
        self.mood_choices.clear()
        self.moods_title.setVisible(False)
        self.moods_area.setVisible(False)

    # -- importing --------------------------------------------------------------------------

    def start_import(self) -> None:
        plan = self.plan
        if plan is None or self.running:
            return
        token = self.start_running(self.tr("Importing…"))
        self.import_button.setEnabled(False)
        for widget in (self.kind, self.choose_button, self.timeformat, self.password):
            widget.setEnabled(False)
        app, box = self.app, self.box
        self.runner.run(lambda: app.write_import(plan, progress=box.update, cancel=token),
                        self._imported, self._import_failed, lane=Lane.VAULT)

    def _imported(self, report: ImportReport) -> None:
        self.finished_ok()
        self.plan = None
        lines = [html.escape(self.tr(report.summary()))]
        lines += [html.escape(note) for note in report.notes]
        self.set_status("<br>".join(lines))
        self.imported.emit(report)

    def _import_failed(self, exc: BaseException) -> None:
        self.stop_running()
        self.close_button.setText(self.tr("Close"))
        for widget in (self.kind, self.choose_button, self.timeformat, self.password):
            widget.setEnabled(True)
        if isinstance(exc, ImportCancelled):
            self.set_status(self.tr("Cancelled. Nothing was imported; your journal is as it "
                                    "was."))
        else:
            self.set_status("")
            self.set_error(user_message(exc))
        self.import_button.setEnabled(self.plan is not None)

    def wipe(self) -> None:
        self.password.clear()
        self.plan = None
        self.preview.clear()


def describe(plan: ImportPlan) -> str:
    """The preview: counts, the period, the first titles, and what is left out (rich text)."""
    times = [e.created.to_datetime() for e in plan.entries] + \
        [c.at.to_datetime() for c in plan.checkins]
    parts = [f"<b>{html.escape(plan.path.name)}</b> holds {len(plan.entries):,} entries and "
             f"{len(plan.checkins):,} check-ins"]
    if times:
        first, last = min(times).date(), max(times).date()
        parts[0] += f", from {first:%-d %B %Y} to {last:%-d %B %Y}."
    else:
        parts[0] += "."
    titles = [e.title or plain_title(e.body, 60) for e in plan.entries[:PREVIEW_TITLES]]
    if titles:
        parts.append("First: " + "; ".join(f"“{html.escape(t)}”" for t in titles) +
                     ("…" if len(plan.entries) > PREVIEW_TITLES else ""))
    parts += [html.escape(note) for note in plan.notes]
    parts.append("Anything imported before is skipped.")
    return "<br>".join(parts)
