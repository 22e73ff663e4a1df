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
    if len(where) == 2:  # no date or tag filter: a rowid window cannot hide what they ask for
        threshold = journal.db.query_one(
            "SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?"
            " ORDER BY rowid DESC LIMIT 1 OFFSET ?", (match, RANK_WINDOW - 1))
        if threshold is not None:
            where.append("entries_fts.rowid >= ?")
            params.append(threshold[0])
    params.append(limit)
    rows = journal.db.query(
        "SELECT entries_fts.rowid, snippet(entries_fts, -1, char(2), char(3), '…', "
        f"{SNIPPET_TOKENS}), entries_fts.rank FROM entries_fts"
        " JOIN entries e ON e.id = entries_fts.rowid"
        f" WHERE {' AND '.join(where)} ORDER BY entries_fts.rank LIMIT ?",
        params,
    )
    entries = {entry.id: entry for entry in journal.get_many([row[0] for row in rows])}
    return [
        SearchHit(entry=entries[row[0]], snippet=split_snippet(row[1]), rank=float(row[2]))
        for row in rows
        if row[0] in entries
    ]


def search_checkins(checkins: CheckIns, text: str, *, limit: int = 50,
                    filters: SearchFilters | None = None) -> list[CheckinHit]:
    """Check-ins whose note matches (best first), with the passage highlighted. Check-ins
    have no tags, so a tag filter finds none."""
    match = build_match_query(text)
    filters = filters or SearchFilters()
    if match is None or limit <= 0 or filters.tag is not None:
        return []
    where = ["checkins_fts MATCH ?", "c.deleted_us IS NULL"]
    params: list[Any] = [match]
    clauses, bounds = period_clauses("c.at_us", filters.start, filters.end)
    where += clauses
    params += bounds
    if len(where) == 2:  # as for entries: broad queries are ranked among the newest matches
        threshold = checkins.db.query_one(
            "SELECT rowid FROM checkins_fts WHERE checkins_fts MATCH ?"
            " ORDER BY rowid DESC LIMIT 1 OFFSET ?", (match, RANK_WINDOW - 1))
        if threshold is not None:
            where.append("checkins_fts.rowid >= ?")
            params.append(threshold[0])
    params.append(limit)
    rows = checkins.db.query(
        "SELECT checkins_fts.rowid, snippet(checkins_fts, 0, char(2), char(3), '…', "
        f"{SNIPPET_TOKENS}), checkins_fts.rank FROM checkins_fts"
        " JOIN checkins c ON c.id = checkins_fts.rowid"
        f" WHERE {' AND '.join(where)} ORDER BY checkins_fts.rank LIMIT ?",
        params,
    )
    found = {checkin.id: checkin for checkin in checkins.get_many([row[0] for row in rows])}
    return [CheckinHit(found[row[0]], split_snippet(row[1]), float(row[2]))
            for row in rows if row[0] in found]


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
