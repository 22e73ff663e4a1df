"""The optional two-weekly questionnaire reminder: its rule, the tray and the setting."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from ui.pages.settings import SettingsPage
from ui.reminders import QUESTIONNAIRE_TEXT, QuestionnaireReminder
from ui.tray import Tray


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def test_two_weeks_after_the_last_result_once_a_day_and_only_when_known(qtbot, prefs):
    clock = Clock(datetime(2026, 3, 14, 10, 0))
    reminder = QuestionnaireReminder(clock)
    fired: list[date] = []
    reminder.due.connect(lambda: fired.append(clock().date()))
    reminder.apply(replace(prefs.current, questionnaire_reminder=True))
    assert not reminder.check()  # the last result's date is not known yet: stay quiet
    reminder.note_taken(date(2026, 3, 1))
    assert not reminder.check()  # 13 days
    clock.now += timedelta(days=1)
    assert reminder.check() and fired == [date(2026, 3, 15)]
    assert not reminder.check()  # once a day
    clock.now += timedelta(days=13)
    assert not reminder.check()  # and then not for two weeks
    reminder.note_taken(date(2026, 3, 28))  # a questionnaire taken meanwhile resets it
    clock.now += timedelta(days=1)
    assert not reminder.check()
    reminder.apply(replace(prefs.current, questionnaire_reminder=False))
    clock.now += timedelta(days=30)
    assert not reminder.check() and not reminder.timer.isActive()


def test_the_tray_reminds_after_unlock_when_the_setting_is_on(qtbot, window, app, prefs,
                                                              wait_for_tasks):
    app.save_questionnaire("who5", [3, 3, 3, 3, 3], taken_at=app.clock.now()
                           - timedelta(days=20))
    clock = Clock(app.clock.now())
    tray = Tray(window, clock=clock)
    notices: list[str] = []
    tray.notified.connect(lambda _title, text: notices.append(text))
    settings = window.workspace.show_page(SettingsPage)
    assert not settings.questionnaire_reminder.isChecked()  # off by default
    settings.questionnaire_reminder.setChecked(True)
    assert prefs.current.questionnaire_reminder and tray.questionnaire_reminders.enabled
    window.unlocked.emit()  # as after an unlock: the newest result's date is read
    wait_for_tasks()
    assert tray.questionnaire_reminders.check()
    assert notices == [QUESTIONNAIRE_TEXT]
