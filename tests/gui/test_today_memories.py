"""Today's "On this day" and "A question for today", the template chooser (Ctrl+Shift+N) and
Settings → Today (issue 20): what they show, opening what they list, the keyboard alone,
turning each off, and layouts at 800×600."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from companion.models import CheckInDraft, EntryDraft
from companion.prompts import question_for, shipped_templates
from tests.gui.layout_check import every_tab, layout_problems
from ui.dialogs.template_chooser import TemplateChooser, TemplateEditor
from ui.pages.journal import JournalPage
from ui.pages.settings import SettingsPage
from ui.pages.today import TodayPage

ZONE = timezone(timedelta(hours=1))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


def fill_memories(app) -> None:  # type: ignore[no-untyped-def]
    app.add_entry(EntryDraft(title="Lantern walk by the river", at=at("2025-03-14T21:00")))
    app.add_checkin(CheckInDraft(mood=4, note="Sunny, tea outside", at=at("2024-03-14T08:00")))
    app.add_entry(EntryDraft(body="# Valentine's\n\nDinner with Sam", at=at("2026-02-14T19:00")))


def today_page(window, qtbot, wait_for_tasks) -> TodayPage:  # type: ignore[no-untyped-def]
    page = window.workspace.show_page(TodayPage)
    assert isinstance(page, TodayPage)
    page.refresh()
    wait_for_tasks()
    qtbot.wait(10)
    return page


def activate(qtbot, widget: QWidget) -> None:  # type: ignore[no-untyped-def]
    widget.window().activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget.window())


def test_on_this_day_lists_one_line_each(qtbot, window, app, wait_for_tasks) -> None:  # type: ignore[no-untyped-def]
    fill_memories(app)
    page = today_page(window, qtbot, wait_for_tasks)
    assert page.memories.isVisible()
    assert [b.full_text for b in page.memories.buttons] == [
        "21:00  Lantern walk by the river", "08:00  Felt good: Sunny, tea outside",
        "19:00  Valentine's"]
    labels = [w.text() for w in page.memories.findChildren(type(page.question.question))
              if w.isVisible()]
    assert {"On this day", "A year ago", "2 years ago", "A month ago"} <= set(labels)
    assert page.memories.buttons[0].accessibleName().startswith(
        "A year ago, 21:00: Lantern walk by the river.")


def test_a_memory_opens_the_entry_or_the_check_in(qtbot, window, app, wait_for_tasks) -> None:  # type: ignore[no-untyped-def]
    fill_memories(app)
    page = today_page(window, qtbot, wait_for_tasks)
    activate(qtbot, page)
    page.memories.buttons[0].setFocus()
    QTest.keyClick(page.memories.buttons[0], Qt.Key.Key_Space)
    wait_for_tasks()
    journal = window.workspace.page(JournalPage)
    qtbot.waitUntil(lambda: journal.editor.entry is not None)
    assert journal.isVisible() and journal.editor.title.text() == "Lantern walk by the river"
    page = today_page(window, qtbot, wait_for_tasks)
    page.memories.buttons[1].click()
    wait_for_tasks()
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())
    assert page.dialog is not None
    page.dialog.reject()


def test_on_this_day_turned_off_and_hard_days_left_out(qtbot, window, app, wait_for_tasks) -> None:  # type: ignore[no-untyped-def]
    fill_memories(app)
    app.add_checkin(CheckInDraft(mood=1, at=at("2025-03-14T08:00")))  # a hard day
    page = today_page(window, qtbot, wait_for_tasks)
    assert len(page.memories.buttons) == 4
    settings = window.workspace.show_page(SettingsPage)
    assert isinstance(settings, SettingsPage)
    card = settings.today_card
    card.skip_hard_days.setChecked(True)
    wait_for_tasks()
    page = today_page(window, qtbot, wait_for_tasks)
    assert [b.full_text for b in page.memories.buttons] == [
        "08:00  Felt good: Sunny, tea outside", "19:00  Valentine's"]
    card.on_this_day.setChecked(False)
    assert not card.skip_hard_days.isEnabled()
    wait_for_tasks()
    page = today_page(window, qtbot, wait_for_tasks)
    assert not page.memories.isVisible() and page.memories.empty
    assert app.preferences.on_this_day is False
    assert app.preferences.on_this_day_skip_hard_days is True


def test_locking_leaves_no_memory_on_the_page(qtbot, window, app, wait_for_tasks) -> None:  # type: ignore[no-untyped-def]
    from tests.gui.conftest import visible_texts

    fill_memories(app)
    page = today_page(window, qtbot, wait_for_tasks)
    assert any("Lantern walk" in text for text in visible_texts(page))
    page.teardown()
    assert not any("Lantern walk" in text or "Sunny" in text for text in visible_texts(page))
    assert page.memories.empty and not page.memories.isVisible()


def test_nothing_to_remember_shows_no_card(qtbot, window, wait_for_tasks) -> None:  # type: ignore[no-untyped-def]
    page = today_page(window, qtbot, wait_for_tasks)
    assert not page.memories.isVisible()


def test_the_question_for_today(qtbot, window, app, clock, wait_for_tasks) -> None:  # type: ignore[no-untyped-def]
    page = today_page(window, qtbot, wait_for_tasks)
    question = question_for(clock.now().date())
    assert page.question.isVisible() and page.question.question.text() == question
    page.question.write_button.click()
    journal = window.workspace.page(JournalPage)
    assert isinstance(journal, JournalPage) and journal.isVisible()
    assert journal.editor.entry is None and journal.editor.body.toPlainText() == \
        f"## {question}\n\n"
    assert journal.editor.body.hasFocus() and not journal.editor.dirty  # nothing to save yet
    QTest.keyClicks(journal.editor.body, "Friday")
    assert journal.editor.dirty


def test_the_question_set_aside_for_today_and_for_good(qtbot, window, app, clock,  # type: ignore[no-untyped-def]
                                                       wait_for_tasks) -> None:
    page = today_page(window, qtbot, wait_for_tasks)
    page.question.later_button.click()
    wait_for_tasks()
    assert not page.question.isVisible()
    assert "Set aside until tomorrow." in page.message.text.text()
    assert app.preferences.question_set_aside_on == "2026-03-14"
    clock.advance(days=1)
    page = today_page(window, qtbot, wait_for_tasks)
    assert page.question.isVisible()
    assert page.question.question.text() == question_for(clock.now().date())
    page.question.off_button.click()
    wait_for_tasks()
    assert not page.question.isVisible() and app.preferences.question_of_the_day is False
    assert "Settings → Today brings them back" in page.message.text.text()
    page.message.action.click()  # Undo
    wait_for_tasks()
    assert page.question.isVisible() and app.preferences.question_of_the_day is True


def test_the_cards_by_keyboard_alone(qtbot, window, app, wait_for_tasks) -> None:  # type: ignore[no-untyped-def]
    fill_memories(app)
    page = today_page(window, qtbot, wait_for_tasks)
    activate(qtbot, page)
    page.save_button.setFocus()
    reached: list[QWidget] = []
    for _ in range(60):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        widget = QApplication.focusWidget()
        if widget is not None and page.isAncestorOf(widget):
            reached.append(widget)
    for wanted in (*page.memories.buttons, page.question.write_button,
                   page.question.later_button, page.question.off_button):
        assert wanted in reached, wanted.text()
    page.question.later_button.setFocus()
    QTest.keyClick(page.question.later_button, Qt.Key.Key_Space)
    wait_for_tasks()
    assert not page.question.isVisible()
    assert page.isAncestorOf(QApplication.focusWidget())  # the keyboard stays on the page


def test_today_with_both_cards_holds_at_800_by_600(qtbot, window, app, wait_for_tasks) -> None:  # type: ignore[no-untyped-def]
    fill_memories(app)
    app.add_entry(EntryDraft(title="A very long title " * 12, at=at("2023-03-14T10:00")))
    window.resize(800, 600)
    page = today_page(window, qtbot, wait_for_tasks)
    assert page.memories.isVisible() and page.question.isVisible()
    page.scroll_area.ensureWidgetVisible(page.question)
    qtbot.wait(20)
    assert layout_problems(window) == []


# -- templates ----------------------------------------------------------------------------------


def open_chooser(qtbot, window, wait_for_tasks) -> TemplateChooser:  # type: ignore[no-untyped-def]
    activate(qtbot, window)
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: bool(window.findChildren(TemplateChooser)))
    chooser = window.findChildren(TemplateChooser)[-1]
    wait_for_tasks()
    qtbot.waitUntil(lambda: chooser.list.count() > 0)
    return chooser


def test_ctrl_shift_n_fills_the_editor_from_a_template(qtbot, window, wait_for_tasks) -> None:  # type: ignore[no-untyped-def]
    chooser = open_chooser(qtbot, window, wait_for_tasks)
    assert [chooser.list.item(r).text() for r in range(chooser.list.count())] == [
        t.name for t in shipped_templates()]
    assert chooser.list.hasFocus()
    assert not chooser.edit_button.isEnabled()  # shipped ones are not changed
    QTest.keyClick(chooser.list, Qt.Key.Key_Down)
    assert chooser.current().name == "Thought record"
    assert "Evidence against the thought" in chooser.preview.toPlainText()
    QTest.keyClick(chooser.list, Qt.Key.Key_Return)
    journal = window.workspace.page(JournalPage)
    assert isinstance(journal, JournalPage) and journal.isVisible()
    record = next(t for t in shipped_templates() if t.key == "thought-record")
    assert journal.editor.title.text() == "Thought record"
    assert journal.editor.body.toPlainText() == record.body
    # The window gives the keyboard back to its focus widget when the chooser has gone (the
    # offscreen platform does not make it active again by itself).
    assert window.focusWidget() is journal.editor.body and not journal.editor.dirty
    cursor = journal.editor.body.textCursor().position()
    assert record.body[:cursor].endswith("_Where were you, what was happening, who was "
                                         "there?_\n\n")


def test_own_templates_made_changed_and_deleted_in_the_chooser(qtbot, window, app,  # type: ignore[no-untyped-def]
                                                               wait_for_tasks) -> None:
    chooser = open_chooser(qtbot, window, wait_for_tasks)
    chooser.new_template()
    editor = chooser.findChildren(TemplateEditor)[-1]
    qtbot.waitUntil(editor.name.hasFocus)
    editor.name.setText("Morning pages")
    editor.body.setPlainText("## Three pages\n\n")
    editor.save_button.click()
    wait_for_tasks()
    qtbot.waitUntil(lambda: chooser.current() is not None
                    and chooser.current().name == "Morning pages")
    assert chooser.list.currentItem().text() == "Morning pages (yours)"
    assert chooser.edit_button.isEnabled() and chooser.delete_button.isEnabled()
    chooser.edit_template()
    editor = chooser.findChildren(TemplateEditor)[-1]
    editor.name.setText("Thought record")  # a shipped one's name: said, not saved
    editor.save_button.click()
    wait_for_tasks()
    assert editor.error.isVisible() and "comes with Companion" in editor.error.text()
    editor.name.setText("Evening pages")
    editor.save_button.click()
    wait_for_tasks()
    qtbot.waitUntil(lambda: chooser.current().name == "Evening pages")
    chooser.delete_template()
    box = chooser.findChildren(QMessageBox)[-1]
    delete = next(b for b in box.buttons() if b.text() == "Delete")
    delete.click()
    wait_for_tasks()
    qtbot.waitUntil(lambda: chooser.list.count() == len(shipped_templates()))
    assert [t.name for t in app.templates()] == [t.name for t in shipped_templates()]
    chooser.reject()


def test_the_chooser_and_the_editor_hold_at_800_by_600(qtbot, window, app,  # type: ignore[no-untyped-def]
                                                        wait_for_tasks) -> None:
    app.add_template("A template with a rather long name for a small window", "## One\n")
    chooser = open_chooser(qtbot, window, wait_for_tasks)
    problems: list[str] = []
    for dialog in (chooser, TemplateEditor(window.workspace.ctx, None, "", "## x\n", chooser)):
        dialog.show()
        for size in (None, (800, 600)):
            if size is not None:
                dialog.resize(*size)
            wait_for_tasks()
            qtbot.wait(20)
            problems += every_tab(dialog, wait_for_tasks)
        dialog.hide()
    assert problems == []


def test_settings_today_card(qtbot, window, app, wait_for_tasks) -> None:  # type: ignore[no-untyped-def]
    settings = window.workspace.show_page(SettingsPage)
    assert isinstance(settings, SettingsPage)
    card = settings.today_card
    assert card.on_this_day.isChecked() and card.question.isChecked()
    assert not card.skip_hard_days.isChecked()
    card.question.setChecked(False)
    wait_for_tasks()
    assert app.preferences.question_of_the_day is False
    page = today_page(window, qtbot, wait_for_tasks)
    assert not page.question.isVisible()
    card.question.setChecked(True)
    wait_for_tasks()
    page = today_page(window, qtbot, wait_for_tasks)
    assert page.question.isVisible()


def test_a_long_day_shows_so_many_lines_and_says_how_many_more(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLabel

    from companion.models import ItemRef, Kind
    from companion.on_this_day import Memory, MemoryDay, OnThisDay
    from ui.widgets.on_this_day_card import MAX_LINES, OnThisDayCard

    items = tuple(Memory(ItemRef(Kind.ENTRY, n), "2025-03-14", "10:00", f"line {n}", None)
                  for n in range(MAX_LINES + 3))
    card = OnThisDayCard()
    qtbot.addWidget(card)
    card.show_memories(OnThisDay("2026-03-14", (MemoryDay("2025-03-14", 1, items),)))
    assert len(card.buttons) == MAX_LINES
    assert card.findChildren(QLabel)[-1].text() == "3 more from these days, in the Journal."
