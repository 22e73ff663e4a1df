"""What the journal page does with an entry's attachments: show them, attach, remove, open
and save a copy.

Files are read and checked in the heavy lane (reading a 25 MB file, making a thumbnail),
stored and listed in the vault lane; nothing here runs SQL or decodes an image on the GUI
thread. Opening an entry reads each photo's kept 256-pixel thumbnail, never the photo. A new
entry's files wait in memory (never in a file) until the entry is saved, and are saved with
it; an entry already saved gets them at once. The core's errors (too large, unreadable, not
what its name says, an image too large to open) are shown in the page's message bar, naming
the file, and then nothing of that batch is attached. A photo whose location was removed
offers "Keep location", which reads the file again and keeps it.

A copy leaves the vault only through "Save a copy…", written where the person chose; a file
that is not a photo cannot be opened in Companion, so opening it offers that too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog, QMessageBox

from companion.app import CompanionApp
from companion.attachment_copy import save_copy
from companion.attachments import AttachmentLimits, PreparedFile, size_text
from companion.errors import UserError
from companion.models import Entry, EntryDraft
from ui.tasks import Lane
from ui.widgets.attachment_strip import StripItem, decode_thumbnail

if TYPE_CHECKING:
    from ui.dialogs.attachment_viewer import AttachmentViewer
    from ui.pages.journal import JournalPage

LOCATION_REMOVED = "the location it was taken at was removed"


@dataclass
class Pending:
    """A file attached to a new entry, waiting (in memory) for the entry to be saved."""

    file: PreparedFile = field(repr=False)
    source: Path | None  # where it came from (to read again to keep its location)
    image: QImage | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Prepared:
    """What reading and checking a batch gave: the files, or the errors (none attached)."""

    files: list[tuple[PreparedFile, Path | None, QImage | None]]
    errors: list[str]


def prepare_paths(app: CompanionApp, paths: Sequence[Path], *,
                  keep_location: bool = False) -> Prepared:
    """Read and check each file (in a worker): every error is kept, to name them all."""
    files: list[tuple[PreparedFile, Path | None, QImage | None]] = []
    errors: list[str] = []
    for path in paths:
        try:
            prepared = app.prepare_attachment(path, keep_location=keep_location)
        except UserError as exc:
            errors.append(str(exc))
            continue
        files.append((prepared, path, decode_thumbnail(prepared.thumbnail)))
    return Prepared(files, errors)


def prepare_pasted(app: CompanionApp, image: QImage, name: str) -> Prepared:
    """A pasted image as PNG bytes made in memory, then checked like a file (in a worker)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # a str, whatever the stubs say
    buffer.close()
    try:
        prepared = app.prepare_attachment_bytes(name, bytes(data.data()))
    except UserError as exc:
        return Prepared([], [str(exc)])
    return Prepared([(prepared, None, decode_thumbnail(prepared.thumbnail))], [])


def load_items(app: CompanionApp, entry_id: int) -> list[StripItem]:
    """The entry's attachments with their kept thumbnails decoded (in a worker): a photo's
    full bytes are never read here."""
    items = []
    for attachment in app.attachments(entry_id):
        image = None
        if attachment.is_image:
            image = decode_thumbnail(app.attachment_thumbnail(entry_id, attachment.position))
        items.append(StripItem(attachment.position, attachment.name, attachment.media_type,
                               attachment.size, image))
    return items


def add_entry_with_files(app: CompanionApp, draft: EntryDraft,
                         files: Sequence[PreparedFile]) -> Entry:
    """Save a new entry, then the files attached to it while it was a draft."""
    entry = app.add_entry(draft)
    if files:
        app.attach(entry.id, files)
    return entry


class JournalAttachments(QObject):
    """The page's attachments controller (see the module docstring)."""

    def __init__(self, page: JournalPage) -> None:
        super().__init__(page)
        self.page = page
        self.pending: list[Pending] = []
        self.asking: QMessageBox | None = None  # the open "Remove …?" question (for tests)
        self.viewer: AttachmentViewer | None = None
        self._pasted = 0
        editor = page.editor
        editor.opened.connect(self.editor_opened)
        editor.attach_button.clicked.connect(self.choose_files)
        editor.files_given.connect(self.attach_paths)
        editor.image_pasted.connect(self.attach_image)
        strip = editor.attachments
        strip.open_requested.connect(self.open_item)
        strip.save_requested.connect(self.save_item)
        strip.remove_requested.connect(self.ask_remove)

    @property
    def app(self) -> CompanionApp:
        return self.page.ctx.app

    def _run(self, fn: Callable[[], Any], done: Callable[[Any], None], *,
             lane: Lane = Lane.VAULT) -> None:
        self.page.ctx.runner.run(fn, done, self.page.editing.show_failure, lane=lane)

    # -- showing ----------------------------------------------------------------------------

    def editor_opened(self) -> None:
        self.pending = []
        self._close_question()
        entry = self.page.editor.entry
        if entry is not None:
            self.reload(entry.id)

    def reload(self, entry_id: int) -> None:
        session, app = self.page.editor.session, self.app
        self._run(lambda: (session, entry_id, load_items(app, entry_id)), self._loaded)

    def _loaded(self, payload: tuple[int, int, list[StripItem]]) -> None:
        session, entry_id, items = payload
        editor = self.page.editor
        if self.page.alive and editor.session == session and editor.entry is not None \
                and editor.entry.id == entry_id:
            self._show(items)

    def _show(self, items: list[StripItem]) -> None:
        self.page.editor.attachments.set_items(items)
        self.page.editor.show_photos([(item.name, item.image) for item in items
                                      if item.image is not None])

    def _show_pending(self) -> None:
        self._show([StripItem(index, p.file.name, p.file.media_type, p.file.size, p.image,
                              pending=True) for index, p in enumerate(self.pending)])

    # -- attaching --------------------------------------------------------------------------

    def choose_files(self) -> None:
        if self.page.editor.read_only:
            return
        names, _ = QFileDialog.getOpenFileNames(
            self.page, self.tr("Attach photos or files"), str(Path.home()),
            self.tr("All files (*);;Photos (*.png *.jpg *.jpeg *.gif *.webp *.heic)"))
        if names:
            self.attach_paths([Path(name) for name in names])

    def attach_paths(self, paths: list[Path], *, keep_location: bool = False,
                     replacing: tuple[object, ...] = ()) -> None:
        if self.page.editor.read_only or not paths:
            return
        app, target = self.app, self._target()
        self._run(lambda: (target, replacing, prepare_paths(app, paths,
                                                            keep_location=keep_location)),
                  self._prepared, lane=Lane.HEAVY)

    def attach_image(self, image: QImage) -> None:
        if self.page.editor.read_only:
            return
        self._pasted += 1
        now = self.app.clock.now()
        name = f"Pasted image {now:%Y-%m-%d %H.%M}" + (
            f" ({self._pasted})" if self._pasted > 1 else "") + ".png"
        app, target, copy = self.app, self._target(), QImage(image)
        self._run(lambda: (target, (), prepare_pasted(app, copy, name)), self._prepared,
                  lane=Lane.HEAVY)

    def _target(self) -> tuple[int, int | None]:
        """(the editor's session, the entry's id or None for a new one)."""
        entry = self.page.editor.entry
        return self.page.editor.session, None if entry is None else entry.id

    def _prepared(self, payload: tuple[tuple[int, int | None], tuple[object, ...], Prepared]
                  ) -> None:
        (session, entry_id), replacing, prepared = payload
        if not self.page.alive:
            return
        tr = self.tr
        if prepared.errors:
            self.page.messages.show_error(" ".join(prepared.errors) + (
                "" if "Nothing was attached" in prepared.errors[-1]
                else " " + tr("Nothing was attached.")))
            return
        files = [file for file, _source, _image in prepared.files]
        if entry_id is None:
            if self.page.editor.session != session or self.page.editor.entry is not None:
                return  # the new entry was left (and saved without them) before they came
            problem = self._over_limits(files, replacing)
            if problem:
                self.page.messages.show_error(problem)
                return
            self.pending = [p for index, p in enumerate(self.pending) if index not in replacing]
            self.pending += [Pending(file, source, image)
                             for file, source, image in prepared.files]
            self._show_pending()
            self.page.editor.mark_edited()
            self._tell(prepared)
            return
        app = self.app
        positions = sorted((int(p) for p in replacing if isinstance(p, int)), reverse=True)

        def store() -> tuple[int, Prepared]:
            for position in positions:  # keeping the location: the copy without it goes
                app.remove_attachment(entry_id, position)
            app.attach(entry_id, files)
            return entry_id, prepared

        self._run(store, self._stored)

    def _stored(self, payload: tuple[int, Prepared]) -> None:
        entry_id, prepared = payload
        if not self.page.alive:
            return
        entry = self.page.editor.entry
        if entry is not None and entry.id == entry_id:
            self.reload(entry_id)
        self._tell(prepared)

    def _over_limits(self, files: list[PreparedFile], replacing: tuple[object, ...]) -> str:
        """The per-entry limits, checked for a new entry's files before it is saved."""
        limits = self.app.attachment_limits or AttachmentLimits()
        kept = [p.file for index, p in enumerate(self.pending) if index not in replacing]
        if len(kept) + len(files) > limits.max_files_per_entry:
            return self.tr("An entry can have at most %1 files attached. Nothing was "
                           "attached.").replace("%1", str(limits.max_files_per_entry))
        total = sum(f.size for f in kept) + sum(f.size for f in files)
        if total > limits.max_entry_bytes:
            return self.tr("An entry's files can be at most %1 in all; these would make "
                           "%2. Nothing was attached.").replace(
                "%1", size_text(limits.max_entry_bytes)).replace("%2", size_text(total))
        return ""

    def _tell(self, prepared: Prepared) -> None:
        """Say what the person should know (the location removed, a type that differs from
        the name), offering to keep the location where it was removed from a file."""
        notes = [note for file, _s, _i in prepared.files for note in file.notes]
        located = [(file, source) for file, source, _image in prepared.files
                   if source is not None and any(LOCATION_REMOVED in n for n in file.notes)]
        names = ", ".join(f"'{file.name}'" for file, _s, _i in prepared.files)
        text = " ".join(notes) if notes else (
            self.tr("Attached %1.") if self.page.editor.entry is not None
            else self.tr("Attached %1; it is saved when the entry is.")).replace("%1", names)
        if located:
            self.page.messages.show_message(text, self.tr("Keep location"),
                                            lambda: self.keep_location(located))
        else:
            self.page.messages.show_message(text)

    def keep_location(self, located: list[tuple[PreparedFile, Path]]) -> None:
        """Attach those photos again, read anew, their location kept; the copies without
        it go."""
        shown = self.page.editor.attachments.shown
        replacing: list[object] = []
        for file, _source in located:
            # The last shown item of that name and size is the one just attached.
            match = [item.key for item in shown if item.name == file.name
                     and item.size == file.size]
            if match:
                replacing.append(match[-1])
        self.attach_paths([source for _file, source in located], keep_location=True,
                          replacing=tuple(replacing))

    # -- removing ---------------------------------------------------------------------------

    def ask_remove(self, key: object) -> None:
        editor = self.page.editor
        item = editor.attachments.item_for(key)
        if item is None:
            return
        if editor.read_only:
            self.page.messages.show_message(self.tr("Restore the entry to change its "
                                                    "attachments."))
            return
        self._close_question()
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Remove attachment"),
                          self.tr("Remove “%1” from this entry?").replace("%1", item.name),
                          QMessageBox.StandardButton.Cancel, self.page)
        box.setInformativeText(self.tr("It is deleted from the vault; a copy you saved "
                                       "elsewhere stays.") if not item.pending else "")
        remove = box.addButton(self.tr("Remove"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        session = editor.session
        box.finished.connect(lambda _result: self._answered(box, remove, session, key))
        self.asking = box
        box.open()

    def _answered(self, box: QMessageBox, remove: object, session: int, key: object) -> None:
        if self.asking is box:
            self.asking = None
        box.deleteLater()
        editor = self.page.editor
        if box.clickedButton() is not remove or not self.page.alive \
                or editor.session != session:
            editor.attachments.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        item = editor.attachments.item_for(key)
        if item is None:
            return
        if item.pending:
            del self.pending[int(key)]  # type: ignore[call-overload]
            self._show_pending()
            self.page.messages.show_message(self.tr("Removed “%1”.").replace("%1", item.name))
            return
        entry = editor.entry
        if entry is None:
            return
        entry_id, position, app = entry.id, int(key), self.app  # type: ignore[call-overload]
        name = item.name

        def take_out() -> tuple[int, str]:
            app.remove_attachment(entry_id, position)
            return entry_id, name

        self._run(take_out, self._removed)

    def _removed(self, payload: tuple[int, str]) -> None:
        entry_id, name = payload
        if not self.page.alive:
            return
        entry = self.page.editor.entry
        if entry is not None and entry.id == entry_id:
            self.reload(entry_id)
        self.page.messages.show_message(self.tr("Removed “%1” from the entry.").replace(
            "%1", name))
        self.page.editor.attachments.setFocus(Qt.FocusReason.OtherFocusReason)

    def _close_question(self) -> None:
        if self.asking is not None:
            box, self.asking = self.asking, None
            box.done(QMessageBox.StandardButton.Cancel.value)

    # -- opening and saving a copy ----------------------------------------------------------

    def _bytes_of(self, key: object) -> Callable[[], bytes]:
        """A callable (for a worker) giving the item's bytes: from memory for a new entry's
        file, from the vault for a saved one."""
        item = self.page.editor.attachments.item_for(key)
        if item is not None and item.pending:
            data = self.pending[int(key)].file.data  # type: ignore[call-overload]
            return lambda: data
        entry = self.page.editor.entry
        assert entry is not None
        entry_id, position, app = entry.id, int(key), self.app  # type: ignore[call-overload]
        return lambda: app.attachment_bytes(entry_id, position)

    def open_item(self, key: object) -> None:
        """A photo opens in a window of its own (decoded in memory); a file that is not one
        cannot be shown here, so its copy is offered to save."""
        item = self.page.editor.attachments.item_for(key)
        if item is None:
            return
        if item.image is None:
            self.save_item(key)
            return
        from ui.dialogs.attachment_viewer import AttachmentViewer, decode_full

        read = self._bytes_of(key)
        viewer = AttachmentViewer(item, self.page)
        viewer.save_requested.connect(lambda: self.save_item(key))
        self.viewer = viewer
        viewer.open()
        self._run(lambda: decode_full(read()), viewer.show_image)

    def save_item(self, key: object) -> None:
        item = self.page.editor.attachments.item_for(key)
        if item is None:
            return
        name, _ = QFileDialog.getSaveFileName(
            self.page, self.tr("Save a copy of “%1”").replace("%1", item.name),
            str(Path.home() / item.name))
        if not name:
            return
        read, target = self._bytes_of(key), Path(name)
        self._run(lambda: save_copy(target, read()), self._saved_copy)

    def _saved_copy(self, payload: object) -> None:
        if self.page.alive:
            self.page.messages.show_message(self.tr(
                "Saved a copy to %1. That copy is not protected by the vault.").replace(
                "%1", str(payload)))

    # -- saving a new entry with its files ----------------------------------------------------

    def files_to_save(self) -> list[PreparedFile]:
        """A new entry's files, to save with it (taken: the editor moves on after a save)."""
        if self.page.editor.entry is not None:
            return []
        return [p.file for p in self.pending]

    def title_for_files(self) -> str:
        """A title for a new entry that holds files and no words: their names."""
        if self.page.editor.entry is not None or not self.pending:
            return ""
        names = ", ".join(p.file.name for p in self.pending)
        return names if len(names) <= 80 else names[:79].rstrip() + "…"

    def entry_saved(self, entry: Entry, with_files: bool) -> None:
        """A new entry was saved with its files: they are in the vault now."""
        if with_files and self.page.editor.entry is not None \
                and self.page.editor.entry.id == entry.id:
            self.pending = []
            self.reload(entry.id)

    def teardown(self) -> None:
        self._close_question()
        self.pending = []
        if self.viewer is not None and shiboken6.isValid(self.viewer):
            self.viewer.close()  # deleted on close; the picture goes with it
        self.viewer = None
