"""The screen backend for charts: draws a `companion.charts` display list with QPainter.

The layout is done in the core, once per width, on the task runner or at resize; painting
only walks the list. Colours follow the app's theme (light or dark palette of the same
colour-blind-safe set), decided from the window colour so a theme change repaints correctly.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from companion.charts.layout import without_title
from companion.charts.primitives import (
    Chart,
    Circle,
    Line,
    Polygon,
    Polyline,
    Rect,
    Text,
    colour,
)

Layout = Callable[[float], Chart]  # width → chart


def theme_of(widget: QWidget) -> str:
    window = widget.palette().color(QPalette.ColorRole.Window)
    return "dark" if window.lightness() < 128 else "light"


def paint_chart(painter: QPainter, chart: Chart, theme: str, base_font: QFont) -> None:
    """Draw `chart` at the painter's origin, one unit per (logical) pixel."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    colours: dict[str, QColor] = {}

    def qcolour(role: str) -> QColor:
        if role not in colours:
            colours[role] = QColor(colour(role, theme))
        return colours[role]

    def pen(role: str, width: float, dash: tuple[float, ...] = ()) -> QPen:
        result = QPen(qcolour(role), width)
        result.setCapStyle(Qt.PenCapStyle.FlatCap if dash else Qt.PenCapStyle.RoundCap)
        result.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        if dash:
            result.setDashPattern([d / max(width, 0.1) for d in dash])
        return result

    for item in chart.items:
        if isinstance(item, Line):
            painter.setPen(pen(item.color, item.width, item.dash))
            painter.drawLine(QPointF(item.x1, item.y1), QPointF(item.x2, item.y2))
        elif isinstance(item, Polyline):
            painter.setPen(pen(item.color, item.width, item.dash))
            painter.drawPolyline(QPolygonF([QPointF(x, y) for x, y in item.points]))
        elif isinstance(item, Rect | Circle | Polygon):
            painter.setPen(pen(item.stroke, item.width) if item.stroke else Qt.PenStyle.NoPen)
            if item.fill:
                painter.setBrush(qcolour(item.fill))
            else:
                painter.setBrush(Qt.BrushStyle.NoBrush)
            if isinstance(item, Rect):
                painter.drawRect(QRectF(item.x, item.y, item.w, item.h))
            elif isinstance(item, Circle):
                painter.drawEllipse(QPointF(item.x, item.y), item.r, item.r)
            else:
                painter.drawPolygon(QPolygonF([QPointF(x, y) for x, y in item.points]))
        elif isinstance(item, Text):
            font = text_font(base_font, item)
            painter.setFont(font)
            painter.setPen(qcolour(item.color))
            left, _width = text_span(font, item)
            painter.drawText(QPointF(left, item.y), item.text)


def text_font(base_font: QFont, item: Text) -> QFont:
    font = QFont(base_font)
    font.setPixelSize(max(1, round(item.size * 1.15)))  # points → pixels, a little larger
    font.setBold(item.bold)
    return font


def text_span(font: QFont, item: Text) -> tuple[float, float]:
    """Where `item` starts on the x axis, and how wide it is, in `font`."""
    width = QFontMetricsF(font).horizontalAdvance(item.text)
    return item.x - (width if item.anchor == "end" else
                     width / 2 if item.anchor == "middle" else 0), width


def texts_outside(chart: Chart, base_font: QFont) -> list[str]:
    """Texts that would be cut off at the chart's edges ("Wednesday" was, at 800 pixels)."""
    outside = []
    for item in chart.items:
        if isinstance(item, Text):
            left, width = text_span(text_font(base_font, item), item)
            if left < -0.5 or left + width > chart.width + 0.5:
                outside.append(f"{item.text!r} spans {left:.0f}..{left + width:.0f} "
                               f"of 0..{chart.width:.0f}")
    return outside


class ChartView(QWidget):
    """Shows one chart; lays it out again for its own width when resized.

    With `titled=False` the drawn title is left out (a card above shows it as real text), and
    the chart moves up into its room; `chart` is always what is painted."""

    def __init__(self, layout: Layout, parent: QWidget | None = None, *,
                 titled: bool = True) -> None:
        super().__init__(parent)
        self._layout = layout if titled else (lambda width: without_title(layout(width)))
        self.chart = self._layout(600)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(320)
        self.setFixedHeight(int(self.chart.height) + 6)
        self.setAccessibleName(self.chart.title)
        # The meaning and the sentences, so a screen reader hears what the picture shows.
        self.setAccessibleDescription(" ".join((self.chart.meaning, *self.chart.texts)))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(int(self.chart.width), int(self.chart.height) + 6)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        width = max(320, event.size().width())
        if abs(width - self.chart.width) >= 1:
            self.chart = self._layout(width)
            self.setFixedHeight(int(self.chart.height) + 6)
            self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        try:
            paint_chart(painter, self.chart, theme_of(self), self.font())
        finally:
            painter.end()
