"""F1's cheat sheet lists every shortcut the app really has, grouped, with keys as key caps
(issue 17, item 2: it was a spreadsheet; a list kept by hand drifts from the code)."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel

from ui.shortcuts import SECTIONS, ShortcutsDialog, listed_keys

ALIASES = {"Del": "Delete", "Ctrl+Return": "Ctrl+Enter", "Return": "Enter"}  # same keys


def registered_keys(window) -> set[str]:  # type: ignore[no-untyped-def]
    sequences: list[QKeySequence] = []
    for page in window.workspace.pages:  # every page builds its shortcuts
        sequences += [shortcut.key() for shortcut in page.findChildren(QShortcut)]
    sequences += [shortcut.key() for shortcut in window.workspace.findChildren(QShortcut)]
    for action in window.findChildren(QAction):
        sequences += action.shortcuts()
    texts = {sequence.toString(QKeySequence.SequenceFormat.PortableText)
             for sequence in sequences if not sequence.isEmpty()}
    return {ALIASES.get(text, text) for text in texts}


def test_every_registered_shortcut_is_on_the_sheet(qtbot, window) -> None:
    registered = registered_keys(window)
    assert {"Ctrl+N", "Ctrl+L", "F1", "1", "5", "Ctrl+6", "Delete"} <= registered
    missing = registered - listed_keys()
    assert missing == set(), f"shortcuts that F1 does not mention: {sorted(missing)}"
    # And the other way: every combination with Ctrl on the sheet is one the app has (keys
    # like Tab, Enter and the arrows belong to the controls themselves).
    invented = {keys for keys in listed_keys() if keys.startswith("Ctrl+")} - registered
    assert invented == set(), f"on the sheet but not in the app: {sorted(invented)}"


def test_the_sheet_is_grouped_and_readable(qtbot) -> None:
    dialog = ShortcutsDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    texts = [label.text() for label in dialog.findChildren(QLabel) if label.isVisible()]
    for title, shortcuts in SECTIONS:
        assert title in texts
        for _keys, action in shortcuts:
            assert action in texts
    caps = [label.text() for label in dialog.findChildren(QLabel, "keyCap")]
    assert "Ctrl" in caps and "F1" in caps and "N" in caps  # Ctrl+N drawn as two keys
    names = [w.accessibleName() for w in dialog.findChildren(QLabel) + dialog.findChildren(
        type(dialog.findChild(QLabel, "keyCap").parentWidget()))]
    assert "Ctrl+N: New entry" in names
    assert "1 to 5: Pick a mood, from 1 (awful) to 5 (great)" in names
