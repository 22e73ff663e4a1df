"""Insights on synthetic check-ins whose answers are known by construction."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion.insights import (
    CAVEAT,
    MIN_CORRELATION_DAYS,
    daily_series,
    insights_summary,
    label_associations,
    sleep_vs_mood,
    time_of_day,
    time_of_day_pattern,
    weekday_pattern,
    year_in_pixels,
)
from companion.models import CheckIn

UTC_PLUS_1 = timezone(timedelta(hours=1))
START = date(2026, 1, 5)  # a Monday
_ids = iter(range(1, 10**9))


def make(day: date, mood: int, *, hour: int = 9, minute: int = 0,
         zone: timezone = UTC_PLUS_1, energy: int | None = None,
         activities: tuple[str, ...] = (), emotions: tuple[str, ...] = (),
         sleep: float | None = None, deleted: bool = False) -> CheckIn:
    at = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
    return CheckIn(id=next(_ids), at=at, mood=mood, energy=energy, emotions=emotions,
                   activities=activities, sleep_hours=sleep,
                   deleted=at if deleted else None)


def day(n: int) -> date:
    return START + timedelta(days=n)


# --- associations ---------------------------------------------------------------------------

def planted_walks(days: int = 36) -> list[CheckIn]:
    """Base mood cycles 2, 3, 4 (mean 3 on even and odd days alike); walks on even days add 1;
    chores on odd days."""
    result = []
    for i in range(days):
        walk = i % 2 == 0
        mood = 2 + i % 3 + (1 if walk else 0)
        result.append(make(day(i), mood, activities=("walk",) if walk else ("chores",)))
    return result


def test_a_planted_activity_effect_is_found_with_its_sign_and_size():
    found = label_associations(planted_walks(), "activity")
    assert found.enough_data and found.reason == ""
    assert [a.label for a in found.items] == ["walk", "chores"]
    walk, chores = found.items
    assert walk.difference == pytest.approx(1.0)
    assert (walk.mood_with, walk.mood_without) == (pytest.approx(4.0), pytest.approx(3.0))
    assert (walk.n_with_days, walk.n_without_days) == (18, 18)
    assert chores.difference == pytest.approx(-1.0)
    assert walk.sentence == ("On days with walk, your mood averaged 1.0 higher (18 days with, "
                             "18 without).")
    assert "1.0 lower" in chores.sentence
    # The caveat is said once where the patterns are shown, not after every sentence.
    assert CAVEAT not in walk.sentence and "association" in CAVEAT
    assert found.based_on.checkins == 36 and found.based_on.days == 36


def test_a_label_on_one_check_in_marks_the_whole_day_and_days_weigh_equally():
    checkins = []
    for i in range(6):
        walk = i < 3
        checkins.append(make(day(i), 5 if walk else 2, hour=8,
                             activities=("walk",) if walk else ()))
        checkins.append(make(day(i), 3, hour=20))  # no label on the evening check-in
        if not walk:
            checkins += [make(day(i), 2, hour=h) for h in (12, 13, 14)]
    (walk,) = label_associations(checkins).items
    assert walk.mood_with == pytest.approx(4.0)  # (5 + 3) / 2 on each walk day
    assert walk.mood_without == pytest.approx(11 / 5)
    assert (walk.n_with_days, walk.n_without_days) == (3, 3)


def test_too_few_days_with_or_without_a_label_claims_nothing():
    checkins = [make(day(i), 5 if i < 2 else 3, activities=("walk",) if i < 2 else ("work",))
                for i in range(20)]
    found = label_associations(checkins)
    assert [a.label for a in found.items] == []  # walk: 2 days with; work: 2 days without
    assert found.too_rare == ("walk", "work")
    assert not found.enough_data and "at least 3 days with it and 3 without" in found.reason
    nothing = label_associations([make(day(0), 3)], "emotion")
    assert not nothing.enough_data and nothing.reason == "No check-in names an emotion yet."


def test_emotions_are_read_separately_from_activities():
    checkins = [make(day(i), 2 if i % 2 else 4, emotions=("anxious",) if i % 2 else ("calm",),
                     activities=("work",)) for i in range(10)]
    emotions = label_associations(checkins, "emotion")
    assert [a.label for a in emotions.items] == ["calm", "anxious"]
    assert emotions.items[1].difference == pytest.approx(-2.0)
    assert label_associations(checkins, "activity").too_rare == ("work",)  # 0 days without
    with pytest.raises(ValueError):
        label_associations(checkins, "tag")  # type: ignore[arg-type]


# --- the daily series -----------------------------------------------------------------------

def test_rolling_averages_use_calendar_days_and_skip_gaps():
    moods = [1, 2, 3, None, 5, None, None, 4]
    checkins = [make(day(i), m, energy=m) for i, m in enumerate(moods) if m is not None]
    series = daily_series(checkins, today=day(9))
    assert [p.day for p in series.points] == [day(i) for i in range(10)]
    assert [p.mood for p in series.points] == [1, 2, 3, None, 5, None, None, 4, None, None]
    assert [p.checkins for p in series.points] == [1, 1, 1, 0, 1, 0, 0, 1, 0, 0]
    expected = [None, None, None, None, 2.75, 2.75, 2.75, 3.5, None, None]
    assert [p.mood_7 for p in series.points] == [
        None if e is None else pytest.approx(e) for e in expected]
    assert [p.energy_7 for p in series.points] == [p.mood_7 for p in series.points]
    assert all(p.mood_30 is None for p in series.points)
    assert series.enough_data and series.based_on.days == 5


def test_the_30_day_average_needs_15_days_and_daily_means_weigh_equally():
    checkins = [make(day(i), 1 + i % 5) for i in range(15)]
    checkins += [make(day(14), 5, hour=h) for h in (10, 11, 12)]  # day 14: (5+5+5+5)/4 = 5
    series = daily_series(checkins)
    assert series.points[13].mood_30 is None
    assert series.points[14].mood_30 == pytest.approx((3 * (1 + 2 + 3 + 4 + 5)) / 15)
    assert series.points[14].mood == 5 and series.points[14].checkins == 4
    assert series.points[0].energy is None and series.points[0].energy_7 is None


def test_little_or_no_data_is_said_plainly():
    empty = daily_series([])
    assert empty.points == () and not empty.enough_data and empty.reason
    few = daily_series([make(day(0), 3), make(day(1), 4)])
    assert not few.enough_data and "2 days" in few.reason
    assert few.based_on.text == "Based on 2 check-ins over 2 days."
    one = daily_series([make(day(0), 3)])
    assert one.based_on.text == "Based on 1 check-in over 1 day."
    assert one.reason.endswith("(so far: 1 day).")


def test_deleted_check_ins_are_left_out():
    series = daily_series([make(day(0), 3), make(day(0), 1, hour=10, deleted=True)])
    assert series.points[0].mood == 3 and series.based_on.checkins == 1


def test_a_day_start_hour_moves_late_night_check_ins_to_the_day_before():
    late = make(day(1), 1, hour=2)
    assert daily_series([late]).points[0].day == day(1)
    assert daily_series([late], day_start_hour=4).points[0].day == day(0)
    with pytest.raises(ValueError):
        daily_series([late], day_start_hour=24)


# --- year in pixels -------------------------------------------------------------------------

def test_year_in_pixels_places_days_including_leap_days():
    new_york = timezone(timedelta(hours=-5))
    checkins = [
        make(date(2024, 2, 29), 5),
        make(date(2024, 3, 1), 3), make(date(2024, 3, 1), 4, hour=20),  # 3.5 rounds up
        make(date(2024, 3, 2), 2), make(date(2024, 3, 2), 3, hour=20),  # 2.5 rounds up
        make(date(2024, 12, 31), 1, hour=23, minute=30, zone=new_york),  # 2025 in UTC
        make(date(2023, 6, 1), 4),
    ]
    pixels = year_in_pixels(checkins, 2024)
    assert [len(m) for m in pixels.months] == [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    assert pixels.months[1][28] == 5 and pixels.pixel(date(2024, 2, 29)) == 5
    assert pixels.pixel(date(2024, 3, 1)) == 4 and pixels.pixel(date(2024, 3, 2)) == 3
    assert pixels.pixel(date(2024, 12, 31)) == 1
    assert pixels.pixel(date(2024, 1, 1)) is None
    assert (pixels.based_on.checkins, pixels.based_on.days) == (6, 4)
    assert len(year_in_pixels(checkins, 2023).months[1]) == 28
    assert year_in_pixels(checkins, 2023).pixel(date(2023, 6, 1)) == 4
    assert not year_in_pixels(checkins, 2022).enough_data
    with pytest.raises(ValueError):
        pixels.pixel(date(2023, 1, 1))


# --- weekday and time-of-day patterns -------------------------------------------------------

def test_weekday_pattern_compares_daily_means_and_needs_three_days_a_group():
    checkins = []
    for week in range(3):
        checkins.append(make(day(7 * week), 5))  # Mondays
        checkins.append(make(day(7 * week + 1), 1))  # Tuesdays
        checkins.append(make(day(7 * week + 1), 3, hour=20))
    checkins.append(make(day(2), 4))  # one Wednesday: too few for a mean
    pattern = weekday_pattern(checkins)
    monday, tuesday, wednesday = pattern.buckets[:3]
    assert (monday.label, monday.count, monday.mean_mood) == ("Monday", 3, 5.0)
    assert (tuesday.count, tuesday.mean_mood) == (3, 2.0)
    assert (wednesday.count, wednesday.mean_mood) == (1, None)
    assert pattern.enough_data and pattern.counts == "days"
    only_mondays = weekday_pattern(checkins[:1])
    assert not only_mondays.enough_data and "none has" in only_mondays.reason


def test_time_of_day_uses_the_writers_local_time_across_zones():
    tokyo, new_york = timezone(timedelta(hours=9)), timezone(timedelta(hours=-5))
    checkins = [
        make(day(0), 5, hour=8, zone=tokyo),  # 23:00 UTC the day before: still morning
        make(day(1), 5, hour=6, zone=new_york),  # 11:00 UTC: morning where written
        make(day(2), 5, hour=11, minute=59),
        make(day(0), 1, hour=23, zone=new_york),  # 04:00 UTC next day: night
        make(day(1), 2, hour=3, zone=tokyo),
        make(day(2), 3, hour=22),
        make(day(3), 4, hour=12),
    ]
    pattern = time_of_day_pattern(checkins)
    by_name = {b.label: b for b in pattern.buckets}
    assert [b.label for b in pattern.buckets] == ["morning", "afternoon", "evening", "night"]
    assert (by_name["morning"].count, by_name["morning"].mean_mood) == (3, 5.0)
    assert (by_name["night"].count, by_name["night"].mean_mood) == (3, 2.0)
    assert (by_name["afternoon"].count, by_name["afternoon"].mean_mood) == (1, None)
    assert by_name["evening"].count == 0
    assert pattern.enough_data and pattern.counts == "check-ins"
    assert daily_series(checkins[:1]).points[0].day == day(0)  # the Tokyo day, not UTC's
    assert [time_of_day(h) for h in (4, 5, 11, 12, 16, 17, 21, 22, 0)] == [
        "night", "morning", "morning", "afternoon", "afternoon", "evening", "evening",
        "night", "night"]


# --- sleep ----------------------------------------------------------------------------------

def test_sleep_buckets_set_each_nights_sleep_against_that_days_mood():
    hours_and_moods = [(5.0, 1), (5.5, 2), (5.9, 3), (6.0, 3), (6.5, 3), (6.9, 3),
                       (7.0, 4), (7.5, 4), (8.0, 5), (9.0, 5), (10.0, 5)]
    checkins = [make(day(i), m, sleep=h, hour=8) for i, (h, m) in enumerate(hours_and_moods)]
    checkins.append(make(day(0), 3, hour=20))  # the day's mood is (1 + 3) / 2
    checkins.append(make(day(30), 5))  # no sleep recorded: not counted
    result = sleep_vs_mood(checkins)
    assert [(b.label, b.count) for b in result.buckets] == [
        ("under 6 h", 3), ("6–7 h", 3), ("7–8 h", 2), ("8 h or more", 3)]
    assert [b.mean_mood for b in result.buckets] == [
        pytest.approx((2 + 2 + 3) / 3), 3.0, None, 5.0]
    assert "same day" in result.mood_on
    assert result.enough_data and (result.based_on.days, result.based_on.checkins) == (11, 12)
    assert result.correlation is None and str(MIN_CORRELATION_DAYS) in result.correlation_reason


def test_sleep_correlation_only_with_enough_varied_days():
    rng = random.Random(3)
    checkins = []
    for i in range(MIN_CORRELATION_DAYS):
        sleep = rng.choice((5.0, 6.0, 7.0, 8.0, 9.0))
        checkins.append(make(day(i), int(sleep) - 4, sleep=sleep))
    result = sleep_vs_mood(checkins)
    assert result.correlation == pytest.approx(1.0) and result.correlation_reason == ""
    flat = sleep_vs_mood([make(day(i), 3, sleep=7.0) for i in range(MIN_CORRELATION_DAYS)])
    assert flat.correlation is None and "did not vary" in flat.correlation_reason
    none = sleep_vs_mood([make(day(0), 3)])
    assert not none.enough_data and none.reason == "No check-in has recorded sleep yet."


# --- the summary and properties -------------------------------------------------------------

def test_the_summary_on_no_data_declines_everything_without_failing():
    summary = insights_summary([], date(2026, 3, 14))
    parts = (summary.series, summary.pixels, summary.weekdays, summary.times_of_day,
             summary.activities, summary.emotions, summary.sleep)
    assert all(not part.enough_data and part.reason for part in parts)
    assert summary.based_on.checkins == 0


def test_the_summary_matches_the_single_functions():
    checkins = planted_walks()
    today = day(40)
    summary = insights_summary(checkins, today)
    assert summary.series == daily_series(checkins, today)
    assert summary.series.points[-1].day == today
    assert summary.pixels == year_in_pixels(checkins, today.year)
    assert summary.activities == label_associations(checkins, "activity")
    assert summary.weekdays == weekday_pattern(checkins)


ZONES = [timezone(timedelta(minutes=m)) for m in (-600, -300, 0, 60, 330, 540, 840)]


@st.composite
def checkin_lists(draw: st.DrawFn) -> list[CheckIn]:
    count = draw(st.integers(0, 40))
    result = []
    for index in range(count):
        at = datetime(2024, 1, 1, tzinfo=draw(st.sampled_from(ZONES))) + timedelta(
            minutes=draw(st.integers(0, 60 * 24 * 90)))
        result.append(CheckIn(
            id=index + 1, at=at, mood=draw(st.integers(1, 5)),
            energy=draw(st.none() | st.integers(1, 5)),
            emotions=tuple(draw(st.sets(st.sampled_from(("calm", "sad")), max_size=2))),
            activities=tuple(draw(st.sets(st.sampled_from(("walk", "work", "read")),
                                          max_size=3))),
            sleep_hours=draw(st.none() | st.sampled_from((4.5, 6.0, 7.25, 8.0, 10.0))),
        ))
    return result


def _in_scale(value: float | None) -> bool:
    return value is None or 1 - 1e-9 <= value <= 5 + 1e-9


@settings(max_examples=60, deadline=None)
@given(checkin_lists(), st.randoms(use_true_random=False))
def test_summary_properties(checkins: list[CheckIn], rnd: random.Random) -> None:
    today = date(2024, 4, 30)
    summary = insights_summary(checkins, today)
    n, days = len(checkins), summary.based_on.days
    assert summary.based_on.checkins == n
    points = summary.series.points
    assert sum(p.checkins for p in points) == n
    assert sum(p.checkins > 0 for p in points) == days
    for p in points:
        assert all(_in_scale(v) for v in (p.mood, p.energy, p.mood_7, p.mood_30, p.energy_7,
                                          p.energy_30))
        assert (p.mood is None) == (p.checkins == 0)
    assert sum(b.count for b in summary.times_of_day.buckets) == n
    assert sum(b.count for b in summary.weekdays.buckets) == days
    assert all(_in_scale(b.mean_mood) for b in summary.weekdays.buckets)
    assert all(_in_scale(b.mean_mood) for b in summary.sleep.buckets)
    assert sum(b.count for b in summary.sleep.buckets) == summary.sleep.based_on.days
    assert all(v is None or 1 <= v <= 5 for row in summary.pixels.months for v in row)
    for found in (summary.activities, summary.emotions):
        diffs = [a.difference for a in found.items]
        assert diffs == sorted(diffs, reverse=True)
        for a in found.items:
            assert a.n_with_days + a.n_without_days == days
            assert min(a.n_with_days, a.n_without_days) >= 3
            assert _in_scale(a.mood_with) and _in_scale(a.mood_without)
            assert a.sentence.startswith(f"On days with {a.label}, your mood averaged ")
    shuffled = list(checkins)
    rnd.shuffle(shuffled)
    assert insights_summary(shuffled, today) == summary


# -- questionnaires in words (issue 18: the band explained, not just named) ---------------------

def _points(kind: str, *scores: int) -> tuple:  # type: ignore[type-arg]
    from companion.questionnaire_store import TrendPoint

    return tuple(TrendPoint(datetime(2026, 3, 1 + 7 * i, 10, tzinfo=UTC), score, "")
                 for i, score in enumerate(scores))


def test_the_latest_score_is_placed_in_its_band_and_the_band_explained():
    from companion.insights.questionnaire_words import kind_title, latest_sentences
    from companion.questionnaire_store import Trend
    from companion.questionnaires import QuestionnaireKind

    phq9 = QuestionnaireKind.PHQ9
    points = _points("phq9", 9, 12)
    words = latest_sentences(phq9, Trend(phq9, points), points[-1])
    assert words.startswith("Latest: 12 of 27 on 8 Mar 2026, in the moderate band (10–14).")
    assert "From 10, screening guidelines suggest talking it over" in words
    assert "3 higher than the time before (worse)." in words
    who5 = QuestionnaireKind.WHO5
    points = _points("who5", 40, 60)
    words = latest_sentences(who5, Trend(who5, points), points[-1])
    assert "in the adequate wellbeing band (50–100)" in words
    assert "20 higher than the time before (better)." in words  # higher is better on WHO-5
    assert kind_title(phq9) == "PHQ-9 · low mood"  # not "PHQ-9 — … (PHQ-9)"


def test_a_questionnaire_never_taken_or_taken_before_the_period_says_so():
    from companion.insights.questionnaire_words import latest_sentences
    from companion.questionnaire_store import Trend
    from companion.questionnaires import QuestionnaireKind

    gad7 = QuestionnaireKind.GAD7
    assert latest_sentences(gad7, Trend(gad7, ()), None).startswith("Not taken yet. Seven "
                                                                   "questions")
    earlier = _points("gad7", 3)[0]
    words = latest_sentences(gad7, Trend(gad7, ()), earlier)
    assert words.startswith("None in this period. The last one: 3 of 21 on 1 Mar 2026, in the "
                            "minimal band (0–4).")
