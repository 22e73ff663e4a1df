"""Screen time against mood, when the screen-time tracker has data.

Takes daily active-time totals (hours per tracker day) next to the check-ins, and compares
each day's mood with that day's screen time: in buckets (each needs `MIN_BUCKET` days) and as
a correlation (at least `MIN_CORRELATION_DAYS` days). As everywhere in insights, a link is an
association: a low day may bring more screen time as easily as the other way round.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from companion.insights._days import Basis, Prepared
from companion.insights.patterns import Bucket, _correlation, _pattern

SCREEN_BUCKETS = (("under 2 h", 0.0, 2.0), ("2–4 h", 2.0, 4.0), ("4–6 h", 4.0, 6.0),
                  ("6 h or more", 6.0, math.inf))


@dataclass(frozen=True)
class ScreenMood:
    buckets: tuple[Bucket, ...]  # counts are days with both screen time and mood
    correlation: float | None
    correlation_reason: str
    days_with_screen_time: int
    based_on: Basis
    enough_data: bool
    reason: str


def screen_time_from(prepared: Prepared, hours_by_day: Mapping[date, float]) -> ScreenMood:
    sums = [0.0] * len(SCREEN_BUCKETS)
    counts = [0] * len(SCREEN_BUCKETS)
    pairs: list[tuple[float, float]] = []
    checkins = 0
    for stats in prepared.days:
        hours = hours_by_day.get(stats.day)
        if hours is None:
            continue
        pairs.append((hours, stats.mood))
        checkins += stats.checkins
        for index, (_, low, high) in enumerate(SCREEN_BUCKETS):
            if low <= hours < high:
                sums[index] += stats.mood
                counts[index] += 1
                break
    basis = Basis(checkins, len(pairs))
    pattern = _pattern(tuple(b[0] for b in SCREEN_BUCKETS), sums, counts, "days", basis)
    correlation, why_not = _correlation(pairs)
    if not hours_by_day:
        reason = "There is no screen-time data for this period."
    elif not pairs:
        reason = "No day in this period has both screen time and a check-in."
    else:
        reason = pattern.reason
    return ScreenMood(pattern.buckets, correlation, why_not, len(hours_by_day), basis,
                      pattern.enough_data, reason)
