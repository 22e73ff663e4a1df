"""The join dialog's second step (issue 16, item 7): what the invite code says — the server,
its folder, where the address came from, the admin's fingerprint — shown before anything is
sent, and a WebDAV address from the code used only once the person ticks that they checked it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from companion.app import CompanionApp
from companion.clock import FakeClock
from sync.crypto import SeededRandomness
from sync.identity import Identity
from sync.invite import Invite
from tests.gui.circle_gui_helpers import (
    Home,
    create_circle,
    invite_code,
    make_home,
    open_join,
    opened_home,
    settle,
)
from tests.sync.test_invite_tamper import Listener, listener
from ui.dialogs.circle_setup import JoinCircleDialog
from ui.tasks import TaskRunner

__all__ = ["listener"]  # the fixture, used by name below

ADMIN = Identity.generate(SeededRandomness(b"gui tamper admin"))


@pytest.fixture
def home(qtbot, app: CompanionApp, clock: FakeClock, runner: TaskRunner,  # type: ignore[no-untyped-def]
         tmp_path: Path) -> Iterator[Home]:
    with opened_home(qtbot, tmp_path, "Bob", clock, runner, app) as person:
        yield person


def _open_join(home: Home, code: str) -> JoinCircleDialog:
    open_join(home)
    dialog = home.page.dialog
    assert isinstance(dialog, JoinCircleDialog)
    dialog.code.setPlainText(code)
    dialog.display_name.setText("Bob")
    return dialog


def test_a_tampered_v1_address_is_shown_and_nothing_is_sent_until_ticked(  # type: ignore[no-untyped-def]
        qtbot, home: Home, runner: TaskRunner, listener: Listener) -> None:
    code = Invite(bytes([5]) * 16, bytes([6]) * 32, ADMIN.public, listener.url).code()
    dialog = _open_join(home, code)
    assert dialog.storage.webdav_choice.isChecked()  # filled in from the code
    assert dialog.storage.url.text() == listener.url
    assert not dialog.storage.test_button.isVisibleTo(dialog)  # testing would send the password
    dialog.storage.user.setText("bob")
    dialog.storage.password.setText("hunter2-secret")
    dialog.ok_button.click()  # Continue
    settle(qtbot, runner, home.page)
    confirm = dialog.confirmation
    assert dialog.pages.currentWidget() is confirm
    host = listener.url.split("/")[2]
    assert confirm.server.text() == host and confirm.path.text() == "/evil/"
    assert "invite code" in confirm.origin.text()
    assert confirm.fingerprint.text() == ADMIN.public.short_fingerprint
    assert "older invite code" in confirm.signature.text()
    assert confirm.server.textFormat() == Qt.TextFormat.PlainText
    assert confirm.trust.isVisibleTo(dialog) and confirm.trust.hasFocus()
    assert not dialog.ok_button.isEnabled()
    dialog.ok_button.click()  # disabled: nothing happens
    settle(qtbot, runner, home.page)
    assert listener.requests == []
    qtbot.keyClick(confirm.trust, Qt.Key.Key_Space)  # the keyboard reaches the step
    assert confirm.trust.isChecked() and dialog.ok_button.isEnabled()
    assert dialog.ok_button.text() == "Join"
    dialog.back_button.click()  # going back forgets the confirmation
    assert dialog.pages.currentWidget() is dialog.entry_page and dialog.preview is None
    dialog.ok_button.click()
    settle(qtbot, runner, home.page)
    assert not confirm.trust.isChecked() and not dialog.ok_button.isEnabled()
    assert listener.requests == []
    assert home.app.circles.rows() == []
    confirm.trust.setChecked(True)
    dialog.ok_button.click()  # Join: now, and only now, the password goes there
    settle(qtbot, runner, home.page)
    assert listener.requests and "authorization" in listener.requests[0][2]
    assert dialog.error.isVisibleTo(dialog)  # the listener is no WebDAV server
    dialog.reject()


def test_a_forged_v2_code_is_refused_on_the_first_step(  # type: ignore[no-untyped-def]
        qtbot, home: Home, runner: TaskRunner, listener: Listener) -> None:
    honest = Invite.signed_by(ADMIN, bytes([5]) * 16, bytes([6]) * 32, "https://dav.example/c/")
    dialog = _open_join(home, replace(honest, webdav_url=listener.url).code())
    dialog.storage.user.setText("bob")
    dialog.storage.password.setText("hunter2-secret")
    dialog.ok_button.click()
    settle(qtbot, runner, home.page)
    assert dialog.pages.currentWidget() is dialog.entry_page
    assert "not signed by the admin it names" in dialog.error.text()
    assert listener.requests == []
    dialog.reject()


def test_the_invite_shows_the_admins_fingerprint_and_the_joiner_sees_the_same(  # type: ignore[no-untyped-def]
        qtbot, tmp_path: Path, app: CompanionApp, clock: FakeClock, runner: TaskRunner) -> None:
    ann = make_home(qtbot, tmp_path, "Ann", clock, runner, app)
    bob = make_home(qtbot, tmp_path, "Bob", clock, runner)
    try:
        settle(qtbot, runner, ann.page)
        shared = tmp_path / "shared"
        create_circle(qtbot, runner, ann, shared)
        ann.page.invite_button.click()
        settle(qtbot, runner, ann.page)
        shown = ann.page.dialog.fingerprint.text()
        ann.page.dialog.reject()
        code = invite_code(qtbot, runner, ann)
        dialog = _open_join(bob, code)
        dialog.storage.folder.setText(str(shared))
        dialog.ok_button.click()
        settle(qtbot, runner, bob.page)
        confirm = dialog.confirmation
        assert shown.endswith(confirm.fingerprint.text())
        assert "signature" in confirm.signature.text() and "older" not in confirm.signature.text()
        assert not confirm.trust.isVisibleTo(dialog)  # your own folder: nothing from the code
        assert confirm.path.text() == str(shared) and "you gave" in confirm.origin.text()
        dialog.ok_button.click()
        settle(qtbot, runner, bob.page)
        assert [r.status for r in bob.app.circles.rows()] == ["joining"]
    finally:
        runner.wait_idle()
        ann.close()
        bob.close()
        bob.app.close()
