"""Text contrast meets WCAG 2.2 AA (4.5:1) in both themes, computed from the palettes and
the stylesheet colours the app really uses (issue 17, item 6: hint text was 3.9:1)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from ui.theme import ACCENT, dark_palette, light_palette

ERROR_COLOURS = {"light": "#c0392b", "dark": "#ff7b72"}  # as apply_theme sets them


def _luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4
    return (0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF())
            + 0.0722 * channel(colour.blueF()))


def contrast(a: QColor, b: QColor) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_formula_matches_wcag() -> None:
    assert round(contrast(QColor("#000000"), QColor("#ffffff")), 1) == 21.0
    assert round(contrast(QColor("#777777"), QColor("#efefef")), 1) == 3.9  # what was seen


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_text_roles_reach_aa_on_their_backgrounds(qapp: QApplication, theme: str) -> None:
    palette = light_palette() if theme == "light" else dark_palette()
    role = QPalette.ColorRole

    def colour(r: QPalette.ColorRole) -> QColor:
        return palette.color(QPalette.ColorGroup.Active, r)

    pairs = {
        "text on base": (colour(role.Text), colour(role.Base)),
        "window text": (colour(role.WindowText), colour(role.Window)),
        "button text": (colour(role.ButtonText), colour(role.Button)),
        "hint on window": (colour(role.PlaceholderText), colour(role.Window)),
        "hint on base": (colour(role.PlaceholderText), colour(role.Base)),
        "selected text": (colour(role.HighlightedText), colour(role.Highlight)),
        "chip and sidebar selection": (QColor("#ffffff"), QColor(ACCENT)),
        "error on window": (QColor(ERROR_COLOURS[theme]), colour(role.Window)),
    }
    low = {name: round(contrast(*pair), 2) for name, pair in pairs.items()
           if contrast(*pair) < 4.5}
    assert low == {}, low
