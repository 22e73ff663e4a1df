"""Screen-time spans, totals, categories and budgets in a real (encrypted) vault."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from companion.app import CompanionApp
from companion.errors import InvalidInput, NotFound
from companion.screentime.store import (
    ScreenTime,
    default_categories,
    register_screentime_schema,
)
from companion.screentime.tracker import ActiveWindow, Budget, SpanClosed, Tracker

# The app registers its own components on import; screen time joins before any vault opens.
register_screentime_schema()

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
    assert screen.totals("2026-03-14").by_category == {"browsers": timedelta(minutes=10)}
    assert screen.totals("2026-03-15").by_app == {"Firefox": timedelta(minutes=10)}


def test_a_span_cannot_end_before_it_starts(screen: ScreenTime) -> None:
    with pytest.raises(InvalidInput):
        screen.save_spans([span("code", -1)])
    assert screen.save_spans([]) == 0


def test_default_categories_can_be_overridden_per_user(screen: ScreenTime) -> None:
    assert default_categories()["firefox"] == "browsers"
    assert default_categories()["steam"] == "games"
    categorize = screen.categorizer()
    assert categorize("FIREFOX") == "browsers"
    assert categorize("unknown-app") == "other"
    screen.set_category("firefox", "work/office")
    screen.set_category("my-tool", "development")
    categorize = screen.categorizer()
    assert (categorize("Firefox"), categorize("my-tool")) == ("work/office", "development")
    screen.set_category("Firefox", None)
    assert screen.categorizer()("firefox") == "browsers"
    with pytest.raises(InvalidInput):
        screen.set_category("  ", "games")


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
