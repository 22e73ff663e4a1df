"""The Screen time page with the person's other computers' use (device sync, docs/protocol.md
§11.8): per computer and summed per day, only once another computer's history is there, this
computer's budgets still counting its own use, and the page holding at 800×600."""

from __future__ import annotations

import os
from datetime import timedelta

from companion.app import CompanionApp
from companion.clock import FakeClock
from companion.screentime.tracker import SpanClosed
from tests.gui.layout_check import every_tab
from ui.main_window import MainWindow
from ui.pages.screen_time import ScreenTimePage


def other_computer(app: CompanionApp, day: str, minutes: int, device: bytes) -> None:
    """What a round of device sync writes for another computer's day (its own tests are in
    tests/companion/test_device_screen_time.py)."""
    with app.vault.database.transaction() as cur:
        cur.execute("INSERT INTO screen_device_days (device, day) VALUES (?, ?)", (device, day))
        day_id = cur.lastrowid
        start = int(app.clock.now().timestamp() * 1_000_000) - 3600 * 1_000_000
        cur.execute("INSERT INTO screen_device_spans (day_id, part, position, app, title,"
                    " category, start_us, end_us, start_offset) VALUES (?,0,0,'code',NULL,"
                    "'work',?,?,60)", (day_id, start, start + minutes * 60_000_000))


def test_use_per_computer_and_together(qtbot, window: MainWindow, app: CompanionApp,  # type: ignore[no-untyped-def]
                                       clock: FakeClock, wait_for_tasks) -> None:
    wait_for_tasks()
    page = window.workspace.show_page(ScreenTimePage)  # type: ignore[union-attr]
    wait_for_tasks()
    assert isinstance(page, ScreenTimePage)
    assert page.devices_box.isHidden()  # one computer: nothing to add up
    start = clock.now() - timedelta(hours=2)
    app.screen_time.store.save_spans([SpanClosed("vlc", None, "video", start,
                                                 start + timedelta(minutes=20),
                                                 start.date().isoformat())])
    app.set_screen_time_budget("total", "", 30)
    today = clock.now().date().isoformat()
    other_computer(app, today, 45, os.urandom(16))
    other_computer(app, (clock.now() - timedelta(days=1)).date().isoformat(), 90,
                   os.urandom(16))
    page.refresh()
    wait_for_tasks()
    assert not page.devices_box.isHidden()
    table = page.devices_table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers == ["Day", "This computer", "Another computer", "Another computer",
                       "Together"]
    assert table.rowCount() == 7
    cells = [table.item(0, c).text() for c in range(table.columnCount())]
    assert cells[0] == today and cells[-1] == "1 h 05 min"
    assert [table.item(1, c).text() for c in (1, 4)] == ["–", "1 h 30 min"]
    # The budget on this computer counts its own 20 minutes, not the other's 45.
    (use,) = page.snapshot.status.budgets  # type: ignore[union-attr]
    assert use.used == timedelta(minutes=20)
    page.range_group.button(30).click()
    assert table.rowCount() == 30
    window.resize(800, 600)
    problems = every_tab(window, wait_for_tasks)
    assert problems == [], "\n".join(problems)
