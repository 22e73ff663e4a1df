"""Charts as display lists: one layout, drawn by QPainter on screen and by fpdf2 into PDFs.

`period_charts` lays out every chart for a period in the order the Insights page and the
therapist summary show them. See `primitives` for the display list and the palette.
"""

from __future__ import annotations

from collections.abc import Callable

from companion.charts.bars import association_chart, bucket_chart
from companion.charts.calendar import year_pixels_chart
from companion.charts.primitives import PALETTES, Chart, Primitive, colour
from companion.charts.timeline import over_time_chart, questionnaire_chart
from companion.insights._days import prepare
from companion.insights.series import pixels_from
from companion.period import PeriodData

__all__ = ["PALETTES", "Chart", "Primitive", "chart_layouts", "colour", "mood_chart",
           "pattern_charts", "period_charts", "questionnaire_charts", "screen_chart", "year_chart"]


def mood_chart(data: PeriodData, width: float, height: float = 230) -> Chart:
    return over_time_chart(data.series, data.start, data.end, "mood", width, height)


def year_chart(data: PeriodData, width: float) -> Chart:
    """The calendar year the period ends in, with only the period's days filled."""
    return year_pixels_chart(pixels_from(prepare(data.checkins), data.end.year), width)


def pattern_charts(data: PeriodData, width: float) -> list[Chart]:
    found = data.insights
    sleep = found.sleep
    sleep_extra = ""
    if sleep.correlation is not None:
        sleep_extra = (f"Correlation between hours slept and mood: r = {sleep.correlation:.2f} "
                       "(−1 to +1; 0 means no straight-line link).")
    return [
        bucket_chart("Mood by weekday", found.weekdays.buckets, found.weekdays.counts,
                     basis=found.weekdays.based_on.text, enough=found.weekdays.enough_data,
                     reason=found.weekdays.reason, width=width,
                     meaning="Your average mood on each day of the week (each day counts "
                             "once, however many check-ins it has)."),
        bucket_chart("Mood by time of day", found.times_of_day.buckets,
                     found.times_of_day.counts, basis=found.times_of_day.based_on.text,
                     enough=found.times_of_day.enough_data, reason=found.times_of_day.reason,
                     width=width,
                     meaning="The average mood of check-ins made in the morning (5–12), "
                             "afternoon (12–17), evening (17–22) and night, in local time."),
        association_chart(found.activities, width),
        association_chart(found.emotions, width),
        bucket_chart("Sleep and mood", sleep.buckets, "days", basis=sleep.based_on.text,
                     enough=sleep.enough_data, reason=sleep.reason, width=width,
                     extra=sleep_extra,
                     meaning="Your average mood on days after a night of the given length "
                             "(sleep is logged for the night before). An association, not "
                             "proof of cause."),
    ]


def screen_chart(data: PeriodData, width: float) -> Chart | None:
    """None when there is no screen-time data at all in the period (nothing to show)."""
    screen = data.screen
    if not data.screen_hours:
        return None
    extra = ""
    if screen.correlation is not None:
        extra = f"Correlation between screen time and mood: r = {screen.correlation:.2f}."
    return bucket_chart("Screen time and mood", screen.buckets, "days",
                        basis=screen.based_on.text, enough=screen.enough_data,
                        reason=screen.reason, width=width, extra=extra,
                        meaning="Your average mood on days with the given amount of active "
                                "computer use. An association, not proof of cause: a hard "
                                "day can bring more screen time as easily as the reverse.")


def questionnaire_charts(data: PeriodData, width: float, height: float = 170) -> list[Chart]:
    """One chart per questionnaire taken in the period."""
    return [questionnaire_chart(trend, data.start, data.end, width, height)
            for trend in data.trends.values() if trend.points]


def chart_layouts(data: PeriodData) -> list[Callable[[float], Chart]]:
    """One function per chart (width → chart), in page order, so a view can lay out again
    when its width changes. Screen time only when the period has any."""
    layouts: list[Callable[[float], Chart]] = [
        lambda w: mood_chart(data, w),
        lambda w: over_time_chart(data.series, data.start, data.end, "energy", w, 200),
        lambda w: year_chart(data, w)]
    layouts += [lambda w, i=i: pattern_charts(data, w)[i] for i in range(5)]  # type: ignore[misc]
    if data.screen_hours:
        layouts.append(lambda w: screen_chart(data, w) or _never())
    for trend in data.trends.values():
        if trend.points:
            layouts.append(lambda w, t=trend: questionnaire_chart(  # type: ignore[misc]
                t, data.start, data.end, w, 170))
    return layouts


def _never() -> Chart:
    raise AssertionError("screen_chart is only laid out when there is screen time")


def period_charts(data: PeriodData, width: float) -> list[Chart]:
    return [layout(width) for layout in chart_layouts(data)]

