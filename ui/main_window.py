"""The main window and the app's states: first run, locked, unlocked.

Locking (Ctrl+L, the tray, or auto-lock after N idle minutes) destroys the workspace — every
page, model and editor that held decrypted text — closes the database in the vault lane, and
shows the unlock screen.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QByteArray, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from companion.app import CompanionApp
from companion.preferences import Preferences
from ui.autolock import IdleWatcher
from ui.context import PreferenceStore, UiContext
from ui.errors import BugReporter
from ui.events import ChangeBridge
from ui.icons import app_icon
from ui.shortcuts import ShortcutsDialog
from ui.support_key import SupportShortcut
from ui.tasks import Lane, TaskRunner
from ui.theme import apply_theme
from ui.unlock import UnlockScreen
from ui.widgets.demo_banner import DemoBanner
from ui.widgets.focus_ring import FocusRings

if TYPE_CHECKING:
    from ui.onboarding import Onboarding
    from ui.tray import Tray
    from ui.workspace import Workspace

log = logging.getLogger(__name__)
FRAME_ALLOWANCE = 24  # pixels a window manager's frame may take on each side and above


class MainWindow(QMainWindow):
    locked = Signal()
    unlocked = Signal()

    def __init__(self, app: CompanionApp, runner: TaskRunner, prefs: PreferenceStore, *,
                 bugs: BugReporter | None = None, demo_passphrase: str | None = None) -> None:
        super().__init__()
        self.app, self.runner, self.prefs = app, runner, prefs
        self.demo_passphrase = demo_passphrase
        self.bugs = bugs
        self.setWindowTitle("Companion")
        self.setWindowIcon(app_icon())
        self.resize(QSize(1100, 720))
        self.setMinimumSize(QSize(760, 520))
        self._restore_geometry(prefs.current.window_geometry)
        self._theme = prefs.current.theme
        self.states = QStackedWidget()
        self.demo_banner: DemoBanner | None = None
        if demo_passphrase is None:
            self.setCentralWidget(self.states)
        else:
            self._add_demo_banner()
        self.workspace: Workspace | None = None
        self.onboarding: Onboarding | None = None
        self.unlock_screen = UnlockScreen(app, runner, demo_passphrase=demo_passphrase)
        self.unlock_screen.unlocked.connect(self.show_workspace)
        self.unlock_screen.unlocking.connect(load_workspace_modules)
        self.states.addWidget(self.unlock_screen)
        self.idle = IdleWatcher(prefs.current.auto_lock_minutes, parent=self)
        self.idle.idle.connect(self.lock)
        instance = QApplication.instance()
        if isinstance(instance, QApplication):
            instance.installEventFilter(self.idle)
            FocusRings.install(instance)
        prefs.changed.connect(self._preferences_changed)
        self._add_actions()
        self.tray: Tray | None = None  # set by ui.app when a system tray exists

    def _add_demo_banner(self) -> None:
        """Above every screen of a demo (unlock, workspace, each page): what it is."""
        self.demo_banner = DemoBanner()
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.demo_banner)
        layout.addWidget(self.states, 1)
        self.setCentralWidget(body)

    # -- actions ----------------------------------------------------------------------------

    def _add_actions(self) -> None:
        lock = QAction(self.tr("Lock now"), self)
        lock.setShortcut(QKeySequence("Ctrl+L"))
        lock.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        lock.triggered.connect(self.lock)
        help_ = QAction(self.tr("Keyboard shortcuts"), self)
        help_.setShortcuts([QKeySequence(Qt.Key.Key_F1), QKeySequence("Ctrl+?")])
        help_.triggered.connect(self.show_shortcuts)
        quit_ = QAction(self.tr("Quit"), self)
        # Ctrl+Q everywhere, as the cheat sheet says (the platform's Quit key is empty on
        # Windows and on some desktops).
        quit_.setShortcuts(list(dict.fromkeys(
            [QKeySequence("Ctrl+Q"), *QKeySequence.keyBindings(QKeySequence.StandardKey.Quit)])))
        quit_.triggered.connect(self.quit)
        for action in (lock, help_, quit_):
            self.addAction(action)
        self.lock_action, self.help_action, self.quit_action = lock, help_, quit_
        # The support lines from any state and any window, a modal dialog included.
        self.support_action = SupportShortcut(self, self.open_support).action

    def open_support(self) -> QWidget:
        from ui.dialogs.crisis import open_support  # only when asked for

        return open_support(self, self.app.home, self.runner, prefs=self.prefs)

    def show_shortcuts(self) -> None:
        ShortcutsDialog(self, runner=self.runner).open()

    # -- states -----------------------------------------------------------------------------

    def start(self) -> None:
        """Show the right first screen: onboarding, remembered unlock, or the unlock screen."""
        if not self.app.vault_exists():
            self.show_onboarding()
            return
        self.show_unlock()
        app = self.app

        def try_keyring() -> bool:
            app.open()
            return app.unlock_with_keyring()

        self.unlock_screen._set_busy(True)
        # After the first paint: the lookup loads keyring and its backends (about a tenth of
        # a second of imports) on a worker, which would otherwise compete with drawing.
        QTimer.singleShot(0, self, lambda: self.runner.run(
            try_keyring, self._keyring_done, self._keyring_failed, lane=Lane.HEAVY))

    def _keyring_done(self, ok: bool) -> None:
        self.unlock_screen._set_busy(False)
        if ok:
            self.show_workspace()
        else:
            self.unlock_screen.reset()
        self._say_what_opening_did()

    def _keyring_failed(self, exc: BaseException) -> None:
        self.unlock_screen._set_busy(False)
        self.unlock_screen.reset()
        self.unlock_screen.error.setText(str(exc))
        self._say_what_opening_did()

    def _say_what_opening_did(self) -> None:
        """A restore (or rekey) a crash interrupted is finished by the first open: say so
        where the person is, on the unlock screen or, if the keyring went straight on, in a
        message over the workspace."""
        note = self.app.finished_restore_note
        if note is None:
            return
        if self.workspace is None:
            self.unlock_screen.note.setText(note)
            self.unlock_screen.note.setVisible(True)
            return
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("Companion"), note,
                          QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def show_onboarding(self) -> None:
        from ui.onboarding import Onboarding  # a first run only: not before the unlock screen

        self.onboarding = Onboarding(self.app, self.runner, self.prefs)
        self.onboarding.finished.connect(self._onboarded)
        self.states.addWidget(self.onboarding)
        self.states.setCurrentWidget(self.onboarding)

    def _onboarded(self, remember: bool, reminder: str | None) -> None:
        if reminder is not None:
            current = self.prefs.current
            self.prefs.update(Preferences(**{**current.__dict__, "reminder_enabled": True,
                                             "reminder_time": reminder}))
        if remember:
            self.runner.run(self.app.remember_on_device, None, self._remember_failed)
        onboarding, self.onboarding = self.onboarding, None
        self.show_workspace()
        if onboarding is not None:
            self.states.removeWidget(onboarding)
            onboarding.deleteLater()

    def _remember_failed(self, exc: BaseException) -> None:
        QMessageBox.warning(self, "Companion", str(exc))

    def show_unlock(self) -> None:
        self.states.setCurrentWidget(self.unlock_screen)
        self.unlock_screen.reset()

    def show_workspace(self) -> None:
        if self.workspace is not None:
            return
        ctx = UiContext(app=self.app, runner=self.runner, prefs=self.prefs,
                        changes=ChangeBridge(self.app), demo_passphrase=self.demo_passphrase)
        self.workspace = load_workspace_modules()(ctx)
        self.workspace.screen_time.desktop_input.connect(self.idle.note_activity)
        self.states.addWidget(self.workspace)
        self.states.setCurrentWidget(self.workspace)
        # The unlock screen had the keyboard; now the page's work does (keys 1–5 on Today).
        QTimer.singleShot(0, self.workspace, self.workspace.focus_work)
        self.idle.set_minutes(self.prefs.current.auto_lock_minutes)
        self.idle.arm()
        self.unlocked.emit()

    def lock(self) -> None:
        """Drop everything decrypted from the screen and memory, then close the database."""
        self.idle.disarm()
        if self.onboarding is not None:
            self.onboarding.stop_sync()  # a computer waiting to be let in stops looking
        workspace, self.workspace = self.workspace, None
        if workspace is not None:
            workspace.teardown()
            self.states.removeWidget(workspace)
            workspace.hide()
            workspace.deleteLater()
        for widget in QApplication.topLevelWidgets():
            # Dialogs opened from pages (editors, pickers) may hold text too.
            if widget is not self and widget.isVisible() and widget.parent() is self:
                widget.close()
        if self.app.is_unlocked:
            self.runner.run(self.app.lock)
        self.show_unlock()
        self.locked.emit()

    @property
    def is_locked(self) -> bool:
        return self.workspace is None

    # -- preferences and closing ------------------------------------------------------------

    def _preferences_changed(self, prefs: Preferences) -> None:
        self.idle.set_minutes(prefs.auto_lock_minutes)
        instance = QApplication.instance()
        if isinstance(instance, QApplication) and prefs.theme != self._theme:
            apply_theme(instance, prefs.theme)
        self._theme = prefs.theme

    def _restore_geometry(self, saved: str) -> None:
        """Where the window was last time; Qt keeps it on a screen that still exists. The
        first time (or with a record Qt cannot read), the default size, made smaller to fit
        a small screen with room for the window's frame (it opened wider than 800×600)."""
        if saved and self.restoreGeometry(QByteArray.fromBase64(saved.encode("ascii"))):
            return
        screen = self.screen()
        if screen is not None:
            room = screen.availableGeometry().size() - QSize(FRAME_ALLOWANCE, 2 * FRAME_ALLOWANCE)
            self.resize(self.size().boundedTo(room).expandedTo(self.minimumSize()))

    def remember_geometry(self) -> None:
        saved = bytes(self.saveGeometry().toBase64().data()).decode("ascii")
        current = self.prefs.current
        if saved != current.window_geometry and len(saved) <= 400:
            self.prefs.update(replace(current, window_geometry=saved))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        self.remember_geometry()
        tray = self.tray
        if tray is not None and shiboken6.isValid(tray) and tray.keeps_running():
            # Out of sight must mean locked: nobody should find the journal open in the tray.
            event.ignore()
            self.lock()
            self.hide()
            tray.note_hidden()
            return
        self.shutdown()
        event.accept()

    def quit(self) -> None:
        self.shutdown()
        QApplication.quit()

    def shutdown(self) -> None:
        if self.isVisible():
            self.remember_geometry()
        if self.workspace is not None:
            self.workspace.teardown()
        if self.onboarding is not None:
            self.onboarding.stop_sync()
        self.runner.wait_idle()
        self.app.close()


def load_workspace_modules() -> type[Workspace]:
    """The pages and everything they import (about a third of a second of imports), loaded
    on first need rather than before the unlock screen can be drawn: when an unlock starts
    (Argon2id then runs on a worker and lets this thread work), or when the workspace is
    first shown (a remembered key, onboarding, the demo)."""
    from ui.workspace import Workspace

    return Workspace
