"""A row of choices is one Tab stop; the arrow keys move along it (issue 17, item 2: crossing
Today's check-in took 46 presses of Tab)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.gui.tab_walk import walk
from ui.pages.today import TodayPage


def _today(qtbot, window, wait_for_tasks) -> TodayPage:  # type: ignore[no-untyped-def]
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    page = window.workspace.show_page(TodayPage)
    wait_for_tasks()
    return page


def test_the_check_in_is_a_handful_of_tab_stops(qtbot, window, wait_for_tasks):
    page = _today(qtbot, window, wait_for_tasks)
    stops = [stop.widget for stop in walk(qtbot, window, page.mood.buttons[0])]
    on_page = [w for w in stops if page.isAncestorOf(w)]
    assert len(on_page) <= 10, [type(w).__name__ for w in on_page]
    assert page.mood.buttons[0] in on_page and page.energy.buttons[0] in on_page
    assert sum(1 for w in on_page if w in page.mood.buttons) == 1


def test_arrows_move_along_a_row_and_tab_comes_back_to_the_choice(qtbot, window,
                                                                  wait_for_tasks):
    page = _today(qtbot, window, wait_for_tasks)
    buttons = page.mood.buttons
    buttons[0].setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(buttons[0], Qt.Key.Key_Right)
    qtbot.keyClick(buttons[1], Qt.Key.Key_Right)
    assert QApplication.focusWidget() is buttons[2]
    qtbot.keyClick(buttons[2], Qt.Key.Key_Space)
    assert page.mood.value() == 3
    qtbot.keyClick(buttons[2], Qt.Key.Key_Left)
    assert QApplication.focusWidget() is buttons[1]
    qtbot.keyClick(buttons[1], Qt.Key.Key_Tab)  # on to the energy row
    assert QApplication.focusWidget() in page.energy.buttons
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is buttons[1]  # where it left the row
    qtbot.keyClick(buttons[1], Qt.Key.Key_Home)
    assert QApplication.focusWidget() is buttons[0]
    qtbot.keyClick(buttons[0], Qt.Key.Key_Left)  # wraps round
    assert QApplication.focusWidget() is buttons[4]


def test_chips_added_later_join_the_row(qtbot, window, wait_for_tasks):
    page = _today(qtbot, window, wait_for_tasks)
    chips = page.emotions
    chip = chips.add_chip("wistful")
    assert chip in chips.roving.buttons
    assert chips.roving.buttons[-1] is chips.add_button  # "Add…" stays last


def test_keypad_arrows_move_along_the_row_too(qtbot, window, wait_for_tasks):
    """Keypad arrows carry the keypad modifier (on macOS every arrow does)."""
    page = _today(qtbot, window, wait_for_tasks)
    buttons = page.mood.buttons
    buttons[0].setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(buttons[0], Qt.Key.Key_Right, Qt.KeyboardModifier.KeypadModifier)
    assert QApplication.focusWidget() is buttons[1]


def test_the_chips_keep_a_tab_stop_while_the_add_field_is_open(qtbot, window, wait_for_tasks):
    page = _today(qtbot, window, wait_for_tasks)
    chips = page.emotions
    chips.open_editor()
    assert chips.add_edit is not None and QApplication.focusWidget() is chips.add_edit
    qtbot.keyClick(chips.add_edit, Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() in chips.chips.values()


def test_tab_enters_the_chips_at_the_first_chosen_one(qtbot, window, wait_for_tasks):
    page = _today(qtbot, window, wait_for_tasks)
    chips = page.emotions
    chips.set_selected(["proud"])
    stops = [b for b in chips.roving.buttons if b.focusPolicy() & Qt.FocusPolicy.TabFocus]
    assert stops == [chips.chips["proud"]]
