"""Charts over time: mood or energy with their 7- and 30-day averages; questionnaire trends."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Literal

from companion.charts.layout import (
    LABEL_SIZE,
    SMALL_SIZE,
    TITLE_SIZE,
    Plot,
    empty_chart,
    legend,
    marker,
    text_width,
    title_item,
    x_labels,
    y_axis,
)
from companion.charts.primitives import Chart, Polyline, Primitive, Rect, Text
from companion.insights import Basis, DailySeries, DayPoint
from companion.models import ENERGY_LABELS, MOOD_LABELS
from companion.plurals import plural
from companion.questionnaire_store import Trend
from companion.questionnaires import load

Measure = Literal["mood", "energy"]
DASH_30 = (6.0, 3.0)
MEANINGS = {
    "mood": "Each dot is one day's average mood (1 awful to 5 great). The solid line is the "
            "average of the last 7 days, the dashed line of the last 30: they show the "
            "direction of travel without the ups and downs of single days. Gaps are days "
            "without a check-in.",
    "energy": "Each triangle is one day's average energy (1 drained to 5 energised); the "
              "solid line averages the last 7 days, the dashed line the last 30.",
}
# For mood and energy shown together (one card, one x-axis).
OVER_TIME_MEANING = (
    "Dots are single days' average mood (1 awful to 5 great), triangles their average energy "
    "(1 drained to 5 energised). Solid lines average the last 7 days and dashed lines the "
    "last 30, showing the direction of travel without single days' ups and downs. Gaps are "
    "days without a check-in.")
# One left edge for every chart over time, wide enough for either scale's labels, so mood and
# energy stacked one above the other put the same day at the same x (they did not line up).
TIME_AXIS_LEFT = max(text_width(f"{v} {labels[v]}", LABEL_SIZE)
                     for labels in (MOOD_LABELS, ENERGY_LABELS) for v in range(1, 6)) + 10
TIME_AXIS_RIGHT = 10.0


def period_basis(points: Sequence[DayPoint]) -> Basis:
    days = [p for p in points if p.checkins]
    return Basis(sum(p.checkins for p in days), len(days))


def clip(series: DailySeries, start: date, end: date) -> tuple[DayPoint, ...]:
    return tuple(p for p in series.points if start <= p.day <= end)


def time_ticks(start: date, end: date) -> list[tuple[float, str]]:
    """Month starts for long periods, Mondays for short ones; values are day ordinals."""
    span = (end - start).days
    ticks: list[tuple[float, str]] = []
    if span <= 45:
        day = start + timedelta(days=(7 - start.weekday()) % 7)
        while day <= end:
            ticks.append((day.toordinal(), f"{day.day} {day.strftime('%b')}"))
            day += timedelta(days=7)
        return ticks
    step = 1 if span <= 400 else 3 if span <= 1200 else 12
    month = date(start.year, start.month, 1)
    while month <= end:
        if month >= start and (month.month - 1) % step == 0:
            label = month.strftime("%b") if step == 1 and month.month != 1 else (
                f"{month.strftime('%b')} {month.year}")
            ticks.append((month.toordinal(), label))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return ticks


def over_time_basis(points: Sequence[DayPoint], start: date, end: date,
                    measure: Measure) -> str:
    """ "175 check-ins on 61 of the 90 days", or for energy the days it was given on."""
    period = plural((end - start).days + 1, "day")
    if measure == "energy":
        days = sum(p.energy is not None for p in points)
        return f"Energy given on {days} of the {period}"
    basis = period_basis(points)
    return f"{plural(basis.checkins, 'check-in')} on {basis.days} of the {period}"


def over_time_chart(series: DailySeries, start: date, end: date, measure: Measure,
                    width: float, height: float) -> Chart:
    title = "Mood over time" if measure == "mood" else "Energy over time"
    points = clip(series, start, end)
    values = [p.mood if measure == "mood" else p.energy for p in points]
    basis = over_time_basis(points, start, end, measure)
    days = sum(v is not None for v in values)
    if days < 2:
        what = "check-ins" if measure == "mood" else "energy ratings"
        reason = f"Not enough {what} in this period for a chart: it needs them on 2 days."
        return empty_chart(title, width, height, reason, basis, MEANINGS[measure])
    labels = MOOD_LABELS if measure == "mood" else ENERGY_LABELS
    plot = Plot(TIME_AXIS_LEFT, TITLE_SIZE + 30,
                width - TIME_AXIS_LEFT - TIME_AXIS_RIGHT, height - TITLE_SIZE - 58,
                start.toordinal() - 0.5, end.toordinal() + 0.5, 0.7, 5.3)
    items: list[Primitive] = [title_item(title)]
    items += legend(plot.left, TITLE_SIZE + 18, [
        (f"daily {measure}", f"{measure}_soft", "dot" if measure == "mood" else "triangle", ()),
        ("7-day average", measure, "line", ()),
        ("30-day average", measure, "line", DASH_30)])
    items += y_axis(plot, [(v, f"{v} {labels[v]}") for v in range(1, 6)])
    items += x_labels(plot, time_ticks(start, end))
    radius = 2.4 if len(points) <= 120 else 1.5
    shape = "circle" if measure == "mood" else "triangle"
    for point, value in zip(points, values, strict=True):
        if value is not None:
            items += marker(shape, plot.x(point.day.toordinal()), plot.y(value), radius,
                            f"{measure}_soft")
    for window, dash in ((30, DASH_30), (7, ())):
        averages = [getattr(p, f"{measure}_{window}") for p in points]
        for run in _runs(points, averages):
            items.append(Polyline(tuple((plot.x(d), plot.y(v)) for d, v in run), measure,
                                  2.0 if window == 7 else 1.6, dash))
    # Drawn from 2 days on; the averages may still be missing, and a sentence says why.
    note = () if series.enough_data else (series.reason,)
    return Chart(width, height, tuple(items), title, basis, MEANINGS[measure], texts=note)


def _runs(points: Sequence[DayPoint], values: Sequence[float | None]
          ) -> list[list[tuple[int, float]]]:
    """Unbroken stretches of values: a line never bridges a gap."""
    runs: list[list[tuple[int, float]]] = []
    current: list[tuple[int, float]] = []
    for point, value in zip(points, values, strict=True):
        if value is None:
            if len(current) > 1:
                runs.append(current)
            current = []
        else:
            current.append((point.day.toordinal(), value))
    if len(current) > 1:
        runs.append(current)
    return runs


def questionnaire_chart(trend: Trend, start: date, end: date, width: float,
                        height: float) -> Chart:
    """Scores over the period on the questionnaire's own scale, bands shaded behind."""
    definition = load(trend.kind)
    title = f"{definition.short_title} scores"
    points = [p for p in trend.points if start <= p.taken_at.date() <= end]
    basis = f"{plural(len(points), 'result')} in this period"
    higher = ("Higher means better wellbeing; below 50 suggests talking to a professional."
              if definition.multiplier > 1 else "Higher means more symptoms.")
    meaning = (f"Each marker is one {definition.short_title} you took, on its 0–"
               f"{definition.max_score} scale, with the published bands shaded behind. {higher}"
               " A questionnaire is a snapshot, not a diagnosis.")
    if not points:
        return empty_chart(title, width, height,
                           f"No {definition.short_title} results in this period.", basis,
                           meaning)
    plot = Plot(40, TITLE_SIZE + 14, width - 175, height - TITLE_SIZE - 42,
                start.toordinal() - 0.5, end.toordinal() + 0.5, 0, definition.max_score)
    items: list[Primitive] = [title_item(title)]
    for index, band in enumerate(definition.bands):
        top, bottom = plot.y(min(band.high + 1, definition.max_score)), plot.y(band.low)
        if index % 2 == 0:
            items.append(Rect(plot.left, top, plot.width, bottom - top, "band"))
        items.append(Text(plot.right + 6, (top + bottom) / 2 + SMALL_SIZE * 0.35,
                          f"{band.low}–{band.high} {band.label}", SMALL_SIZE, "muted"))
    items += y_axis(plot, [(0, "0"), (definition.max_score, str(definition.max_score))])
    items += x_labels(plot, time_ticks(start, end))
    role = trend.kind.value
    xy = [(plot.x(p.taken_at.date().toordinal()), plot.y(p.score)) for p in points]
    if len(xy) > 1:
        items.append(Polyline(tuple(xy), role, 1.6))
    for (x, y), point in zip(xy, points, strict=True):
        items += marker("diamond", x, y, 3.6, role)
        items.append(Text(x, y - 7, str(point.score), LABEL_SIZE, "text", "middle", True))
    return Chart(width, height, tuple(items), title, basis, meaning)

