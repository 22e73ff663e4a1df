"""Shared layout pieces: a plot area that maps values to units, axes, legends, empty states.

Text widths are estimated (about 0.7 of the size per character for the sans-serif faces
both backends use), which is enough to keep labels from colliding without a font engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from companion.charts.primitives import (
    Chart,
    Circle,
    Line,
    Polygon,
    Polyline,
    Primitive,
    Rect,
    Text,
)

TITLE_SIZE = 12.0
LABEL_SIZE = 9.0
SMALL_SIZE = 8.0
TEXT_ASCENT = 1.15  # a text's top sits about this many sizes above its baseline on screen


def text_width(text: str, size: float) -> float:
    return len(text) * size * 0.7


@dataclass(frozen=True)
class Plot:
    """A rectangle of the chart and the value ranges it shows."""

    left: float
    top: float
    width: float
    height: float
    x_min: float
    x_max: float
    y_min: float
    y_max: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height

    def x(self, value: float) -> float:
        span = self.x_max - self.x_min or 1.0
        return self.left + (value - self.x_min) / span * self.width

    def y(self, value: float) -> float:
        span = self.y_max - self.y_min or 1.0
        return self.bottom - (value - self.y_min) / span * self.height


def y_axis(plot: Plot, ticks: Sequence[tuple[float, str]]) -> list[Primitive]:
    """Horizontal grid lines at each tick with its label to the left."""
    items: list[Primitive] = []
    for value, label in ticks:
        y = plot.y(value)
        items.append(Line(plot.left, y, plot.right, y, "grid", 0.6))
        items.append(Text(plot.left - 5, y + LABEL_SIZE * 0.35, label, LABEL_SIZE, "muted",
                          "end"))
    return items


def x_labels(plot: Plot, ticks: Sequence[tuple[float, str]]) -> list[Primitive]:
    items: list[Primitive] = [Line(plot.left, plot.bottom, plot.right, plot.bottom, "axis", 0.8)]
    last_end = -1e9
    for value, label in ticks:
        x = plot.x(value)
        half = text_width(label, LABEL_SIZE) / 2
        if x - half < last_end + 4:  # skip a label that would touch the previous one
            continue
        items.append(Line(x, plot.bottom, x, plot.bottom + 3, "axis", 0.8))
        items.append(Text(x, plot.bottom + 4 + LABEL_SIZE, label, LABEL_SIZE, "muted",
                          "middle"))
        last_end = x + half
    return items


LegendSample = tuple[str, str, str, tuple[float, ...]]  # (label, role, kind, dash)


def legend(x: float, y: float, samples: Sequence[LegendSample]) -> list[Primitive]:
    """A row of samples: kind "line" (with its dash), "dot", "square" or "triangle"."""
    items: list[Primitive] = []
    for label, role, kind, dash in samples:
        mid = y - LABEL_SIZE * 0.35
        if kind == "line":
            items.append(Line(x, mid, x + 18, mid, role, 2.0, dash))
            x += 22
        else:
            items += marker(kind, x + 4, mid, 3.2, role)
            x += 11
        items.append(Text(x, y, label, LABEL_SIZE, "text"))
        x += text_width(label, LABEL_SIZE) + 14
    return items


def marker(kind: str, x: float, y: float, r: float, role: str) -> list[Primitive]:
    """Markers differ in shape as well as colour, so two series never rely on hue alone."""
    if kind == "square":
        return [Rect(x - r, y - r, 2 * r, 2 * r, role)]
    if kind == "triangle":
        return [Polygon(((x, y - r * 1.2), (x + r * 1.1, y + r * 0.8), (x - r * 1.1, y + r * 0.8)),
                        role)]
    if kind == "diamond":
        return [Polygon(((x, y - r * 1.3), (x + r, y), (x, y + r * 1.3), (x - r, y)), role)]
    return [Circle(x, y, r, role)]


def title_item(title: str) -> Text:
    return Text(0, TITLE_SIZE, title, TITLE_SIZE, "text", bold=True)


def empty_chart(title: str, width: float, height: float, reason: str, basis: str,
                meaning: str) -> Chart:
    """A chart that declines to claim anything, and says why, in the space it would take."""
    height = min(height, 90.0)
    items: list[Primitive] = [
        title_item(title),
        Rect(0, TITLE_SIZE + 8, width, height - TITLE_SIZE - 8, "empty"),
    ]
    items += wrap_text(reason or "Not enough data yet.", 12, TITLE_SIZE + 30, width - 24,
                       LABEL_SIZE + 1, "muted")
    return Chart(width, height, tuple(items), title, basis, meaning, False,
                 reason or "Not enough data yet.")


def wrap_text(text: str, x: float, y: float, width: float, size: float,
              role: str) -> list[Primitive]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and text_width(candidate, size) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return [Text(x, y + i * size * 1.35, line, size, role) for i, line in enumerate(lines)]


def without_title(chart: Chart) -> Chart:
    """The chart without its drawn title, moved up into the room the title took.

    On screen a card shows the title as real text (a screen reader reads it, and the card can
    put controls such as year buttons beside it); on paper the drawn title stays."""
    items = chart.items[1:] if chart.items and chart.items[0] == title_item(chart.title) else (
        chart.items)
    if not items:
        return replace(chart, items=())
    shift = max(0.0, min(_top(item) for item in items) - 2)
    return replace(chart, height=chart.height - shift,
                   items=tuple(_moved(item, -shift) for item in items))


def _top(item: Primitive) -> float:
    if isinstance(item, Text):
        return item.y - item.size * TEXT_ASCENT
    if isinstance(item, Line):
        return min(item.y1, item.y2) - item.width / 2
    if isinstance(item, Polyline | Polygon):
        return min(y for _, y in item.points)
    if isinstance(item, Circle):
        return item.y - item.r
    return item.y


def _moved(item: Primitive, dy: float) -> Primitive:
    if isinstance(item, Line):
        return replace(item, y1=item.y1 + dy, y2=item.y2 + dy)
    if isinstance(item, Polyline | Polygon):
        return replace(item, points=tuple((x, y + dy) for x, y in item.points))
    return replace(item, y=item.y + dy)
