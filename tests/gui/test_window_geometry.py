"""The window opens where and as large as it was left (issue 17, item 3), on this device only."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize

from companion.errors import InvalidInput
from companion.preferences import Preferences, load_preferences
from ui.context import PreferenceStore
from ui.main_window import MainWindow


def test_size_and_place_are_remembered_across_restarts(qtbot, app, runner, private_home):
    prefs = PreferenceStore(app, runner, Preferences())
    first = MainWindow(app, runner, prefs)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    first.resize(QSize(760, 520))
    first.move(20, 40)  # clear of the edges: Qt keeps a title bar in view
    qtbot.waitUntil(lambda: first.size() == QSize(760, 520))
    where = first.frameGeometry().topLeft()
    first.close()  # closing saves it, before the app goes
    saved = load_preferences(private_home)
    assert saved.window_geometry
    second = MainWindow(app, runner, PreferenceStore(app, runner, saved))
    qtbot.addWidget(second)
    assert second.size() == QSize(760, 520)  # (the offscreen screen is 800×600)
    second.show()
    qtbot.waitExposed(second)
    assert second.frameGeometry().topLeft() == where


def test_an_unreadable_record_leaves_the_default_size(qtbot, app, runner):
    prefs = Preferences(window_geometry="AAAA" * 20)  # base64, but not Qt's record
    window = MainWindow(app, runner, PreferenceStore(app, runner, prefs))
    qtbot.addWidget(window)
    assert window.size() == first_size(window)


def first_size(window: MainWindow) -> QSize:
    room = window.screen().availableGeometry().size() - QSize(24, 48)
    return QSize(1100, 720).boundedTo(room).expandedTo(window.minimumSize())


def test_the_first_window_fits_a_small_screen(qtbot, app, runner):
    """Seen under Xvfb at 800×600: the first window was 1100 wide, its right column off the
    screen."""
    window = MainWindow(app, runner, PreferenceStore(app, runner, Preferences()))
    qtbot.addWidget(window)
    available = window.screen().availableGeometry()
    assert available.width() == 800  # the offscreen screen: smaller than the default size
    assert window.width() <= available.width() - 24
    assert window.height() <= available.height() - 48
    assert window.size() == first_size(window)


@pytest.mark.parametrize("value", ["not base64!", "A" * 401, 7])
def test_a_hostile_preferences_file_cannot_set_anything_else(value: object) -> None:
    with pytest.raises(InvalidInput):
        Preferences(window_geometry=value).validated()  # type: ignore[arg-type]
