"""Where everything on a feed card goes, measured once per row and width: the pieces
(`CardBuilder`: text, header, mood line, the action row); ui/widgets/feed_cards.py puts them
together for each kind of row.

A card (`CardLayout`) is a list of things to draw, each placed relative to the row's top-left
corner, and the `Spot`s a click or a tooltip can land on: Reply, the four reactions, Delete,
links, "Show all". The delegate paints from it and the view hit-tests against it, so what is
clicked is always what was drawn. The action row is laid out in a fixed order (Reply, then the
reactions in REACTIONS order, then any others, Delete at the far end), and a reaction only
changes the count inside its button, never which button sits where.

Text is laid out with QTextLayout from the blocks of ui/models/feed_markdown.py: plain strings
with styled ranges, so nothing a peer wrote is read as markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QPalette,
    QTextCharFormat,
    QTextLayout,
    QTextOption,
)

from companion.models import MOOD_LABELS
from ui.models.feed_markdown import Block, PostText, Style, shown_characters
from ui.models.feed_rows import (
    MAX_EXTRA_REACTIONS,
    REACTION_NAMES,
    REACTIONS,
    FeedRow,
    tr,
    who,
)
from ui.widgets.feed_style import link_colour

SIDE = 8.0  # between a card and the view's edges
GAP = 10.0  # between cards
PAD = 12.0  # inside a card
AVATAR = 36.0
REPLY_INDENT = 48.0
REPLY_AVATAR = 26.0
REPLY_FIELD_HEIGHT = 46.0


@dataclass
class Spot:
    """Something a click acts on: `action` (reply, react, unreact, delete, link, more, older)
    with its `argument` (the emoji, the address)."""

    rect: QRectF
    action: str
    argument: str = ""
    tip: str = ""
    name: str = ""  # what a button with this job would be called, for menus and tests


@dataclass
class Pill:
    rect: QRectF
    text: str
    state: str  # mine (given by you), some (given by others), none, button, quiet
    spot: int  # index into CardLayout.spots


@dataclass
class Text:
    layout: QTextLayout
    origin: QPointF
    role: str  # text, muted, link


@dataclass
class CardLayout:
    height: float
    frame: QRectF = field(default_factory=QRectF)
    frame_kind: str = "card"  # card, bubble, pending, none
    avatar: tuple[QRectF, str, str] | None = None  # rect, member key, name
    texts: list[Text] = field(default_factory=list)
    pills: list[Pill] = field(default_factory=list)
    spots: list[Spot] = field(default_factory=list)
    marks: list[tuple[str, QRectF]] = field(default_factory=list)  # quote bars, rules, …
    chip: tuple[QRectF, int, str] | None = None  # rect, mood, word
    new_mark: QRectF | None = None

    def spot_at(self, point: QPointF) -> int:
        return next((n for n, s in enumerate(self.spots) if s.rect.contains(point)), -1)


class CardBuilder:
    def __init__(self, row: FeedRow, width: float, font: QFont, palette: QPalette,
                 me: tuple[str, str], now: datetime) -> None:
        self.row, self.width, self.palette, self.me, self.now = row, width, palette, me, now
        self.font = QFont(font)
        self.bold = QFont(font)
        self.bold.setBold(True)
        self.metrics = QFontMetricsF(self.font)
        self.card = CardLayout(0.0)

    # -- text ----------------------------------------------------------------------------------

    def text(self, text: str, x: float, y: float, width: float, *, font: QFont | None = None,
             role: str = "text", formats: list[QTextLayout.FormatRange] | None = None,
             one_line: bool = False) -> tuple[float, QTextLayout]:
        """Lay `text` out at (x, y) in `width`; returns its height and the layout."""
        use = font or self.font
        if one_line:
            text = QFontMetricsF(use).elidedText(text, Qt.TextElideMode.ElideRight, width)
        layout = QTextLayout(text, use)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        option.setTextDirection(Qt.LayoutDirection.LayoutDirectionAuto)
        layout.setTextOption(option)
        if formats:
            layout.setFormats(formats)
        layout.beginLayout()
        height = 0.0
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(max(1.0, width))
            line.setPosition(QPointF(0, height))
            height += line.height()
        layout.endLayout()
        self.card.texts.append(Text(layout, QPointF(x, y), role))
        return height, layout

    def block(self, block: Block, x: float, y: float, width: float, author: str) -> float:
        if block.kind == "gap":
            return self.metrics.height() * 0.5
        if block.kind == "rule":
            self.card.marks.append(("rule", QRectF(x, y + 5, width, 1)))
            return 11.0
        font, role, indent = self.font, "text", 0.0
        if block.kind == "heading":
            font = QFont(self.bold)
            if block.level <= 2:
                font.setPointSizeF(font.pointSizeF() * 1.12)
        elif block.kind == "code":
            font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
            font.setPointSizeF(self.font.pointSizeF() * 0.95)
        elif block.kind == "quote":
            indent = 12.0 * max(1, block.level)
            role = "muted"
        if block.marker:
            indent += 10.0 * min(block.level, 6) // 2
            marker_width = max(QFontMetricsF(font).horizontalAdvance(block.marker), 10.0) + 6
            self.text(block.marker, x + indent, y, marker_width, font=font, role=role)
            indent += marker_width
        formats = self.formats(block, font)
        height, layout = self.text(block.text, x + indent, y, width - indent, font=font,
                                   role=role, formats=formats)
        if block.kind == "quote":
            for depth in range(max(1, block.level)):
                self.card.marks.append(("quote", QRectF(x + 12.0 * depth, y, 3, height)))
        if block.kind == "code":
            self.card.marks.insert(0, ("code", QRectF(x - 4, y, width + 8, height)))
        for run in block.runs:
            if run.address:
                shown = block.text[run.start:run.end]
                for rect in _run_rects(layout, run.start, run.end):
                    rect.translate(x + indent, y)
                    self.card.spots.append(Spot(
                        rect, "link", run.address, tip=run.address,
                        name=tr("Open %1 (from %2)").replace("%1", shown)
                        .replace("%2", author)))
        return height

    def formats(self, block: Block, font: QFont) -> list[QTextLayout.FormatRange]:
        ranges = []
        for run in block.runs:
            form = QTextCharFormat()
            if run.style & Style.BOLD:
                form.setFontWeight(QFont.Weight.Bold)
            if run.style & Style.ITALIC:
                form.setFontItalic(True)
            if run.style & Style.STRIKE:
                form.setFontStrikeOut(True)
            if run.style & Style.CODE and block.kind != "code":
                fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
                form.setFontFamilies(fixed.families())
                form.setBackground(self.palette.color(QPalette.ColorRole.AlternateBase))
            if run.style & Style.LINK and run.address:
                form.setForeground(link_colour(self.palette))
                form.setFontUnderline(True)
            item = QTextLayout.FormatRange()
            item.start, item.length, item.format = run.start, run.end - run.start, form
            ranges.append(item)
        return ranges

    def body(self, text: PostText, x: float, y: float, width: float, author: str,
             item_id: int) -> float:
        top = y
        for number, block in enumerate(text.blocks):
            if number:
                y += 2
            y += self.block(block, x, y, width, author)
        if text.shortened:
            y += 4
            label = tr("Show all")
            advance = QFontMetricsF(self.font).horizontalAdvance(label) + 2
            height, _ = self.text(label, x, y, advance + 4, role="link")
            self.card.spots.append(Spot(QRectF(x, y, advance, height), "more", str(item_id),
                                        name=tr("Show the whole post")))
            y += height
        return y - top

    # -- buttons -------------------------------------------------------------------------------

    def pills(self, x: float, y: float, right: float, *, reply: bool) -> float:
        """The action row: [Reply] [♥] [☺] [★] [✓] [others…] … [Delete]; its height."""
        row = self.row
        item = row.item
        assert item is not None
        height = self.metrics.height() + 8
        entries: list[tuple[str, str, Spot]] = []
        author = who(item)
        if reply:
            entries.append((tr("Reply"), "button", Spot(
                QRectF(), "reply", "", tip=tr("Reply to %1 (Enter)").replace("%1", author),
                name=tr("Reply to %1").replace("%1", author))))
        extras = [e for e in item.reactions if e not in REACTIONS][:MAX_EXTRA_REACTIONS]
        for key, emoji in enumerate([*REACTIONS, *extras], start=1):
            names = item.reactions.get(emoji, [])
            mine = emoji in item.my_reactions
            shown = shown_characters(emoji)
            text = f"{shown} {len(names)}" if names else shown
            word = REACTION_NAMES.get(emoji, shown)
            people = ", ".join(shown_characters(n) for n in names[:8])
            if mine:
                name = tr("Take back your %1 (%2 in all)").replace("%1", word).replace(
                    "%2", str(len(names)))
            else:
                name = tr("React with %1 (%2 so far)").replace("%1", word).replace(
                    "%2", str(len(names)))
            tip = name + (f" — {people}" if people else "")
            if key <= len(REACTIONS):
                tip += tr(" (key %1)").replace("%1", str(key))
            entries.append((text, "mine" if mine else "some" if names else "none",
                            Spot(QRectF(), "unreact" if mine else "react", emoji, tip, name)))
        hidden = len([e for e in item.reactions if e not in REACTIONS]) - len(extras)
        if hidden > 0:
            entries.append((f"+{hidden}", "quiet", Spot(QRectF(), "none", "",
                                                         tr("More reactions"), "")))
        metrics = QFontMetricsF(self.font)
        start_x, line_y = x, y
        delete_width = metrics.horizontalAdvance(tr("Delete")) + 20 if item.mine else 0
        for text, state, spot in entries:
            width = max(metrics.horizontalAdvance(text) + 20, height + 4)
            if spot.action in ("react", "unreact"):
                # As wide as the button will ever be (a circle's members are counted in two
                # digits): a count appearing must not push the buttons after it aside.
                widest = f"{shown_characters(spot.argument)} 88"
                width = max(width, metrics.horizontalAdvance(widest) + 20)
            if x + width > right - (delete_width + 8 if item.mine else 0) and x > start_x:
                x, line_y = start_x, line_y + height + 6
            spot.rect = QRectF(x, line_y, width, height)
            self.card.spots.append(spot)
            self.card.pills.append(Pill(spot.rect, text, state, len(self.card.spots) - 1))
            x += width + 6
        if item.mine:
            rect = QRectF(right - delete_width, line_y, delete_width, height)
            spot = Spot(rect, "delete", "", tr("Delete this for everyone (Delete key)"),
                        tr("Delete this for everyone"))
            self.card.spots.append(spot)
            self.card.pills.append(Pill(rect, tr("Delete"), "quiet", len(self.card.spots) - 1))
        return line_y + height - y

    def header(self, x: float, y: float, right: float, name: str, moment_text: str,
               moment_tip: str, new: bool, edited: bool) -> float:
        metrics = QFontMetricsF(self.bold)
        line = metrics.height()
        name_width = min(metrics.horizontalAdvance(name) + 1, (right - x) * 0.6)
        self.text(name, x, y, name_width + 2, font=self.bold, one_line=True)
        x += name_width + 10
        rest = moment_text + (" · " + tr("edited") if edited else "")
        rest_width = self.metrics.horizontalAdvance(rest) + 2
        new_width = self.metrics.horizontalAdvance(tr("New")) + 14 if new else 0
        room = max(20.0, right - x - new_width - 8)
        self.text(rest, x, y, min(rest_width, room), role="muted", one_line=True)
        self.card.spots.append(Spot(QRectF(x, y, min(rest_width, room), line), "none", "",
                                    moment_tip))
        if new:
            self.card.new_mark = QRectF(x + min(rest_width, room) + 8, y + 1, new_width,
                                        line - 2)
        return line

    def mood_line(self, data: dict[str, object], x: float, y: float, right: float) -> float:
        mood = data.get("mood")
        mood = mood if isinstance(mood, int) and mood in MOOD_LABELS else 3
        word = MOOD_LABELS[mood].capitalize()
        height = self.metrics.height() + 6
        chip = QRectF(x, y, 16 + 6 + self.metrics.horizontalAdvance(word) + 18, height)
        self.card.chip = (chip, mood, word)
        details = _mood_details(data)
        if not details:
            return height
        left = chip.right() + 8
        natural = self.metrics.horizontalAdvance(details) + 2
        if natural <= right - left:
            self.text(details, left, y + 3, natural, role="muted")
            return height
        more, _ = self.text(details, x, y + height + 4, right - x, role="muted")
        return height + 4 + more


def _mood_details(data: dict[str, object]) -> str:
    from companion.models import ENERGY_LABELS

    parts = []
    energy = data.get("energy")
    if isinstance(energy, int) and energy in ENERGY_LABELS:
        parts.append(tr("energy: %1").replace("%1", ENERGY_LABELS[energy]))
    emotions = data.get("emotions")
    if isinstance(emotions, list) and emotions:
        parts.append(shown_characters(", ".join(str(e) for e in emotions[:8])))
    return " · ".join(parts)


def _x(found: object) -> float:
    """QTextLine.cursorToX's x (PySide6 returns it with the cursor position)."""
    return float(found[0]) if isinstance(found, tuple) else float(found)  # type: ignore[arg-type]


def _run_rects(layout: QTextLayout, start: int, end: int) -> list[QRectF]:
    """Where text[start:end] was laid out: one rectangle per line it touches."""
    rects = []
    for number in range(layout.lineCount()):
        line = layout.lineAt(number)
        first, last = line.textStart(), line.textStart() + line.textLength()
        lo, hi = max(start, first), min(end, last)
        if lo >= hi:
            continue
        x1, x2 = _x(line.cursorToX(lo)), _x(line.cursorToX(hi))
        rects.append(QRectF(min(x1, x2), line.y(), abs(x2 - x1), line.height()))
    return rects
