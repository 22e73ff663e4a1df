"""Member names as people see them: beside any name close to another member's (current or
former: the feed still shows a former member's posts), the short fingerprint, so two
look-alike names can always be told apart. Which names are close is sync/display_names.py's
call; the roster itself refuses names that could pass for a member's."""

from __future__ import annotations

from sync.display_names import look_alikes
from sync.identity import PublicIdentity
from sync.roster import Roster


def short_fingerprint(public: PublicIdentity) -> str:
    """The fingerprint's first 80 bits as five groups of four hex digits (the text an invite
    shows for its admin): nobody can make keys that match a given member's, and the first
    group is a member-id prefix that `circle verify` and the other commands accept."""
    digits = public.fingerprint[:10].hex()
    return " ".join(digits[i:i + 4] for i in range(0, len(digits), 4))


def look_alike_members(roster: Roster) -> set[bytes]:
    """Ids of the members whose name is close to another member's."""
    return look_alikes({m.id: m.name for m in roster.members.values()})


def labelled(name: str, fingerprint: str) -> str:
    return f"{name} ({fingerprint})"


def shown_names(roster: Roster) -> dict[bytes, str]:
    """Member id -> the name to show (the feed, notifications, the status line, messages)."""
    close = look_alike_members(roster)
    return {m.id: labelled(m.name, short_fingerprint(m.public)) if m.id in close else m.name
            for m in roster.members.values()}
