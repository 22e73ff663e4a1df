"""What every page needs: the facade, the task runner, change signals and preferences."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from companion.app import CompanionApp
from companion.preferences import Preferences
from ui.events import ChangeBridge
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from ui.session import Session


class PreferenceStore(QObject):
    """The app's preferences with a change signal: pages see a change at once; the facade
    saves it in the vault lane (disk I/O) and tells its listeners."""

    changed = Signal(object)

    def __init__(self, app: CompanionApp, runner: TaskRunner,
                 current: Preferences | None = None) -> None:
        super().__init__()
        self.app, self.runner = app, runner
        # Read at start-up, before the window shows (a small file); tests may start elsewhere.
        self.current = current if current is not None else app.preferences

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
