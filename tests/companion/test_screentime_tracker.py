"""The pure screen-time tracker, driven by plain datetimes (no clock, no platform)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from companion.screentime.tracker import (
    ActiveWindow,
    BreakDue,
    Budget,
    BudgetWarning,
    Event,
    IdleEnded,
    IdleStarted,
    SpanClosed,
    Tracker,
    TrackerSettings,
    tracker_day,
)

TZ = timezone(timedelta(hours=1))
T0 = datetime(2026, 3, 14, 9, 0, tzinfo=TZ)
EDITOR = ActiveWindow("code", "main.py")
BROWSER = ActiveWindow("firefox", "News")


def run(tracker: Tracker, start: datetime, seconds: int, active: ActiveWindow | None,
        *, step: int = 5, idle: float | None = None) -> tuple[datetime, list[Event]]:
    """Tick every `step` seconds for `seconds` (exclusive of start); idle grows if given."""
    events: list[Event] = []
    now = start
    for _ in range(seconds // step):
        now += timedelta(seconds=step)
        idle_now = 0.0 if idle is None else idle + (now - start).total_seconds()
        events += tracker.tick(now, active, idle_now)
    return now, events


def spans(events: list[Event]) -> list[SpanClosed]:
    return [e for e in events if isinstance(e, SpanClosed)]


def test_heartbeats_of_the_same_window_merge_into_one_span() -> None:
    tracker = Tracker()
    assert tracker.tick(T0, EDITOR, 0) == []
    now, events = run(tracker, T0, 60, EDITOR)
    assert events == []
    closed = tracker.close(now)
    assert [(s.app, s.title, s.start, s.end) for s in spans(closed)] == [
        ("code", "main.py", T0, T0 + timedelta(seconds=60))]
    assert spans(closed)[0].day == "2026-03-14"


def test_switching_app_or_title_closes_the_span_at_the_switch() -> None:
    tracker = Tracker()
    tracker.tick(T0, EDITOR, 0)
    now, _ = run(tracker, T0, 30, EDITOR)
    switched = tracker.tick(now + timedelta(seconds=5), BROWSER, 0)
    assert [(s.app, s.end) for s in spans(switched)] == [("code", T0 + timedelta(seconds=35))]
    retitled = tracker.tick(now + timedelta(seconds=10), ActiveWindow("firefox", "Mail"), 0)
    assert [(s.title, s.start, s.seconds) for s in spans(retitled)] == [
        ("News", T0 + timedelta(seconds=35), 5.0)]


def test_no_active_window_closes_the_span() -> None:
    tracker = Tracker()
    tracker.tick(T0, EDITOR, 0)
    events = tracker.tick(T0 + timedelta(seconds=5), None, 0)
    assert [s.seconds for s in spans(events)] == [5.0]
    assert tracker.close(T0 + timedelta(seconds=10)) == []


def test_idle_closes_the_span_when_input_stopped() -> None:
    tracker = Tracker()
    tracker.tick(T0, EDITOR, 0)
    now, _ = run(tracker, T0, 60, EDITOR)          # active until 09:01
    now, events = run(tracker, now, 180, EDITOR, idle=0)  # no input for 3 minutes
    started = [e for e in events if isinstance(e, IdleStarted)]
    assert started == [IdleStarted(T0 + timedelta(seconds=60))]
    assert [(s.start, s.end) for s in spans(events)] == [(T0, T0 + timedelta(seconds=60))]
    assert tracker.idle
    assert tracker.tick(now + timedelta(seconds=5), EDITOR, 200) == []
    back = tracker.tick(now + timedelta(seconds=10), EDITOR, 2)
    assert back == [IdleEnded(now + timedelta(seconds=8))]
    closed = spans(tracker.close(now + timedelta(seconds=20)))
    assert closed[0].start == now + timedelta(seconds=8)


def test_short_pauses_are_not_idle() -> None:
    tracker = Tracker()
    tracker.tick(T0, EDITOR, 0)
    _, events = run(tracker, T0, 170, EDITOR, idle=0)
    assert events == []


def test_a_gap_longer_than_the_pulse_closes_the_span_at_the_last_heartbeat() -> None:
    tracker = Tracker()
    tracker.tick(T0, EDITOR, 0)
    now, _ = run(tracker, T0, 60, EDITOR)
    woke = now + timedelta(hours=2)
    events = tracker.tick(woke, EDITOR, 0)
    assert [(s.start, s.end) for s in spans(events)] == [(T0, now)]
    closed = spans(tracker.close(woke + timedelta(seconds=10)))
    assert [(s.start, s.end) for s in closed] == [(woke, woke + timedelta(seconds=10))]


def test_a_clock_going_back_is_ignored_until_it_catches_up() -> None:
    tracker = Tracker()
    tracker.tick(T0, EDITOR, 0)
    assert tracker.tick(T0 - timedelta(minutes=5), BROWSER, 0) == []
    events = tracker.tick(T0 + timedelta(seconds=5), BROWSER, 0)
    assert [s.app for s in spans(events)] == ["code"]


def test_keep_titles_false_drops_window_titles() -> None:
    tracker = Tracker(TrackerSettings(keep_titles=False))
    tracker.tick(T0, EDITOR, 0)
    tracker.tick(T0 + timedelta(seconds=5), ActiveWindow("code", "other.py"), 0)
    closed = spans(tracker.close(T0 + timedelta(seconds=10)))
    assert [(s.app, s.title, s.seconds) for s in closed] == [("code", None, 10.0)]


def test_spans_are_split_at_the_day_start_hour() -> None:
    late = datetime(2026, 3, 15, 3, 59, 50, tzinfo=TZ)
    tracker = Tracker()
    tracker.tick(late, EDITOR, 0)
    events = tracker.tick(late + timedelta(seconds=15), EDITOR, 0)
    boundary = datetime(2026, 3, 15, 4, 0, tzinfo=TZ)
    assert [(s.start, s.end, s.day) for s in spans(events)] == [(late, boundary, "2026-03-14")]
    closed = spans(tracker.close(late + timedelta(seconds=20)))
    assert [(s.start, s.day) for s in closed] == [(boundary, "2026-03-15")]


def test_the_day_start_hour_is_configurable() -> None:
    assert tracker_day(datetime(2026, 3, 15, 3, 0, tzinfo=TZ)) == date(2026, 3, 14)
    assert tracker_day(datetime(2026, 3, 15, 3, 0, tzinfo=TZ), 0) == date(2026, 3, 15)
    tracker = Tracker(TrackerSettings(day_start_hour=0))
    tracker.tick(datetime(2026, 3, 14, 23, 59, 55, tzinfo=TZ), EDITOR, 0)
    events = tracker.tick(datetime(2026, 3, 15, 0, 0, 5, tzinfo=TZ), EDITOR, 0)
    assert [s.day for s in spans(events)] == ["2026-03-14"]


def test_eye_break_after_twenty_minutes_and_again_if_skipped() -> None:
    tracker = Tracker()
    tracker.tick(T0, EDITOR, 0)
    _, events = run(tracker, T0, 41 * 60, EDITOR)
    due = [e for e in events if isinstance(e, BreakDue)]
    assert [(e.kind, e.at) for e in due] == [
        ("eye", T0 + timedelta(minutes=20)), ("eye", T0 + timedelta(minutes=40))]


def test_a_twenty_second_pause_resets_the_eye_break() -> None:
    tracker = Tracker()
    tracker.tick(T0, EDITOR, 0)
    now, _ = run(tracker, T0, 15 * 60, EDITOR)
    now, _ = run(tracker, now, 25, EDITOR, idle=0)   # looks away for 25 s
    _, events = run(tracker, now, 10 * 60, EDITOR)
    assert not [e for e in events if isinstance(e, BreakDue)]


def test_rest_break_after_fifty_minutes_resets_after_five_idle_minutes() -> None:
    tracker = Tracker()
    tracker.tick(T0, EDITOR, 0)
    now, events = run(tracker, T0, 50 * 60, EDITOR)
    rests = [e for e in events if isinstance(e, BreakDue) and e.kind == "rest"]
    assert [e.at for e in rests] == [T0 + timedelta(minutes=50)]
    assert rests[0].suggested == timedelta(minutes=5)
    now, _ = run(tracker, now, 40 * 60, EDITOR)
    now, _ = run(tracker, now, 6 * 60, EDITOR, idle=0)  # a real rest
    _, events = run(tracker, now, 45 * 60, EDITOR)
    assert not [e for e in events if isinstance(e, BreakDue) and e.kind == "rest"]


def test_budget_warnings_at_80_and_100_percent_once_per_day() -> None:
    budget = Budget("category", "Browsers", timedelta(minutes=10))
    tracker = Tracker(categorize=lambda app, title: "browsers", budgets=(budget,))
    tracker.tick(T0, BROWSER, 0)
    now, events = run(tracker, T0, 15 * 60, BROWSER)
    warnings = [e for e in events if isinstance(e, BudgetWarning)]
    assert [(w.level, w.at) for w in warnings] == [
        (80, T0 + timedelta(minutes=8)), (100, T0 + timedelta(minutes=10))]
    assert warnings[0].used == timedelta(minutes=8)
    # A new app later the same day adds to the category but warns no more.
    now, events = run(tracker, now, 60, ActiveWindow("chromium"))
    assert not [e for e in events if isinstance(e, BudgetWarning)]
    # The next day starts fresh.
    tomorrow = datetime(2026, 3, 15, 9, 0, tzinfo=TZ)
    tracker.tick(tomorrow, BROWSER, 0)
    _, events = run(tracker, tomorrow, 9 * 60, BROWSER)
    assert [w.level for w in events if isinstance(w, BudgetWarning)] == [80]


def test_postponed_budget_warnings_wait_and_skip_to_the_highest_level() -> None:
    budget = Budget("app", "firefox", timedelta(minutes=10))
    tracker = Tracker(budgets=(budget,))
    tracker.tick(T0, BROWSER, 0)
    tracker.postpone(budget, 15, T0)
    now, events = run(tracker, T0, 14 * 60, BROWSER)
    assert not [e for e in events if isinstance(e, BudgetWarning)]
    _, events = run(tracker, now, 2 * 60, BROWSER)
    warnings = [e for e in events if isinstance(e, BudgetWarning)]
    assert [(w.level, w.at) for w in warnings] == [(100, T0 + timedelta(minutes=15))]


def test_a_snoozed_warning_comes_back_after_the_snooze() -> None:
    budget = Budget("app", "firefox", timedelta(minutes=10))
    tracker = Tracker(budgets=(budget,))
    tracker.tick(T0, BROWSER, 0)
    now, events = run(tracker, T0, 11 * 60, BROWSER)
    assert [w.level for w in events if isinstance(w, BudgetWarning)] == [80, 100]
    tracker.postpone(budget, 15, now)  # "Remind me in 15 min" on the 100% warning
    later, events = run(tracker, now, 14 * 60, BROWSER)
    assert not [e for e in events if isinstance(e, BudgetWarning)]
    _, events = run(tracker, later, 2 * 60, BROWSER)
    warnings = [e for e in events if isinstance(e, BudgetWarning)]
    assert [(w.level, w.at) for w in warnings] == [(100, now + timedelta(minutes=15))]


def test_preloaded_usage_counts_towards_budgets() -> None:
    budget = Budget("app", "firefox", timedelta(minutes=10))
    tracker = Tracker(budgets=(budget,))
    tracker.preload(date(2026, 3, 14), budget.key, timedelta(minutes=9))
    events = tracker.tick(T0, BROWSER, 0) + tracker.tick(T0 + timedelta(seconds=5), BROWSER, 0)
    assert [w.level for w in events if isinstance(w, BudgetWarning)] == [80]


APPS = [None, ActiveWindow("a", "1"), ActiveWindow("a", "2"), ActiveWindow("b", None)]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 400), st.sampled_from(APPS), st.integers(0, 600)),
                max_size=80),
       st.integers(0, 23), st.booleans())
def test_random_heartbeats_keep_the_span_invariants(
        ticks: list[tuple[int, ActiveWindow | None, int]], hour: int, titles: bool) -> None:
    tracker = Tracker(TrackerSettings(day_start_hour=hour, keep_titles=titles))
    start = now = datetime(2026, 3, 14, 23, 50, tzinfo=TZ)
    events: list[Event] = []
    for step, active, idle in ticks:
        now += timedelta(seconds=step)
        events += tracker.tick(now, active, idle)
    events += tracker.close(now)
    closed = spans(events)
    for span in closed:
        assert start <= span.start <= span.end <= now
        assert span.day == tracker_day(span.start, hour).isoformat()
        assert tracker_day(span.end - timedelta(microseconds=1), hour).isoformat() == span.day \
            or span.end == span.start
        if not titles:
            assert span.title is None
    for before, after in zip(closed, closed[1:], strict=False):
        assert before.end <= after.start
    assert sum((s.end - s.start for s in closed), timedelta()) <= now - start
    idles = [e for e in events if isinstance(e, IdleStarted | IdleEnded)]
    assert all(isinstance(e, IdleStarted) == (i % 2 == 0) for i, e in enumerate(idles))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(1, 900), st.sampled_from(APPS[1:])),
                min_size=1, max_size=25),
       st.integers(1, 30))
def test_idle_stretches_are_never_counted(
        segments: list[tuple[bool, int, ActiveWindow]], step: int) -> None:
    """Scripted input: stretches of use and of no input (idle_seconds grows as it would from
    a real probe). No span may overlap a stretch without input that reached the idle limit,
    and the time tracked never exceeds the time with input."""
    tracker = Tracker()
    limit = tracker.settings.idle_after.total_seconds()
    start = now = datetime(2026, 3, 14, 9, 0, tzinfo=TZ)
    last_input = now
    events: list[Event] = []
    idle_stretches: list[tuple[datetime, datetime]] = []
    for using, seconds, window in segments:
        end = now + timedelta(seconds=seconds)
        while now < end:
            now = min(end, now + timedelta(seconds=step))
            if using:
                last_input = now
            events += tracker.tick(now, window, (now - last_input).total_seconds())
        if not using and (now - last_input).total_seconds() >= limit + step:
            if idle_stretches and idle_stretches[-1][0] == last_input:
                idle_stretches.pop()  # the same stretch, grown by another idle segment
            idle_stretches.append((last_input, now))
    events += tracker.close(now)
    closed = spans(events)
    for a, b in idle_stretches:
        assert all(s.end <= a or s.start >= b for s in closed), (a, b)
    idle_total = sum((b - a).total_seconds() for a, b in idle_stretches)
    tracked = sum(s.seconds for s in closed)
    assert tracked <= (now - start).total_seconds() - idle_total
