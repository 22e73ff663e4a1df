"""Plausible screen-time spans for demos, screenshots and benchmarks (seeded, repeatable)."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from companion.screentime.categories import default_rules, make_categorizer
from companion.screentime.tracker import SpanClosed, split_at_day_starts

if TYPE_CHECKING:
    from companion.app import CompanionApp

APPS = (("code", "main.py"), ("firefox", "Docs - Python"), ("firefox", "Cats - YouTube"),
        ("firefox", "Home / X.com"), ("Signal", None), ("libreoffice-writer", "Report.odt"),
        ("steam", "Store"), ("vlc", "A film"), ("thunderbird", "Inbox"), ("XTerm", "bash"))
# What a long evening in front of the screen is made of.
EVENING_APPS = (("firefox", "Cats - YouTube"), ("firefox", "Home / X.com"), ("vlc", "A film"),
                ("Signal", None))


def demo_spans(end: datetime, days: int = 30, seed: int = 5, *,
               long_evening: Callable[[date], bool] | None = None) -> Iterator[SpanClosed]:
    """Closed spans for the `days` days before `end`: sessions of 1–25 minute stretches.

    `long_evening(day)` true adds an evening of videos and social media to that day (the
    demo gives harder days more of them, as often happens)."""
    rng = random.Random(seed)
    categorize = make_categorizer(default_rules())

    def stretches(at: datetime, apps: tuple[tuple[str, str | None], ...], count: int
                  ) -> Iterator[SpanClosed | datetime]:
        for _ in range(count):
            app, title = rng.choice(apps)
            stop = min(at + timedelta(minutes=rng.uniform(1, 25)), end)
            if stop <= at:
                return
            for piece_day, a, b in split_at_day_starts(at, stop, 4):
                yield SpanClosed(app, title, categorize(app, title), a, b,
                                 piece_day.isoformat())
            at = stop + timedelta(seconds=rng.randint(0, 30))
        yield at

    for back in range(days, -1, -1):
        day = (end - timedelta(days=back)).replace(hour=8, minute=30, second=0, microsecond=0)
        at = day + timedelta(minutes=rng.randint(0, 60))
        for _ in range(rng.randint(2, 4)):              # sessions in a day
            for item in stretches(at, APPS, rng.randint(2, 8)):
                if isinstance(item, datetime):
                    at = item
                else:
                    yield item
            if at >= end:
                return
            at += timedelta(minutes=rng.randint(30, 180))
        if long_evening is not None and long_evening(day.date()):
            at = max(at, day.replace(hour=20, minute=rng.randint(0, 50)))
            for item in stretches(at, EVENING_APPS, rng.randint(6, 12)):
                if not isinstance(item, datetime):
                    yield item
            if at >= end:
                return


def add_demo_screen_time(app: CompanionApp, days: int = 45,
                         long_evening: Callable[[date], bool] | None = None) -> int:
    """`days` days of measured use up to now and the budgets a person might set (a total of
    six hours a day, 45 minutes of video, half an hour of social media); returns the spans
    saved. For throwaway vaults: the demo."""
    saved = app.screen_time.store.save_spans(
        demo_spans(app.clock.now(), days, long_evening=long_evening), source="demo")
    app.set_screen_time_budget("total", "", 360)
    app.set_screen_time_budget("category", "video", 45)
    app.set_screen_time_budget("category", "social media", 30)
    return saved
