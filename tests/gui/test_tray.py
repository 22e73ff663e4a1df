"""The tray's menu actions and the daily check-in reminder (on a fake clock)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QSystemTrayIcon

from tests.conftest import PASSPHRASE
from ui.pages.settings import SettingsPage
from ui.pages.today import TodayPage
from ui.reminders import REMINDER_TEXT, ReminderScheduler
from ui.tray import Tray

# The offscreen platform has no window system to raise a window in, and says so.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise")


class Clock:
    """Local wall-clock time that moves only when told to."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def set(self, hour: int, minute: int, second: int = 0, *, days: int = 0) -> None:
        day = self.now.date() + timedelta(days=days)
        self.now = datetime(day.year, day.month, day.day, hour, minute, second)


def scheduler(clock: Clock, enabled: bool = True, at: str = "20:00") -> tuple[
        ReminderScheduler, list[datetime]]:
    reminders = ReminderScheduler(clock)
    fired: list[datetime] = []
    reminders.due.connect(lambda: fired.append(clock()))
    reminders.configure(enabled, at)
    return reminders, fired


# -- the schedule -----------------------------------------------------------------------------

def test_fires_once_at_the_time_and_not_before(qtbot):
    clock = Clock(datetime(2026, 3, 14, 19, 58))
    reminders, fired = scheduler(clock)
    assert reminders.timer.isActive()
    clock.set(19, 59, 59)
    assert not reminders.check()
    clock.set(20, 0, 0)
    assert reminders.check()
    assert fired == [datetime(2026, 3, 14, 20, 0)]
    for hour, minute in ((20, 0), (20, 1), (21, 30), (23, 59)):
        clock.set(hour, minute, 30)
        reminders.check()
    assert len(fired) == 1  # not twice the same day
    clock.set(19, 0, days=1)
    reminders.check()
    clock.set(20, 0, 20)
    reminders.check()
    assert fired[1:] == [datetime(2026, 3, 15, 20, 0, 20)]  # and again the next day


def test_starting_after_the_time_waits_for_tomorrow(qtbot):
    # Also what happens when Companion is restarted after the reminder the same day: the
    # last-fired date is kept in memory only, and still nothing repeats.
    clock = Clock(datetime(2026, 3, 14, 20, 5))
    reminders, fired = scheduler(clock)
    clock.set(20, 6)
    reminders.check()
    clock.set(23, 0)
    reminders.check()
    assert fired == []
    assert reminders.next_due() == datetime(2026, 3, 15, 20, 0)
    clock.set(20, 0, days=1)
    assert reminders.check()


def test_later_time_the_same_day_does_not_fire_again(qtbot):
    clock = Clock(datetime(2026, 3, 14, 19, 59))
    reminders, fired = scheduler(clock)
    clock.set(20, 0)
    reminders.check()
    reminders.configure(True, "21:00")
    clock.set(21, 1)
    reminders.check()
    assert len(fired) == 1


def test_nothing_when_reminders_are_off(qtbot):
    clock = Clock(datetime(2026, 3, 14, 19, 59))
    reminders, fired = scheduler(clock, enabled=False)
    assert not reminders.timer.isActive()
    assert reminders.next_due() is None
    clock.set(20, 0, 30)
    assert not reminders.check()
    reminders.configure(True, "20:00")  # turned on after the time: not at once
    clock.set(20, 1)
    reminders.check()
    reminders.configure(False, "20:00")
    clock.set(20, 0, 30, days=1)
    reminders.check()
    assert fired == []


def test_a_midnight_crossing_reminder(qtbot):
    clock = Clock(datetime(2026, 3, 14, 23, 50))
    reminders, fired = scheduler(clock, at="00:15")
    clock.set(0, 16, days=1)
    assert reminders.check()
    assert fired == [datetime(2026, 3, 15, 0, 16)]


# -- the tray and its menu --------------------------------------------------------------------

def test_no_tray_here_means_no_tray_object(window):
    assert not QSystemTrayIcon.isSystemTrayAvailable()  # offscreen
    assert Tray.create(window) is None


def test_menu_actions_work_without_a_system_tray(qtbot, window, wait_for_tasks):
    tray = Tray(window)
    texts = [action.text() for action in tray.menu.actions() if not action.isSeparator()]
    assert texts == ["Open Companion", "Quick check-in", "Lock now", "About Companion",
                     "Quit Companion"]
    window.hide()
    tray.open_action.trigger()
    assert window.isVisible()

    window.workspace.show_page(SettingsPage)
    tray.checkin_action.trigger()
    assert isinstance(window.workspace.stack.currentWidget(), TodayPage)

    assert tray.lock_action.isEnabled()
    tray.lock_action.trigger()
    assert window.is_locked
    assert not tray.lock_action.isEnabled()
    wait_for_tasks()

    window.hide()
    tray.checkin_action.trigger()  # locked: the unlock screen first, then the check-in
    assert window.isVisible()
    assert window.states.currentWidget() is window.unlock_screen
    window.unlock_screen.field.edit.setText(PASSPHRASE)
    window.unlock_screen.submit()
    qtbot.waitUntil(lambda: not window.is_locked, timeout=10_000)
    assert isinstance(window.workspace.stack.currentWidget(), TodayPage)
    assert tray.lock_action.isEnabled()


def test_the_reminder_follows_the_preference(qtbot, window, prefs):
    clock = Clock(datetime(2026, 3, 14, 19, 59))
    tray = Tray(window, clock=clock)
    notices: list[tuple[str, str]] = []
    tray.notified.connect(lambda title, text: notices.append((title, text)))
    assert not tray.reminders.enabled  # off by default
    prefs.update(replace(prefs.current, reminder_enabled=True, reminder_time="20:00"))
    assert tray.reminders.enabled
    clock.set(20, 0, 10)
    tray.reminders.check()
    assert notices == [("Companion", REMINDER_TEXT)]
    assert REMINDER_TEXT == "A moment to check in with yourself?"
    prefs.update(replace(prefs.current, reminder_enabled=False))
    assert not tray.reminders.timer.isActive()


def test_closing_keeps_running_only_with_a_tray_and_a_reminder(qtbot, window, prefs):
    tray = Tray(window)  # no icon: closing the window quits as before
    window.tray = tray
    prefs.update(replace(prefs.current, reminder_enabled=True))
    assert not tray.keeps_running()


@pytest.mark.qt_log_ignore("This plugin does not support raise",
                           "No such signal QPlatformNativeInterface::systemTrayWindowChanged")
def test_closing_hides_to_the_tray_when_a_reminder_is_set(qtbot, window, prefs,
                                                          wait_for_tasks):
    # A real tray icon; the offscreen platform just has nowhere to draw it.
    pixmap = QPixmap(16, 16)
    pixmap.fill()
    icon = QSystemTrayIcon(QIcon(pixmap), window)
    tray = Tray(window, icon)
    icon.show()
    window.tray = tray
    notices: list[str] = []
    tray.notified.connect(lambda title, _text: notices.append(title))
    assert not tray.keeps_running()  # no reminder: closing quits
    prefs.update(replace(prefs.current, reminder_enabled=True, reminder_time="07:30"))
    assert tray.keeps_running()
    window.close()
    wait_for_tasks()
    # Hidden and still running for the reminder, but locked: out of sight is never open.
    assert not window.isVisible() and window.is_locked and not window.app.is_unlocked
    assert window.app.vault.paths.lock_file.exists()  # not shut down: the vault stays claimed
    assert notices == ["Companion is still running"]
    tray.open_action.trigger()
    window.close()
    assert notices == ["Companion is still running"]  # said once per session
    tray.open_action.trigger()
    assert window.isVisible()
    icon.hide()
