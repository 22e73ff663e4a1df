"""The entry editor: title, star, tags, mood and the Markdown text, with a rendered preview.

It knows nothing of the vault. The page loads an entry into it, asks it for the values to save,
and tells it when they were saved. Each load or new draft starts a new `session` and every edit
bumps `revision`, so a save that finishes after the user moved on or typed more never marks
newer text as saved.

Below the text, the strip of the entry's attachments (ui/widgets/attachment_strip.py) and an
"Attach…" button; files dropped anywhere on the editor, or pasted into the text, are handed
on (`files_given`, `image_pasted`) to whoever attaches them (ui/pages/journal_attachments.py).
"""

from __future__ import annotations

import re
from datetime import datetime

from PySide6.QtCore import QDate, QLocale, QTime, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QFont, QImage, QTextOption
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from companion.models import MOOD_LABELS, Entry
from ui.icons import icon
from ui.theme import STAR_COLOUR
from ui.widgets.action_row import ActionRow
from ui.widgets.attachment_strip import AttachmentStrip
from ui.widgets.entry_text_edit import EntryTextEdit, local_files
from ui.widgets.markdown_highlighter import MarkdownHighlighter
from ui.widgets.markdown_view import MarkdownView
from ui.widgets.tag_edit import TagEdit

LONG_WORD = 1_000  # characters without a space that make the editor wrap anywhere
_LONG_RUN = re.compile(rf"\S{{{LONG_WORD}}}")


def when_label(when: datetime) -> str:
    locale = QLocale()
    day = locale.toString(QDate(when.year, when.month, when.day), "dddd, d MMMM yyyy")
    return f"{day}, {locale.toString(QTime(when.hour, when.minute), 'HH:mm')}"


class EntryEditor(QWidget):
    save_requested = Signal()
    trash_requested = Signal()
    restore_requested = Signal()
    star_toggled = Signal(bool)
    dirty_changed = Signal(bool)
    opened = Signal()  # an entry was loaded, or a new one started: its attachments follow
    files_given = Signal(list)  # list[Path]: dropped on the editor or pasted into the text
    image_pasted = Signal(QImage)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entry: Entry | None = None  # None: a new entry not saved yet
        self.session = 0
        self.revision = 0
        self.dirty = False
        self.opening = False  # waiting for the entry to arrive: nothing can be typed
        self._loading = False
        self.when = QLabel()
        self.when.setProperty("role", "hint")
        self.title = QLineEdit()
        self.title.setPlaceholderText(self.tr("Title (optional)"))
        self.title.setAccessibleName(self.tr("Title"))
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setWeight(QFont.Weight.DemiBold)
        self.title.setFont(font)
        self.title.setFrame(False)
        self.star = QToolButton()
        self.star.setCheckable(True)
        self.star.setAutoRaise(True)
        self.star.setAccessibleName(self.tr("Starred"))
        self.star.setToolTip(self.tr("Star this entry (Ctrl+D)"))
        self.tags = TagEdit()
        self.mood = QComboBox()
        self.mood.setAccessibleName(self.tr("Mood"))
        self.mood.addItem(self.tr("No mood"), None)
        for value, label in MOOD_LABELS.items():
            self.mood.addItem(f"{value} · {self.tr(label)}", value)
        self.body = EntryTextEdit()
        self.body.setAccessibleName(self.tr("Entry text"))
        self.body.setPlaceholderText(self.tr(
            "Write here. Markdown works: **bold**, *italic*, # headings, - lists."))
        self.body.setTabChangesFocus(True)
        self.highlighter = MarkdownHighlighter(self.body)
        self.preview = MarkdownView()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.body)
        self.pages.addWidget(self.preview)
        self.attachments = AttachmentStrip()
        self._photos: list[tuple[str, QImage]] = []  # for the preview
        self.status = QLabel()
        self.status.setProperty("role", "hint")
        self.preview_button = self._button("eye", self.tr("Preview"),
                                           self.tr("Show the text rendered (Ctrl+P)"))
        self.preview_button.setCheckable(True)
        self.trash_button = self._button("trash", self.tr("Move to trash"),
                                         self.tr("Move this entry to the trash"))
        self.restore_button = self._button("restore", self.tr("Restore"),
                                           self.tr("Take this entry out of the trash"))
        self.attach_button = self._button("paperclip", self.tr("Attach…"), self.tr(
            "Attach photos or files (or drop them here, or paste an image)"))
        self.save_button = self._button("save", self.tr("Save"), self.tr("Save (Ctrl+S)"))
        self.save_button.setDefault(True)
        self._lay_out()
        self.title.textEdited.connect(self._edited)
        self.tags.textEdited.connect(self._edited)
        # Not textChanged: Qt emits that when the highlighter restyles (a palette change, a
        # fence opened above), and a restyle is not an edit. contentsChange says what changed.
        self.body.document().contentsChange.connect(self._body_changed)
        self.mood.currentIndexChanged.connect(self._edited)
        self.star.toggled.connect(self._star_toggled)
        self.preview_button.toggled.connect(self.set_preview)
        self.save_button.clicked.connect(self.save_requested)
        self.trash_button.clicked.connect(self.trash_requested)
        self.restore_button.clicked.connect(self.restore_requested)
        self.body.files_given.connect(self.files_given)
        self.body.image_pasted.connect(self.image_pasted)
        self.setAcceptDrops(True)
        self.start_new()

    def _button(self, icon_name: str, text: str, tip: str) -> QPushButton:
        button = QPushButton(icon(icon_name), text)
        button.setToolTip(tip)
        button.setAccessibleName(text)
        # Never squeezed below its words: at 800×600 "Move to trash" lost its last letter.
        button.setMinimumWidth(button.sizeHint().width())
        return button

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.star)
        meta = QHBoxLayout()
        meta.addWidget(self.tags, 1)
        meta.addWidget(self.mood)
        # Where the row does not fit on one line (at 800×600 it needed 23 px more, and
        # "Save" was drawn over "Move to trash"), the status takes a line of its own and the
        # buttons wrap, words whole.
        buttons = ActionRow(self.status, spacing=6)
        for button in (self.attach_button, self.preview_button, self.trash_button,
                       self.restore_button, self.save_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 6, 16, 12)
        layout.setSpacing(8)
        layout.addWidget(self.when)
        layout.addLayout(top)
        layout.addLayout(meta)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.attachments)
        layout.addLayout(buttons)

    # -- what is shown ----------------------------------------------------------------------

    def load(self, entry: Entry) -> None:
        self._fill(entry, entry.title, entry.tags, entry.mood, entry.starred, entry.body)

    def start_new(self) -> None:
        self._fill(None, "", (), None, False, "")

    def start_from(self, title: str, body: str) -> None:
        """A new entry that starts from a template or a question. Untouched, it is not worth
        saving (a template alone is not an entry); the first change makes it one. The cursor
        waits where the first answer goes."""
        self._fill(None, title, (), None, False, body)
        cursor = self.body.textCursor()
        cursor.setPosition(first_answer_position(body))
        self.body.setTextCursor(cursor)

    def show_opening(self) -> None:
        """Blank and read-only until `load` brings the entry (typing now would go nowhere)."""
        self._fill(None, "", (), None, False, "")
        self.opening = True
        self._show_state()

    def _fill(self, entry: Entry | None, title: str, tags: tuple[str, ...], mood: int | None,
              starred: bool, body: str) -> None:
        self._loading = True
        self.opening = False
        try:
            self.entry = entry
            self.session += 1
            self.title.setText(title)  # setText and setPlainText forget the undo history
            self.tags.set_tags(tags)
            self.mood.setCurrentIndex(max(0, self.mood.findData(mood)) if mood else 0)
            self.star.setChecked(starred)
            self._fit_wrap(body)
            self.body.setPlainText(body)
            self.body.document().clearUndoRedoStacks()
            self.attachments.wipe()
            self._photos = []
            if self.preview_button.isChecked():
                self.preview.set_images([])
                self.preview.show_markdown(body)
        finally:
            self._loading = False
        self._set_dirty(False)
        self._show_state()
        self.opened.emit()

    def _show_state(self) -> None:
        deleted = self.entry is not None and self.entry.deleted is not None
        locked = deleted or self.opening
        for field in (self.title, self.tags):
            field.setReadOnly(locked)
        self.body.setReadOnly(locked)
        self.mood.setEnabled(not locked)
        self.star.setEnabled(not locked)
        self.attach_button.setVisible(not locked)
        self.body.takes_files = not locked
        self.save_button.setVisible(not locked)
        self.trash_button.setVisible(self.entry is not None and not deleted)
        self.restore_button.setVisible(deleted)
        self._paint_star()
        if self.opening:
            self.when.setText(self.tr("Opening…"))
        elif self.entry is None:
            self.when.setText(self.tr("New entry"))
        elif deleted:
            self.when.setText(self.tr("In the trash · written %1").replace(
                "%1", when_label(self.entry.created)))
        else:
            self.when.setText(when_label(self.entry.created))
        self._show_status()

    def _show_status(self) -> None:
        if self.entry is not None and self.entry.deleted is not None:
            text = self.tr("Restore it to edit it.")
        elif self.dirty:
            text = self.tr("Unsaved changes")
        elif self.entry is not None:
            text = self.tr("Saved")
        else:
            text = ""
        self.status.setText(text)
        self.save_button.setEnabled(self.dirty)

    def _paint_star(self) -> None:
        starred = self.star.isChecked()
        self.star.setIcon(icon("star-filled", STAR_COLOUR) if starred else icon("star"))
        self.star.setText("★" if starred else "☆")

    # -- editing ----------------------------------------------------------------------------

    @property
    def read_only(self) -> bool:
        return self.opening or (self.entry is not None and self.entry.deleted is not None)

    def values(self) -> dict[str, object]:
        return {"title": self.title.text(), "body": self.body.toPlainText(),
                "tags": self.tags.tags(), "mood": self.mood.currentData(),
                "starred": self.star.isChecked()}

    def is_blank(self) -> bool:
        return not (self.title.text().strip() or self.body.toPlainText().strip()
                    or self.tags.text().strip() or self.attachments.shown)

    def mark_edited(self) -> None:
        """Something not typed changed what Save will keep (files attached to a new entry)."""
        self._edited()

    def show_photos(self, photos: list[tuple[str, QImage]]) -> None:
        """The entry's photos (name, thumbnail), for the preview below the text."""
        self._photos = list(photos)
        if self.preview_button.isChecked():
            self.preview.set_images(self._photos)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt API
        if not self.read_only and local_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt API
        files = local_files(event.mimeData())
        if not self.read_only and files:
            event.acceptProposedAction()
            self.files_given.emit(files)
        else:
            super().dropEvent(event)

    def _body_changed(self, position: int, removed: int, added: int) -> None:
        if added > LONG_WORD:  # a paste: is there a word too long to wrap at its edges?
            document = self.body.document()
            start = document.findBlock(position).position()
            end = document.findBlock(position + added)
            self._fit_wrap(document.toPlainText()[start:end.position() + end.length()])
        if removed or added:
            self._edited()

    def _fit_wrap(self, text: str) -> None:
        """Qt's word wrapping takes minutes over a long run without spaces (185 s for a
        pasted megabyte): text with such a run wraps anywhere (about a second for that
        megabyte), everything else between words. Once chosen for a text, it stays until
        another entry is opened."""
        long_run = _LONG_RUN.search(text) is not None
        if long_run or self._loading:
            self.body.setWordWrapMode(QTextOption.WrapMode.WrapAnywhere if long_run
                                      else QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)

    def _edited(self) -> None:
        if self._loading:
            return
        self.revision += 1
        self._set_dirty(True)

    def _set_dirty(self, dirty: bool) -> None:
        changed = dirty != self.dirty
        self.dirty = dirty
        self._show_status()
        if changed:
            self.dirty_changed.emit(dirty)

    def mark_saved(self, entry: Entry, revision: int) -> None:
        """The values of `revision` were saved as `entry` (the text on screen stays put)."""
        self.entry = entry
        if revision == self.revision:
            self._set_dirty(False)
        self._show_state()

    def toggle_star(self) -> None:
        if self.star.isEnabled():
            self.star.toggle()

    def _star_toggled(self, starred: bool) -> None:
        self._paint_star()
        if not self._loading:
            self.star_toggled.emit(starred)

    def toggle_preview(self) -> None:
        self.preview_button.toggle()

    def set_preview(self, on: bool) -> None:
        if self.preview_button.isChecked() != on:
            self.preview_button.setChecked(on)
            return
        if on:
            self.preview.set_images(self._photos)
            self.preview.show_markdown(self.body.toPlainText())
        else:
            self.preview.wipe()
        self.pages.setCurrentWidget(self.preview if on else self.body)

    def focus_text(self) -> None:
        if self.preview_button.isChecked():
            self.preview.setFocus()
        else:
            self.body.setFocus()

    def wipe(self) -> None:
        """Forget every value, including undo histories and the completer's tags."""
        self.preview_button.setChecked(False)
        self.start_new()
        self.title.setText("")
        self.body.clear()
        self.body.document().clearUndoRedoStacks()
        self.tags.wipe()
        self.preview.wipe()
        self.attachments.wipe()
        self._photos = []
        self.when.setText("")
        self.status.setText("")


def first_answer_position(body: str) -> int:
    """Where a template's first answer goes: the line after its first heading and the hint
    under it (a line in _italics_), or the end when there is no heading."""
    lines = body.split("\n")
    position = 0
    for number, line in enumerate(lines):
        if line.lstrip().startswith("#"):
            index = number + 1
            position += len(line) + 1
            while index < len(lines) and not lines[index].strip():
                position += len(lines[index]) + 1
                index += 1
            if index < len(lines) and lines[index].strip().startswith("_"):
                position += len(lines[index]) + 1
                if index + 1 < len(lines):
                    position += len(lines[index + 1]) + 1 if not lines[index + 1].strip() \
                        else 0
            return min(position, len(body))
        position += len(line) + 1
    return len(body)
