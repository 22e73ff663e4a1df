""""Need help now?" from any window, a dialog included: Ctrl+Shift+H opens the support lines.

The sidebar's button cannot be reached while a modal dialog is open (the therapy summary,
Settings' dialogs, a message box): Qt blocks input to the windows under it. A shortcut owned by
the main window is blocked with them, even an application-wide one (Qt asks whether the widget
that owns it is blocked), so the same action is also given to each dialog as it takes the
keyboard. One action, one key, listed in the F1 sheet.

The lines open through `ui.dialogs.crisis.open_support`: hung on the main window so that a lock
does not take them away, kept above the dialog the person was in, and, being the newest modal
window, not blocked by it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QWindow
from PySide6.QtWidgets import QApplication, QDialog, QWidget

SUPPORT_KEYS = "Ctrl+Shift+H"  # H for help; F1 is the cheat sheet, as in most desktop apps


def support_keys_shown() -> str:
    """The key as this desktop writes it (Ctrl+Shift+H, or ⇧⌘H on macOS)."""
    return QKeySequence(SUPPORT_KEYS).toString(QKeySequence.SequenceFormat.NativeText)


class SupportShortcut(QObject):
    """The action behind the key, owned by `window` and lent to every dialog that gets the
    keyboard."""

    def __init__(self, window: QWidget, open_lines: Callable[[], object]) -> None:
        super().__init__(window)
        self.action = QAction(self.tr("Need help now?"), window)
        self.action.setShortcut(QKeySequence(SUPPORT_KEYS))
        self.action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.action.triggered.connect(lambda _checked=False: open_lines())
        window.addAction(self.action)
        instance = QGuiApplication.instance()
        if isinstance(instance, QGuiApplication):
            # Only on a change of the window with the keyboard: nothing runs per key or event.
            instance.focusWindowChanged.connect(self._window_focused)

    def _window_focused(self, window: QWindow | None) -> None:
        dialog = _dialog_of(window)
        if dialog is not None:
            self.lend_to(dialog)

    def lend_to(self, dialog: QDialog) -> None:
        """Let the key work while `dialog` has the keyboard (a widget drops the action by
        itself when it is deleted, and the action leaves every widget when it is)."""
        if self.action not in dialog.actions():
            dialog.addAction(self.action)


def _dialog_of(window: QWindow | None) -> QDialog | None:
    if window is None:
        return None
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.windowHandle() is window:
            return widget
    return None


__all__ = ["SUPPORT_KEYS", "SupportShortcut", "support_keys_shown"]
