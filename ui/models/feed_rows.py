"""The feed as rows for a list view: each post, then its replies, then (while someone replies
to it) the row that holds the reply field; posts waiting to be sent on top, and a row to show
older posts at the bottom. And the sentences a row says to a screen reader.

Rows are built on the GUI thread from what `load_view` read in the vault lane: no SQL here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from PySide6.QtCore import QCoreApplication

from companion.circle_feed import FeedItem
from companion.circle_status import PendingPost
from companion.models import ENERGY_LABELS, MOOD_LABELS
from ui.models.feed_markdown import PostText, post_text, shown_characters

# The four reactions every card offers, always in this order and place: a reaction never
# moves the buttons beside it (a ♥ once shifted "Reply" under the pointer, and the next click
# took the reaction back). Symbols every desktop font has; an emoji font is not everywhere.
REACTIONS = ("♥", "☺", "★", "✓")
REACTION_NAMES = {"♥": "heart", "☺": "smile", "★": "star", "✓": "tick"}
FEED_PAGE = 40  # posts read at first; "Show older posts" reads as many more from the vault
MAX_EXTRA_REACTIONS = 6  # other reactions (from the command line) shown as well, then "+n"


def tr(text: str) -> str:
    return QCoreApplication.translate("CircleFeed", text)


@dataclass
class FeedRow:
    kind: str  # post | reply | reply_field | pending | older
    item: FeedItem | None = None
    parent: FeedItem | None = None  # a reply's post, or the post a reply field answers
    pending: PendingPost | None = None
    new: bool = False
    older: int = 0  # posts still in the vault, older than every one shown (the "older" row)
    last_reply: bool = False  # the last reply under its post: the thread line ends here
    text: PostText = field(default_factory=lambda: post_text(""))
    title: str = ""  # a note's title

    @property
    def key(self) -> tuple[str, int]:
        """Stays the same across refreshes: where the keyboard was is found again."""
        if self.item is not None:
            return (self.kind, self.item.id)
        if self.kind == "reply_field" and self.parent is not None:
            return (self.kind, self.parent.id)
        return (self.kind, 0)

    @property
    def reply_target(self) -> FeedItem | None:
        """The post a reply from this row answers (a reply answers its post)."""
        if self.kind == "post":
            return self.item
        if self.kind in ("reply", "reply_field"):
            return self.parent
        return None


def body_of(item_type: str, data: dict[str, object]) -> tuple[str, str]:
    """(title, Markdown text) of a post's data: a note's title and body, a check-in's or a
    reply's text."""
    if item_type == "note":
        return str(data.get("title") or ""), str(data.get("body") or "")
    if item_type == "checkin":
        return "", str(data.get("note") or "")
    return "", str(data.get("text") or "")


def build_rows(items: list[FeedItem], pending: list[PendingPost], *, older: int = 0,
               new_after: int | None, reply_to: int | None,
               expanded: set[int] | frozenset[int] = frozenset()) -> list[FeedRow]:
    """Newest first, as a circle's feed reads: pending, then the posts read (`items`, oldest
    first), then a row offering the `older` posts still in the vault."""
    rows: list[FeedRow] = []
    for post in reversed(pending):
        title, body = body_of(post.type, post.data)
        rows.append(FeedRow("pending", pending=post, text=post_text(body), title=title))

    def is_new(item: FeedItem) -> bool:
        return new_after is not None and item.id > new_after and not item.mine

    for item in reversed(items):
        title, body = body_of(item.type, item.data)
        rows.append(FeedRow("post", item, new=is_new(item), title=title,
                            text=post_text(body, whole=item.id in expanded)))
        for number, reply in enumerate(item.replies, start=1):
            _title, text = body_of(reply.type, reply.data)
            rows.append(FeedRow("reply", reply, item, new=is_new(reply),
                                last_reply=number == len(item.replies) and reply_to != item.id,
                                text=post_text(text, whole=reply.id in expanded)))
        if reply_to == item.id:
            rows.append(FeedRow("reply_field", parent=item))
    if older:
        rows.append(FeedRow("older", older=older))
    return rows


# -- what a row says ---------------------------------------------------------------------------

def when(moment: datetime, now: datetime) -> str:
    """Short and local: "Today, 14:05", "Yesterday, 18:30", "Mon, 09:00", "14 Mar",
    "14 Mar 2025"."""
    local, today = moment.astimezone(), now.astimezone().date()
    clock = local.strftime("%H:%M")
    days = (today - local.date()).days
    if days == 0:
        return tr("Today, %1").replace("%1", clock)
    if days == 1:
        return tr("Yesterday, %1").replace("%1", clock)
    if 1 < days < 7:
        return f"{local.strftime('%a')}, {clock}"
    if local.year == today.year and days >= 0:
        return local.strftime("%d %b").lstrip("0")
    return local.strftime("%d %b %Y").lstrip("0")


def full_when(moment: datetime) -> str:
    return moment.astimezone().strftime("%A %d %B %Y, %H:%M")


def who(item: FeedItem) -> str:
    name = shown_characters(item.sender_name)
    return tr("%1 (you)").replace("%1", name) if item.mine else name


def mood_words(data: dict[str, object]) -> str:
    """"Mood: good (4 of 5) · energy: steady · calm, hopeful"."""
    mood = _number(data.get("mood"))
    parts = [tr("Mood: %1 (%2 of 5)").replace("%1", MOOD_LABELS.get(mood, "?"))
             .replace("%2", str(mood))]
    energy = _number(data.get("energy"))
    if energy in ENERGY_LABELS:
        parts.append(tr("energy: %1").replace("%1", ENERGY_LABELS[energy]))
    emotions = data.get("emotions")
    if isinstance(emotions, list) and emotions:
        parts.append(shown_characters(", ".join(str(e) for e in emotions[:8])))
    return " · ".join(parts)


def _number(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def reactions_words(item: FeedItem) -> str:
    """"Reactions: ♥ 2 (Ann, Sam; yours among them)." """
    parts = []
    order = [*(e for e in REACTIONS if e in item.reactions),
             *(e for e in item.reactions if e not in REACTIONS)]
    for emoji in order:
        names = item.reactions[emoji]
        if not names:
            continue
        people = ", ".join(shown_characters(name) for name in names[:12])
        if len(names) > 12:
            people += tr(" and %1 more").replace("%1", str(len(names) - 12))
        if emoji in item.my_reactions:
            people += tr("; yours among them")
        parts.append(f"{shown_characters(emoji)} {len(names)} ({people})")
    return tr("Reactions: %1.").replace("%1", "; ".join(parts)) if parts else ""


def row_sentence(row: FeedRow, now: datetime) -> str:
    """What the row says, in the order the card shows it."""
    if row.kind == "older":
        return tr("Show older posts (%1 more)").replace("%1", str(row.older))
    if row.kind == "reply_field":
        target = row.parent
        return tr("Reply to %1").replace("%1", who(target) if target else "")
    if row.kind == "pending" and row.pending is not None:
        what = {"checkin": tr("Your check-in"), "note": tr("Your note"),
                "reply": tr("Your reply")}.get(row.pending.type, tr("Your post"))
        head = tr("%1, waiting to be sent").replace("%1", what)
        parts = [head]
        if row.pending.type == "checkin":
            parts.append(mood_words(row.pending.data))
        return " ".join(_sentence(p) for p in [*parts, _body_words(row)] if p)
    item = row.item
    assert item is not None
    head = who(item) + ", " + when(item.at, now)
    if row.kind == "reply":
        head = tr("Reply from %1").replace("%1", head)
    flags = [tr("new")] if row.new else []
    if item.edited:
        flags.append(tr("edited"))
    parts = [", ".join([head, *flags])]
    if item.type == "checkin":
        parts.append(mood_words(item.data))
    parts += [_body_words(row), reactions_words(item)]
    if row.kind == "post" and item.replies:
        count = len(item.replies)
        parts.append(tr("1 reply") if count == 1 else tr("%1 replies").replace("%1", str(count)))
    return " ".join(_sentence(p) for p in parts if p)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text[-1:] in ".!?…:" else text + "."


def _body_words(row: FeedRow) -> str:
    text = " ".join(line for line in row.text.plain.split("\n") if line.strip())
    if row.text.shortened:
        text += " " + tr("(shortened)")
    if row.title:
        text = shown_characters(row.title) + (". " + text if text else "")
    return text
