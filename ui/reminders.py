"""The daily check-in reminder: when to say "A moment to check in with yourself?".

The rule is "when the chosen time passes while Companion is running, at most once a day". It
fires only when a check sees the time cross from before the reminder to at-or-after it, so
starting the app at 21:00 with a 20:00 reminder stays quiet (the day's moment has passed), and
a restart after the reminder the same day does not repeat it, although the last-fired date is
kept in memory only (nothing about the user's habits is written to disk). Time comes from an
injectable clock so tests can move it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from companion.preferences import Preferences

REMINDER_TITLE = "Companion"
REMINDER_TEXT = "A moment to check in with yourself?"
CHECK_INTERVAL_MS = 30_000

Now = Callable[[], datetime]


def local_now() -> datetime:
    return datetime.now(UTC).astimezone()


def parse_time_of_day(text: str) -> time:
    """ "HH:MM" (as stored in preferences) to a time; preferences are validated already."""
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


class ReminderScheduler(QObject):
    """Emits `due` once a day when the reminder time passes, if reminders are on.

    A coarse timer calls `check()` every 30 seconds while reminders are on; tests call
    `check()` themselves after moving their clock.
    """

    due = Signal()

    def __init__(self, clock: Now | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.clock: Now = clock or local_now
        self.enabled = False
        self.at = time(20, 0)
        self.last_check = self.clock()
        self.last_fired: date | None = None
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.VeryCoarseTimer)
        self.timer.setInterval(CHECK_INTERVAL_MS)
        self.timer.timeout.connect(self.check)

    def apply(self, prefs: Preferences) -> None:
        self.configure(prefs.reminder_enabled, prefs.reminder_time)

    def configure(self, enabled: bool, at: str) -> None:
        if enabled and not self.enabled:
            # Turning reminders on counts from now: a time already past today waits for
            # tomorrow instead of firing the moment the box is ticked.
            self.last_check = self.clock()
        self.enabled = enabled
        self.at = parse_time_of_day(at)
        if enabled:
            self.timer.start()
        else:
            self.timer.stop()

    def next_due(self) -> datetime | None:
        """When the reminder would next fire (for the settings page and tests)."""
        if not self.enabled:
            return None
        now = self.clock()
        today = datetime.combine(now.date(), self.at, tzinfo=now.tzinfo)
        if today > now and self.last_fired != now.date():
            return today
        return datetime.combine(date.fromordinal(now.date().toordinal() + 1), self.at,
                                tzinfo=now.tzinfo)

    def check(self) -> bool:
        """Fire `due` if the reminder time passed since the last check; True if it fired."""
        now = self.clock()
        previous, self.last_check = self.last_check, now
        if not self.enabled or self.last_fired == now.date():
            return False
        target = datetime.combine(now.date(), self.at, tzinfo=now.tzinfo)
        if not previous < target <= now:
            return False
        self.last_fired = now.date()
        self.due.emit()
        return True

    def stop(self) -> None:
        self.timer.stop()


QUESTIONNAIRE_EVERY_DAYS = 14
QUESTIONNAIRE_TEXT = ("It has been two weeks since your last questionnaire. A few minutes for "
                      "one, if you like? (Insights → Take a questionnaire)")
QUESTIONNAIRE_CHECK_MS = 60_000


class QuestionnaireReminder(QObject):
    """Emits `due` when questionnaires are two weeks old, if the person asked for it.

    The rule: at most once a day, and only when 14 days have passed since the last result and
    since the last reminder. It stays quiet until the date of the last result is known (read
    from the vault after unlocking, `note_taken`), so a locked app never guesses. Dates live
    in memory only.
    """

    due = Signal()

    def __init__(self, clock: Now | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.clock: Now = clock or local_now
        self.enabled = False
        self.known = False
        self.last_taken: date | None = None
        self.last_fired: date | None = None
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.VeryCoarseTimer)
        self.timer.setInterval(QUESTIONNAIRE_CHECK_MS)
        self.timer.timeout.connect(self.check)

    def apply(self, prefs: Preferences) -> None:
        self.enabled = prefs.questionnaire_reminder
        if self.enabled:
            self.timer.start()
        else:
            self.timer.stop()

    def note_taken(self, day: date | None) -> None:
        """The date of the newest saved result (None: none yet)."""
        self.known = True
        if day is not None and (self.last_taken is None or day > self.last_taken):
            self.last_taken = day

    def check(self) -> bool:
        today = self.clock().date()
        if not self.enabled or not self.known or self.last_fired == today:
            return False
        anchors = [d for d in (self.last_taken, self.last_fired) if d is not None]
        if anchors and (today - max(anchors)).days < QUESTIONNAIRE_EVERY_DAYS:
            return False
        self.last_fired = today
        self.due.emit()
        return True

    def stop(self) -> None:
        self.timer.stop()


def watch_questionnaires(window: Any, reminder: QuestionnaireReminder) -> None:
    """After an unlock: read the newest result's date (on the task runner) and follow saves."""
    workspace = getattr(window, "workspace", None)
    if workspace is None:
        return
    app = window.app

    def newest() -> date | None:
        found = app.questionnaire_history(limit=1)
        return found[-1].taken_at.date() if found else None

    window.runner.run(newest, reminder.note_taken)
    workspace.ctx.changes.changed.connect(
        lambda changes: _note_if(changes.questionnaires, reminder, app.clock.now().date()))


def _note_if(taken: bool, reminder: QuestionnaireReminder, day: date) -> None:
    if taken:
        reminder.note_taken(day)
