"""The screens before the workspace, for the layout and Tab-order tests: the unlock screen (with
the passphrase, and with the recovery code) and each step of onboarding.

Each is shown in a real MainWindow, as a person meets it. Onboarding's last step offers only
what this desktop supports; `offer_everything` pretends a keyring and a tray icon exist (the
test platform has neither), so the step shows every control it can have.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QSystemTrayIcon

from companion.app import CompanionApp
from ui.context import PreferenceStore
from ui.main_window import MainWindow
from ui.tasks import TaskRunner

A_CODE = "-".join(["K7QF", "M2XD", "P9LA", "W4HT", "B8NC", "R3ZE", "J6VU", "T5GY"])


def offer(monkeypatch: pytest.MonkeyPatch, *, keyring: bool, tray: bool) -> None:
    """Make this desktop look as if it had a keyring and a tray icon, or not."""
    monkeypatch.setattr(CompanionApp, "keyring_available", staticmethod(lambda: keyring))
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: tray))


def unlock_window(qtbot, app: CompanionApp, runner: TaskRunner,  # type: ignore[no-untyped-def]
                  prefs: PreferenceStore) -> MainWindow:
    """A main window on the unlock screen of the `app` fixture's vault (closed first)."""
    app.close()
    main = MainWindow(CompanionApp(app.home), runner, prefs)
    qtbot.addWidget(main)
    main.start()
    main.show()
    qtbot.waitUntil(main.unlock_screen.button.isEnabled, timeout=10_000)
    return main


def unlock_modes(qtbot, main: MainWindow) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """Show the unlock screen with the passphrase field, then with the recovery code's."""
    screen = main.unlock_screen
    yield "unlock with the passphrase"
    screen.toggle_mode()
    qtbot.wait(1)
    assert screen.code_field.isVisibleTo(main)
    yield "unlock with the recovery code"
    screen.toggle_mode()


def onboarding_window(qtbot, home: Path, runner: TaskRunner,  # type: ignore[no-untyped-def]
                      prefs: PreferenceStore) -> MainWindow:
    """A main window on the first step of onboarding (no vault in `home`)."""
    main = MainWindow(CompanionApp(home), runner, prefs)
    qtbot.addWidget(main)
    main.start()
    main.show()
    assert main.onboarding is not None
    return main


def onboarding_steps(qtbot, main: MainWindow) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """Show each step in turn, as it looks partway through: a weak passphrase typed (the
    meter and the reason the button waits are showing), a recovery code to store; then, for
    a computer joining another, its passphrase, the pairing form (with an error, and with
    WebDAV chosen) and the wait to be let in (and refused)."""
    flow = main.onboarding
    assert flow is not None
    yield "welcome"
    flow.start_button.click()
    flow.pass1.edit.setText("walk")
    flow.pass2.edit.setText("wal")
    assert flow.create_reason.isVisibleTo(main)
    yield "passphrase"
    flow.code_view.set_code(A_CODE)
    flow.stack.setCurrentWidget(flow.code_step)
    yield "recovery code"
    flow.stored.setChecked(True)
    flow.code_next.click()
    assert flow.stack.currentWidget() is flow.finish_step
    yield "choices"
    yield from joining_steps(qtbot, main)


A_SAFETY_NUMBER = " ".join(f"{n:05d}" for n in range(30517, 30529))
A_JOIN_ERROR = ("That pairing code cannot be used: its signature does not match. Copy the whole "
                "code exactly as your other computer shows it. Nothing was shared with your "
                "other computer.")


def joining_steps(qtbot, main: MainWindow) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The steps of "I already use Companion on another computer" after the recovery code,
    shown without a vault (as the recovery code is above): the form, then the wait."""
    from companion.devices.group import DeviceStatus
    from ui.device_sync import DeviceSnapshot

    flow = main.onboarding
    assert flow is not None
    flow.stack.setCurrentWidget(flow.welcome)
    flow.other_computer_button.click()
    assert flow.stack.currentWidget() is flow.passphrase_step
    yield "this computer's passphrase"
    flow.joining = True
    flow.stack.setCurrentWidget(flow.code_step)
    flow.stored.setChecked(True)
    flow.code_next.click()
    assert flow.stack.currentWidget() is flow.join_step
    form = flow.join.form
    yield "join"
    form.say(form.error, A_JOIN_ERROR)
    form.fields.storage.webdav_choice.setChecked(True)
    yield "join over WebDAV, refused"
    status = DeviceStatus("joining", "folder", "/media/sync", None, 0, 1, 0)
    flow.join.waiting.show_snapshot(DeviceSnapshot(True, status,
                                                   joining_number=A_SAFETY_NUMBER))
    flow.stack.setCurrentWidget(flow.waiting_step)
    yield "waiting to be let in"
    flow.join.waiting.show_snapshot(DeviceSnapshot(True, replace(status, refused=True)))
    yield "not let in"
