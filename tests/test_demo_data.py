"""The demo's sample year holds together (issue 18, item 5): the words agree with the dates,
and the app's own insights find associations that make sense, gently, not melodramatically."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone

import pytest

from companion.app import CompanionApp
from companion.demo_data import (
    demo_days,
    demo_drafts,
    demo_questionnaires,
    fill_demo_vault,
    fill_with_demo_data,
)
from companion.demo_text import _SEASON_LINES, WEEKDAYS
from companion.models import CheckInDraft, EntryDraft
from companion.period import load_period

ZONE = timezone(timedelta(hours=1))
# The end of the demo's year in different seasons (and the screenshots' moment).
ENDS = [datetime(2026, 11, 20, 21, 40, tzinfo=ZONE), datetime(2026, 5, 3, 9, 0, tzinfo=ZONE),
        datetime(2025, 1, 20, 23, 0, tzinfo=ZONE)]
SEASON_MONTHS = {"winter": (12, 1, 2), "spring": (3, 4, 5), "summer": (6, 7, 8),
                 "autumn": (9, 10, 11)}


def _entries(end: datetime) -> list[EntryDraft]:
    return [d for d in demo_drafts(end) if isinstance(d, EntryDraft)]


@pytest.mark.parametrize("end", ENDS, ids=lambda e: e.date().isoformat())
def test_weekday_names_in_entries_are_their_own_dates(end: datetime) -> None:
    entries = _entries(end)
    named = 0
    for entry in entries:
        assert entry.at is not None
        own = WEEKDAYS[entry.at.weekday()]
        said = set(re.findall("|".join(WEEKDAYS), f"{entry.title}\n{entry.body}"))
        assert said <= {own}, (entry.at.date(), said, entry.title, entry.body)
        named += bool(said)
    assert named > 50  # the check looked at entries that do name a day


@pytest.mark.parametrize("end", ENDS, ids=lambda e: e.date().isoformat())
def test_the_season_said_is_the_dates(end: datetime) -> None:
    for entry in _entries(end):
        assert entry.at is not None
        for season, lines in _SEASON_LINES.items():
            if any(line in entry.body for line in lines):
                assert entry.at.month in SEASON_MONTHS[season], (entry.at.date(), entry.body)


def test_activities_are_named_only_on_days_that_had_them() -> None:
    end = ENDS[0]
    days = {d.day: d for d in demo_days(end.date())}
    checkins = [d for d in demo_drafts(end) if isinstance(d, CheckInDraft)]
    for checkin in checkins:
        assert checkin.at is not None
        day = days[checkin.at.date()]
        assert set(checkin.activities) <= set(day.activities)
        assert (checkin.sleep_hours is not None) == (checkin.at.hour == 8)
    for entry in _entries(end):
        assert entry.at is not None
        day = days[entry.at.date()]
        if "Walked by the river" in entry.body or "walk by the river" in entry.body:
            assert "walk" in day.activities
        if "Slept badly" in entry.body:
            assert day.sleep < 6


def test_the_same_seed_gives_the_same_year() -> None:
    end = ENDS[0]
    assert list(demo_drafts(end, 60)) == list(demo_drafts(end, 60))
    assert list(demo_drafts(end, 60, seed=8)) != list(demo_drafts(end, 60))


def _differences(app: CompanionApp, days: int) -> tuple[dict[str, float], dict[str, float]]:
    today = app.clock.now().date()
    period = load_period(app, today - timedelta(days=days - 1), today)
    activities = {a.label: a.difference for a in period.insights.activities.items}
    emotions = {a.label: a.difference for a in period.insights.emotions.items}
    return activities, emotions


def test_the_insights_find_associations_that_make_sense(app: CompanionApp) -> None:
    # The app's own insights over the demo's year (the fixture's clock: 14 March 2026).
    fill_with_demo_data(app)
    activities, emotions = _differences(app, 365)
    for better in ("walk", "friends", "exercise", "outdoors"):
        assert activities[better] > 0.15, (better, activities)
    assert activities["work"] < -0.15, activities
    for better in ("relieved", "grateful", "calm", "happy"):
        assert emotions[better] > 0.1, (better, emotions)
    for harder in ("anxious", "overwhelmed", "stressed", "sad"):
        assert emotions[harder] < -0.3, (harder, emotions)
    # The Insights page opens on 90 days: the plainest ones hold there too.
    activities, emotions = _differences(app, 90)
    assert activities["walk"] > 0 and activities["friends"] > 0 and activities["work"] < 0
    assert emotions["grateful"] > 0 and emotions["anxious"] < 0


def test_longer_nights_go_with_better_days(app: CompanionApp) -> None:
    fill_with_demo_data(app)
    today = app.clock.now().date()
    sleep = load_period(app, today - timedelta(days=364), today).insights.sleep
    assert sleep.correlation is not None and sleep.correlation > 0.15
    means = {b.label: b.mean_mood for b in sleep.buckets}
    short, ok, long = means["under 6 h"], means["7–8 h"], means["8 h or more"]
    assert short is not None and ok is not None and long is not None
    assert short + 0.3 < ok and short + 0.3 < long


@pytest.mark.parametrize("end", ENDS, ids=lambda e: e.date().isoformat())
def test_the_seasons_are_gentle(end: datetime) -> None:
    days = demo_days(end.date())
    by_month: dict[tuple[int, int], list[float]] = defaultdict(list)
    for day in days:
        by_month[(day.day.year, day.day.month)].append(day.mood)
    means = [sum(m) / len(m) for m in by_month.values() if len(m) >= 10]
    assert min(means) >= 3.1 and max(means) <= 4.2, means
    assert max(means) - min(means) > 0.25  # they do vary
    moods = [d.mood for d in demo_drafts(end) if isinstance(d, CheckInDraft)]
    assert moods.count(1) / len(moods) < 0.03
    assert 3.2 < sum(moods) / len(moods) < 4.0


def test_questionnaires_stay_mild_and_never_flag_item_nine() -> None:
    days = demo_days(date(2026, 11, 20))
    taken = list(demo_questionnaires(days, ZONE))
    assert {kind for kind, _, _ in taken} == {"phq9", "gad7", "who5"}
    assert len(taken) == 3 * 13
    for kind, answers, at in taken:
        assert at.date() <= date(2026, 11, 20)
        if kind == "phq9":
            assert answers[8] == 0 and sum(answers) < 15
        if kind == "gad7":
            assert sum(answers) < 15


def test_the_demo_vault_has_screen_time_budgets_and_questionnaires(app: CompanionApp) -> None:
    fill_demo_vault(app, days=60)
    today = app.clock.now().date()
    period = load_period(app, today - timedelta(days=44), today)
    assert len(period.screen_hours) >= 30
    assert {"video", "social media", "work"} <= set(period.screen_categories)
    budgets = {(b.kind, b.target): b.limit for b in app.screen_time.budgets()}
    assert budgets == {("total", ""): timedelta(hours=6), ("category", "video"):
                       timedelta(minutes=45), ("category", "social media"): timedelta(minutes=30)}
    assert len(app.questionnaire_history()) == 3 * 2  # two four-week rounds in 60 days
