"""The journal list: entries grouped under day headers, held as ids, rows fetched in blocks.

The model keeps two arrays: `rows` (an entry id, or minus the day's ordinal for a day header)
and `days` (the day's ordinal on every row): about 440 kB for 36,500 entries. Entry values
live in a bounded cache. `data()` on a row that is not cached answers with a placeholder and
asks the task runner for the block of rows around it; when the block arrives, `dataChanged`
repaints it. So no SQL ever runs in `data()` or in a delegate's `paint()`.

A day header carries that day's check-ins ("HH:MM", mood, emotions), loaded with the ids and
kept by day ordinal (about 1 MB for ten years of two a day); a day with check-ins and no
entries is a header alone. The trash shows none; with a tag filter, only days with matches do.

Reloading after a change diffs the new ids against the old ones and inserts or removes only
the rows that differ, so the selection and the scroll position survive a new or deleted entry.
"""

from __future__ import annotations

import bisect
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QDate,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from companion.checkins import DayMood
from companion.models import MOOD_LABELS, Entry
from ui.tasks import TaskRunner

BLOCK_ROWS = 200  # rows fetched together when the view meets one that is not cached
CACHE_LIMIT = 2_000  # entries kept; the oldest fetched go first
_RESET_ABOVE = 4_000  # a diff bigger than this is shown as a reset (e.g. a new filter)

Index = QModelIndex | QPersistentModelIndex


class JournalRoles(IntEnum):
    ENTRY = Qt.ItemDataRole.UserRole + 1  # Entry, or None while its block is on its way
    ENTRY_ID = Qt.ItemDataRole.UserRole + 2  # int, or None on a day header
    DAY = Qt.ItemDataRole.UserRole + 3  # datetime.date, on every row
    HEADER = Qt.ItemDataRole.UserRole + 4  # bool
    CHECKINS = Qt.ItemDataRole.UserRole + 5  # a header's ("HH:MM", mood, emotions), in order


@dataclass(frozen=True)
class IndexQuery:
    """Which entries the list shows: the same filters as `Journal.browse`."""

    start: datetime | None = None
    end: datetime | None = None
    tag: str | None = None
    trash: bool = False


IndexLoader = Callable[[IndexQuery], list[tuple[int, str]]]
EntryLoader = Callable[[list[int]], list[Entry]]
MoodLoader = Callable[[IndexQuery], Mapping[str, Sequence[DayMood]]]  # day -> its check-ins
DayMoods = tuple[DayMood, ...]
Rows = tuple["array[int]", "array[int]", dict[int, DayMoods]]


def build_rows(index: Iterable[tuple[int, str]],
               moods: Mapping[str, Sequence[DayMood]] | None = None, *,
               entry_days_only: bool = False) -> Rows:
    """Rows with a header before each day's entries, and the check-ins of each header's day by
    its ordinal (runs on a worker thread). Days with check-ins and no entries get a header of
    their own, in date order, unless `entry_days_only`."""
    rows, days = array("q"), array("i")
    summaries: dict[int, DayMoods] = {}
    moods = moods or {}
    alone = [] if entry_days_only else sorted(moods, reverse=True)  # newest first, like rows
    taken = 0

    def header(day: str) -> int:
        ordinal = date.fromisoformat(day).toordinal()
        rows.append(-ordinal)
        days.append(ordinal)
        if day in moods:
            summaries[ordinal] = tuple(moods[day])
        return ordinal

    last = ""
    ordinal = 0
    for entry_id, day in index:
        if day != last:
            while taken < len(alone) and alone[taken] >= day:
                if alone[taken] > day:
                    header(alone[taken])
                taken += 1
            ordinal = header(day)
            last = day
        rows.append(entry_id)
        days.append(ordinal)
    for day in alone[taken:]:
        header(day)
    return rows, days, summaries


def day_label(day: date) -> str:
    return QLocale().toString(QDate(day.year, day.month, day.day), "dddd, d MMMM yyyy")


def entry_label(entry: Entry) -> str:
    """The title, or the first line of the text when there is no title."""
    if entry.title:
        return entry.title
    for line in entry.body.splitlines():
        if line.strip():
            return line.strip().lstrip("#").strip()[:200]
    return ""


def describe_moods(moods: Iterable[DayMood]) -> list[str]:
    """A header's check-ins in words: ["good at 09:30", "okay at 19:05 (tired, calm)"]."""
    parts = []
    for time, mood, emotions in moods:
        feeling = QCoreApplication.translate("JournalListModel", "%1 at %2").replace(
            "%1", MOOD_LABELS.get(mood, "?")).replace("%2", time)
        parts.append(f"{feeling} ({', '.join(emotions)})" if emotions else feeling)
    return parts


def describe_entry(entry: Entry) -> str:
    """One sentence for screen readers."""
    parts = [f"{entry.created:%H:%M}", entry_label(entry)]
    if entry.starred:
        parts.append("starred")
    if entry.tags:
        parts.append("tags " + ", ".join(entry.tags))
    if entry.mood is not None:
        parts.append(f"mood {MOOD_LABELS[entry.mood]}")
    return ", ".join(parts)


class JournalListModel(QAbstractListModel):
    index_loaded = Signal()  # the ids arrived (first load, a new filter, or a refresh)
    failed = Signal(object)  # an exception from a background load

    def __init__(self, runner: TaskRunner, load_index: IndexLoader, load_entries: EntryLoader,
                 parent: QObject | None = None, *, load_moods: MoodLoader | None = None
                 ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._load_index, self._load_entries = load_index, load_entries
        self._load_moods = load_moods
        self.query = IndexQuery()
        self._rows, self._days = array("q"), array("i")
        self._moods: dict[int, DayMoods] = {}  # day ordinal -> its check-ins, in time order
        self.entry_count = 0
        self.loaded = False
        self._cache: OrderedDict[int, Entry] = OrderedDict()
        self._pending: set[int] = set()
        self._missing: set[int] = set()
        self._labels: dict[int, str] = {}
        self._token = 0  # bumped by every (re)load and by clear(): late answers are dropped
        self._generation = 0  # bumped whenever rows move
        self._reset_due = False
        self.fetch_count = 0  # background entry fetches started (for tests and benchmarks)

    # -- loading ----------------------------------------------------------------------------

    def reload(self, query: IndexQuery | None = None) -> None:
        """Load the ids again: with a new `query` the view starts over; without, only the rows
        that changed move (after an edit, a new or a deleted entry)."""
        if query is not None:
            self.query = query
            self._reset_due = True
        self._token += 1
        token, load, moods, wanted = self._token, self._load_index, self._load_moods, self.query

        def load_rows() -> tuple[int, Rows]:
            index = load(wanted)
            day_moods = None if moods is None or wanted.trash else moods(wanted)
            return token, build_rows(index, day_moods, entry_days_only=wanted.tag is not None)

        self._runner.run(load_rows, self._index_arrived, self._load_failed)

    def _index_arrived(self, payload: tuple[int, Rows]) -> None:
        token, (rows, days, moods) = payload
        if token != self._token:
            return
        self._missing.clear()
        old_moods, self._moods = self._moods, moods
        if self._reset_due or not self.loaded:
            self._reset_due = False
            self.beginResetModel()
            self._set_rows(rows, days)
            self.endResetModel()
        else:
            self._apply_diff(rows, days)
            self._moods_changed(old_moods)
        self.entry_count = sum(1 for value in rows if value > 0) if len(rows) else 0
        self.loaded = True
        self.index_loaded.emit()

    def _set_rows(self, rows: array[int], days: array[int]) -> None:
        self._rows, self._days = rows, days
        self._generation += 1

    def _apply_diff(self, rows: array[int], days: array[int]) -> None:
        old = self._rows
        head = _common_prefix(old, rows)
        tail = _common_suffix(old, rows, min(len(old), len(rows)) - head)
        removed, added = len(old) - head - tail, len(rows) - head - tail
        if removed + added > _RESET_ABOVE:
            self.beginResetModel()
            self._set_rows(rows, days)
            self.endResetModel()
            return
        if removed:
            self.beginRemoveRows(QModelIndex(), head, head + removed - 1)
            keep = len(old) - tail
            self._set_rows(old[:head] + old[keep:], self._days[:head] + self._days[keep:])
            self.endRemoveRows()
        if added:
            self.beginInsertRows(QModelIndex(), head, head + added - 1)
            self._set_rows(rows, days)
            self.endInsertRows()
        else:
            self._rows, self._days = rows, days  # the same values: no row moved

    def _moods_changed(self, old: dict[int, DayMoods]) -> None:
        """Repaint the headers whose check-ins changed (rows that came or went are done)."""
        new = self._moods
        if old == new:
            return
        for day in old.keys() | new.keys():
            row = self._header_row(day) if old.get(day) != new.get(day) else -1
            if row >= 0:
                self.dataChanged.emit(self.index(row), self.index(row))

    def _load_failed(self, exc: BaseException) -> None:
        self._pending.clear()
        self.failed.emit(exc)

    def clear(self) -> None:
        """Forget every id and entry (on lock); answers still on their way are dropped."""
        self._token += 1
        self.beginResetModel()
        self._set_rows(array("q"), array("i"))
        self._cache.clear()
        self._pending.clear()
        self._missing.clear()
        self._labels.clear()
        self._moods = {}
        self.entry_count = 0
        self.loaded = False
        self.endResetModel()

    def invalidate(self, entry_ids: Iterable[int] | None) -> None:
        """These entries changed (None: any may have, e.g. a renamed tag): drop them from the
        cache and repaint their rows, which fetches them again when they are on screen."""
        if entry_ids is None:
            self._cache.clear()
            if self._rows:
                self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1))
            return
        for entry_id in entry_ids:
            if self._cache.pop(entry_id, None) is None:
                continue
            try:
                row = self._rows.index(entry_id)
            except ValueError:
                continue
            self.dataChanged.emit(self.index(row), self.index(row))

    # -- fetching rows ----------------------------------------------------------------------

    def _fetch_block(self, row: int) -> None:
        start = row - row % BLOCK_ROWS
        stop = min(start + BLOCK_ROWS, len(self._rows))
        ids = [value for value in self._rows[start:stop]
               if value > 0 and value not in self._cache and value not in self._pending
               and value not in self._missing]
        if not ids:
            return
        self._pending.update(ids)
        self.fetch_count += 1
        token, generation, load = self._token, self._generation, self._load_entries
        self._runner.run(lambda: (token, generation, start, stop, ids, load(ids)),
                         self._entries_arrived, self._load_failed)

    def _entries_arrived(self, payload: tuple[int, int, int, int, list[int], list[Entry]]
                         ) -> None:
        token, generation, start, stop, ids, entries = payload
        if token != self._token:
            return
        self._pending.difference_update(ids)
        for entry in entries:
            self._cache[entry.id] = entry
        self._missing.update(set(ids) - {entry.id for entry in entries})
        while len(self._cache) > CACHE_LIMIT:
            self._cache.popitem(last=False)
        if not self._rows:
            return
        if generation != self._generation:  # rows moved meanwhile: repaint them all
            start, stop = 0, len(self._rows)
        stop = min(stop, len(self._rows))
        if start < stop:
            self.dataChanged.emit(self.index(start), self.index(stop - 1))

    # -- Qt model interface -----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self._rows[index.row()] < 0:
            return Qt.ItemFlag.ItemIsEnabled  # day headers cannot be selected
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | \
            Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = index.row()
        value = self._rows[row]
        if role == JournalRoles.HEADER:
            return value < 0
        if role == JournalRoles.DAY:
            return date.fromordinal(self._days[row])
        if value < 0:
            return self._header_data(-value, role)
        if role == JournalRoles.ENTRY_ID:
            return value
        if role not in (JournalRoles.ENTRY, Qt.ItemDataRole.DisplayRole,
                        Qt.ItemDataRole.AccessibleTextRole):
            return None
        entry = self._cache.get(value)
        if entry is None:
            if value not in self._pending:
                self._fetch_block(row)
            return "" if role == Qt.ItemDataRole.DisplayRole else None
        if role == JournalRoles.ENTRY:
            return entry
        if role == Qt.ItemDataRole.DisplayRole:
            return entry_label(entry)
        return describe_entry(entry)

    def _header_data(self, ordinal: int, role: int) -> Any:
        """A day header: its date, its check-ins, and those in words (tooltip, screen readers)."""
        moods = self._moods.get(ordinal, ())
        if role == JournalRoles.CHECKINS:
            return moods
        if role == Qt.ItemDataRole.DisplayRole:
            return self._day_label(ordinal)
        if role not in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return None
        parts = describe_moods(moods)
        said = self.tr("Check-ins: %1").replace("%1", ", ".join(parts)) if parts else ""
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self._day_label(ordinal)}. {said}" if said else self._day_label(ordinal)
        if len(parts) > 3:  # a busy day: one a line
            return "\n".join([self.tr("Check-ins:"), *parts])
        return said or None

    def _day_label(self, ordinal: int) -> str:
        label = self._labels.get(ordinal)
        if label is None:
            label = self._labels[ordinal] = day_label(date.fromordinal(ordinal))
        return label

    # -- lookups for the page ---------------------------------------------------------------

    def is_header(self, row: int) -> bool:
        return 0 <= row < len(self._rows) and self._rows[row] < 0

    def entry_id_at(self, row: int) -> int | None:
        if 0 <= row < len(self._rows) and self._rows[row] > 0:
            return int(self._rows[row])
        return None

    def cached_entry(self, entry_id: int) -> Entry | None:
        return self._cache.get(entry_id)

    def row_of(self, entry_id: int) -> int:
        try:
            return self._rows.index(entry_id)
        except ValueError:
            return -1

    def row_for_day(self, day: date) -> int:
        """The header row of `day`, or of the nearest earlier day with entries; -1 if none.
        (A day with check-ins alone is stepped over: this is where the entries are.)"""
        wanted = day.toordinal()
        row = bisect.bisect_left(self._days, -wanted, key=lambda ordinal: -ordinal)
        rows, count = self._rows, len(self._rows)
        while row < count and not (rows[row] < 0 and row + 1 < count and rows[row + 1] > 0):
            row += 1
        return row if row < count else -1

    def _header_row(self, ordinal: int) -> int:
        row = bisect.bisect_left(self._days, -ordinal, key=lambda value: -value)
        found = row < len(self._rows) and self._days[row] == ordinal and self._rows[row] < 0
        return row if found else -1


def _common_prefix(a: array[int], b: array[int]) -> int:
    n = min(len(a), len(b))
    if a[:n] == b[:n]:
        return n
    lo, hi = 0, n  # a[:lo] == b[:lo] and a[:hi] != b[:hi]
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid
    return lo


def _common_suffix(a: array[int], b: array[int], limit: int) -> int:
    """How many values `a` and `b` share at their ends, at most `limit`."""
    if limit <= 0:
        return 0
    ra, rb = a[len(a) - limit:], b[len(b) - limit:]
    ra.reverse()
    rb.reverse()
    return _common_prefix(ra, rb)
