"""Screenshots of the crisis screen (called from tools.screenshots).

The screen as it opens after PHQ-9 item 9 is answered above 0, as it opens from "Need help
now?" in the sidebar, and the unlock screen's way to it. The country comes from a locale given
here (the United Kingdom), not from the machine that renders, so the pictures do not depend
on where they were made; nothing is remembered in the vault's preferences.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QWidget

from ui.dialogs.crisis import CrisisDialog
from ui.main_window import MainWindow

LOCALE = QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)


def render_crisis(window: MainWindow, pump: Callable[[int], None], out: Path,
                  theme: str) -> None:
    def grab(widget: QWidget, name: str) -> None:
        pump(250)
        widget.grab().save(str(out / f"{name}-{theme}.png"))

    home, runner = window.app.home, window.runner
    for name, after_answer, size in (("crisis", True, None),
                                     ("crisis-on-request", False, None),
                                     ("crisis-800x600", True, (800, 600))):
        dialog = CrisisDialog(home, runner, window, locale=LOCALE, after_answer=after_answer)
        dialog.show()
        if size is not None:
            dialog.resize(*size)
        grab(dialog, name)
        dialog.close()
        dialog.deleteLater()
    pump(100)


__all__ = ["LOCALE", "render_crisis"]
