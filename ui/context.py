"""What every page needs: the facade, the task runner, change signals and preferences."""

from __future__ import annotations

import weakref
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from companion.app import CompanionApp
from companion.models import Changes
from companion.preferences import Preferences
from ui.events import ChangeBridge
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from ui.session import Session


class PreferenceStore(QObject):
    """The app's preferences with a change signal: pages see a change at once; the facade
    saves it in the vault lane (disk I/O) and tells its listeners. Preferences another of
    the person's computers changed (device sync wrote the file) are taken up the same way,
    without saving them again: the theme, reminders and the rest follow at once."""

    changed = Signal(object)
    _synced = Signal()

    def __init__(self, app: CompanionApp, runner: TaskRunner,
                 current: Preferences | None = None) -> None:
        super().__init__()
        self.app, self.runner = app, runner
        # Read at start-up, before the window shows (a small file); tests may start elsewhere.
        self.current = current if current is not None else app.preferences
        # The facade tells its listeners on the sync's worker thread: the signal crosses to
        # this object's (the GUI) thread. A weak reference, so the facade keeps no store
        # alive that the window has dropped.
        self._synced.connect(self._adopt_synced)
        heard = weakref.WeakMethod(self._emit_if_synced)

        def listener(changes: Changes) -> None:
            method = heard()
            if method is not None:
                method(changes)

        app.subscribe(listener)

    def _emit_if_synced(self, changes: Changes) -> None:
        if changes.preferences_synced:
            self._synced.emit()

    def _adopt_synced(self) -> None:
        """The person's settings as synced; this computer's own (auto-lock, window geometry,
        a change still being saved) stay as this window has them."""
        from companion.devices.person_settings import PERSON_SETTINGS

        synced = self.app.preferences
        prefs = replace(self.current, **{name: getattr(synced, name)
                                         for name in PERSON_SETTINGS})
        if prefs != self.current:
            self.current = prefs
            self.changed.emit(prefs)

    def update(self, prefs: Preferences) -> None:
        prefs = prefs.validated()
        self.current = prefs
        app = self.app
        self.runner.run(lambda: app.save_preferences(prefs))
        self.changed.emit(prefs)


@dataclass
class UiContext:
    app: CompanionApp
    runner: TaskRunner
    prefs: PreferenceStore
    changes: ChangeBridge
    demo_passphrase: str | None = None
    # The unlocked session's services (ui/session.py); None for a page built on its own.
    session: Session | None = None
