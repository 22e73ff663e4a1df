"""Screen time as one service for the desktop app and `companion screentime track`.

It joins the pure tracker to the vault: it builds the tracker from the preferences, the
categories and the budgets, feeds it probe samples, keeps closed spans until `flush` stores
them (merged spans, never a row per second), and turns warnings and breaks into `Notice`s.
Callers on two threads (the GUI ticks, a worker flushes) are kept apart by one lock; the
store is only touched in `flush`, `status` and the editors, which a caller runs off the GUI
thread.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from companion.preferences import Preferences
from companion.screentime.activitywatch import DEFAULT_URL, ImportResult, import_activitywatch
from companion.screentime.breaks import BreakDue, BreakKind, BreakSettings
from companion.screentime.categories import CategoryRule
from companion.screentime.messages import Notice, break_notice, budget_notice
from companion.screentime.probes import Sample
from companion.screentime.store import DayTotals, ScreenTime
from companion.screentime.tracker import (
    Budget,
    BudgetKind,
    BudgetWarning,
    SpanClosed,
    Tracker,
    TrackerSettings,
    budgets_for,
    tracker_day,
)


def tracker_settings(prefs: Preferences) -> TrackerSettings:
    return TrackerSettings(
        idle_after=timedelta(minutes=prefs.idle_minutes),
        breaks=BreakSettings(eye_enabled=prefs.eye_breaks, rest_enabled=prefs.rest_breaks,
                             rest_after=timedelta(minutes=prefs.rest_after_minutes),
                             rest_length=timedelta(minutes=prefs.rest_minutes)),
        day_start_hour=int(prefs.day_starts_at.split(":")[0]),
        keep_titles=not prefs.privacy_mode)


@dataclass(frozen=True)
class Overview:
    today: date
    status: DayStatus
    history: dict[str, dict[str, timedelta]]  # day -> category -> time
    budgets: tuple[Budget, ...]
    rules: tuple[CategoryRule, ...]
    # The person's other computers (device sync): device id -> day -> time, and their names
    # (the facade adds them; an unnamed one is "Another computer").
    others: dict[bytes, dict[str, timedelta]] = field(default_factory=dict)
    device_names: dict[bytes, str] = field(default_factory=dict)
    this_device: str = "This computer"

    def own_daily(self) -> dict[str, timedelta]:
        """This computer's use per day (today live)."""
        days = {day: sum(by_category.values(), timedelta())
                for day, by_category in self.history.items()}
        days[self.today.isoformat()] = self.status.totals.total
        return days

    def by_device(self, days: int) -> tuple[tuple[str, ...],
                                            list[tuple[str, list[timedelta], timedelta]]]:
        """(computer names, this one first; and per day of the last `days`, newest first,
        each computer's use and their sum), for the page's "On each computer" table."""
        others = sorted(self.others.items(),
                        key=lambda item: (self.device_names.get(item[0], ""), item[0]))
        names = (self.this_device, *(self.device_names.get(device, "Another computer")
                                     for device, _ in others))
        columns = [self.own_daily(), *(days_of for _, days_of in others)]
        rows = []
        for back in range(days):
            day = (self.today - timedelta(days=back)).isoformat()
            used = [column.get(day, timedelta()) for column in columns]
            rows.append((day, used, sum(used, timedelta())))
        return names, rows


@dataclass(frozen=True)
class BudgetUse:
    budget: Budget
    used: timedelta

    @property
    def fraction(self) -> float:
        return self.used / self.budget.limit


@dataclass(frozen=True)
class DayStatus:
    day: str
    totals: DayTotals
    budgets: tuple[BudgetUse, ...] = field(default=())


class ScreenTimeService:
    def __init__(self, store: ScreenTime, prefs: Preferences | None = None) -> None:
        self.store = store
        self.prefs = prefs or Preferences()
        self.tracker = Tracker(tracker_settings(self.prefs))
        self._pending: list[SpanClosed] = []
        self._lock = threading.Lock()
        self.locked_screen = False

    # -- the running tracker --------------------------------------------------------------

    def load(self, now: datetime) -> None:
        """Read categories, budgets and today's stored use into the tracker (SQL: run this
        off the GUI thread)."""
        categorize = self.store.categorizer()
        budgets = self.store.budgets()
        day = tracker_day(now, self.tracker.settings.day_start_hour)
        totals = self.store.totals(day.isoformat())
        with self._lock:
            tracker = Tracker(self.tracker.settings, categorize, budgets)
            for app, used in totals.by_app.items():
                tracker.preload(day, f"app:{app.lower()}", used)
            for category, used in totals.by_category.items():
                tracker.preload(day, f"category:{category.lower()}", used)
            tracker.preload(day, "total:", totals.total)
            self.tracker = tracker

    def reload_settings(self) -> None:
        """Budgets and categories changed outside this service (device sync wrote what
        another computer set): the running tracker follows (SQL: off the GUI thread)."""
        categorize = self.store.categorizer()
        budgets = self.store.budgets()
        with self._lock:
            self.tracker.categorize = categorize
            self.tracker.set_budgets(budgets)

    def apply_preferences(self, prefs: Preferences) -> None:
        with self._lock:
            self.prefs = prefs
            self.tracker.configure(tracker_settings(prefs))

    def tick(self, now: datetime, sample: Sample) -> list[Notice]:
        """One heartbeat; the notices to show now. Pure memory work (fast)."""
        with self._lock:
            if sample.locked:
                # A locked screen is not use: end the span where the lock began.
                events = self.tracker.close(now) if not self.locked_screen else []
                self.locked_screen = True
            else:
                self.locked_screen = False
                events = self.tracker.tick(now, sample.active, sample.idle_seconds)
            notices: list[Notice] = []
            for event in events:
                if isinstance(event, SpanClosed):
                    self._pending.append(event)
                elif isinstance(event, BudgetWarning):
                    notices.append(budget_notice(event))
                elif isinstance(event, BreakDue):
                    notices.append(break_notice(event))
            return notices

    def stop(self, now: datetime) -> None:
        """Close the open span (lock, quit, SIGTERM); `flush` then stores it."""
        with self._lock:
            self._pending.extend(e for e in self.tracker.close(now)
                                 if isinstance(e, SpanClosed))

    def flush(self) -> int:
        """Store the closed spans (SQL: off the GUI thread); returns how many."""
        with self._lock:
            pending, self._pending = self._pending, []
        try:
            return self.store.save_spans(pending)
        except BaseException:
            with self._lock:  # keep them for the next try
                self._pending[:0] = pending
            raise

    @property
    def unsaved(self) -> int:
        with self._lock:
            return len(self._pending)

    def snooze(self, notice: Notice, now: datetime, minutes: float) -> None:
        with self._lock:
            if notice.kind == "budget":
                for budget in self.tracker.budgets:
                    if budget.key == notice.key:
                        self.tracker.postpone(budget, minutes, now)
            else:
                kind: BreakKind = "eye" if notice.kind == "eye" else "rest"
                self.tracker.postpone_break(kind, minutes)

    # -- what the page and `status` show ----------------------------------------------------

    def today(self, now: datetime) -> date:
        return tracker_day(now, self.tracker.settings.day_start_hour)

    def status(self, day: str, now: datetime | None = None) -> DayStatus:
        """Stored totals for `day`, plus the open span if `now` is given (live view); and
        each budget in force that day with its use."""
        self.flush()
        totals = self.store.totals(day)
        when = date.fromisoformat(day)
        if now is not None:
            with self._lock:
                live = {key: self.tracker.used(when, key) for key in self._open_keys()}
            totals = _with_open_span(totals, live)
        uses = tuple(BudgetUse(b, _used(totals, b.kind, b.target))
                     for b in budgets_for(self.store.budgets(), when))
        return DayStatus(day, totals, uses)

    def budgets(self) -> tuple[Budget, ...]:
        return self.store.budgets()

    def overview(self, now: datetime, days: int) -> Overview:
        """What the Screen time page shows: today live, the last `days` days by category,
        the budgets and the rules."""
        today = self.today(now)
        first = (today - timedelta(days=days - 1)).isoformat()
        return Overview(today, self.status(today.isoformat(), now),
                        self.store.daily_by_category(first, today.isoformat()),
                        self.store.budgets(), self.store.rules(),
                        self.store.other_devices_daily(first, today.isoformat()))

    def _open_keys(self) -> list[str]:
        span = self.tracker.open_span
        if span is None:
            return []
        return [f"app:{span.app.lower()}", f"category:{span.category.lower()}"]

    # -- editors ----------------------------------------------------------------------------

    def import_activitywatch(self, *, start: datetime, end: datetime,
                             url: str = DEFAULT_URL) -> ImportResult:
        """Add ActivityWatch's not-afk window time of [start, end) (network and SQL: run this
        off the GUI thread). Privacy mode and the day start apply as to measured time."""
        return import_activitywatch(
            self.store, self.store.categorizer(), start=start, end=end, url=url,
            keep_titles=not self.prefs.privacy_mode,
            day_start_hour=self.tracker.settings.day_start_hour)

    def set_budget(self, kind: BudgetKind, target: str, minutes: int,
                   weekday: int | None = None) -> Budget:
        budget = self.store.set_budget(kind, target, minutes, weekday)
        with self._lock:
            self.tracker.set_budgets(self.store.budgets())
        return budget

    def remove_budget(self, kind: BudgetKind, target: str, weekday: int | None = None) -> None:
        self.store.remove_budget(kind, target, weekday)
        with self._lock:
            self.tracker.set_budgets(self.store.budgets())

    def set_rules(self, rules: list[CategoryRule] | None) -> tuple[CategoryRule, ...]:
        saved = self.store.set_rules(rules)
        categorize = self.store.categorizer()
        with self._lock:
            self.tracker.categorize = categorize
        return saved


def _used(totals: DayTotals, kind: BudgetKind, target: str) -> timedelta:
    if kind == "total":
        return totals.total
    table = totals.by_app if kind == "app" else totals.by_category
    return sum((v for k, v in table.items() if k.lower() == target.lower()), timedelta())


def _with_open_span(totals: DayTotals, live: dict[str, timedelta]) -> DayTotals:
    """`totals` with the open span's time added (the tracker's own count minus what is
    stored is the open part)."""
    by_app, by_category = dict(totals.by_app), dict(totals.by_category)
    for key, used in live.items():
        kind, _, name = key.partition(":")
        table = by_app if kind == "app" else by_category
        stored_key = next((k for k in table if k.lower() == name.lower()), name)
        table[stored_key] = max(table.get(stored_key, timedelta()), used)
    return DayTotals(totals.day, by_app, by_category)
