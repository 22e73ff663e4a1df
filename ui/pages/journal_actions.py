"""What the journal page does: save (and autosave), star, new, trash and restore entries, go
to a day, and say what went wrong.

Each action runs in the vault lane and reports back to the page. Saves are one at a time: a
second Ctrl+S while the first is still on its way waits for it, so a new entry is never
written twice.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView

from companion.models import Changes, Entry, EntryDraft, ItemRef, Kind
from companion.timeutil import month_bounds
from ui.models.journal_list import JournalRoles
from ui.widgets.common import user_message

if TYPE_CHECKING:
    from ui.pages.journal import JournalPage

    _Base = JournalPage
else:
    _Base = object


class JournalActions(_Base):
    _save_in_flight = False
    _save_queued = False

    # -- saving -----------------------------------------------------------------------------

    def _draft(self) -> EntryDraft:
        values: dict[str, Any] = self.editor.values()
        return EntryDraft(title=values["title"], body=values["body"], tags=values["tags"],
                          mood=values["mood"], starred=values["starred"])

    def _has_unsaved(self) -> bool:
        editor = self.editor
        return editor.dirty and not editor.read_only and not (
            editor.entry is None and editor.is_blank())

    def autosave(self, *, on_exit: bool = False) -> None:
        """Save what the editor holds before it shows something else (or the page goes).

        A new entry with neither title nor text (tags at most) is not kept: it could not be
        saved, and saying so to someone who is moving on would only be noise."""
        editor = self.editor
        if not self.alive or not self._has_unsaved() or (
                editor.entry is None and not (editor.title.text().strip()
                                              or editor.body.toPlainText().strip())):
            return
        if not on_exit:
            self.save()
            return
        # Locking or quitting: the page is about to go, so nobody waits for the answer. The
        # vault lane runs this before it closes the vault. A failure goes to the runner's
        # handler, which shows it.
        draft, app = self._draft(), self.ctx.app
        entry = self.editor.entry
        if entry is None:
            self.ctx.runner.run(lambda: app.add_entry(draft))
        else:
            entry_id = entry.id
            self.ctx.runner.run(lambda: app.update_entry(
                entry_id, title=draft.title, body=draft.body, tags=draft.tags,
                mood=draft.mood, starred=draft.starred))

    def save(self) -> None:
        if not self.alive or not self._has_unsaved():
            return
        if self._save_in_flight:
            self._save_queued = True
            return
        self._save_in_flight = True
        editor, app = self.editor, self.ctx.app
        draft, session, revision = self._draft(), editor.session, editor.revision
        if editor.entry is None:
            self.ctx.runner.run(lambda: (session, revision, app.add_entry(draft)),
                                self._saved, self._save_failed)
            return
        entry_id = editor.entry.id
        self.ctx.runner.run(
            lambda: (session, revision, app.update_entry(
                entry_id, title=draft.title, body=draft.body, tags=draft.tags,
                mood=draft.mood, starred=draft.starred)),
            self._saved, self._save_failed)

    def _saved(self, payload: tuple[int, int, Entry]) -> None:
        session, revision, entry = payload
        self._save_in_flight = False
        if not self.alive:
            return
        if self.editor.session == session:
            self.editor.mark_saved(entry, revision)
            if not self.search_text:
                self._follow_editor()  # a new entry: selected now, or once it is listed
        self._save_next()

    def _save_failed(self, exc: BaseException) -> None:
        self._save_in_flight = False
        self.show_failure(exc)
        self._save_next()

    def _save_next(self) -> None:
        if self._save_queued:
            self._save_queued = False
            self.save()

    # -- new, star --------------------------------------------------------------------------

    def new_entry(self) -> None:
        if self.filters.trash.isChecked():
            self.filters.trash.setChecked(False)
        self.autosave()
        self.editor.start_new()
        self.list_view.selectionModel().clearCurrentIndex()
        self.list_view.clearSelection()
        self.results_view.selectionModel().clearCurrentIndex()
        self.results_view.clearSelection()
        self.editor.title.setFocus()

    def _star_toggled(self, starred: bool) -> None:
        entry = self.editor.entry
        if entry is None or entry.deleted is not None:
            return  # a new entry: the star is saved with it
        entry_id, app = entry.id, self.ctx.app
        self.ctx.runner.run(lambda: app.update_entry(entry_id, starred=starred),
                            self._star_saved, self.show_failure)

    def _star_saved(self, entry: Entry) -> None:
        current = self.editor.entry
        if self.alive and current is not None and current.id == entry.id:
            self.editor.entry = entry

    # -- trash ------------------------------------------------------------------------------

    def trash_current(self) -> None:
        """Delete key in a list: move the selected entry to the trash."""
        entry_id = self.current_entry_id()
        if entry_id is not None and not self.model.query.trash:
            self.trash_entry(entry_id)

    def _trash_open_entry(self) -> None:
        if self.editor.entry is not None:
            self.trash_entry(self.editor.entry.id)

    def trash_entry(self, entry_id: int) -> None:
        if self.editor.entry is not None and self.editor.entry.id == entry_id:
            self.autosave()
        ref, app = self.ref(entry_id), self.ctx.app
        self.ctx.runner.run(lambda: (entry_id, app.delete(ref)), self._trashed,
                            self.show_failure)

    def _trashed(self, payload: tuple[int, Changes]) -> None:
        entry_id, _ = payload
        if not self.alive:
            return
        if self.editor.entry is not None and self.editor.entry.id == entry_id:
            self.editor.start_new()
            # Then open the entry next to it: now if the list already lost the row (the
            # refresh can come first), else once it does.
            self._open_cursor_when_listed = True
            if self.model.row_of(entry_id) < 0 and not self.search_text:
                self._follow_editor()
        self.messages.show_message(self.tr("Moved to the trash."), self.tr("Restore"),
                                   lambda: self.restore_entry(entry_id))

    def _restore_open_entry(self) -> None:
        if self.editor.entry is not None:
            self.restore_entry(self.editor.entry.id)

    def restore_entry(self, entry_id: int) -> None:
        if not self.alive:
            return
        ref, app = self.ref(entry_id), self.ctx.app
        self.ctx.runner.run(lambda: (entry_id, app.restore(ref)), self._restored,
                            self.show_failure)

    def _restored(self, payload: tuple[int, Changes]) -> None:
        entry_id, _ = payload
        if not self.alive:
            return
        if self.model.query.trash:
            if self.editor.entry is not None and self.editor.entry.id == entry_id:
                self.editor.start_new()
        elif self.model.row_of(entry_id) >= 0:  # the refresh came first
            self.select_entry(entry_id)
        else:
            self._reveal_when_listed = entry_id
        self.messages.show_message(self.tr("Restored from the trash."))

    # -- errors -----------------------------------------------------------------------------

    def show_failure(self, exc: BaseException) -> None:
        if not self.alive:
            return
        self.messages.show_error(user_message(exc))  # a bug arrives reported, as ReportedBug

    def _link_clicked(self) -> None:
        self.messages.show_message(self.tr(
            "Links are not opened from your journal. Copy the address from the text if you "
            "want to visit it."))

    def ref(self, entry_id: int) -> ItemRef:
        return ItemRef(Kind.ENTRY, entry_id)

    # -- calendar ---------------------------------------------------------------------------

    def open_calendar(self) -> None:
        day = self.list_view.currentIndex().data(JournalRoles.DAY)
        self.day_picker.open_at(self.filters.calendar,
                                day if isinstance(day, date) else self.ctx.app.clock.now().date())

    def _month_shown(self, year: int, month: int) -> None:
        first, last = month_bounds(year, month)
        app = self.ctx.app
        self.ctx.runner.run(
            lambda: (year, month, app.journal.days_with_entries(first, last)),
            self._month_marked, self.show_failure)

    def _month_marked(self, payload: tuple[int, int, dict[str, int]]) -> None:
        year, month, counts = payload
        calendar = self.day_picker.calendar
        if self.alive and (calendar.yearShown(), calendar.monthShown()) == (year, month):
            self.day_picker.mark_days({date.fromisoformat(day) for day in counts})

    def jump_to_day(self, day: date) -> None:
        if self.filters.search.text():
            self.filters.search.setText("")
        if not self.model.loaded:
            self._jump_when_listed = day
            return
        row = self.model.row_for_day(day)
        if row < 0:
            self.messages.show_message(self.tr("There are no entries on or before that day."))
            return
        if self.model.index(row).data(JournalRoles.DAY) != day:
            self.messages.show_message(self.tr(
                "No entries on that day; here is the closest day before it."))
        self.list_view.scrollTo(self.model.index(row),
                                QAbstractItemView.ScrollHint.PositionAtTop)
        self.list_view.setCurrentIndex(self.model.index(row + 1))
        self.list_view.setFocus(Qt.FocusReason.OtherFocusReason)
