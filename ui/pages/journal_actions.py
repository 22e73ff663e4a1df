"""What the journal page does: save (and autosave), star, new, trash and restore entries, go
to a day, and say what went wrong; and open and delete check-ins from their rows.

Each action runs in the vault lane and reports back to the page. Saves are one at a time: a
second Ctrl+S while the first is still on its way waits for it, so a new entry is never
written twice.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtWidgets import QAbstractItemView, QMenu

from companion.models import Changes, CheckIn, Entry, EntryDraft, ItemRef, Kind
from companion.timeutil import month_bounds
from ui.dialogs.import_dialog import ImportDialog
from ui.models.journal_list import JournalRoles
from ui.pages.journal_attachments import add_entry_with_files
from ui.widgets.common import user_message

if TYPE_CHECKING:
    from ui.pages.journal import JournalPage


class JournalEditorController(QObject):
    """What the page does to entries (save, star, new, trash, restore, go to a day)."""

    def __init__(self, page: JournalPage) -> None:
        super().__init__(page)  # a child of the page: deleted with it, so a late task
        self.page = page         # result for a locked (deleted) page is never delivered
        self._save_in_flight = False
        self._save_queued = False
        self._saving_files = False

    # -- saving -----------------------------------------------------------------------------

    def _draft(self) -> EntryDraft:
        values: dict[str, Any] = self.page.editor.values()
        if not (values["title"].strip() or values["body"].strip()):
            # Files alone: the vault wants a title or some text, so their names become
            # the title (a new entry's files are never dropped for want of words).
            values["title"] = self.page.attaching.title_for_files() or values["title"]
        return EntryDraft(title=values["title"], body=values["body"], tags=values["tags"],
                          mood=values["mood"], starred=values["starred"])

    def _has_unsaved(self) -> bool:
        editor = self.page.editor
        return editor.dirty and not editor.read_only and not (
            editor.entry is None and editor.is_blank())

    def autosave(self, *, on_exit: bool = False) -> None:
        """Save what the editor holds before it shows something else (or the page goes).

        A new entry with neither title nor text (tags at most) is not kept: it could not be
        saved, and saying so to someone who is moving on would only be noise."""
        editor = self.page.editor
        if not self.page.alive or not self._has_unsaved() or (
                editor.entry is None and not (editor.title.text().strip()
                                              or editor.body.toPlainText().strip()
                                              or editor.attachments.shown)):
            return
        if not on_exit:
            self.save()
            return
        # Locking or quitting: the page is about to go, so nobody waits for the answer. The
        # vault lane runs this before it closes the vault. A failure goes to the runner's
        # handler, which shows it.
        draft, app = self._draft(), self.page.ctx.app
        entry = self.page.editor.entry
        if entry is None:
            files = self.page.attaching.files_to_save()
            self.page.ctx.runner.run(lambda: add_entry_with_files(app, draft, files))
        else:
            entry_id = entry.id
            self.page.ctx.runner.run(lambda: app.update_entry(
                entry_id, title=draft.title, body=draft.body, tags=draft.tags,
                mood=draft.mood, starred=draft.starred))

    def save(self) -> None:
        if not self.page.alive or not self._has_unsaved():
            return
        if self._save_in_flight:
            self._save_queued = True
            return
        self._save_in_flight = True
        editor, app = self.page.editor, self.page.ctx.app
        draft, session, revision = self._draft(), editor.session, editor.revision
        if editor.entry is None:
            # Files attached to the new entry are saved with it (until then, in memory).
            files = self.page.attaching.files_to_save()
            self.page.ctx.runner.run(
                lambda: (session, revision, add_entry_with_files(app, draft, files)),
                self._saved, self._save_failed)
            self._saving_files = bool(files)  # one save at a time: read back in _saved
            return
        entry_id = editor.entry.id
        self.page.ctx.runner.run(
            lambda: (session, revision, app.update_entry(
                entry_id, title=draft.title, body=draft.body, tags=draft.tags,
                mood=draft.mood, starred=draft.starred)),
            self._saved, self._save_failed)

    def _saved(self, payload: tuple[int, int, Entry]) -> None:
        session, revision, entry = payload
        self._save_in_flight = False
        with_files, self._saving_files = self._saving_files, False
        if not self.page.alive:
            return
        if self.page.editor.session == session:
            self.page.editor.mark_saved(entry, revision)
            self.page.attaching.entry_saved(entry, with_files)
            if not self.page.searching.search_text:
                self.page._follow_editor()  # a new entry: selected now, or once it is listed
        self._save_next()

    def _save_failed(self, exc: BaseException) -> None:
        self._save_in_flight = self._saving_files = False
        self.show_failure(exc)
        self._save_next()

    def _save_next(self) -> None:
        if self._save_queued:
            self._save_queued = False
            self.save()

    # -- new, star --------------------------------------------------------------------------

    def new_entry(self) -> None:
        if self.page.filters.trash.isChecked():
            self.page.filters.trash.setChecked(False)
        self.autosave()
        self.page.editor.start_new()
        self.page.checkin_rows.on_checkin = None  # the list follows the new entry when saved
        self.page.list_view.selectionModel().clearCurrentIndex()
        self.page.list_view.clearSelection()
        self.page.results_view.selectionModel().clearCurrentIndex()
        self.page.results_view.clearSelection()
        self.page.editor.title.setFocus()

    def new_entry_from(self, title: str, body: str) -> None:
        """A new entry from a template or Today's question, the keyboard in its text."""
        self.new_entry()
        self.page.editor.start_from(title, body)
        self.page.editor.focus_text()

    def choose_template(self) -> None:
        """Ctrl+Shift+N: pick a template, and a new entry starts from it."""
        from ui.dialogs.template_chooser import TemplateChooser

        chooser = TemplateChooser(self.page.ctx, self.page)
        chooser.chosen.connect(lambda template: self.new_entry_from(template.name,
                                                                    template.body))
        chooser.open()

    def star_toggled(self, starred: bool) -> None:
        entry = self.page.editor.entry
        if entry is None or entry.deleted is not None:
            return  # a new entry: the star is saved with it
        entry_id, app = entry.id, self.page.ctx.app
        self.page.ctx.runner.run(lambda: app.update_entry(entry_id, starred=starred),
                            self._star_saved, self.show_failure)

    def _star_saved(self, entry: Entry) -> None:
        current = self.page.editor.entry
        if self.page.alive and current is not None and current.id == entry.id:
            self.page.editor.entry = entry

    # -- trash ------------------------------------------------------------------------------

    def trash_current(self) -> None:
        """Delete key in a list: move the selected entry to the trash."""
        entry_id = self.page.current_entry_id()
        if entry_id is not None and not self.page.model.query.trash:
            self.trash_entry(entry_id)

    def trash_open_entry(self) -> None:
        if self.page.editor.entry is not None:
            self.trash_entry(self.page.editor.entry.id)

    def trash_entry(self, entry_id: int) -> None:
        if self.page.editor.entry is not None and self.page.editor.entry.id == entry_id:
            self.autosave()
        ref, app = self.ref(entry_id), self.page.ctx.app
        self.page.ctx.runner.run(lambda: (entry_id, app.delete(ref)), self._trashed,
                            self.show_failure)

    def _trashed(self, payload: tuple[int, Changes]) -> None:
        entry_id, _ = payload
        if not self.page.alive:
            return
        if self.page.editor.entry is not None and self.page.editor.entry.id == entry_id:
            self.page.editor.start_new()
            # Then open the entry next to it: now if the list already lost the row (the
            # refresh can come first), else once it does.
            self.page._open_cursor_when_listed = True
            searching = self.page.searching.search_text
            if self.page.model.row_of(entry_id) < 0 and not searching:
                self.page._follow_editor()
        tr = self.page.tr
        self.page.messages.show_message(tr("Moved to the trash."), tr("Restore"),
                                        lambda: self.restore_entry(entry_id))

    def restore_open_entry(self) -> None:
        if self.page.editor.entry is not None:
            self.restore_entry(self.page.editor.entry.id)

    def restore_entry(self, entry_id: int) -> None:
        if not self.page.alive:
            return
        ref, app = self.ref(entry_id), self.page.ctx.app
        self.page.ctx.runner.run(lambda: (entry_id, app.restore(ref)), self._restored,
                            self.show_failure)

    def _restored(self, payload: tuple[int, Changes]) -> None:
        entry_id, _ = payload
        if not self.page.alive:
            return
        if self.page.model.query.trash:
            if self.page.editor.entry is not None and self.page.editor.entry.id == entry_id:
                self.page.editor.start_new()
        elif self.page.model.row_of(entry_id) >= 0:  # the refresh came first
            self.page.select_entry(entry_id)
        else:
            self.page._reveal_when_listed = entry_id
        self.page.messages.show_message(self.page.tr("Restored from the trash."))

    def open_import(self) -> ImportDialog:
        """Import from jrnl, Daylio, Day One or a Companion export (as Settings does); what
        it adds comes to the list as a change, like any other."""
        dialog = ImportDialog(self.page.ctx.app, self.page.ctx.runner, self.page)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    # -- errors -----------------------------------------------------------------------------

    def show_failure(self, exc: BaseException) -> None:
        if not self.page.alive:
            return
        self.page.messages.show_error(user_message(exc))  # a bug arrives reported, as ReportedBug

    def link_clicked(self) -> None:
        self.page.messages.show_message(self.page.tr(
            "Links are not opened from your journal. Copy the address from the text if you "
            "want to visit it."))

    def ref(self, entry_id: int) -> ItemRef:
        return ItemRef(Kind.ENTRY, entry_id)

    # -- calendar ---------------------------------------------------------------------------

    def open_calendar(self) -> None:
        day = self.page.list_view.currentIndex().data(JournalRoles.DAY)
        today = self.page.ctx.app.clock.now().date()
        self.page.day_picker.open_at(self.page.filters.calendar,
                                     day if isinstance(day, date) else today)

    def month_shown(self, year: int, month: int) -> None:
        first, last = month_bounds(year, month)
        app = self.page.ctx.app
        self.page.ctx.runner.run(
            lambda: (year, month, app.days_with_entries(first, last)),
            self._month_marked, self.show_failure)

    def _month_marked(self, payload: tuple[int, int, dict[str, int]]) -> None:
        year, month, counts = payload
        calendar = self.page.day_picker.calendar
        if self.page.alive and (calendar.yearShown(), calendar.monthShown()) == (year, month):
            self.page.day_picker.mark_days({date.fromisoformat(day) for day in counts})

    def jump_to_day(self, day: date) -> None:
        if self.page.filters.search.text():
            self.page.filters.search.setText("")
        if not self.page.model.loaded:
            self.page._jump_when_listed = day
            return
        row = self.page.model.row_for_day(day)
        if row < 0:
            self.page.messages.show_message(
                self.page.tr("There are no entries on or before that day."))
            return
        if self.page.model.index(row).data(JournalRoles.DAY) != day:
            self.page.messages.show_message(self.page.tr(
                "No entries on that day; here is the closest day before it."))
        self.page.list_view.scrollTo(self.page.model.index(row),
                                QAbstractItemView.ScrollHint.PositionAtTop)
        # The day's first entry (after its check-ins), which opens in the editor.
        self.page.list_view.setCurrentIndex(self.page.model.index(
            self.page.model.entry_row_after(row)))
        self.page.list_view.setFocus(Qt.FocusReason.OtherFocusReason)


class JournalCheckinRows(QObject):
    """What the page does to a check-in's row: open it to correct it (Enter, a double click,
    its menu), delete it (the Delete key, its menu), both with Undo in the page's message bar
    through the same `CheckinEditing` as Today. The row holds a summary; the whole check-in
    (and the labels used before, for the dialog's chips) is read in the vault lane first.

    Nothing here touches the entry editor: what is typed there stays, unsaved or not."""

    def __init__(self, page: JournalPage) -> None:
        super().__init__(page)
        self.page = page
        self.known: tuple[list[str], list[str]] = ([], [])  # emotions, activities used before
        self.menu: QMenu | None = None  # the last context menu (kept for tests)
        self.on_checkin: int | None = None  # the check-in chosen in the list, until an entry is

    # -- the page's list asks ---------------------------------------------------------------

    def chosen(self, row: int) -> bool:
        """A row was selected: if it is a check-in's, remember it (and open nothing)."""
        checkin = self.page.model.checkin_at(row)
        if checkin is None:
            self.on_checkin = None if self.page.model.entry_id_at(row) is not None \
                else self.on_checkin
            return False
        self.on_checkin = checkin.id
        return True

    def keep_cursor(self) -> bool:
        """After the rows changed, among the check-ins the list stays: on the chosen one
        (where it moved to, or back after an Undo), or, when it went, where the cursor went.
        False when the list should follow the editor instead."""
        if self.on_checkin is None:
            return False
        view, model = self.page.list_view, self.page.model
        row = model.row_of_checkin(self.on_checkin)
        if row >= 0 and row != view.currentIndex().row():
            view.setCurrentIndex(model.index(row))
        return True

    def open_at(self, row: int) -> bool:
        """Enter or a double click on a row: a check-in's opens to correct it."""
        checkin = self.page.model.checkin_at(row)
        if checkin is not None:
            self.open(checkin.id)
        return checkin is not None

    def delete_at(self, row: int) -> bool:
        """The Delete key on a chosen row: a check-in's is deleted (with Undo)."""
        checkin = self.page.model.checkin_at(row)
        if checkin is not None:
            self.delete(checkin.id)
        return checkin is not None

    # -- opening and deleting ---------------------------------------------------------------

    def open(self, checkin_id: int) -> None:
        app, ref = self.page.ctx.app, ItemRef(Kind.CHECKIN, checkin_id)
        self.page.ctx.runner.run(
            lambda: (app.get(ref), app.known_labels("emotion"), app.known_labels("activity")),
            self._opened, self.page.editing.show_failure)

    def _opened(self, payload: tuple[CheckIn, list[str], list[str]]) -> None:
        checkin, emotions, activities = payload
        if self.page.alive:
            self.known = (emotions, activities)
            self.page.checkin_editing.edit(checkin)

    def delete(self, checkin_id: int) -> None:
        app, ref = self.page.ctx.app, ItemRef(Kind.CHECKIN, checkin_id)
        self.page.ctx.runner.run(lambda: app.get(ref), self._to_delete,
                                 self.page.editing.show_failure)

    def _to_delete(self, checkin: CheckIn) -> None:
        if self.page.alive:
            self.page.checkin_editing.delete(checkin)

    def show_menu(self, row: int, place: QPoint) -> None:
        """The context menu of a check-in's row (an entry's row has none)."""
        checkin = self.page.model.checkin_at(row)
        if checkin is None or not self.page.alive:
            return
        view = self.page.list_view
        view.setCurrentIndex(self.page.model.index(row))  # what the menu is about, marked
        checkin_id = checkin.id
        menu = QMenu(view)
        menu.addAction(self.tr("Edit check-in…"), lambda: self.open(checkin_id))
        menu.addAction(self.tr("Delete check-in"), lambda: self.delete(checkin_id))
        menu.aboutToHide.connect(menu.deleteLater)
        self.menu = menu
        menu.popup(place)
