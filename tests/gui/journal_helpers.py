"""Shared pieces for the journal page's tests: sample entries and an SQL recorder that proves
which thread ran each statement."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

from companion.app import CompanionApp
from companion.models import EntryDraft

PLUS_ONE = timezone(timedelta(hours=1))


def at(month: int, day: int, hour: int = 20, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=PLUS_ONE)


class SqlRecorder:
    """A SQLite trace callback: every statement the vault's connection runs, with whether it
    ran on the GUI (main) thread."""

    def __init__(self, app: CompanionApp) -> None:
        self.conn = app.vault.database.conn
        self.statements: list[tuple[bool, str]] = []
        self._lock = threading.Lock()
        self._paused = False

    def __call__(self, statement: str) -> None:
        if self._paused:
            return
        with self._lock:
            self.statements.append((threading.current_thread() is threading.main_thread(),
                                    statement))

    def start(self) -> SqlRecorder:
        self.conn.set_trace_callback(self)
        return self

    def stop(self) -> None:
        self.conn.set_trace_callback(None)

    @contextmanager
    def paused(self) -> Iterator[None]:
        """For the test's own checks of the vault (they run on the test's thread)."""
        self._paused = True
        try:
            yield
        finally:
            self._paused = False

    @property
    def on_gui_thread(self) -> list[str]:
        return [sql for gui, sql in self.statements if gui]

    @property
    def on_workers(self) -> list[str]:
        return [sql for gui, sql in self.statements if not gui]


def add_sample_entries(app: CompanionApp) -> dict[str, int]:
    """A few entries over four days, with tags, moods and a star."""
    drafts = {
        "herons": EntryDraft(title="River walk", body="The herons were back by the river.",
                             tags=("walk", "outdoors"), mood=4, at=at(3, 14, 9, 30)),
        "work": EntryDraft(title="Long day", body="Worked on the report until late.",
                           tags=("work",), mood=2, at=at(3, 14, 21, 15)),
        "tea": EntryDraft(title="Tea with Priya", body="We laughed about Porto.",
                          tags=("friends",), starred=True, at=at(3, 12)),
        "untitled": EntryDraft(body="# Quiet evening\n\nNothing much. *Good.*",
                               at=at(3, 10)),
        "old": EntryDraft(title="Winter", body="Snow on the balcony, and herons on ice.",
                          tags=("work", "outdoors"), at=at(2, 20)),
    }
    return {name: app.add_entry(draft).id for name, draft in drafts.items()}
