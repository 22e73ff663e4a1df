"""The journal page, driven through its widgets with the real task runner (offscreen)."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QFont, QTextCursor
from PySide6.QtWidgets import QAbstractItemView, QApplication

from companion.models import CheckInDraft, EntryDraft
from tests.gui.conftest import visible_texts
from tests.gui.journal_helpers import (  # noqa: F401 - the page fixtures
    SqlRecorder,
    add_sample_entries,
    at,
    click_row,
    journal_pages_fixture,
    make_page_fixture,
    sql_fixture,
    vault,
    wait_for_tasks_fixture,
)
from ui.models.journal_list import JournalRoles
from ui.models.search_results import SearchRoles
from ui.pages.journal import JournalPage
from ui.widgets.journal_filters import SEARCH_DELAY_MS
from ui.widgets.snippet_delegate import snippet_document

CTRL = Qt.KeyboardModifier.ControlModifier


def row_of(page, entry_id):
    return page.model.row_of(entry_id)


def type_into(qtbot, widget, text):
    widget.setFocus()
    for number, line in enumerate(text.split("\n")):  # QTest types no "\n": press Return
        if number:
            qtbot.keyClick(widget, Qt.Key.Key_Return)
        qtbot.keyClicks(widget, line)


def replace_text(qtbot, widget, text):
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(widget, text)


def test_write_a_new_entry_with_the_keyboard(qtbot, ctx, make_page, wait_for_tasks, sql):
    page, _ = make_page(sample=False)
    assert page.empty.isVisible() and page.empty.first_use
    page.list_view.setFocus()
    qtbot.keyClick(page.list_view, Qt.Key.Key_N, CTRL)
    editor = page.editor
    assert editor.title.hasFocus() and editor.entry is None
    qtbot.keyClicks(editor.title, "Rainy Saturday")
    type_into(qtbot, editor.body, "Walked by the **river**.\nHerons!")
    type_into(qtbot, editor.tags, "walk, #outdoors")
    editor.mood.setFocus()
    editor.mood.setCurrentIndex(editor.mood.findData(4))
    qtbot.keyClick(editor.body, Qt.Key.Key_D, CTRL)  # star
    assert editor.star.isChecked() and editor.dirty
    qtbot.keyClick(editor.body, Qt.Key.Key_S, CTRL)
    wait_for_tasks()
    assert not editor.dirty and editor.entry is not None
    saved = vault(ctx, sql, editor.entry.id)
    assert (saved.title, saved.body, saved.tags, saved.mood, saved.starred) == (
        "Rainy Saturday", "Walked by the **river**.\nHerons!", ("outdoors", "walk"), 4, True)
    assert saved.created == ctx.app.clock.now()
    assert page.model.entry_count == 1  # listed, and selected
    assert page.list_view.currentIndex().data(JournalRoles.ENTRY_ID) == saved.id
    assert page.editor.status.text() == "Saved"
    assert sql.on_workers and sql.on_gui_thread == []


def test_edit_title_and_text_of_an_entry_and_save(qtbot, ctx, make_page, wait_for_tasks, sql):
    page, ids = make_page()
    click_row(qtbot, page.list_view, row_of(page, ids["work"]), wait_for_tasks)
    wait_for_tasks()
    editor = page.editor
    assert editor.title.text() == "Long day"
    replace_text(qtbot, editor.title, "A shorter day")
    editor.body.setFocus()
    editor.body.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(editor.body, " Then tea.")
    assert editor.save_button.isEnabled()
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    wait_for_tasks()
    saved = vault(ctx, sql, ids["work"])
    assert (saved.title, saved.body) == (
        "A shorter day", "Worked on the report until late. Then tea.")
    qtbot.waitUntil(  # the row is fetched again once the list repaints it
        lambda: page.model.index(row_of(page, ids["work"])).data() == "A shorter day")
    assert sql.on_gui_thread == []


def test_opening_another_entry_saves_the_edits_first(qtbot, ctx, make_page, wait_for_tasks,
                                                     sql):
    page, ids = make_page()
    click_row(qtbot, page.list_view, row_of(page, ids["work"]), wait_for_tasks)
    wait_for_tasks()  # it may have to come from the vault first
    type_into(qtbot, page.editor.body, "Unsaved words. ")
    click_row(qtbot, page.list_view, row_of(page, ids["tea"]), wait_for_tasks)
    wait_for_tasks()
    assert page.editor.title.text() == "Tea with Priya" and not page.editor.dirty
    assert vault(ctx, sql, ids["work"]).body.startswith("Unsaved words. ")


def test_typing_waits_until_an_opened_entry_arrives(qtbot, ctx, make_page, wait_for_tasks,
                                                    sql):
    page, ids = make_page()
    page.model.invalidate(None)  # nothing cached: opening has to ask the vault
    click_row(qtbot, page.list_view, row_of(page, ids["work"]))
    editor = page.editor
    assert editor.opening and editor.body.isReadOnly() and editor.when.text() == "Opening…"
    qtbot.keyClicks(editor.body, "lost?")  # read-only: cannot land in a wrong draft
    wait_for_tasks()
    assert not editor.opening and editor.title.text() == "Long day" and not editor.dirty
    with sql.paused():
        assert len(ctx.app.journal.browse()) == 5  # no stray new entry
        assert ctx.app.journal.get(ids["work"]).body == "Worked on the report until late."


def test_enter_in_the_list_opens_the_entry_in_the_editor(qtbot, make_page, wait_for_tasks):
    page, ids = make_page()
    page.list_view.setFocus()  # the first row is a day header: the cursor starts below it
    assert page.list_view.currentIndex().row() == 1
    assert page.editor.entry is None  # focusing the list opens nothing by itself
    qtbot.keyClick(page.list_view, Qt.Key.Key_Down)
    qtbot.keyClick(page.list_view, Qt.Key.Key_Down)  # over the next header, to the 12th
    assert page.list_view.currentIndex().data(JournalRoles.ENTRY_ID) == ids["tea"]
    qtbot.keyClick(page.list_view, Qt.Key.Key_Up)
    qtbot.keyClick(page.list_view, Qt.Key.Key_Return)
    wait_for_tasks()
    assert page.editor.title.text() == "River walk"
    assert page.editor.body.hasFocus()


@pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard")  # the popup
def test_tags_complete_from_the_journal(qtbot, ctx, make_page, wait_for_tasks, sql):
    page, _ = make_page()
    qtbot.keyClick(page.list_view, Qt.Key.Key_N, CTRL)
    qtbot.keyClicks(page.editor.title, "Garden")
    tags = page.editor.tags
    type_into(qtbot, tags, "friends, ou")
    popup = tags.completer_.popup()
    assert popup.isVisible()
    assert tags.completer_.currentCompletion() == "outdoors"
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert tags.text() == "friends, outdoors, "
    qtbot.keyClicks(tags, "fr")  # already there: not suggested again
    assert tags.completer_.completionCount() == 0
    qtbot.keyClick(tags, Qt.Key.Key_S, CTRL)
    wait_for_tasks()
    assert vault(ctx, sql, page.editor.entry.id).tags == ("fr", "friends", "outdoors")


def test_star_is_saved_at_once(qtbot, ctx, make_page, wait_for_tasks, sql):
    page, ids = make_page()
    click_row(qtbot, page.list_view, row_of(page, ids["herons"]), wait_for_tasks)
    qtbot.keyClick(page.list_view, Qt.Key.Key_D, CTRL)
    wait_for_tasks()
    assert vault(ctx, sql, ids["herons"]).starred and not page.editor.dirty
    qtbot.mouseClick(page.editor.star, Qt.MouseButton.LeftButton)
    wait_for_tasks()
    assert not vault(ctx, sql, ids["herons"]).starred
    assert page.model.cached_entry(ids["herons"]) is None or \
        not page.model.cached_entry(ids["herons"]).starred


def test_delete_moves_to_the_trash_and_restore_brings_it_back(qtbot, ctx, make_page,
                                                              wait_for_tasks, sql):
    page, ids = make_page()
    click_row(qtbot, page.list_view, row_of(page, ids["tea"]), wait_for_tasks)
    page.list_view.setFocus()
    qtbot.keyClick(page.list_view, Qt.Key.Key_Delete)
    wait_for_tasks()
    assert vault(ctx, sql, ids["tea"]).deleted is not None
    assert row_of(page, ids["tea"]) == -1 and page.model.entry_count == 4
    wait_for_tasks()
    neighbour = page.editor.entry  # the entry next to it is open and selected
    assert neighbour is not None and neighbour.id in (ids["herons"], ids["untitled"])
    assert page.list_view.currentIndex().data(JournalRoles.ENTRY_ID) == neighbour.id
    assert page.list_view.selectionModel().isSelected(page.list_view.currentIndex())
    assert page.messages.isVisible() and page.messages.text.text() == "Moved to the trash."
    assert page.messages.action.text() == "Restore"
    qtbot.mouseClick(page.messages.action, Qt.MouseButton.LeftButton)
    wait_for_tasks()
    assert vault(ctx, sql, ids["tea"]).deleted is None
    assert page.list_view.currentIndex().data(JournalRoles.ENTRY_ID) == ids["tea"]
    assert page.editor.title.text() == "Tea with Priya"
    assert sql.on_gui_thread == []


def test_the_trash_lists_deleted_entries_read_only_with_restore(qtbot, ctx, make_page,
                                                                 wait_for_tasks, sql):
    page, ids = make_page()
    click_row(qtbot, page.list_view, row_of(page, ids["work"]), wait_for_tasks)
    qtbot.mouseClick(page.editor.trash_button, Qt.MouseButton.LeftButton)
    wait_for_tasks()
    qtbot.mouseClick(page.filters.trash, Qt.MouseButton.LeftButton)
    wait_for_tasks()
    assert page.model.entry_count == 1 and not page.filters.search.isEnabled()
    click_row(qtbot, page.list_view, 1, wait_for_tasks)
    wait_for_tasks()
    editor = page.editor
    assert editor.title.text() == "Long day" and editor.title.isReadOnly()
    assert editor.restore_button.isVisible() and not editor.save_button.isVisible()
    qtbot.keyClick(page.list_view, Qt.Key.Key_Delete)  # already in the trash: nothing
    qtbot.mouseClick(editor.restore_button, Qt.MouseButton.LeftButton)
    wait_for_tasks()
    assert vault(ctx, sql, ids["work"]).deleted is None
    assert page.model.entry_count == 0 and page.empty.text() == "The trash is empty."


def test_search_waits_for_a_pause_then_shows_highlighted_passages(qtbot, ctx, make_page,
                                                                   wait_for_tasks, sql):
    page, ids = make_page()
    with sql.paused():
        ctx.app.add_entry(EntryDraft(title="Odd", body="a <i>tag</i> & herons", at=at(1, 5)))
    qtbot.keyClick(page.list_view, Qt.Key.Key_F, CTRL)
    assert page.filters.search.hasFocus()
    qtbot.keyClicks(page.filters.search, "heron")
    assert page.filters.delay.isActive() and ctx.runner.pending == 0  # not yet: debounced
    qtbot.waitUntil(lambda: page.results.rowCount() == 3, timeout=SEARCH_DELAY_MS + 5000)
    wait_for_tasks()
    assert page.left.currentWidget() is page.results_view
    found = {page.results.index(r).data(SearchRoles.ENTRY_ID) for r in range(3)}
    assert ids["herons"] in found and ids["old"] in found
    htmls = [page.results.index(r).data(SearchRoles.SNIPPET_HTML) for r in range(3)]
    assert any("<b>herons</b>" in html for html in htmls)
    odd = next(html for html in htmls if "tag" in html)
    assert "&lt;i&gt;tag&lt;/i&gt; &amp; <b>herons</b>" in odd  # the user's text, escaped
    document = snippet_document(odd, QFont(), 400, page.palette(), False)
    assert document.toPlainText() == "a <i>tag</i> & herons"
    cursor = document.find("herons")
    assert cursor.charFormat().fontWeight() >= QFont.Weight.Bold
    assert cursor.charFormat().background().color().isValid()
    assert page.count.text() == "3 matches"
    qtbot.keyClick(page.filters.search, Qt.Key.Key_Down)  # to the results
    assert page.results_view.hasFocus()
    wait_for_tasks()
    assert page.editor.entry is not None and page.editor.entry.id in found
    page.filters.search.setFocus()
    qtbot.keyClick(page.filters.search, Qt.Key.Key_Escape)  # back to the day list
    assert page.left.currentWidget() is page.list_view and page.results.rowCount() == 0
    qtbot.keyClicks(page.filters.search, "zebra")
    qtbot.keyClick(page.filters.search, Qt.Key.Key_Return)  # at once
    wait_for_tasks()
    assert page.empty.isVisible() and page.empty.text() == "Nothing found for “zebra”."
    assert sql.on_gui_thread == []


def test_filter_by_tag_and_dates(qtbot, ctx, make_page, wait_for_tasks, sql):
    page, ids = make_page()
    filters = page.filters
    assert [filters.tag.itemData(i) for i in range(filters.tag.count())] == [
        None, "friends", "outdoors", "walk", "work"]
    filters.tag.setCurrentIndex(filters.tag.findData("work"))
    wait_for_tasks()
    listed = {page.model.entry_id_at(r) for r in range(page.model.rowCount())} - {None}
    assert listed == {ids["work"], ids["old"]}
    qtbot.mouseClick(filters.from_check, Qt.MouseButton.LeftButton)
    filters.from_date.setDate(QDate(2026, 3, 1))
    wait_for_tasks()
    listed = {page.model.entry_id_at(r) for r in range(page.model.rowCount())} - {None}
    assert listed == {ids["work"]}
    filters.tag.setCurrentIndex(0)
    filters.to_check.setChecked(True)
    filters.to_date.setDate(QDate(2026, 3, 12))  # the whole of the 12th
    wait_for_tasks()
    listed = {page.model.entry_id_at(r) for r in range(page.model.rowCount())} - {None}
    assert listed == {ids["tea"], ids["untitled"]}
    filters.search.setText("herons")  # search honours the dates too: no hit in that period
    page.searching.search_now()
    wait_for_tasks()
    assert page.empty.text() == "Nothing found for “herons”."
    filters.to_date.setDate(QDate(2026, 2, 1))  # before "from": said, not applied
    assert page.messages.isVisible() and "before" in page.messages.text.text()
    assert sql.on_gui_thread == []


def test_calendar_jumps_to_a_day_and_marks_days_with_entries(qtbot, ctx, make_page,
                                                              wait_for_tasks, sql):
    page, ids = make_page()
    qtbot.keyClick(page.list_view, Qt.Key.Key_G, CTRL)
    picker = page.day_picker
    assert picker.isVisible()
    wait_for_tasks()
    assert picker.marked == {date(2026, 3, 14), date(2026, 3, 12), date(2026, 3, 10)}
    bold = picker.calendar.dateTextFormat(QDate(2026, 3, 12)).fontWeight()
    assert bold == QFont.Weight.Bold
    picker.calendar.setCurrentPage(2026, 2)  # another month: asked for in the background
    wait_for_tasks()
    assert picker.marked == {date(2026, 2, 20)}
    picker.calendar.setSelectedDate(QDate(2026, 3, 12))
    qtbot.keyClick(picker.calendar.findChild(QAbstractItemView), Qt.Key.Key_Return)
    wait_for_tasks()
    assert not picker.isVisible()
    assert page.list_view.currentIndex().data(JournalRoles.ENTRY_ID) == ids["tea"]
    assert page.editor.title.text() == "Tea with Priya"
    page.editing.jump_to_day(date(2026, 3, 11))  # no entries: the closest day before
    assert page.list_view.currentIndex().data(JournalRoles.ENTRY_ID) == ids["untitled"]
    assert page.messages.isVisible()
    assert sql.on_gui_thread == []


def test_markdown_preview_renders_and_never_opens_links(qtbot, make_page, wait_for_tasks):
    page, ids = make_page()
    click_row(qtbot, page.list_view, row_of(page, ids["untitled"]), wait_for_tasks)
    wait_for_tasks()
    editor = page.editor
    editor.body.moveCursor(QTextCursor.MoveOperation.End)
    type_into(qtbot, editor.body, "\n\n[a link](https://example.org)")
    qtbot.keyClick(editor.body, Qt.Key.Key_P, CTRL)
    assert editor.preview.isVisible() and not editor.body.isVisible()
    rendered = editor.preview.toPlainText()
    assert "Quiet evening" in rendered and "#" not in rendered and "*Good.*" not in rendered
    assert editor.preview.openLinks() is False and editor.preview.openExternalLinks() is False
    editor.preview.anchorClicked.emit("https://example.org")
    assert page.messages.isVisible() and "not opened" in page.messages.text.text()
    qtbot.keyClick(editor.preview, Qt.Key.Key_P, CTRL)
    assert editor.body.isVisible() and editor.preview.toPlainText() == ""


def test_a_user_error_is_a_sentence_in_the_page(qtbot, make_page, wait_for_tasks):
    page, _ = make_page()
    qtbot.keyClick(page.list_view, Qt.Key.Key_N, CTRL)
    type_into(qtbot, page.editor.tags, "zz-tags-only")
    qtbot.keyClick(page.editor.tags, Qt.Key.Key_S, CTRL)
    wait_for_tasks()
    assert page.messages.isVisible()
    assert page.messages.text.text() == "An entry needs a title or some text."
    assert page.editor.dirty and page.editor.entry is None


def test_teardown_leaves_no_entry_text_anywhere(qtbot, ctx, make_page, wait_for_tasks, sql):
    page, ids = make_page()
    click_row(qtbot, page.list_view, row_of(page, ids["herons"]), wait_for_tasks)
    wait_for_tasks()
    type_into(qtbot, page.editor.body, "Canary kingfisher. ")
    page.editor.set_preview(True)
    page.filters.search.setText("herons")
    page.searching.search_now()
    wait_for_tasks()
    page.editing.open_calendar()
    wait_for_tasks()
    secrets = ("River walk", "herons", "Long day", "Tea with Priya", "Quiet evening",
               "Winter", "kingfisher", "outdoors", "friends")
    assert any(s in text for text in visible_texts(page) for s in secrets)
    page.teardown()
    wait_for_tasks()
    leftovers = [text for text in visible_texts(page) for s in secrets if s in text]
    assert leftovers == []
    assert page.model.rowCount() == 0 and page.results.rowCount() == 0
    assert page.editor.tags.suggestions.stringList() == []
    assert not page.editor.body.document().isUndoAvailable()
    assert not page.editor.title.isUndoAvailable()
    assert page.day_picker.marked == set() and not page.day_picker.isVisible()
    # What was typed before the lock was saved, not lost.
    assert vault(ctx, sql, ids["herons"]).body.startswith("Canary kingfisher. ")
    assert sql.on_gui_thread == []


def test_ctrl_2_shows_the_journal_in_the_main_window(qtbot, window, wait_for_tasks):
    from ui.pages.journal import JournalPage as Journal

    window.app.add_entry(EntryDraft(title="From the window", at=at(3, 14, 8)))
    qtbot.keyClick(window.workspace.sidebar, Qt.Key.Key_2, CTRL)
    page = window.workspace.stack.currentWidget()
    assert isinstance(page, Journal) and page.isVisible()
    wait_for_tasks()
    qtbot.waitUntil(lambda: page.model.index(1).data() == "From the window")
    window.lock()
    wait_for_tasks()
    assert "From the window" not in visible_texts()



def test_a_renamed_tag_shows_everywhere(qtbot, ctx, make_page, wait_for_tasks, sql):
    page, ids = make_page()
    for row in range(page.model.rowCount()):
        page.model.index(row).data(JournalRoles.ENTRY)
    wait_for_tasks()
    ctx.runner.run(lambda: ctx.app.rename_tag("work", "job"))
    qtbot.waitUntil(lambda: getattr(page.model.index(page.model.row_of(ids["old"])).data(
        JournalRoles.ENTRY), "tags", None) == ("job", "outdoors"))  # fetched again
    wait_for_tasks()
    tags = page.filters.tag
    assert [tags.itemData(i) for i in range(tags.count())] == [
        None, "friends", "job", "outdoors", "walk"]
    assert "job" in page.editor.tags.known
    assert sql.on_gui_thread == []


def test_leaving_search_selects_the_open_entry_in_the_list(qtbot, make_page, wait_for_tasks):
    page, ids = make_page()
    click_row(qtbot, page.list_view, row_of(page, ids["work"]), wait_for_tasks)
    page.filters.search.setText("balcony")
    page.searching.search_now()
    wait_for_tasks()
    click_row(qtbot, page.results_view, 0, wait_for_tasks)
    assert page.editor.entry.id == ids["old"]
    page.filters.search.setText("")
    assert page.left.currentWidget() is page.list_view
    assert page.list_view.currentIndex().data(JournalRoles.ENTRY_ID) == ids["old"]
    assert page.editor.entry.id == ids["old"]


# -- check-ins on the day headers ---------------------------------------------------------


def headers(page):
    """(day, tooltip) of every day header."""
    model = page.model
    return [(model.index(row).data(JournalRoles.DAY),
             model.index(row).data(Qt.ItemDataRole.ToolTipRole))
            for row in range(model.rowCount()) if model.is_header(row)]


def test_teardown_leaves_no_check_in_text_anywhere(qtbot, ctx, make_page, wait_for_tasks,
                                                   sql):
    with sql.paused():
        ctx.app.add_checkin(CheckInDraft(mood=2, emotions=("lonely", "wistful"),
                                         at=at(3, 13, 21, 40)))
    page, _ids = make_page()
    secrets = ("Check-ins", "lonely", "wistful", "21:40")
    assert any(s in text for text in visible_texts(page) for s in secrets)
    page.teardown()
    wait_for_tasks()
    assert [text for text in visible_texts(page) for s in secrets if s in text] == []
    assert page.model.rowCount() == 0
    assert sql.on_gui_thread == []


def test_a_check_in_from_today_shows_in_the_journal(qtbot, window, wait_for_tasks):
    workspace = window.workspace
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_2, CTRL)  # the journal first: it refreshes on the change
    journal = workspace.stack.currentWidget()
    assert isinstance(journal, JournalPage)
    wait_for_tasks()
    assert journal.model.rowCount() == 0 and journal.empty.isVisible()
    assert journal.empty.first_use
    qtbot.keyClick(window, Qt.Key.Key_1, CTRL)
    today = workspace.stack.currentWidget()
    wait_for_tasks()
    focus = QApplication.focusWidget()
    assert focus is not None and today.isAncestorOf(focus)
    qtbot.keyClick(focus, Qt.Key.Key_4)
    qtbot.keyClick(focus, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: today.today_model.rowCount() == 1)
    qtbot.keyClick(window, Qt.Key.Key_2, CTRL)
    wait_for_tasks()
    assert workspace.stack.currentWidget() is journal
    assert headers(journal) == [(date(2026, 3, 14), None)]  # the check-in has its own row
    assert journal.model.index(1).data(Qt.ItemDataRole.AccessibleTextRole) == \
        "Check-in at 09:30: good"
    assert journal.left.currentWidget() is journal.list_view  # a day, though no entries
    assert not journal.empty.isVisible()
    window.lock()
    wait_for_tasks()
    assert not any("Check-in" in text for text in visible_texts())


def test_search_finds_check_in_notes_and_opens_them_to_correct(qtbot, ctx, make_page,
                                                               wait_for_tasks, sql):
    """Issue 17: a word from any check-in note is found in the app, shown with its face, and
    a click opens the check-in to correct or delete it (with Undo)."""
    page, ids = make_page()
    with sql.paused():
        checkin = ctx.app.add_checkin(CheckInDraft(mood=2, note="saw herons & <felt> calm",
                                                   at=at(1, 6)))
    page.filters.search.setFocus()
    qtbot.keyClicks(page.filters.search, "herons")
    qtbot.keyClick(page.filters.search, Qt.Key.Key_Return)
    wait_for_tasks()
    rows = range(page.results.rowCount())
    kinds = [(page.results.index(r).data(SearchRoles.ENTRY_ID),
              page.results.index(r).data(SearchRoles.CHECKIN)) for r in rows]
    row = next(r for r, (_entry, found) in zip(rows, kinds, strict=True) if found is not None)
    index = page.results.index(row)
    assert index.data(SearchRoles.CHECKIN).id == checkin.id
    assert index.data(Qt.ItemDataRole.DisplayRole) == "Check-in · Low"
    assert "&lt;felt&gt;" in index.data(SearchRoles.SNIPPET_HTML)  # the note, escaped
    assert "<b>herons</b>" in index.data(SearchRoles.SNIPPET_HTML)
    assert any(entry == ids["herons"] for entry, _ in kinds)
    page.results_view.scrollTo(index)
    qtbot.mouseClick(page.results_view.viewport(), Qt.MouseButton.LeftButton,
                     pos=page.results_view.visualRect(index).center())
    dialog = page.checkin_editing.dialog
    assert dialog is not None and dialog.note.toPlainText() == "saw herons & <felt> calm"
    dialog.mood.setValue(4)
    dialog.accept()
    wait_for_tasks()
    with sql.paused():
        assert ctx.app.checkins.get(checkin.id).mood == 4
    assert page.messages.text.text() == "Check-in changed."
    # Delete from the results, by key: the results follow, and Undo brings it back.
    page.results_view.setFocus()
    qtbot.waitUntil(lambda: any(page.results.checkin_at(r) is not None
                                for r in range(page.results.rowCount())))
    row = next(r for r in range(page.results.rowCount())
               if page.results.checkin_at(r) is not None)
    page.results_view.setCurrentIndex(page.results.index(row))
    page.window().activateWindow()  # shortcuts need the active window, even offscreen
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page.window())
    page.results_view.setFocus()
    qtbot.keyClick(page.results_view, Qt.Key.Key_Delete)
    wait_for_tasks()
    with sql.paused():
        assert ctx.app.checkins.browse() == []
    qtbot.waitUntil(lambda: all(page.results.checkin_at(r) is None
                                for r in range(page.results.rowCount())))
    page.messages.action.click()  # Undo
    wait_for_tasks()
    with sql.paused():
        assert [c.id for c in ctx.app.checkins.browse()] == [checkin.id]
    assert sql.on_gui_thread == []


def test_the_filters_take_two_rows_when_one_would_squash_them(qtbot, make_page,
                                                               wait_for_tasks):
    """At 800×600 the search box had shrunk to "S…" beside the tag and date filters."""
    page, _ids = make_page()
    filters = page.filters
    page.resize(620, 560)
    qtbot.waitUntil(lambda: filters.from_date.y() > filters.search.y() + 10)
    assert filters.search.width() >= filters.search.sizeHint().width()
    for edit in (filters.from_date, filters.to_date):
        assert edit.width() >= edit.sizeHint().width()
    page.resize(1400, 700)
    qtbot.waitUntil(lambda: abs(filters.from_date.y() - filters.search.y()) < 10)
    assert filters.trash.x() > filters.to_date.x() > filters.search.x()
