"""Settings → Your computers, driven through its buttons and dialogs on two computers (two
real vaults, a real shared folder, the real task runner): setting up, pairing with the code and
the safety number, allowing and refusing, removing, reviewing entries edited on both, and a
folder that vanishes (docs/protocol.md §11, issue 19 items 1 and 4)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtWidgets import QWidget

from companion.app import CompanionApp
from companion.clock import FakeClock
from companion.models import EntryDraft
from companion.preferences import Preferences
from tests.gui.journal_helpers import SqlRecorder
from tests.support.vault_template import copy_of_empty_vault
from ui.context import PreferenceStore, UiContext
from ui.dialogs.device_conflicts import DeviceConflictsDialog
from ui.dialogs.device_pairing import PairingDialog
from ui.dialogs.device_setup import JoinDevicesDialog, SetUpDevicesDialog
from ui.events import ChangeBridge
from ui.tasks import TaskRunner
from ui.widgets.devices_card import DevicesCard

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@dataclass
class Computer:
    name: str
    app: CompanionApp
    ctx: UiContext
    card: DevicesCard
    sql: SqlRecorder
    holder: QWidget

    def bodies(self) -> list[str]:
        with self.sql.paused():
            return sorted(e.body for e in self.app.journal.browse())


def make_computer(qtbot, name: str, app: CompanionApp,  # type: ignore[no-untyped-def]
                  runner: TaskRunner) -> Computer:
    sql = SqlRecorder(app).start()
    prefs = PreferenceStore(app, runner, Preferences(circle_sync_minutes=0))
    ctx = UiContext(app=app, runner=runner, prefs=prefs, changes=ChangeBridge(app))
    card = DevicesCard(ctx)
    holder = QWidget()
    holder.resize(760, 900)
    card.setParent(holder)
    card.resize(740, 880)
    qtbot.addWidget(holder)
    holder.show()
    return Computer(name, app, ctx, card, sql, holder)


def settle(qtbot, runner: TaskRunner, *computers: Computer) -> None:  # type: ignore[no-untyped-def]
    """Until every task and every queued device job has run and the cards have redrawn."""
    def quiet() -> bool:
        return runner.pending == 0 and not any(c.card.syncer.busy for c in computers)

    qtbot.waitUntil(quiet, timeout=30_000)
    qtbot.wait(1)
    qtbot.waitUntil(quiet, timeout=30_000)


def sync(qtbot, runner: TaskRunner, computer: Computer) -> None:  # type: ignore[no-untyped-def]
    settle(qtbot, runner, computer)
    assert computer.card.sync_button.isVisible() and computer.card.sync_button.isEnabled()
    computer.card.sync_button.click()
    settle(qtbot, runner, computer)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shared = tmp_path / "shared"
    shared.mkdir()
    return shared


@pytest.fixture
def two(qtbot, app: CompanionApp, clock: FakeClock, tmp_path: Path,  # type: ignore[no-untyped-def]
        runner: TaskRunner) -> Iterator[tuple[Computer, Computer]]:
    laptop = make_computer(qtbot, "Laptop", app, runner)
    desktop = make_computer(qtbot, "Desktop", copy_of_empty_vault(
        tmp_path / "desktop", FakeClock(clock.now())), runner)
    settle(qtbot, runner, laptop, desktop)
    yield laptop, desktop
    runner.wait_idle()
    for computer in (laptop, desktop):
        computer.card.teardown()
        computer.sql.stop()
        computer.ctx.changes.detach()
    desktop.app.close()


def set_up(qtbot, runner: TaskRunner, computer: Computer, folder: Path) -> None:  # type: ignore[no-untyped-def]
    computer.card.set_up_button.click()
    dialog = computer.card.dialog
    assert isinstance(dialog, SetUpDevicesDialog)
    dialog.device_name.setText(computer.name)
    dialog.storage.folder.setText(str(folder))
    dialog.ok_button.click()
    settle(qtbot, runner, computer)
    assert closed(dialog)


def open_pairing(qtbot, runner: TaskRunner, computer: Computer) -> PairingDialog:  # type: ignore[no-untyped-def]
    computer.card.add_button.click()
    settle(qtbot, runner, computer)
    dialog = computer.card.dialog
    assert isinstance(dialog, PairingDialog)
    return dialog


def join(qtbot, runner: TaskRunner, computer: Computer, code: str,  # type: ignore[no-untyped-def]
         folder: Path) -> JoinDevicesDialog:
    computer.card.join_button.click()
    dialog = computer.card.dialog
    assert isinstance(dialog, JoinDevicesDialog)
    dialog.code.setPlainText(code)
    dialog.device_name.setText(computer.name)
    dialog.storage.folder.setText(str(folder))
    dialog.ok_button.click()
    settle(qtbot, runner, computer)
    return dialog


def pair(qtbot, runner: TaskRunner, first: Computer, second: Computer,  # type: ignore[no-untyped-def]
         folder: Path) -> None:
    """Through the cards: set up, the code, join, allow on the first, sync both."""
    if first.card.snapshot is None or not first.card.snapshot.set_up:
        set_up(qtbot, runner, first, folder)
    pairing = open_pairing(qtbot, runner, first)
    join(qtbot, runner, second, pairing.code_view.toPlainText(), folder)
    pairing.reject()
    sync(qtbot, runner, first)
    first.card.asking.buttons[1].click()  # Allow (the numbers were compared)
    settle(qtbot, runner, first)
    sync(qtbot, runner, second)


def closed(dialog: QWidget) -> bool:
    """Dialogs delete themselves once finished."""
    return not shiboken6.isValid(dialog) or not dialog.isVisible()


def texts(widget: QWidget) -> str:
    from tests.gui.conftest import visible_texts

    return "\n".join(t for t in visible_texts(widget) if t)


# -- the card's states ---------------------------------------------------------------------------


def test_not_set_up_offers_both_ways_and_says_circles_stay(qtbot, two) -> None:  # type: ignore[no-untyped-def]
    laptop, _desktop = two
    card = laptop.card
    assert card.snapshot is not None and not card.snapshot.set_up
    assert card.set_up_button.isVisible() and card.join_button.isVisible()
    assert not card.sync_button.isVisible() and not card.add_button.isVisible()
    assert "Circles stay on the computer that joined them" in texts(card)
    assert laptop.sql.on_gui_thread == []


def test_pairing_through_the_cards(qtbot, two, runner, folder) -> None:  # type: ignore[no-untyped-def]
    laptop, desktop = two
    with laptop.sql.paused():
        laptop.app.journal.add(EntryDraft(title="Before", body="written on the laptop"))
    set_up(qtbot, runner, laptop, folder)
    assert laptop.card.snapshot is not None and laptop.card.snapshot.state == "active"
    assert laptop.card.add_button.isVisible() and laptop.card.sync_button.isVisible()
    assert "Last sync" in laptop.card.status_line.text()  # the journal went to the storage
    assert str(folder) in laptop.card.storage_line.text()

    pairing = open_pairing(qtbot, runner, laptop)
    code = pairing.code_view.toPlainText()
    assert code.startswith("companion-device-1:") and pairing.code_view.isReadOnly()
    pairing.copy_button.click()
    from PySide6.QtGui import QGuiApplication
    assert QGuiApplication.clipboard().text() == code
    assert pairing.waiting.isVisible()
    assert laptop.card.syncer.timer.interval() == 15_000  # it looks often while waiting

    with desktop.sql.paused():
        desktop.app.journal.add(EntryDraft(body="already on the desktop"))
    join(qtbot, runner, desktop, code, folder)
    assert desktop.card.snapshot is not None and desktop.card.snapshot.state == "joining"
    assert desktop.card.joining_section.isVisible()
    number = desktop.card.joining_number.text()
    assert len(number.split()) == 12
    assert not desktop.card.add_button.isVisible() and desktop.card.sync_button.isVisible()

    laptop.card.syncer.sync_now()  # what the dialog's quick timer does
    settle(qtbot, runner, laptop)
    assert not pairing.waiting.isVisible()
    assert "“Desktop” asks to join" in texts(pairing)
    (asked,) = [label.text() for label in pairing.asking.findChildren(type(pairing.storage))
                if label.accessibleName() == "Safety number of Desktop"]
    assert asked == number  # the same on both screens
    pairing.asking.buttons[1].click()  # Allow, in the dialog
    settle(qtbot, runner, laptop)
    assert "is one of your computers now" in pairing.message.text()
    pairing.reject()
    assert laptop.card.syncer.timer.interval() != 15_000 or not laptop.card.syncer.timer.isActive()
    assert "Desktop" in texts(laptop.card.computers)
    assert laptop.card.remove_buttons and laptop.card.remove_buttons[0].isVisible()

    sync(qtbot, runner, desktop)
    assert desktop.card.snapshot is not None and desktop.card.snapshot.state == "active"
    assert desktop.bodies() == ["already on the desktop", "written on the laptop"]
    sync(qtbot, runner, laptop)  # as the join dialog said, the desktop's entries join too
    assert laptop.bodies() == ["already on the desktop", "written on the laptop"]
    assert "This computer" in texts(desktop.card.computers)
    assert number.replace("\n", " ") in texts(desktop.card.computers).replace("\n", " ")
    for computer in (laptop, desktop):
        assert computer.sql.on_workers and computer.sql.on_gui_thread == []


def test_refusing_spends_the_code(qtbot, two, runner, folder) -> None:  # type: ignore[no-untyped-def]
    laptop, desktop = two
    set_up(qtbot, runner, laptop, folder)
    pairing = open_pairing(qtbot, runner, laptop)
    join(qtbot, runner, desktop, pairing.code_view.toPlainText(), folder)
    pairing.reject()
    sync(qtbot, runner, laptop)
    assert laptop.card.asking.isVisible()
    assert "“Desktop” asks to join" in texts(laptop.card)
    laptop.card.asking.buttons[0].click()  # Refuse
    settle(qtbot, runner, laptop)
    assert "its code can no longer be used" in laptop.card.message.text()
    assert not laptop.card.asking.isVisible()
    sync(qtbot, runner, laptop)  # writes the refusal for the desktop to find
    sync(qtbot, runner, desktop)
    assert desktop.card.snapshot is not None and desktop.card.snapshot.state == "joining"
    card = desktop.card
    assert card.joining_title.text() == "Not let in"
    assert card.refused_hint.isVisible() and not card.waiting_hint.isVisible()
    assert "refused to let this one in" in card.refused_hint.text()
    assert card.cancel_join_button.isVisible() and not card.sync_button.isVisible()
    with laptop.sql.paused():
        assert [d.name for d in laptop.app.devices.devices()] == ["Laptop"]


def test_joining_with_a_wrong_code_or_folder_saves_nothing(qtbot, two, runner,  # type: ignore[no-untyped-def]
                                                          folder, tmp_path) -> None:
    laptop, desktop = two
    set_up(qtbot, runner, laptop, folder)
    code = open_pairing(qtbot, runner, laptop).code_view.toPlainText()
    laptop.card.dialog.reject()
    dialog = join(qtbot, runner, desktop, code, tmp_path / "nowhere")
    assert dialog.isVisible()
    assert "Companion could not use that storage" in dialog.error.text()
    assert "Nothing was saved" in dialog.error.text()
    dialog.storage.folder.setText(str(folder))
    dialog.code.setPlainText("companion-invite-2:NOTAPAIRINGCODE")
    dialog.ok_button.click()
    settle(qtbot, runner, desktop)
    assert "not a pairing code" in dialog.error.text()
    assert desktop.card.snapshot is not None and not desktop.card.snapshot.set_up
    dialog.reject()


def test_remove_asks_first_and_says_what_it_cannot_undo(qtbot, two, runner, folder) -> None:  # type: ignore[no-untyped-def]
    laptop, desktop = two
    pair(qtbot, runner, laptop, desktop, folder)
    laptop.card.remove_buttons[0].click()
    box = laptop.card.dialog
    text = box.text()
    assert box.windowTitle() == "Remove “Desktop”?"
    assert "new key" in text and "nothing can erase that from here" in text
    box.button(box.StandardButton.Cancel).click()
    settle(qtbot, runner, laptop)
    with laptop.sql.paused():
        assert all(d.active for d in laptop.app.devices.devices())
    laptop.card.remove_buttons[0].click()
    laptop.card.dialog.confirm_button.click()
    settle(qtbot, runner, laptop)
    assert "“Desktop” is removed" in laptop.card.message.text()
    assert not laptop.card.remove_buttons  # nothing left to remove
    assert "Removed" in texts(laptop.card.computers)
    with laptop.sql.paused():
        laptop.app.journal.add(EntryDraft(body="after the removal"))
    sync(qtbot, runner, laptop)
    sync(qtbot, runner, desktop)
    assert "after the removal" not in desktop.bodies()
    assert desktop.card.snapshot is not None and desktop.card.snapshot.state == "removed"
    assert desktop.card.removed_notice.isVisible()
    assert not desktop.card.sync_button.isVisible()


def _edited_on_both(qtbot, runner, laptop: Computer, desktop: Computer) -> None:  # type: ignore[no-untyped-def]
    with laptop.sql.paused():
        made = laptop.app.journal.add(EntryDraft(title="Walk", body="base"))
    sync(qtbot, runner, laptop)
    sync(qtbot, runner, desktop)
    with desktop.sql.paused():
        (other,) = desktop.app.journal.browse()
        desktop.app.journal.update(other.id, body="the desktop's words")
    with laptop.sql.paused():
        laptop.app.journal.update(made.id, body="the laptop's words")
    desktop.app.clock.advance(seconds=1)  # type: ignore[attr-defined]
    sync(qtbot, runner, desktop)
    sync(qtbot, runner, laptop)


def test_a_conflict_is_reviewed_and_one_version_kept(qtbot, two, runner, folder) -> None:  # type: ignore[no-untyped-def]
    laptop, desktop = two
    pair(qtbot, runner, laptop, desktop, folder)
    _edited_on_both(qtbot, runner, laptop, desktop)
    card = laptop.card
    assert card.conflicts_row.isVisible()
    assert card.conflicts_label.text() == "1 entry was edited on two computers"
    assert "1 entry edited on two computers" in card.status_line.text()
    card.review_button.click()
    dialog = card.dialog
    assert isinstance(dialog, DeviceConflictsDialog)
    assert dialog.list.count() == 1 and dialog.list.item(0).text().startswith("Walk — ")
    shown = [view.toPlainText() for view in dialog.version_views]
    assert sorted(shown) == ["the desktop's words", "the laptop's words"]
    assert all(view.isReadOnly() for view in dialog.version_views)
    keep = shown.index("the laptop's words")
    dialog.keep_buttons[keep].click()
    settle(qtbot, runner, laptop)
    assert closed(dialog)
    assert not card.conflicts_row.isVisible()
    assert "Kept your choice" in card.message.text()
    assert laptop.bodies() == ["the laptop's words"]
    sync(qtbot, runner, desktop)
    assert desktop.bodies() == ["the laptop's words"]
    assert not desktop.card.conflicts_row.isVisible()
    assert laptop.sql.on_gui_thread == []


def test_a_conflict_is_combined(qtbot, two, runner, folder) -> None:  # type: ignore[no-untyped-def]
    laptop, desktop = two
    pair(qtbot, runner, laptop, desktop, folder)
    _edited_on_both(qtbot, runner, laptop, desktop)
    desktop_dialog_needed = sync  # the desktop sees the conflict too, after its next sync
    desktop_dialog_needed(qtbot, runner, desktop)
    assert desktop.card.conflicts_row.isVisible()
    laptop.card.review_button.click()
    dialog = laptop.card.dialog
    assert isinstance(dialog, DeviceConflictsDialog)
    dialog.combine_button.click()
    text = dialog.combination.toPlainText()
    assert "the laptop's words" in text and "the desktop's words" in text
    assert not dialog.combination.isReadOnly()
    dialog.combination.setPlainText("both, in the end")
    dialog.save_button.click()
    settle(qtbot, runner, laptop)
    assert laptop.bodies() == ["both, in the end"]
    sync(qtbot, runner, desktop)
    assert desktop.bodies() == ["both, in the end"]
    assert not desktop.card.conflicts_row.isVisible()


def test_a_vanished_folder_is_said_and_the_changes_wait(qtbot, two, runner, folder,  # type: ignore[no-untyped-def]
                                                        tmp_path) -> None:
    laptop, desktop = two
    pair(qtbot, runner, laptop, desktop, folder)
    moved = tmp_path / "unplugged"
    folder.rename(moved)
    with laptop.sql.paused():
        laptop.app.journal.add(EntryDraft(body="written while it was gone"))
    sync(qtbot, runner, laptop)
    error = laptop.card.error.text()
    assert laptop.card.error.isVisible()
    assert "could not use the storage" in error
    assert "your changes wait on this computer" in error
    assert "circle" not in error
    assert "written while it was gone" in laptop.bodies()
    moved.rename(folder)
    sync(qtbot, runner, laptop)
    assert not laptop.card.error.isVisible()
    sync(qtbot, runner, desktop)
    assert "written while it was gone" in desktop.bodies()
    shutil.rmtree(folder)


def test_sync_runs_on_a_worker_and_the_window_stays_free(qtbot, two, runner, folder) -> None:  # type: ignore[no-untyped-def]
    import threading

    from PySide6.QtCore import QTimer

    laptop, desktop = two
    pair(qtbot, runner, laptop, desktop, folder)
    with laptop.sql.paused():
        for number in range(200):
            laptop.app.journal.add(EntryDraft(body=f"entry {number}"))
    ticked = threading.Event()
    in_sync = threading.Event()
    threads: list[threading.Thread] = []
    ticks = QTimer()
    ticks.setInterval(0)
    ticks.timeout.connect(lambda: in_sync.is_set() and ticked.set())
    ticks.start()
    real = laptop.app.sync_devices

    def observed():  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread())
        in_sync.set()
        try:
            return real()
        finally:
            ticked.wait(timeout=20)
            in_sync.clear()

    laptop.app.sync_devices = observed  # type: ignore[method-assign]
    try:
        sync(qtbot, runner, laptop)
    finally:
        laptop.app.sync_devices = real  # type: ignore[method-assign]
        ticks.stop()
    assert threads and all(t is not threading.main_thread() for t in threads)
    assert ticked.is_set()
    sync(qtbot, runner, desktop)
    assert len(desktop.bodies()) == 200
    assert laptop.sql.on_gui_thread == [] and desktop.sql.on_gui_thread == []


def test_setting_up_says_what_is_missing_and_saves_nothing(qtbot, two, runner) -> None:  # type: ignore[no-untyped-def]
    laptop, _desktop = two
    laptop.card.set_up_button.click()
    dialog = laptop.card.dialog
    assert isinstance(dialog, SetUpDevicesDialog)
    dialog.device_name.setText("  ")
    dialog.ok_button.click()
    assert "Give this computer a name" in dialog.error.text()
    dialog.device_name.setText("Laptop")
    dialog.ok_button.click()
    assert "Choose the folder your computers share" in dialog.error.text()
    settle(qtbot, runner, laptop)
    assert laptop.card.snapshot is not None and not laptop.card.snapshot.set_up
    dialog.reject()


def test_setting_up_on_webdav_says_a_refused_password_plainly(qtbot, two, runner,  # type: ignore[no-untyped-def]
                                                             webdav_server) -> None:
    laptop, _desktop = two
    laptop.card.set_up_button.click()
    dialog = laptop.card.dialog
    assert isinstance(dialog, SetUpDevicesDialog)
    dialog.device_name.setText("Laptop")
    dialog.storage.webdav_choice.setChecked(True)
    dialog.storage.url.setText(webdav_server.url_for("devices"))
    dialog.storage.user.setText(webdav_server.user)
    dialog.storage.password.setText("not-the-password")
    dialog.ok_button.click()
    settle(qtbot, runner, laptop)
    assert "Check the WebDAV user and app password, then try again" in dialog.error.text()
    assert "Nothing was saved" in dialog.error.text()
    assert laptop.card.snapshot is not None and not laptop.card.snapshot.set_up
    dialog.storage.password.setText(webdav_server.password)
    dialog.ok_button.click()
    settle(qtbot, runner, laptop)
    assert closed(dialog)
    assert laptop.card.snapshot is not None and laptop.card.snapshot.state == "active"
    assert "Through the WebDAV folder" in laptop.card.storage_line.text()
    assert webdav_server.password not in texts(laptop.card)
    assert not laptop.card.error.isVisible()
