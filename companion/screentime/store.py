"""Screen time in the vault: closed spans, per-app category overrides and budgets.

Registered with the vault's migrations as component "screentime". Spans keep their window
title only if the tracker kept it (`keep_titles`); titles never leave the encrypted vault.
Each span's `day` is the tracker's day (days start at the configured hour, default 04:00), so
daily totals are a plain index lookup.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from assets import asset
from companion.errors import InvalidInput, NotFound
from companion.models import check_storable
from companion.screentime.tracker import Budget, BudgetKind, SpanClosed
from companion.timeutil import Stamp
from storage.database import Database
from storage.migrations import register, sql_step

COMPONENT = "screentime"
DEFAULT_CATEGORY = "other"
MAX_NAME = 200

_V1 = """
CREATE TABLE screen_spans (
    id INTEGER PRIMARY KEY,
    app TEXT NOT NULL,
    title TEXT,
    category TEXT NOT NULL,
    start_us INTEGER NOT NULL,
    end_us INTEGER NOT NULL CHECK (end_us >= start_us),
    start_offset INTEGER NOT NULL,
    day TEXT NOT NULL
);
CREATE INDEX screen_spans_by_day ON screen_spans (day, app);

CREATE TABLE screen_categories (
    app TEXT PRIMARY KEY COLLATE NOCASE,
    category TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE screen_budgets (
    kind TEXT NOT NULL CHECK (kind IN ('app', 'category')),
    target TEXT NOT NULL COLLATE NOCASE,
    minutes INTEGER NOT NULL CHECK (minutes > 0),
    PRIMARY KEY (kind, target)
) WITHOUT ROWID;
"""

MIGRATIONS = [sql_step(1, _V1)]


def register_screentime_schema() -> None:
    register(COMPONENT, MIGRATIONS)


@cache
def default_categories() -> dict[str, str]:
    """The shipped app → category mapping (lower-case app names)."""
    raw = json.loads(asset("screentime_categories.json").read_text(encoding="utf-8"))
    mapping: dict[str, str] = {}
    for category, apps in raw.items():
        if category.startswith("_"):
            continue
        for app in apps:
            mapping[str(app).lower()] = str(category)
    return mapping


@dataclass(frozen=True)
class DayTotals:
    day: str
    by_app: dict[str, timedelta]
    by_category: dict[str, timedelta]

    @property
    def total(self) -> timedelta:
        return sum(self.by_app.values(), timedelta())


def _name(raw: str, what: str) -> str:
    name = " ".join(check_storable(raw, what).split())
    if not name:
        raise InvalidInput(f"The {what} cannot be empty.")
    if len(name) > MAX_NAME:
        raise InvalidInput(f"The {what} can have at most {MAX_NAME} characters.")
    return name


class ScreenTime:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- spans -----------------------------------------------------------------------------

    def save_spans(self, spans: Iterable[SpanClosed]) -> int:
        """Store a batch of closed spans in one transaction; returns how many."""
        rows = []
        for span in spans:
            start, end = Stamp.of(span.start), Stamp.of(span.end)
            if end.utc_us < start.utc_us:
                raise InvalidInput("A screen-time span cannot end before it starts.")
            rows.append((span.app, span.title, span.category, start.utc_us, end.utc_us,
                         start.offset_min, span.day))
        if rows:
            with self.db.transaction() as cur:
                cur.executemany(
                    "INSERT INTO screen_spans (app, title, category, start_us, end_us,"
                    " start_offset, day) VALUES (?,?,?,?,?,?,?)", rows)
        return len(rows)

    def spans(self, day: str) -> list[SpanClosed]:
        rows = self.db.query(
            "SELECT app, title, category, start_us, end_us, start_offset, day FROM screen_spans"
            " WHERE day = ? ORDER BY start_us, id", (day,))
        return [SpanClosed(r[0], r[1], r[2], Stamp(r[3], r[5]).to_datetime(),
                           Stamp(r[4], r[5]).to_datetime(), r[6]) for r in rows]

    def totals(self, day: str) -> DayTotals:
        """Active time per app and per category on a tracker day (day-start hour honoured,
        as the tracker assigned each span its day)."""
        by_app: dict[str, timedelta] = {}
        for app, micros in self.db.query(
                "SELECT app, SUM(end_us - start_us) FROM screen_spans WHERE day = ?"
                " GROUP BY app ORDER BY 2 DESC, app", (day,)):
            by_app[app] = timedelta(microseconds=micros)
        by_category: dict[str, timedelta] = {}
        for category, micros in self.db.query(
                "SELECT category, SUM(end_us - start_us) FROM screen_spans WHERE day = ?"
                " GROUP BY category ORDER BY 2 DESC, category", (day,)):
            by_category[category] = timedelta(microseconds=micros)
        return DayTotals(day, by_app, by_category)

    # -- categories ------------------------------------------------------------------------

    def category_overrides(self) -> dict[str, str]:
        return {app.lower(): category for app, category in
                self.db.query("SELECT app, category FROM screen_categories ORDER BY app")}

    def set_category(self, app: str, category: str | None) -> None:
        """Put `app` in `category` for this user; None goes back to the default mapping."""
        app = _name(app, "app name")
        with self.db.transaction() as cur:
            if category is None:
                cur.execute("DELETE FROM screen_categories WHERE app = ?", (app,))
            else:
                cur.execute(
                    "INSERT INTO screen_categories (app, category) VALUES (?, ?)"
                    " ON CONFLICT (app) DO UPDATE SET category = excluded.category",
                    (app, _name(category, "category")))

    def categorizer(self) -> Callable[[str], str]:
        """app → category: the user's overrides first, then the shipped mapping."""
        mapping = {**default_categories(), **self.category_overrides()}

        def categorize(app: str) -> str:
            return mapping.get(app.lower(), DEFAULT_CATEGORY)

        return categorize

    # -- budgets ---------------------------------------------------------------------------

    def set_budget(self, kind: BudgetKind, target: str, minutes: int) -> Budget:
        if kind not in ("app", "category"):
            raise InvalidInput(f"A budget is for an app or a category, not {kind!r}.")
        if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 < minutes <= 1440:
            raise InvalidInput("A daily budget is a whole number of minutes from 1 to 1440.")
        target = _name(target, "budget target")
        with self.db.transaction() as cur:
            cur.execute(
                "INSERT INTO screen_budgets (kind, target, minutes) VALUES (?, ?, ?)"
                " ON CONFLICT (kind, target) DO UPDATE SET minutes = excluded.minutes",
                (kind, target, minutes))
        return Budget(kind, target, timedelta(minutes=minutes))

    def budgets(self) -> tuple[Budget, ...]:
        rows = self.db.query("SELECT kind, target, minutes FROM screen_budgets"
                             " ORDER BY kind, target")
        return tuple(Budget(kind, target, timedelta(minutes=minutes))
                     for kind, target, minutes in rows)

    def remove_budget(self, kind: BudgetKind, target: str) -> None:
        with self.db.transaction() as cur:
            cur.execute("DELETE FROM screen_budgets WHERE kind = ? AND target = ?",
                        (kind, target.strip()))
            if cur.rowcount == 0:
                raise NotFound(f"There is no {kind} budget for {target!r}.")
