"""Member names as people see them: beside any name close to another member's (current or
former: the feed still shows a former member's posts), the short fingerprint, so two look-alike
names can always be told apart. It is `PublicIdentity.short_fingerprint`, the text an invite
shows for its admin; its first group is a member-id prefix that the commands accept. Which
names are close is sync/display_names.py's call; names that could pass for a member's are for
the roster to refuse (`name_problem`, `confusable_with`)."""

from __future__ import annotations

from sync.display_names import look_alikes
from sync.roster import Roster


def shown_names(roster: Roster) -> dict[bytes, str]:
    """Member id -> the name to show (the member list, the feed, notifications, the status
    line, messages): "Ann (3f9a 1c2e 4b5d 6a7b 8c9d)" when another member's name is close."""
    close = look_alikes({m.id: m.name for m in roster.members.values()})
    return {m.id: f"{m.name} ({m.public.short_fingerprint})" if m.id in close else m.name
            for m in roster.members.values()}
