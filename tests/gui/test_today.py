"""The Today page: a check-in by mouse and by keyboard alone, today's list, errors as
sentences, refresh on change, nothing decrypted left after teardown, no SQL on the GUI thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtWidgets import QApplication, QWidget

from companion.models import DEFAULT_ACTIVITIES, CheckInDraft, EntryDraft
from tests.gui.conftest import visible_texts
from ui.pages.journal import JournalPage
from ui.pages.today import TodayPage

LEFT = Qt.MouseButton.LeftButton
CANARY = "marmalade lighthouse"


@pytest.fixture
def page(qtbot, ctx, wait_for_tasks) -> Iterator[TodayPage]:  # type: ignore[no-untyped-def]
    # A plain top-level without a layout holds the page, as the workspace's stack does: the
    # offscreen platform warns when a top-level window's size constraints change.
    host = QWidget()
    qtbot.addWidget(host)
    host.resize(1000, 760)
    today = TodayPage(ctx)
    today.setParent(host)
    today.resize(host.size())
    host.show()
    qtbot.waitExposed(host)
    today.shown()
    wait_for_tasks()
    yield today
    wait_for_tasks()


def activate(qtbot, widget: QWidget) -> None:  # type: ignore[no-untyped-def]
    """Shortcuts only fire in the active window, even offscreen."""
    widget.window().activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget.window())


def page_text(page: TodayPage) -> str:
    return "\n".join(visible_texts(page))


def list_text(page: TodayPage) -> str:
    model = page.today_model
    return "\n".join(model.data(model.index(row, 0)) for row in range(model.rowCount()))


def only_checkin(ctx):  # type: ignore[no-untyped-def]
    checkins = ctx.app.checkins.browse()
    assert len(checkins) == 1
    return checkins[0]


def test_heading_prompt_and_a_calm_empty_state(page):
    assert page.date_heading.text() == QLocale().toString(QDate(2026, 3, 14), "dddd, d MMMM")
    if QLocale().language() in (QLocale.Language.C, QLocale.Language.English):
        assert page.date_heading.text() == "Saturday, 14 March"
    text = page_text(page)
    assert "How are you right now?" in text
    assert "Nothing yet today" in text
    assert [b.text() for b in page.mood.buttons] == ["Awful", "Low", "Okay", "Good", "Great"]
    assert all(not b.icon().isNull() for b in page.mood.buttons)
    assert "streak" not in text.lower()


def test_save_needs_a_mood_picked_by_click_or_by_key(qtbot, page):
    assert not page.save_button.isEnabled()
    page.save()  # Ctrl+Enter with no mood does nothing
    qtbot.mouseClick(page.mood.button(2), LEFT)
    assert page.mood.value() == 2 and page.save_button.isEnabled()
    qtbot.mouseClick(page.mood.button(2), LEFT)  # a second click keeps the mood
    assert page.mood.value() == 2
    activate(qtbot, page)
    page.mood.button(2).setFocus()
    qtbot.keyClick(page.mood.button(2), Qt.Key.Key_5)
    assert page.mood.value() == 5
    assert [b.isChecked() for b in page.mood.buttons] == [False] * 4 + [True]
    qtbot.keyClick(page.mood.button(2), Qt.Key.Key_1, Qt.KeyboardModifier.KeypadModifier)
    assert page.mood.value() == 1
    # In a text field a digit is text, not a mood.
    page.note.setFocus()
    qtbot.keyClicks(page.note, "3 cups of tea")
    assert page.mood.value() == 1 and page.note.toPlainText() == "3 cups of tea"


def test_energy_is_optional_and_a_second_click_clears_it(qtbot, page):
    qtbot.mouseClick(page.energy.button(3), LEFT)
    assert page.energy.value() == 3
    qtbot.mouseClick(page.energy.button(4), LEFT)
    assert page.energy.value() == 4
    assert [b.isChecked() for b in page.energy.buttons] == [False, False, False, True, False]
    qtbot.mouseClick(page.energy.button(4), LEFT)
    assert page.energy.value() is None
    assert not any(b.isChecked() for b in page.energy.buttons)


def test_a_full_check_in_is_stored_exactly_and_listed(qtbot, ctx, page, wait_for_tasks):
    qtbot.mouseClick(page.mood.button(4), LEFT)
    qtbot.mouseClick(page.energy.button(2), LEFT)
    for label in ("calm", "grateful", "tired"):
        qtbot.mouseClick(page.emotions.chips[label], LEFT)
    qtbot.mouseClick(page.emotions.chips["tired"], LEFT)  # toggled off again
    qtbot.mouseClick(page.activities.chips["walk"], LEFT)
    assert page.activities.add_button is not None and page.activities.add_edit is not None
    qtbot.mouseClick(page.activities.add_button, LEFT)
    assert page.activities.add_edit.isVisible()
    qtbot.keyClicks(page.activities.add_edit, "  Choir   Practice ")
    qtbot.keyClick(page.activities.add_edit, Qt.Key.Key_Return)
    assert page.activities.chips["choir practice"].isChecked()
    assert not page.activities.add_edit.isVisible()
    page.sleep_check.setChecked(True)
    assert page.sleep_hours.isEnabled()
    page.sleep_hours.setValue(6.5)
    qtbot.keyClicks(page.note, f"Rain, then sun. {CANARY}")
    qtbot.mouseClick(page.save_button, LEFT)
    wait_for_tasks()

    saved = only_checkin(ctx)
    assert (saved.mood, saved.energy, saved.sleep_hours) == (4, 2, 6.5)
    assert saved.emotions == ("calm", "grateful")
    assert saved.activities == ("walk", "choir practice")
    assert saved.note == f"Rain, then sun. {CANARY}"
    assert saved.at == ctx.app.clock.now()

    assert page.message.text.text() == "Saved. Thank you for checking in."
    assert page.mood.value() is None and page.energy.value() is None
    assert not page.save_button.isEnabled()
    assert page.note.toPlainText() == "" and not page.sleep_check.isChecked()
    assert page.emotions.selected() == () and page.activities.selected() == ()
    assert "choir practice" in page.activities.chips  # now one of the user's labels
    listed = list_text(page)
    assert "09:30" in listed and "Good" in listed
    assert "calm, grateful" in listed and "walk, choir practice" in listed
    assert "6.5 h" in listed and CANARY in listed
    assert not page.today_empty.isVisible()
    text = page_text(page).lower()
    assert "streak" not in text and "in a row" not in text
    # A check-in saved by mistake: Undo takes it away again (and that can be undone too).
    page.message.action.click()
    wait_for_tasks()
    assert ctx.app.checkins.browse() == []
    assert page.message.text.text() == "Check-in deleted."


def test_a_too_long_custom_activity_is_a_sentence_not_a_chip(qtbot, page):
    group = page.activities
    assert group.add_button is not None and group.add_edit is not None
    before = set(group.chips)
    qtbot.mouseClick(group.add_button, LEFT)
    qtbot.keyClicks(group.add_edit, "x" * 65)
    qtbot.keyClick(group.add_edit, Qt.Key.Key_Return)
    assert group.error.isVisible()
    assert group.error.text() == "An emotion or activity can have at most 64 characters."
    assert set(group.chips) == before
    assert group.add_edit.isVisible()  # still there to fix
    qtbot.keyClick(group.add_edit, Qt.Key.Key_Backspace)
    qtbot.keyClick(group.add_edit, Qt.Key.Key_Return)
    assert not group.error.isVisible()
    assert group.chips["x" * 64].isChecked()
    # Escape leaves the field without adding anything.
    qtbot.mouseClick(group.add_button, LEFT)
    qtbot.keyClicks(group.add_edit, "never mind")
    qtbot.keyClick(group.add_edit, Qt.Key.Key_Escape)
    assert not group.add_edit.isVisible() and group.add_edit.text() == ""
    assert "never mind" not in group.chips


def test_a_refused_save_shows_the_reason_and_keeps_the_form(qtbot, ctx, page,
                                                          wait_for_tasks):
    qtbot.mouseClick(page.mood.button(3), LEFT)
    page.note.setPlainText("a" * 10_001)  # the core allows 10,000 characters
    qtbot.mouseClick(page.save_button, LEFT)
    wait_for_tasks()
    assert page.error.isVisible()
    assert page.error.text() == "A check-in note can have at most 10,000 characters."
    assert "Traceback" not in page_text(page)
    assert ctx.app.checkins.browse() == []
    assert page.mood.value() == 3 and len(page.note.toPlainText()) == 10_001
    assert page.save_button.isEnabled()
    page.note.setPlainText("shorter")
    qtbot.mouseClick(page.save_button, LEFT)
    wait_for_tasks()
    assert not page.error.isVisible()
    assert only_checkin(ctx).note == "shorter"


def test_changes_made_elsewhere_show_up(qtbot, ctx, page, runner, clock, wait_for_tasks):
    app = ctx.app
    runner.run(lambda: app.add_checkin(CheckInDraft(mood=1, emotions=("numb",),
                                                    activities=("gardening",))))
    qtbot.waitUntil(lambda: page.today_model.rowCount() == 1)
    wait_for_tasks()
    assert "Awful" in list_text(page) and "numb" in list_text(page)
    assert "gardening" in page.activities.chips and "numb" in page.emotions.chips
    clock.advance(minutes=15)
    runner.run(lambda: app.add_entry(EntryDraft(title="Letter to myself", body="…")))
    qtbot.waitUntil(lambda: page.today_model.rowCount() == 2)
    assert list_text(page).startswith("09:45  ·  Journal entry\nLetter to myself")  # newest
    # Something from another day is not today's.
    yesterday = app.clock.now().replace(day=13)
    runner.run(lambda: app.add_checkin(CheckInDraft(mood=5, at=yesterday)))
    wait_for_tasks()
    assert page.today_model.rowCount() == 2


def test_a_page_left_open_overnight_moves_to_the_new_day(qtbot, ctx, page, runner, clock,
                                                       wait_for_tasks):
    app = ctx.app
    runner.run(lambda: app.add_checkin(CheckInDraft(mood=4)))
    qtbot.waitUntil(lambda: page.today_model.rowCount() == 1)
    page._check_day()  # the minute timer: same day, nothing to do
    assert page.today_model.rowCount() == 1
    clock.advance(days=1)
    page._check_day()
    wait_for_tasks()
    assert page.date_heading.text() == QLocale().toString(QDate(2026, 3, 15), "dddd, d MMMM")
    assert page.today_model.rowCount() == 0 and page.today_empty.isVisible()


def test_changes_while_hidden_load_when_shown_again(qtbot, ctx, page, runner,
                                                    wait_for_tasks):
    page.hide()
    app = ctx.app
    runner.run(lambda: app.add_checkin(CheckInDraft(mood=5)))
    wait_for_tasks()
    assert page.today_model.rowCount() == 0  # no work for a page nobody sees
    page.show()
    qtbot.waitUntil(lambda: page.today_model.rowCount() == 1)


def test_the_today_model_is_a_well_behaved_model(qtmodeltester, ctx, page, runner,
                                                 wait_for_tasks):
    app = ctx.app
    runner.run(lambda: app.add_checkin(CheckInDraft(mood=2, note="line one\nline two")))
    wait_for_tasks()
    qtmodeltester.check(page.today_model)
    assert "line one…" in list_text(page)


def test_a_check_in_by_keyboard_alone(qtbot, ctx, page, wait_for_tasks):
    activate(qtbot, page)
    page.focus_checkin()
    assert QApplication.focusWidget() is page.mood.button(1)

    def press(key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
              ) -> None:
        focus = QApplication.focusWidget()
        assert focus is not None
        qtbot.keyClick(focus, key, modifier)

    def tab_to(target: QWidget) -> list[QWidget]:
        path: list[QWidget] = []
        for _ in range(80):
            if QApplication.focusWidget() is target:
                return path
            press(Qt.Key.Key_Tab)
            focus = QApplication.focusWidget()
            assert focus is not None
            path.append(focus)
        raise AssertionError(f"Tab never reached {target.accessibleName()}")

    def reach(target: QWidget, row: list[QWidget]) -> None:
        """A row of choices is one Tab stop: Tab into it, then the arrow keys along it."""
        for _ in range(20):
            if QApplication.focusWidget() in row:
                break
            press(Qt.Key.Key_Tab)
        for _ in range(len(row)):
            if QApplication.focusWidget() is target:
                return
            press(Qt.Key.Key_Right)
        raise AssertionError(f"never reached {target.accessibleName()}")

    press(Qt.Key.Key_4)
    assert page.mood.value() == 4 and page.save_button.isEnabled()
    reach(page.energy.button(3), page.energy.buttons)
    press(Qt.Key.Key_Space)
    assert page.energy.value() == 3
    reach(page.emotions.chips["hopeful"], page.emotions.roving.buttons)
    press(Qt.Key.Key_Space)
    assert page.activities.add_button is not None and page.activities.add_edit is not None
    reach(page.activities.add_button, page.activities.roving.buttons)
    press(Qt.Key.Key_Space)
    assert QApplication.focusWidget() is page.activities.add_edit
    qtbot.keyClicks(page.activities.add_edit, "dog walk 2")  # digits are text here
    press(Qt.Key.Key_Return)
    assert page.activities.chips["dog walk 2"].isChecked()
    assert page.mood.value() == 4
    tab_to(page.sleep_check)
    press(Qt.Key.Key_Space)
    press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is page.sleep_hours
    press(Qt.Key.Key_Up)  # 7.5 → 8
    press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is page.note
    qtbot.keyClicks(page.note, "slept 8 hours, felt 5/5")
    assert page.mood.value() == 4
    press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_for_tasks()
    saved = only_checkin(ctx)
    assert (saved.mood, saved.energy, saved.sleep_hours) == (4, 3, 8.0)
    assert saved.emotions == ("hopeful",) and saved.activities == ("dog walk 2",)
    assert saved.note == "slept 8 hours, felt 5/5"
    assert page.message.text.text() == "Saved. Thank you for checking in."


def test_tab_order_follows_the_form_from_top_to_bottom(qtbot, ctx, page, runner,
                                                     wait_for_tasks):
    app = ctx.app
    runner.run(lambda: app.add_checkin(CheckInDraft(mood=3, activities=("gardening",))))
    wait_for_tasks()
    # The check-in's change notice arrives queued and makes the page reload its chips (one
    # more task): let that finish too, or the chips walked below may be replaced mid-walk.
    qtbot.wait(20)
    wait_for_tasks()
    activate(qtbot, page)
    page.focus_checkin()
    page.mood.button(1).click()  # so the save button takes focus too (a click by code: a
    # mouse click on the offscreen window depends on which window other tests left active)
    page.focus_checkin()
    # Walk the focus chain the way Tab does (focusNextPrevChild: the next widget that takes
    # Tab focus and is visible and enabled). Pressing Tab itself depends on the offscreen
    # window staying active, which other tests can disturb; the chain is what Tab follows.
    seen: list[QWidget] = [page.mood.button(1)]
    widget: QWidget = page.mood.button(1)
    while widget is not page.today_list and len(seen) < 80:
        widget = widget.nextInFocusChain()
        if (widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isVisibleTo(page)
                and widget.isEnabled() and widget.focusProxy() is None):
            seen.append(widget)
    assert page.activities.add_button is not None and page.emotions.add_button is not None
    # Each row of choices is one stop (the arrow keys move along it): the chosen mood, the
    # first energy word, the first chip of each group.
    milestones = [page.mood.button(1), page.energy.button(1), page.emotions.chips["happy"],
                  page.activities.chips["work"], page.sleep_check, page.note,
                  page.save_button, page.today_list]
    assert [seen.index(widget) for widget in milestones] == sorted(
        seen.index(widget) for widget in milestones)
    assert len(seen) == len(set(seen)), "each control once, no detours"
    assert all(widget.accessibleName() or widget.text() for widget in seen), \
        "every control the keyboard reaches has a name"


def test_teardown_drops_every_decrypted_value(qtbot, ctx, page, runner, wait_for_tasks):
    app = ctx.app
    runner.run(lambda: app.add_checkin(CheckInDraft(
        mood=2, note=f"note {CANARY}", activities=(f"{CANARY} club",))))
    runner.run(lambda: app.add_entry(EntryDraft(title=f"title {CANARY}", body="b")))
    wait_for_tasks()
    page.refresh()
    wait_for_tasks()
    assert CANARY in page_text(page)
    page.note.setPlainText(f"draft {CANARY}")
    qtbot.mouseClick(page.mood.button(3), LEFT)
    page.refresh()  # a reply still on its way when the lock comes
    page.teardown()
    wait_for_tasks()
    assert CANARY not in page_text(page)
    assert page.today_model.rowCount() == 0 and page.note.toPlainText() == ""
    assert not page.note.document().isUndoAvailable()
    assert page.mood.value() is None
    assert set(page.activities.chips) == set(page.activities.defaults)


def test_the_gui_thread_never_runs_sql(qtbot, ctx, page, runner, wait_for_tasks):
    main = threading.current_thread()
    sql_threads: set[threading.Thread] = set()
    change_threads: set[threading.Thread] = set()
    conn = ctx.app.vault.database.conn
    conn.set_trace_callback(lambda _sql: sql_threads.add(threading.current_thread()))
    unsubscribe = ctx.app.subscribe(lambda _c: change_threads.add(threading.current_thread()))
    try:
        fresh = TodayPage(ctx)  # building a page asks nothing of the vault on this thread
        qtbot.addWidget(fresh)
        fresh.shown()
        page.shown()
        qtbot.mouseClick(page.mood.button(5), LEFT)
        qtbot.mouseClick(page.emotions.chips["proud"], LEFT)
        page.note.setPlainText("ran the whole way")
        qtbot.mouseClick(page.save_button, LEFT)
        qtbot.waitUntil(lambda: page.today_model.rowCount() == 1)
        wait_for_tasks()
        page.teardown()
        fresh.teardown()
    finally:
        conn.set_trace_callback(None)
        unsubscribe()
    assert sql_threads and change_threads
    assert main not in sql_threads and main not in change_threads


def test_today_through_the_main_window(qtbot, window, wait_for_tasks):
    workspace = window.workspace
    assert workspace is not None
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(workspace.stack.currentWidget(), JournalPage)
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    today = workspace.stack.currentWidget()
    assert isinstance(today, TodayPage)
    wait_for_tasks()
    focus = QApplication.focusWidget()
    assert focus is not None and (focus is today or today.isAncestorOf(focus))
    qtbot.keyClick(focus, Qt.Key.Key_3)
    assert today.mood.value() == 3
    today.note.setFocus()
    qtbot.keyClicks(today.note, f"through the window {CANARY}")
    qtbot.keyClick(today.note, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: today.today_model.rowCount() == 1)
    assert CANARY in list_text(today)
    window.lock()
    wait_for_tasks()
    assert window.is_locked
    assert not any(CANARY in text for text in visible_texts())


def test_labels_used_before_become_chips_but_never_bury_the_common_ones(qtbot, ctx, runner,
                                                                        page, wait_for_tasks):
    app = ctx.app
    own = tuple(f"hobby {n:02}" for n in range(20))
    runner.run(lambda: app.add_checkin(CheckInDraft(mood=3, activities=own)))
    wait_for_tasks()
    page.refresh()
    wait_for_tasks()
    extras = [label for label in page.activities.chips if label not in DEFAULT_ACTIVITIES]
    assert extras == list(own[:12])
    assert all(label in page.activities.chips for label in DEFAULT_ACTIVITIES)


def _add_checkin(qtbot, ctx, runner, page, **fields):  # type: ignore[no-untyped-def]
    app = ctx.app
    runner.run(lambda: app.add_checkin(CheckInDraft(**fields)))
    qtbot.waitUntil(lambda: page.today_model.rowCount() >= 1)


def test_a_wrong_check_in_is_fixed_in_two_clicks_and_undone_in_one(  # type: ignore[no-untyped-def]
        qtbot, ctx, page, runner, clock, wait_for_tasks):
    """Issue 17: click the card, pick the right face, Save; Undo puts it back."""
    _add_checkin(qtbot, ctx, runner, page, mood=1, note="tapped the wrong face",
                 emotions=("numb",))
    wait_for_tasks()
    first = page.today_model.index(0, 0)
    qtbot.mouseClick(page.today_list.viewport(), LEFT,
                     pos=page.today_list.visualRect(first).center())
    dialog = page.dialog
    assert dialog is not None and dialog.mood.value() == 1
    assert dialog.note.toPlainText() == "tapped the wrong face"
    assert dialog.emotions.selected() == ("numb",)
    qtbot.mouseClick(dialog.mood.button(4), LEFT)
    qtbot.mouseClick(dialog.save_button, LEFT)
    wait_for_tasks()
    checkin = only_checkin(ctx)
    assert (checkin.mood, checkin.note, checkin.emotions) == (4, "tapped the wrong face",
                                                              ("numb",))
    qtbot.waitUntil(lambda: "Good" in list_text(page))
    assert page.message.isVisible() and page.message.text.text() == "Check-in changed."
    qtbot.mouseClick(page.message.action, LEFT)  # Undo
    wait_for_tasks()
    assert only_checkin(ctx).mood == 1
    qtbot.waitUntil(lambda: "Awful" in list_text(page))


def test_a_check_in_moves_to_another_time_but_never_to_the_future(  # type: ignore[no-untyped-def]
        qtbot, ctx, page, runner, wait_for_tasks):
    _add_checkin(qtbot, ctx, runner, page, mood=3)
    wait_for_tasks()
    before = only_checkin(ctx)
    page.edit_checkin(before)
    dialog = page.dialog
    assert dialog is not None
    dialog.when.setDateTime(dialog.when.dateTime().addSecs(-2 * 3600))
    dialog.accept()
    wait_for_tasks()
    moved = only_checkin(ctx)
    assert int((before.at - moved.at).total_seconds()) == 2 * 3600
    assert moved.at.utcoffset() == before.at.utcoffset()
    # The editor does not offer a time later than now.
    page.edit_checkin(moved)
    dialog = page.dialog
    assert dialog is not None
    dialog.when.setDateTime(dialog.when.dateTime().addSecs(5 * 3600))
    assert dialog.values()["at"] <= ctx.app.clock.now()
    dialog.reject()
    wait_for_tasks()


def test_delete_by_menu_and_by_key_with_undo(  # type: ignore[no-untyped-def]
        qtbot, ctx, page, runner, wait_for_tasks):
    _add_checkin(qtbot, ctx, runner, page, mood=2, note="by mistake")
    wait_for_tasks()
    view = page.today_list
    first = page.today_model.index(0, 0)
    view.customContextMenuRequested.emit(view.visualRect(first).center())
    assert [a.text() for a in view.menu.actions()] == ["Edit…", "Delete"]
    view.menu.actions()[1].trigger()
    wait_for_tasks()
    assert ctx.app.checkins.browse() == []
    qtbot.waitUntil(lambda: page.today_model.rowCount() == 0)
    assert page.message.text.text() == "Check-in deleted."
    page.message.action.click()  # Undo
    wait_for_tasks()
    qtbot.waitUntil(lambda: page.today_model.rowCount() == 1)
    assert only_checkin(ctx).note == "by mistake"
    # The keyboard: the card has focus, Delete deletes, Enter opens it.
    view.setFocus()
    view.setCurrentIndex(page.today_model.index(0, 0))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert page.dialog is not None
    page.dialog.reject()
    wait_for_tasks()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    wait_for_tasks()
    assert ctx.app.checkins.browse() == []


def test_a_failed_edit_says_nothing_was_changed(  # type: ignore[no-untyped-def]
        qtbot, ctx, page, runner, wait_for_tasks, monkeypatch):
    from companion.errors import InvalidInput

    _add_checkin(qtbot, ctx, runner, page, mood=3, note="as it was")
    wait_for_tasks()
    checkin = only_checkin(ctx)

    def refuse(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise InvalidInput("The disk said no.")

    monkeypatch.setattr(ctx.app, "update_checkin", refuse)
    page.edit_checkin(checkin)
    assert page.dialog is not None
    page.dialog.mood.setValue(5)
    page.dialog.accept()
    wait_for_tasks()
    assert page.message.text.text().startswith("Nothing was changed: The disk said no.")
    assert only_checkin(ctx).mood == 3


def test_a_double_delete_deletes_once_and_keeps_its_undo(  # type: ignore[no-untyped-def]
        qtbot, ctx, page, runner, wait_for_tasks):
    """Seen in a review: a second Delete said "Nothing was deleted" over the first one's
    Undo, though the check-in was gone."""
    _add_checkin(qtbot, ctx, runner, page, mood=2, note="twice")
    wait_for_tasks()
    activate(qtbot, page)
    view = page.today_list
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    qtbot.keyClick(view, Qt.Key.Key_Delete)  # before the first has finished
    wait_for_tasks()
    assert ctx.app.checkins.browse() == []
    assert page.message.text.text() == "Check-in deleted."
    assert page.message.action.isVisibleTo(page.message)  # Undo is still there
    page.message.action.click()
    wait_for_tasks()
    assert only_checkin(ctx).note == "twice"


def test_tab_into_the_list_marks_the_card_delete_would_delete(  # type: ignore[no-untyped-def]
        qtbot, ctx, page, runner, wait_for_tasks):
    """Tab set the current card without marking it, and Delete deleted that unmarked card."""
    _add_checkin(qtbot, ctx, runner, page, mood=3, note="first")
    wait_for_tasks()
    activate(qtbot, page)
    view = page.today_list
    view.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(view.hasFocus)
    current = view.currentIndex()
    assert current.isValid() and view.selectionModel().isSelected(current)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    wait_for_tasks()
    assert ctx.app.checkins.browse() == []
    qtbot.waitUntil(lambda: page.today_model.rowCount() == 0)
    focused = QApplication.focusWidget()
    assert focused in page.mood.buttons  # the list emptied: back to the check-in, not away
