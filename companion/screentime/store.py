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
from datetime import datetime, timedelta

from companion.errors import InvalidInput, NotFound
from companion.models import check_storable
from companion.screentime.categories import (
    CategoryRule,
    check_rules,
    default_rules,
    make_categorizer,
    rules_from_json,
    rules_to_json,
)
from companion.screentime.tracker import BUDGET_KINDS, Budget, BudgetKind, SpanClosed
from companion.timeutil import Stamp
from storage.database import Database

MAX_NAME = 200


@dataclass(frozen=True)
class DayTotals:
    day: str
    by_app: dict[str, timedelta]
    by_category: dict[str, timedelta]

    @property
    def total(self) -> timedelta:
        return sum(self.by_app.values(), timedelta())


def clean_name(raw: str, what: str) -> str:
    """An app, category or budget target as the store keeps it: spaces joined, 1–200
    characters (an `InvalidInput` otherwise)."""
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

    def save_spans(self, spans: Iterable[SpanClosed], source: str = "tracker") -> int:
        """Store a batch of closed spans in one transaction; returns how many."""
        rows = []
        for span in spans:
            start, end = Stamp.of(span.start), Stamp.of(span.end)
            if end.utc_us < start.utc_us:
                raise InvalidInput("A screen-time span cannot end before it starts.")
            rows.append((span.app, span.title, span.category, start.utc_us, end.utc_us,
                         start.offset_min, span.day, source))
        if rows:
            with self.db.transaction() as cur:
                cur.executemany(
                    "INSERT INTO screen_spans (app, title, category, start_us, end_us,"
                    " start_offset, day, source) VALUES (?,?,?,?,?,?,?,?)", rows)
        return len(rows)

    def spans(self, day: str) -> list[SpanClosed]:
        rows = self.db.query(
            "SELECT app, title, category, start_us, end_us, start_offset, day FROM screen_spans"
            " WHERE day = ? ORDER BY start_us, id", (day,))
        return [SpanClosed(r[0], r[1], r[2], Stamp(r[3], r[5]).to_datetime(),
                           Stamp(r[4], r[5]).to_datetime(), r[6]) for r in rows]

    def covered(self, start: datetime, end: datetime) -> list[tuple[int, int]]:
        """(start_us, end_us) of every stored span that overlaps [start, end), by start."""
        # Spans never run past a day start, so none starts more than a day before `start`.
        low = Stamp.of(start).utc_us
        return [(a, b) for a, b in self.db.query(
            "SELECT start_us, end_us FROM screen_spans WHERE start_us < ? AND start_us >= ?"
            " AND end_us > ? ORDER BY start_us",
            (Stamp.of(end).utc_us, low - 86_400_000_000 - 3_600_000_000, low))]

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

    def daily_by_category(self, first: str, last: str) -> dict[str, dict[str, timedelta]]:
        """day → category → active time, for the tracker days first…last (inclusive)."""
        result: dict[str, dict[str, timedelta]] = {}
        for day, category, micros in self.db.query(
                "SELECT day, category, SUM(end_us - start_us) FROM screen_spans"
                " WHERE day BETWEEN ? AND ? GROUP BY day, category ORDER BY day", (first, last)):
            result.setdefault(day, {})[category] = timedelta(microseconds=micros)
        return result

    def other_devices_daily(self, first: str, last: str) -> dict[bytes, dict[str, timedelta]]:
        """device id → day → active time the person's other computers measured (device
        sync brings them; this computer's own use is in `daily_by_category`)."""
        result: dict[bytes, dict[str, timedelta]] = {}
        for device, day, micros in self.db.query(
                "SELECT d.device, d.day, SUM(s.end_us - s.start_us) FROM screen_device_days d"
                " JOIN screen_device_spans s ON s.day_id = d.id WHERE d.day BETWEEN ? AND ?"
                " GROUP BY d.device, d.day ORDER BY d.day", (first, last)):
            result.setdefault(bytes(device), {})[day] = timedelta(microseconds=micros)
        return result

    # -- categories ------------------------------------------------------------------------

    def category_overrides(self) -> dict[str, str]:
        return {app.lower(): category for app, category in
                self.db.query("SELECT app, category FROM screen_categories ORDER BY app")}

    def set_category(self, app: str, category: str | None) -> None:
        """Put `app` in `category` for this user; None goes back to the rules."""
        app = clean_name(app, "app name")
        with self.db.transaction() as cur:
            if category is None:
                cur.execute("DELETE FROM screen_categories WHERE app = ?", (app,))
            else:
                cur.execute(
                    "INSERT INTO screen_categories (app, category) VALUES (?, ?)"
                    " ON CONFLICT (app) DO UPDATE SET category = excluded.category",
                    (app, clean_name(category, "category").lower()))

    def rules(self) -> tuple[CategoryRule, ...]:
        """The user's category rules, or the shipped ones until they edit them."""
        row = self.db.query_one("SELECT value FROM screen_settings WHERE key = 'rules'")
        if row is None:
            return default_rules()
        try:
            return rules_from_json(json.loads(row[0]))
        except (ValueError, InvalidInput):
            # Only this app writes the row; if it is damaged, fall back rather than stop.
            return default_rules()

    def set_rules(self, rules: Iterable[CategoryRule] | None) -> tuple[CategoryRule, ...]:
        """Replace the rules (None: back to the shipped ones). Applies to new spans only."""
        with self.db.transaction() as cur:
            if rules is None:
                cur.execute("DELETE FROM screen_settings WHERE key = 'rules'")
                return default_rules()
            checked = check_rules(rules)
            cur.execute("INSERT INTO screen_settings (key, value) VALUES ('rules', ?)"
                        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        (rules_to_json(checked),))
        return checked

    def categorizer(self) -> Callable[[str, str | None], str]:
        """(app, title) → category: the user's per-app overrides, then the rules."""
        return make_categorizer(self.rules(), self.category_overrides())

    # -- budgets ---------------------------------------------------------------------------

    def set_budget(self, kind: BudgetKind, target: str, minutes: int,
                   weekday: int | None = None) -> Budget:
        if kind not in BUDGET_KINDS:
            raise InvalidInput(f"A budget is for the total, an app or a category, not {kind!r}.")
        if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 < minutes <= 1440:
            raise InvalidInput("A daily budget is a whole number of minutes from 1 to 1440.")
        if weekday is not None and weekday not in range(7):
            raise InvalidInput("A weekday is 0 (Monday) to 6 (Sunday).")
        target = "" if kind == "total" else clean_name(target, "budget target")
        with self.db.transaction() as cur:
            cur.execute(
                "INSERT INTO screen_budgets (kind, target, weekday, minutes) VALUES (?,?,?,?)"
                " ON CONFLICT (kind, target, weekday) DO UPDATE SET minutes = excluded.minutes",
                (kind, target, -1 if weekday is None else weekday, minutes))
        return Budget(kind, target, timedelta(minutes=minutes), weekday)

    def budgets(self) -> tuple[Budget, ...]:
        rows = self.db.query("SELECT kind, target, weekday, minutes FROM screen_budgets"
                             " ORDER BY kind, target, weekday")
        return tuple(Budget(kind, target, timedelta(minutes=minutes),
                            None if weekday < 0 else weekday)
                     for kind, target, weekday, minutes in rows)

    def remove_budget(self, kind: BudgetKind, target: str, weekday: int | None = None) -> None:
        with self.db.transaction() as cur:
            cur.execute("DELETE FROM screen_budgets WHERE kind = ? AND target = ?"
                        " AND weekday = ?",
                        (kind, "" if kind == "total" else " ".join(target.split()),
                         -1 if weekday is None else weekday))
            if cur.rowcount == 0:
                what = "daily total" if kind == "total" else f"{kind} {target!r}"
                raise NotFound(f"There is no budget for the {what}.")
