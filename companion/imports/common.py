"""What every importer shares: parsed items, the all-or-nothing writer, the report, progress
and cancelling.

An importer only reads its file into an `ImportPlan` (checking every field the way the journal
and check-in services check what the user types, and naming the file and line or entry of the
first bad one); `write_plan` then writes the whole plan in one transaction. Each item carries a
stable source id, recorded in `import_sources` with the item it became, so importing the same
file again — or a later export of the same journal — adds only what is new.

Cancelling and progress are plain Python: a `CancelToken` the caller may set from another
thread, and a `progress(done, total)` callback; the writer checks the token between rows and a
cancelled import rolls back like any other failure.
"""

from __future__ import annotations

import hashlib
import os
import stat
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from companion.checkins import validated_checkin, write_labels
from companion.clock import Clock
from companion.errors import InvalidInput, UserError
from companion.journal import check_entry_text, unique_tags
from companion.models import Changes, CheckInDraft, check_scale
from companion.timeutil import Stamp
from storage.database import Database

Progress = Callable[[int, int], None]

# Four times a century of daily journaling in any of the formats (36,500 entries make 26 MB
# of jrnl text, 32 MB of JSON export): a bound on what an import holds in memory (the text,
# then its parsed form, several times the file's size).
MAX_FILE_BYTES = 128 * 1024 * 1024
PROGRESS_EVERY = 500  # rows between progress calls: often enough for a bar, cheap enough
BULK_CACHE_KIB = -256 * 1024  # SQLite's page cache during an import (negative: KiB)
BULK_FTS_HASH_BYTES = 16 * 1024 * 1024
DEFAULT_FTS_HASH_BYTES = 1024 * 1024  # FTS5's own default


class ImportCancelled(UserError):
    default_message = "The import was cancelled; nothing was changed."


class CancelToken:
    """Set from any thread to stop an import at the next row (it then rolls back)."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise ImportCancelled()


@dataclass(frozen=True)
class ImportedEntry:
    source_id: str
    title: str
    body: str
    tags: tuple[str, ...]
    created: Stamp
    updated: Stamp
    starred: bool = False
    mood: int | None = None
    deleted_us: int | None = None


@dataclass(frozen=True)
class ImportedCheckIn:
    source_id: str
    at: Stamp
    values: dict[str, Any]  # as `validated_checkin` returns them
    deleted_us: int | None = None


@dataclass
class ImportPlan:
    """A file read and checked, ready to write; nothing touched the vault yet."""

    source: str  # the namespace of the source ids: "jrnl", "daylio", "companion:<vault id>" …
    path: Path
    entries: list[ImportedEntry] = field(default_factory=list)
    checkins: list[ImportedCheckIn] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what is left out, and why
    own_ids: bool = False  # the source ids are the ids of items in this very vault
    # Files to attach to the imported entries once their rows are written
    # (companion.attachment_export.PendingFile; the JSON export's, for now).
    attachments: list[Any] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.entries) + len(self.checkins)


@dataclass(frozen=True)
class ImportReport:
    entries_imported: int = 0
    checkins_imported: int = 0
    skipped: int = 0  # already in the vault (imported before)
    dry_run: bool = False
    notes: tuple[str, ...] = ()

    @property
    def imported(self) -> int:
        return self.entries_imported + self.checkins_imported

    @property
    def changes(self) -> Changes:
        """What the import changed (nothing for a dry run)."""
        if self.dry_run:
            return Changes()
        return Changes(entries=bool(self.entries_imported),
                       checkins=bool(self.checkins_imported), tags=bool(self.entries_imported))

    def summary(self) -> str:
        lead = "Would import" if self.dry_run else "Imported"
        return (f"{lead} {self.entries_imported} entries and {self.checkins_imported} "
                f"check-ins; skipped {self.skipped} already in the vault.")


class BadItem(Exception):
    """A problem with one item; `item_error` turns it into an `InvalidInput` naming where."""


def item_error(path: Path, where: str, exc: Exception) -> InvalidInput:
    reason = exc.message if isinstance(exc, UserError) else str(exc)
    return InvalidInput(f"{path}: {where}: {reason.rstrip('.')}.", "Nothing was imported.")


def stable_id(*parts: object) -> str:
    """A short, stable id for an item that has none of its own (jrnl, Daylio CSV rows): a
    hash of what identifies it, so the same item read again gets the same id."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return digest[:32]


def numbered(ids: Iterable[str]) -> list[str]:
    """Identical items in one file stay distinct: the second copy of `x` becomes `x#2`."""
    seen: dict[str, int] = {}
    out = []
    for item_id in ids:
        seen[item_id] = seen.get(item_id, 0) + 1
        out.append(item_id if seen[item_id] == 1 else f"{item_id}#{seen[item_id]}")
    return out


def stamp_of(when: datetime) -> Stamp:
    """An aware time as stored; times outside what can be stored are the file's fault."""
    try:
        stamp = Stamp.of(when)
        if not 2 <= when.year <= 9998:  # only there can the UTC or local form overflow
            stamp.to_datetime()
    except (OverflowError, ValueError):
        raise BadItem("the time is out of range") from None
    return stamp


def make_entry(source_id: str, *, title: str, body: str, tags: Iterable[str], created: datetime,
               updated: datetime | None = None, starred: bool = False, mood: int | None = None,
               deleted: datetime | None = None) -> ImportedEntry:
    """A checked entry (raises `InvalidInput` with the service's own sentence if not valid)."""
    title, body = check_entry_text(title, body)
    created_stamp = stamp_of(created)
    return ImportedEntry(
        source_id, title, body, tuple(unique_tags(tags)), created_stamp,
        created_stamp if updated is None else stamp_of(updated), bool(starred),
        check_scale("mood", mood), None if deleted is None else stamp_of(deleted).utc_us)


def make_checkin(source_id: str, draft: CheckInDraft, *, deleted: datetime | None = None
                 ) -> ImportedCheckIn:
    assert draft.at is not None
    return ImportedCheckIn(source_id, stamp_of(draft.at), validated_checkin(draft),
                           None if deleted is None else stamp_of(deleted).utc_us)


def read_limited(path: Path, what: str) -> bytes:
    """The file's bytes, with the errors a person can act on (missing, a folder, too big, a
    device or a pipe, which would never end)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(fd)
            if stat.S_ISDIR(info.st_mode):
                raise IsADirectoryError
            if not stat.S_ISREG(info.st_mode):
                raise InvalidInput(f"{path} is not a file (a device or a pipe), so it cannot "
                                   f"be {what}.", "Nothing was imported.")
            data = handle.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise InvalidInput(f"{path} is larger than {MAX_FILE_BYTES // 2**20} MiB, too "
                               f"large to be {what}.", "Nothing was imported.")
        return data
    except FileNotFoundError:
        raise UserError(f"There is no file {path}.") from None
    except IsADirectoryError:
        raise UserError(f"{path} is a folder, not {what}.") from None
    except PermissionError:
        raise UserError(f"Companion may not read {path}.", "Check its permissions.") from None


def write_plan(database: Database, clock: Clock, plan: ImportPlan, *, dry_run: bool = False,
               progress: Progress | None = None, cancel: CancelToken | None = None
               ) -> ImportReport:
    """Write `plan` in one transaction (all or nothing); items already imported are skipped.

    `dry_run` does the same work and rolls it back, so its counts are exactly what a real
    import would do. A cancel, a full disk or any error rolls back: the vault is unchanged.
    """
    counts = {"entry": 0, "checkin": 0, "skipped": 0}
    total = plan.total
    try:
        # A big import touches many pages: with room for them in memory, each is written once.
        with database.bulk_transaction(BULK_CACHE_KIB) as cur:
            index_buffer = _with_big_index_buffer(cur)
            _write_rows(cur, clock, plan, counts, progress, cancel)
            if cancel is not None:
                cancel.check()
            _restore_index_buffer(cur, index_buffer)
            if dry_run:
                raise _DryRun()
    except _DryRun:
        pass
    if progress is not None:
        progress(total, total)
    return ImportReport(counts["entry"], counts["checkin"], counts["skipped"], dry_run,
                        tuple(plan.notes))


def _with_big_index_buffer(cur: Any) -> int:
    """The full-text index gathers new terms in memory (1 MiB by default) and writes a segment
    each time that fills, to be merged later; ten years of entries then cost dozens of
    merges. A bigger buffer for this one transaction writes far fewer; the setting is put back
    before the commit (and a rollback undoes it anyway). Returns the setting to put back."""
    row = cur.execute("SELECT v FROM entries_fts_config WHERE k = 'hashsize'").fetchone()
    previous = int(row[0]) if row is not None else DEFAULT_FTS_HASH_BYTES
    cur.execute("INSERT INTO entries_fts (entries_fts, rank) VALUES ('hashsize', ?)",
                (BULK_FTS_HASH_BYTES,))
    return previous


def _restore_index_buffer(cur: Any, previous: int) -> None:
    cur.execute("INSERT INTO entries_fts (entries_fts, rank) VALUES ('hashsize', ?)",
                (previous,))


def _write_rows(cur: Any, clock: Clock, plan: ImportPlan, counts: dict[str, int],
                progress: Progress | None, cancel: CancelToken | None) -> None:
    """Rows go in with `executemany`, a few hundred at a time, under ids chosen here (the
    transaction holds the write lock, so nobody else takes them): ten years of entries in
    seconds. Between batches, progress is reported and a cancel is honoured."""
    imported = {row[0] for row in cur.execute(
        "SELECT source_id FROM import_sources WHERE source = ?", (plan.source,))}
    done, total = 0, plan.total

    def batch_done(size: int) -> None:
        nonlocal done
        done += size
        if cancel is not None:
            cancel.check()
        if progress is not None and done < total:
            progress(done, total)

    for start in range(0, len(plan.entries), PROGRESS_EVERY):
        chunk = plan.entries[start : start + PROGRESS_EVERY]
        _insert_entries(cur, plan, chunk, imported, counts)
        batch_done(len(chunk))
    now = Stamp.of(clock.now()).utc_us
    for start in range(0, len(plan.checkins), PROGRESS_EVERY):
        checkins = plan.checkins[start : start + PROGRESS_EVERY]
        _insert_checkins(cur, plan, checkins, imported, counts, now)
        batch_done(len(checkins))


def _new_items(cur: Any, plan: ImportPlan, kind: str, items: list[Any], imported: set[str],
               counts: dict[str, int]) -> list[Any]:
    """The items not imported before (nor, for a vault's own export, already in it)."""
    own: set[int] = set()
    if plan.own_ids and items:
        table = "entries" if kind == "entry" else "checkins"
        numbers = [int(item.source_id) for item in items]
        marks = ",".join("?" * len(numbers))
        own = {row[0] for row in cur.execute(
            f"SELECT id FROM {table} WHERE id IN ({marks})", numbers)}
    fresh = []
    for item in items:
        key = f"{kind}:{item.source_id}"
        if key in imported or (plan.own_ids and int(item.source_id) in own):
            counts["skipped"] += 1
        else:
            imported.add(key)
            fresh.append(item)
    counts[kind] += len(fresh)
    return fresh


def _next_id(cur: Any, table: str) -> int:
    return int(cur.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]) + 1


def _insert_entries(cur: Any, plan: ImportPlan, items: list[ImportedEntry],
                    imported: set[str], counts: dict[str, int]) -> None:
    fresh = _new_items(cur, plan, "entry", items, imported, counts)
    if not fresh:
        return
    first = _next_id(cur, "entries")
    cur.executemany(
        "INSERT INTO entries (id, title, body, tags_text, created_us, created_offset, day,"
        " updated_us, updated_offset, starred, mood, deleted_us)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        [(first + n, e.title, e.body, " ".join(e.tags), e.created.utc_us, e.created.offset_min,
          e.created.local_day, e.updated.utc_us, e.updated.offset_min, int(e.starred), e.mood,
          e.deleted_us) for n, e in enumerate(fresh)])
    names = list(dict.fromkeys(tag for e in fresh for tag in e.tags))
    cur.executemany("INSERT INTO tags (name) VALUES (?) ON CONFLICT (name) DO NOTHING",
                    [(name,) for name in names])
    tag_ids = {name: cur.execute("SELECT id FROM tags WHERE name = ?", (name,)).fetchone()[0]
               for name in names}
    cur.executemany("INSERT OR IGNORE INTO entry_tags (entry_id, tag_id) VALUES (?,?)",
                    [(first + n, tag_ids[tag]) for n, e in enumerate(fresh) for tag in e.tags])
    _record(cur, plan, "entry", [(e.source_id, first + n) for n, e in enumerate(fresh)])


def _insert_checkins(cur: Any, plan: ImportPlan, items: list[ImportedCheckIn],
                     imported: set[str], counts: dict[str, int], now: int) -> None:
    fresh = _new_items(cur, plan, "checkin", items, imported, counts)
    if not fresh:
        return
    first = _next_id(cur, "checkins")
    cur.executemany(
        "INSERT INTO checkins (id, at_us, at_offset, day, mood, energy, sleep_hours, note,"
        " updated_us, deleted_us) VALUES (?,?,?,?,?,?,?,?,?,?)",
        [(first + n, c.at.utc_us, c.at.offset_min, c.at.local_day, c.values["mood"],
          c.values["energy"], c.values["sleep_hours"], c.values["note"], now, c.deleted_us)
         for n, c in enumerate(fresh)])
    for n, checkin in enumerate(fresh):
        write_labels(cur, first + n, checkin.values["emotions"], checkin.values["activities"])
    _record(cur, plan, "checkin", [(c.source_id, first + n) for n, c in enumerate(fresh)])


def _record(cur: Any, plan: ImportPlan, kind: str, pairs: list[tuple[str, int]]) -> None:
    cur.executemany("INSERT INTO import_sources (source, source_id, kind, item_id)"
                    " VALUES (?,?,?,?)",
                    [(plan.source, f"{kind}:{source_id}", kind, item_id)
                     for source_id, item_id in pairs])


class _DryRun(Exception):
    """Rolls the import's transaction back after counting what it would do."""
