"""The journal list: day headers, each day's check-ins and entries, held as ids; entries are
fetched in blocks.

The model keeps two arrays: `rows` (an entry id, minus a day's ordinal for its header, or a
check-in's number: the encoding is in ui/models/journal_rows.py) and `days` (the day's ordinal
on every row): about 440 kB for 36,500 entries. Entry values live in a bounded cache. `data()`
on an entry row that is not cached answers with a placeholder and asks the task runner for the
block of rows around it; when the block arrives, `dataChanged` repaints it. So no SQL ever runs
in `data()` or in a delegate's `paint()`.

Check-ins are small (time, mood, energy, labels, the note's start) and come with the ids, kept
by check-in id (about 1.3 MB for ten years of two a day). Each has a row of its own under its
day's header, selectable like an entry; a day with check-ins and no entries is a header with
its check-in rows. The trash shows none; with a tag filter, only days with matching entries
are listed, and their check-ins are faces on the header, not rows.

Reloading after a change diffs the new rows against the old ones and inserts or removes only
the rows that differ, so the selection and the scroll position survive a new or deleted entry
or check-in; a check-in changed in place repaints its row.
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
    QDate,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from companion.checkins import DayMood
from companion.models import Entry
from ui.models.journal_rows import (
    DayMoods,
    Rows,
    build_rows,
    checkin_id_of,
    checkin_tooltip,
    checkin_value,
    common_prefix,
    common_suffix,
    describe_checkin,
    describe_entry,
    describe_moods,
    entry_label,
    is_header_value,
    middle_steps,
    mood_word,
)
from ui.tasks import TaskRunner

__all__ = [
    "BLOCK_ROWS", "CACHE_LIMIT", "DayMoods", "EntryLoader", "IndexLoader", "IndexQuery",
    "JournalListModel", "JournalRoles", "MoodLoader", "build_rows", "day_label", "entry_label",
]

BLOCK_ROWS = 200  # rows fetched together when the view meets one that is not cached
CACHE_LIMIT = 2_000  # entries kept; the oldest fetched go first
_RESET_ABOVE = 4_000  # a diff bigger than this is shown as a reset (e.g. a new filter)
_MATCH_ABOVE = 2_000  # a change this big is one block of rows out and one in, not matched
_REPAINT_EACH = 50  # more rows changed in place than this: repaint them all at once

Index = QModelIndex | QPersistentModelIndex


class JournalRoles(IntEnum):
    ENTRY = Qt.ItemDataRole.UserRole + 1  # Entry, or None while its block is on its way
    ENTRY_ID = Qt.ItemDataRole.UserRole + 2  # int, or None on a day header
    DAY = Qt.ItemDataRole.UserRole + 3  # datetime.date, on every row
    HEADER = Qt.ItemDataRole.UserRole + 4  # bool
    CHECKINS = Qt.ItemDataRole.UserRole + 5  # a header's faces: DayMoods in time order
    CHECKIN = Qt.ItemDataRole.UserRole + 6  # DayMood, on a check-in's row
    CHECKIN_ID = Qt.ItemDataRole.UserRole + 7  # int, on a check-in's row


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


def day_label(day: date) -> str:
    return QLocale().toString(QDate(day.year, day.month, day.day), "dddd, d MMMM yyyy")


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
        self._faces: dict[int, DayMoods] = {}  # day ordinal -> its header's check-in faces
        self._checkins: dict[int, DayMood] = {}  # check-in id -> what its row shows
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
        token, (rows, days, faces, checkins) = payload
        if token != self._token:
            return
        self._missing.clear()
        old_faces, self._faces = self._faces, faces
        old_checkins = self._checkins
        if self._reset_due or not self.loaded:
            self._reset_due = False
            self.beginResetModel()
            self._checkins = checkins
            self._set_rows(rows, days)
            self.endResetModel()
        else:
            self._checkins = {**old_checkins, **checkins}  # rows going still say what they are
            self._apply_diff(rows, days)
            self._checkins = checkins
            self._repaint_changed(old_faces, old_checkins)
        self.entry_count = sum(1 for value in rows if value > 0) if len(rows) else 0
        self.loaded = True
        self.index_loaded.emit()

    def _set_rows(self, rows: array[int], days: array[int]) -> None:
        self._rows, self._days = rows, days
        self._generation += 1

    def _apply_diff(self, rows: array[int], days: array[int]) -> None:
        old = self._rows
        head = common_prefix(old, rows)
        tail = common_suffix(old, rows, min(len(old), len(rows)) - head)
        removed, added = len(old) - head - tail, len(rows) - head - tail
        if removed + added > _RESET_ABOVE:
            self.beginResetModel()
            self._set_rows(rows, days)
            self.endResetModel()
            return
        if not removed and not added:
            self._rows, self._days = rows, days  # the same values: no row moved
            return
        # Rows that went and rows that came (two changes in one refresh: an undo and an edit,
        # a sync): the rows between them stay, and so does a selection there.
        steps = middle_steps(old[head:len(old) - tail], rows[head:len(rows) - tail]) \
            if removed and added and removed + added <= _MATCH_ABOVE \
            else [(0, removed, 0, added)]
        self._generation += 1
        for gone_from, gone_to, came_from, came_to in reversed(steps):  # from the end: the
            at = head + gone_from                                    # rows before keep place
            if gone_to > gone_from:
                self.beginRemoveRows(QModelIndex(), at, head + gone_to - 1)
                del self._rows[at:head + gone_to]
                del self._days[at:head + gone_to]
                self.endRemoveRows()
            if came_to > came_from:
                self.beginInsertRows(QModelIndex(), at, at + came_to - came_from - 1)
                self._rows[at:at] = rows[head + came_from:head + came_to]
                self._days[at:at] = days[head + came_from:head + came_to]
                self.endInsertRows()
        self._rows, self._days = rows, days  # the same values now

    def _repaint_changed(self, old_faces: dict[int, DayMoods],
                         old_checkins: dict[int, DayMood]) -> None:
        """Repaint the headers whose faces changed and the check-ins changed in place (rows
        that came or went are done); many at once (a sync, an import): every row."""
        faces, checkins = self._faces, self._checkins
        rows: set[int] = set()
        if old_faces != faces:
            rows.update(self._header_row(day) for day in old_faces.keys() | faces.keys()
                        if old_faces.get(day) != faces.get(day))
        if old_checkins != checkins:
            changed = [checkin_id for checkin_id, checkin in checkins.items()
                       if old_checkins.get(checkin_id, checkin) != checkin]
            if len(changed) > _REPAINT_EACH:
                rows.update(range(len(self._rows)))
            else:
                rows.update(self.row_of_checkin(checkin_id) for checkin_id in changed)
        rows.discard(-1)
        if len(rows) > _REPAINT_EACH:
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1))
            return
        for row in sorted(rows):
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
        self._faces, self._checkins = {}, {}
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
        if is_header_value(self._rows[index.row()]):
            return Qt.ItemFlag.ItemIsEnabled  # day headers cannot be selected
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | \
            Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = index.row()
        value = self._rows[row]
        if role == JournalRoles.HEADER:
            return is_header_value(value)
        if role == JournalRoles.DAY:
            return date.fromordinal(self._days[row])
        if value < 0:
            checkin_id = checkin_id_of(value)
            if checkin_id is None:
                return self._header_data(-value, role)
            return self._checkin_data(checkin_id, role)
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
        """A day header: its date, and its faces (with a tag filter) in words for the tooltip
        and screen readers. Otherwise the check-ins have rows of their own, which say them."""
        moods = self._faces.get(ordinal, ())
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

    def _checkin_data(self, checkin_id: int, role: int) -> Any:
        checkin = self._checkins.get(checkin_id)
        if checkin is None:
            return None
        if role == JournalRoles.CHECKIN:
            return checkin
        if role == JournalRoles.CHECKIN_ID:
            return checkin_id
        if role == Qt.ItemDataRole.DisplayRole:
            return self.tr("Check-in · %1").replace("%1", mood_word(checkin.mood).capitalize())
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return describe_checkin(checkin)
        if role == Qt.ItemDataRole.ToolTipRole:
            return checkin_tooltip(checkin)
        return None

    def _day_label(self, ordinal: int) -> str:
        label = self._labels.get(ordinal)
        if label is None:
            label = self._labels[ordinal] = day_label(date.fromordinal(ordinal))
        return label

    # -- lookups for the page ---------------------------------------------------------------

    def is_header(self, row: int) -> bool:
        return 0 <= row < len(self._rows) and is_header_value(self._rows[row])

    def checkin_at(self, row: int) -> DayMood | None:
        """The check-in on this row, or None (a header or an entry)."""
        if 0 <= row < len(self._rows):
            checkin_id = checkin_id_of(self._rows[row])
            if checkin_id is not None:
                return self._checkins.get(checkin_id)
        return None

    def row_of_checkin(self, checkin_id: int) -> int:
        try:
            return self._rows.index(checkin_value(checkin_id))
        except ValueError:
            return -1

    def entry_row_after(self, row: int) -> int:
        """The first entry's row after `row` on the same day (after its check-ins), or -1."""
        rows, count = self._rows, len(self._rows)
        row += 1
        while row < count and not is_header_value(rows[row]):
            if rows[row] > 0:
                return row
            row += 1
        return -1

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
        header = -1
        while row < count:
            if is_header_value(rows[row]):
                header = row
            elif rows[row] > 0 and header >= 0:
                return header
            row += 1
        return -1

    def _header_row(self, ordinal: int) -> int:
        row = bisect.bisect_left(self._days, -ordinal, key=lambda value: -value)
        found = row < len(self._rows) and self._days[row] == ordinal and is_header_value(
            self._rows[row])
        return row if found else -1
