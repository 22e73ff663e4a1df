"""The support lines from inside a modal dialog (issue 18, item 2: "reachable from every
page"). While the therapy summary or a Settings dialog is open, Qt blocks the main window and
with it the sidebar's "Need help now?". Ctrl+Shift+H works in any window, and the summary has
its own button; the lines then open over the dialog, unblocked, with the keyboard in them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QUrl
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from companion.app import CompanionApp
from ui.dialogs.crisis import CrisisDialog
from ui.main_window import MainWindow
from ui.pages.insights import InsightsPage
from ui.pages.settings import SettingsPage
from ui.shortcuts import listed_keys
from ui.support_key import SUPPORT_KEYS, support_keys_shown
from ui.widgets import crisis_lines

KEY, MODIFIERS = Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier | \
    Qt.KeyboardModifier.ShiftModifier


@pytest.fixture(autouse=True)
def desktop(monkeypatch) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
    opened: list[str] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url.toString())
        return True

    monkeypatch.setattr(crisis_lines, "open_url", open_url)
    yield opened


class Blocking(QObject):
    """Which windows Qt blocked (or unblocked) for a modal one, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[QObject, QEvent.Type]] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() in (QEvent.Type.WindowBlocked, QEvent.Type.WindowUnblocked):
            self.events.append((watched, event.type()))
        return False

    def blocked(self, widget: QWidget) -> bool:
        """Whether the last word Qt sent `widget` was that it is blocked."""
        said = [kind for watched, kind in self.events if watched is widget]
        return bool(said) and said[-1] == QEvent.Type.WindowBlocked


@pytest.fixture
def blocking(qapp) -> Iterator[Blocking]:  # type: ignore[no-untyped-def]
    watcher = Blocking()
    qapp.installEventFilter(watcher)
    yield watcher
    qapp.removeEventFilter(watcher)


def open_screens() -> list[CrisisDialog]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, CrisisDialog) and shiboken6.isValid(w) and w.isVisible()]


def close_all(qtbot) -> None:  # type: ignore[no-untyped-def]
    for dialog in open_screens():
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not open_screens())
    qtbot.wait(50)


def in_front(qtbot, dialog: QDialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)


def press_support_key(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+Shift+H where the keyboard is, as a person would press it."""
    target = QApplication.focusWidget() or QApplication.activeWindow()
    assert target is not None
    qtbot.keyClick(target, KEY, MODIFIERS)


def assert_usable_over(qtbot, lines: CrisisDialog, dialog: QDialog,  # type: ignore[no-untyped-def]
                       blocking: Blocking) -> None:
    """The lines are shown above `dialog`, not blocked by it, and have the keyboard."""
    assert lines.isVisible() and dialog.isVisible()
    assert QApplication.activeModalWidget() is lines  # the newest modal window
    assert blocking.blocked(dialog), "the dialog waits while the lines are open"
    assert not blocking.blocked(lines)
    handle = lines.windowHandle()
    assert handle is not None and handle.transientParent() is dialog.windowHandle()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is lines)
    assert lines.close_button.hasFocus()
    qtbot.keyClick(lines.close_button, Qt.Key.Key_Tab)  # Tab goes round the lines' buttons
    assert QApplication.focusWidget() in [*lines.line_buttons(), lines.picker,
                                          lines.edit_button]


def test_the_key_opens_the_lines_over_the_modal_summary(qtbot, window, blocking):
    summary = window.workspace.show_page(InsightsPage).open_summary()
    in_front(qtbot, summary)
    assert summary.isModal() and blocking.blocked(window), "the sidebar cannot be reached"
    press_support_key(qtbot)
    [lines] = open_screens()
    assert_usable_over(qtbot, lines, summary, blocking)
    press_support_key(qtbot)  # again, from the lines: the same screen, not a second
    assert open_screens() == [lines]
    close_all(qtbot)
    assert summary.isVisible() and not blocking.blocked(summary)  # back where they were


def test_the_summary_has_its_own_button_and_the_lines_outlive_a_lock(qtbot, window,
                                                                     blocking):
    summary = window.workspace.show_page(InsightsPage).open_summary()
    in_front(qtbot, summary)
    assert summary.help_button.isVisible()
    assert "Need help now?" in summary.help_button.accessibleName()
    qtbot.mouseClick(summary.help_button, Qt.MouseButton.LeftButton)
    [lines] = open_screens()
    assert_usable_over(qtbot, lines, summary, blocking)
    window.lock()  # an auto-lock while on the phone: the summary goes, the lines stay
    qtbot.waitUntil(lambda: not shiboken6.isValid(summary) or not summary.isVisible())
    assert open_screens() == [lines] and window.workspace is None
    close_all(qtbot)


def test_the_key_works_in_a_settings_dialog(qtbot, window, blocking):
    dialog = window.workspace.show_page(SettingsPage).change_passphrase()  # a SettingsDialog
    in_front(qtbot, dialog)
    assert blocking.blocked(window)
    press_support_key(qtbot)
    [lines] = open_screens()
    assert_usable_over(qtbot, lines, dialog, blocking)
    close_all(qtbot)
    dialog.reject()


def test_the_key_works_on_the_pages_and_the_unlock_screen(qtbot, window, app, runner, prefs):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    press_support_key(qtbot)
    [lines] = open_screens()
    assert lines.parentWidget() is window.centralWidget()  # outlives a lock, as the button's
    close_all(qtbot)
    window.hide()  # one main window at a time, as in the app (two would share the key)
    app.close()
    locked = MainWindow(CompanionApp(app.home), runner, prefs)
    qtbot.addWidget(locked)
    locked.start()
    locked.show()
    locked.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is locked)
    press_support_key(qtbot)
    assert len(open_screens()) == 1 and locked.is_locked
    close_all(qtbot)
    locked.shutdown()


def test_the_key_is_on_the_f1_sheet_and_said_on_the_sidebar(window):
    assert SUPPORT_KEYS in listed_keys()
    assert window.support_action.shortcut().toString() == SUPPORT_KEYS
    assert support_keys_shown() in window.workspace.help_button.toolTip()
