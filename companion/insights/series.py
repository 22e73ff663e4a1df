"""Mood and energy over time: one point per calendar day, rolling averages, year in pixels.

Rolling averages are over calendar days, not over check-ins, and a day without check-ins is a
gap, never a zero: a 7-day average is the mean of the daily means found in the seven days
ending on that day, and it is only given when at least `MIN_DAYS_7` of those seven days have a
value (`MIN_DAYS_30` of thirty for the 30-day average). Each day weighs the same however many
check-ins it has, so a day with five anxious check-ins does not outweigh four calm days.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from companion.insights._days import Basis, Prepared, prepare
from companion.models import CheckIn
from companion.plurals import plural

MIN_DAYS_7 = 4  # of 7: more than half the window
MIN_DAYS_30 = 15  # of 30: half the window


@dataclass(frozen=True)
class DayPoint:
    day: date
    checkins: int  # 0 on a gap day
    mood: float | None  # the day's mean mood, None on a gap day
    energy: float | None  # None when no check-in that day gave an energy
    mood_7: float | None
    mood_30: float | None
    energy_7: float | None
    energy_30: float | None


@dataclass(frozen=True)
class DailySeries:
    """Every calendar day from the first check-in to the last (or to `today`)."""

    points: tuple[DayPoint, ...]
    based_on: Basis
    enough_data: bool
    reason: str  # why there is not enough data; empty when there is


@dataclass(frozen=True)
class YearPixels:
    """A day's mean mood rounded to 1–5 (halves round up), or None for a day without data.

    `months[0]` is January; each row has as many cells as the month has days (29 in a leap
    February), so `months[m - 1][d - 1]` is day d of month m.
    """

    year: int
    months: tuple[tuple[int | None, ...], ...]
    based_on: Basis
    enough_data: bool
    reason: str

    def pixel(self, day: date) -> int | None:
        if day.year != self.year:
            raise ValueError(f"{day} is not in {self.year}")
        return self.months[day.month - 1][day.day - 1]


def daily_series(checkins: Iterable[CheckIn], today: date | None = None, *,
                 day_start_hour: int = 0) -> DailySeries:
    return series_from(prepare(checkins, day_start_hour), today)


def series_from(prepared: Prepared, today: date | None = None) -> DailySeries:
    days = prepared.days
    if not days:
        return DailySeries((), prepared.basis, False, "There are no check-ins yet.")
    first = days[0].day.toordinal()
    last = days[-1].day.toordinal()
    if today is not None:
        last = max(last, today.toordinal())
    length = last - first + 1
    moods: list[float | None] = [None] * length
    energies: list[float | None] = [None] * length
    counts = [0] * length
    for stats in days:
        index = stats.day.toordinal() - first
        moods[index] = stats.mood
        energies[index] = stats.energy
        counts[index] = stats.checkins
    mood_7 = rolling(moods, 7, MIN_DAYS_7)
    mood_30 = rolling(moods, 30, MIN_DAYS_30)
    energy_7 = rolling(energies, 7, MIN_DAYS_7)
    energy_30 = rolling(energies, 30, MIN_DAYS_30)
    start = date.fromordinal(first)
    points = tuple(
        DayPoint(start + timedelta(days=i), counts[i], moods[i], energies[i], mood_7[i],
                 mood_30[i], energy_7[i], energy_30[i])
        for i in range(length)
    )
    enough = len(days) >= MIN_DAYS_7
    reason = "" if enough else (
        f"Averages need check-ins on at least {MIN_DAYS_7} days in a week (so far: "
        f"{plural(len(days), 'day')}).")
    return DailySeries(points, prepared.basis, enough, reason)


def rolling(values: Sequence[float | None], window: int, minimum: int) -> list[float | None]:
    """Trailing mean over `window` slots (this one included), skipping Nones; None when fewer
    than `minimum` slots in the window have a value."""
    result: list[float | None] = []
    total = 0.0
    count = 0
    for index, value in enumerate(values):
        if value is not None:
            total += value
            count += 1
        if index >= window:
            old = values[index - window]
            if old is not None:
                total -= old
                count -= 1
        if count >= minimum:
            result.append(total / count)
        else:
            result.append(None)
        if count == 0:
            total = 0.0  # let float drift from long add/subtract runs reset at each gap
    return result


def year_in_pixels(checkins: Iterable[CheckIn], year: int, *,
                   day_start_hour: int = 0) -> YearPixels:
    return pixels_from(prepare(checkins, day_start_hour), year)


def pixels_from(prepared: Prepared, year: int) -> YearPixels:
    rows: list[list[int | None]] = [
        [None] * calendar.monthrange(year, month)[1] for month in range(1, 13)]
    checkins = days = 0
    for stats in prepared.days:
        if stats.day.year == year:
            rows[stats.day.month - 1][stats.day.day - 1] = math.floor(stats.mood + 0.5)
            checkins += stats.checkins
            days += 1
    reason = "" if days else f"There are no check-ins in {year}."
    return YearPixels(year, tuple(tuple(row) for row in rows), Basis(checkins, days),
                      days > 0, reason)
