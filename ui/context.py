"""What every page needs: the facade, the task runner, change signals and preferences."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from companion.app import CompanionApp
from companion.preferences import Preferences, save_preferences
from ui.events import ChangeBridge
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from ui.session import Session


class PreferenceStore(QObject):
    """Preferences with a change signal; saving runs in the vault lane (disk I/O)."""

    changed = Signal(object)

    def __init__(self, home: Path, prefs: Preferences, runner: TaskRunner) -> None:
        super().__init__()
        self.home, self.current, self.runner = home, prefs, runner

    def update(self, prefs: Preferences) -> None:
        prefs = prefs.validated()
        self.current = prefs
        home = self.home
        self.runner.run(lambda: save_preferences(home, prefs))
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
