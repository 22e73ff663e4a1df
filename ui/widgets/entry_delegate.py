"""How the journal list looks: a day header, then one compact line per check-in and entry.

A day header reads: the date. With a tag filter (which lists entries only) it also carries,
on the right, one small face per check-in that day, in the mood's colour and in time order (at
most six, then "+n"); its tooltip says them in words.

A check-in line reads: time, the mood's face, the mood word, then energy, emotions and
activities in words (quiet), and the start of the note, cut to the row.

An entry line reads: time, star, title (with the start of the text after it), tags, mood dot.
Painting only reads what the model already holds: a row whose entry is still on its way is
drawn as a quiet placeholder bar, never fetched here.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import (
    QDate,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QPixmap,
)
from PySide6.QtWidgets import (
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
)

from companion.checkins import DayMood
from companion.markdown_text import plain_excerpt
from companion.models import Entry
from ui.icons import pixmap
from ui.models.journal_list import JournalRoles, day_label, entry_label
from ui.models.journal_rows import DayMoods, checkin_details, mood_word
from ui.theme import ACCENT, MOOD_COLOURS, STAR_COLOUR

MAX_FACES = 6  # check-in faces on a day header; more are counted ("+3")
Index = QModelIndex | QPersistentModelIndex


def muted(palette: QPalette, selected: bool) -> QColor:
    if selected:  # at full strength: white at 75 % on the accent was 3.3:1, under AA's 4.5:1
        return QColor(palette.color(QPalette.ColorRole.HighlightedText))
    return palette.color(QPalette.ColorRole.PlaceholderText)


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def paint_row_background(painter: QPainter, option: QStyleOptionViewItem) -> bool:
    """Selection and hover backgrounds with rounded corners; returns whether selected."""
    selected = bool(option.state & QStyle.StateFlag.State_Selected)
    rect = option.rect.adjusted(4, 1, -4, -1)
    painter.setPen(Qt.PenStyle.NoPen)
    if selected:
        painter.setBrush(option.palette.color(QPalette.ColorRole.Highlight))
        painter.drawRoundedRect(rect, 6, 6)
    elif option.state & QStyle.StateFlag.State_MouseOver:
        painter.setBrush(option.palette.color(QPalette.ColorRole.AlternateBase))
        painter.drawRoundedRect(rect, 6, 6)
    if option.state & QStyle.StateFlag.State_HasFocus and not selected:
        painter.setPen(option.palette.color(QPalette.ColorRole.Highlight))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(rect.adjusted(0, 0, -1, -1), 6, 6)
    return selected


@dataclass(frozen=True)
class _RowText:
    tags: str
    tags_width: int
    title: str
    title_width: int
    excerpt: str
    excerpt_x: int
    excerpt_width: int


@dataclass(frozen=True)
class _CheckinText:
    title: str
    title_width: int
    details: str
    details_x: int
    details_width: int
    note: str
    note_x: int
    note_width: int


_TEXTS_KEPT = 400
_BOTH_ABOVE = 200  # pixels after a check-in's mood word that show both its words and note


class EntryDelegate(QStyledItemDelegate):
    """Every row has the same height, so the view can use uniform item sizes and never asks
    the model about rows it does not show."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._texts: OrderedDict[tuple[object, ...], _RowText | _CheckinText] = OrderedDict()
        self._faces: dict[tuple[int, int, bool], QPixmap] = {}
        self._widest_dates: dict[tuple[str, bool], int] = {}

    def row_height(self, font: QFont) -> int:
        return QFontMetrics(font).height() + 16

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802
        return QSize(240, self.row_height(option.font))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        try:
            if index.data(JournalRoles.HEADER):
                self._paint_header(painter, option, index)
            elif (checkin := index.data(JournalRoles.CHECKIN)) is not None:
                self._paint_checkin(painter, option, checkin)
            else:
                self._paint_entry(painter, option, index.data(JournalRoles.ENTRY))
        finally:
            painter.restore()

    def _paint_header(self, painter: QPainter, option: QStyleOptionViewItem,
                      index: Index) -> None:
        rect = option.rect.adjusted(12, 0, -12, 0)
        text_rect = rect.adjusted(0, 8, 0, 0)
        font = QFont(option.font)
        font.setBold(True)
        metrics = QFontMetrics(font)
        moods = index.data(JournalRoles.CHECKINS) or ()
        room = rect.width() - self._widest_date(font, short=True) - 12  # the date comes first
        faces = self._paint_faces(painter, option, text_rect, moods, room) if moods else 0
        width = max(0, rect.width() - (faces + 12 if faces else 0))
        text = str(index.data() or "")
        day = index.data(JournalRoles.DAY)
        # Long dates when any fits beside three faces, so the list keeps one form; else (or
        # if this one does not fit) "Thu, 19 Nov 2026" rather than "Thursday, 19 No…".
        roomy = self._widest_date(font) + 3 * 19 + 12 <= rect.width()
        if (not roomy or metrics.horizontalAdvance(text) > width) and isinstance(day, date):
            text = short_day_label(day)
        painter.setFont(font)
        painter.setPen(option.palette.color(QPalette.ColorRole.WindowText))
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         metrics.elidedText(text, Qt.TextElideMode.ElideRight, width))
        line = QColor(option.palette.color(QPalette.ColorRole.Mid))
        painter.setPen(line)
        painter.drawLine(rect.left(), rect.bottom(), rect.right(), rect.bottom())

    def _widest_date(self, font: QFont, *, short: bool = False) -> int:
        """The width of the longest date (the longest weekday with the longest month)."""
        key = (font.key(), short)
        widest = self._widest_dates.get(key)
        if widest is None:
            metrics, label = QFontMetrics(font), short_day_label if short else day_label
            widest = self._widest_dates[key] = max(
                metrics.horizontalAdvance(label(date(2026, month, day)))
                for month in range(1, 13) for day in range(22, 29))
        return widest

    def _paint_faces(self, painter: QPainter, option: QStyleOptionViewItem, rect: QRect,
                     moods: DayMoods, room: int) -> int:
        """The check-ins' faces, oldest first, right-aligned in `rect`: at most MAX_FACES and
        what fits in `room` (one at least), then "+n"; returns the width used."""
        metrics = QFontMetrics(option.font)
        size, gap = face_size(metrics), 3

        def needed(count: int) -> tuple[int, str]:
            more = f"+{len(moods) - count}" if count < len(moods) else ""
            return count * (size + gap) - gap + (
                metrics.horizontalAdvance(more) + 4 if more else 0), more

        count = min(len(moods), MAX_FACES)
        while count > 1 and needed(count)[0] > room:
            count -= 1
        width, more = needed(count)
        x = rect.right() - width + 1
        top = rect.center().y() - size // 2 + 1
        dark = is_dark(option.palette)
        for checkin in moods[:count]:
            painter.drawPixmap(x, top, self._face(checkin.mood, size, dark))
            x += size + gap
        if more:
            painter.setFont(option.font)
            painter.setPen(muted(option.palette, False))
            painter.drawText(QRect(x - gap + 4, rect.top(), rect.right() - x + gap, rect.height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, more)
        return width

    def _face(self, mood: int, size: int, dark: bool) -> QPixmap:
        """A mood's face in its colour on a soft disc of it, made once per size and theme
        (nothing is rendered while scrolling)."""
        key = (mood, size, dark)
        found = self._faces.get(key)
        if found is None:
            colour = QColor(MOOD_COLOURS.get(mood, ACCENT))
            if dark:
                colour = colour.lighter(115)
            face = pixmap(f"mood-{mood if mood in MOOD_COLOURS else 3}", size, colour)
            found = QPixmap(face.size())
            found.setDevicePixelRatio(face.devicePixelRatio())
            found.fill(Qt.GlobalColor.transparent)
            disc = QColor(colour)
            disc.setAlphaF(0.24 if dark else 0.2)
            painter = QPainter(found)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(disc)
            painter.drawEllipse(QRectF(1.5, 1.5, size - 3, size - 3))
            painter.drawPixmap(0, 0, face)
            painter.end()
            self._faces[key] = found
        return found

    def _paint_checkin(self, painter: QPainter, option: QStyleOptionViewItem,
                       checkin: DayMood) -> None:
        selected = paint_row_background(painter, option)
        palette = option.palette
        text_colour = palette.color(QPalette.ColorRole.HighlightedText if selected
                                    else QPalette.ColorRole.Text)
        metrics = QFontMetrics(option.font)
        rect = option.rect.adjusted(16, 0, -14, 0)
        middle = Qt.AlignmentFlag.AlignVCenter
        time_width = metrics.horizontalAdvance("00:00") + 10
        painter.setFont(option.font)
        painter.setPen(muted(palette, selected))
        painter.drawText(QRect(rect.left(), rect.top(), time_width, rect.height()), middle,
                         checkin.time)
        x = rect.left() + time_width
        size = face_size(metrics)
        painter.drawPixmap(x - 1, rect.center().y() - size // 2 + 1,
                           self._face(checkin.mood, size, is_dark(palette)))
        x += max(18, size + 4)
        text = self._checkin_text(checkin, option.font, rect.right() - x)
        painter.setFont(self._title_font(option.font))
        painter.setPen(text_colour)
        painter.drawText(QRect(x, rect.top(), text.title_width, rect.height()), middle,
                         text.title)
        painter.setFont(option.font)
        if text.details:
            painter.setPen(muted(palette, selected))
            painter.drawText(QRect(x + text.details_x, rect.top(), text.details_width,
                                   rect.height()), middle, text.details)
        if text.note:
            painter.setPen(text_colour)
            painter.drawText(QRect(x + text.note_x, rect.top(), text.note_width,
                                   rect.height()), middle, text.note)

    def _checkin_text(self, checkin: DayMood, font: QFont, width: int) -> _CheckinText:
        """The mood word, then the details and the note, cut to `width`: the details take at
        most half of what is left when there is a note, which gets the rest; in a narrow list
        the note alone (its own words first: the details are in the tooltip)."""
        key = ("checkin", checkin, width, font.key())
        found = self._texts.get(key)
        if isinstance(found, _CheckinText):
            return found
        metrics, title_metrics = QFontMetrics(font), QFontMetrics(self._title_font(font))
        elide = Qt.TextElideMode.ElideRight
        title = title_metrics.elidedText(mood_word(checkin.mood).capitalize(), elide,
                                         max(0, width))
        title_width = title_metrics.horizontalAdvance(title) + 2  # +2: rounding, never elide
        x = title_width + 8
        details, details_x, details_width = " · ".join(checkin_details(checkin)), x, 0
        if details and checkin.note and width - x < _BOTH_ABOVE:
            details = ""
        if details:
            room = width - x if not checkin.note else (width - x) // 2
            details_width = min(metrics.horizontalAdvance(details) + 2, room)
            if room >= 40:  # room for a word at least, or none of them
                details = metrics.elidedText(details, elide, details_width)
                x += metrics.horizontalAdvance(details) + 12
            else:
                details, details_width = "", 0
        note, note_width = checkin.note, width - x
        if note and note_width >= 40:
            note = metrics.elidedText(note, elide, note_width)
        else:
            note, note_width = "", 0
        found = _CheckinText(title, title_width, details, details_x, details_width, note, x,
                             note_width)
        self._texts[key] = found
        while len(self._texts) > _TEXTS_KEPT:
            self._texts.popitem(last=False)
        return found

    def _paint_entry(self, painter: QPainter, option: QStyleOptionViewItem,
                     entry: Entry | None) -> None:
        selected = paint_row_background(painter, option)
        palette = option.palette
        text_colour = palette.color(QPalette.ColorRole.HighlightedText if selected
                                    else QPalette.ColorRole.Text)
        quiet = muted(palette, selected)
        metrics = QFontMetrics(option.font)
        rect = option.rect.adjusted(16, 0, -14, 0)
        middle = Qt.AlignmentFlag.AlignVCenter
        time_width = metrics.horizontalAdvance("00:00") + 10
        painter.setFont(option.font)
        if entry is None:  # on its way from the vault: a placeholder, not a query
            bar = QColor(palette.color(QPalette.ColorRole.Mid))
            bar.setAlphaF(0.45)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(bar)
            height = max(6, metrics.height() // 2)
            top = rect.center().y() - height // 2
            painter.drawRoundedRect(QRect(rect.left(), top, time_width - 14, height), 3, 3)
            painter.drawRoundedRect(QRect(rect.left() + time_width + 18, top,
                                          max(40, rect.width() // 2), height), 3, 3)
            return
        painter.setPen(quiet)
        painter.drawText(QRect(rect.left(), rect.top(), time_width, rect.height()), middle,
                         f"{entry.created:%H:%M}")
        x = rect.left() + time_width
        if entry.starred:
            painter.setPen(QColor(text_colour if selected else STAR_COLOUR))
            painter.drawText(QRect(x, rect.top(), 18, rect.height()), middle, "★")
        x += 18
        right = rect.right()
        if entry.mood is not None:  # a small dot in the mood's colour
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(MOOD_COLOURS[entry.mood]))
            painter.drawEllipse(QRect(right - 9, rect.center().y() - 4, 9, 9))
        right -= 18
        text = self._row_text(entry, option.font, right - x)
        if text.tags:
            painter.setPen(text_colour if selected else self._tag_colour(palette))
            painter.drawText(QRect(right - text.tags_width, rect.top(), text.tags_width,
                                   rect.height()), middle | Qt.AlignmentFlag.AlignRight,
                             text.tags)
        painter.setFont(self._title_font(option.font))
        painter.setPen(text_colour)
        painter.drawText(QRect(x, rect.top(), text.title_width, rect.height()), middle,
                         text.title)
        if text.excerpt:
            painter.setFont(option.font)
            painter.setPen(quiet)
            painter.drawText(QRect(x + text.excerpt_x, rect.top(), text.excerpt_width,
                                   rect.height()), middle, text.excerpt)

    def _title_font(self, font: QFont) -> QFont:
        bold = QFont(font)
        bold.setWeight(QFont.Weight.DemiBold)
        return bold

    def _row_text(self, entry: Entry, font: QFont, width: int) -> _RowText:
        """The elided texts of a row, kept for the rows last painted: eliding is what costs
        most in painting, and scrolling repaints the same rows many times."""
        key = (entry.id, entry.updated, entry.tags, width, font.key())
        found = self._texts.get(key)
        if isinstance(found, _RowText):
            return found
        metrics = QFontMetrics(font)
        label = entry_label(entry) or "…"
        title_metrics = QFontMetrics(self._title_font(font))
        tags, tags_width = "", 0
        if entry.tags:
            # The title comes first: tags take at most two fifths of the row, and of a title
            # that fits the row only what the whole title leaves (a narrow list showed
            # "River …" beside "#walk"). A title longer than the row is cut either way.
            needed = title_metrics.horizontalAdvance(label)
            room = width * 2 // 5 if needed + 12 > width else min(width * 2 // 5,
                                                                   width - needed - 12)
            if room >= metrics.horizontalAdvance("#…") + 2:
                tags = fit_tags(entry.tags, metrics, room - 2)
                tags_width = metrics.horizontalAdvance(tags) + 2  # +2: rounding, never elide
        title_width = max(0, width - (tags_width + 12 if tags else 0))
        title = title_metrics.elidedText(label, Qt.TextElideMode.ElideRight, title_width)
        used = title_metrics.horizontalAdvance(title) + 10
        excerpt = plain_excerpt(entry.body, skip_first_line=not entry.title)
        excerpt_width = title_width - used
        if excerpt and excerpt_width >= 60:
            excerpt = metrics.elidedText(excerpt, Qt.TextElideMode.ElideRight, excerpt_width)
        else:
            excerpt, excerpt_width = "", 0
        found = _RowText(tags, tags_width, title, title_width, excerpt, used, excerpt_width)
        self._texts[key] = found
        while len(self._texts) > _TEXTS_KEPT:
            self._texts.popitem(last=False)
        return found

    def forget(self) -> None:
        """Drop the texts kept for painting (on lock)."""
        self._texts.clear()

    @staticmethod
    def _tag_colour(palette: QPalette) -> QColor:
        return QColor("#8ea2ff") if is_dark(palette) else QColor(ACCENT)


def face_size(metrics: QFontMetrics) -> int:
    """A check-in face's size beside text of this font."""
    return 16 if metrics.height() < 22 else 20


def short_day_label(day: date) -> str:
    return QLocale().toString(QDate(day.year, day.month, day.day), "ddd, d MMM yyyy")


def fit_tags(tags: tuple[str, ...], metrics: QFontMetrics, width: int) -> str:
    """As many tags as fit in `width`, then "+n" for the others."""
    for count in range(len(tags), 0, -1):
        text = "  ".join(f"#{tag}" for tag in tags[:count])
        if count < len(tags):
            text += f"  +{len(tags) - count}"
        if metrics.horizontalAdvance(text) <= width:
            return text
    more = f" +{len(tags) - 1}" if len(tags) > 1 else ""
    return metrics.elidedText(f"#{tags[0]}", Qt.TextElideMode.ElideRight,
                              max(0, width - metrics.horizontalAdvance(more))) + more
