"""Everything the Insights page and the therapist summary show for one period, read at once.

One call reads the vault (check-ins, questionnaire results, screen-time totals) and computes
the insights, so the desktop app can run it as a single task off the GUI thread and the
summary can build on exactly the same numbers. Periods are inclusive local days.

Check-ins from the 30 days before the period are read too, only so that the 7- and 30-day
averages are already meaningful on the period's first day; every count and every other
insight uses the period alone. Two things deliberately look past the period: each
questionnaire's newest result (a page can say "last taken in March" rather than nothing), and
the year in pixels, which always shows a whole calendar year (`load_year`): it followed a
90-day period once and left January to August blank.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from companion.errors import InvalidInput
from companion.insights import DailySeries, InsightsSummary, insights_summary
from companion.insights._days import prepare
from companion.insights.screen import ScreenMood, screen_time_from
from companion.insights.series import YearPixels, pixels_from, series_from
from companion.models import CheckIn
from companion.questionnaire_store import SavedResult, Trend, TrendPoint
from companion.questionnaires import QuestionnaireKind
from companion.screentime.store import ScreenTime

if TYPE_CHECKING:
    from companion.app import CompanionApp

LEAD_IN_DAYS = 30
MAX_DAYS = 366 * 20


@dataclass(frozen=True)
class PeriodData:
    start: date
    end: date
    checkins: tuple[CheckIn, ...]  # in the period, oldest first
    series: DailySeries  # with the lead-in, so averages hold from the first day
    insights: InsightsSummary  # over the period's check-ins only
    results: tuple[SavedResult, ...]  # questionnaire results in the period, oldest first
    trends: dict[QuestionnaireKind, Trend]
    screen_hours: dict[date, float]  # active hours per tracker day with any screen time
    screen_categories: dict[str, float]  # hours per category over the period
    screen: ScreenMood
    # Each questionnaire's newest result up to the period's end, in the period or before it.
    latest: dict[QuestionnaireKind, TrendPoint] = field(default_factory=dict)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def check_period(start: date, end: date) -> None:
    if end < start:
        raise InvalidInput(f"The period ends ({end}) before it starts ({start}).",
                           "Give the earlier date first.")
    if (end - start).days > MAX_DAYS:
        raise InvalidInput("The period is longer than 20 years.", "Choose a shorter one.")


def load_period(app: CompanionApp, start: date, end: date, *,
                day_start_hour: int = 0) -> PeriodData:
    check_period(start, end)
    lead_in = (start - timedelta(days=LEAD_IN_DAYS)).isoformat()
    everything = app.checkins.list_days(lead_in, end.isoformat())
    checkins = tuple(c for c in everything if c.at.date() >= start)
    series = series_from(prepare(everything, day_start_hour), end)
    insights = insights_summary(checkins, end, day_start_hour=day_start_hour)
    history = app.questionnaires.history()
    results = tuple(saved for saved in history if start <= saved.taken_at.date() <= end)
    latest: dict[QuestionnaireKind, TrendPoint] = {}
    for saved in history:  # oldest first: the last one seen up to the end is the newest
        if saved.taken_at.date() <= end:
            latest[saved.result.kind] = TrendPoint(saved.taken_at, saved.result.score,
                                                   saved.result.band)
    trends = {kind: Trend(kind, tuple(TrendPoint(s.taken_at, s.result.score, s.result.band)
                                      for s in results if s.result.kind is kind))
              for kind in QuestionnaireKind}
    hours, categories = read_screen_time(app.screen_time.store, start, end)
    screen = screen_time_from(prepare(checkins, day_start_hour), hours)
    return PeriodData(start, end, checkins, series, insights, results, trends, hours,
                      categories, screen, latest)


@dataclass(frozen=True)
class YearView:
    """One calendar year in pixels, and how far a person can page back and forth."""

    pixels: YearPixels
    first_year: int  # the year of the first check-in (or this one, without any)
    last_year: int  # the current year: nothing to show after it

    @property
    def year(self) -> int:
        return self.pixels.year


def load_year(app: CompanionApp, year: int, today: date, *,
              day_start_hour: int = 0) -> YearView:
    """The whole calendar year `year`, whatever period the page shows (runs on a worker)."""
    first = app.first_checkin()
    first_year = min(first.at.year if first else today.year, today.year)
    year = max(1, min(year, today.year))
    checkins = app.checkins.list_days(f"{year:04d}-01-01", f"{year:04d}-12-31")
    pixels = pixels_from(prepare(checkins, day_start_hour), year)
    return YearView(pixels, min(first_year, year), today.year)


def read_screen_time(store: ScreenTime, start: date, end: date
                     ) -> tuple[dict[date, float], dict[str, float]]:
    """Daily totals through the screen-time store's own API (one indexed lookup a day)."""
    hours: dict[date, float] = {}
    categories: dict[str, float] = {}
    day = start
    while day <= end:
        totals = store.totals(day.isoformat())
        if totals.by_app:
            hours[day] = totals.total.total_seconds() / 3600
            for category, spent in totals.by_category.items():
                categories[category] = categories.get(category, 0.0) + (
                    spent.total_seconds() / 3600)
        day += timedelta(days=1)
    return hours, categories
