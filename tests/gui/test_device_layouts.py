"""Settings → Your computers holds its layout and its Tab order in every state (issue 17's
checks, which the other Settings tests see only in the "not set up" state): waiting to be let
in, and in step with a computer asking to join, an entry edited on two computers and a long
computer name. The window's vault is one computer; the others are driven through the facade,
on the test's thread while the window's syncer is idle."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from companion.app import CompanionApp
from companion.clock import FakeClock
from companion.models import EntryDraft
from tests.gui.layout_check import layout_problems
from tests.gui.test_tab_order import _judge
from tests.support.vault_template import copy_of_empty_vault
from ui.main_window import MainWindow
from ui.pages.settings import SettingsPage
from ui.widgets.devices_card import DevicesCard

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
SIZES = [(800, 600), (2560, 1440)]


@pytest.fixture
def desktop(tmp_path: Path, clock: FakeClock) -> Iterator[CompanionApp]:
    other = copy_of_empty_vault(tmp_path / "desktop", FakeClock(clock.now()))
    yield other
    other.close()


def card_of(window: MainWindow) -> DevicesCard:
    assert window.workspace is not None
    page = window.workspace.show_page(SettingsPage)
    assert isinstance(page, SettingsPage)
    return page.devices_card


def idle(qtbot, card: DevicesCard, wait_for_tasks) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not card.syncer.busy, timeout=30_000)
    wait_for_tasks()
    qtbot.wait(30)
    wait_for_tasks()


def reread(qtbot, card: DevicesCard, wait_for_tasks) -> None:  # type: ignore[no-untyped-def]
    card.syncer.refresh()
    idle(qtbot, card, wait_for_tasks)


def problems_at_every_size(qtbot, window: MainWindow, wait_for_tasks) -> list[str]:  # type: ignore[no-untyped-def]
    found = []
    for width, height in SIZES:
        window.resize(width, height)
        qtbot.wait(30)
        wait_for_tasks()
        found += [f"{width}×{height}: {p}" for p in layout_problems(window)]
    return found


def tab_problems(qtbot, window: MainWindow) -> list[str]:  # type: ignore[no-untyped-def]
    window.resize(1100, 720)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    assert window.workspace is not None
    return _judge(qtbot, window, window.workspace.sidebar)


def test_the_card_holds_while_waiting_to_be_let_in(qtbot, window, app, desktop, tmp_path,  # type: ignore[no-untyped-def]
                                                   wait_for_tasks) -> None:
    card = card_of(window)
    idle(qtbot, card, wait_for_tasks)
    folder = tmp_path / "shared"
    folder.mkdir()
    desktop.devices.start(f"folder:{folder}", "Desktop")
    code = desktop.devices.pairing_code()
    app.join_devices(code, "Laptop", f"folder:{folder}")  # the facade helper the dialog uses
    reread(qtbot, card, wait_for_tasks)
    assert card.joining_section.isVisible()
    assert card.joining_number.text().split() == app.devices.joining_safety_number().split()
    assert problems_at_every_size(qtbot, window, wait_for_tasks) == []
    assert tab_problems(qtbot, window) == []


def test_the_card_holds_in_step_with_a_computer_asking_and_a_conflict(  # type: ignore[no-untyped-def]
        qtbot, window, app, desktop, tmp_path, clock, wait_for_tasks) -> None:
    card = card_of(window)
    idle(qtbot, card, wait_for_tasks)
    folder = tmp_path / "shared"
    folder.mkdir()
    storage = f"folder:{folder}"
    made = app.journal.add(EntryDraft(title="A walk by the river on a windy afternoon",
                                      body="base"))
    app.devices.start(storage, "Laptop")
    desktop.join_devices(app.devices.pairing_code(), "The desktop in the study upstairs",
                         storage)
    app.sync_devices()
    app.devices.decide("The desktop in the study upstairs", allow=True)
    app.sync_devices()
    desktop.sync_devices()
    (other,) = desktop.journal.browse()
    desktop.journal.update(other.id, body="the desktop's words")
    app.journal.update(made.id, body="the laptop's words")
    desktop.clock.advance(seconds=1)  # type: ignore[attr-defined]
    desktop.sync_devices()
    third = copy_of_empty_vault(tmp_path / "third", FakeClock(clock.now()))
    try:
        third.join_devices(app.devices.pairing_code(), "Old netbook", storage)
    finally:
        third.close()
    app.sync_devices()  # the conflict arrives, and the netbook asks to join
    reread(qtbot, card, wait_for_tasks)
    assert card.asking.isVisible() and len(card.asking.buttons) == 2
    assert card.conflicts_row.isVisible() and len(card.remove_buttons) == 1
    assert problems_at_every_size(qtbot, window, wait_for_tasks) == []
    assert tab_problems(qtbot, window) == []
    dialog = card.review_conflicts()
    idle(qtbot, card, wait_for_tasks)
    assert len(dialog.keep_buttons) == 2
    for width, height in [(dialog.width(), dialog.height()), (800, 600)]:
        dialog.resize(width, height)
        qtbot.wait(30)
        assert layout_problems(dialog) == [], (width, height)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert _judge(qtbot, dialog, dialog.list) == []
    dialog.combine_button.click()
    assert layout_problems(dialog) == []
    dialog.reject()
