"""Issue 17, items 1 and 7 on the Journal: check-ins have rows of their own (face, words,
note) that open, edit and delete with Undo, reached by the keyboard like entries, without
touching what the editor holds; and an empty journal says what it is for and offers the
first entry, while a filter that finds nothing says just that."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication

from companion.models import CheckInDraft
from tests.gui.journal_helpers import (  # noqa: F401 - the page fixtures
    at,
    click_row,
    journal_pages_fixture,
    make_page_fixture,
    sql_fixture,
    wait_for_tasks_fixture,
)
from ui.dialogs.import_dialog import ImportDialog
from ui.models.journal_list import JournalRoles

ACCESSIBLE = Qt.ItemDataRole.AccessibleTextRole
CTRL = Qt.KeyboardModifier.ControlModifier


def add_checkins(ctx, sql):
    """A check-in on the 14th (a day with entries) and one on the 13th (a day without)."""
    with sql.paused():
        walk = ctx.app.add_checkin(CheckInDraft(
            mood=4, energy=4, emotions=("calm",), activities=("walk",),
            note="Saw the herons again", at=at(3, 14, 8, 15)))
        alone = ctx.app.add_checkin(CheckInDraft(mood=2, emotions=("lonely",),
                                                 at=at(3, 13, 21, 40)))
    return walk, alone


def stored(ctx, sql, checkin_id):
    with sql.paused():
        return [c for c in ctx.app.checkins.browse() if c.id == checkin_id]


def focus_list(qtbot, page):
    page.window().activateWindow()  # shortcuts need the active window, even offscreen
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page.window())
    page.list_view.setFocus()


def test_check_ins_have_rows_with_their_face_words_and_note(qtbot, ctx, make_page,
                                                            wait_for_tasks, sql):
    walk, alone = add_checkins(ctx, sql)
    page, _ids = make_page()
    model = page.model
    row = model.row_of_checkin(walk.id)
    assert model.is_header(row - 1)  # first under its day's header, before the entries
    assert model.index(row).data(ACCESSIBLE) == (
        "Check-in at 08:15: good; energy lively; felt calm; did walk; "
        "note: Saw the herons again")
    alone_row = model.row_of_checkin(alone.id)
    assert model.index(alone_row - 1).data(JournalRoles.DAY) == date(2026, 3, 13)
    assert page.count.text() == "5 entries"
    # A check-in made now (from Today, or the command line) comes in; a deleted one goes.
    app = ctx.app
    ctx.runner.run(lambda: app.add_checkin(CheckInDraft(mood=5, note="Coffee")))
    wait_for_tasks()
    assert model.index(1).data(ACCESSIBLE) == "Check-in at 09:30: great; note: Coffee"
    ctx.runner.run(lambda: app.delete(alone.ref))
    wait_for_tasks()
    assert model.row_of_checkin(alone.id) == -1
    assert date(2026, 3, 13) not in [model.index(r).data(JournalRoles.DAY)
                                     for r in range(model.rowCount())]
    assert sql.on_gui_thread == []


def test_a_double_click_edits_a_check_in_and_leaves_the_editor_as_it_was(
        qtbot, ctx, make_page, wait_for_tasks, sql):
    walk, _alone = add_checkins(ctx, sql)
    page, ids = make_page()
    view, model = page.list_view, page.model
    click_row(qtbot, view, model.row_of(ids["herons"]), wait_for_tasks)
    page.editor.body.setFocus()
    page.editor.body.moveCursor(page.editor.body.textCursor().MoveOperation.End)
    qtbot.keyClicks(page.editor.body, " Not saved yet.")
    assert page.editor.dirty
    row = model.row_of_checkin(walk.id)
    click_row(qtbot, view, row)  # selecting a check-in opens nothing …
    assert view.currentIndex().row() == row and page.checkin_editing.dialog is None
    rect = view.visualRect(model.index(row))
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    wait_for_tasks()  # … a double click opens it, once it has come from the vault
    dialog = page.checkin_editing.dialog
    assert dialog is not None and dialog.note.toPlainText() == "Saw the herons again"
    assert dialog.mood.value() == 4 and list(dialog.emotions.selected()) == ["calm"]
    dialog.mood.setValue(5)
    dialog.note.setPlainText("Saw the herons again, and a kingfisher")
    dialog.accept()
    wait_for_tasks()
    (saved,) = stored(ctx, sql, walk.id)
    assert (saved.mood, saved.note) == (5, "Saw the herons again, and a kingfisher")
    assert page.messages.text.text() == "Check-in changed."
    row = model.row_of_checkin(walk.id)
    assert model.index(row).data(ACCESSIBLE).startswith("Check-in at 08:15: great;")
    assert view.currentIndex().row() == row  # the list stayed on the check-in
    # The editor kept the entry and what was typed, unsaved.
    assert page.editor.entry is not None and page.editor.entry.id == ids["herons"]
    assert page.editor.dirty and page.editor.body.toPlainText().endswith("Not saved yet.")
    page.messages.action.click()  # Undo
    wait_for_tasks()
    (back,) = stored(ctx, sql, walk.id)
    assert (back.mood, back.note) == (4, "Saw the herons again")
    assert model.index(row).data(ACCESSIBLE).startswith("Check-in at 08:15: good;")
    assert page.editor.dirty
    assert sql.on_gui_thread == []


def test_the_delete_key_deletes_a_check_in_and_undo_brings_it_back(qtbot, ctx, make_page,
                                                                   wait_for_tasks, sql):
    walk, _alone = add_checkins(ctx, sql)
    page, ids = make_page()
    view, model = page.list_view, page.model
    click_row(qtbot, view, model.row_of(ids["herons"]), wait_for_tasks)
    assert page.editor.entry.id == ids["herons"]
    view.setCurrentIndex(model.index(model.row_of_checkin(walk.id)))
    focus_list(qtbot, page)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    wait_for_tasks()
    assert stored(ctx, sql, walk.id) == []
    assert model.row_of_checkin(walk.id) == -1
    assert page.messages.text.text() == "Check-in deleted."
    assert page.messages.action.text() == "Undo"
    with sql.paused():  # no entry was touched, and the editor shows what it showed
        assert all(entry.deleted is None for entry in ctx.app.journal.browse())
    assert page.editor.entry.id == ids["herons"]
    # The cursor stepped to the next row without choosing it: a second Delete takes nothing.
    assert view.currentIndex().data(JournalRoles.ENTRY_ID) == ids["work"]
    assert view.selectionModel().selectedIndexes() == []
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    wait_for_tasks()
    with sql.paused():
        assert all(entry.deleted is None for entry in ctx.app.journal.browse())
    page.messages.action.click()  # Undo: the check-in is back, and chosen again
    wait_for_tasks()
    assert [c.id for c in stored(ctx, sql, walk.id)] == [walk.id]
    assert model.row_of_checkin(walk.id) == 1
    assert view.currentIndex().data(JournalRoles.CHECKIN_ID) == walk.id
    assert page.messages.text.text() == "Check-in restored."
    assert page.editor.entry.id == ids["herons"]
    assert sql.on_gui_thread == []


def test_the_keyboard_reaches_check_in_rows_and_their_menu(qtbot, ctx, make_page,
                                                           wait_for_tasks, sql):
    _walk, alone = add_checkins(ctx, sql)
    page, ids = make_page()
    view, model = page.list_view, page.model
    focus_list(qtbot, page)
    click_row(qtbot, view, model.row_of(ids["herons"]), wait_for_tasks)  # last of the 14th
    steps = []
    for _ in range(3):
        qtbot.keyClick(view, Qt.Key.Key_Down)
        wait_for_tasks()
        index = view.currentIndex()
        steps.append(index.data(JournalRoles.CHECKIN_ID) or index.data(JournalRoles.ENTRY_ID))
    assert steps == [alone.id, ids["tea"], ids["untitled"]]  # over the headers
    qtbot.keyClick(view, Qt.Key.Key_Up)
    qtbot.keyClick(view, Qt.Key.Key_Up)
    wait_for_tasks()
    assert view.currentIndex().data(JournalRoles.CHECKIN_ID) == alone.id
    assert page.editor.title.text() == "Tea with Priya"  # a check-in leaves the editor be
    # The menu key (or Shift+F10) on the check-in: Edit, Delete.
    event = QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, QPoint(0, 0),
                              view.mapToGlobal(QPoint(0, 0)))
    QApplication.sendEvent(view, event)
    menu = page.checkin_rows.menu
    assert menu is not None
    assert [action.text() for action in menu.actions()] == ["Edit check-in…",
                                                            "Delete check-in"]
    menu.actions()[0].trigger()
    menu.close()
    wait_for_tasks()
    dialog = page.checkin_editing.dialog
    assert dialog is not None and dialog.checkin.id == alone.id
    dialog.reject()
    qtbot.waitUntil(lambda: page.checkin_editing.dialog is None)
    assert page.window().focusWidget() is view  # back where the person was
    # Enter opens it too; an entry's row has no menu.
    qtbot.keyClick(view, Qt.Key.Key_Return)
    wait_for_tasks()
    assert page.checkin_editing.dialog is not None
    page.checkin_editing.dialog.reject()
    qtbot.waitUntil(lambda: page.checkin_editing.dialog is None)
    page.checkin_rows.menu = None
    page.checkin_rows.show_menu(model.row_of(ids["tea"]), QPoint(0, 0))
    assert page.checkin_rows.menu is None
    # A click on the header of a day of check-ins alone: its first row.
    click_row(qtbot, view, model.row_of_checkin(alone.id) - 1)
    wait_for_tasks()
    assert view.currentIndex().data(JournalRoles.CHECKIN_ID) == alone.id
    assert sql.on_gui_thread == []


def test_going_to_a_day_goes_past_its_check_ins_to_its_first_entry(qtbot, ctx, make_page,
                                                                   wait_for_tasks, sql):
    add_checkins(ctx, sql)
    page, ids = make_page()
    page.editing.jump_to_day(date(2026, 3, 14))
    wait_for_tasks()
    assert page.list_view.currentIndex().data(JournalRoles.ENTRY_ID) == ids["work"]
    assert page.editor.title.text() == "Long day"


def test_an_empty_journal_says_what_it_is_for_and_starts_the_first_entry(
        qtbot, ctx, make_page, wait_for_tasks, sql):
    page, _ids = make_page(sample=False)
    empty = page.empty
    assert page.left.currentWidget() is empty and empty.isVisible() and empty.first_use
    assert "what happened and how it felt" in empty.text()
    assert empty.write_button.isVisible() and empty.import_button.isVisible()
    assert not empty.clear_button.isVisible()
    assert page.focus_target() is empty.write_button  # Enter takes the first step
    assert page.count.text() == ""
    qtbot.mouseClick(empty.write_button, Qt.MouseButton.LeftButton)
    editor = page.editor
    assert editor.title.hasFocus() and editor.entry is None
    qtbot.keyClicks(editor.title, "First words")
    qtbot.keyClick(editor.title, Qt.Key.Key_S, CTRL)
    wait_for_tasks()
    assert page.model.entry_count == 1
    assert page.left.currentWidget() is page.list_view and not empty.isVisible()
    assert sql.on_gui_thread == []


def test_the_empty_journal_goes_with_a_first_check_in_and_offers_an_import(
        qtbot, ctx, make_page, wait_for_tasks, sql):
    page, _ids = make_page(sample=False)
    assert page.empty.first_use
    qtbot.mouseClick(page.empty.import_button, Qt.MouseButton.LeftButton)
    dialogs = [d for d in page.findChildren(ImportDialog) if d.isVisible()]
    assert len(dialogs) == 1
    dialogs[0].reject()
    app = ctx.app
    ctx.runner.run(lambda: app.add_checkin(CheckInDraft(mood=3)))
    wait_for_tasks()
    assert page.left.currentWidget() is page.list_view and not page.empty.isVisible()
    assert page.count.text() == "Check-ins only so far; Ctrl+N writes an entry"


def test_a_filter_that_matches_nothing_says_so_and_clears(qtbot, ctx, make_page,
                                                          wait_for_tasks, sql):
    add_checkins(ctx, sql)
    page, _ids = make_page()
    filters = page.filters
    filters.from_date.setDate(QDate(2026, 3, 15))  # after everything
    filters.from_check.setChecked(True)
    wait_for_tasks()
    empty = page.empty
    assert page.left.currentWidget() is empty and empty.isVisible()
    assert not empty.first_use and empty.text() == "No entries match these filters."
    assert empty.clear_button.isVisible() and not empty.write_button.isVisible()
    qtbot.mouseClick(empty.clear_button, Qt.MouseButton.LeftButton)
    wait_for_tasks()
    assert not filters.is_filtered() and not filters.from_date.isEnabled()
    assert page.left.currentWidget() is page.list_view and page.model.entry_count == 5
    # A search that finds nothing says so too, and is not a first use either.
    filters.search.setText("zebra")
    qtbot.keyClick(filters.search, Qt.Key.Key_Return)
    wait_for_tasks()
    assert empty.text() == "Nothing found for “zebra”." and not empty.first_use
    assert not empty.clear_button.isVisible()
    page.teardown()
    assert "zebra" not in empty.text()
