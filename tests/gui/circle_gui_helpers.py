"""Homes with their own vault, UiContext and circle page, for the circle page tests.

Each home is a real `CompanionApp` (its own SQLCipher vault) with the real task runner; pages
are driven through their widgets and dialogs the way a person would.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from companion.app import CompanionApp
from companion.clock import FakeClock
from companion.preferences import Preferences
from tests.support.vault_template import copy_of_empty_vault
from ui.context import PreferenceStore, UiContext
from ui.events import ChangeBridge
from ui.pages.circle import CirclePage
from ui.tasks import TaskRunner


@dataclass
class Home:
    name: str
    app: CompanionApp
    ctx: UiContext
    page: CirclePage

    def close(self) -> None:
        self.page.teardown()
        self.ctx.changes.detach()


def make_home(qtbot, tmp_path: Path, name: str, clock: FakeClock,  # type: ignore[no-untyped-def]
              runner: TaskRunner, app: CompanionApp | None = None) -> Home:
    if app is None:  # a copy of the empty template, as in tests/sync/circle_helpers.py
        app = copy_of_empty_vault(tmp_path / name.lower(), clock)
    prefs = PreferenceStore(app, runner, Preferences())
    ctx = UiContext(app=app, runner=runner, prefs=prefs, changes=ChangeBridge(app))
    page = CirclePage(ctx)
    qtbot.addWidget(page)
    page.resize(1000, 700)
    page.show()
    return Home(name, app, ctx, page)


@contextmanager
def opened_home(qtbot, tmp_path: Path, name: str, clock: FakeClock,  # type: ignore[no-untyped-def]
                runner: TaskRunner, app: CompanionApp | None = None) -> Iterator[Home]:
    """A home whose page has loaded; closed once every task has finished."""
    home = make_home(qtbot, tmp_path, name, clock, runner, app)
    settle(qtbot, runner, home.page)
    try:
        yield home
    finally:
        runner.wait_idle()
        home.close()


def settle(qtbot, runner: TaskRunner, page: CirclePage) -> None:  # type: ignore[no-untyped-def]
    """Wait until every task and queued sync round has finished and the page has redrawn."""
    qtbot.waitUntil(lambda: runner.pending == 0 and not page.syncer.busy, timeout=30_000)
    qtbot.wait(1)
    qtbot.waitUntil(lambda: runner.pending == 0, timeout=30_000)


def sync(qtbot, runner: TaskRunner, home: Home) -> None:  # type: ignore[no-untyped-def]
    settle(qtbot, runner, home.page)
    home.page.sync_button.click()
    settle(qtbot, runner, home.page)


def create_circle(qtbot, runner: TaskRunner, home: Home, storage: Path,  # type: ignore[no-untyped-def]
                  circle: str = "Friends") -> None:
    open_create(home)
    dialog = home.page.dialog
    dialog.name.setText(circle)
    dialog.display_name.setText(home.name)
    dialog.storage.folder.setText(str(storage))
    dialog.ok_button.click()
    settle(qtbot, runner, home.page)


def invite_code(qtbot, runner: TaskRunner, home: Home) -> str:  # type: ignore[no-untyped-def]
    home.page.invite_button.click()
    settle(qtbot, runner, home.page)
    dialog = home.page.dialog
    code = dialog.code_view.toPlainText()
    dialog.reject()
    return str(code)


def open_join(home: Home) -> None:
    """Join as a person would: the empty page's button, or the ⋯ menu once in a circle."""
    page = home.page
    if page.stack.currentWidget() is page.empty:
        page.empty.buttons[1].click()
    else:
        assert page.join_action in page.menu_button.menu().actions()
        page.join_action.trigger()


def open_create(home: Home) -> None:
    page = home.page
    if page.stack.currentWidget() is page.empty:
        page.empty.buttons[0].click()
    else:
        assert page.new_action in page.menu_button.menu().actions()
        page.new_action.trigger()


def join_circle(qtbot, runner: TaskRunner, home: Home, code: str,  # type: ignore[no-untyped-def]
                storage: Path) -> None:
    open_join(home)
    dialog = home.page.dialog
    dialog.code.setPlainText(code)
    dialog.display_name.setText(home.name)
    dialog.storage.folder.setText(str(storage))
    dialog.ok_button.click()  # Continue: what the code says
    settle(qtbot, runner, home.page)
    assert dialog.pages.currentWidget() is dialog.confirmation
    dialog.ok_button.click()  # Join
    settle(qtbot, runner, home.page)


def share_checkin(qtbot, runner: TaskRunner, home: Home, mood: int,  # type: ignore[no-untyped-def]
                  note: str) -> None:
    composer = home.page.composer
    composer.checkin_chip.click()
    composer.mood.button(mood).click()
    assert composer.note.isVisible()  # a picked mood opens the rest of the check-in
    composer.note.setText(note)
    composer.share_button.click()
    settle(qtbot, runner, home.page)


def feed_text(home: Home) -> str:
    """What the feed's cards say, one a line (each card's accessible text)."""
    return str(home.page.feed_view.feed_model.plain_text())


def feed_row(home: Home, text: str) -> int:
    """The row of the card whose text contains `text`."""
    model = home.page.feed_view.feed_model
    return next(n for n in range(model.rowCount()) if text in model.sentence(n))
