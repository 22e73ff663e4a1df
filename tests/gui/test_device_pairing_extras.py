"""Settings → Your computers, the parts issue 19 adds around pairing: the pairing code as a
QR code (drawn in memory, named for screen readers, Copy reached by the keyboard), the app
saying that circles stay on the computer that joined them, and a computer waiting to be let in
cancelling its join. Two real vaults, a real shared folder, the real task runner (the helpers
of test_device_sync_ui)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from companion.models import EntryDraft
from tests.gui import test_device_sync_ui as device_ui
from tests.gui.test_device_sync_ui import (
    closed,
    join,
    open_pairing,
    set_up,
    settle,
    sync,
    texts,
)
from ui.dialogs.circle_trust import InviteDialog
from ui.dialogs.device_setup import JoinDevicesDialog
from ui.widgets.one_time_code import OneTimeCode
from ui.widgets.qr_code import qr_pixmap

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
two, folder = device_ui.two, device_ui.folder  # its fixtures: two computers, a shared folder


def _files(root: Path) -> set[Path]:
    return {path for path in root.rglob("*") if path.is_file()}


def test_the_pairing_code_shows_as_a_qr_code_drawn_in_memory(qtbot, two, runner, folder,  # type: ignore[no-untyped-def]
                                                             tmp_path) -> None:
    laptop, _desktop = two
    set_up(qtbot, runner, laptop, folder)
    before = _files(tmp_path)
    pairing = open_pairing(qtbot, runner, laptop)
    code = pairing.code_view.toPlainText()
    assert code.startswith("companion-device-1:")
    shown = pairing.qr.pixmap()
    assert not shown.isNull() and pairing.qr.isVisible()
    assert shown.toImage() == qr_pixmap(code, 3).toImage()  # the code itself, nothing else
    assert pairing.qr.accessibleName() == "Pairing code QR code"
    assert pairing.qr.accessibleDescription()
    # The circle's invite draws its code with the same widget.
    assert isinstance(pairing.pairing, OneTimeCode)
    invite = InviteDialog("Friends", "companion-invite-2:ABCD", "ABCD " * 12)
    qtbot.addWidget(invite)
    assert isinstance(invite.invite, OneTimeCode)
    # Copy is the next stop after the code, and Space presses it.
    pairing.activateWindow()
    qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is not None)
    pairing.code_view.setFocus()
    qtbot.keyClick(pairing.code_view, Qt.Key.Key_Tab)
    assert pairing.focusWidget() is pairing.copy_button
    qtbot.keyClick(pairing.copy_button, Qt.Key.Key_Space)
    assert QGuiApplication.clipboard().text() == code
    assert pairing.copy_button.text() == "Copied"
    pairing.reject()  # the code and its picture are dropped at once (then the dialog goes)
    assert pairing.code_view.toPlainText() == "" and pairing.qr.pixmap().isNull()
    settle(qtbot, runner, laptop)
    written = _files(tmp_path) - before
    assert not [p for p in written if p.suffix.lower() in (".png", ".svg", ".tmp")], written


def test_the_app_says_circles_stay_on_the_computer_that_joined_them(qtbot, two, runner,  # type: ignore[no-untyped-def]
                                                                     folder) -> None:
    laptop, desktop = two
    assert "Circles stay on the computer that joined them: they are not shared with your " \
        "other computers" in texts(laptop.card)
    set_up(qtbot, runner, laptop, folder)
    pairing = open_pairing(qtbot, runner, laptop)
    assert "your circles stay on this computer" in texts(pairing)
    pairing.reject()
    desktop.card.join_button.click()
    dialog = desktop.card.dialog
    assert isinstance(dialog, JoinDevicesDialog)
    assert "Circles do not: each circle stays on the computer that joined it" in texts(dialog)
    dialog.reject()


def test_a_computer_waiting_to_be_let_in_cancels_its_join(qtbot, two, runner, folder,  # type: ignore[no-untyped-def]
                                                          tmp_path) -> None:
    laptop, desktop = two
    set_up(qtbot, runner, laptop, folder)
    with desktop.sql.paused():
        desktop.app.journal.add(EntryDraft(title="Mine", body="written on the desktop"))
    wrong = tmp_path / "wrong"
    wrong.mkdir()
    pairing = open_pairing(qtbot, runner, laptop)
    join(qtbot, runner, desktop, pairing.code_view.toPlainText(), wrong)  # the wrong folder
    pairing.reject()
    card = desktop.card
    assert card.snapshot is not None and card.snapshot.state == "joining"
    assert card.cancel_join_button.isVisible() and card.cancel_join_button.isEnabled()
    assert not laptop.card.cancel_join_button.isVisible()

    box = card.cancel_join()
    assert box.windowTitle() == "Cancel joining?"
    assert "Your journal here stays as it is" in box.text()
    assert box.defaultButton() is not box.confirm_button  # Enter keeps waiting
    box.defaultButton().click()  # Keep waiting
    settle(qtbot, runner, desktop)
    assert card.snapshot is not None and card.snapshot.state == "joining"

    card.cancel_join_button.click()
    card.dialog.confirm_button.click()
    settle(qtbot, runner, desktop)
    assert card.snapshot is not None and card.snapshot.state == "none"
    assert card.start_section.isVisible() and not card.joining_section.isVisible()
    assert not card.cancel_join_button.isVisible() and not card.sync_button.isVisible()
    assert "no longer waits to join" in card.message.text()
    assert desktop.bodies() == ["written on the desktop"]
    assert not card.syncer.hurrying  # it stopped looking every few seconds

    # Set up again through the right folder: let in, the journals meet.
    pairing = open_pairing(qtbot, runner, laptop)
    join(qtbot, runner, desktop, pairing.code_view.toPlainText(), folder)
    pairing.reject()
    sync(qtbot, runner, laptop)
    assert "“Desktop” asks to join" in texts(laptop.card)
    laptop.card.asking.buttons[1].click()  # Allow
    settle(qtbot, runner, laptop)
    sync(qtbot, runner, desktop)
    sync(qtbot, runner, laptop)
    assert desktop.card.snapshot is not None and desktop.card.snapshot.state == "active"
    assert laptop.bodies() == desktop.bodies() == ["written on the desktop"]
    for computer in (laptop, desktop):
        assert computer.sql.on_gui_thread == []
    assert closed(pairing)
