"""Chart layouts as display lists: what they draw for known data, and when they decline."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from companion.charts import PALETTES, colour, period_charts, year_chart
from companion.charts.bars import association_chart, bucket_chart
from companion.charts.calendar import year_pixels_chart
from companion.charts.primitives import Circle, Line, Polygon, Polyline, Rect, Text
from companion.charts.timeline import over_time_chart, questionnaire_chart
from companion.insights import daily_series, label_associations, year_in_pixels
from companion.insights._days import prepare
from companion.insights.screen import screen_time_from
from companion.models import CheckIn, CheckInDraft
from companion.period import load_period
from companion.questionnaire_store import Trend, TrendPoint
from companion.questionnaires import QuestionnaireKind
from companion.screentime.store import ScreenTime
from companion.screentime.tracker import SpanClosed

ZONE = timezone(timedelta(hours=1))
START = date(2026, 3, 1)


def checkin(n: int, mood: int, **fields: object) -> CheckIn:
    day = START + timedelta(days=n)
    return CheckIn(id=n + 1, at=datetime(day.year, day.month, day.day, 9, tzinfo=ZONE),
                   mood=mood, **fields)  # type: ignore[arg-type]


def roles(chart) -> set[str]:  # type: ignore[no-untyped-def]
    found: set[str] = set()
    for item in chart.items:
        if isinstance(item, Line | Polyline | Text):
            found.add(item.color)
        elif isinstance(item, Rect | Circle | Polygon):
            found |= {r for r in (item.fill, item.stroke) if r}
    return found


def texts(chart) -> list[str]:  # type: ignore[no-untyped-def]
    return [item.text for item in chart.items if isinstance(item, Text)]


def test_the_mood_line_breaks_at_gaps_and_dots_sit_on_the_daily_means():
    # Ten days of mood 4, a ten-day gap, ten days of mood 2.
    checkins = [checkin(i, 4) for i in range(10)] + [checkin(i, 2) for i in range(20, 30)]
    series = daily_series(checkins, START + timedelta(days=29))
    chart = over_time_chart(series, START, START + timedelta(days=29), "mood", 600, 240)
    assert chart.enough_data and chart.basis == "20 check-ins on 20 of the 30 days"
    dots = [item for item in chart.items if isinstance(item, Circle)]
    assert len(dots) == 20 + 1  # one per day with a check-in, plus the legend's sample
    plot_dots = dots[1:]
    assert len({round(d.y, 3) for d in plot_dots}) == 2  # two levels: moods 4 and 2
    lines = [item for item in chart.items if isinstance(item, Polyline)]
    solid = [line for line in lines if not line.dash]
    assert len(solid) == 2  # the 7-day average never bridges the gap
    assert any("4 good" in t for t in texts(chart))


def test_too_little_data_draws_no_chart_and_says_why():
    series = daily_series([checkin(0, 3)], START)
    chart = over_time_chart(series, START, START, "mood", 600, 240)
    assert not chart.enough_data
    assert chart.reason == ("Not enough check-ins in this period for a chart: it needs them "
                            "on 2 days.")
    assert not [item for item in chart.items if isinstance(item, Polyline | Circle)]


def test_year_in_pixels_has_a_cell_per_day_with_its_digit():
    checkins = [checkin(i, 1 + i % 5) for i in range(10)]
    chart = year_pixels_chart(year_in_pixels(checkins, 2026), 600)
    cells = [item for item in chart.items if isinstance(item, Rect)
             and item.fill and item.fill.startswith(("pixel", "empty")) and item.w > 10]
    assert len(cells) == 365  # 2026 is not a leap year; legend squares are smaller
    filled = [c for c in cells if c.fill != "empty"]
    assert sorted(c.fill for c in filled) == sorted(f"pixel{1 + i % 5}" for i in range(10))
    digits = [t for t in chart.items if isinstance(t, Text) and t.color.startswith("pixel_text")]
    assert len(digits) == 10  # the mood is written in the square, not only coloured


def test_association_bars_point_the_way_of_the_difference_with_signed_numbers():
    checkins = [checkin(i, 4 if i % 2 == 0 else 2,
                        activities=("walk",) if i % 2 == 0 else ("chores",))
                for i in range(20)]
    chart = association_chart(label_associations(checkins, "activity"), 600)
    assert chart.enough_data
    labels = texts(chart)
    assert "+2.0 (10 days)" in labels and "−2.0 (10 days)" in labels
    assert chart.texts == ()  # the bars say it all: no sentence retells them, no caveat here
    assert chart.basis == "Based on 20 days"
    bars = {item.fill for item in chart.items if isinstance(item, Rect)}
    assert bars == {"better", "worse"}


def test_association_chart_claims_nothing_with_too_few_days():
    checkins = [checkin(i, 3, activities=("walk",) if i < 2 else ()) for i in range(10)]
    chart = association_chart(label_associations(checkins, "activity"), 600)
    assert not chart.enough_data and "at least 3 days" in chart.reason
    assert not [item for item in chart.items if isinstance(item, Rect) and item.fill
                in ("better", "worse")]


def test_a_bucket_with_too_few_days_says_so_instead_of_drawing_a_bar():
    from companion.insights import Bucket

    chart = bucket_chart("t", (Bucket("a", 5, 3.5), Bucket("b", 2, None), Bucket("c", 1, None),
                               Bucket("d", 1, 4.0)), "day", basis="", meaning="", enough=True,
                         reason="", width=500)
    assert "3.5  (5 days)" in texts(chart) and "4.0  (1 day)" in texts(chart)
    assert "too few (2 days; needs 3)" in texts(chart)
    assert "too few (1 day; needs 3)" in texts(chart)


def test_questionnaire_chart_marks_each_result_with_its_score():
    points = tuple(TrendPoint(datetime(2026, 3, d, 10, tzinfo=ZONE), score, "mild")
                   for d, score in ((2, 7), (16, 12)))
    chart = questionnaire_chart(Trend(QuestionnaireKind.PHQ9, points), START,
                                date(2026, 3, 31), 500, 170)
    assert chart.basis == "2 results in this period"
    assert {"7", "12"} <= set(texts(chart))
    assert "20–27 severe" in texts(chart)


def test_every_role_a_chart_uses_exists_in_both_palettes(app, clock):
    for i in range(40):
        app.add_checkin(CheckInDraft(mood=1 + i % 5, energy=1 + (i * 3) % 5,
                                     activities=("walk",) if i % 3 else ("work",),
                                     emotions=("calm",) if i % 2 else ("tired",),
                                     sleep_hours=5 + i % 5,
                                     at=clock.now() - timedelta(days=i, hours=i % 12)))
    app.save_questionnaire("gad7", [1, 2, 1, 0, 1, 2, 1], taken_at=clock.now())
    end = clock.now().date()
    data = load_period(app, end - timedelta(days=60), end)
    used: set[str] = set()
    for chart in period_charts(data, 600):
        used |= roles(chart)
    assert {"mood", "energy", "better", "worse", "gad7"} <= used
    for theme in ("light", "dark"):
        assert used <= set(PALETTES[theme])


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_text_and_lines_stand_out_from_the_background_in_both_themes(theme):
    background = colour("background", theme)
    for role in ("text", "muted"):
        assert contrast(colour(role, theme), background) >= 4.5, role  # WCAG AA for text
    for role in ("mood", "energy", "better", "worse", "phq9", "gad7", "who5"):
        assert contrast(colour(role, theme), background) >= 3.0, role  # WCAG for graphics
    for value in range(1, 6):  # digits inside pixels
        assert contrast(colour(f"pixel_text{value}", theme),
                        colour(f"pixel{value}", theme)) >= 4.5


def test_pixel_colours_get_lighter_with_better_mood():
    """The mood scale reads in greyscale, not only in colour."""
    levels = [_luminance(colour(f"pixel{v}")) for v in range(1, 6)]
    assert levels == sorted(levels)


def test_screen_time_against_mood_finds_a_planted_link_and_needs_data():
    checkins = [checkin(i, 2 if i % 2 else 4) for i in range(20)]
    hours = {START + timedelta(days=i): 7.0 if i % 2 else 1.0 for i in range(20)}
    found = screen_time_from(prepare(checkins), hours)
    assert found.enough_data
    by_label = {b.label: b for b in found.buckets}
    assert by_label["under 2 h"].mean_mood == 4 and by_label["6 h or more"].mean_mood == 2
    assert found.correlation == pytest.approx(-1.0)
    few = screen_time_from(prepare(checkins), dict(list(hours.items())[:4]))
    assert not few.enough_data and few.correlation is None
    none = screen_time_from(prepare(checkins), {})
    assert not none.enough_data and none.reason == "There is no screen-time data for this period."


def test_the_period_reads_screen_time_through_the_store(app, clock):
    end = clock.now().date()
    spans = []
    for i in range(6):
        day = end - timedelta(days=i)
        start = datetime(day.year, day.month, day.day, 10, tzinfo=ZONE)
        spans.append(SpanClosed("editor", None, "work", start,
                                start + timedelta(hours=1 + i), day.isoformat()))
        app.add_checkin(CheckInDraft(mood=5 - i % 3, at=start))
    ScreenTime(app.vault.database).save_spans(spans)
    data = load_period(app, end - timedelta(days=9), end)
    assert data.screen_hours[end] == pytest.approx(1.0)
    assert data.screen_categories == {"work": pytest.approx(21.0)}
    assert data.screen.days_with_screen_time == 6
    titles = [chart.title for chart in period_charts(data, 600)]
    assert "Screen time and mood" in titles
    empty = load_period(app, end - timedelta(days=60), end - timedelta(days=30))
    assert "Screen time and mood" not in [c.title for c in period_charts(empty, 600)]


# -- issue 18: labels at their bars, one x-axis, the whole year, sentences that add ----------

def _bars_and_values(chart) -> list[tuple[Rect, Text]]:  # type: ignore[no-untyped-def]
    """Each bar with the value text on its row."""
    bars = [i for i in chart.items if isinstance(i, Rect) and i.fill in ("mood", "better",
                                                                       "worse")]
    values = [i for i in chart.items if isinstance(i, Text) and i.text[:1] in "0123456789+−"
              and "(" in i.text]
    pairs = []
    for bar in bars:
        row = [v for v in values if bar.y <= v.y <= bar.y + bar.h + 8]
        assert len(row) == 1, (bar, row)
        pairs.append((bar, row[0]))
    return pairs


@pytest.mark.parametrize("width", [420, 900, 2400])
def test_a_bars_value_sits_right_at_its_end_at_any_width(width):
    """They were ~450 pixels apart on a wide window: the number stood at the plot's edge."""
    from companion.insights import Bucket

    chart = bucket_chart("t", (Bucket("Monday", 5, 1.5), Bucket("Tuesday", 9, 4.9),
                               Bucket("Wednesday", 4, 3.0)), "day", basis="", meaning="",
                         enough=True, reason="", width=width)
    for bar, value in _bars_and_values(chart):
        assert value.anchor == "start" and 0 < value.x - (bar.x + bar.w) <= 8
    checkins = [checkin(i, 5 if i % 3 == 0 else 2, activities=("walk",) if i % 3 == 0 else
                        ("work",) if i % 3 == 1 else ("read",)) for i in range(30)]
    associations = association_chart(label_associations(checkins, "activity"), width)
    for bar, value in _bars_and_values(associations):
        gap = (value.x - (bar.x + bar.w)) if value.anchor == "start" else bar.x - value.x
        assert 0 < gap <= 6


def test_mood_and_energy_put_the_same_day_at_the_same_x():
    """Stacked one above the other they share the plot's left edge and its dates (their
    y-axis labels differ in width, which used to shift one plot against the other)."""
    checkins = [checkin(i, 1 + i % 5, energy=1 + (i * 2) % 5) for i in range(40)]
    series = daily_series(checkins, START + timedelta(days=39))
    end = START + timedelta(days=39)
    mood = over_time_chart(series, START, end, "mood", 640, 230)
    energy = over_time_chart(series, START, end, "energy", 640, 200)

    def axis_and_ticks(chart) -> tuple[Line, list[float]]:  # type: ignore[no-untyped-def]
        lines = [i for i in chart.items if isinstance(i, Line) and i.color == "axis"]
        axis = max(lines, key=lambda line: line.x2 - line.x1)  # the x-axis itself
        ticks = [line.x1 for line in lines if line is not axis]
        return axis, ticks

    mood_axis, mood_ticks = axis_and_ticks(mood)
    energy_axis, energy_ticks = axis_and_ticks(energy)
    assert (mood_axis.x1, mood_axis.x2) == (energy_axis.x1, energy_axis.x2)
    assert mood_ticks == energy_ticks and mood_ticks
    mood_x = sorted(i.x for i in mood.items if isinstance(i, Circle))[1:]  # without legend
    energy_x = sorted(min(x for x, _ in i.points) for i in energy.items
                      if isinstance(i, Polygon))[1:]
    assert [round(x) for x in mood_x] == [round(x + 2.4 * 1.1) for x in energy_x]


def test_a_chart_without_its_title_moves_up_and_keeps_everything_else():
    from companion.charts.layout import without_title

    checkins = [checkin(i, 4) for i in range(10)]
    chart = year_pixels_chart(year_in_pixels(checkins, 2026), 600)
    bare = without_title(chart)
    assert chart.title not in texts(bare) and chart.title in texts(chart)
    assert len(bare.items) == len(chart.items) - 1
    assert bare.height < chart.height and bare.title == chart.title
    tops = [i.y - i.size * 1.15 for i in bare.items if isinstance(i, Text)]
    assert min(tops) >= 0  # nothing pushed above the top edge


def test_the_association_chart_says_only_what_its_bars_leave_out():
    checkins = []
    for i in range(40):
        labels = [f"a{i % 10}"] + (["rare"] if i < 2 else [])
        checkins.append(checkin(i, 1 + i % 5, activities=tuple(labels)))
    found = label_associations(checkins, "activity")
    chart = association_chart(found, 600, limit=4)
    assert len(found.items) == 10
    assert chart.texts[0].startswith("Not shown, between the largest at each end: "
                                     "6 activities — ")
    hidden = [item for item in found.items if f"{item.label} " in chart.texts[0]]
    assert len(hidden) == 6 and all(f"{abs(i.difference):.2f}" in chart.texts[0] for i in hidden)
    assert chart.texts[1].endswith("rare.") and "too few days" in chart.texts[1]
    assert not any("association" in t or t.startswith("On days with") for t in chart.texts)


def test_the_year_is_the_whole_calendar_year_whatever_the_period(app, clock):
    """A 30-day period in March still shows January's check-ins, and a year can be paged."""
    from companion.period import load_year

    today = clock.now().date()  # 14 March 2026
    for day in (date(2025, 6, 1), date(2026, 1, 5), today):
        app.add_checkin(CheckInDraft(mood=4, at=datetime(day.year, day.month, day.day, 9,
                                                         tzinfo=ZONE)))
    view = load_year(app, today.year, today)
    assert view.year == 2026 and (view.first_year, view.last_year) == (2025, 2026)
    assert view.pixels.pixel(date(2026, 1, 5)) == 4 and view.pixels.pixel(today) == 4
    last = load_year(app, 2025, today)
    assert last.pixels.pixel(date(2025, 6, 1)) == 4 and last.pixels.based_on.days == 1
    assert year_chart(last.pixels, 600).basis == "Check-ins on 1 day in 2025"
    assert load_year(app, 2030, today).year == 2026  # never a year after this one


def test_a_questionnaires_latest_result_is_known_even_before_the_period(app, clock):
    now = clock.now()
    app.save_questionnaire("phq9", [1, 1, 1, 1, 1, 1, 0, 0, 0], taken_at=now - timedelta(days=80))
    data = load_period(app, now.date() - timedelta(days=29), now.date())
    assert data.trends[QuestionnaireKind.PHQ9].points == ()
    assert data.latest[QuestionnaireKind.PHQ9].score == 6
    assert QuestionnaireKind.GAD7 not in data.latest
