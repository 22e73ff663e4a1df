"""The system tray icon: open, quick check-in, lock now, quit; and the daily reminder.

The menu, its actions and the reminder schedule live in `Tray` whether or not a tray icon can
be shown, so they work (and are tested) on desktops without a tray; only the icon itself and
its notifications need one. `Tray.create(window)` returns None where there is no tray: then
closing the window quits as usual and no reminder can be shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from companion.preferences import Preferences
from ui.icons import app_icon, icon
from ui.reminders import (
    QUESTIONNAIRE_TEXT,
    REMINDER_TEXT,
    REMINDER_TITLE,
    Now,
    QuestionnaireReminder,
    ReminderScheduler,
    watch_questionnaires,
)

if TYPE_CHECKING:
    from ui.main_window import MainWindow

NOTICE_MSECS = 15_000


class Tray(QObject):
    """Tray menu and reminders for `window`; `tray_icon` is None where no tray exists."""

    notified = Signal(str, str)  # title, text: every notification posted (or due, if no icon)

    def __init__(self, window: MainWindow, tray_icon: QSystemTrayIcon | None = None, *,
                 clock: Now | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.tray_icon = tray_icon
        self._hidden_noted = False
        self._checkin_after_unlock = False
        self._last_notice_was_reminder = False
        self.menu = QMenu(window)
        self.open_action = self._action(self.tr("Open Companion"), "companion", self.open_window)
        self.checkin_action = self._action(self.tr("Quick check-in"), "today",
                                           self.quick_check_in)
        self.lock_action = self._action(self.tr("Lock now"), "lock", self.lock_now)
        self.menu.addSeparator()
        self.about_action = self._action(self.tr("About Companion"), "help", self.show_about)
        self.quit_action = self._action(self.tr("Quit Companion"), "", self.quit)
        self.reminders = ReminderScheduler(clock, parent=self)
        self.reminders.due.connect(self.show_reminder)
        self.reminders.apply(window.prefs.current)
        self.questionnaire_reminders = QuestionnaireReminder(clock, parent=self)
        self.questionnaire_reminders.due.connect(
            lambda: self.notify(self.tr(REMINDER_TITLE), self.tr(QUESTIONNAIRE_TEXT)))
        self.questionnaire_reminders.apply(window.prefs.current)
        window.prefs.changed.connect(self._preferences_changed)
        window.locked.connect(self._update_actions)
        window.unlocked.connect(self._on_unlocked)
        if tray_icon is not None:
            tray_icon.setContextMenu(self.menu)
            tray_icon.setToolTip("Companion")
            tray_icon.activated.connect(self._activated)
            tray_icon.messageClicked.connect(self._message_clicked)
        self._update_actions()

    @staticmethod
    def create(window: MainWindow) -> Tray | None:
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return None
        tray_icon = QSystemTrayIcon(app_icon(), window)
        tray = Tray(window, tray_icon)
        tray_icon.show()
        return tray

    def _action(self, text: str, icon_name: str, slot: Callable[[], None]) -> QAction:
        glyph = (app_icon() if icon_name == "companion" else icon(icon_name) if icon_name
                 else QIcon())
        action = QAction(glyph, text, self)
        action.triggered.connect(slot)
        self.menu.addAction(action)
        return action

    # -- what the main window asks ----------------------------------------------------------

    def keeps_running(self) -> bool:
        """Closing the window hides it (instead of quitting) only when a reminder is waiting
        and there is a visible tray icon to bring the window back from."""
        return (self.tray_icon is not None and self.tray_icon.isVisible()
                and self.window.prefs.current.reminder_enabled)

    def note_hidden(self) -> None:
        """Say once per session why the window went away instead of quitting."""
        if self._hidden_noted:
            return
        self._hidden_noted = True
        self.notify(self.tr("Companion is still running"), self.tr(
            "It stays in the tray to remind you at %1. Quit it from the tray menu.").replace(
            "%1", self.window.prefs.current.reminder_time))

    # -- actions ----------------------------------------------------------------------------

    def open_window(self) -> None:
        window = self.window
        if window.isMinimized():
            window.showNormal()
        else:
            window.show()
        window.raise_()
        window.activateWindow()

    def quick_check_in(self) -> None:
        """Bring up today's check-in; if locked, the unlock screen first, then the check-in."""
        self.open_window()
        workspace = self.window.workspace
        if workspace is None:
            self._checkin_after_unlock = True
            return
        self._checkin_after_unlock = False
        from ui.pages.today import TodayPage  # loaded with the workspace by now

        page = workspace.show_page(TodayPage)
        focus = getattr(page, "focus_checkin", None)
        if callable(focus):
            focus()

    def lock_now(self) -> None:
        if not self.window.is_locked:
            self.window.lock()

    def show_about(self) -> None:
        from ui.dialogs.about import AboutDialog

        self.open_window()
        AboutDialog(self.window.runner, self.window).open()

    def quit(self) -> None:
        self.reminders.stop()
        if self.tray_icon is not None:
            self.tray_icon.hide()
        self.window.quit()

    # -- reminders and notifications --------------------------------------------------------

    def show_reminder(self) -> None:
        self.notify(self.tr(REMINDER_TITLE), self.tr(REMINDER_TEXT), reminder=True)

    def notify(self, title: str, text: str, *, reminder: bool = False) -> None:
        self._last_notice_was_reminder = reminder
        if self.tray_icon is not None and self.tray_icon.isVisible():
            self.tray_icon.showMessage(title, text, app_icon(), NOTICE_MSECS)
        self.notified.emit(title, text)

    def _message_clicked(self) -> None:
        if self._last_notice_was_reminder:
            self.quick_check_in()
        else:
            self.open_window()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger,
                      QSystemTrayIcon.ActivationReason.DoubleClick):
            self.open_window()

    def _preferences_changed(self, prefs: Preferences) -> None:
        self.reminders.apply(prefs)
        self.questionnaire_reminders.apply(prefs)

    def _on_unlocked(self) -> None:
        self._update_actions()
        watch_questionnaires(self.window, self.questionnaire_reminders)
        workspace = self.window.workspace
        if workspace is not None:  # screen-time warnings and breaks, as notifications
            workspace.screen_time.notice.connect(
                lambda notice: self.notify(self.tr(notice.title), self.tr(notice.text)))
            # New check-ins in a circle (their content only if opted in).
            workspace.session.circle_sync.notice.connect(self.notify)
        if self._checkin_after_unlock:
            self.quick_check_in()

    def _update_actions(self) -> None:
        self.lock_action.setEnabled(not self.window.is_locked)
