"""How a search hit looks: title, star and date on the first line, the best passage below with
the matching words highlighted.

The passage comes from the model as rich text whose matches are in <b>; here a style sheet
makes them bold on a highlight colour that reads well in light and dark themes.
"""

from __future__ import annotations

from datetime import datetime
from html import escape as html_escape

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QTextDocument,
)
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from companion.models import MOOD_LABELS, CheckIn, Entry
from ui.icons import icon
from ui.models.journal_list import entry_label
from ui.models.search_results import SearchRoles, checkin_label
from ui.theme import MOOD_COLOURS, STAR_COLOUR
from ui.widgets.entry_delegate import is_dark, muted, paint_row_background

Index = QModelIndex | QPersistentModelIndex
SNIPPET_LINES = 2


def highlight_style(palette: QPalette, selected: bool) -> str:
    """CSS for the <b> around matches."""
    if selected:
        return "b { font-weight: 700; text-decoration: underline; }"
    if is_dark(palette):
        return "b { font-weight: 700; color: #1e1f24; background-color: #e6c860; }"
    return "b { font-weight: 700; color: #1f2430; background-color: #fde68a; }"


def snippet_document(html: str, font: QFont, width: int, palette: QPalette,
                     selected: bool) -> QTextDocument:
    document = QTextDocument()
    document.setDocumentMargin(0)
    document.setDefaultFont(font)
    document.setDefaultStyleSheet(highlight_style(palette, selected))
    document.setHtml(html)
    document.setTextWidth(max(1, width))
    return document


class SnippetDelegate(QStyledItemDelegate):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._faces = {n: icon(f"mood-{n}", MOOD_COLOURS[n]) for n in MOOD_LABELS}

    def row_height(self, font: QFont) -> int:
        return QFontMetrics(font).lineSpacing() * (1 + SNIPPET_LINES) + 22

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802
        return QSize(240, self.row_height(option.font))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        entry = index.data(SearchRoles.ENTRY)
        checkin = index.data(SearchRoles.CHECKIN)
        if not isinstance(entry, Entry) and not isinstance(checkin, CheckIn):
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        try:
            selected = paint_row_background(painter, option)
            html = str(index.data(SearchRoles.SNIPPET_HTML))
            if isinstance(entry, Entry):
                self._paint_hit(painter, option, entry, html,
                                bool(index.data(SearchRoles.IN_TITLE)),
                                str(index.data(SearchRoles.TEXT_BELOW) or ""), selected)
            else:
                self._paint_checkin(painter, option, checkin, html, selected)
        finally:
            painter.restore()

    def _paint_checkin(self, painter: QPainter, option: QStyleOptionViewItem,
                       checkin: CheckIn, html: str, selected: bool) -> None:
        """A check-in whose note matched: its face and mood as the title, the passage below."""
        rect, line, colour, right = self._dated(painter, option, checkin.at, selected)
        self._faces[checkin.mood].paint(painter, QRect(rect.left(), rect.top(), line, line))
        self._title_and_passage(painter, option, rect, rect.left() + line + 6, right,
                                checkin_label(checkin), html, colour, selected)

    def _paint_hit(self, painter: QPainter, option: QStyleOptionViewItem, entry: Entry,
                   html: str, in_title: bool, below_text: str, selected: bool) -> None:
        rect, line, colour, right = self._dated(painter, option, entry.created, selected)
        palette = option.palette
        x = rect.left()
        if entry.starred:
            painter.setPen(QColor(colour if selected else STAR_COLOUR))
            painter.drawText(QRect(x, rect.top(), 18, line), Qt.AlignmentFlag.AlignVCenter, "★")
            x += 18
        if not in_title:
            self._title_and_passage(painter, option, rect, x, right, entry_label(entry) or "…",
                                    html, colour, selected)
            return
        # The match is in the title: highlight it there, show the text below.
        title_font = QFont(option.font)
        title_font.setWeight(QFont.Weight.DemiBold)
        self._draw_rich(painter, snippet_document(html, title_font, 10_000, palette, selected),
                        QRect(x, rect.top(), right - x, line), colour)
        below = snippet_document(html_escape(below_text, quote=False), option.font,
                                 rect.width(), palette, selected)
        self._draw_rich(painter, below, QRect(rect.left(), rect.top() + line + 4,
                                              rect.width(), line * SNIPPET_LINES),
                        muted(palette, selected))

    @staticmethod
    def _dated(painter: QPainter, option: QStyleOptionViewItem, when: datetime,
               selected: bool) -> tuple[QRect, int, QColor, int]:
        """Draw the row's date at the top right; (the content rect, the line height, the
        text colour, where the title must end)."""
        palette = option.palette
        colour = palette.color(QPalette.ColorRole.HighlightedText if selected
                               else QPalette.ColorRole.Text)
        rect = option.rect.adjusted(16, 8, -14, -6)
        metrics = QFontMetrics(option.font)
        line = metrics.lineSpacing()
        date = f"{when.day} {when:%b %Y}"
        date_width = metrics.horizontalAdvance(date) + 4
        painter.setFont(option.font)
        painter.setPen(muted(palette, selected))
        painter.drawText(QRect(rect.right() - date_width, rect.top(), date_width, line),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, date)
        return rect, line, colour, rect.right() - date_width - 12

    def _title_and_passage(self, painter: QPainter, option: QStyleOptionViewItem, rect: QRect,
                           x: int, right: int, title: str, html: str, colour: QColor,
                           selected: bool) -> None:
        """A bold title (elided) from `x` to `right`, the highlighted passage below it."""
        line = QFontMetrics(option.font).lineSpacing()
        title_font = QFont(option.font)
        title_font.setWeight(QFont.Weight.DemiBold)
        width = right - x
        painter.setFont(title_font)
        painter.setPen(colour)
        painter.drawText(QRect(x, rect.top(), width, line), Qt.AlignmentFlag.AlignVCenter,
                         QFontMetrics(title_font).elidedText(title, Qt.TextElideMode.ElideRight,
                                                             width))
        document = snippet_document(html, option.font, rect.width(), option.palette, selected)
        self._draw_rich(painter, document, QRect(rect.left(), rect.top() + line + 4,
                                                 rect.width(), line * SNIPPET_LINES), colour)

    @staticmethod
    def _draw_rich(painter: QPainter, document: QTextDocument, area: QRect,
                   colour: QColor) -> None:
        painter.save()
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text, colour)
        painter.translate(area.left(), area.top())
        context.clip = QRect(0, 0, area.width(), area.height()).toRectF()
        painter.setClipRect(context.clip)
        document.documentLayout().draw(painter, context)
        painter.restore()
