"""Screen time per day, stacked by category: one bar per day, drawn with QPainter.

The data (day → category → time) is set once; painting only walks it. Colours come from a
colour-blind-safe set (Okabe–Ito), the same category always the same colour.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#999999")
CATEGORY_COLOURS = {"work": "#0072B2", "browsing": "#56B4E9", "video": "#E69F00",
                    "social media": "#CC79A7", "messaging": "#009E73", "games": "#D55E00",
                    "other": "#999999"}


def category_colour(category: str) -> QColor:
    known = CATEGORY_COLOURS.get(category)
    if known:
        return QColor(known)
    return QColor(PALETTE[sum(map(ord, category)) % (len(PALETTE) - 1)])


class UsageChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.days: list[str] = []
        self.data: dict[str, dict[str, timedelta]] = {}
        self.categories: list[str] = []
        self.setMinimumHeight(220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(self.tr("Screen time per day by category"))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(600, 240)

    def set_data(self, last_day: date, count: int,
                 data: dict[str, dict[str, timedelta]]) -> None:
        self.days = [(last_day - timedelta(days=i)).isoformat() for i in range(count - 1, -1, -1)]
        self.data = data
        totals: dict[str, timedelta] = {}
        for per_day in data.values():
            for category, used in per_day.items():
                totals[category] = totals.get(category, timedelta()) + used
        self.categories = sorted(totals, key=lambda c: (-totals[c], c))
        hours = sum(totals.values(), timedelta()).total_seconds() / 3600
        self.setToolTip(self.tr("%1 hours in %2 days").replace("%1", f"{hours:.1f}")
                        .replace("%2", str(count)))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text_colour = self.palette().color(QPalette.ColorRole.WindowText)
        grid = QColor(text_colour)
        grid.setAlpha(40)
        metrics = QFontMetricsF(self.font())
        line = metrics.height()
        legend_height = line + 8
        left, bottom = metrics.horizontalAdvance("00 h") + 8, line + 6
        plot = QRectF(left, 6, max(10.0, self.width() - left - 8),
                      max(10.0, self.height() - bottom - legend_height - 12))
        peak = max((sum(day.values(), timedelta()).total_seconds() / 3600
                    for day in self.data.values()), default=0.0)
        top = max(1, int(peak) + 1)
        step = 1 if top <= 4 else 2 if top <= 8 else 4
        painter.setPen(QPen(grid, 1))
        for hour in range(0, top + 1, step):
            y = plot.bottom() - plot.height() * hour / top
            painter.drawLine(int(plot.left()), int(y), int(plot.right()), int(y))
            painter.setPen(text_colour)
            painter.drawText(QRectF(0, y - line / 2, left - 6, line),
                             int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                             f"{hour} h")
            painter.setPen(QPen(grid, 1))
        count = max(1, len(self.days))
        slot = plot.width() / count
        bar = max(2.0, slot * 0.7)
        painter.setPen(Qt.PenStyle.NoPen)
        for index, day in enumerate(self.days):
            x = plot.left() + slot * index + (slot - bar) / 2
            y = plot.bottom()
            for category in reversed(self.categories):
                used = self.data.get(day, {}).get(category)
                if not used:
                    continue
                height = plot.height() * used.total_seconds() / 3600 / top
                painter.setBrush(category_colour(category))
                painter.drawRect(QRectF(x, y - height, bar, height))
                y -= height
        painter.setPen(text_colour)
        label_every = 1 if count <= 10 else 5
        for index, day in enumerate(self.days):
            if (count - 1 - index) % label_every:
                continue
            x = plot.left() + slot * index + slot / 2
            text = date.fromisoformat(day).strftime("%a" if count <= 10 else "%d %b")
            width = metrics.horizontalAdvance(text)
            painter.drawText(QRectF(x - width / 2 - 2, plot.bottom() + 4, width + 4, line),
                             int(Qt.AlignmentFlag.AlignCenter), text)
        x = plot.left()
        y = self.height() - legend_height
        for category in self.categories:
            width = metrics.horizontalAdvance(category)
            if x + width + 24 > self.width():
                break
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(category_colour(category))
            painter.drawRoundedRect(QRectF(x, y + line / 2 - 5, 10, 10), 2, 2)
            painter.setPen(text_colour)
            painter.drawText(QRectF(x + 14, y, width + 4, line),
                             int(Qt.AlignmentFlag.AlignVCenter), category)
            x += width + 30
        painter.end()
