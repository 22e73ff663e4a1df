"""The About dialog: version and licenses, reached from F1's shortcut list and from the tray."""

from __future__ import annotations

import tomllib
from pathlib import Path

from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QLabel

from ui.dialogs.about import AboutDialog
from ui.shortcuts import ShortcutsDialog
from ui.tray import Tray

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
VERSION = tomllib.loads(PYPROJECT.read_text("utf-8"))["project"]["version"]


def table_rows(dialog: AboutDialog) -> dict[str, tuple[str, str]]:
    table = dialog.table
    return {table.item(row, 0).text(): (table.item(row, 1).text(), table.item(row, 2).text())
            for row in range(table.rowCount())}


def open_dialogs(window, kind):  # type: ignore[no-untyped-def]
    return [dialog for dialog in window.findChildren(kind) if dialog.isVisible()]


def test_about_shows_the_version_and_the_licenses(qtbot, runner, wait_for_tasks):
    dialog = AboutDialog(runner)
    qtbot.addWidget(dialog)
    dialog.show()
    labels = [label.text() for label in dialog.findChildren(QLabel)]
    assert f"Companion {VERSION}" in labels
    assert any("GPL-3.0-or-later" in text for text in labels)
    wait_for_tasks()
    rows = table_rows(dialog)
    assert rows["Companion"] == (VERSION, "GPL-3.0-or-later")
    assert rows["Qt 6"] == (qVersion(), "LGPL-3.0-only")
    assert rows["PySide6_Essentials"][1] == "LGPL-3.0-only"
    assert rows["SQLCipher"][1] == "BSD-3-Clause"
    for name in ("keyring", "platformdirs", "zxcvbn"):
        assert rows[name][1] == "MIT", name
    assert "Apache-2.0" in rows["cryptography"][1]
    assert all(version_and_license[1] for version_and_license in rows.values())
    assert not dialog.status.isVisible()


def test_f1_lists_shortcuts_and_leads_to_about(qtbot, window, wait_for_tasks):
    window.help_action.trigger()
    shortcuts = open_dialogs(window, ShortcutsDialog)
    assert len(shortcuts) == 1 and shortcuts[0].about_button.isVisible()
    qtbot.mouseClick(shortcuts[0].about_button, Qt.MouseButton.LeftButton)
    about = open_dialogs(window, AboutDialog)
    assert len(about) == 1
    wait_for_tasks()
    assert table_rows(about[0])["Companion"][0] == VERSION


def test_shortcuts_without_a_runner_offer_no_about(qtbot):
    dialog = ShortcutsDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.about_button.isVisible()


def test_tray_menu_opens_about_even_from_a_hidden_window(qtbot, window, wait_for_tasks):
    tray = Tray(window)
    window.hide()
    tray.about_action.trigger()
    assert window.isVisible()
    assert len(open_dialogs(window, AboutDialog)) == 1
    wait_for_tasks()
