"""Preferences another of the person's computers changed reach the window (docs/protocol.md
§11.8): a real device sync through a shared folder writes the file, the facade says
`preferences_synced`, and the window's preference store takes the person's settings up (the
theme is applied, Settings shows it) while this computer's own stay as they were."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from companion.app import CompanionApp
from companion.clock import FakeClock
from companion.preferences import Preferences, load_preferences
from tests.support.vault_template import copy_of_empty_vault
from ui.context import PreferenceStore, UiContext
from ui.events import ChangeBridge
from ui.tasks import TaskRunner

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def pair(laptop: CompanionApp, desktop: CompanionApp, folder: Path) -> None:
    laptop.devices.start(f"folder:{folder}", "Laptop")
    desktop.join_devices(laptop.devices.pairing_code(), "Desktop", f"folder:{folder}")
    laptop.sync_devices()
    (asking,) = laptop.devices.asking()
    laptop.devices.decide(asking.name, allow=True)
    laptop.sync_devices()
    desktop.sync_devices()


def test_a_theme_chosen_on_another_computer_is_applied_here(
        qtbot, app: CompanionApp, clock: FakeClock, tmp_path: Path,  # type: ignore[no-untyped-def]
        runner: TaskRunner) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    desktop = copy_of_empty_vault(tmp_path / "desktop", FakeClock(clock.now()))
    try:
        desktop.save_preferences(replace(desktop.preferences, auto_lock_minutes=30))
        store = PreferenceStore(desktop, runner, desktop.preferences)
        pair(app, desktop, folder)
        app.save_preferences(replace(app.preferences, theme="dark", reminder_enabled=True,
                                     auto_lock_minutes=1))
        app.sync_devices()
        heard: list[Preferences] = []
        store.changed.connect(heard.append)
        with qtbot.waitSignal(store.changed, timeout=10_000):
            runner.run(desktop.sync_devices)  # on a worker thread, as the app does
        (prefs,) = heard
        assert (prefs.theme, prefs.reminder_enabled, prefs.auto_lock_minutes) == (
            "dark", True, 30)
        assert store.current == prefs == load_preferences(desktop.home)
        runner.wait_idle()
    finally:
        desktop.close()


def test_the_window_applies_a_synced_theme_and_settings_shows_it(
        qtbot, app: CompanionApp, clock: FakeClock, tmp_path: Path,  # type: ignore[no-untyped-def]
        runner: TaskRunner, restore_theme) -> None:
    from ui.main_window import MainWindow
    from ui.pages.settings import SettingsPage

    folder = tmp_path / "shared"
    folder.mkdir()
    desktop = copy_of_empty_vault(tmp_path / "desktop", FakeClock(clock.now()))
    window = None
    try:
        pair(app, desktop, folder)
        window = MainWindow(desktop, runner, PreferenceStore(desktop, runner, Preferences()))
        qtbot.addWidget(window)
        bridge = ChangeBridge(desktop)
        settings = SettingsPage(UiContext(app=desktop, runner=runner, prefs=window.prefs,
                                          changes=bridge))
        qtbot.addWidget(settings)
        assert settings.theme.currentData() == "system"
        applied: list[str] = []
        import ui.main_window as main_window

        original = main_window.apply_theme

        def spy(instance, theme: str) -> None:  # type: ignore[no-untyped-def]
            applied.append(theme)
            original(instance, theme)

        main_window.apply_theme = spy  # type: ignore[assignment]
        try:
            app.save_preferences(replace(app.preferences, theme="dark"))
            app.sync_devices()
            with qtbot.waitSignal(window.prefs.changed, timeout=10_000):
                runner.run(desktop.sync_devices)
            assert applied == ["dark"]
        finally:
            main_window.apply_theme = original  # type: ignore[assignment]
        assert settings.theme.currentData() == "dark"
        runner.wait_idle()
        bridge.detach()
    finally:
        if window is not None:
            window.close()
        desktop.close()
