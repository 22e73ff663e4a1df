"""Weekday, time-of-day and sleep patterns.

A bucket only shows a mean when it rests on at least `MIN_BUCKET` values, and a pattern only
claims anything (`enough_data`) when at least two buckets do, since a pattern is a comparison.
Weekdays compare daily means (each day counts once); times of day compare single check-ins,
read in the writer's local time.

Sleep is logged on a check-in as the night before it, so each day's sleep (the mean when
several check-ins give one) is set against the mood of that same day.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from companion.insights._days import Basis, Prepared, prepare
from companion.models import CheckIn
from companion.plurals import plural

MIN_BUCKET = 3
MIN_CORRELATION_DAYS = 14
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# (name, first hour, hour after the last); night wraps past midnight.
TIMES_OF_DAY = (("morning", 5, 12), ("afternoon", 12, 17), ("evening", 17, 22),
                ("night", 22, 5))
SLEEP_BUCKETS = (("under 6 h", 0.0, 6.0), ("6–7 h", 6.0, 7.0), ("7–8 h", 7.0, 8.0),
                 ("8 h or more", 8.0, math.inf))
SLEEP_MOOD_ON = "the same day (sleep is logged for the night before)"


@dataclass(frozen=True)
class Bucket:
    label: str
    count: int  # days (weekdays, sleep) or check-ins (times of day) in the bucket
    mean_mood: float | None  # None below MIN_BUCKET


@dataclass(frozen=True)
class Pattern:
    buckets: tuple[Bucket, ...]
    counts: str  # what `Bucket.count` counts: "days" or "check-ins"
    based_on: Basis
    enough_data: bool
    reason: str


@dataclass(frozen=True)
class SleepMood:
    buckets: tuple[Bucket, ...]  # counts are days with both sleep and mood
    mood_on: str
    correlation: float | None  # Pearson r of daily sleep and mood; None without enough days
    correlation_reason: str
    based_on: Basis
    enough_data: bool
    reason: str


def time_of_day(hour: int) -> str:
    for name, first, end in TIMES_OF_DAY:
        if (first <= hour < end) if first < end else (hour >= first or hour < end):
            return name
    raise ValueError(f"no hour {hour}")


_BUCKET_OF_HOUR = tuple(
    next(i for i, (n, _, _) in enumerate(TIMES_OF_DAY) if n == time_of_day(h)) for h in range(24))


def weekday_pattern(checkins: Iterable[CheckIn], *, day_start_hour: int = 0) -> Pattern:
    return weekday_from(prepare(checkins, day_start_hour))


def weekday_from(prepared: Prepared) -> Pattern:
    sums = [0.0] * 7
    counts = [0] * 7
    for stats in prepared.days:
        weekday = stats.day.weekday()
        sums[weekday] += stats.mood
        counts[weekday] += 1
    return _pattern(WEEKDAYS, sums, counts, "days", prepared.basis)


def time_of_day_pattern(checkins: Iterable[CheckIn], *, day_start_hour: int = 0) -> Pattern:
    return time_of_day_from(prepare(checkins, day_start_hour))


def time_of_day_from(prepared: Prepared) -> Pattern:
    sums = [0.0] * len(TIMES_OF_DAY)
    counts = [0] * len(TIMES_OF_DAY)
    for hour, mood in prepared.moments:
        bucket = _BUCKET_OF_HOUR[hour]
        sums[bucket] += mood
        counts[bucket] += 1
    return _pattern(tuple(t[0] for t in TIMES_OF_DAY), sums, counts, "check-ins",
                    prepared.basis)


def _pattern(labels: Sequence[str], sums: Sequence[float], counts: Sequence[int], unit: str,
             basis: Basis) -> Pattern:
    buckets = tuple(
        Bucket(label, count, total / count if count >= MIN_BUCKET else None)
        for label, total, count in zip(labels, sums, counts, strict=True))
    usable = sum(b.mean_mood is not None for b in buckets)
    enough = usable >= 2
    reason = "" if enough else (
        f"A pattern needs at least two groups with {MIN_BUCKET} or more {unit} each; "
        f"{'one has' if usable == 1 else 'none has'} that yet.")
    return Pattern(buckets, unit, basis, enough, reason)


def sleep_vs_mood(checkins: Iterable[CheckIn], *, day_start_hour: int = 0) -> SleepMood:
    return sleep_from(prepare(checkins, day_start_hour))


def sleep_from(prepared: Prepared) -> SleepMood:
    sums = [0.0] * len(SLEEP_BUCKETS)
    counts = [0] * len(SLEEP_BUCKETS)
    pairs: list[tuple[float, float]] = []
    checkins = 0
    for stats in prepared.days:
        sleep = stats.sleep
        if sleep is None:
            continue
        mood = stats.mood
        pairs.append((sleep, mood))
        checkins += stats.checkins
        for index, (_, low, high) in enumerate(SLEEP_BUCKETS):
            if low <= sleep < high:
                sums[index] += mood
                counts[index] += 1
                break
    basis = Basis(checkins, len(pairs))
    pattern = _pattern(tuple(b[0] for b in SLEEP_BUCKETS), sums, counts, "days", basis)
    correlation, why_not = _correlation(pairs)
    reason = pattern.reason if pairs else "No check-in has recorded sleep yet."
    return SleepMood(pattern.buckets, SLEEP_MOOD_ON, correlation, why_not, basis,
                     pattern.enough_data, reason)


def _correlation(pairs: Sequence[tuple[float, float]]) -> tuple[float | None, str]:
    if len(pairs) < MIN_CORRELATION_DAYS:
        return None, (f"A correlation needs at least {MIN_CORRELATION_DAYS} days with both "
                      f"sleep and mood (so far: {plural(len(pairs), 'day')}).")
    n = len(pairs)
    mean_x = sum(x for x, _ in pairs) / n
    mean_y = sum(y for _, y in pairs) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in pairs)
    syy = sum((y - mean_y) ** 2 for _, y in pairs)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in pairs)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None, "Sleep or mood did not vary, so there is nothing to correlate."
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy))), ""
