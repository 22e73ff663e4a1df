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
_GEOMETRY = re.compile(r"^[A-Za-z0-9+/=]{0,400}$")  # Qt's saveGeometry(), in base64
_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})?$")  # a local day, or "" for none
# Whole files are read into memory to be checked before they are stored: bounded.
MAX_ATTACHMENT_FILE_MB = 200
MAX_ATTACHMENT_ENTRY_MB = 2000
_COUNTRY = re.compile(r"^([A-Z]{2})?$")  # ISO 3166 alpha-2, or "" for the locale's


@dataclass(frozen=True)
class Preferences:
    theme: str = "system"
    auto_lock_minutes: int = 5  # 0 turns auto-lock off
    reminder_enabled: bool = False
    reminder_time: str = "20:00"
    day_starts_at: str = "04:00"
    # Screen time (DESIGN.md §6): what is measured and when breaks are suggested.
    screen_time_enabled: bool = True
    idle_minutes: int = 3
    privacy_mode: bool = False  # keep app names only, never window titles
    eye_breaks: bool = True
    rest_breaks: bool = True
    rest_after_minutes: int = 50
    rest_minutes: int = 5
    questionnaire_reminder: bool = False  # a gentle nudge when questionnaires are 2 weeks old
    circle_sync_minutes: int = 5  # background sync of circles; 0 syncs only on demand
    circle_notify_content: bool = False  # notifications show who and how, not just that
    # This device's window size and place (Qt's own record of it); never synced elsewhere.
    window_geometry: str = ""
    # The country whose support lines the crisis screen shows first ("" follows the system's
    # locale; "ZZ" is "somewhere else"). A setting, not something the person wrote.
    crisis_country: str = ""
    # Today's "On this day" (companion/on_this_day.py): shown unless turned off, and it can
    # leave out hard days (a mood of 1 or 2) for a person who would rather not be reminded.
    on_this_day: bool = True
    on_this_day_skip_hard_days: bool = False
    # Today's "A question for today" (companion/prompts.py): gentle and optional; set aside
    # for one day (the day it was set aside on) or for good.
    question_of_the_day: bool = True
    question_set_aside_on: str = ""
    # How large one attached file, and all of one entry's files, may be (companion/
    # attachments.py), in megabytes: this computer's disk, not the person's, so not synced.
    attachment_file_mb: int = 25
    attachment_entry_mb: int = 100

    def validated(self) -> Preferences:
        if self.theme not in THEMES:
            raise InvalidInput(f"Unknown theme '{self.theme}'.", "Use system, light or dark.")
        if isinstance(self.auto_lock_minutes, bool) or not isinstance(
                self.auto_lock_minutes, int) or not 0 <= self.auto_lock_minutes <= 24 * 60:
            raise InvalidInput("Auto-lock must be between 0 (off) and 1440 minutes.")
        for value in (self.reminder_time, self.day_starts_at):
            if not isinstance(value, str) or not _TIME.match(value):
                raise InvalidInput(f"'{value}' is not a time of day.", "Use HH:MM, e.g. 20:00.")
        for name in ("reminder_enabled", "screen_time_enabled", "privacy_mode", "eye_breaks",
                     "rest_breaks", "questionnaire_reminder", "circle_notify_content",
                     "on_this_day", "on_this_day_skip_hard_days", "question_of_the_day"):
            if not isinstance(getattr(self, name), bool):
                raise InvalidInput(f"{name} must be true or false.")
        if not isinstance(self.window_geometry, str) or not _GEOMETRY.match(
                self.window_geometry):
            raise InvalidInput("window_geometry is not a saved window geometry.")
        if not isinstance(self.crisis_country, str) or not _COUNTRY.fullmatch(
                self.crisis_country):
            raise InvalidInput("crisis_country must be a two-letter country code, such as GB.")
        if not isinstance(self.question_set_aside_on, str) or not _DAY.fullmatch(
                self.question_set_aside_on):
            raise InvalidInput("question_set_aside_on must be a date (YYYY-MM-DD) or empty.")
        for name, low, high in (("idle_minutes", 1, 60), ("rest_after_minutes", 50, 60),
                                ("rest_minutes", 5, 10), ("circle_sync_minutes", 0, 1440),
                                ("attachment_file_mb", 1, MAX_ATTACHMENT_FILE_MB),
                                ("attachment_entry_mb", 1, MAX_ATTACHMENT_ENTRY_MB)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise InvalidInput(f"{name} must be a whole number from {low} to {high}.")
        return self


def load_preferences(home: Path) -> Preferences:
    """The saved preferences; defaults for anything missing or unreadable (never an error)."""
    try:
        raw: Any = json.loads((home / FILE_NAME).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Preferences()
    except (OSError, ValueError, RecursionError):
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
