"""The feed as rows for a list view: each post, then its latest replies (a long thread shows
the latest few under a row that offers the rest), then (while someone replies to it) the row
that holds the reply field; posts waiting to be sent on top, and a row to show older posts at
the bottom. And the sentences a row says to a screen reader.

A long thread costs no more than a short one: replies not shown have no rows, so nothing is
measured or laid out for them. What a row says is bounded too (`SPOKEN_LIMIT`): reactions are
summed up by kind, a long text is read in part, and replies are counted, not read, on their
post.

Rows are built on the GUI thread from what `load_view` read in the vault lane: no SQL here.
"""

from __future__ import annotations

from collections.abc import Mapping
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
REPLIES_SHOWN = 3  # the latest replies a thread shows until asked for more
REPLY_PAGE = 50  # "Show … earlier replies" adds this many at a time
# The most characters a card says to a screen reader, about a minute and a half of speech: a
# post with reaction spam said 74,000. A card's head, mood, title, reactions (at most
# REACTION_WORDS) and reply count come first; its text has what is left.
SPOKEN_LIMIT = 2_000
REACTION_WORDS = 400
NAMES_SAID = 3  # names said for each kind of reaction, then "and n more"


def tr(text: str) -> str:
    return QCoreApplication.translate("CircleFeed", text)


@dataclass
class FeedRow:
    kind: str  # post | reply | thread | reply_field | pending | older
    item: FeedItem | None = None
    parent: FeedItem | None = None  # a reply's post, or the post a reply field answers
    pending: PendingPost | None = None
    new: bool = False
    older: int = 0  # posts still in the vault, older than every one shown (the "older" row)
    replies_shown: int = 0  # the latest replies shown under a post (and its "thread" row)
    last_reply: bool = False  # the last reply under its post: the thread line ends here
    text: PostText = field(default_factory=lambda: post_text(""))
    title: str = ""  # a note's title

    @property
    def key(self) -> tuple[str, int]:
        """Stays the same across refreshes: where the keyboard was is found again."""
        if self.item is not None:
            return (self.kind, self.item.id)
        if self.kind in ("reply_field", "thread") and self.parent is not None:
            return (self.kind, self.parent.id)
        return (self.kind, 0)

    @property
    def reply_target(self) -> FeedItem | None:
        """The post a reply from this row answers (a reply answers its post)."""
        if self.kind == "post":
            return self.item
        if self.kind in ("reply", "reply_field", "thread"):
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
               expanded: set[int] | frozenset[int] = frozenset(),
               replies_shown: Mapping[int, int] | None = None) -> list[FeedRow]:
    """Newest first, as a circle's feed reads: pending, then the posts read (`items`, oldest
    first), then a row offering the `older` posts still in the vault. A post shows its latest
    `replies_shown[post id]` replies (REPLIES_SHOWN unless asked), under a "thread" row when
    there are more."""
    wanted = replies_shown or {}
    rows: list[FeedRow] = []
    for post in reversed(pending):
        title, body = body_of(post.type, post.data)
        rows.append(FeedRow("pending", pending=post, text=post_text(body), title=title))

    def is_new(item: FeedItem) -> bool:
        return new_after is not None and item.id > new_after and not item.mine

    for item in reversed(items):
        title, body = body_of(item.type, item.data)
        count = len(item.replies)
        shown = min(count, max(REPLIES_SHOWN, wanted.get(item.id, REPLIES_SHOWN)))
        rows.append(FeedRow("post", item, new=is_new(item), title=title, replies_shown=shown,
                            text=post_text(body, whole=item.id in expanded)))
        if count > REPLIES_SHOWN:
            rows.append(FeedRow("thread", parent=item, replies_shown=shown))
        for number, reply in enumerate(item.replies[count - shown:], start=count - shown + 1):
            _title, text = body_of(reply.type, reply.data)
            rows.append(FeedRow("reply", reply, item, new=is_new(reply),
                                last_reply=number == count and reply_to != item.id,
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
    """"Reactions: ♥ 2 (Ann, Sam; yours among them); ★ 1 (Noor)." The four offered on every
    card first, then the others, most given first; once REACTION_WORDS are said, the kinds
    left are counted, not named."""
    kinds = [(e, item.reactions[e]) for e in REACTIONS if item.reactions.get(e)]
    kinds += sorted(((e, names) for e, names in item.reactions.items()
                     if e not in REACTIONS and names), key=lambda k: (-len(k[1]), k[0]))
    if not kinds:
        return ""
    parts: list[str] = []
    used = 0
    for emoji, names in kinds:
        part = _reaction_words(emoji, names, emoji in item.my_reactions)
        if parts and used + len(part) > REACTION_WORDS:
            break
        parts.append(part)
        used += len(part) + 2
    rest = kinds[len(parts):]
    if rest:
        given = sum(len(names) for _emoji, names in rest)
        tail = (tr("and 1 other kind") if len(rest) == 1
                else tr("and %1 other kinds").replace("%1", str(len(rest))))
        tail += " (" + _count(given, tr("1 reaction"), tr("%1 reactions"))
        if any(emoji in item.my_reactions for emoji, _names in rest):
            tail += tr("; yours among them")
        parts.append(tail + ")")
    return tr("Reactions: %1.").replace("%1", "; ".join(parts))


def _reaction_words(emoji: str, names: list[str], mine: bool) -> str:
    """"♥ 14 (Ann, Sam, Noor and 11 more; yours among them)": at most NAMES_SAID names."""
    people = ", ".join(shown_characters(name)[:60] for name in names[:NAMES_SAID])
    if len(names) > NAMES_SAID:
        people += tr(" and %1 more").replace("%1", str(len(names) - NAMES_SAID))
    if mine:
        people += tr("; yours among them")
    return f"{shown_characters(emoji)[:16]} {len(names)} ({people})"


def _count(number: int, one: str, many: str) -> str:
    return one if number == 1 else many.replace("%1", str(number))


def replies_words(post: FeedItem, shown: int) -> str:
    """"12 replies, the latest 3 shown" (a thread's replies are counted on its post, not
    read: each reply shown is a row of its own)."""
    count = len(post.replies)
    words = _count(count, tr("1 reply"), tr("%1 replies"))
    if shown < count:
        words += tr(", the latest %1 shown").replace("%1", str(shown))
    return words


def thread_buttons(row: FeedRow) -> list[tuple[str, str]]:
    """(action, label) of a thread row's buttons: more of the thread (all of it when the
    rest is short), and back to the latest REPLIES_SHOWN."""
    post = row.parent
    assert post is not None
    count = len(post.replies)
    hidden = count - row.replies_shown
    buttons = []
    if hidden > REPLY_PAGE:
        buttons.append(("more_replies", tr("Show %1 earlier replies (%2 not shown)")
                        .replace("%1", str(REPLY_PAGE)).replace("%2", str(hidden))))
    elif hidden > 0:
        buttons.append(("more_replies", tr("Show all %1 replies").replace("%1", str(count))))
    if row.replies_shown > REPLIES_SHOWN:
        buttons.append(("fewer_replies", tr("Show only the latest %1")
                        .replace("%1", str(REPLIES_SHOWN))))
    return buttons


def row_sentence(row: FeedRow, now: datetime) -> str:
    """What the row says, in the order the card shows it; at most SPOKEN_LIMIT characters."""
    if row.kind == "older":
        return tr("Show older posts (%1 more)").replace("%1", str(row.older))
    if row.kind == "reply_field":
        target = row.parent
        return tr("Reply to %1").replace("%1", who(target) if target else "")
    if row.kind == "thread" and row.parent is not None:
        return " ".join(_sentence(p) for p in [replies_words(row.parent, row.replies_shown),
                                               *(label for _a, label in thread_buttons(row))])
    if row.kind == "pending" and row.pending is not None:
        what = {"checkin": tr("Your check-in"), "note": tr("Your note"),
                "reply": tr("Your reply")}.get(row.pending.type, tr("Your post"))
        head = tr("%1, waiting to be sent").replace("%1", what)
        parts = [head]
        if row.pending.type == "checkin":
            parts.append(mood_words(row.pending.data))
        return _said(parts, row, [])
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
    after = [reactions_words(item)]
    if row.kind == "post" and item.replies:
        after.append(replies_words(item, min(len(item.replies), row.replies_shown)))
    return _said(parts, row, after)


def _said(before: list[str], row: FeedRow, after: list[str]) -> str:
    """`before`, the row's text in what room is left, then `after`, as sentences; cut at
    SPOKEN_LIMIT whatever they hold."""
    fixed = [_sentence(p) for p in before if p.strip()]
    tail = [_sentence(p) for p in after if p.strip()]
    room = SPOKEN_LIMIT - sum(len(p) + 1 for p in [*fixed, *tail]) - 1
    body = _body_words(row, max(room, 200))
    said = " ".join([*fixed, *([_sentence(body)] if body.strip() else []), *tail])
    return said if len(said) <= SPOKEN_LIMIT else said[:SPOKEN_LIMIT - 1] + "…"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text[-1:] in ".!?…:" else text + "."


def _body_words(row: FeedRow, room: int) -> str:
    """Title and text as one line, read in part when longer than `room` (the card's menu
    copies all the text it shows)."""
    text = " ".join(line for line in row.text.plain.split("\n") if line.strip())
    if row.title:
        title = shown_characters(row.title)
        text = title + ((" " if title[-1:] in ".!?…:" else ". ") + text if text else "")
    note = tr("(shortened)") if row.text.shortened else ""
    if len(text) > room:
        note = note or tr("(read out in part; Copy text in the card's menu has all of it)")
        kept = text[:max(0, room - len(note) - 2)]
        text = (kept.rsplit(" ", 1)[0] if " " in kept[-40:] else kept) + "…"
    return f"{text} {note}" if note else text
