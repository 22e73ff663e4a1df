"""The person's preferences as one device-sync record (docs/protocol.md §11.8).

Preferences live in preferences.json beside the vault (companion/preferences.py), readable
before unlock. Those that belong to the person travel, one field per setting, last writer
wins: the theme, reminders, the day start, the crisis country, how screen time counts use
and suggests breaks (so every computer counts a day alike), and what Today offers (on this
day, leaving out hard days, the question for today and the day it was set aside). Those that
belong to the computer stay: window geometry, auto-lock (a laptop in a café is not a desktop
at home), whether this computer measures screen time at all, and how often and how loudly it
syncs circles (circles stay with the computer that joined them).

The file is the truth: a round reads it (so a change made with the vault closed, or by a
dialog that writes the file itself, is seen) and compares it with what was last agreed, and a
merged change from another device is written back through the facade (`PreferenceLink`), which
writes the file atomically, keeps its own copy and tells the app so it applies the theme and
the rest again. The link's lock keeps a save by the app out of the middle of a round.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields, replace
from typing import Any

from companion.devices.records import Fields, InvalidRecord
from companion.errors import InvalidInput
from companion.preferences import Preferences
from sync.devices.ops import named_record_id

# The person's settings; every other field of Preferences stays on its computer.
PERSON_SETTINGS = ("theme", "reminder_enabled", "reminder_time", "day_starts_at",
                   "questionnaire_reminder", "crisis_country", "privacy_mode", "idle_minutes",
                   "eye_breaks", "rest_breaks", "rest_after_minutes", "rest_minutes",
                   "on_this_day", "on_this_day_skip_hard_days", "question_of_the_day",
                   "question_set_aside_on")
DEVICE_SETTINGS = tuple(f.name for f in fields(Preferences) if f.name not in PERSON_SETTINGS)
LOCAL_ID = 1


def person_fields(prefs: Preferences) -> Fields:
    return {name: getattr(prefs, name) for name in PERSON_SETTINGS}


@dataclass
class PreferenceLink:
    """How a round reads and writes the preferences file (the facade makes one)."""

    read: Callable[[], Preferences]
    write: Callable[[Preferences], None]  # atomically, then the app applies them
    lock: threading.RLock = field(default_factory=threading.RLock)


class PreferenceRecords:
    collection = "settings"
    text_fields: tuple[str, ...] = ()
    deletable = False

    def __init__(self, link: PreferenceLink) -> None:
        self.link = link
        self.pending: Preferences | None = None  # merged, to be written as the round ends

    @staticmethod
    def record_id(fields: Fields) -> bytes:
        return named_record_id("settings", "person")

    def current(self) -> Preferences:
        return self.pending if self.pending is not None else self.link.read()

    def read(self, cur: Any, ids: Iterable[int]) -> dict[int, Fields]:
        return {LOCAL_ID: person_fields(self.current())} if LOCAL_ID in set(ids) else {}

    def check(self, merged: Fields) -> Fields:
        """The merged settings over this computer's own (a setting a newer Companion adds is
        ignored here; one an older device never sent keeps this computer's value), each
        judged as the preferences file's reader judges it."""
        known: dict[str, Any] = {name: value for name, value in merged.items()
                                 if name in PERSON_SETTINGS}
        try:
            prefs = replace(self.current(), **known).validated()
        except (InvalidInput, TypeError):
            raise InvalidRecord("a setting the app would refuse") from None
        return person_fields(prefs)

    def write(self, cur: Any, local_id: int | None, merged: Fields) -> int:
        values: dict[str, Any] = dict(merged)
        self.pending = replace(self.current(), **values)
        return LOCAL_ID

    def remove(self, cur: Any, local_id: int) -> None:
        """Never called: a delete of this record is refused (deletable is False)."""

    def finish(self) -> bool:
        """Write what the round merged (before its transaction commits: a crash after this
        leaves the file merged and the base older, and the next round then sends the same
        values again, which changes nothing). True if anything was written."""
        pending, self.pending = self.pending, None
        if pending is None:
            return False
        self.link.write(pending)
        return True
