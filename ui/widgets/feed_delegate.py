"""Paints the feed's cards from their layouts (ui/widgets/feed_layout.py).

Layouts are measured once per row, width, palette and font and kept until the rows change:
painting reads them and the palette, and never the vault. Colours come from the palette, so
both themes read the same way (text on cards, bubbles and chips at 4.5:1 or more).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QListView, QStyledItemDelegate, QStyleOptionViewItem

from ui.icons import pixmap
from ui.models.feed_model import ROW_ROLE, FeedModel
from ui.models.feed_rows import FeedRow
from ui.theme import MOOD_COLOURS
from ui.widgets.feed_cards import card_layout
from ui.widgets.feed_layout import CardLayout
from ui.widgets.feed_style import (
    accent,
    is_dark,
    link_colour,
    mood_chip_colours,
    paint_avatar,
    tinted,
)
from ui.widgets.focus_ring import ring_colour

Index = QModelIndex | QPersistentModelIndex
ROLE = QPalette.ColorRole


class FeedDelegate(QStyledItemDelegate):
    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self.view = view
        self.me = ("", "")  # this device's member key and name (pending posts are theirs)
        self.hover: tuple[int, int] | None = None  # (row, spot) under the pointer
        self._cache: dict[tuple[int, int, int, str], CardLayout] = {}

    def forget(self) -> None:
        self._cache.clear()

    def layout_at(self, number: int) -> CardLayout | None:
        model = self.view.model()
        if not isinstance(model, FeedModel):
            return None
        row = model.row_at(number)
        if row is None:
            return None
        width = max(200, self.view.viewport().width())
        font = self.view.font()
        palette = self.view.palette()
        key = (number, width, palette.cacheKey(), font.key())
        found = self._cache.get(key)
        if found is None:
            if len(self._cache) > 2_000:
                self._cache.clear()
            found = card_layout(row, width, font, palette, self.me, model.now)
            self._cache[key] = found
        return found

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802
        layout = self.layout_at(index.row())
        width = max(200, self.view.viewport().width())
        return QSize(width, math.ceil(layout.height) if layout is not None else 0)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        layout = self.layout_at(index.row())
        row = index.data(ROW_ROLE)
        if layout is None or not isinstance(row, FeedRow):
            return
        palette = self.view.palette()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.translate(option.rect.topLeft())
        self._frame(painter, layout, row, palette)
        self._marks(painter, layout, palette)
        if layout.avatar is not None:
            rect, key, name = layout.avatar
            paint_avatar(painter, rect, key, name, palette, self.view.font())
        if layout.chip is not None:
            self._chip(painter, layout.chip, palette)
        if layout.new_mark is not None:
            self._new_mark(painter, layout.new_mark)
        for text in layout.texts:
            painter.setPen(self._colour(text.role, palette))
            text.layout.draw(painter, text.origin)
        hover = self.hover[1] if self.hover and self.hover[0] == index.row() else -1
        on = palette.color(ROLE.AlternateBase if layout.frame_kind == "bubble" else ROLE.Base)
        for pill in layout.pills:
            self._pill(painter, pill.rect, pill.text, pill.state, pill.spot == hover, on,
                       palette)
        current = self.view.currentIndex()
        if (self.view.hasFocus() and current.isValid() and current.row() == index.row()
                and layout.frame_kind != "none"):
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(ring_colour(palette), 2))
            painter.drawRoundedRect(layout.frame.adjusted(-1, -1, 1, 1), 11, 11)
        painter.restore()

    # -- pieces ---------------------------------------------------------------------------------

    @staticmethod
    def _colour(role: str, palette: QPalette) -> QColor:
        if role == "muted":
            return palette.color(ROLE.PlaceholderText)
        if role == "link":
            return link_colour(palette)
        return palette.color(ROLE.Text)

    def _frame(self, painter: QPainter, layout: CardLayout, row: FeedRow,
               palette: QPalette) -> None:
        if layout.frame_kind == "none":
            return
        rect = layout.frame
        if layout.frame_kind == "bubble":
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(ROLE.AlternateBase))
            painter.drawRoundedRect(rect, 10, 10)
        else:
            pen = QPen(palette.color(ROLE.Mid), 1)
            if layout.frame_kind == "pending":
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(palette.color(ROLE.Base))
            painter.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 10, 10)
        if row.new:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(accent())
            painter.drawRoundedRect(QRectF(rect.left() + 1, rect.top() + 8, 3,
                                           rect.height() - 16), 1.5, 1.5)

    @staticmethod
    def _marks(painter: QPainter, layout: CardLayout, palette: QPalette) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        for kind, rect in layout.marks:
            if kind == "code":
                colour = tinted(palette.color(ROLE.Text), palette.color(ROLE.Base), 0.07)
            elif kind == "quote":
                colour = palette.color(ROLE.PlaceholderText)
            else:  # rule, thread, branch
                colour = palette.color(ROLE.Mid)
            painter.setBrush(colour)
            painter.drawRoundedRect(rect, 1, 1) if kind != "code" else painter.drawRoundedRect(
                rect, 4, 4)

    def _chip(self, painter: QPainter, chip: tuple[QRectF, int, str],
              palette: QPalette) -> None:
        rect, mood, word = chip
        background, border, text = mood_chip_colours(mood, palette)
        painter.setPen(QPen(border, 1))
        painter.setBrush(background)
        painter.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), rect.height() / 2,
                                rect.height() / 2)
        face = pixmap(f"mood-{mood}", 16, MOOD_COLOURS.get(mood, "#888888"))
        top = rect.top() + (rect.height() - 16) / 2
        painter.drawPixmap(int(rect.left() + 8), int(top), face)
        painter.setPen(text)
        painter.setFont(self.view.font())
        painter.drawText(rect.adjusted(8 + 16 + 5, 0, -6, 0), Qt.AlignmentFlag.AlignVCenter,
                         word)

    def _new_mark(self, painter: QPainter, rect: QRectF) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(accent())
        painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
        font = self.view.font()
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.tr("New"))

    def _pill(self, painter: QPainter, rect: QRectF, text: str, state: str, hovered: bool,
              on: QColor, palette: QPalette) -> None:
        mid = palette.color(ROLE.Mid)
        text_colour = palette.color(ROLE.Text)
        fill: QColor | None = None
        pen = QPen(mid, 1)
        if state == "mine":
            fill = tinted(accent(), on, 0.30 if is_dark(palette) else 0.16)
            pen = QPen(accent() if not is_dark(palette) else link_colour(palette), 1.5)
        elif state == "none":
            text_colour = palette.color(ROLE.PlaceholderText)
        elif state == "quiet":
            pen = QPen(Qt.PenStyle.NoPen)
            text_colour = palette.color(ROLE.PlaceholderText)
        if hovered:
            fill = tinted(text_colour, fill or on, 0.10)
            if state == "quiet":
                pen = QPen(mid, 1)
        painter.setPen(pen)
        painter.setBrush(fill if fill is not None else Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), rect.height() / 2,
                                rect.height() / 2)
        painter.setPen(text_colour)
        painter.setFont(self.view.font())
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
