"""Insights: pure functions from check-ins to small frozen values, no storage and no Qt.

Each function takes the check-ins (deleted ones are ignored, input order does not matter)
and returns a value that says what it rests on (`based_on`) and whether there is enough data
to claim anything (`enough_data`, with a plain `reason` when not). Days and hours are the
writer's local ones. `insights_summary` groups the check-ins once and derives everything
from that, which is what a page showing all insights should call.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from companion.insights._days import Basis, prepare
from companion.insights.associations import (
    CAVEAT,
    MIN_DAYS_EACH_SIDE,
    LabelAssociation,
    LabelAssociations,
    associations_from,
    label_associations,
)
from companion.insights.patterns import (
    MIN_BUCKET,
    MIN_CORRELATION_DAYS,
    SLEEP_BUCKETS,
    TIMES_OF_DAY,
    WEEKDAYS,
    Bucket,
    Pattern,
    SleepMood,
    sleep_from,
    sleep_vs_mood,
    time_of_day,
    time_of_day_from,
    time_of_day_pattern,
    weekday_from,
    weekday_pattern,
)
from companion.insights.series import (
    MIN_DAYS_7,
    MIN_DAYS_30,
    DailySeries,
    DayPoint,
    YearPixels,
    daily_series,
    pixels_from,
    series_from,
    year_in_pixels,
)
from companion.models import CheckIn

__all__ = [
    "CAVEAT", "MIN_BUCKET", "MIN_CORRELATION_DAYS", "MIN_DAYS_7", "MIN_DAYS_30",
    "MIN_DAYS_EACH_SIDE", "SLEEP_BUCKETS", "TIMES_OF_DAY", "WEEKDAYS", "Basis", "Bucket",
    "DailySeries", "DayPoint", "InsightsSummary", "LabelAssociation", "LabelAssociations",
    "Pattern", "SleepMood", "YearPixels", "daily_series", "insights_summary",
    "label_associations", "sleep_vs_mood", "time_of_day", "time_of_day_pattern",
    "weekday_pattern", "year_in_pixels",
]


@dataclass(frozen=True)
class InsightsSummary:
    today: date
    based_on: Basis
    series: DailySeries  # runs up to `today`, so recent gaps show
    pixels: YearPixels  # today's year
    weekdays: Pattern
    times_of_day: Pattern
    activities: LabelAssociations
    emotions: LabelAssociations
    sleep: SleepMood


def insights_summary(checkins: Iterable[CheckIn], today: date, *,
                     day_start_hour: int = 0) -> InsightsSummary:
    prepared = prepare(checkins, day_start_hour)
    return InsightsSummary(
        today=today,
        based_on=prepared.basis,
        series=series_from(prepared, today),
        pixels=pixels_from(prepared, today.year),
        weekdays=weekday_from(prepared),
        times_of_day=time_of_day_from(prepared),
        activities=associations_from(prepared, "activity"),
        emotions=associations_from(prepared, "emotion"),
        sleep=sleep_from(prepared),
    )
