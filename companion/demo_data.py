"""A year of realistic sample data, for `companion gui --demo`, screenshots and benchmarks.

Deterministic for a given seed, so screenshots do not change from run to run. The moods
follow a gentle weekly rhythm with a few rough patches, because flat random data makes every
chart look the same.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from datetime import datetime, time, timedelta

from companion.app import CompanionApp
from companion.models import CheckInDraft, EntryDraft

EMOTIONS = ("calm", "content", "grateful", "hopeful", "happy", "proud", "tired", "anxious",
            "stressed", "sad", "lonely", "irritable", "overwhelmed", "relieved", "excited")
ACTIVITIES = ("work", "walk", "exercise", "friends", "family", "reading", "cooking",
              "music", "outdoors", "chores", "gaming", "therapy", "meditation")
TAGS = ("work", "family", "health", "sleep", "friends", "walk", "therapy", "gratitude",
        "ideas", "travel", "reading")

_OPENERS = (
    "Woke up before the alarm and lay there listening to the rain.",
    "A slow start today; coffee helped more than I expected.",
    "The morning light in the kitchen was lovely.",
    "Slept badly again and felt it all morning.",
    "Busy day from the first minute.",
    "Took the long way to work through the park.",
    "Quiet Sunday, nothing planned, which was the point.",
    "Had a proper breakfast for once.",
)
_MIDDLES = (
    "The meeting with Sam went better than I feared: we agreed on the plan and I said what I "
    "needed to say without apologising for it.",
    "Called Mum in the afternoon. She sounded tired but happy about the garden.",
    "Went for a walk by the river at lunch. The herons were back.",
    "Therapy today. We talked about how I treat rest as something I have to earn.",
    "Finished the book I have been reading for weeks; the ending stayed with me.",
    "Cooked the lentil soup again and froze half of it for next week.",
    "Worked on the report until my eyes hurt, then stopped, which is progress.",
    "Met Priya for tea. We laughed about the time we got lost in Porto.",
    "Felt a wave of anxiety before the call, noticed it, breathed, and it passed.",
    "Spent too long scrolling on my phone and felt flat afterwards.",
    "Ran 5 km without stopping for the first time this year.",
    "The flat felt too quiet tonight. I put music on and tidied the desk.",
)
_CLOSERS = (
    "Three good things: the soup, the call, the herons.",
    "Going to bed early tonight.",
    "Tomorrow: one thing at a time.",
    "I want to remember that it got easier in the afternoon.",
    "Grateful for small, ordinary days.",
    "Note to self: ask for help sooner.",
)
_TITLES = ("Rain and coffee", "A better day", "Heavy morning", "River walk", "After therapy",
           "Small wins", "Tired but okay", "Sunday", "Long day", "Good news", "Quiet evening",
           "Running again", "Slow start", "Tea with Priya")
_NOTES = ("better after lunch", "long day", "headache in the morning", "good talk with Sam",
          "slept well", "restless", "", "", "", "")


def demo_drafts(end: datetime, days: int = 365, seed: int = 7
                ) -> Iterator[EntryDraft | CheckInDraft]:
    """Entries on most days and one to three check-ins a day, ending on `end`'s day."""
    rng = random.Random(seed)
    zone = end.tzinfo
    first = end.date() - timedelta(days=days - 1)
    for offset in range(days):
        day = first + timedelta(days=offset)
        base = 3.2 + 0.6 * math.sin(offset / 7 * 2 * math.pi) - (0.9 if 140 < offset < 165 else 0)
        for slot in sorted(rng.sample((8, 13, 19, 22), rng.randint(1, 3))):
            when = datetime.combine(day, time(slot, rng.randint(0, 59)), zone)
            if when > end:
                continue
            mood = max(1, min(5, round(rng.gauss(base, 0.8))))
            yield CheckInDraft(
                mood=mood,
                energy=max(1, min(5, round(rng.gauss(base - 0.2, 0.9)))),
                emotions=tuple(rng.sample(EMOTIONS[:7] if mood >= 3 else EMOTIONS[6:],
                                          rng.randint(1, 3))),
                activities=tuple(rng.sample(ACTIVITIES, rng.randint(1, 3))),
                sleep_hours=round(rng.uniform(5, 9) * 2) / 2 if slot == 8 else None,
                note=rng.choice(_NOTES),
                at=when,
            )
        if rng.random() < 0.8:
            when = datetime.combine(day, time(21, rng.randint(0, 59)), zone)
            if when > end:
                continue
            body = "\n\n".join([
                rng.choice(_OPENERS) + " " + rng.choice(_MIDDLES),
                rng.choice(_MIDDLES),
                rng.choice(_CLOSERS),
            ])
            yield EntryDraft(
                title=rng.choice(_TITLES), body=body,
                tags=tuple(rng.sample(TAGS, rng.randint(0, 2))),
                mood=max(1, min(5, round(rng.gauss(base, 0.7)))) if rng.random() < 0.5 else None,
                starred=rng.random() < 0.07, at=when,
            )


def fill_with_demo_data(app: CompanionApp, *, days: int = 365, seed: int = 7) -> tuple[int, int]:
    """Write the sample year into an unlocked vault; return (entries, check-ins)."""
    entries: list[EntryDraft] = []
    checkins = 0
    for draft in demo_drafts(app.clock.now(), days, seed):
        if isinstance(draft, EntryDraft):
            entries.append(draft)
        else:
            app.checkins.add(draft)
            checkins += 1
    return app.journal.add_many(entries), checkins
