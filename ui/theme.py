"""Light, dark or the system's palette, and the few style rules we add on top of it.

We keep the platform style (Fusion where the platform has none that follows dark mode) and only
add spacing and a calm accent: the app should look like it belongs on the desktop.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from ui.control_style import DARK_BORDER, LIGHT_BORDER, ControlStyle

ACCENT = "#5a6dd4"  # white on it: 4.6:1 (WCAG 2.2 AA); it was 4.48:1
# The faces and dots that show a mood: 3:1 or more (WCAG 2.2 AA for graphics) on the window
# and field colours of both themes; the old orange, yellow and green were 1.8–2.8:1 in light.
MOOD_COLOURS = {1: "#c75c5c", 2: "#c47529", 3: "#9b8732", 4: "#589658", 5: "#3e968c"}
STAR_COLOUR = "#b08019"  # the only mark of a starred entry: 3:1 or more in both themes too
ERROR_COLOURS = {"light": "#c0392b", "dark": "#ff7b72"}  # a red that reads on each window
# Bars that show a level (a passphrase's strength, a day's screen-time budget) fill with these
# over LEVEL_TRACK. The filled part is what says the level, so it reaches 3:1 (WCAG 2.2 AA,
# 1.4.11) against the track and the window in each theme: the old amber was 2.1:1 on the light
# window, the old red 2.8:1 and the accent 2.4:1 on the dark track.
LEVEL_TRACK = (128, 128, 128, 60)  # grey over the window, as rgba
LEVEL_COLOURS = {
    "light": {"red": "#c0392b", "orange": "#b34700", "amber": "#9a6a00", "green": "#3d7d3d",
              "teal": "#287a56", "accent": ACCENT},
    "dark": {"red": "#ff7b72", "orange": "#f0883e", "amber": "#e69f00", "green": "#5fb85f",
             "teal": "#3fb58a", "accent": "#8ea2ff"},
}

_STYLE = """
QListWidget#sidebar { border: none; padding: 8px 4px; font-size: 11pt; outline: 0; }
QListWidget#sidebar::item { padding: 8px 10px; border-radius: 6px; margin: 1px 4px; }
QListWidget#sidebar::item:selected { background: ACCENT; color: white; }
QLabel[role="heading"] { font-size: 17pt; font-weight: 600; }
QLabel[role="subheading"] { font-size: 12pt; font-weight: 600; }
QLabel[role="hint"] { color: palette(placeholder-text); }
QLabel[role="error"] { color: ERROR; font-weight: 600; }
QLabel[role="section"] { font-weight: 600; }
QPushButton[chip="true"] { border: 1px solid BORDER; border-radius: 12px;
                           padding: 4px 12px; }
QPushButton[chip="true"]:checked { background: ACCENT; color: white;
                                   border-color: ACCENT; }
QToolButton[mood="true"] { border: 1px solid BORDER; border-radius: 10px;
                           padding: 6px; }
QToolButton[mood="true"]:checked { border: 2px solid ACCENT;
                                   background: palette(alternate-base); }
QFrame[card="true"] { border: 1px solid palette(mid); border-radius: 10px; }
""".replace("ACCENT", ACCENT)


def dark_palette() -> QPalette:
    palette = QPalette()
    base, window, text = QColor("#1e1f24"), QColor("#25262c"), QColor("#e8e8ea")
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive,
                  QPalette.ColorGroup.Disabled):
        palette.setColor(group, QPalette.ColorRole.Window, window)
        palette.setColor(group, QPalette.ColorRole.WindowText, text)
        palette.setColor(group, QPalette.ColorRole.Base, base)
        palette.setColor(group, QPalette.ColorRole.AlternateBase, QColor("#2c2d34"))
        palette.setColor(group, QPalette.ColorRole.Text, text)
        palette.setColor(group, QPalette.ColorRole.Button, QColor("#2f3037"))
        palette.setColor(group, QPalette.ColorRole.ButtonText, text)
        palette.setColor(group, QPalette.ColorRole.Highlight, QColor(ACCENT))
        palette.setColor(group, QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
        palette.setColor(group, QPalette.ColorRole.ToolTipBase, window)
        palette.setColor(group, QPalette.ColorRole.ToolTipText, text)
        palette.setColor(group, QPalette.ColorRole.PlaceholderText, QColor("#a2a3ab"))
        palette.setColor(group, QPalette.ColorRole.Mid, QColor("#44454d"))
        # Fusion draws frames, check boxes and spin boxes from these four.
        palette.setColor(group, QPalette.ColorRole.Light, QColor("#3a3b42"))
        palette.setColor(group, QPalette.ColorRole.Midlight, QColor("#34353c"))
        palette.setColor(group, QPalette.ColorRole.Dark, QColor("#5a5b63"))
        palette.setColor(group, QPalette.ColorRole.Shadow, QColor("#000000"))
        palette.setColor(group, QPalette.ColorRole.Link, QColor("#8ea2ff"))
    # Disabled text last, so it wins over the loop above.
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#6b6c74"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText,
                     QColor("#6b6c74"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText,
                     QColor("#6b6c74"))
    return palette


def light_palette() -> QPalette:
    palette = QApplication.style().standardPalette()
    palette.setColor(QPalette.ColorRole.Highlight, QColor(ACCENT))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    # Hints (and the strength meter's words) use the placeholder colour: Fusion's #777 on its
    # #efefef window is 3.9:1, under WCAG 2.2 AA's 4.5:1 for text.
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        palette.setColor(group, QPalette.ColorRole.PlaceholderText, QColor("#5c5c5c"))
    return palette


def system_prefers_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return bool(hints.colorScheme() == Qt.ColorScheme.Dark)


def apply_theme(app: QApplication, theme: str) -> None:
    """`theme` is "system", "light" or "dark"."""
    if not isinstance(app.style(), ControlStyle):
        name = app.style().objectName().lower()
        keep = name in ("fusion", "windowsvista", "macos", "breeze")
        base = QStyleFactory.create(name if keep else "Fusion")
        app.setStyle(ControlStyle(base))
    dark = theme == "dark" or (theme == "system" and system_prefers_dark())
    app.setPalette(dark_palette() if dark else light_palette())
    app.setStyleSheet(_STYLE.replace("ERROR", ERROR_COLOURS["dark" if dark else "light"])
                      .replace("BORDER", DARK_BORDER if dark else LIGHT_BORDER))
