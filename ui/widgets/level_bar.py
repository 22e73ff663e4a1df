"""A thin bar that shows a level in one of the theme's level colours (ui.theme.LEVEL_COLOURS):
a passphrase's strength, a day's screen time against its budget. It follows the theme when the
palette changes, so the colour always reaches 3:1 against its track and the window."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QProgressBar, QWidget

from ui.theme import LEVEL_COLOURS, LEVEL_TRACK


def theme_name() -> str:
    """"dark" or "light", from the application's colours (not a widget's: a style sheet's
    background changes the widget's own palette, and would flip it)."""
    window = QGuiApplication.palette().color(QPalette.ColorRole.Window)
    return "dark" if window.lightness() < 128 else "light"


class LevelBar(QProgressBar):
    def __init__(self, height: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextVisible(False)
        self.setMaximumHeight(height)
        self._radius = height // 2
        self.level = "accent"
        self._restyle()

    def set_level(self, level: str) -> None:
        """`level` names a colour of LEVEL_COLOURS ("red", "amber", "accent", …)."""
        self.level = level
        self._restyle()

    def colour(self) -> str:
        return LEVEL_COLOURS[theme_name()][self.level]

    def _restyle(self) -> None:
        red, green, blue, alpha = LEVEL_TRACK
        sheet = (f"QProgressBar {{ border: none; border-radius: {self._radius}px; "
                 f"background: rgba({red}, {green}, {blue}, {alpha}); }} "
                 f"QProgressBar::chunk {{ border-radius: {self._radius}px; "
                 f"background: {self.colour()}; }}")
        if sheet != self.styleSheet():  # (setting a sheet can itself change the palette)
            self.setStyleSheet(sheet)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._restyle()
