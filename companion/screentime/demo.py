"""Plausible screen-time spans for demos, screenshots and benchmarks (seeded, repeatable)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta

from companion.screentime.categories import default_rules, make_categorizer
from companion.screentime.tracker import SpanClosed, split_at_day_starts

APPS = (("code", "main.py"), ("firefox", "Docs - Python"), ("firefox", "Cats - YouTube"),
        ("firefox", "Home / X.com"), ("Signal", None), ("libreoffice-writer", "Report.odt"),
        ("steam", "Store"), ("vlc", "A film"), ("thunderbird", "Inbox"), ("XTerm", "bash"))


def demo_spans(end: datetime, days: int = 30, seed: int = 5) -> Iterator[SpanClosed]:
    """Closed spans for the `days` days before `end`: sessions of 1–25 minute stretches."""
    rng = random.Random(seed)
    categorize = make_categorizer(default_rules())
    for back in range(days, -1, -1):
        day = (end - timedelta(days=back)).replace(hour=8, minute=30, second=0, microsecond=0)
        at = day + timedelta(minutes=rng.randint(0, 60))
        for _ in range(rng.randint(2, 4)):              # sessions in a day
            for _ in range(rng.randint(2, 8)):          # stretches in a session
                app, title = rng.choice(APPS)
                length = timedelta(minutes=rng.uniform(1, 25))
                stop = min(at + length, end)
                if stop <= at:
                    return
                for piece_day, a, b in split_at_day_starts(at, stop, 4):
                    yield SpanClosed(app, title, categorize(app, title), a, b,
                                     piece_day.isoformat())
                at = stop + timedelta(seconds=rng.randint(0, 30))
            at += timedelta(minutes=rng.randint(30, 180))
