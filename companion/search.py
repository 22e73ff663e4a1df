"""Full-text search over the journal (FTS5, inside the encrypted database).

The user's words become a safe FTS5 query: each word is quoted, so punctuation and FTS5
operators typed by the user are never interpreted as syntax. `"a phrase"` stays a phrase, and a
word ending in `*` matches as a prefix. All words must match.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from companion.checkins import CheckIns
from companion.journal import Journal
from companion.markdown_text import plain_pieces
from companion.models import CheckinHit, SearchHit, normalize_tag
from companion.timeutil import period_clauses

_OPEN, _CLOSE = "\x02", "\x03"
_TERM = re.compile(r'"([^"]*)"?|(\S+)')
SNIPPET_TOKENS = 16
# bm25 scores every matching entry before ORDER BY rank LIMIT can keep the best few, so a
# query that matches most of a 36,500-entry journal ("the", "walk*") costs ~50–100 ms. Such
# broad queries are ranked within the most recently written RANK_WINDOW matches instead:
# still the best of thousands, in a few milliseconds (docs/benchmarks.md has the figures).
RANK_WINDOW = 2_000
MAX_QUERY_TERMS = 32


@dataclass(frozen=True)
class SearchFilters:
    tag: str | None = None
    start: datetime | None = None
    end: datetime | None = None


def build_match_query(text: str) -> str | None:
    """The FTS5 query for what the user typed, or None if it has nothing to search for."""
    # Control characters (NUL ends an FTS5 string early) and lone surrogates (not encodable)
    # are separators, never part of a word.
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cs") else ch for ch in text)
    parts: list[str] = []
    for phrase, word in _TERM.findall(text):
        term = phrase if phrase else word
        prefix = bool(word) and word.endswith("*")
        term = term.rstrip("*") if prefix else term
        if not any(ch.isalnum() for ch in term):
            continue
        quoted = '"' + term.replace('"', '""') + '"'
        parts.append(quoted + ("*" if prefix else ""))
        if len(parts) >= MAX_QUERY_TERMS:
            break
    return " AND ".join(parts) if parts else None


def search_entries(journal: Journal, text: str, *, limit: int = 50,
                   filters: SearchFilters | None = None) -> list[SearchHit]:
    """Ranked hits (best first), each with its best passage highlighted."""
    match = build_match_query(text)
    if match is None or limit <= 0:
        return []
    filters = filters or SearchFilters()
    where = ["entries_fts MATCH ?", "e.deleted_us IS NULL"]
    params: list[Any] = [match]
    clauses, bounds = period_clauses("e.created_us", filters.start, filters.end)
    where += clauses
    params += bounds
    if filters.tag is not None:
        where.append(
            "e.id IN (SELECT et.entry_id FROM entry_tags et JOIN tags t ON t.id = et.tag_id"
            " WHERE t.name = ?)"
        )
        params.append(normalize_tag(filters.tag))
    # no date or tag filter: a rowid window cannot hide what they ask for
    rows = _ranked(journal.db, "entries_fts", -1, "entries e ON e.id = entries_fts.rowid",
                   where, params, limit, windowed=len(where) == 2)
    entries = {entry.id: entry for entry in journal.get_many([row[0] for row in rows])}
    return [
        SearchHit(entry=entries[row[0]], snippet=entry_passage(entries[row[0]].title, row[1]),
                  rank=float(row[2]))
        for row in rows
        if row[0] in entries
    ]


def entry_passage(title: str, marked: str) -> tuple[tuple[str, bool], ...]:
    """An entry's passage as (text, is_match) pieces, without Markdown: a list shows "Lunch
    with Sam", not "# Lunch with **Sam**". A passage from the title is left as it is: titles
    are plain text, and "*nix tips" must not lose its star."""
    pieces = split_snippet(marked)
    if "".join(text for text, _ in pieces).strip(" …") in title:
        return pieces
    return plain_pieces(pieces)


def search_checkins(checkins: CheckIns, text: str, *, limit: int = 50,
                    filters: SearchFilters | None = None) -> list[CheckinHit]:
    """Check-ins whose note matches (best first), with the passage highlighted. Check-ins
    have no tags, so a tag filter finds none. A note is plain text, shown as typed."""
    match = build_match_query(text)
    filters = filters or SearchFilters()
    if match is None or limit <= 0 or filters.tag is not None:
        return []
    where = ["checkins_fts MATCH ?", "c.deleted_us IS NULL"]
    params: list[Any] = [match]
    clauses, bounds = period_clauses("c.at_us", filters.start, filters.end)
    where += clauses
    params += bounds
    rows = _ranked(checkins.db, "checkins_fts", 0, "checkins c ON c.id = checkins_fts.rowid",
                   where, params, limit, windowed=len(where) == 2)
    found = {checkin.id: checkin for checkin in checkins.get_many([row[0] for row in rows])}
    return [CheckinHit(found[row[0]], split_snippet(row[1]), float(row[2]))
            for row in rows if row[0] in found]


def _ranked(db: Any, table: str, column: int, join: str, where: list[str],
            params: list[Any], limit: int, *, windowed: bool) -> list[Any]:
    """(rowid, marked snippet, rank) of the best `limit` matches in an FTS5 `table`. A broad
    query without filters is ranked within the newest RANK_WINDOW matches (see above)."""
    where, params = list(where), list(params)
    if windowed:
        threshold = db.query_one(f"SELECT rowid FROM {table} WHERE {table} MATCH ?"
                                 " ORDER BY rowid DESC LIMIT 1 OFFSET ?",
                                 (params[0], RANK_WINDOW - 1))
        if threshold is not None:
            where.append(f"{table}.rowid >= ?")
            params.append(threshold[0])
    return list(db.query(
        f"SELECT {table}.rowid, snippet({table}, {column}, char(2), char(3), '…', "
        f"{SNIPPET_TOKENS}), {table}.rank FROM {table} JOIN {join}"
        f" WHERE {' AND '.join(where)} ORDER BY {table}.rank LIMIT ?", [*params, limit]))


def split_snippet(marked: str) -> tuple[tuple[str, bool], ...]:
    """Turn FTS5's marked snippet into (text, is_match) pieces."""
    pieces: list[tuple[str, bool]] = []
    inside = False
    for chunk in re.split(f"([{_OPEN}{_CLOSE}])", marked or ""):
        if chunk == _OPEN:
            inside = True
        elif chunk == _CLOSE:
            inside = False
        elif chunk:
            pieces.append((chunk, inside))
    return tuple(pieces)
