"""The pure screen-time tracker: heartbeats in, events out (DESIGN.md §6).

`Tracker.tick(now, active, idle_seconds)` is called every few seconds by whatever drives it (a
QTimer in the app, a fake clock in tests). It reads no clock, does no I/O and knows no platform.

Heartbeats of the same app and title merge into one span while they arrive within `pulse` of
each other (ActivityWatch's pulsetime). A span closes when the app or title changes (at the new
heartbeat's time), when the user goes idle (at the moment input stopped: `now - idle_seconds`),
when a gap longer than `pulse` shows the machine slept (at the last heartbeat), or when the day
starts (at the day-start hour, default 04:00, the span is split in two).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Literal

BudgetKind = Literal["app", "category"]
BreakKind = Literal["eye", "rest"]


@dataclass(frozen=True)
class ActiveWindow:
    app: str
    title: str | None = None


@dataclass(frozen=True)
class SpanClosed:
    app: str
    title: str | None
    category: str
    start: datetime
    end: datetime
    day: str  # the tracker's day (starting at the day-start hour), YYYY-MM-DD

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


@dataclass(frozen=True)
class IdleStarted:
    at: datetime  # when input stopped


@dataclass(frozen=True)
class IdleEnded:
    at: datetime  # when input resumed


@dataclass(frozen=True)
class BreakDue:
    kind: BreakKind
    at: datetime
    suggested: timedelta  # how long a break to suggest


@dataclass(frozen=True)
class Budget:
    kind: BudgetKind
    target: str
    limit: timedelta

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.target.lower()}"


@dataclass(frozen=True)
class BudgetWarning:
    budget: Budget
    level: int  # 80 or 100 (percent)
    used: timedelta
    at: datetime


Event = SpanClosed | IdleStarted | IdleEnded | BreakDue | BudgetWarning


@dataclass(frozen=True)
class TrackerSettings:
    pulse: timedelta = timedelta(seconds=30)
    idle_after: timedelta = timedelta(minutes=3)
    eye_after: timedelta = timedelta(minutes=20)
    eye_reset: timedelta = timedelta(seconds=20)
    rest_after: timedelta = timedelta(minutes=50)
    rest_reset: timedelta = timedelta(minutes=5)
    rest_suggested: timedelta = timedelta(minutes=5)
    day_start_hour: int = 4
    keep_titles: bool = True
    budget_levels: tuple[int, ...] = (80, 100)


def tracker_day(when: datetime, day_start_hour: int = 4) -> date:
    """The day `when` belongs to when days start at `day_start_hour` local time."""
    return (when - timedelta(hours=day_start_hour)).date()


def day_start(day: date, day_start_hour: int, tz: tzinfo | None) -> datetime:
    """The moment `day` begins in zone `tz`."""
    return datetime.combine(day, time(day_start_hour), tzinfo=tz)


@dataclass
class _Span:
    app: str
    title: str | None
    category: str
    start: datetime
    end: datetime


def _uncategorized(app: str) -> str:
    return "other"


@dataclass
class Tracker:
    settings: TrackerSettings = field(default_factory=TrackerSettings)
    categorize: Callable[[str], str] = _uncategorized
    budgets: tuple[Budget, ...] = ()

    def __post_init__(self) -> None:
        if not 0 <= self.settings.day_start_hour <= 23:
            raise ValueError("day_start_hour must be 0–23")
        self._span: _Span | None = None
        self._last: datetime | None = None
        self._idle = False
        self._eye_since: datetime | None = None
        self._rest_since: datetime | None = None
        self._used: dict[tuple[date, str], timedelta] = {}
        self._fired: set[tuple[date, str, int]] = set()
        self._postponed: dict[str, datetime] = {}

    # -- public ----------------------------------------------------------------------------

    @property
    def idle(self) -> bool:
        return self._idle

    def set_budgets(self, budgets: tuple[Budget, ...]) -> None:
        self.budgets = tuple(budgets)

    def preload(self, day: date, key: str, used: timedelta) -> None:
        """Usage already recorded today (say, before a restart) so budgets count it."""
        self._used[(day, key)] = self._used.get((day, key), timedelta()) + used

    def postpone(self, budget: Budget, minutes: float, now: datetime) -> None:
        """No warnings for `budget` until `minutes` after `now`."""
        self._postponed[budget.key] = now + timedelta(minutes=minutes)

    def used(self, day: date, key: str) -> timedelta:
        """Active time on `day` for an "app:name" or "category:name" key, open span included."""
        total = self._used.get((day, key), timedelta())
        span = self._span
        if span is not None and key in self._keys(span):
            for piece_day, start, end in self._pieces(span.start, span.end):
                if piece_day == day:
                    total += end - start
        return total

    def close(self, now: datetime) -> list[Event]:
        """Stop tracking (app quits, screen locks): close the open span at `now`, or at the
        last heartbeat if `now` is past the pulse."""
        _check_aware(now)
        events: list[Event] = []
        span = self._span
        if span is not None:
            fresh = timedelta() <= now - span.end <= self.settings.pulse
            self._close(now if fresh else span.end, events)
        self._last = None
        return events

    def tick(self, now: datetime, active: ActiveWindow | None, idle_seconds: float
             ) -> list[Event]:
        _check_aware(now)
        s = self.settings
        events: list[Event] = []
        idle = timedelta(seconds=max(0.0, idle_seconds))
        last = self._last
        if last is not None and now < last:
            return events  # the clock went back: wait until it passes the last heartbeat
        if last is not None and now - last > s.pulse:
            # The machine slept (or the tracker was paused): the span ends at the last heartbeat.
            if self._span is not None:
                self._close(self._span.end, events)
            self._reset_breaks(now - last)
            last = None
        self._last = now
        self._reset_breaks(idle)

        if idle >= s.idle_after:
            if not self._idle:
                self._idle = True
                stopped = min(now - idle, now)
                if self._span is not None:
                    stopped = max(stopped, self._span.start)
                    self._close(stopped, events)
                events.append(IdleStarted(stopped))
            return events
        resumed = self._idle
        # Input resumed `idle` ago, but not before the last heartbeat (earlier spans end there).
        input_at = now if last is None else min(now, max(now - idle, last))
        if resumed:
            self._idle = False
            events.append(IdleEnded(input_at))

        if active is None:
            if self._span is not None:
                self._close(now, events)
        else:
            title = active.title if s.keep_titles else None
            span = self._span
            if span is not None and (span.app, span.title) != (active.app, title):
                self._close(now, events)
                span = None
            if span is None:
                start = input_at if resumed else now
                self._span = _Span(active.app, title, self.categorize(active.app), start, now)
            else:
                span.end = now
            self._split_at_day_start(events)
            self._breaks(now, events)
        self._check_budgets(now, events)
        return events

    # -- internals -------------------------------------------------------------------------

    def _keys(self, span: _Span) -> tuple[str, str]:
        return (f"app:{span.app.lower()}", f"category:{span.category.lower()}")

    def _pieces(self, start: datetime, end: datetime) -> Iterator[tuple[date, datetime, datetime]]:
        hour = self.settings.day_start_hour
        while True:
            day = tracker_day(start, hour)
            boundary = day_start(day + timedelta(days=1), hour, start.tzinfo)
            if end <= boundary:
                yield day, start, end
                return
            yield day, start, boundary
            start = boundary

    def _close(self, end: datetime, events: list[Event]) -> None:
        span = self._span
        self._span = None
        if span is None:
            return
        end = max(end, span.start)
        for day, start, stop in self._pieces(span.start, end):
            if stop <= start:
                continue
            events.append(SpanClosed(span.app, span.title, span.category, start, stop,
                                     day.isoformat()))
            for key in self._keys(span):
                self._used[(day, key)] = self._used.get((day, key), timedelta()) + stop - start

    def _split_at_day_start(self, events: list[Event]) -> None:
        span = self._span
        assert span is not None
        pieces = list(self._pieces(span.start, span.end))
        if len(pieces) > 1:
            last_start = pieces[-1][1]
            end = span.end
            self._close(last_start, events)
            self._span = _Span(span.app, span.title, span.category, last_start, end)

    def _reset_breaks(self, rest: timedelta) -> None:
        if rest >= self.settings.eye_reset:
            self._eye_since = None
        if rest >= self.settings.rest_reset:
            self._rest_since = None

    def _breaks(self, now: datetime, events: list[Event]) -> None:
        s = self.settings
        if self._eye_since is None:
            self._eye_since = now
        if self._rest_since is None:
            self._rest_since = now
        if now - self._rest_since >= s.rest_after:
            events.append(BreakDue("rest", now, s.rest_suggested))
            self._rest_since = self._eye_since = now  # a rest break covers the eye break
        elif now - self._eye_since >= s.eye_after:
            events.append(BreakDue("eye", now, s.eye_reset))
            self._eye_since = now

    def _check_budgets(self, now: datetime, events: list[Event]) -> None:
        day = tracker_day(now, self.settings.day_start_hour)
        for budget in self.budgets:
            until = self._postponed.get(budget.key)
            if until is not None and now < until:
                continue
            used = self.used(day, budget.key)
            reached = [level for level in self.settings.budget_levels
                       if used >= budget.limit * level / 100]
            if not reached or (day, budget.key, max(reached)) in self._fired:
                continue
            for level in reached:
                self._fired.add((day, budget.key, level))
            events.append(BudgetWarning(budget, max(reached), used, now))


def _check_aware(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("the tracker needs aware datetimes")
