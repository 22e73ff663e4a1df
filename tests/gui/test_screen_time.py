"""The screen-time page and its driver: budget bars, the chart, the editors, settings, and
warnings and breaks that fire at the right moments (fake clock, scripted samples) and show on
the page and in the tray."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from PySide6.QtWidgets import QProgressBar

from companion.app import CompanionApp
from companion.clock import FakeClock
from companion.screentime.probes import Sample
from companion.screentime.tracker import ActiveWindow, SpanClosed
from ui.main_window import MainWindow
from ui.pages.screen_time import ScreenTimePage
from ui.tray import Tray

VIDEO = ActiveWindow("vlc", "A film")


def feed(window: MainWindow, clock: FakeClock, minutes: float, step: int = 5) -> None:
    driver = window.workspace.screen_time  # type: ignore[union-attr]
    for _ in range(int(minutes * 60 / step)):
        driver.feed(clock.advance(seconds=step), Sample(VIDEO, 0.0))


def open_page(window: MainWindow, wait_for_tasks) -> ScreenTimePage:  # type: ignore[no-untyped-def]
    wait_for_tasks()
    page = window.workspace.show_page(ScreenTimePage)  # type: ignore[union-attr]
    wait_for_tasks()
    assert isinstance(page, ScreenTimePage)
    return page


def test_budget_warning_and_break_reach_the_page_and_the_tray(
        qtbot, window: MainWindow, app: CompanionApp, clock: FakeClock,  # type: ignore[no-untyped-def]
        wait_for_tasks) -> None:
    app.screen_time.set_budget("category", "video", 10)
    tray = Tray(window)
    tray._on_unlocked()
    page = open_page(window, wait_for_tasks)
    window.workspace.screen_time.feed(clock.now(), Sample(VIDEO, 0.0))  # type: ignore[union-attr]
    with qtbot.waitSignal(tray.notified, timeout=1000) as signal:
        feed(window, clock, 8)
    assert signal.args[0] == "Most of today's planned time is used"
    assert page.notice_box.isVisibleTo(page)
    assert "8 min of the 10 min you planned for video" in page.notice_text.text()
    page.snooze_button.click()                      # 15 minutes of quiet
    assert not page.notice_box.isVisibleTo(page)
    notices: list[str] = []
    tray.notified.connect(lambda title, text: notices.append(title))
    feed(window, clock, 12)
    assert notices == ["A moment for your eyes"]    # at 20 minutes of use; budget snoozed
    feed(window, clock, 3.5)
    assert notices[-1] == "You have reached the time you planned"
    wait_for_tasks()
    bars = page.findChildren(QProgressBar)
    assert [bar.value() for bar in bars] == [100]
    assert bars[0].toolTip().endswith("of 10 min")


def test_today_history_and_editors(qtbot, window: MainWindow, app: CompanionApp,  # type: ignore[no-untyped-def]
                                   clock: FakeClock, wait_for_tasks) -> None:
    now = clock.now()
    store = app.screen_time.store
    store.save_spans([SpanClosed("firefox", "News", "browsing", now - timedelta(days=d, hours=2),
                                 now - timedelta(days=d, hours=1), (now - timedelta(days=d))
                                 .date().isoformat()) for d in range(10)])
    page = open_page(window, wait_for_tasks)
    assert page.today_total.text() == "1 h 00 min of active use today"
    assert "firefox 1 h 00 min" in page.top_apps.text()
    assert len(page.chart.days) == 7 and len(page.chart.data) == 10
    page.range_group.button(30).click()
    assert len(page.chart.days) == 30

    page.budget_kind.setCurrentIndex(2)            # an app
    page.budget_target.setText("firefox")
    page.budget_minutes.setValue(90)
    page.budget_day.setCurrentIndex(6)             # Saturday (the fake clock's day)
    page._set_budget()
    wait_for_tasks()
    assert page.budget_table.rowCount() == 1
    assert page.budget_table.item(0, 2).text() == "Saturday"
    assert [b.value() for b in page.findChildren(QProgressBar)] == [67]

    page._add_rule()
    row = page.rules_table.rowCount() - 1
    page.rules_table.item(row, 0).setText("news")
    page.rules_table.item(row, 2).setText("(broken")
    page._save_rules()
    wait_for_tasks()
    assert "not a valid regular expression" in page.bar.text.text()
    page.rules_table.item(row, 2).setText("news")
    page.rules_table.insertRow(0)                  # first rule wins: put it on top
    for column in range(3):
        page.rules_table.setItem(0, column, page.rules_table.takeItem(row + 1, column))
    page.rules_table.removeRow(row + 1)
    page._save_rules()
    wait_for_tasks()
    assert store.categorizer()("firefox", "Morning news") == "news"


def test_settings_turn_breaks_and_privacy_on_and_off(
        qtbot, window: MainWindow, prefs, wait_for_tasks) -> None:  # type: ignore[no-untyped-def]
    page = open_page(window, wait_for_tasks)
    page.privacy_box.setChecked(True)
    page.eye_box.setChecked(False)
    page.rest_after_spin.setValue(60)
    assert prefs.current.privacy_mode and not prefs.current.eye_breaks
    assert prefs.current.rest_after_minutes == 60
    service = window.workspace.screen_time.service  # type: ignore[union-attr]
    assert not service.tracker.settings.keep_titles
    assert not service.tracker.breaks.settings.eye_enabled
    prefs.update(replace(prefs.current, screen_time_enabled=False))
    assert "Measuring is turned off" in page.state.text() or "cannot measure" in \
        page.state.text()
    wait_for_tasks()


@pytest.mark.slow
def test_activitywatch_history_is_imported_from_the_page(
        qtbot, window: MainWindow, app: CompanionApp, clock: FakeClock,  # type: ignore[no-untyped-def]
        wait_for_tasks, tmp_path) -> None:
    """A real aw-server (see tests/companion/test_screentime_activitywatch.py), driven through
    the page's own field and button; the import runs on the task runner."""
    from tests.companion.test_screentime_activitywatch import T0, seed
    from tests.support.aw_server import free_port, running_aw_server

    clock.advance(hours=4)  # the seeded hour (T0) is now in the past
    page = open_page(window, wait_for_tasks)
    page.aw_url.setText(f"http://127.0.0.1:{free_port()}")  # nothing listens there
    page.aw_days.setValue(2)
    page.aw_button.click()
    wait_for_tasks()
    assert "ActivityWatch" in page.bar.text.text() and page.aw_button.isEnabled()
    with running_aw_server(tmp_path / "aw") as url:
        seed(url)
        page.aw_url.setText(url)
        page.aw_button.click()
        assert not page.aw_button.isEnabled()  # no second import while one runs
        wait_for_tasks()
        assert page.bar.text.text() == ("Imported 40 min of active use (2 stretches) from "
                                        "ActivityWatch.")
        page.aw_button.click()
        wait_for_tasks()
        assert "nothing new to import" in page.bar.text.text()
    day = T0.astimezone().date().isoformat()
    assert sorted(s.app for s in app.screen_time.store.spans(day)) == ["code", "firefox"]


def test_the_page_shows_a_budget_set_anywhere_through_the_facade(
        qtbot, window: MainWindow, app: CompanionApp, wait_for_tasks) -> None:  # type: ignore[no-untyped-def]
    """Changes(screen_time=True): a budget set outside the page (as the command line or
    another page would, through the facade) appears on it without a reload."""
    page = open_page(window, wait_for_tasks)
    assert page.budget_table.rowCount() == 0
    window.runner.run(lambda: app.set_screen_time_budget("category", "video", 45))
    qtbot.waitUntil(lambda: page.budget_table.rowCount() == 1, timeout=10_000)
    wait_for_tasks()


def test_measured_use_is_saved_through_the_facade_and_announced(
        window: MainWindow, app: CompanionApp, clock: FakeClock,
        wait_for_tasks) -> None:  # type: ignore[no-untyped-def]
    """The driver saves every minute through the facade, so Insights (screen time against
    mood) and the page hear of new use like any other change."""
    wait_for_tasks()
    heard: list[bool] = []
    app.subscribe(lambda changes: heard.append(changes.screen_time))
    driver = window.workspace.screen_time  # type: ignore[union-attr]
    feed(window, clock, minutes=3)  # 36 polls of one window …
    for _ in range(30):  # … then another: the first span closes, and the 60th poll saves it
        driver.feed(clock.advance(seconds=5), Sample(ActiveWindow("gedit", "notes"), 0.0))
    wait_for_tasks()
    assert True in heard
    totals = app.screen_time_overview(1).status.totals
    assert totals.by_app, totals
