"""On this day: what the person wrote and how they felt on this date in earlier years, and a
month ago, one line each (issue 20).

Days are local days as they were written (the `day` column): an entry written at 23:30 in
New York belongs to that evening's date wherever it is read, so it comes back on that date.

Two calendar edges, decided here once:
- 29 February. In a leap year it shows the 29 Februaries before it. In any other year there
  is no 29 February, so those entries come back on 28 February, after that year's own.
- A month ago is the same day number in the month before, or that month's last day when the
  month is shorter: 31 March looks back to 28 (or 29) February, and so do 29 and 30 March.

Hard days: with `skip_hard_days`, a day on which any check-in or entry had a mood of 1 (awful)
or 2 (low) is left out whole, entries and check-ins alike, for a person who would rather not
be taken back there.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from companion.checkins import CheckIns
from companion.journal import Journal
from companion.markdown_text import plain_title
from companion.models import MOOD_LABELS, CheckIn, Entry, ItemRef

LINE_LIMIT = 120  # characters of one line: the start of a title, a first line or a note
HARD_MOODS = (1, 2)
# How far back the years reach: far more than anyone journals, few enough that the query
# stays small whatever dates an import brought in.
MAX_YEARS_BACK = 150


@dataclass(frozen=True)
class Memory:
    """One line: an entry's title (or its first line) or a check-in's mood and note."""

    ref: ItemRef
    day: str
    time: str  # the writer's local "HH:MM"
    text: str
    mood: int | None


@dataclass(frozen=True)
class MemoryDay:
    day: str
    years_ago: int  # 0 for "a month ago"
    items: tuple[Memory, ...]

    @property
    def label(self) -> str:
        if self.years_ago == 0:
            return "A month ago"
        if self.years_ago == 1:
            return "A year ago"
        return f"{self.years_ago} years ago"


@dataclass(frozen=True)
class OnThisDay:
    today: str
    days: tuple[MemoryDay, ...]  # the years, nearest first, then a month ago

    @property
    def empty(self) -> bool:
        return not self.days


def month_ago(today: date) -> date:
    """The same day number a month before, or that month's last day when it is shorter."""
    year, month = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    return date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


def same_date_in(year: int, today: date) -> list[date]:
    """The days of `year` that count as today's date: on 28 February of a year without a 29th,
    both 28 and 29 February of a leap `year`; a 29 February only in leap years."""
    if today.month == 2 and today.day == 29:
        return [date(year, 2, 29)] if calendar.isleap(year) else []
    days = [date(year, today.month, today.day)]
    if (today.month, today.day) == (2, 28) and not calendar.isleap(today.year) \
            and calendar.isleap(year):
        days.append(date(year, 2, 29))
    return days


def on_this_day(journal: Journal, checkins: CheckIns, today: date, *,
                skip_hard_days: bool = False) -> OnThisDay:
    db = journal.db
    first = _first_day(db)
    candidates: dict[str, int] = {}  # day → years ago (0: a month ago)
    if first is not None:
        oldest = max(first.year, today.year - MAX_YEARS_BACK, 1)
        for year in range(today.year - 1, oldest - 1, -1):
            for same in same_date_in(year, today):
                candidates[same.isoformat()] = today.year - year
        candidates.setdefault(month_ago(today).isoformat(), 0)
    found = _days_with_something(db, list(candidates))
    if skip_hard_days:
        found -= _hard_days(db, found)
    days: list[MemoryDay] = []
    for day in sorted(found, key=lambda d: (candidates[d] == 0, candidates[d], d)):
        items = [_entry_memory(e) for e in journal.list_days(day, day)]
        items += [_checkin_memory(c) for c in checkins.list_days(day, day)]
        items.sort(key=lambda m: m.time)
        days.append(MemoryDay(day, candidates[day], tuple(items)))
    return OnThisDay(today.isoformat(), tuple(days))


def _first_day(db: Any) -> date | None:
    # Trashed rows count too: this is only where the years start, and the bare min() is read
    # from the day indexes alone.
    row = db.query_one("SELECT min(d) FROM (SELECT min(day) AS d FROM entries"
                       " UNION ALL SELECT min(day) FROM checkins)")
    if row is None or row[0] is None:
        return None
    try:
        return date.fromisoformat(str(row[0]))
    except ValueError:
        return None


def _days_with_something(db: Any, days: list[str]) -> set[str]:
    if not days:
        return set()
    marks = ",".join("?" * len(days))
    rows = db.query(
        f"SELECT day FROM entries WHERE day IN ({marks}) AND deleted_us IS NULL"
        f" UNION SELECT day FROM checkins WHERE day IN ({marks}) AND deleted_us IS NULL",
        [*days, *days])
    return {str(row[0]) for row in rows}


def _hard_days(db: Any, days: set[str]) -> set[str]:
    if not days:
        return set()
    listed = sorted(days)
    marks = ",".join("?" * len(listed))
    rows = db.query(
        f"SELECT day FROM entries WHERE day IN ({marks}) AND deleted_us IS NULL"
        " AND mood IN (1, 2)"
        f" UNION SELECT day FROM checkins WHERE day IN ({marks}) AND deleted_us IS NULL"
        " AND mood IN (1, 2)",
        [*listed, *listed])
    return {str(row[0]) for row in rows}


def _line(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= LINE_LIMIT else flat[: LINE_LIMIT - 1].rstrip() + "…"


def _entry_memory(entry: Entry) -> Memory:
    text = entry.title or plain_title(entry.body) or "(untitled)"
    return Memory(entry.ref, entry.created.date().isoformat(),
                  entry.created.strftime("%H:%M"), _line(text), entry.mood)


def _checkin_memory(checkin: CheckIn) -> Memory:
    feeling = f"Felt {MOOD_LABELS[checkin.mood]}"
    note = plain_title(checkin.note) if checkin.note else ""
    return Memory(checkin.ref, checkin.at.date().isoformat(), checkin.at.strftime("%H:%M"),
                  _line(f"{feeling}: {note}" if note else feeling), checkin.mood)
