"""Check-ins grouped into the writer's local days: the one pass every insight starts from.

A check-in's day and hour are read in the time zone it was written in (`CheckIn.at` carries
that offset), so a check-in made at 08:00 in Lisbon counts as morning even when read in Tokyo.
With `day_start_hour` (0–23) a check-in before that hour belongs to the previous day, for
people who write after midnight; the default, 0, matches the stored `day` of a check-in.

Everything downstream works on small tuples and plain floats: ten years of check-ins are a
few thousand items, and the whole summary takes milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from companion.models import CheckIn
from companion.plurals import plural


@dataclass(frozen=True)
class Basis:
    """How much data an insight rests on: live check-ins and distinct local days."""

    checkins: int
    days: int

    @property
    def text(self) -> str:
        return f"Based on {plural(self.checkins, 'check-in')} over {plural(self.days, 'day')}."


@dataclass
class DayStats:
    """One local day's check-ins, summed (mutable only while being built)."""

    day: date
    checkins: int = 0
    mood_sum: int = 0
    energy_sum: int = 0
    energy_count: int = 0
    sleep_sum: float = 0.0
    sleep_count: int = 0
    emotions: set[str] = field(default_factory=set)
    activities: set[str] = field(default_factory=set)

    @property
    def mood(self) -> float:
        return self.mood_sum / self.checkins

    @property
    def energy(self) -> float | None:
        return self.energy_sum / self.energy_count if self.energy_count else None

    @property
    def sleep(self) -> float | None:
        return self.sleep_sum / self.sleep_count if self.sleep_count else None


@dataclass(frozen=True)
class Prepared:
    """Live check-ins as (local hour, mood) in time order, and their days in calendar order."""

    moments: tuple[tuple[int, int], ...]
    days: tuple[DayStats, ...]

    @property
    def basis(self) -> Basis:
        return Basis(len(self.moments), len(self.days))


def prepare(checkins: Iterable[CheckIn], day_start_hour: int = 0) -> Prepared:
    """Drop deleted check-ins and group the rest by local day, independent of input order."""
    if not 0 <= day_start_hour <= 23:
        raise ValueError("day_start_hour must be 0–23")
    live = sorted((c for c in checkins if c.deleted is None), key=lambda c: (c.at, c.id))
    shift = timedelta(hours=day_start_hour)
    by_day: dict[date, DayStats] = {}
    moments: list[tuple[int, int]] = []
    for checkin in live:
        at = checkin.at
        day = (at - shift).date() if day_start_hour and at.hour < day_start_hour else at.date()
        stats = by_day.get(day)
        if stats is None:
            stats = by_day[day] = DayStats(day)
        stats.checkins += 1
        stats.mood_sum += checkin.mood
        if checkin.energy is not None:
            stats.energy_sum += checkin.energy
            stats.energy_count += 1
        if checkin.sleep_hours is not None:
            stats.sleep_sum += checkin.sleep_hours
            stats.sleep_count += 1
        stats.emotions.update(checkin.emotions)
        stats.activities.update(checkin.activities)
        moments.append((at.hour, checkin.mood))
    return Prepared(tuple(moments), tuple(by_day[d] for d in sorted(by_day)))


def mean(values: Iterable[float]) -> float | None:
    total = 0.0
    count = 0
    for value in values:
        total += value
        count += 1
    return total / count if count else None
