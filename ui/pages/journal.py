"""The journal: check-ins and entries grouped by day (or search results) beside an editor.

Every vault call runs in the task runner's vault lane; the list model holds ids and fetches
the rows it shows in blocks. Edits are saved with Ctrl+S and saved automatically when the user
opens another entry, starts a new one, or locks: nothing typed is lost and no dialog asks.
Starring is saved at once. Deleting moves to the trash and offers Restore in a message bar.

A check-in's row is selected like an entry's but leaves the editor as it is; Enter, a double
click or its menu opens it to correct, and Delete deletes it, both with Undo (as on Today).
An empty journal says what it is for and offers the first entry (or an import); a filter or a
search that finds nothing says so, and not that the journal is empty.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, tzinfo

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from companion.app import CompanionApp
from companion.checkins import DayMood
from companion.models import Changes, Entry, Kind, TagCount
from ui.context import UiContext
from ui.dialogs.data_common import DataDialog
from ui.icons import icon
from ui.models.journal_list import (
    EntryLoader,
    IndexLoader,
    IndexQuery,
    JournalListModel,
    MoodLoader,
)
from ui.models.search_results import SearchResultsModel
from ui.pages.base import Page
from ui.pages.checkin_editing import CheckinEditing
from ui.pages.journal_actions import JournalCheckinRows, JournalEditorController
from ui.pages.journal_attachments import JournalAttachments
from ui.pages.journal_search import SEARCH_LIMIT, JournalSearchController
from ui.widgets.common import heading, hint
from ui.widgets.day_picker import DayPicker
from ui.widgets.entry_delegate import EntryDelegate
from ui.widgets.entry_editor import EntryEditor
from ui.widgets.journal_empty import JournalEmptyState
from ui.widgets.journal_filters import JournalFilterBar
from ui.widgets.journal_list_view import JournalListView, next_entry
from ui.widgets.message_bar import MessageBar
from ui.widgets.snippet_delegate import SnippetDelegate


def index_loader(app: CompanionApp) -> IndexLoader:
    def load(query: IndexQuery) -> list[tuple[int, str]]:
        return app.entry_index(start=query.start, end=query.end, tag=query.tag,
                               trash=query.trash)
    return load


def moods_loader(app: CompanionApp) -> MoodLoader:
    def load(query: IndexQuery) -> dict[str, list[DayMood]]:
        return app.day_moods(query.start, query.end)  # the check-ins' rows
    return load


def entries_loader(app: CompanionApp) -> EntryLoader:
    def load(ids: list[int]) -> list[Entry]:
        return app.entries(ids)
    return load


class JournalPage(Page):
    """The journal: a list (or search results) beside an editor. What it does to entries is
    `self.editing`'s; its search is `self.searching`'s (controllers, not mixins)."""

    title = "Journal"
    icon_name = "journal"

    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        self.alive = True
        self.started = False
        self._opening: int | None = None
        self._reveal_when_listed: int | None = None
        self._open_cursor_when_listed = False
        self._jump_when_listed: date | None = None
        self.model = JournalListModel(ctx.runner, index_loader(ctx.app),
                                      entries_loader(ctx.app), self,
                                      load_moods=moods_loader(ctx.app))
        self.results = SearchResultsModel(self)
        self.searching = JournalSearchController(self)
        self.editing = JournalEditorController(self)
        self.checkin_rows = JournalCheckinRows(self)
        self._build()
        self.attaching = JournalAttachments(self)
        self._connect()
        self._add_shortcuts()
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.timeout.connect(self._refresh)

    # -- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.filters = JournalFilterBar(self.ctx.app.clock.now().date())
        self.messages = MessageBar()
        self.list_view = JournalListView()
        self.list_view.setModel(self.model)
        self.delegate = EntryDelegate(self.list_view)
        self.list_view.setItemDelegate(self.delegate)
        self.list_view.setAccessibleName(self.tr("Journal entries"))
        self.results_view = JournalListView()
        self.results_view.setModel(self.results)
        self.results_view.setItemDelegate(SnippetDelegate(self.results_view))
        self.results_view.setAccessibleName(self.tr("Search results"))
        self.checkin_editing = CheckinEditing(self.ctx, self, self.messages,
                                              lambda: self.checkin_rows.known,
                                              self._focus_left)
        self.empty = JournalEmptyState()
        self.left = QStackedWidget()
        for widget in (self.list_view, self.results_view, self.empty):
            self.left.addWidget(widget)
        self.count = hint("")
        self.count.setContentsMargins(12, 2, 0, 4)
        left_box = QWidget()
        left_layout = QVBoxLayout(left_box)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(0)
        left_layout.addWidget(self.left, 1)
        left_layout.addWidget(self.count)
        self.editor = EntryEditor()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left_box)
        self.splitter.addWidget(self.editor)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([380, 520])
        self.splitter.setChildrenCollapsible(False)
        self.new_button = QPushButton(icon("plus"), self.tr("New entry"))
        self.new_button.setToolTip(self.tr("Write a new entry (Ctrl+N)"))
        self.new_button.setAccessibleName(self.tr("New entry"))
        self.template_button = QPushButton(self.tr("From a template…"))
        self.template_button.setToolTip(self.tr("Start a new entry from a template "
                                                "(Ctrl+Shift+N)"))
        self.template_button.setAccessibleName(self.tr("New entry from a template"))
        self.day_picker = DayPicker(self)
        top = QHBoxLayout()
        top.addWidget(heading(self.tr(self.title)))
        top.addStretch(1)
        top.addWidget(self.template_button)
        top.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 12, 8)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.filters)
        layout.addWidget(self.messages)
        layout.addWidget(self.splitter, 1)

    def _connect(self) -> None:
        self.ctx.changes.changed.connect(self._on_changes)
        self.model.index_loaded.connect(self._listed)
        self.model.failed.connect(self.editing.show_failure)
        # Selecting opens (a click, the arrow keys); the cursor alone does not (focusing a
        # list puts it on the first row without selecting it).
        self.list_view.selectionModel().currentChanged.connect(self._list_current_changed)
        self.list_view.selectionModel().selectionChanged.connect(self._list_selection_changed)
        self.results_view.selectionModel().selectionChanged.connect(
            self._result_selection_changed)
        for view in (self.list_view, self.results_view):
            view.activated.connect(self._activated)
        self.results_view.clicked.connect(self._result_clicked)
        self.list_view.menu_requested.connect(self.checkin_rows.show_menu)
        self.empty.write_requested.connect(self.editing.new_entry)
        self.empty.import_requested.connect(self.editing.open_import)
        self.empty.clear_filters_requested.connect(self.filters.clear_filters)
        self.filters.search_changed.connect(self.searching.text_changed)
        self.filters.filters_changed.connect(self.apply_filters)
        self.filters.calendar_requested.connect(self.editing.open_calendar)
        self.filters.leave_search.connect(self.searching.focus_list)
        self.new_button.clicked.connect(self.editing.new_entry)
        self.template_button.clicked.connect(self.editing.choose_template)
        self.editor.save_requested.connect(self.editing.save)
        self.editor.trash_requested.connect(self.editing.trash_open_entry)
        self.editor.restore_requested.connect(self.editing.restore_open_entry)
        self.editor.star_toggled.connect(self.editing.star_toggled)
        self.editor.preview.link_clicked.connect(self.editing.link_clicked)
        self.day_picker.month_shown.connect(self.editing.month_shown)
        self.day_picker.day_picked.connect(self.editing.jump_to_day)

    def _add_shortcuts(self) -> None:
        page_keys: tuple[tuple[str, Callable[[], None]], ...] = (
            ("Ctrl+F", self.searching.focus_search), ("Ctrl+N", self.editing.new_entry),
            ("Ctrl+S", self.editing.save),
            ("Ctrl+D", self.editor.toggle_star), ("Ctrl+G", self.editing.open_calendar),
            ("Ctrl+P", self.editor.toggle_preview))
        for keys, slot in page_keys:
            shortcut = QShortcut(QKeySequence(keys), self)  # while the page is shown
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)
        for view in (self.list_view, self.results_view):
            delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), view)
            delete.setContext(Qt.ShortcutContext.WidgetShortcut)
            delete.activated.connect(self._delete_current)

    # -- loading and refreshing -------------------------------------------------------------

    def shown(self) -> None:
        if self.alive and not self.started:
            self.started = True
            self.model.reload(self.filters.index_query(self.zone()))
            self._load_tags()

    def waiting_on_timer(self) -> bool:
        """A refresh or a search is about to start (for tests and benchmarks)."""
        return self._refresh_timer.isActive() or self.filters.delay.isActive()

    def zone(self) -> tzinfo | None:
        return self.ctx.app.clock.now().tzinfo

    def _load_tags(self) -> None:
        self.ctx.runner.run(self.ctx.app.tags, self._tags_loaded, self.editing.show_failure)

    def _tags_loaded(self, tags: list[TagCount]) -> None:
        if self.alive:
            self.filters.set_tags(tags)
            self.editor.tags.set_known_tags([tag.name for tag in tags])

    def _on_changes(self, changes: Changes) -> None:
        if not (self.alive and self.started):
            return
        if changes.entries:
            ids = [ref.number for ref in changes.ids if ref.kind is Kind.ENTRY]
            self.model.invalidate(ids if ids or changes.ids else None)
            self._refresh_timer.start(0)  # several changes in a row: one refresh
        if changes.checkins and not self.model.query.trash:  # the day headers show them
            self._refresh_timer.start(0)
        if changes.tags:
            self._load_tags()

    def _refresh(self) -> None:
        if self.alive:
            self.model.reload()
            if self.searching.search_text:
                self.searching.start_search()

    def apply_filters(self) -> None:
        problem = self.filters.dates_problem()
        if problem:
            self.messages.show_error(problem)
            return
        query = self.filters.index_query(self.zone())
        if query.trash != self.model.query.trash:
            self.editing.autosave()
            self.editor.start_new()
            if query.trash:
                self.filters.search.setText("")
        self.model.reload(query)
        if self.searching.search_text:
            self.searching.start_search()

    def _listed(self) -> None:
        if self._reveal_when_listed is not None:
            self.select_entry(self._reveal_when_listed)
            self._reveal_when_listed = None
        elif not self.searching.search_text:
            self._follow_editor()
        if self._jump_when_listed is not None:
            day, self._jump_when_listed = self._jump_when_listed, None
            self.editing.jump_to_day(day)
        self.update_left()

    def update_left(self) -> None:
        """Show the list, the results, or why there is nothing: an empty journal says what it
        is for; a filter, a search or the trash that shows nothing says that."""
        first_use = filtered = False
        if self.searching.search_text:
            shown, rows = self.results_view, self.results.rowCount()
            empty = self.tr("Nothing found for “%1”.").replace("%1", self.searching.search_text)
            count = (self.tr("The %1 best matches").replace("%1", str(rows))
                     if rows >= SEARCH_LIMIT else self._counted(rows, "1 match", "%1 matches"))
        else:
            shown, rows = self.list_view, self.model.rowCount()
            if self.model.query.trash:
                empty = self.tr("The trash is empty.")
            elif self.filters.is_filtered():
                empty, filtered = self.tr("No entries match these filters."), True
            else:
                empty, first_use = "", True
            count = (self._counted(self.model.entry_count, "1 entry", "%1 entries")
                     if self.model.entry_count else
                     self.tr("Check-ins only so far; Ctrl+N writes an entry"))
        if rows == 0 and (self.model.loaded or self.searching.search_text):
            if first_use:
                self.empty.show_first_use()
            else:
                self.empty.show_reason(empty, clear_filters=filtered)
            self.left.setCurrentWidget(self.empty)
        else:
            if shown is self.list_view and self.left.currentWidget() is not shown:
                self._select_open_entry()  # back from search: the list follows the editor
            self.left.setCurrentWidget(shown)
        self.count.setText(count if rows else "")

    def _follow_editor(self) -> None:
        """After the ids changed: select what the editor shows (a new entry, once saved), or,
        when an entry was just moved to the trash, open the one the cursor moved to. Among
        the check-ins the list stays: on the chosen one (where it moved to, back after an
        Undo), or, when it was deleted, where the cursor went."""
        current = self.list_view.currentIndex()
        if self.checkin_rows.keep_cursor():
            self._open_cursor_when_listed = False
            return
        if self.editor.entry is not None:
            row = self.model.row_of(self.editor.entry.id)
            if row >= 0 and row != current.row():
                self.list_view.setCurrentIndex(self.model.index(row))
        elif self._open_cursor_when_listed and current.isValid() and not self.editor.dirty \
                and self.model.entry_id_at(current.row()) is not None:
            self.list_view.setCurrentIndex(current)  # selects it, which opens it
        self._open_cursor_when_listed = False

    def _select_open_entry(self) -> None:
        entry = self.editor.entry
        row = self.model.row_of(entry.id) if entry is not None else -1
        if row >= 0:
            self.list_view.setCurrentIndex(self.model.index(row))  # already open: no reload
        else:
            self.list_view.selectionModel().clearSelection()
            self.list_view.selectionModel().clearCurrentIndex()

    def _counted(self, count: int, one: str, many: str) -> str:
        return self.tr(one) if count == 1 else self.tr(many).replace("%1", f"{count:,}")

    # -- selection --------------------------------------------------------------------------

    def _list_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and self.model.is_header(current.row()):
            QTimer.singleShot(0, self._step_off_header)  # a day header: its first entry

    def _list_selection_changed(self) -> None:
        for index in self.list_view.selectionModel().selectedIndexes():
            if self.checkin_rows.chosen(index.row()):
                continue  # a check-in: chosen, not opened (the editor stays as it is)
            entry_id = self.model.entry_id_at(index.row())
            if entry_id is not None:
                self.open_entry(entry_id)

    def _step_off_header(self) -> None:
        index = self.list_view.currentIndex()
        if self.alive and index.isValid() and self.model.is_header(index.row()):
            # Headers can follow each other (days with check-ins and no entries).
            target = next_entry(self.model, index.row(), 1) or next_entry(
                self.model, index.row(), -1)
            if target is not None:
                self.list_view.setCurrentIndex(target)

    def _result_selection_changed(self) -> None:
        for index in self.results_view.selectionModel().selectedIndexes():
            hit = self.results.hit_at(index.row())
            if hit is not None:
                self.open_entry(hit.entry.id, hit.entry)

    def _result_clicked(self, index: QModelIndex) -> None:
        """A check-in's note matched: a click opens it to correct or delete (an entry opens
        in the editor on selection already)."""
        checkin = self.results.checkin_at(index.row())
        if checkin is not None:
            self.checkin_editing.edit(checkin)

    def _delete_current(self) -> None:
        """The Delete key in a list: the chosen (selected) row's check-in or entry, never a
        row the cursor merely rests on (after Tab, or after the row under it went)."""
        if self.left.currentWidget() is self.results_view:
            checkin = self.results.checkin_at(self.results_view.currentIndex().row())
            if checkin is not None:
                self.checkin_editing.delete(checkin)
                return
        else:
            current = self.list_view.currentIndex()
            if not self.list_view.selectionModel().isSelected(current) \
                    or self.checkin_rows.delete_at(current.row()):
                return
        self.editing.trash_current()

    def _activated(self, index: QModelIndex) -> None:
        """Enter (or a double click): open the entry and go to its text."""
        if index.model() is self.results and self.results.checkin_at(index.row()) is not None:
            self._result_clicked(index)
            return
        if index.model() is self.results:
            hit = self.results.hit_at(index.row())
            if hit is not None:
                self.open_entry(hit.entry.id, hit.entry)
        else:
            if self.checkin_rows.open_at(index.row()):
                return
            entry_id = self.model.entry_id_at(index.row())
            if entry_id is None:
                return
            self.open_entry(entry_id)
        self.editor.focus_text()

    def open_entry(self, entry_id: int, entry: Entry | None = None) -> None:
        if self.editor.entry is not None and self.editor.entry.id == entry_id:
            return
        self.editing.autosave()
        self._opening = entry_id
        entry = entry or self.model.cached_entry(entry_id)
        if entry is not None:
            self.editor.load(entry)
            return
        self.editor.show_opening()
        app = self.ctx.app
        self.ctx.runner.run(lambda: app.entry(entry_id, include_deleted=True),
                            self._entry_loaded, self._entry_failed)

    def _entry_loaded(self, entry: Entry) -> None:
        if self.alive and entry.id == self._opening and self.editor.opening:
            self.editor.load(entry)

    def _entry_failed(self, exc: BaseException) -> None:
        if self.alive and self.editor.opening:
            self.editor.start_new()
        self.editing.show_failure(exc)

    def select_entry(self, entry_id: int) -> None:
        row = self.model.row_of(entry_id)
        if row >= 0:
            self.list_view.setCurrentIndex(self.model.index(row))
            self.list_view.scrollTo(self.model.index(row))

    def current_entry_id(self) -> int | None:
        if self.left.currentWidget() is self.results_view:
            hit = self.results.hit_at(self.results_view.currentIndex().row())
            return hit.entry.id if hit is not None else None
        return self.model.entry_id_at(self.list_view.currentIndex().row())

    def focus_target(self) -> QWidget:
        """Where the page's work is: the list (or the search results); in an empty journal,
        its first step; when a filter or a search shows nothing, what clears it (or New)."""
        if self.left.currentWidget() is self.empty:
            return self.empty.focus_target() or self.new_button
        return self.left.currentWidget() or self.list_view

    def focus_work(self) -> None:
        # Not a focus proxy: Qt 6 moves a proxy in the Tab chain each time one is set, and
        # changing it as the pane changes split the chain, so Tab never left the sidebar.
        self.focus_target().setFocus(Qt.FocusReason.OtherFocusReason)

    def _focus_left(self) -> None:
        """Back to the list (or the results) after the check-in dialog closes."""
        shown = self.left.currentWidget()
        if shown is not None:
            shown.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- lock -------------------------------------------------------------------------------

    def teardown(self) -> None:
        if not self.alive:
            return
        self.editing.autosave(on_exit=True)
        self.alive = False
        self.attaching.teardown()
        self.checkin_editing.close()
        for dialog in self.findChildren(DataDialog):
            dialog.dismiss()
        for menu in self.list_view.findChildren(QMenu):
            menu.close()
        self._refresh_timer.stop()
        self.day_picker.wipe()
        self.model.clear()
        self.delegate.forget()
        self.results.clear()
        self.editor.wipe()
        self.filters.wipe()
        self.messages.wipe()
        self.searching.search_text = ""
        self.empty.wipe()
        self.count.setText("")
