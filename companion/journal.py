"""Journal entries: write, edit, star, tag, move to the trash and back, list by day or month.

Every query here is index-backed; none reads more rows than it returns (see
benchmarks/bench_core.py for the figures).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from companion.clock import Clock
from companion.errors import InvalidInput, NotFound
from companion.models import (
    Changes,
    Entry,
    EntryDraft,
    ItemRef,
    Kind,
    TagCount,
    check_scale,
    check_storable,
    normalize_tag,
)
from companion.timeutil import Stamp, period_clauses
from storage.database import Database

MAX_TITLE = 500
MAX_BODY = 1_000_000

_ENTRY_COLUMNS = (
    "e.id, e.title, e.body, e.created_us, e.created_offset, e.updated_us, e.updated_offset,"
    " e.starred, e.mood, e.deleted_us"
)

_UNSET: Any = object()


class Journal:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    # -- writing -----------------------------------------------------------------------------

    def add(self, draft: EntryDraft) -> Entry:
        title, body = check_entry_text(draft.title, draft.body)
        mood = check_scale("mood", draft.mood)
        tags = unique_tags(draft.tags)
        # A new entry has not been edited: its "updated" time is its creation time, even when
        # it is back-dated (imports, `--at`).
        created = Stamp.of(draft.at if draft.at is not None else self.clock.now())
        with self.db.transaction() as cur:
            cur.execute(
                "INSERT INTO entries (title, body, tags_text, created_us, created_offset, day,"
                " updated_us, updated_offset, starred, mood) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (title, body, " ".join(tags), created.utc_us, created.offset_min,
                 created.local_day, created.utc_us, created.offset_min, int(draft.starred), mood),
            )
            entry_id = int(cur.lastrowid)
            link_tags(cur, entry_id, tags)
        return self.get(entry_id)

    def add_many(self, drafts: Iterable[EntryDraft]) -> int:
        """Insert many entries in one transaction (imports, demo data); return the count."""
        now = Stamp.of(self.clock.now())
        count = 0
        with self.db.transaction() as cur:
            for draft in drafts:
                title, body = check_entry_text(draft.title, draft.body)
                tags = unique_tags(draft.tags)
                created = Stamp.of(draft.at) if draft.at is not None else now
                cur.execute(
                    "INSERT INTO entries (title, body, tags_text, created_us, created_offset,"
                    " day, updated_us, updated_offset, starred, mood)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (title, body, " ".join(tags), created.utc_us, created.offset_min,
                     created.local_day, created.utc_us, created.offset_min, int(draft.starred),
                     check_scale("mood", draft.mood)),
                )
                if tags:
                    link_tags(cur, int(cur.lastrowid), tags)
                count += 1
        return count

    def update(
        self,
        entry_id: int,
        *,
        title: str | None = None,
        body: str | None = None,
        tags: Sequence[str] | None = None,
        starred: bool | None = None,
        mood: int | None = _UNSET,
    ) -> Entry:
        current = self.get(entry_id)
        new_title, new_body = check_entry_text(
            current.title if title is None else title, current.body if body is None else body
        )
        new_mood = current.mood if mood is _UNSET else check_scale("mood", mood)
        now = Stamp.of(self.clock.now())
        with self.db.transaction() as cur:
            cur.execute(
                "UPDATE entries SET title = ?, body = ?, starred = ?, mood = ?, updated_us = ?,"
                " updated_offset = ? WHERE id = ?",
                (new_title, new_body, int(current.starred if starred is None else starred),
                 new_mood, now.utc_us, now.offset_min, entry_id),
            )
            if tags is not None:
                cur.execute("DELETE FROM entry_tags WHERE entry_id = ?", (entry_id,))
                clean = unique_tags(tags)
                link_tags(cur, entry_id, clean)
                cur.execute("UPDATE entries SET tags_text = ? WHERE id = ?",
                            (" ".join(clean), entry_id))
                _drop_unused_tags(cur)
        return self.get(entry_id)

    def delete(self, entry_id: int) -> Changes:
        """Move to the trash (restorable)."""
        self._set_deleted(entry_id, Stamp.of(self.clock.now()).utc_us, expect_deleted=False)
        return Changes(entries=True, ids=(ItemRef(Kind.ENTRY, entry_id),))

    def restore(self, entry_id: int) -> Changes:
        self._set_deleted(entry_id, None, expect_deleted=True)
        return Changes(entries=True, ids=(ItemRef(Kind.ENTRY, entry_id),))

    def _set_deleted(self, entry_id: int, value: int | None, *, expect_deleted: bool) -> None:
        entry = self.get(entry_id, include_deleted=True)
        if (entry.deleted is not None) != expect_deleted:
            state = "is not in the trash" if expect_deleted else "is already in the trash"
            raise InvalidInput(f"Entry e{entry_id} {state}.")
        with self.db.transaction() as cur:
            cur.execute("UPDATE entries SET deleted_us = ? WHERE id = ?", (value, entry_id))

    # -- reading -----------------------------------------------------------------------------

    def get(self, entry_id: int, *, include_deleted: bool = False) -> Entry:
        row = self.db.query_one(f"SELECT {_ENTRY_COLUMNS} FROM entries e WHERE e.id = ?",
                                (entry_id,))
        if row is None or (row[9] is not None and not include_deleted):
            raise NotFound(f"There is no entry e{entry_id}.",
                           "Use `companion list` to see ids (deleted ones: `list --trash`).")
        return self._hydrate([row])[0]

    def get_many(self, ids: Sequence[int]) -> list[Entry]:
        """Entries by id, in the order given (ids that do not exist are left out)."""
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = self.db.query(f"SELECT {_ENTRY_COLUMNS} FROM entries e WHERE e.id IN ({marks})",
                             list(ids))
        by_id = {entry.id: entry for entry in self._hydrate(rows)}
        return [by_id[i] for i in ids if i in by_id]

    def browse(
        self,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        tag: str | None = None,
        limit: int | None = None,
        trash: bool = False,
        newest_first: bool = True,
    ) -> list[Entry]:
        where, params = _browse_filters(start, end, tag, trash)
        order = "DESC" if newest_first else "ASC"
        sql = (f"SELECT {_ENTRY_COLUMNS} FROM entries e WHERE {where}"
               f" ORDER BY e.created_us {order}, e.id {order}")
        if limit is not None:
            sql += " LIMIT ?"
            params.append(max(0, limit))
        return self._hydrate(self.db.query(sql, params))

    def entry_index(
        self,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        tag: str | None = None,
        trash: bool = False,
    ) -> list[tuple[int, str]]:
        """(id, local day) of the entries `browse` would list, newest day first.

        Only ids and days: a list view of the whole journal (tens of thousands of entries)
        costs two index-only scans and a few hundred kilobytes, and fetches the rows it shows
        by id. Within a day, newest first; days never interleave, so a view can group by day.
        """
        order = " ORDER BY e.day DESC, e.created_us DESC, e.id DESC"
        if tag is not None:
            # A tag picks its entries by id, so the table is read anyway.
            where, params = _browse_filters(start, end, tag, trash)
            rows = self.db.query(f"SELECT e.id, e.day FROM entries e WHERE {where}{order}",
                                 params)
            return [(int(entry_id), str(day)) for entry_id, day in rows]
        # `entries_by_day` covers (day, created_us, id) and the partial index
        # `entries_live_by_time` lists the live ids: two index-only scans, filtered here, take
        # half the time of one query that reads `deleted_us` from the table row by row.
        where, params = _browse_filters(start, end, None, None)
        with self.db.exclusive():
            rows = self.db.query(f"SELECT e.id, e.day FROM entries e WHERE {where}{order}",
                                 params)
            live = {row[0] for row in self.db.query(
                "SELECT e.id FROM entries e WHERE e.deleted_us IS NULL")}
        return [(int(entry_id), str(day)) for entry_id, day in rows
                if (entry_id in live) != trash]

    def list_days(self, first_day: str, last_day: str) -> list[Entry]:
        """Live entries whose local day is within [first_day, last_day], oldest first."""
        rows = self.db.query(
            f"SELECT {_ENTRY_COLUMNS} FROM entries e WHERE e.day BETWEEN ? AND ?"
            " AND e.deleted_us IS NULL ORDER BY e.day, e.created_us",
            (first_day, last_day),
        )
        return self._hydrate(rows)

    def days_with_entries(self, first_day: str, last_day: str) -> dict[str, int]:
        """How many entries each day has, for calendars."""
        rows = self.db.query(
            "SELECT day, count(*) FROM entries WHERE day BETWEEN ? AND ?"
            " AND deleted_us IS NULL GROUP BY day",
            (first_day, last_day),
        )
        return {day: count for day, count in rows}

    def _hydrate(self, rows: Sequence[Any]) -> list[Entry]:
        if not rows:
            return []
        ids = [row[0] for row in rows]
        tags: dict[int, list[str]] = {i: [] for i in ids}
        for start in range(0, len(ids), 900):  # SQLite's bound-parameter limit
            chunk = ids[start : start + 900]
            marks = ",".join("?" * len(chunk))
            for entry_id, name in self.db.query(
                "SELECT et.entry_id, t.name FROM entry_tags et JOIN tags t ON t.id = et.tag_id"
                f" WHERE et.entry_id IN ({marks}) ORDER BY t.name COLLATE NOCASE",
                chunk,
            ):
                tags[entry_id].append(name)
        return [
            Entry(
                id=row[0], title=row[1], body=row[2], tags=tuple(tags[row[0]]),
                created=Stamp(row[3], row[4]).to_datetime(),
                updated=Stamp(row[5], row[6]).to_datetime(),
                starred=bool(row[7]), mood=row[8],
                deleted=None if row[9] is None else Stamp(row[9], 0).to_datetime(),
            )
            for row in rows
        ]

    # -- tags ------------------------------------------------------------------------------

    def tags(self) -> list[TagCount]:
        rows = self.db.query(
            "SELECT t.name, count(e.id) FROM tags t JOIN entry_tags et ON et.tag_id = t.id"
            " JOIN entries e ON e.id = et.entry_id AND e.deleted_us IS NULL"
            " GROUP BY t.id ORDER BY t.name COLLATE NOCASE"
        )
        return [TagCount(name, count) for name, count in rows]

    def rename_tag(self, old: str, new: str) -> Changes:
        """Rename a tag; if `new` already exists, the two are merged into it."""
        old_name, new_name = normalize_tag(old), normalize_tag(new)
        with self.db.transaction() as cur:
            found = cur.execute("SELECT id FROM tags WHERE name = ?", (old_name,)).fetchone()
            if found is None:
                raise NotFound(f"There is no tag '{old_name}'.",
                               "`companion tags` lists the tags in use.")
            old_id = found[0]
            target = cur.execute("SELECT id FROM tags WHERE name = ? AND id != ?",
                                 (new_name, old_id)).fetchone()
            if target is None:
                cur.execute("UPDATE tags SET name = ? WHERE id = ?", (new_name, old_id))
            else:
                cur.execute(
                    "INSERT OR IGNORE INTO entry_tags (entry_id, tag_id)"
                    " SELECT entry_id, ? FROM entry_tags WHERE tag_id = ?", (target[0], old_id))
                cur.execute("DELETE FROM tags WHERE id = ?", (old_id,))
                old_id = target[0]
            affected = [r[0] for r in cur.execute(
                "SELECT entry_id FROM entry_tags WHERE tag_id = ?", (old_id,)).fetchall()]
            for entry_id in affected:
                _refresh_tags_text(cur, entry_id)
        return Changes(entries=True, tags=True)


def _browse_filters(start: datetime | None, end: datetime | None, tag: str | None,
                    trash: bool | None) -> tuple[str, list[Any]]:
    """The WHERE clause (over `entries e`) and parameters shared by `browse` and `entry_index`
    (`trash=None`: live and deleted entries alike)."""
    where = ["1"]
    if trash is not None:
        where = ["e.deleted_us IS NOT NULL" if trash else "e.deleted_us IS NULL"]
    params: list[Any] = []
    clauses, bounds = period_clauses("e.created_us", start, end)
    where += clauses
    params += bounds
    if tag is not None:
        where.append(
            "e.id IN (SELECT et.entry_id FROM entry_tags et JOIN tags t ON t.id = et.tag_id"
            " WHERE t.name = ?)"
        )
        params.append(normalize_tag(tag))
    return " AND ".join(where), params


def check_entry_text(title: str, body: str, *, require_content: bool = True
                     ) -> tuple[str, str]:
    """`require_content=False` is for entries merged from other devices: one may have cleared
    the title while another cleared the text, and every device must then hold the same empty
    entry (for the person to fill or trash) rather than each keep its own."""
    title = title.strip()
    if "\n" in title or "\r" in title:
        raise InvalidInput("A title is one line.")
    if len(title) > MAX_TITLE:
        raise InvalidInput(f"A title can have at most {MAX_TITLE} characters.")
    if len(body) > MAX_BODY:
        raise InvalidInput(f"An entry can have at most {MAX_BODY:,} characters.")
    check_storable(title, "title")
    check_storable(body, "text")
    if require_content and not title and not body.strip():
        raise InvalidInput("An entry needs a title or some text.")
    return title, body


def unique_tags(raw: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for tag in raw:
        clean = normalize_tag(tag)
        seen.setdefault(clean.casefold(), clean)
    return list(seen.values())


def link_tags(cur: Any, entry_id: int, tags: Sequence[str]) -> None:
    for name in tags:
        cur.execute("INSERT INTO tags (name) VALUES (?) ON CONFLICT (name) DO NOTHING", (name,))
        cur.execute(
            "INSERT OR IGNORE INTO entry_tags (entry_id, tag_id)"
            " SELECT ?, id FROM tags WHERE name = ?", (entry_id, name))


def _refresh_tags_text(cur: Any, entry_id: int) -> None:
    names = [r[0] for r in cur.execute(
        "SELECT t.name FROM entry_tags et JOIN tags t ON t.id = et.tag_id"
        " WHERE et.entry_id = ? ORDER BY t.name COLLATE NOCASE", (entry_id,)).fetchall()]
    cur.execute("UPDATE entries SET tags_text = ? WHERE id = ?", (" ".join(names), entry_id))


def _drop_unused_tags(cur: Any) -> None:
    cur.execute("DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM entry_tags)")
