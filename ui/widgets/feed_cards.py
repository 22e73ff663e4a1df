"""Each kind of feed row as a card (`card_layout`): a post, a reply in its bubble, the row
that offers the rest of a long thread, the reply field's place, "Show older posts". The pieces
come from ui/widgets/feed_layout.py.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QFont, QFontMetricsF, QPalette

from ui.models.feed_markdown import shown_characters
from ui.models.feed_rows import FeedRow, full_when, thread_buttons, tr, when, who
from ui.widgets.feed_layout import (
    AVATAR,
    GAP,
    PAD,
    REPLY_AVATAR,
    REPLY_FIELD_HEIGHT,
    REPLY_INDENT,
    SIDE,
    CardBuilder,
    CardLayout,
    Pill,
    Spot,
)


def card_layout(row: FeedRow, width: float, font: QFont, palette: QPalette,
                me: tuple[str, str], now: datetime) -> CardLayout:
    """The layout of `row` in a view `width` wide. `me` is (member key, name) of this device;
    times are said relative to `now` ("Today, 14:05")."""
    builder = CardBuilder(row, width, font, palette, me, now)
    card = builder.card
    if row.kind == "older":
        label = tr("Show older posts (%1 more)").replace("%1", str(row.older))
        metrics = QFontMetricsF(font)
        pill = QRectF(0, 0, metrics.horizontalAdvance(label) + 28, metrics.height() + 12)
        pill.moveCenter(QPointF(width / 2, GAP + pill.height() / 2))
        card.spots.append(Spot(pill, "older", "", name=label))
        card.pills.append(Pill(pill, label, "button", 0))
        card.frame_kind = "none"
        card.height = pill.bottom() + GAP
        return card
    if row.kind == "reply_field":
        card.frame = QRectF(SIDE + REPLY_INDENT, 4, width - 2 * SIDE - REPLY_INDENT,
                            REPLY_FIELD_HEIGHT - 4)
        card.frame_kind = "none"
        card.marks.append(("thread", QRectF(SIDE + PAD + AVATAR / 2 - 1, 0, 2,
                                            REPLY_FIELD_HEIGHT / 2)))
        card.height = REPLY_FIELD_HEIGHT
        return card
    if row.kind == "thread":
        return _thread_layout(builder, width)
    if row.kind == "reply":
        return _reply_layout(builder, width)
    return _post_layout(builder, width)


def _thread_layout(builder: CardBuilder, width: float) -> CardLayout:
    """The row between a post and the latest of its many replies: "Show all 12 replies" (or
    the next REPLY_PAGE of a very long thread) and "Show only the latest 3", on the thread's
    line, where the replies not shown would be."""
    row, card = builder.row, builder.card
    assert row.parent is not None
    metrics = QFontMetricsF(builder.font)
    height = metrics.height() + 8
    start = x = SIDE + REPLY_INDENT
    y = 6.0
    for action, label in thread_buttons(row):
        pill_width = metrics.horizontalAdvance(label) + 24
        if x + pill_width > width - SIDE and x > start:
            x, y = start, y + height + 6
        rect = QRectF(x, y, pill_width, height)
        card.spots.append(Spot(rect, action, str(row.parent.id), tip=label, name=label))
        card.pills.append(Pill(rect, label, "button", len(card.spots) - 1))
        x = rect.right() + 8
    card.frame_kind = "none"
    card.height = y + height + 6
    card.marks.append(("thread", QRectF(SIDE + PAD + AVATAR / 2 - 1, 0, 2, card.height)))
    return card


def _post_layout(builder: CardBuilder, width: float) -> CardLayout:
    row, card = builder.row, builder.card
    top = GAP
    frame = QRectF(SIDE, top, width - 2 * SIDE, 0)
    x = frame.left() + PAD + AVATAR + 12
    right = frame.right() - PAD
    y = top + PAD
    if row.kind == "pending":
        assert row.pending is not None
        key, name = builder.me
        card.frame_kind = "pending"
        card.avatar = (QRectF(frame.left() + PAD, y, AVATAR, AVATAR), key, name)
        what = {"checkin": tr("your check-in"), "note": tr("your note"),
                "reply": tr("your reply")}.get(row.pending.type, tr("your post"))
        y += builder.header(x, y, right, tr("You"), tr("%1, waiting to be sent").replace(
            "%1", what), tr("It goes out with the next sync that reaches the storage."),
            False, False) + 4
        data = row.pending.data
        kind, author, item_id = row.pending.type, tr("you"), -1
    else:
        item = row.item
        assert item is not None
        card.avatar = (QRectF(frame.left() + PAD, y, AVATAR, AVATAR), item.sender.hex()[:12],
                       item.sender_name)
        y += builder.header(x, y, right, who(item), when(item.at, builder.now),
                            full_when(item.at), row.new, item.edited) + 4
        data, kind, author, item_id = item.data, item.type, who(item), item.id
    if kind == "checkin":
        y += builder.mood_line(data, x, y, right) + 6
    if row.title:
        title_font = QFont(builder.bold)
        title_font.setPointSizeF(title_font.pointSizeF() * 1.08)
        height, _ = builder.text(shown_characters(row.title), x, y, right - x, font=title_font)
        y += height + 4
    if row.text.blocks or row.text.shortened:
        y += builder.body(row.text, x, y, right - x, author, item_id) + 6
    if row.kind == "post":
        y += 4 + builder.pills(x, y, right, reply=True)
    y = max(y, top + PAD + AVATAR)
    frame.setHeight(y + PAD - top)
    card.frame = frame
    if row.item is not None and row.item.replies:
        card.marks.append(("thread", QRectF(SIDE + PAD + AVATAR / 2 - 1, top + PAD + AVATAR + 4,
                                            2, frame.bottom() - (top + PAD + AVATAR + 4))))
    card.height = frame.bottom()
    return card


def _reply_layout(builder: CardBuilder, width: float) -> CardLayout:
    row, card = builder.row, builder.card
    item = row.item
    assert item is not None
    top = 6.0
    frame = QRectF(SIDE + REPLY_INDENT, top, width - 2 * SIDE - REPLY_INDENT, 0)
    pad = 9.0
    card.frame_kind = "bubble"
    card.avatar = (QRectF(frame.left() + pad, top + pad, REPLY_AVATAR, REPLY_AVATAR),
                   item.sender.hex()[:12], item.sender_name)
    x = frame.left() + pad + REPLY_AVATAR + 9
    right = frame.right() - pad
    y = top + pad
    y += builder.header(x, y, right, who(item), when(item.at, builder.now), full_when(item.at),
                        row.new, item.edited) + 3
    if row.text.blocks or row.text.shortened:
        y += builder.body(row.text, x, y, right - x, who(item), item.id) + 5
    y += 2 + builder.pills(x, y, right, reply=False)
    y = max(y, top + pad + REPLY_AVATAR)
    frame.setHeight(y + pad - top)
    card.frame = frame
    line_x = SIDE + PAD + AVATAR / 2 - 1
    card.marks.append(("thread", QRectF(line_x, 0, 2, frame.bottom() if not row.last_reply
                                        else frame.top() + pad + REPLY_AVATAR / 2)))
    card.marks.append(("branch", QRectF(line_x, frame.top() + pad + REPLY_AVATAR / 2,
                                        frame.left() - line_x, 2)))
    card.height = frame.bottom() + (GAP / 2 if row.last_reply else 0)
    return card
