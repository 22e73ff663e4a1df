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
