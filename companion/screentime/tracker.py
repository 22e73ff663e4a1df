"""The pure screen-time tracker: heartbeats in, events out (DESIGN.md §6).

`Tracker.tick(now, active, idle_seconds)` is called every few seconds by whatever drives it (a
QTimer in the app, a fake clock in tests). It reads no clock, does no I/O and knows no platform.

Heartbeats of the same app and title merge into one span while they arrive within `pulse` of
each other (ActivityWatch's pulsetime). A span closes when the app or title changes (at the new
heartbeat's time), when the user goes idle (at the moment input stopped: `now - idle_seconds`),
when a gap longer than `pulse` shows the machine slept (at the last heartbeat), or when the day
starts (at the day-start hour, default 04:00, the span is split in two).

Break reminders come from `breaks.BreakPlanner`; budget warnings from the usage it counts per
app, category and in total (keys "app:firefox", "category:video", "total:").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Literal

from companion.screentime.breaks import BreakDue, BreakKind, BreakPlanner, BreakSettings

BudgetKind = Literal["total", "app", "category"]
BUDGET_KINDS: tuple[BudgetKind, ...] = ("total", "category", "app")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


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
class Budget:
    kind: BudgetKind
    target: str  # "" for the daily total
    limit: timedelta
    weekday: int | None = None  # 0 = Monday … 6 = Sunday; None = every day

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.target.lower()}"

    @property
    def label(self) -> str:
        return "all screen time" if self.kind == "total" else self.target


def budgets_for(budgets: tuple[Budget, ...], day: date) -> tuple[Budget, ...]:
    """The budgets in force on `day`: a weekday's own budget replaces the every-day one."""
    chosen: dict[str, Budget] = {}
    for budget in budgets:
        if budget.weekday is None:
            chosen.setdefault(budget.key, budget)
    for budget in budgets:
        if budget.weekday == day.weekday():
            chosen[budget.key] = budget
    return tuple(chosen.values())


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
    breaks: BreakSettings = field(default_factory=BreakSettings)
    day_start_hour: int = 4
    keep_titles: bool = True
    budget_levels: tuple[int, ...] = (80, 100)


def tracker_day(when: datetime, day_start_hour: int = 4) -> date:
    """The day `when` belongs to when days start at `day_start_hour` local time."""
    return (when - timedelta(hours=day_start_hour)).date()


def day_start(day: date, day_start_hour: int, tz: tzinfo | None) -> datetime:
    """The moment `day` begins in zone `tz`."""
    return datetime.combine(day, time(day_start_hour), tzinfo=tz)


def split_at_day_starts(start: datetime, end: datetime, day_start_hour: int
                        ) -> Iterator[tuple[date, datetime, datetime]]:
    """(day, start, end) pieces of [start, end), cut where a tracker day begins."""
    while True:
        day = tracker_day(start, day_start_hour)
        boundary = day_start(day + timedelta(days=1), day_start_hour, start.tzinfo)
        if end <= boundary:
            yield day, start, end
            return
        yield day, start, boundary
        start = boundary


@dataclass
class _Span:
    app: str
    title: str | None
    category: str
    start: datetime
    end: datetime


def _uncategorized(app: str, title: str | None) -> str:
    return "other"


@dataclass
class Tracker:
    settings: TrackerSettings = field(default_factory=TrackerSettings)
    categorize: Callable[[str, str | None], str] = _uncategorized
    budgets: tuple[Budget, ...] = ()

    def __post_init__(self) -> None:
        if not 0 <= self.settings.day_start_hour <= 23:
            raise ValueError("day_start_hour must be 0–23")
        self._span: _Span | None = None
        # Spans that ended (a switch) while input was already quiet: whether that quiet time
        # was a short pause (counted) or the start of idleness (not) is known only later.
        self._held: list[_Span] = []
        self._last: datetime | None = None
        self._idle = False
        self.breaks = BreakPlanner(self.settings.breaks)
        self._used: dict[tuple[date, str], timedelta] = {}
        self._fired: set[tuple[date, str, int]] = set()
        self._postponed: dict[str, datetime] = {}

    # -- public ----------------------------------------------------------------------------

    @property
    def idle(self) -> bool:
        return self._idle

    @property
    def open_span(self) -> SpanClosed | None:
        """The span being measured, as it would close now (for live views)."""
        span = self._span
        if span is None:
            return None
        day = tracker_day(span.start, self.settings.day_start_hour).isoformat()
        return SpanClosed(span.app, span.title, span.category, span.start, span.end, day)

    def set_budgets(self, budgets: tuple[Budget, ...]) -> None:
        self.budgets = tuple(budgets)

    def preload(self, day: date, key: str, used: timedelta) -> None:
        """Usage already recorded today (say, before a restart) so budgets count it."""
        self._used[(day, key)] = self._used.get((day, key), timedelta()) + used

    def configure(self, settings: TrackerSettings) -> None:
        """New settings from here on (the open span keeps its title if it had one)."""
        if not 0 <= settings.day_start_hour <= 23:
            raise ValueError("day_start_hour must be 0–23")
        self.settings = settings
        self.breaks.configure(settings.breaks)

    def postpone(self, budget: Budget, minutes: float, now: datetime) -> None:
        """No warnings for `budget` until `minutes` after `now`; then the highest level reached
        by then is said again ("remind me later" means later, not never)."""
        self._postponed[budget.key] = now + timedelta(minutes=minutes)
        day = tracker_day(now, self.settings.day_start_hour)
        self._fired = {f for f in self._fired if f[:2] != (day, budget.key)}

    def postpone_break(self, kind: BreakKind, minutes: float) -> None:
        """Remind about this break again after `minutes` more of active use."""
        self.breaks.postpone(kind, minutes)

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
        self._release(events)
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
            self._release(events)
            if self._span is not None:
                self._close(self._span.end, events)
            self.breaks.rested(now - last)
            last = None
        self._last = now
        self.breaks.rested(idle)

        if idle >= s.idle_after:
            if not self._idle:
                self._idle = True
                stopped = min(now - idle, now)
                self._release(events, trim_at=stopped)
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
        quiet_since = now - idle
        if self._held and quiet_since >= self._held[-1].end:
            self._release(events)  # input came after them: the pause was short

        if active is None:
            if self._span is not None:
                self._close(now, events, quiet_since)
        else:
            # Privacy mode: the title is dropped here, before it is stored or even categorized.
            title = active.title if s.keep_titles else None
            span = self._span
            if span is not None and (span.app, span.title) != (active.app, title):
                self._close(now, events, quiet_since)
                span = None
            if span is None:
                start = input_at if resumed else now
                self._span = _Span(active.app, title, self.categorize(active.app, title),
                                   start, now)
            else:
                span.end = now
            self._split_at_day_start(events)
        # Active use (as for spans: since the last heartbeat) counts towards breaks, with or
        # without a known window; idle stretches never get here, so they do not count.
        events.extend(self.breaks.observe(now, timedelta() if last is None else now - last))
        self._check_budgets(now, events)
        return events

    # -- internals -------------------------------------------------------------------------

    def _keys(self, span: _Span) -> tuple[str, str, str]:
        return (f"app:{span.app.lower()}", f"category:{span.category.lower()}", "total:")

    def _pieces(self, start: datetime, end: datetime) -> Iterator[tuple[date, datetime, datetime]]:
        return split_at_day_starts(start, end, self.settings.day_start_hour)

    def _close(self, end: datetime, events: list[Event],
                quiet_since: datetime | None = None) -> None:
        span = self._span
        self._span = None
        if span is None:
            return
        end = max(end, span.start)
        if quiet_since is not None and quiet_since < end:
            self._held.append(_Span(span.app, span.title, span.category, span.start, end))
            return
        self._emit(span, end, events)

    def _release(self, events: list[Event], trim_at: datetime | None = None) -> None:
        """Emit the held spans; cut at `trim_at` (where idleness began) if it was idleness."""
        held, self._held = self._held, []
        for span in held:
            end = span.end if trim_at is None else min(span.end, trim_at)
            if end > span.start:
                self._emit(span, end, events)

    def _emit(self, span: _Span, end: datetime, events: list[Event]) -> None:
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

    def _check_budgets(self, now: datetime, events: list[Event]) -> None:
        day = tracker_day(now, self.settings.day_start_hour)
        for budget in budgets_for(self.budgets, day):
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
