"""The Tab key walks every page and dialog in a sensible order (issue 17, item 2): it reaches
every control, never gets stuck, and follows reading order. (Seen: Tab from an entry's title
landed on the star; the Journal's search came after its editor; tables kept Tab for their
cells.)"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QDialog

from tests.gui.tab_walk import focusable, out_of_reading_order, walk
from tests.gui.test_layouts import _dialogs


def control_name(widget) -> str:  # type: ignore[no-untyped-def]
    return f"{type(widget).__name__} {widget.accessibleName() or getattr(widget, 'text', str)()!r}"


PAGES = ["TodayPage", "JournalPage", "InsightsPage", "ScreenTimePage", "CirclePage",
         "SettingsPage"]


def _judge(qtbot, root, start) -> list[str]:  # type: ignore[no-untyped-def]
    stops = walk(qtbot, root, start)
    problems = [f"order: {p}" for p in out_of_reading_order(stops)]
    reached = {id(stop.widget) for stop in stops}
    problems += [f"never reached: {control_name(w)}" for w in focusable(root)
                 if id(w) not in reached]
    back = walk(qtbot, root, start, backwards=True)
    if len(back) != len(stops):
        problems.append(f"Shift+Tab visits {len(back)} stops, Tab {len(stops)}")
    return problems


@pytest.mark.parametrize("size", [(800, 600), (1100, 720)])
@pytest.mark.parametrize("name", PAGES)
def test_tab_walks_each_page_in_reading_order(qtbot, window, app, wait_for_tasks, name, size):
    from companion.demo_data import fill_with_demo_data

    fill_with_demo_data(app, days=30)
    window.resize(*size)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    index = PAGES.index(name)
    page = window.workspace.show_page(index)
    wait_for_tasks()
    qtbot.wait(20)
    problems = _judge(qtbot, window, window.workspace.sidebar)
    assert problems == [], "\n".join(problems)
    assert page.isVisible()


def test_tab_walks_each_dialog_in_reading_order(qtbot, window, app, runner, tmp_path,
                                                wait_for_tasks):
    problems = []
    for name, dialog in _dialogs(window, app, runner, tmp_path):
        assert isinstance(dialog, QDialog)
        dialog.show()
        dialog.activateWindow()
        qtbot.waitUntil(lambda d=dialog: QApplication.activeWindow() is d)
        wait_for_tasks()
        start = focusable(dialog)[0]
        problems += [f"{name}: {p}" for p in _judge(qtbot, dialog, start)]
        dialog.hide()
    assert problems == [], "\n".join(problems)


def test_every_dialog_has_a_default_button_for_enter(qtbot, window, app, runner, tmp_path,
                                                     wait_for_tasks):
    """Enter presses the dialog's main button (issue 17, item 2)."""
    from PySide6.QtWidgets import QPushButton

    missing = []
    for name, dialog in _dialogs(window, app, runner, tmp_path):
        dialog.show()
        wait_for_tasks()
        defaults = [b.text() for b in dialog.findChildren(QPushButton)
                    if b.isVisibleTo(dialog) and b.isDefault()]
        if len(defaults) != 1:
            missing.append(f"{name}: {defaults}")
        dialog.hide()
    assert missing == [], "\n".join(missing)
