"""Make a summary for therapy: choose the period and the parts, pick entries, preview, save.

Private by default: every journal entry of the period is listed unticked, check-in notes are
off, and the preview shows the real pages that will be saved. The preview is there as soon
as the dialog opens and follows every change (ui/widgets/summary_preview.py); the period
starts as the one Insights was showing. Reading the vault, laying out the PDF and rendering
the preview run on the task runner; the file is only written when the person presses Save
and chooses where.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QDir, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from companion.errors import UserError
from companion.markdown_text import plain_title
from companion.models import Entry
from companion.plurals import plural
from companion.summary import (
    PART_LABELS,
    Paper,
    Part,
    SummaryFormat,
    SummaryRequest,
    make_summary_bytes,
    write_summary,
)
from ui.context import UiContext
from ui.widgets.common import error_label, hint, subheading, user_message
from ui.widgets.summary_preview import SummaryPreview

DEFAULT_DAYS = 90  # as Insights, when no period is handed in

FILTERS = {SummaryFormat.PDF: "PDF (*.pdf)", SummaryFormat.CSV: "CSV (*.csv)",
           SummaryFormat.JSON: "JSON (*.json)"}


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class SummaryDialog(QDialog):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None, *,
                 period: tuple[date, date] | None = None) -> None:
        """`period`: the first and last day to start with (Insights passes the one it shows)."""
        super().__init__(parent)
        self.ctx = ctx
        self.saving = False
        self.setWindowTitle(self.tr("Summary for therapy"))
        self.setMinimumSize(980, 660)
        today = ctx.app.clock.now().date()
        first, last = period or (today - timedelta(days=DEFAULT_DAYS - 1), today)
        self.start = QDateEdit(_qdate(first))
        self.end = QDateEdit(_qdate(last))
        for edit, name in ((self.start, "From"), (self.end, "To")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setAccessibleName(self.tr(name))
            edit.dateChanged.connect(self._period_changed)
        self.parts: dict[Part, QCheckBox] = {}
        self.notes = QCheckBox(self.tr("Include check-in notes"))
        self.entries = QListWidget()
        self.entries.setAccessibleName(self.tr("Journal entries to include"))
        # Long titles end in "…" (full in the tooltip) rather than scroll the list sideways.
        self.entries.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.entries.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.entries.itemChanged.connect(lambda _item: self._entries_changed())
        # Photos of the ticked entries: none goes in unless ticked too.
        self.photos = QListWidget()
        self.photos.setAccessibleName(self.tr("Photos of the chosen entries to include"))
        self.photos.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.photos.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.photos.setMaximumHeight(110)
        self.photos.itemChanged.connect(lambda _item: self._invalidate())
        self.photos_title = subheading(self.tr("Photos"))
        self.photos_hint = hint(self.tr("Photos of the entries you ticked. None are included "
                                        "unless you tick them; they go in without their "
                                        "location or camera details."))
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
        self.preview = SummaryPreview(ctx.app, ctx.runner, self.request)
        self.preview.setMinimumWidth(500)
        self.preview.busy.connect(self._preview_busy)
        self.preview.rendered.connect(self._previewed)
        self.preview.failed.connect(self._failed)
        self.pages = self.preview.pages
        layout = QHBoxLayout(self)
        layout.addWidget(self._build_choices(), 0)
        right = QVBoxLayout()
        right.addWidget(subheading(self.tr("Preview")))
        right.addWidget(self.preview, 1)
        layout.addLayout(right, 1)
        self._load_entries()
        self.preview.render_now()  # at once: the pages are there when the dialog shows

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
        self.no_entries = hint(self.tr("No journal entries in this period."))
        self.no_entries.setVisible(False)
        column.addWidget(self.no_entries)
        column.addWidget(self.entries, 1)
        column.addWidget(self.photos_title)
        column.addWidget(self.photos_hint)
        column.addWidget(self.photos)
        self._show_photos(False)
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
        self.save_button = buttons.addButton(self.tr("Save…"),
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.clicked.connect(self.choose_file)
        buttons.addButton(QDialogButtonBox.StandardButton.Close).clicked.connect(self.reject)
        # Reading back weeks of moods, scores and entries can be hard, and while this dialog
        # is open the sidebar's "Need help now?" cannot be reached: the same way out, here.
        self.help_button = buttons.addButton(self.tr("Need help now?"),
                                             QDialogButtonBox.ButtonRole.HelpRole)
        self.help_button.setAccessibleName(self.tr("Need help now? Open the support lines"))
        self.help_button.setAutoDefault(False)
        self.help_button.clicked.connect(self.open_support)
        column.addWidget(buttons)
        column.addWidget(hint(self.tr("The saved file is not encrypted: anyone who can read "
                                      "it can read what you included.")))
        return panel

    def open_support(self) -> QWidget:
        from ui.dialogs.crisis import open_support  # only when asked for

        return open_support(self, self.ctx.app.home, self.ctx.runner, prefs=self.ctx.prefs)

    # -- choices ----------------------------------------------------------------------------

    def request(self) -> SummaryRequest:
        chosen = []
        for row in range(self.entries.count()):
            item = self.entries.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                chosen.append(int(item.data(Qt.ItemDataRole.UserRole)))
        photos = []
        for row in range(self.photos.count()):
            item = self.photos.item(row)
            entry_id, position = item.data(Qt.ItemDataRole.UserRole)
            if item.checkState() == Qt.CheckState.Checked and entry_id in chosen:
                photos.append((int(entry_id), int(position)))
        return SummaryRequest(
            start=_date(self.start.date()), end=_date(self.end.date()),
            parts=frozenset(p for p, box in self.parts.items() if box.isChecked()),
            entry_ids=tuple(chosen), images=tuple(photos),
            checkin_notes=self.notes.isChecked(),
            paper=Paper(self.paper.currentData()), name=self.name.text().strip())

    @property
    def pdf(self) -> bytes | None:
        """The previewed PDF, when it still matches the choices."""
        return self.preview.pdf

    def _invalidate(self) -> None:
        self.error.setVisible(False)
        self.preview.schedule()

    def _show_photos(self, shown: bool) -> None:
        for widget in (self.photos_title, self.photos_hint, self.photos):
            widget.setVisible(shown)

    def _entries_changed(self) -> None:
        self._invalidate()
        self._load_photos()

    def _load_photos(self) -> None:
        """The photos of the ticked entries, read off the window's thread."""
        chosen = self.request().entry_ids
        app = self.ctx.app

        def photos_of() -> list[tuple[int, list[Any]]]:
            return [(entry_id, [a for a in app.attachments(entry_id) if a.is_image])
                    for entry_id in chosen]

        self.ctx.runner.run(photos_of, self._photos_loaded, self._failed)

    def _photos_loaded(self, found: list[tuple[int, list[Any]]]) -> None:
        ticked = set(self.request().images)
        titles = {int(self.entries.item(row).data(Qt.ItemDataRole.UserRole)):
                  self.entries.item(row).toolTip() for row in range(self.entries.count())}
        self.photos.blockSignals(True)
        self.photos.clear()
        for entry_id, attachments in found:
            for attachment in attachments:
                key = (entry_id, attachment.position)
                item = QListWidgetItem(f"{titles.get(entry_id, '')} — {attachment.name}")
                item.setToolTip(f"{attachment.name}, {attachment.description}")
                item.setData(Qt.ItemDataRole.UserRole, key)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if key in ticked
                                   else Qt.CheckState.Unchecked)
                self.photos.addItem(item)
        self.photos.blockSignals(False)
        self._show_photos(self.photos.count() > 0)

    def _period_changed(self) -> None:
        self._invalidate()
        self._load_entries()

    def _load_entries(self) -> None:
        first, last = _date(self.start.date()), _date(self.end.date())
        app = self.ctx.app
        self.ctx.runner.run(lambda: app.entries_between(first.isoformat(), last.isoformat()),
                            self._entries_loaded, self._failed)

    def _entries_loaded(self, entries: list[Entry]) -> None:
        if self.request().entry_ids:  # ticked ones of the old period are gone from the list
            self.preview.schedule()
        self.entries.blockSignals(True)
        self.entries.clear()
        for entry in entries:
            title = entry.title or plain_title(entry.body, 60) or "(untitled)"
            item = QListWidgetItem(f"{entry.created.strftime('%d %b %Y')} — {title}")
            item.setToolTip(title)
            item.setData(Qt.ItemDataRole.UserRole, entry.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.entries.addItem(item)
        self.entries.blockSignals(False)
        self.no_entries.setVisible(not entries)
        self._load_photos()  # none ticked any more: the list empties

    # -- preview and save -------------------------------------------------------------------

    def make_preview(self) -> None:
        """Render the preview now rather than after the pause that gathers changes."""
        self.preview.render_now()

    def _preview_busy(self, busy: bool) -> None:
        if self.saving:
            return  # "Saving…" stays until the file is written
        self.busy.setVisible(busy)
        if busy:
            self.status.setText(self.tr("Updating the preview…"))
            self.error.setVisible(False)

    def _previewed(self, pages: int, shown: int) -> None:
        if self.saving:
            return
        if shown < pages:  # a long summary: the preview draws its first pages only
            self.status.setText(self.tr("%1; the first %2 are shown here. Check them, then "
                                        "save.").replace("%1", plural(pages, self.tr("page")))
                                .replace("%2", str(shown)))
            return
        self.status.setText(self.tr("%1. Check them, then save.").replace(
            "%1", plural(pages, self.tr("page"))))

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self.saving = busy
        self.busy.setVisible(busy)
        self.save_button.setEnabled(not busy)
        self.status.setText(text)
        self.error.setVisible(False)

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
