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


def _when(at: int) -> datetime:
    """A post's time as its author's device stated it, kept within what a datetime can hold:
    a peer may send any number up to 2**40, and one post dated in the year 36812 made every
    load of the feed fail for every member."""
    return datetime.fromtimestamp(min(max(int(at), 0), _LATEST), UTC)


def load_feed(db: Database, circle: bytes, names: dict[bytes, str], me: bytes,
              muted: set[bytes] | frozenset[bytes] = frozenset(),
              limit: int = 200) -> list[FeedItem]:
    rows = db.query("SELECT id, sender, seq, type, at, ref_sender, ref_seq, data, state "
                    "FROM circle_items WHERE circle = ? ORDER BY at, sender, seq", (circle,))
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
    shown = [i for i in top if (i.sender, i.seq) not in deleted and not i.withdrawn]
    return shown[-limit:]


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
