"""In-process figures: add one entry, search, list a month, and bulk insert vs raw SQLCipher.

Targets at 36,500 entries (medians over many repetitions; p95 reported too): add ≤ 5 ms,
search (top 50 with snippets) ≤ 25 ms, a month (`CompanionApp.month` and
`Journal.list_days`) ≤ 10 ms, and `Journal.add_many` within 2× of a raw `executemany` of the
same rows into the same schema (same FTS5 index and triggers, same pragmas, raw key).

The vaults here use the Argon2id floor: key derivation happens once at unlock and is measured
by bench_unlock.py and bench_cli.py, not here. When a search kind misses its target, the
script prints why (the statement's query plan and the cost of each part of it).

    python3 benchmarks/bench_core.py [--quick]
"""

from __future__ import annotations

import argparse
import random
import secrets
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import _bootstrap  # noqa: F401  (puts the project on sys.path)
import corpus
import sqlcipher3
from common import (
    FULL_SIZES,
    PASSPHRASE,
    QUICK_SIZES,
    WORK,
    Stats,
    build_vault,
    directory_bytes,
    draft,
    fmt_ms,
    fresh_dir,
    phase,
    repeat_ms,
    save_and_show,
    table,
    time_ms,
    verdict,
)

from companion.app import CompanionApp
from companion.search import build_match_query
from companion.timeutil import Stamp, month_bounds
from storage.kdf import FLOOR

TARGET_ADD_MS = 5.0
TARGET_SEARCH_MS = 25.0
TARGET_MONTH_MS = 10.0
TARGET_BULK_RATIO = 2.0
PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA secure_delete = ON",
    "PRAGMA foreign_keys = ON",
    "PRAGMA temp_store = MEMORY",
)
SEARCH_TARGET_KINDS = ("rare word", "common word", "two words", "prefix")


# -- bulk insert ----------------------------------------------------------------------------


def journal_schema(home: Path) -> list[str]:
    """The DDL of a real, freshly created vault, in creation order (FTS5 shadow tables are
    made by their virtual table, so they are left out), so the baseline cannot drift."""
    app = CompanionApp(fresh_dir(home))
    app.create_vault(PASSPHRASE, PASSPHRASE, params=FLOOR)
    try:
        db = app.vault.database
        shadow = {row[1] for row in db.query("PRAGMA table_list") if row[2] == "shadow"}
        rows = db.query("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL"
                        " AND name NOT LIKE 'sqlite_%' ORDER BY rowid")
        statements = [sql for name, sql in rows if name not in shadow]
        # The FTS5 rank setting lives in a shadow table; carry it over too.
        statements += [f"INSERT INTO entries_fts (entries_fts, rank) VALUES ('rank', '{v}')"
                       for (v,) in db.query("SELECT v FROM entries_fts_config WHERE k = 'rank'")]
        return statements
    finally:
        app.close()


def raw_rows(entries: Sequence[corpus.CorpusEntry]) -> tuple[list[tuple[Any, ...]],
                                                             list[tuple[str]],
                                                             list[tuple[int, int]]]:
    """The rows `add_many` would write: entries, tags, entry→tag links (ids from 1)."""
    now = Stamp.of(corpus.END)
    entry_rows: list[tuple[Any, ...]] = []
    tag_ids: dict[str, int] = {}
    links: list[tuple[int, int]] = []
    for number, entry in enumerate(entries, start=1):
        at = Stamp.of(entry.at)
        entry_rows.append((entry.title, entry.body, " ".join(entry.tags), at.utc_us,
                           at.offset_min, at.local_day, now.utc_us, now.offset_min,
                           int(entry.starred), entry.mood))
        for tag in entry.tags:
            links.append((number, tag_ids.setdefault(tag, len(tag_ids) + 1)))
    return entry_rows, [(name,) for name in tag_ids], links


def raw_bulk_insert(path: Path, schema: Sequence[str],
                    rows: tuple[list[tuple[Any, ...]], list[tuple[str]],
                                list[tuple[int, int]]]) -> float:
    """Seconds for one transaction of executemany into a fresh raw-keyed SQLCipher file."""
    fresh_dir(path.parent)
    conn = sqlcipher3.connect(str(path), isolation_level=None)
    try:
        conn.execute(f"PRAGMA key = \"x'{secrets.token_hex(32)}'\"")
        for pragma in PRAGMAS:
            conn.execute(pragma)
        conn.execute("BEGIN IMMEDIATE")
        for statement in schema:
            conn.execute(statement)
        conn.execute("COMMIT")
        entry_rows, tag_rows, links = rows
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT INTO entries (title, body, tags_text, created_us, created_offset, day,"
            " updated_us, updated_offset, starred, mood) VALUES (?,?,?,?,?,?,?,?,?,?)",
            entry_rows)
        conn.executemany("INSERT INTO tags (name) VALUES (?)", tag_rows)
        conn.executemany("INSERT INTO entry_tags (entry_id, tag_id) VALUES (?, ?)", links)
        conn.execute("COMMIT")
        return time.perf_counter() - start
    finally:
        conn.close()


def bench_bulk(size: int, entries: Sequence[corpus.CorpusEntry], repetitions: int,
               base: Path) -> dict[str, Any]:
    schema = journal_schema(base / "schema-probe")
    rows = raw_rows(entries)
    companion_s: list[float] = []
    raw_s: list[float] = []
    for _ in range(repetitions):  # interleaved, so drift on the machine hits both alike
        companion_s.append(build_vault(base / "bulk-companion", entries, FLOOR).fill_seconds)
        raw_s.append(raw_bulk_insert(base / "bulk-raw" / "raw.db", schema, rows))
    companion, raw = statistics.median(companion_s), statistics.median(raw_s)
    return {
        "size": size, "repetitions": repetitions,
        "companion_s": companion, "raw_s": raw, "ratio": companion / raw,
        "companion_runs_s": companion_s, "raw_runs_s": raw_s,
        "vault_bytes": directory_bytes(base / "bulk-companion"),
    }


# -- per-operation timings ------------------------------------------------------------------


def open_app(home: Path) -> CompanionApp:
    app = CompanionApp(home)
    app.open()
    app.unlock(PASSPHRASE)
    return app


def cycle_ms(action: Any, queries: Sequence[Any], repetitions: int
             ) -> tuple[Stats, dict[str, list[float]]]:
    """Run `action` over `queries` in turn; all samples, and the samples of each query."""
    for query in queries:  # warm up once per query
        action(query)
    samples = []
    per_query: dict[str, list[float]] = {str(q): [] for q in queries}
    for i in range(repetitions):
        query = queries[i % len(queries)]
        samples.append(time_ms(lambda: action(query)))  # noqa: B023  (called at once)
        per_query[str(query)].append(samples[-1])
    return Stats.of(samples), per_query


def months_of(entries: Sequence[corpus.CorpusEntry], count: int) -> list[tuple[int, int]]:
    first, last = entries[0].at, entries[-1].at
    rng = random.Random(corpus.SEED)
    months = [(y, m) for y in range(first.year, last.year + 1) for m in range(1, 13)]
    return [rng.choice(months[1:-1] or months) for _ in range(count)]


def bench_operations(home: Path, entries: Sequence[corpus.CorpusEntry],
                     reps: dict[str, int]) -> dict[str, Any]:
    queries = corpus.pick_queries(entries)
    app = open_app(home)
    try:
        db = app.journal.db
        months = months_of(entries, 48)
        month_stats, _ = cycle_ms(lambda ym: app.month(*ym), months, reps["month"])
        list_days_stats, _ = cycle_ms(lambda ym: app.journal.list_days(*month_bounds(*ym)),
                                   months, reps["month"])
        per_month = statistics.mean(len(app.journal.list_days(*month_bounds(y, m)))
                                    for y, m in months)
        search: dict[str, Any] = {}
        for kind, texts in queries.kinds().items():
            stats, per_query = cycle_ms(lambda text: app.search(text, limit=50), texts,
                                        reps["search"])
            matches = [db.query_one("SELECT count(*) FROM entries_fts WHERE entries_fts"
                                    " MATCH ?", (build_match_query(t),))[0] for t in texts]
            search[kind] = {
                "queries": list(texts), "stats": stats.as_dict(),
                "matches_mean": statistics.mean(matches),
                "matches_max": max(matches),
                "hits_mean": statistics.mean(len(app.search(t, limit=50)) for t in texts),
                "target": kind in SEARCH_TARGET_KINDS,
                "per_query": {t: {"matches": n, "median": statistics.median(per_query[t]),
                                  "runs": len(per_query[t])}
                              for t, n in zip(texts, matches, strict=True)},
            }
        extra = corpus.generate(400, seed=corpus.SEED + 1)
        drafts = iter([draft(e, with_time=False) for e in extra])
        add_stats = repeat_ms(lambda: app.add_entry(next(drafts)), reps["add"], warmup=5)
        # Diagnose the slowest query of every kind that has one over the target.
        diagnosis = {}
        for kind, found in search.items():
            slowest = max(found["per_query"], key=lambda t: found["per_query"][t]["median"])
            if found["per_query"][slowest]["median"] > TARGET_SEARCH_MS:
                diagnosis[kind] = diagnose_search(app, slowest)
        # And, for scale, the query with the most matches, whatever its time.
        broadest = max(((t, q["matches"]) for found in search.values()
                        for t, q in found["per_query"].items()), key=lambda tq: tq[1])[0]
        broadest_parts = diagnose_search(app, broadest)
    finally:
        app.close()
    return {
        "add": add_stats.as_dict(), "month": month_stats.as_dict(),
        "list_days": list_days_stats.as_dict(), "entries_per_month": per_month,
        "search": search, "search_diagnosis": diagnosis, "search_broadest": broadest_parts,
    }


# -- why a search is slow -------------------------------------------------------------------


def traced_statements(app: CompanionApp, text: str) -> list[str]:
    """The SQL `app.search` really runs (parameters expanded), via SQLite's trace hook."""
    seen: list[str] = []
    conn = app.journal.db.conn
    conn.set_trace_callback(seen.append)
    try:
        app.search(text, limit=50)
    finally:
        conn.set_trace_callback(None)
    return seen


def diagnose_search(app: CompanionApp, text: str) -> dict[str, Any]:
    """Split a slow search into its parts: plan, match count, ranking, snippets, hydration."""
    db = app.journal.db
    match = build_match_query(text)
    traced = traced_statements(app, text)
    # Top-level statements come as they are; those FTS5 runs internally start with "-- ".
    statements = [t for t in traced if not t.startswith("-- ")]
    internal = Counter(t.removeprefix("-- ") for t in traced if t.startswith("-- "))
    # The ranked statement (with the snippets), not a helper query that also uses MATCH.
    main = next((t for t in statements if "snippet(" in t),
                next((t for t in statements if "MATCH" in t.upper()), statements[0]))
    plan = [row[-1] for row in db.query("EXPLAIN QUERY PLAN " + main)]
    parts = {
        "count(*) of the matches (no ranking)":
            ("SELECT count(*) FROM entries_fts WHERE entries_fts MATCH ?", (match,)),
        "every matching rowid, unranked":
            ("SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?", (match,)),
        "top 50 by bm25 rank, no snippet, no join":
            ("SELECT rowid, rank FROM entries_fts WHERE entries_fts MATCH ?"
             " ORDER BY rank LIMIT 50", (match,)),
        "the ranked statement app.search runs (rank + join + snippet)": (main, ()),
        "newest 50 matches by rowid with snippets (no ranking), for comparison":
            ("SELECT rowid, snippet(entries_fts, -1, char(2), char(3), '…', 16)"
             " FROM entries_fts WHERE entries_fts MATCH ? ORDER BY rowid DESC LIMIT 50",
             (match,)),
    }
    timings = {name: repeat_ms(lambda s=sql, p=params: db.query(s, p), 15, 2).median
               for name, (sql, params) in parts.items()}
    timings[APP_SEARCH_TOTAL] = repeat_ms(
        lambda: app.search(text, limit=50), 15, 2).median
    matches = db.query_one("SELECT count(*) FROM entries_fts WHERE entries_fts MATCH ?",
                           (match,))[0]
    return {"query": text, "fts_query": match, "matches": matches, "statements": statements,
            "fts5_internal_statements": dict(internal.most_common(4)),
            "query_plan": plan, "timings_ms": timings}


# -- report ---------------------------------------------------------------------------------


APP_SEARCH_TOTAL = "app.search total (statement + get_many + snippet pieces)"


def report(result: dict[str, Any], *, diagnosis: bool = True) -> str:
    sizes = result["sizes"]
    largest = str(sizes[-1])
    lines: list[str] = []
    ops = result["operations"]
    rows = []
    for size in sizes:
        o = ops[str(size)]
        for name, stats, target in (("add one entry", o["add"], TARGET_ADD_MS),
                                    ("CompanionApp.month", o["month"], TARGET_MONTH_MS),
                                    ("Journal.list_days (a month)", o["list_days"],
                                     TARGET_MONTH_MS)):
            rows.append((f"{size:,}", name, f"≤ {fmt_ms(target)}", fmt_ms(stats["median"]),
                         fmt_ms(stats["p95"]), stats["n"],
                         verdict(stats["median"] <= target) if str(size) == largest else "–"))
    lines += ["Add and month (in process):", "",
              table(("entries", "operation", "target", "median", "p95", "runs", "result"),
                    rows), ""]
    rows = []
    for size in sizes:
        for kind, s in ops[str(size)]["search"].items():
            st = s["stats"]
            ok = st["median"] <= TARGET_SEARCH_MS
            mark = (verdict(ok) if s["target"] else ("info" if ok else "info (over)")) \
                if str(size) == largest else "–"
            rows.append((f"{size:,}", kind, ", ".join(s["queries"][:3])
                         + (" …" if len(s["queries"]) > 3 else ""),
                         f"{s['matches_mean']:,.0f}", fmt_ms(st["median"]), fmt_ms(st["p95"]),
                         st["n"], mark))
    lines += [f"Search, top 50 with snippets (target ≤ {fmt_ms(TARGET_SEARCH_MS)}):", "",
              table(("entries", "query kind", "queries", "matching entries (mean)", "median",
                     "p95", "runs", "result"), rows), ""]
    rows = [(kind, f"`{text}`", f"{q['matches']:,}", fmt_ms(q["median"]), q["runs"],
             ("over" if q["median"] > TARGET_SEARCH_MS else "") if s["target"] else "info")
            for kind, s in ops[largest]["search"].items()
            for text, q in s.get("per_query", {}).items() if q["matches"] >= int(largest) // 100]
    if rows:
        lines += [f"Each search query that matches at least 1 % of the {int(largest):,} entries, "
                  "on its own (the medians above cycle through the queries of a kind):", "",
                  table(("query kind", "query", "matching entries", "median", "runs", ""),
                        rows), ""]
    rows = [(f"{b['size']:,}", f"{b['companion_s']:.2f} s", f"{b['raw_s']:.2f} s",
             f"{b['ratio']:.2f}×", f"≤ {TARGET_BULK_RATIO:.0f}×",
             f"{b['size'] / b['companion_s']:,.0f}/s", f"{b['vault_bytes'] / 2**20:.0f} MiB",
             verdict(b["ratio"] <= TARGET_BULK_RATIO) if str(b["size"]) == largest else "–")
            for b in result["bulk"]]
    lines += ["Bulk insert (one transaction; median of "
              f"{result['bulk'][0]['repetitions']} runs each):", "",
              table(("entries", "Journal.add_many", "raw executemany", "ratio", "target",
                     "add_many rate", "vault size", "result"), rows), ""]
    for size in sizes if diagnosis else ():
        for kind, d in ops[str(size)]["search_diagnosis"].items():
            lines += [f"Why '{kind}' search is over target at {size:,} entries "
                      f"(query {d['query']!r}, FTS5 {d['fts_query']}, "
                      f"{d['matches']:,} matching entries):", "",
                      "    EXPLAIN QUERY PLAN: " + " / ".join(d["query_plan"]), "",
                      "Statements FTS5 ran inside that one search (most frequent first):", "",
                      *[f"    {count:>7,} × {sql}"
                        for sql, count in d["fts5_internal_statements"].items()], "",
                      table(("part", "median"),
                            [(k, fmt_ms(v)) for k, v in d["timings_ms"].items()]), ""]
    return "\n".join(lines)


def run(quick: bool) -> dict[str, Any]:
    sizes = QUICK_SIZES if quick else FULL_SIZES
    reps = ({"add": 40, "search": 20, "month": 40} if quick
            else {"add": 300, "search": 120, "month": 300})
    bulk_reps = 1 if quick else 3
    base = WORK / "core"
    result: dict[str, Any] = {"quick": quick, "sizes": list(sizes), "repetitions": reps,
                              "bulk": [], "operations": {}}
    for size in sizes:
        entries = corpus.generate(size)
        print(f"[core] {size:,} entries: bulk insert ×{bulk_reps} …", flush=True)
        with phase(f"core: bulk insert, {size:,}"):
            result["bulk"].append(bench_bulk(size, entries, bulk_reps, base / str(size)))
        print(f"[core] {size:,} entries: operations …", flush=True)
        with phase(f"core: add, search, month, {size:,}"):
            result["operations"][str(size)] = bench_operations(
                base / str(size) / "bulk-companion", entries, reps)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, few repetitions")
    args = parser.parse_args()
    result = run(args.quick)
    save_and_show("core", result, report(result))


if __name__ == "__main__":
    main()
