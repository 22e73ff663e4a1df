"""The app's states: onboarding, unlock, lock (Ctrl+L and auto-lock), and the task runner."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt, QThread
from PySide6.QtWidgets import QApplication

import storage.kdf
from companion.app import CompanionApp
from companion.errors import ReportedBug
from companion.models import EntryDraft
from tests.conftest import PASSPHRASE, run_companion
from tests.gui.conftest import visible_texts
from ui.main_window import MainWindow
from ui.tasks import InlineTaskRunner, Lane
from ui.workspace import Workspace

CANARY = "zanzibar periwinkle"


def test_onboarding_end_to_end(qtbot, private_home, runner, prefs, wait_for_tasks):
    app = CompanionApp(private_home)
    main = MainWindow(app, runner, prefs)
    qtbot.addWidget(main)
    main.start()
    main.show()
    flow = main.onboarding
    assert flow is not None and main.windowTitle() == "Companion"
    welcome = " ".join(visible_texts(flow)).lower()
    assert "what stays private" in welcome and "what never leaves" in welcome
    qtbot.mouseClick(flow.start_button, Qt.MouseButton.LeftButton)
    assert flow.stack.currentWidget() is flow.passphrase_step
    main.activateWindow()  # focus is only given in the active window, even offscreen
    qtbot.waitUntil(lambda: QApplication.activeWindow() is main)
    qtbot.keyClicks(flow.pass1.edit, "short")
    qtbot.keyClick(flow.pass1.edit, Qt.Key.Key_Return)  # Enter moves on
    assert flow.pass2.edit.hasFocus()
    qtbot.keyClicks(flow.pass2.edit, "short")
    assert not flow.create_button.isEnabled()  # too weak, and it says so
    assert "needs a stronger passphrase" in flow.create_reason.text()
    assert not flow.create_reason.isHidden()
    flow.pass1.edit.setText(PASSPHRASE)
    flow.pass2.edit.setText(PASSPHRASE + "x")
    assert not flow.create_button.isEnabled()  # does not match
    assert "the same passphrase typed twice" in flow.create_reason.text()
    flow.pass2.edit.setText(PASSPHRASE)
    assert flow.create_button.isEnabled() and flow.create_reason.isHidden()
    qtbot.mouseClick(flow.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: flow.stack.currentWidget() is flow.code_step, timeout=15_000)
    code = flow.code_label.text()
    assert len(code.split("-")) == 8
    assert not flow.code_next.isEnabled()
    flow.stored.setChecked(True)
    flow.code_next.setFocus()
    qtbot.keyClick(flow.code_next, Qt.Key.Key_Return)  # Enter presses the focused button
    assert flow.stack.currentWidget() is flow.finish_step
    assert code not in " ".join(visible_texts(flow))  # shown once, then dropped
    # No keyring backend and no tray icon in tests: nothing to offer, and it says so (not
    # "two choices" above none), and a reminder that could never appear is not offered.
    assert not flow.remember.isVisible() and not flow.reminder.isVisible()
    assert "You are ready" in " ".join(visible_texts(flow))
    assert "choice" not in " ".join(visible_texts(flow)).lower()
    qtbot.mouseClick(flow.done_button, Qt.MouseButton.LeftButton)
    assert isinstance(main.workspace, Workspace)
    wait_for_tasks()
    assert not prefs.current.reminder_enabled
    # The vault is real: the recovery code shown opens it.
    main.shutdown()
    again = CompanionApp(private_home)
    again.unlock_with_recovery_code(code)
    again.close()


def test_unlock_wrong_then_right(qtbot, app, runner, prefs):
    app.close()
    main = MainWindow(CompanionApp(app.home), runner, prefs)
    qtbot.addWidget(main)
    main.start()
    main.show()
    screen = main.unlock_screen
    qtbot.waitUntil(screen.button.isEnabled, timeout=10_000)
    qtbot.keyClicks(screen.field.edit, "not my passphrase")
    qtbot.keyClick(screen.field.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "does not open" in screen.error.text(), timeout=10_000)
    assert main.is_locked
    screen.field.edit.setText(PASSPHRASE)
    qtbot.keyClick(screen.field.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not main.is_locked, timeout=10_000)
    assert screen.field.text() == ""
    # Issue 17: the keyboard is in Today's check-in at once, so 3 picks a mood, no Tab first.
    from ui.pages.today import TodayPage

    main.activateWindow()
    today = main.workspace.stack.currentWidget()
    assert isinstance(today, TodayPage)
    qtbot.waitUntil(lambda: today.isAncestorOf(QApplication.focusWidget()), timeout=5_000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_3)
    assert today.mood.value() == 3
    main.shutdown()


def test_key_derivation_never_runs_on_the_gui_thread(qtbot, app, runner, prefs, monkeypatch):
    app.close()
    threads: list[bool] = []
    real = storage.kdf.derive_passphrase_key

    def spy(*args, **kwargs):  # records where it runs, then does the real derivation
        threads.append(QThread.currentThread() is QApplication.instance().thread())
        return real(*args, **kwargs)

    # The key file derives it (storage.keyfile), by kdf's own name.
    monkeypatch.setattr(storage.kdf, "derive_passphrase_key", spy)
    main = MainWindow(CompanionApp(app.home), runner, prefs)
    qtbot.addWidget(main)
    main.start()
    qtbot.waitUntil(lambda: not main.unlock_screen.is_busy, timeout=10_000)
    main.unlock_screen.field.edit.setText(PASSPHRASE)
    main.unlock_screen.submit()
    assert main.unlock_screen.is_busy
    qtbot.waitUntil(lambda: not main.is_locked, timeout=10_000)
    # Derived once, on a worker; that the worker lets the GUI thread run meanwhile is
    # tests/storage/test_kdf_implementations.py's job (cryptography's Argon2id releases the GIL).
    assert threads == [False]
    main.shutdown()


@pytest.mark.parametrize("how", ["shortcut", "idle"])
def test_locking_leaves_no_decrypted_text_anywhere(qtbot, window, app, wait_for_tasks, how):
    app.add_entry(EntryDraft(title=f"{CANARY} title", body=f"{CANARY} body", tags=("zanzi",)))
    window.workspace.show_page(1)
    qtbot.waitUntil(lambda: any(CANARY in t for t in visible_texts()), timeout=10_000)
    if how == "shortcut":
        qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    else:
        now = [1000.0]
        window.idle.clock = lambda: now[0]
        window.idle.arm()
        now[0] += window.idle.minutes * 60 - 1
        window.idle.check()
        assert not window.is_locked
        now[0] += 2
        window.idle.check()
    assert window.is_locked
    assert window.states.currentWidget() is window.unlock_screen
    qtbot.waitUntil(lambda: not any(CANARY in t for t in visible_texts()), timeout=5_000)
    wait_for_tasks()
    assert not app.is_unlocked
    QApplication.processEvents()
    assert not window.findChildren(Workspace)


def test_input_resets_the_idle_timer(qtbot, window):
    now = [0.0]
    window.idle.clock = lambda: now[0]
    window.idle.arm()
    now[0] = window.idle.minutes * 60 - 10
    qtbot.keyClick(window.workspace.sidebar, Qt.Key.Key_Down)
    now[0] += 20
    window.idle.check()
    assert not window.is_locked


def test_runner_delivers_on_the_gui_thread(qtbot, runner, wait_for_tasks):
    seen: dict[str, object] = {}

    def work() -> int:
        seen["worker"] = threading.current_thread() is threading.main_thread()
        return 42

    def done(value: int) -> None:
        seen["value"] = value
        seen["callback"] = threading.current_thread() is threading.main_thread()

    def fail(exc: BaseException) -> None:
        seen["failure"] = (type(exc), threading.current_thread() is threading.main_thread())

    reported: list[tuple[type[BaseException], bool]] = []

    def report(exc: BaseException) -> None:
        reported.append((type(exc), threading.current_thread() is threading.main_thread()))

    runner.report_bug = report  # the bug goes to the reporter first, on the GUI thread …
    runner.run(work, done)
    runner.run(lambda: 1 / 0, None, fail, lane=Lane.HEAVY)
    wait_for_tasks()
    assert reported == [(ZeroDivisionError, True)]
    # … and the handler gets the sentence that says so (handlers only ever see user errors).
    assert seen == {"worker": False, "value": 42, "callback": True,
                    "failure": (ReportedBug, True)}


def test_vault_lane_runs_in_submission_order(qtbot, runner, wait_for_tasks):
    order: list[int] = []
    for index in range(20):
        runner.run(lambda i=index: order.append(i))
    wait_for_tasks()
    assert order == list(range(20))


def test_callbacks_to_closed_widgets_are_dropped(qtbot, runner, wait_for_tasks):
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    gate = threading.Event()
    runner.run(lambda: gate.wait(5) and "late", label.setText)
    label.deleteLater()
    QApplication.processEvents()
    from PySide6.QtCore import QCoreApplication, QEvent
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gate.set()
    wait_for_tasks()  # must not raise "Internal C++ object already deleted"


def test_inline_runner_reports_failures():
    runner = InlineTaskRunner()
    caught: list[BaseException] = []
    reported: list[BaseException] = []

    def report(exc: BaseException) -> None:
        reported.append(exc)

    runner.report_bug = report
    runner.run(lambda: 1 / 0, None, caught.append)
    assert isinstance(reported[0], ZeroDivisionError)
    assert isinstance(caught[0], ReportedBug) and caught[0].report is None


def test_no_display_is_one_clear_line():
    result = run_companion("gui", env={"QT_QPA_PLATFORM": "", "DISPLAY": "",
                                       "WAYLAND_DISPLAY": ""})
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no display" in lines[0]


def _raise_with(message: str) -> BaseException:
    try:
        raise ValueError(message)
    except ValueError as exc:
        return exc


def test_a_bug_is_shown_once_per_traceback_and_reported_without_content(qtbot, private_home):
    from PySide6.QtWidgets import QMessageBox

    from ui.errors import BugReporter

    bugs = BugReporter(private_home)
    first = _raise_with(f"{CANARY} in an exception message")
    bugs.report(first)
    bugs.report(_raise_with(f"{CANARY} again"))  # same place, same traceback shape
    qtbot.waitUntil(lambda: bugs.dialogs_shown == 1)
    try:
        raise KeyError(CANARY)
    except KeyError as other:
        bugs.report(other)
    qtbot.waitUntil(lambda: bugs.dialogs_shown == 2)
    assert len(bugs.reports) == 2
    for report in bugs.reports:
        text = report.read_text()
        assert CANARY not in text and "test_shell.py" in text
    assert oct(bugs.reports[0].stat().st_mode & 0o777) == "0o600"
    for box in QApplication.topLevelWidgets():
        if isinstance(box, QMessageBox):
            assert CANARY not in box.text()
            box.close()


def test_missing_x11_libraries_are_named_not_a_qt_abort(monkeypatch, capsys):
    """Qt aborts with a page of text when its X11 plugin's libraries are missing; we check
    first. (The library lookup is replaced: removing system libraries is not possible here.)"""
    import ctypes.util

    import ui.app

    real = ctypes.util.find_library
    monkeypatch.setattr(ctypes.util, "find_library",
                        lambda name: None if name in ("xcb-cursor", "xcb-icccm") else real(name))
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    assert ui.app.missing_x11_libraries()[:2] == ["libxcb-cursor0", "libxcb-icccm4"]
    assert ui.app.run_gui(None) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "sudo apt install libxcb-cursor0 libxcb-icccm4" in err[0]


def test_input_elsewhere_on_the_desktop_keeps_companion_unlocked(qtbot, window):
    """Someone working in other apps is at the computer: where the screen-time probe sees
    desktop-wide input, auto-lock waits for real absence (and measuring goes on)."""
    from types import SimpleNamespace

    from companion.screentime.probes import Sample

    now = [0.0]
    window.idle.clock = lambda: now[0]
    window.idle.arm()
    driver = window.workspace.screen_time
    driver.probe = SimpleNamespace(capabilities=SimpleNamespace(idle=True, measures=True),
                                   close=lambda: None)
    driver.measuring = True
    now[0] = window.idle.minutes * 60 - 10
    driver._sampled(Sample(active=None, idle_seconds=4.0))  # typing in another app
    now[0] += 20
    window.idle.check()
    assert not window.is_locked
    driver._sampled(Sample(active=None, idle_seconds=window.idle.minutes * 60.0, locked=True))
    now[0] += window.idle.minutes * 60
    window.idle.check()
    assert window.is_locked  # a locked screen or real absence still locks


def test_a_restore_finished_at_start_is_said_even_when_the_keyring_opens_straight_in(
        qtbot, vault_home, file_keyring, runner, prefs, wait_for_tasks):
    """A crash left a committed restore: the first open finishes it, and the person is told
    so, although the remembered key takes them past the unlock screen."""
    import shutil

    from PySide6.QtWidgets import QMessageBox

    from storage import restore_journal
    from storage.paths import VaultPaths

    first = CompanionApp(vault_home)
    first.open()
    first.unlock(PASSPHRASE)
    first.remember_on_device()
    first.close()
    paths = VaultPaths(vault_home)
    plan = restore_journal.new_plan(paths)
    shutil.copyfile(paths.database, plan.database)
    shutil.copyfile(paths.key_file, plan.key_file)
    restore_journal.commit(paths, plan)  # … and then the process was killed

    main = MainWindow(CompanionApp(vault_home), runner, prefs)
    qtbot.addWidget(main)
    main.start()
    main.show()
    qtbot.waitUntil(lambda: main.workspace is not None, timeout=10_000)
    boxes = [b for b in main.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 1
    assert "A restore from a backup had been interrupted" in boxes[0].text()
    assert "pre-restore-" in boxes[0].text()
    boxes[0].accept()
    main.app.close()
