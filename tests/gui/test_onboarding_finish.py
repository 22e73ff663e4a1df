"""Onboarding's end (issue 17, items 2 and 5): the keyboard is in Today's check-in as soon as
the journal opens, and the last step's heading counts the choices it really offers."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QToolButton

from companion.app import CompanionApp
from tests.conftest import PASSPHRASE
from tests.gui.first_screens import offer, onboarding_window
from ui.onboarding import Onboarding
from ui.pages.today import TodayPage


def test_after_onboarding_keys_1_to_5_pick_a_mood_without_a_tab(qtbot, private_home, runner,  # type: ignore[no-untyped-def]
                                                               prefs, wait_for_tasks):
    main = onboarding_window(qtbot, private_home, runner, prefs)
    main.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is main)
    flow = main.onboarding
    assert flow is not None
    qtbot.keyClick(flow.start_button, Qt.Key.Key_Return)
    flow.pass1.edit.setText(PASSPHRASE)
    flow.pass2.edit.setText(PASSPHRASE)
    qtbot.keyClick(flow.pass2.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: flow.stack.currentWidget() is flow.code_step, timeout=15_000)
    flow.stored.setChecked(True)
    flow.code_next.click()
    flow.done_button.setFocus()
    qtbot.keyClick(flow.done_button, Qt.Key.Key_Return)  # "Open my journal", by keyboard
    assert main.workspace is not None
    today = main.workspace.stack.currentWidget()
    assert isinstance(today, TodayPage)
    # The focus moves on the next turn of the event loop; no key is pressed before it lands.
    qtbot.waitUntil(lambda: QApplication.focusWidget() in today.mood.buttons, timeout=5_000)
    wait_for_tasks()
    focus = QApplication.focusWidget()
    assert isinstance(focus, QToolButton) and focus.hasFocus()
    for key, mood in ((Qt.Key.Key_4, 4), (Qt.Key.Key_2, 2), (Qt.Key.Key_5, 5)):
        qtbot.keyClick(QApplication.focusWidget(), key)
        assert today.mood.value() == mood
    assert today.save_button.isEnabled()
    main.shutdown()


def _heading(flow: Onboarding) -> str:
    return next(label.text() for label in flow.finish_step.findChildren(QLabel)
                if label.property("role") == "heading")


@pytest.mark.parametrize(("keyring", "tray", "heading", "offered"), [
    (True, True, "Two choices, both optional", {"remember", "reminder"}),
    (True, False, "One choice, optional", {"remember"}),
    (False, True, "One choice, optional", {"reminder"}),
    (False, False, "You are ready", set()),
])
def test_the_last_step_counts_the_choices_it_offers(qtbot, private_home, runner,  # type: ignore[no-untyped-def]
                                                    monkeypatch, keyring, tray, heading,
                                                    offered):
    """Seen: "Two choices, both optional" above one choice. Remembering needs a keyring,
    a reminder a tray icon to show from; the heading says how many are left."""
    offer(monkeypatch, keyring=keyring, tray=tray)
    flow = Onboarding(CompanionApp(private_home), runner)
    qtbot.addWidget(flow)
    flow.show()
    flow.stack.setCurrentWidget(flow.finish_step)
    shown = {name for name, box in (("remember", flow.remember), ("reminder", flow.reminder))
             if box.isVisible()}
    assert shown == offered
    assert _heading(flow) == heading
    assert flow.reminder_time.isVisible() == ("reminder" in offered)
