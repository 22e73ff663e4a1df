"""Charts as display lists: one layout, drawn by QPainter on screen and by fpdf2 into PDFs.

`period_layouts` gives every chart for a period, grouped as the Insights page and the
therapist summary show them: the charts over time (mood and energy, one x-axis), and the
patterns (what goes with better and harder days). The year in pixels and the questionnaire
histories have their own functions, because they are not bound to the period in the same way.
See `primitives` for the display list and the palette.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from companion.charts.bars import association_chart, bucket_chart
from companion.charts.calendar import year_pixels_chart
from companion.charts.primitives import PALETTES, Chart, Primitive, colour
from companion.charts.timeline import over_time_chart, questionnaire_chart
from companion.insights import CAVEAT, YearPixels
from companion.period import PeriodData
from companion.plurals import plural

__all__ = ["CAVEAT", "PALETTES", "PATTERNS_CAUTION", "Chart", "Layout", "PeriodLayouts",
           "Primitive", "chart_layouts", "colour", "energy_chart", "mood_chart",
           "pattern_charts", "period_charts", "period_layouts", "questionnaire_charts",
           "screen_chart", "year_chart"]

Layout = Callable[[float], Chart]  # width → chart
# Said once above the patterns (on the page and in the summary), not under every chart.
PATTERNS_CAUTION = (
    "These charts show what tends to go together in your check-ins. They are associations, "
    "not causes: a walk on better days does not show that walking made them better, and a "
    "hard day can bring more screen time as easily as the other way round.")


def mood_chart(data: PeriodData, width: float, height: float = 230) -> Chart:
    return over_time_chart(data.series, data.start, data.end, "mood", width, height)


def energy_chart(data: PeriodData, width: float, height: float = 200) -> Chart:
    return over_time_chart(data.series, data.start, data.end, "energy", width, height)


def year_chart(pixels: YearPixels, width: float) -> Chart:
    """A whole calendar year, whatever the period (see companion.period.load_year)."""
    return year_pixels_chart(pixels, width)


def weekday_chart(data: PeriodData, width: float) -> Chart:
    weekdays = data.insights.weekdays
    return bucket_chart("Mood by weekday", weekdays.buckets, "day",
                        basis=f"Based on {plural(weekdays.based_on.days, 'day')}, each counted "
                              "once",
                        enough=weekdays.enough_data, reason=weekdays.reason, width=width,
                        meaning="Your average mood on each day of the week (each day counts "
                                "once, however many check-ins it has).")


def time_of_day_chart(data: PeriodData, width: float) -> Chart:
    times = data.insights.times_of_day
    return bucket_chart("Mood by time of day", times.buckets, "check-in",
                        basis=f"Based on {plural(times.based_on.checkins, 'check-in')}",
                        enough=times.enough_data, reason=times.reason, width=width,
                        meaning="The average mood of check-ins made in the morning (5–12), "
                                "afternoon (12–17), evening (17–22) and night, in local time.")


def activities_chart(data: PeriodData, width: float) -> Chart:
    return association_chart(data.insights.activities, width)


def emotions_chart(data: PeriodData, width: float) -> Chart:
    return association_chart(data.insights.emotions, width)


def sleep_chart(data: PeriodData, width: float) -> Chart:
    sleep = data.insights.sleep
    notes: tuple[str, ...] = ()
    if sleep.correlation is not None:
        notes = (f"Hours slept and mood go together with a correlation of "
                 f"r = {sleep.correlation:.2f} (from −1 to +1; 0 means no straight-line "
                 "link).",)
    return bucket_chart("Sleep and mood", sleep.buckets, "day",
                        basis=f"Based on {plural(sleep.based_on.days, 'day')} with sleep logged",
                        enough=sleep.enough_data, reason=sleep.reason, width=width,
                        sentences=notes,
                        meaning="Your average mood on days after a night of the given length "
                                "(sleep is logged for the night before).")


PATTERNS = (weekday_chart, time_of_day_chart, activities_chart, emotions_chart, sleep_chart)


def pattern_charts(data: PeriodData, width: float) -> list[Chart]:
    return [chart(data, width) for chart in PATTERNS]


def screen_chart(data: PeriodData, width: float) -> Chart | None:
    """None when there is no screen-time data at all in the period (nothing to show)."""
    screen = data.screen
    if not data.screen_hours:
        return None
    notes: tuple[str, ...] = ()
    if screen.correlation is not None:
        notes = (f"Screen time and mood go together with a correlation of "
                 f"r = {screen.correlation:.2f} (from −1 to +1; 0 means no straight-line "
                 "link).",)
    return bucket_chart("Screen time and mood", screen.buckets, "day",
                        basis=f"Based on {plural(screen.based_on.days, 'day')} with screen "
                              "time and a check-in",
                        enough=screen.enough_data, reason=screen.reason, width=width,
                        sentences=notes,
                        meaning="Your average mood on days with the given amount of active "
                                "computer use.")


def questionnaire_charts(data: PeriodData, width: float, height: float = 170) -> list[Chart]:
    """One chart per questionnaire taken in the period."""
    return [questionnaire_chart(trend, data.start, data.end, width, height)
            for trend in data.trends.values() if trend.points]


@dataclass(frozen=True)
class PeriodLayouts:
    """Each chart as a function of width, so a view can lay it out again when resized."""

    over_time: tuple[Layout, ...]  # mood, energy: the same left edge and the same dates
    patterns: tuple[Layout, ...]  # screen time only when the period has any


def period_layouts(data: PeriodData) -> PeriodLayouts:
    over_time: tuple[Layout, ...] = (lambda w: mood_chart(data, w),
                                     lambda w: energy_chart(data, w))
    patterns: list[Layout] = [partial(chart, data) for chart in PATTERNS]
    if data.screen_hours:
        patterns.append(lambda w: screen_chart(data, w) or _never())
    return PeriodLayouts(over_time, tuple(patterns))


def chart_layouts(data: PeriodData) -> list[Layout]:
    """Every chart of the period in page order (over time, patterns, questionnaires)."""
    layouts = period_layouts(data)
    found: list[Layout] = [*layouts.over_time, *layouts.patterns]
    for trend in data.trends.values():
        if trend.points:
            found.append(lambda w, t=trend: questionnaire_chart(  # type: ignore[misc]
                t, data.start, data.end, w, 170))
    return found


def _never() -> Chart:
    raise AssertionError("screen_chart is only laid out when there is screen time")


def period_charts(data: PeriodData, width: float) -> list[Chart]:
    return [layout(width) for layout in chart_layouts(data)]
