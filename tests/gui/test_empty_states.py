"""A new person meets pages that say what they are for and offer the first step (issue 17,
item 7): Insights, Screen time and the Circle (the Journal's is in test_journal_empty)."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from companion.models import CheckInDraft
from companion.screentime.tracker import SpanClosed
from ui.pages.circle import CirclePage
from ui.pages.insights import InsightsPage
from ui.pages.screen_time import ScreenTimePage
from ui.pages.today import TodayPage


def _shown(qtbot, window, page_type, wait_for_tasks):  # type: ignore[no-untyped-def]
    window.activateWindow()
    wait_for_tasks()
    page = window.workspace.show_page(page_type)
    wait_for_tasks()
    qtbot.wait(10)  # widgets added to a shown layout are shown on the next turn of the loop
    return page


def test_insights_on_an_empty_vault_explains_itself_and_leads_to_today(qtbot, window,
                                                                       wait_for_tasks):
    page = _shown(qtbot, window, InsightsPage, wait_for_tasks)
    assert page.first_use and page.empty.isVisible()
    assert "only once there is enough of it" in page.empty.body.text()
    assert not page.summary_button.isVisible()  # nothing to summarise yet
    page.focus_work()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.empty.buttons[0])
    qtbot.keyClick(page.empty.buttons[0], Qt.Key.Key_Space)
    assert isinstance(window.workspace.pages[window.workspace.stack.currentIndex()], TodayPage)


def test_insights_with_check_ins_only_outside_the_period_says_so_instead(qtbot, window, app, clock,
                                                                         wait_for_tasks):
    app.add_checkin(CheckInDraft(mood=3, at=clock.now() - timedelta(days=400)))
    page = _shown(qtbot, window, InsightsPage, wait_for_tasks)
    assert not page.first_use
    texts = [label.text() for label in page.findChildren(QLabel) if label.isVisibleTo(page)]
    assert "Not enough data yet" in texts


def test_the_panel_leaves_once_there_is_a_check_in(qtbot, window, app, clock, wait_for_tasks):
    page = _shown(qtbot, window, InsightsPage, wait_for_tasks)
    assert page.first_use
    app.add_checkin(CheckInDraft(mood=4, at=clock.now()))
    wait_for_tasks()
    assert not page.first_use and page.summary_button.isVisible()


def test_screen_time_with_nothing_measured_offers_a_budget_first(qtbot, window, app, clock,
                                                                 wait_for_tasks):
    page = _shown(qtbot, window, ScreenTimePage, wait_for_tasks)
    assert page.first_use and not page.today_box.isVisibleTo(page)
    assert "Nothing has been measured yet" in page.empty.body.text()
    page.empty.buttons[0].click()
    assert QApplication.focusWidget() is page.budget_kind
    now = clock.now()
    app.screen_time.store.save_spans([SpanClosed("firefox", "News", "browsing",
                                                 now - timedelta(hours=2),
                                                 now - timedelta(hours=1), now.date().isoformat())])
    page.refresh()
    wait_for_tasks()
    assert not page.first_use and page.today_box.isVisibleTo(page)


def test_the_circle_page_without_a_circle_has_one_place_to_start(qtbot, window,
                                                                 wait_for_tasks):
    page = _shown(qtbot, window, CirclePage, wait_for_tasks)
    assert page.stack.currentWidget() is page.empty
    assert [b.text() for b in page.empty.buttons] == ["Start a circle…", "Join with a code…"]
    for button in (page.menu_button, page.sync_button):
        assert not button.isVisible()  # not twice, and no "Sync now" with nothing to sync
    assert "the storage sees nothing but sizes and times" in page.empty.body.text()


def test_a_page_switch_puts_the_keyboard_on_the_pages_first_control(qtbot, window, app, clock,
                                                                    wait_for_tasks):
    """Not on the page itself or the scroll area around it (issue 17, item 2)."""
    from ui.pages.settings import SettingsPage

    app.add_checkin(CheckInDraft(mood=4, at=clock.now()))
    insights = _shown(qtbot, window, InsightsPage, wait_for_tasks)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is insights.period)
    settings = _shown(qtbot, window, SettingsPage, wait_for_tasks)
    focused = QApplication.focusWidget()
    assert focused is not None and settings.isAncestorOf(focused)
    assert focused.accessibleName() == "Change passphrase…" or "passphrase" in focused.text()
