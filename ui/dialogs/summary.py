"""Make a summary for therapy: choose the period and the parts, pick entries, preview, save.

Private by default: every journal entry of the period is listed unticked, check-in notes are
off, and the preview shows the real pages that will be saved. Reading the vault, laying out
the PDF and rendering the preview run on the task runner; the file is only written when the
person presses Save and chooses where.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, QDir, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from companion.errors import UserError
from companion.markdown_text import plain_title
from companion.models import Entry
from companion.summary import (
    PART_LABELS,
    Paper,
    Part,
    Summary,
    SummaryFormat,
    SummaryRequest,
    build_summary,
    make_summary_bytes,
    render_pdf,
    write_summary,
)
from companion.summary.preview import page_images
from ui.context import UiContext
from ui.tasks import Lane
from ui.widgets.common import error_label, hint, subheading, user_message

FILTERS = {SummaryFormat.PDF: "PDF (*.pdf)", SummaryFormat.CSV: "CSV (*.csv)",
           SummaryFormat.JSON: "JSON (*.json)"}


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class SummaryDialog(QDialog):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.pdf: bytes | None = None
        self.setWindowTitle(self.tr("Summary for therapy"))
        self.setMinimumSize(980, 660)
        today = ctx.app.clock.now().date()
        self.start = QDateEdit(_qdate(today - timedelta(days=29)))
        self.end = QDateEdit(_qdate(today))
        for edit, name in ((self.start, "From"), (self.end, "To")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setAccessibleName(self.tr(name))
            edit.dateChanged.connect(self._period_changed)
        self.parts: dict[Part, QCheckBox] = {}
        self.notes = QCheckBox(self.tr("Include check-in notes"))
        self.entries = QListWidget()
        self.entries.setAccessibleName(self.tr("Journal entries to include"))
        self.entries.itemChanged.connect(lambda _item: self._invalidate())
        self.paper = QComboBox()
        self.paper.addItem("A4", Paper.A4.value)
        self.paper.addItem("Letter", Paper.LETTER.value)
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("Optional"))
        self.name.setAccessibleName(self.tr("Name on the cover"))
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumHeight(6)
        self.busy.setTextVisible(False)
        self.busy.setVisible(False)
        self.error = error_label()
        self.error.setVisible(False)
        self.status = hint("")
        self.pages = QWidget()
        self.pages_layout = QVBoxLayout(self.pages)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        preview = QScrollArea()
        preview.setWidgetResizable(True)
        preview.setWidget(self.pages)
        preview.setMinimumWidth(500)
        layout = QHBoxLayout(self)
        layout.addWidget(self._build_choices(), 0)
        right = QVBoxLayout()
        right.addWidget(subheading(self.tr("Preview")))
        right.addWidget(preview, 1)
        layout.addLayout(right, 1)
        self._period_changed()

    def _build_choices(self) -> QWidget:
        panel = QWidget()
        panel.setMaximumWidth(420)
        column = QVBoxLayout(panel)
        column.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        form.addRow(self.tr("From"), self.start)
        form.addRow(self.tr("To"), self.end)
        column.addLayout(form)
        column.addWidget(subheading(self.tr("Include")))
        for part in Part:
            box = QCheckBox(self.tr(PART_LABELS[part]))
            box.setChecked(True)
            box.toggled.connect(lambda _on: self._invalidate())
            self.parts[part] = box
            column.addWidget(box)
        self.notes.toggled.connect(lambda _on: self._invalidate())
        column.addWidget(self.notes)
        column.addWidget(subheading(self.tr("Journal entries")))
        column.addWidget(hint(self.tr("None are included unless you tick them.")))
        column.addWidget(self.entries, 1)
        form2 = QFormLayout()
        form2.addRow(self.tr("Paper"), self.paper)
        form2.addRow(self.tr("Name on the cover"), self.name)
        self.paper.currentIndexChanged.connect(lambda _i: self._invalidate())
        self.name.textChanged.connect(lambda _t: self._invalidate())
        column.addLayout(form2)
        column.addWidget(self.busy)
        column.addWidget(self.status)
        column.addWidget(self.error)
        buttons = QDialogButtonBox()
        self.preview_button = buttons.addButton(self.tr("Preview"),
                                                QDialogButtonBox.ButtonRole.ActionRole)
        self.preview_button.clicked.connect(self.make_preview)
        self.save_button = buttons.addButton(self.tr("Save…"),
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.clicked.connect(self.choose_file)
        buttons.addButton(QDialogButtonBox.StandardButton.Close).clicked.connect(self.reject)
        column.addWidget(buttons)
        column.addWidget(hint(self.tr("The saved file is not encrypted: anyone who can read "
                                      "it can read what you included.")))
        return panel

    # -- choices ----------------------------------------------------------------------------

    def request(self) -> SummaryRequest:
        chosen = []
        for row in range(self.entries.count()):
            item = self.entries.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                chosen.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return SummaryRequest(
            start=_date(self.start.date()), end=_date(self.end.date()),
            parts=frozenset(p for p, box in self.parts.items() if box.isChecked()),
            entry_ids=tuple(chosen), checkin_notes=self.notes.isChecked(),
            paper=Paper(self.paper.currentData()), name=self.name.text().strip())

    def _invalidate(self) -> None:
        self.pdf = None

    def _period_changed(self) -> None:
        self._invalidate()
        first, last = _date(self.start.date()), _date(self.end.date())
        app = self.ctx.app
        self.ctx.runner.run(lambda: app.entries_between(first.isoformat(), last.isoformat()),
                            self._entries_loaded, self._failed)

    def _entries_loaded(self, entries: list[Entry]) -> None:
        self.entries.blockSignals(True)
        self.entries.clear()
        for entry in entries:
            title = entry.title or plain_title(entry.body, 60) or "(untitled)"
            item = QListWidgetItem(f"{entry.created.strftime('%d %b %Y')} — {title}")
            item.setData(Qt.ItemDataRole.UserRole, entry.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.entries.addItem(item)
        self.entries.blockSignals(False)
        if not entries:
            self.status.setText(self.tr("No journal entries in this period."))

    # -- preview and save -------------------------------------------------------------------

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self.busy.setVisible(busy)
        self.preview_button.setEnabled(not busy)
        self.save_button.setEnabled(not busy)
        self.status.setText(text)
        self.error.setVisible(False)

    def make_preview(self) -> None:
        try:
            request = self.request().checked()
        except UserError as exc:  # about the period; anything else is a bug for the reporter
            self._failed(exc)
            return
        app, runner = self.ctx.app, self.ctx.runner
        self._set_busy(True, self.tr("Making the summary…"))

        def draw(summary: Summary) -> None:
            # Laying out and rasterising take a second or two: off the vault lane, so other
            # pages' reads do not queue behind them.
            def work() -> tuple[bytes, list[bytes]]:
                pdf = render_pdf(summary)
                return pdf, page_images(pdf)

            runner.run(work, self._previewed, self._failed, lane=Lane.HEAVY)

        runner.run(lambda: build_summary(app, request), draw, self._failed)

    def _previewed(self, payload: tuple[bytes, list[bytes]]) -> None:
        pdf, images = payload
        self.pdf = pdf
        self._set_busy(False, self.tr("%1 pages. Check them, then save.").replace(
            "%1", str(len(images))))
        while self.pages_layout.count():
            item = self.pages_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for number, png in enumerate(images, start=1):
            label = QLabel()
            label.setPixmap(QPixmap.fromImage(QImage.fromData(png)))
            label.setAccessibleName(self.tr("Page %1").replace("%1", str(number)))
            label.setStyleSheet("border: 1px solid palette(mid); background: white;")
            self.pages_layout.addWidget(label)

    def choose_file(self) -> None:
        request = self.request()
        suggested = str(Path(QDir.homePath()) / f"companion-summary-{request.start}-to-"
                        f"{request.end}.pdf")
        chosen, selected = QFileDialog.getSaveFileName(
            self, self.tr("Save the summary"), suggested, ";;".join(FILTERS.values()))
        if chosen:
            fmt = next((f for f, text in FILTERS.items() if text == selected),
                       SummaryFormat.PDF)
            self.save_to(Path(chosen), fmt)

    def save_to(self, target: Path, fmt: SummaryFormat = SummaryFormat.PDF) -> None:
        """Write the summary (the previewed PDF when it is still current)."""
        if not target.suffix:
            target = target.with_suffix(f".{fmt.value}")
        home = self.ctx.app.home.resolve()
        if target.resolve().is_relative_to(home):
            self.error.setText(self.tr("Choose a folder outside Companion's own folder."))
            self.error.setVisible(True)
            return
        try:
            request = self.request().checked()
        except UserError as exc:
            self._failed(exc)
            return
        app, ready = self.ctx.app, self.pdf if fmt is SummaryFormat.PDF else None
        self._set_busy(True, self.tr("Saving…"))

        def work() -> Path:
            data = ready if ready is not None else make_summary_bytes(app, request, fmt)
            write_summary(target, data)
            return target

        self.ctx.runner.run(work, self._saved, self._failed)

    def _saved(self, target: Path) -> None:
        self._set_busy(False, self.tr("Saved to %1. It is not encrypted.").replace(
            "%1", str(target)))

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.error.setText(user_message(exc))
        self.error.setVisible(True)
