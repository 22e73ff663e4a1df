"""SVG icons from assets/icons, tinted to the palette and rendered crisp at any DPI.

The SVGs draw with `currentColor`; we substitute the palette's text colour (or a given colour)
before rendering, so icons follow light and dark themes.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QImage, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from assets import asset

_SIZES = (16, 20, 24, 32, 48, 64)


@lru_cache(maxsize=128)
def _svg_source(name: str) -> str:
    return asset("icons", f"{name}.svg").read_text(encoding="utf-8")


def _render(name: str, colour: str, size: int, ratio: float) -> QPixmap:
    svg = _svg_source(name).replace("currentColor", colour)
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    pixels = max(1, round(size * ratio))
    image = QImage(pixels, pixels, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, pixels, pixels))
    painter.end()
    pixmap = QPixmap.fromImage(image)
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def _text_colour() -> str:
    app = QGuiApplication.instance()
    if app is None:
        return "#333333"
    return QGuiApplication.palette().color(QPalette.ColorRole.WindowText).name()


def icon(name: str, colour: QColor | str | None = None) -> QIcon:
    """A QIcon for `assets/icons/<name>.svg`, tinted with `colour` (default: text colour)."""
    tint = colour.name() if isinstance(colour, QColor) else (colour or _text_colour())
    app = QGuiApplication.instance()
    ratio = app.devicePixelRatio() if isinstance(app, QGuiApplication) else 1.0
    result = QIcon()
    for size in _SIZES:
        result.addPixmap(_render(name, tint, size, max(ratio, 1.0)))
    return result


def pixmap(name: str, size: int, colour: QColor | str | None = None) -> QPixmap:
    return icon(name, colour).pixmap(QSize(size, size))


def app_icon() -> QIcon:
    result = QIcon()
    for size in _SIZES:
        result.addPixmap(_render("companion", "#ffffff", size, 1.0))
    return result
