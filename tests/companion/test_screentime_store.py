"""Screen-time spans, totals, categories and budgets in a real (encrypted) vault."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from companion.app import CompanionApp
from companion.errors import InvalidInput, NotFound
from companion.screentime.categories import CategoryRule, default_rules
from companion.screentime.store import ScreenTime
from companion.screentime.tracker import (
    ActiveWindow,
    Budget,
    SpanClosed,
    Tracker,
    budgets_for,
)

TZ = timezone(timedelta(hours=1))
T0 = datetime(2026, 3, 14, 9, 0, tzinfo=TZ)


@pytest.fixture
def screen(app: CompanionApp) -> ScreenTime:
    return ScreenTime(app.vault.database)


def span(app: str, minutes: float, *, start: datetime = T0, category: str = "other",
         day: str = "2026-03-14", title: str | None = None) -> SpanClosed:
    return SpanClosed(app, title, category, start, start + timedelta(minutes=minutes), day)


def test_daily_totals_per_app_and_category(screen: ScreenTime) -> None:
    saved = screen.save_spans([
        span("firefox", 10, category="browsers", title="News"),
        span("code", 30, start=T0 + timedelta(minutes=10), category="development"),
        span("firefox", 5, start=T0 + timedelta(minutes=40), category="browsers"),
        span("chromium", 2, start=T0 + timedelta(minutes=45), category="browsers"),
        span("code", 60, start=T0 + timedelta(days=1), day="2026-03-15",
             category="development"),
    ])
    assert saved == 5
    totals = screen.totals("2026-03-14")
    assert totals.by_app == {"code": timedelta(minutes=30), "firefox": timedelta(minutes=15),
                             "chromium": timedelta(minutes=2)}
    assert totals.by_category == {"development": timedelta(minutes=30),
                                  "browsers": timedelta(minutes=17)}
    assert totals.total == timedelta(minutes=47)
    assert screen.totals("2026-03-16").total == timedelta()
    stored = screen.spans("2026-03-14")
    assert stored[0] == span("firefox", 10, category="browsers", title="News")
    assert stored[0].start.utcoffset() == timedelta(hours=1)


def test_tracker_spans_land_on_the_tracker_day(screen: ScreenTime) -> None:
    tracker = Tracker(categorize=screen.categorizer())
    late = datetime(2026, 3, 15, 3, 50, tzinfo=TZ)   # before 04:00: still the 14th
    events = tracker.tick(late, ActiveWindow("Firefox", "A page"), 0)
    now = late
    for _ in range(240):                            # 20 minutes, across 04:00
        now += timedelta(seconds=5)
        events += tracker.tick(now, ActiveWindow("Firefox", "A page"), 0)
    events += tracker.close(now)
    screen.save_spans(e for e in events if isinstance(e, SpanClosed))
    assert screen.totals("2026-03-14").by_category == {"browsing": timedelta(minutes=10)}
    assert screen.totals("2026-03-15").by_app == {"Firefox": timedelta(minutes=10)}


def test_a_span_cannot_end_before_it_starts(screen: ScreenTime) -> None:
    with pytest.raises(InvalidInput):
        screen.save_spans([span("code", -1)])
    assert screen.save_spans([]) == 0


def test_default_rules_follow_the_issue_and_titles_come_first(screen: ScreenTime) -> None:
    categorize = screen.categorizer()
    assert {rule.category for rule in default_rules()} | {"other"} == {
        "social media", "video", "games", "messaging", "work", "browsing", "other"}
    assert categorize("FIREFOX", "Some page") == "browsing"
    assert categorize("firefox", "Cats - YouTube") == "video"
    assert categorize("chromium", "(3) Home / X.com") == "social media"
    assert categorize("firefox", None) == "browsing"        # privacy mode: apps only
    assert categorize("steam", None) == "games"
    assert categorize("Signal", None) == "messaging"
    assert categorize("code", "main.py") == "work"
    assert categorize("unknown-app", "x") == "other"


def test_rules_are_editable_and_overrides_come_first(screen: ScreenTime) -> None:
    saved = screen.set_rules([CategoryRule(" Reading ", app="^(calibre|foliate)$"),
                              CategoryRule("study", title=r"\bcourse\b", app="firefox")])
    assert saved == (CategoryRule("reading", "^(calibre|foliate)$"),
                     CategoryRule("study", "firefox", r"\bcourse\b"))
    assert screen.rules() == saved
    categorize = screen.categorizer()
    assert categorize("Calibre", None) == "reading"
    assert categorize("firefox", "My course - week 2") == "study"
    assert categorize("firefox", "News") == "other"          # the defaults are replaced
    screen.set_category("firefox", "Work")
    assert screen.categorizer()("firefox", "News") == "work"
    screen.set_category("Firefox", None)
    assert screen.set_rules(None) == default_rules()
    assert screen.categorizer()("firefox", "News") == "browsing"
    with pytest.raises(InvalidInput, match="rule 2 is not a valid regular expression"):
        screen.set_rules([CategoryRule("a", app="x"), CategoryRule("b", title="(unclosed")])
    with pytest.raises(InvalidInput, match="Rule 1 has neither"):
        screen.set_rules([CategoryRule("a")])
    with pytest.raises(InvalidInput):
        screen.set_category("  ", "games")
    assert screen.rules() == default_rules()                  # failed edits change nothing


def test_budgets_crud(screen: ScreenTime) -> None:
    assert screen.budgets() == ()
    screen.set_budget("category", "games", 60)
    screen.set_budget("app", "firefox", 30)
    screen.set_budget("app", "Firefox", 45)         # same budget, case-insensitive
    assert screen.budgets() == (
        Budget("app", "firefox", timedelta(minutes=45)),
        Budget("category", "games", timedelta(minutes=60)),
    )
    screen.remove_budget("app", "FIREFOX")
    assert [b.target for b in screen.budgets()] == ["games"]
    with pytest.raises(NotFound):
        screen.remove_budget("app", "firefox")
    for bad in (0, -5, 1441, 2.5, True):
        with pytest.raises(InvalidInput):
            screen.set_budget("app", "x", bad)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        screen.set_budget("window", "x", 5)  # type: ignore[arg-type]


def test_budgets_for_the_total_and_per_weekday(screen: ScreenTime) -> None:
    screen.set_budget("total", "ignored", 240)
    screen.set_budget("category", "video", 60)
    screen.set_budget("category", "video", 120, weekday=5)   # Saturdays
    assert set(screen.budgets()) == {
        Budget("total", "", timedelta(minutes=240)),
        Budget("category", "video", timedelta(minutes=60)),
        Budget("category", "video", timedelta(minutes=120), 5)}
    saturday, monday = date(2026, 3, 14), date(2026, 3, 16)
    assert {b.limit for b in budgets_for(screen.budgets(), saturday) if b.kind == "category"} \
        == {timedelta(minutes=120)}
    assert {b.limit for b in budgets_for(screen.budgets(), monday) if b.kind == "category"} \
        == {timedelta(minutes=60)}
    screen.remove_budget("category", "video", 5)
    screen.remove_budget("total", "")
    assert screen.budgets() == (Budget("category", "video", timedelta(minutes=60)),)
    with pytest.raises(InvalidInput):
        screen.set_budget("app", "x", 5, weekday=7)


def test_daily_totals_by_category_over_a_range(screen: ScreenTime) -> None:
    screen.save_spans([span("firefox", 10, category="browsing"),
                       span("vlc", 20, start=T0 + timedelta(days=1), day="2026-03-15",
                            category="video"),
                       span("vlc", 5, start=T0 + timedelta(days=9), day="2026-03-23",
                            category="video")])
    assert screen.daily_by_category("2026-03-14", "2026-03-22") == {
        "2026-03-14": {"browsing": timedelta(minutes=10)},
        "2026-03-15": {"video": timedelta(minutes=20)}}
