"""Settings that must be readable before the vault is unlocked (theme, auto-lock, reminder).

They hold no user content, so they live in a small JSON file beside the vault, written
atomically. Anything about what the user wrote stays inside the vault.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from companion.errors import InvalidInput
from storage.atomic import atomic_write_bytes
from storage.paths import ensure_private_dir

log = logging.getLogger(__name__)
FILE_NAME = "preferences.json"
THEMES = ("system", "light", "dark")
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class Preferences:
    theme: str = "system"
    auto_lock_minutes: int = 5  # 0 turns auto-lock off
    reminder_enabled: bool = False
    reminder_time: str = "20:00"
    day_starts_at: str = "04:00"

    def validated(self) -> Preferences:
        if self.theme not in THEMES:
            raise InvalidInput(f"Unknown theme '{self.theme}'.", "Use system, light or dark.")
        if isinstance(self.auto_lock_minutes, bool) or not isinstance(
                self.auto_lock_minutes, int) or not 0 <= self.auto_lock_minutes <= 24 * 60:
            raise InvalidInput("Auto-lock must be between 0 (off) and 1440 minutes.")
        for value in (self.reminder_time, self.day_starts_at):
            if not isinstance(value, str) or not _TIME.match(value):
                raise InvalidInput(f"'{value}' is not a time of day.", "Use HH:MM, e.g. 20:00.")
        if not isinstance(self.reminder_enabled, bool):
            raise InvalidInput("reminder_enabled must be true or false.")
        return self


def load_preferences(home: Path) -> Preferences:
    """The saved preferences; defaults for anything missing or unreadable (never an error)."""
    try:
        raw: Any = json.loads((home / FILE_NAME).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Preferences()
    except (OSError, ValueError):
        log.warning("preferences file unreadable; using defaults")
        return Preferences()
    if not isinstance(raw, dict):
        return Preferences()
    known = {f.name for f in fields(Preferences)}
    prefs = Preferences()
    for key, value in raw.items():
        if key in known:
            try:
                prefs = replace(prefs, **{key: value}).validated()
            except InvalidInput:
                log.warning("ignoring an invalid preference value")
    return prefs


def save_preferences(home: Path, prefs: Preferences) -> None:
    ensure_private_dir(home)
    data = json.dumps(asdict(prefs.validated()), indent=2, sort_keys=True).encode("utf-8")
    atomic_write_bytes(home / FILE_NAME, data)
