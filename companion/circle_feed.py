"""The circle's feed as people read it: posts and check-ins with their replies and reactions,
edits applied and deletions honoured, built from the applied messages in the vault.

Edits and deletes count only when their author wrote the message they change (the engine also
refuses others, and this keeps the rule in one more place, where it decides what is shown).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from storage.database import Database


@dataclass
class FeedItem:
    id: int  # local, shown as p<id>
    sender: bytes
    sender_name: str
    seq: int
    type: str  # checkin | note | reply
    at: datetime
    data: dict[str, Any]
    edited: bool = False
    withdrawn: bool = False
    replies: list[FeedItem] = field(default_factory=list)
    reactions: dict[str, list[str]] = field(default_factory=dict)  # emoji -> names
    mine: bool = False
    # The reactions this device's member gave, by emoji: a name can be shared with another
    # member (or shown with a fingerprint beside it), so "is it mine" is never read from names.
    my_reactions: set[str] = field(default_factory=set)

    @property
    def ref(self) -> str:
        return f"p{self.id}"

    def to_json(self) -> dict[str, Any]:
        return {"id": self.ref, "type": self.type, "from": self.sender_name,
                "member": self.sender.hex(), "at": self.at.isoformat(), **self.data,
                "edited": self.edited, "withdrawn": self.withdrawn,
                "reactions": self.reactions,
                "replies": [r.to_json() for r in self.replies]}


_LATEST = 253_402_300_799  # 9999-12-31 23:59:59 UTC, the last second a datetime can hold

# Where a post sits in the feed: its time as stated, then author and number (unique in a
# circle), the order `load_feed_page` reads in. Pages are cut at a key, not at an offset, so a
# post arriving while someone reads older pages neither repeats a post nor skips one.
FeedKey = tuple[int, bytes, int]
FEED_START: FeedKey = (-(2**63), b"", -(2**63))  # before every post: "from the first on"


@dataclass
class FeedPage:
    """A run of consecutive posts (oldest first) and how many older ones the circle holds."""

    items: list[FeedItem]
    total: int  # the circle's posts as this device shows them (muted, deleted, withdrawn out)
    older: int  # of those, how many are older than every post in `items`
    oldest: FeedKey | None  # where the next older page starts (None: nothing loaded)


def _when(at: int) -> datetime:
    """A post's time as its author's device stated it, kept within what a datetime can hold:
    a peer may send any number up to 2**40, and one post dated in the year 36812 made every
    load of the feed fail for every member."""
    return datetime.fromtimestamp(min(max(int(at), 0), _LATEST), UTC)


_COLUMNS = "c.id, c.sender, c.seq, c.type, c.at, c.ref_sender, c.ref_seq, c.data, c.state"
# A post as the feed shows it: a check-in or note, not withdrawn, not deleted by its author
# (a delete from anyone else counts for nothing, as in `_assemble`), its author not muted.
_SHOWN_POST = ("c.circle = ? AND c.type IN ('checkin', 'note') AND c.state != 'withdrawn' "
               "AND NOT EXISTS (SELECT 1 FROM circle_items d WHERE d.circle = c.circle AND "
               "d.ref_sender = c.sender AND d.ref_seq = c.seq AND d.type = 'delete' AND "
               "d.sender = c.sender)")
_CHUNK = 500  # post ids per IN (…): well under SQLite's limit on parameters


def load_feed(db: Database, circle: bytes, names: dict[bytes, str], me: bytes,
              muted: set[bytes] | frozenset[bytes] = frozenset(),
              limit: int = 200) -> list[FeedItem]:
    """The newest `limit` posts, oldest first."""
    return load_feed_page(db, circle, names, me, muted, limit=limit).items


def load_feed_page(db: Database, circle: bytes, names: dict[bytes, str], me: bytes,
                   muted: set[bytes] | frozenset[bytes] = frozenset(), *,
                   limit: int = 200, before: FeedKey | None = None,
                   since: FeedKey | None = None) -> FeedPage:
    """The newest `limit` posts older than `before` (or the newest of all); with `since`, of
    the posts from that key on (a page refreshing what it holds; `FEED_START` for all).

    Only the page's posts, their replies and what refers to either are read, so a page costs
    the same however long the circle's history is. The reads hold the connection, so the
    counts and the posts come from one moment even while a sync writes."""
    where, params = _SHOWN_POST, [circle]
    if muted:
        where += f" AND c.sender NOT IN ({', '.join('?' * len(muted))})"
        params += sorted(muted)
    with db.exclusive():
        total = int(db.query_one(f"SELECT count(*) FROM circle_items c WHERE {where}",
                                 params)[0])
        if since is not None:
            posts = db.query(f"SELECT {_COLUMNS} FROM circle_items c WHERE {where} AND "
                             "(c.at, c.sender, c.seq) >= (?, ?, ?) ORDER BY c.at DESC, "
                             "c.sender DESC, c.seq DESC LIMIT ?", [*params, *since, limit])
        elif before is not None:
            posts = db.query(f"SELECT {_COLUMNS} FROM circle_items c WHERE {where} AND "
                             "(c.at, c.sender, c.seq) < (?, ?, ?) ORDER BY c.at DESC, "
                             "c.sender DESC, c.seq DESC LIMIT ?", [*params, *before, limit])
        else:
            posts = db.query(f"SELECT {_COLUMNS} FROM circle_items c WHERE {where} ORDER BY "
                             "c.at DESC, c.sender DESC, c.seq DESC LIMIT ?", [*params, limit])
        oldest: FeedKey | None = (int(posts[-1][4]), bytes(posts[-1][1]), int(posts[-1][2])) \
            if posts else (since or before)
        older = int(db.query_one(f"SELECT count(*) FROM circle_items c WHERE {where} AND "
                                 "(c.at, c.sender, c.seq) < (?, ?, ?)", [*params, *oldest])[0]) \
            if oldest is not None else 0
        related = _related(db, circle, [int(p[0]) for p in posts])
    rows = sorted({int(r[0]): r for r in [*posts, *related]}.values(),
                  key=lambda r: (int(r[4]), bytes(r[1]), int(r[2])))
    return FeedPage(_assemble(rows, names, me, muted), total, older, oldest)


def _related(db: Database, circle: bytes, post_ids: list[int]) -> list[Any]:
    """Everything that refers to the posts `post_ids` (replies, reactions, edits, deletes) and
    to their replies."""
    found: list[Any] = []
    for start in range(0, len(post_ids), _CHUNK):
        chunk = post_ids[start:start + _CHUNK]
        marks = ", ".join("?" * len(chunk))
        found += db.query(
            f"SELECT {_COLUMNS} FROM circle_items c JOIN circle_items p ON p.circle = c.circle "
            f"AND p.sender = c.ref_sender AND p.seq = c.ref_seq WHERE c.circle = ? AND "
            f"p.id IN ({marks})", [circle, *chunk])
        found += db.query(
            f"SELECT {_COLUMNS} FROM circle_items c JOIN circle_items r ON r.circle = c.circle "
            f"AND r.sender = c.ref_sender AND r.seq = c.ref_seq JOIN circle_items p ON "
            f"p.circle = r.circle AND p.sender = r.ref_sender AND p.seq = r.ref_seq WHERE "
            f"c.circle = ? AND r.type = 'reply' AND p.id IN ({marks})", [circle, *chunk])
    return found


def _assemble(rows: list[Any], names: dict[bytes, str], me: bytes,
              muted: set[bytes] | frozenset[bytes]) -> list[FeedItem]:
    """Posts with their replies, edits, deletions and reactions, from `rows` in the feed's
    order (reactions count in the order they were given: the last word of each member)."""
    by_ref: dict[tuple[bytes, int], FeedItem] = {}
    top: list[FeedItem] = []
    replies: list[tuple[FeedItem, tuple[bytes, int] | None]] = []
    later: list[tuple[str, bytes, tuple[bytes, int] | None, dict[str, Any]]] = []
    for item_id, sender_raw, seq, type_, at, ref_sender, ref_seq, data_text, state in rows:
        sender = bytes(sender_raw)
        data = json.loads(data_text)
        ref = (bytes(ref_sender), int(ref_seq)) if ref_sender is not None else None
        if type_ in ("reaction", "edit", "delete"):
            later.append((type_, sender, ref, data))
            continue
        if type_ not in ("checkin", "note", "reply") or sender in muted:
            continue
        item = FeedItem(item_id, sender, names.get(sender, "someone who left"), seq, type_,
                        _when(at), data, withdrawn=state == "withdrawn",
                        mine=sender == me)
        by_ref[(sender, seq)] = item
        if type_ == "reply":
            replies.append((item, ref))
        else:
            top.append(item)
    # Replies attach once everything is known: one written in the same second as its post can
    # sort before it.
    for reply, target_ref in replies:
        target = by_ref.get(target_ref) if target_ref is not None else None
        if target is not None and target.type != "reply":
            target.replies.append(reply)
    deleted: set[tuple[bytes, int]] = set()
    reactions: dict[tuple[bytes, int], dict[tuple[str, bytes], bool]] = {}
    for type_, sender, ref, data in later:
        if ref is None:
            continue
        if type_ == "reaction":
            reactions.setdefault(ref, {})[(data["emoji"], sender)] = not data.get("remove")
            continue
        target = by_ref.get(ref)
        if target is None or target.sender != sender:
            continue
        if type_ == "delete":
            deleted.add(ref)
        else:
            target.data.update(data)
            target.edited = True
    for ref, marks in reactions.items():
        target = by_ref.get(ref)
        if target is None:
            continue
        for (emoji, sender), present in sorted(marks.items()):
            if present:
                target.reactions.setdefault(emoji, []).append(names.get(sender, "someone"))
                if sender == me:
                    target.my_reactions.add(emoji)
    for item in by_ref.values():
        item.replies = [r for r in item.replies if (r.sender, r.seq) not in deleted
                        and not r.withdrawn]
    return [i for i in top if (i.sender, i.seq) not in deleted and not i.withdrawn]


def with_pending_reactions(items: list[FeedItem],
                           pending: list[tuple[tuple[bytes, int], str, bool]],
                           me_name: str) -> None:
    """Show this device's reactions that wait to be sealed ((sender, seq) of the item, emoji,
    taken back?) on `items`, in the order they were given: a reaction appears when it is
    given, whether or not the storage can be reached."""
    by_ref: dict[tuple[bytes, int], FeedItem] = {}
    for item in items:
        by_ref[(item.sender, item.seq)] = item
        for reply in item.replies:
            by_ref[(reply.sender, reply.seq)] = reply
    for ref, emoji, remove in pending:
        target = by_ref.get(ref)
        if target is None or (emoji in target.my_reactions) != remove:
            continue  # already so
        names = target.reactions.setdefault(emoji, [])
        if remove:
            target.my_reactions.discard(emoji)
            if me_name in names:
                names.remove(me_name)
            if not names:
                del target.reactions[emoji]
        else:
            target.my_reactions.add(emoji)
            names.append(me_name)
