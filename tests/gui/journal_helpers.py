"""Shared pieces for the journal page's tests: sample entries, an SQL recorder that proves
which thread ran each statement, and the page fixtures (a test module imports the
`*_fixture` functions; pytest knows them by their `name`)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import Qt

from companion.app import CompanionApp
from companion.models import EntryDraft
from ui.models.journal_list import IndexQuery, JournalListModel, JournalRoles
from ui.pages.journal import JournalPage, entries_loader, index_loader, moods_loader

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


# -- the list model ---------------------------------------------------------------------------


@pytest.fixture(name="model")
def journal_model_fixture(qtbot: Any, ctx: Any, wait_for_tasks: Callable[..., None]
                          ) -> Iterator[JournalListModel]:
    journal_model = JournalListModel(ctx.runner, index_loader(ctx.app), entries_loader(ctx.app),
                                     load_moods=moods_loader(ctx.app))
    yield journal_model
    wait_for_tasks()
    journal_model.clear()


def load(qtbot: Any, model: JournalListModel, query: IndexQuery | None = None) -> None:
    with qtbot.waitSignal(model.index_loaded, timeout=10_000):
        model.reload(query)


def texts(model: JournalListModel) -> list[Any]:
    return [model.index(row).data(Qt.ItemDataRole.DisplayRole)
            for row in range(model.rowCount())]


def fetch_all(qtbot: Any, model: JournalListModel, wait_for_tasks: Callable[..., None]) -> None:
    for row in range(model.rowCount()):
        model.index(row).data(JournalRoles.ENTRY)
    wait_for_tasks()


# -- the page fixtures ------------------------------------------------------------------------


@pytest.fixture(name="sql")
def sql_fixture(ctx: Any) -> Iterator[SqlRecorder]:
    recorder = SqlRecorder(ctx.app).start()
    yield recorder
    recorder.stop()


@pytest.fixture(name="journal_pages")
def journal_pages_fixture() -> list[JournalPage]:
    return []


@pytest.fixture(name="wait_for_tasks")
def wait_for_tasks_fixture(qtbot: Any, runner: Any, journal_pages: list[JournalPage]
                           ) -> Callable[..., None]:
    """Wait until no task is running and no page has a refresh or search about to start
    (a change starts its refresh on a timer, after the task that made it has finished)."""

    def quiet() -> bool:
        return runner.pending == 0 and not any(
            page.waiting_on_timer() for page in journal_pages if shiboken6.isValid(page))

    def wait(timeout: int = 10_000) -> None:
        qtbot.waitUntil(quiet, timeout=timeout)
        qtbot.wait(5)  # callbacks that just ran may have started more
        qtbot.waitUntil(quiet, timeout=timeout)

    return wait


@pytest.fixture(name="make_page")
def make_page_fixture(qtbot: Any, ctx: Any, wait_for_tasks: Callable[..., None],
                      sql: SqlRecorder, journal_pages: list[JournalPage]
                      ) -> Iterator[Callable[..., tuple[JournalPage, dict[str, int]]]]:
    pages = journal_pages

    def make(*, sample: bool = True) -> tuple[JournalPage, dict[str, int]]:
        with sql.paused():  # the test's own setup, on the test's thread
            ids = add_sample_entries(ctx.app) if sample else {}
        page = JournalPage(ctx)
        qtbot.addWidget(page)
        page.resize(1000, 700)
        page.show()
        qtbot.waitExposed(page)
        page.shown()
        wait_for_tasks()
        pages.append(page)
        return page, ids

    yield make
    for page in pages:
        page.teardown()
    wait_for_tasks()


def vault(ctx, sql, entry_id):
    with sql.paused():
        return ctx.app.journal.get(entry_id, include_deleted=True)


def click_row(qtbot, view, row, wait=None):
    """Click a row; with `wait`, also wait until the entry has come from the vault."""
    rect = view.visualRect(view.model().index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    if wait is not None:
        wait()
