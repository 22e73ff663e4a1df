"""Onboarding's "I already use Companion on another computer" (issue 19, item 1): a new
computer makes its own vault (its own passphrase and recovery code), joins the person's other
computer with the pairing code and the shared folder, shows its safety number while it waits,
and opens on Today with the other computer's journal once let in. A wrong code, a folder that
is not there, cancelling or skipping leave a working empty vault that can join later.

Two real vaults, a real shared folder and the real task runner, as in test_device_sync_ui.py;
the other computer is driven through its Settings card, the new one through its main window.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from companion.app import CompanionApp
from companion.clock import FakeClock
from companion.models import EntryDraft
from companion.preferences import Preferences
from tests.conftest import PASSPHRASE
from tests.gui.layout_check import layout_problems
from tests.gui.test_device_sync_ui import (
    Computer,
    make_computer,
    open_pairing,
    set_up,
    settle,
    sync,
    texts,
)
from ui.context import PreferenceStore
from ui.main_window import MainWindow
from ui.onboarding import Onboarding
from ui.pages.today import TodayPage
from ui.tasks import TaskRunner

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shared = tmp_path / "shared"
    shared.mkdir()
    return shared


@pytest.fixture
def laptop(qtbot, app: CompanionApp, runner: TaskRunner,  # type: ignore[no-untyped-def]
           folder: Path) -> Iterator[Computer]:
    """The computer that has the journal: two entries, device sync set up on `folder`."""
    computer = make_computer(qtbot, "Laptop", app, runner)
    with computer.sql.paused():
        app.journal.add(EntryDraft(title="Monday", body="a walk by the river"))
        app.journal.add(EntryDraft(body="slept well, for once"))
    settle(qtbot, runner, computer)
    set_up(qtbot, runner, computer, folder)
    yield computer
    runner.wait_idle()
    computer.card.teardown()
    computer.sql.stop()
    computer.ctx.changes.detach()


@pytest.fixture
def newcomer(qtbot, tmp_path: Path, runner: TaskRunner,  # type: ignore[no-untyped-def]
             clock: FakeClock) -> Iterator[MainWindow]:
    """A computer where Companion starts for the first time, on its first-run screen."""
    app = CompanionApp(tmp_path / "desktop-home", clock=FakeClock(clock.now()))
    main = MainWindow(app, runner, PreferenceStore(app, runner, Preferences()))
    qtbot.addWidget(main)
    main.resize(800, 600)
    main.start()
    main.show()
    main.activateWindow()  # focus is only given in the active window, even offscreen
    qtbot.waitUntil(lambda: QApplication.activeWindow() is main)
    yield main
    main.shutdown()


def flow_of(main: MainWindow) -> Onboarding:
    assert main.onboarding is not None
    return main.onboarding


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def press(qtbot, key: Qt.Key) -> None:  # type: ignore[no-untyped-def]
    """A key, where the keyboard is."""
    widget = focused()
    assert widget is not None
    qtbot.keyClick(widget, key)


def tab_to(qtbot, target: QWidget, limit: int = 40) -> None:  # type: ignore[no-untyped-def]
    """Tab until `target` has the keyboard, as a person would."""
    for _ in range(limit):
        if focused() is target:
            return
        press(qtbot, Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {target!r}")


def make_vault_by_keyboard(qtbot, main: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """From the welcome: "I already use Companion on another computer", this computer's
    passphrase, its recovery code stored, on to the pairing form — keys only."""
    flow = flow_of(main)
    qtbot.waitUntil(lambda: focused() is flow.start_button)
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is flow.other_computer_button
    press(qtbot, Qt.Key.Key_Return)
    assert flow.stack.currentWidget() is flow.passphrase_step
    said = texts(flow.passphrase_step)
    assert "its own passphrase" in said and "changing one never changes the other" in said
    qtbot.keyClicks(flow.pass1.edit, PASSPHRASE)
    press(qtbot, Qt.Key.Key_Return)
    assert focused() is flow.pass2.edit
    qtbot.keyClicks(flow.pass2.edit, PASSPHRASE)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: flow.stack.currentWidget() is flow.code_step, timeout=15_000)
    assert "this computer's recovery code" in texts(flow.code_step).lower()
    tab_to(qtbot, flow.stored)
    press(qtbot, Qt.Key.Key_Space)
    assert flow.stored.isChecked()
    press(qtbot, Qt.Key.Key_Return)
    assert flow.stack.currentWidget() is flow.join_step
    assert focused() is flow.join.form.fields.code


def make_vault(qtbot, main: MainWindow) -> None:  # type: ignore[no-untyped-def]
    flow = flow_of(main)
    flow.other_computer_button.click()
    flow.pass1.edit.setText(PASSPHRASE)
    flow.pass2.edit.setText(PASSPHRASE)
    flow.create_button.click()
    qtbot.waitUntil(lambda: flow.stack.currentWidget() is flow.code_step, timeout=15_000)
    flow.stored.setChecked(True)
    flow.code_next.click()
    assert flow.stack.currentWidget() is flow.join_step


def ask(qtbot, runner: TaskRunner, main: MainWindow, code: str,  # type: ignore[no-untyped-def]
        folder: Path) -> None:
    form = flow_of(main).join.form
    form.fields.code.setPlainText(code)
    form.fields.device_name.setText("Desktop")
    form.fields.storage.folder.setText(str(folder))
    form.ask_button.click()
    wait_quiet(qtbot, runner, main)


def wait_quiet(qtbot, runner: TaskRunner, main: MainWindow) -> None:  # type: ignore[no-untyped-def]
    def quiet() -> bool:
        syncer = main.onboarding.join.syncer if main.onboarding is not None else None
        return runner.pending == 0 and (syncer is None or not syncer.busy)

    qtbot.waitUntil(quiet, timeout=30_000)
    qtbot.wait(1)
    qtbot.waitUntil(quiet, timeout=30_000)


def bodies(app: CompanionApp) -> list[str]:
    return sorted(entry.body for entry in app.journal.browse())


def allow(qtbot, runner: TaskRunner, laptop: Computer) -> str:  # type: ignore[no-untyped-def]
    """On the laptop: sync, see "Desktop" asking with its number, Allow. Returns the number
    the laptop showed."""
    sync(qtbot, runner, laptop)
    assert "“Desktop” asks to join" in texts(laptop.card)
    (number,) = [label.text() for label in laptop.card.asking.findChildren(QWidget)
                 if label.accessibleName() == "Safety number of Desktop"]
    laptop.card.asking.buttons[1].click()  # Allow (the numbers were compared)
    settle(qtbot, runner, laptop)
    return str(number)


def test_joining_from_the_first_run_by_keyboard(qtbot, runner, laptop, newcomer,  # type: ignore[no-untyped-def]
                                                folder):
    """The whole path, keys only: a vault of its own, the code and the folder typed, Enter
    asks, the number shown while it waits; let in, it opens on Today with the journal."""
    main = newcomer
    flow = flow_of(main)
    code = open_pairing(qtbot, runner, laptop).code_view.toPlainText()  # on the laptop
    laptop.card.dialog.reject()
    main.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is main)
    assert flow.help_button.isVisible()
    make_vault_by_keyboard(qtbot, main)
    assert flow.help_button.isVisible()  # "Need help now?" under this step too
    form = flow.join.form
    qtbot.keyClicks(form.fields.code, code)
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is form.fields.device_name
    form.fields.device_name.selectAll()
    qtbot.keyClicks(form.fields.device_name, "Desktop")
    tab_to(qtbot, form.fields.storage.folder)
    qtbot.keyClicks(form.fields.storage.folder, str(folder))
    press(qtbot, Qt.Key.Key_Return)  # Enter asks to join
    wait_quiet(qtbot, runner, main)
    assert form.error.isHidden(), form.error.text()
    assert flow.stack.currentWidget() is flow.waiting_step
    waiting = flow.join.waiting
    assert focused() is waiting.open_button
    shown = waiting.number.text()
    assert len(shown.split()) == 12 and waiting.number.isVisible()
    assert "looks every 15 seconds" in waiting.status.text()
    assert flow.join.syncer is not None and flow.join.syncer.timer.interval() == 15_000
    assert flow.help_button.isVisible()
    assert layout_problems(main) == []  # the wait, at 800×600
    assert code not in texts(main)  # the spent code is not kept on screen

    assert allow(qtbot, runner, laptop) == shown  # the same number on both screens
    flow.join.syncer.sync_now()  # what its timer does every 15 seconds
    qtbot.waitUntil(lambda: main.workspace is not None, timeout=30_000)
    assert main.onboarding is None
    assert isinstance(main.workspace.stack.currentWidget(), TodayPage)
    runner.wait_idle()
    assert bodies(main.app) == ["a walk by the river", "slept well, for once"]
    assert main.app.devices.status().state == "active"
    # Its own passphrase opens this computer's vault.
    main.lock()
    runner.wait_idle()
    main.app.unlock(PASSPHRASE)
    assert bodies(main.app) == ["a walk by the river", "slept well, for once"]


def test_a_wrong_code_or_folder_says_so_and_nothing_is_shared(qtbot, runner, laptop,  # type: ignore[no-untyped-def]
                                                             newcomer, folder, tmp_path):
    main = newcomer
    flow = flow_of(main)
    make_vault(qtbot, main)
    form = flow.join.form
    form.ask_button.click()  # nothing filled in: said before anything runs
    assert "Paste the pairing code" in form.error.text()
    ask(qtbot, runner, main, "companion-invite-2:NOTAPAIRINGCODE", folder)
    assert flow.stack.currentWidget() is flow.join_step
    error = form.error.text()
    assert form.error.isVisible() and "not a pairing code" in error
    assert "Nothing was shared with your other computer" in error
    code = open_pairing(qtbot, runner, laptop).code_view.toPlainText()
    laptop.card.dialog.reject()
    ask(qtbot, runner, main, code, tmp_path / "not-there")
    error = form.error.text()
    assert "Companion could not use that storage" in error and "not-there" in error
    assert "does not exist" in error and "Nothing was shared" in error
    assert form.ask_button.isEnabled() and form.fields.isEnabled()
    assert layout_problems(main) == []
    sync(qtbot, runner, laptop)
    assert not laptop.card.asking.isVisible()  # nobody asked
    form.skip_button.click()  # a working, empty journal; joining waits for Settings
    qtbot.waitUntil(lambda: main.workspace is not None)
    assert isinstance(main.workspace.stack.currentWidget(), TodayPage)
    runner.wait_idle()
    assert bodies(main.app) == []
    assert main.app.devices.row() is None
    main.app.journal.add(EntryDraft(body="the vault works"))
    assert bodies(main.app) == ["the vault works"]


def test_cancelling_the_wait_then_skipping_leaves_an_empty_vault(qtbot, runner, laptop,  # type: ignore[no-untyped-def]
                                                                newcomer, folder):
    main = newcomer
    flow = flow_of(main)
    make_vault(qtbot, main)
    code = open_pairing(qtbot, runner, laptop).code_view.toPlainText()
    laptop.card.dialog.reject()
    ask(qtbot, runner, main, code, folder)
    assert flow.stack.currentWidget() is flow.waiting_step
    flow.join.waiting.cancel_button.click()
    wait_quiet(qtbot, runner, main)
    assert flow.stack.currentWidget() is flow.join_step
    note = flow.join.form.note
    assert note.isVisible() and "no longer asks to join, and nothing was shared" in note.text()
    assert flow.join.form.fields.code.toPlainText() == ""  # the spent code is gone
    assert main.workspace is None
    # Enter in the (empty) form says what is missing; Skip for now opens the journal.
    main.activateWindow()  # back from the laptop's window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is main)
    flow.join.form.fields.code.setFocus()
    press(qtbot, Qt.Key.Key_Return)
    assert "Paste the pairing code" in flow.join.form.error.text()
    flow.join.form.skip_button.setFocus()
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: main.workspace is not None)
    runner.wait_idle()
    assert bodies(main.app) == []
    assert main.app.devices.row() is None  # it can join later, from Settings
    assert flow.join.syncer is not None and not flow.join.syncer.timer.isActive()


def test_opening_the_journal_while_waiting_keeps_waiting_in_the_background(  # type: ignore[no-untyped-def]
        qtbot, runner, laptop, newcomer, folder):
    main = newcomer
    flow = flow_of(main)
    make_vault(qtbot, main)
    code = open_pairing(qtbot, runner, laptop).code_view.toPlainText()
    laptop.card.dialog.reject()
    ask(qtbot, runner, main, code, folder)
    flow.join.waiting.open_button.click()
    qtbot.waitUntil(lambda: main.workspace is not None)
    assert isinstance(main.workspace.stack.currentWidget(), TodayPage)
    session = main.workspace.ctx.session
    assert session is not None
    syncer = session.device_sync
    qtbot.waitUntil(lambda: not syncer.busy and runner.pending == 0, timeout=30_000)
    assert syncer.snapshot is not None and syncer.snapshot.state == "joining"
    assert syncer.hurrying  # the workspace's syncer looks every few seconds
    allow(qtbot, runner, laptop)
    syncer.sync_now()
    qtbot.waitUntil(lambda: not syncer.busy and runner.pending == 0, timeout=30_000)
    assert syncer.snapshot is not None and syncer.snapshot.state == "active"
    assert bodies(main.app) == ["a walk by the river", "slept well, for once"]
