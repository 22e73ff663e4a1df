"""The feed's colours and marks: each member's colour and initials, the link colour, the mood
chip's tint, measured against the palette so text reads at 4.5:1 or more in both themes.

A member's colour comes from their member id (a hash of it picks one of twelve hues), so it
is the same on every card, in the member strip, on every device and after every restart, and
two members with one name still differ. The lightness is then moved until the initials on it
reach 4.5:1: dark fills with white initials in the light theme, light fills with dark
initials in the dark.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette

from ui.theme import ACCENT, MOOD_COLOURS

AA_TEXT = 4.5
_DARK_INITIALS = QColor("#15161a")
_WHITE = QColor("#ffffff")
_HUES = 12
_FINGERPRINT = re.compile(r" \((?:[0-9a-f]{4} ){4}[0-9a-f]{4}\)$")


def luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4
    return (0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF())
            + 0.0722 * channel(colour.blueF()))


def contrast(a: QColor, b: QColor) -> float:
    """WCAG 2.2 contrast ratio of two opaque colours (1 to 21)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


@lru_cache(maxsize=512)
def _member_colours(member_key: str, dark: bool) -> tuple[str, str]:
    digest = hashlib.sha256(member_key.encode("utf-8")).digest()
    # Twelve hues 30° apart (a continuous hue gave two reds side by side); the saturation
    # varies a little more, so members who share a hue still differ.
    hue = (digest[0] % _HUES) / _HUES + digest[1] / 255 / (_HUES * 3)
    saturation = 0.45 + digest[2] / 255 * 0.25
    text = _DARK_INITIALS if dark else _WHITE
    lightness = 0.74 if dark else 0.44
    step = 0.02 if dark else -0.02
    fill = QColor.fromHslF(hue, saturation, lightness)
    while contrast(fill, text) < AA_TEXT + 0.1 and 0.05 < lightness < 0.95:
        lightness += step
        fill = QColor.fromHslF(hue, saturation, lightness)
    return fill.name(), text.name()


def member_colours(member_key: str, palette: QPalette) -> tuple[QColor, QColor]:
    """(fill, initials colour) for the member whose id starts with `member_key` (hex)."""
    fill, text = _member_colours(member_key, is_dark(palette))
    return QColor(fill), QColor(text)


def initials(name: str) -> str:
    """Up to two letters for an avatar: "Noor Haddad" → "NH", "sam" → "S", "李雷" → "李"."""
    words = [w for w in _FINGERPRINT.sub("", name).split() if any(c.isalnum() for c in w)]
    letters = [next(c for c in w if c.isalnum()) for w in words[:2]]
    if len(words) == 1 and not letters[0].isascii():
        letters = letters[:1]
    return "".join(letters).upper() or "?"


def paint_avatar(painter: QPainter, rect: QRectF, member_key: str, name: str,
                 palette: QPalette, font: QFont) -> None:
    fill, text = member_colours(member_key, palette)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(fill)
    painter.drawEllipse(rect)
    small = QFont(font)
    small.setBold(True)
    small.setPixelSize(max(8, round(rect.height() * 0.4)))
    painter.setFont(small)
    painter.setPen(text)
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, initials(name))
    painter.restore()


def link_colour(palette: QPalette) -> QColor:
    """A blue that reads at 4.5:1 on the card and on a reply's bubble in either theme (the
    palette's own link blue is 3.4:1 on white under Fusion)."""
    return QColor("#a9b8ff") if is_dark(palette) else QColor("#3445a8")


def accent() -> QColor:
    return QColor(ACCENT)  # white on it: 4.6:1, for the "New" mark


def tinted(colour: QColor, over: QColor, amount: float) -> QColor:
    """`colour` laid over `over` at `amount` opacity, as one opaque colour."""
    return QColor.fromRgbF(
        over.redF() + (colour.redF() - over.redF()) * amount,
        over.greenF() + (colour.greenF() - over.greenF()) * amount,
        over.blueF() + (colour.blueF() - over.blueF()) * amount)


def mood_chip_colours(mood: int, palette: QPalette) -> tuple[QColor, QColor, QColor]:
    """(background, border, text) of a mood chip: the mood's colour as a light tint, its text
    in the palette's text colour (4.5:1 or more on the tint)."""
    base = palette.color(QPalette.ColorRole.Base)
    mood_colour = QColor(MOOD_COLOURS.get(mood, "#888888"))
    background = tinted(mood_colour, base, 0.22 if is_dark(palette) else 0.18)
    return background, mood_colour, palette.color(QPalette.ColorRole.Text)


def reply_background(palette: QPalette) -> QColor:
    return palette.color(QPalette.ColorRole.AlternateBase)
