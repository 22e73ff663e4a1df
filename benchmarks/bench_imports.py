"""Imports and exports at ten years of daily writing (36,500 entries).

Targets: importing a 36,500-entry jrnl journal ≤ 5 s; a full JSON export of 36,500 entries
≤ 3 s. The journal is the corpus (benchmarks/corpus.py) in jrnl's own file format, the one
bench_jrnl.py hands to jrnl (`[2025-12-31 09:15:00 PM] Title`, tags as `@tag`, stars); the
import is timed end to end as `companion import jrnl` runs it: reading and parsing the file,
checking every entry, and writing them in one transaction (full-text index and tags
included), each run into a fresh vault. The export is `companion export json`: reading every
entry and check-in, building the document and writing the file atomically.

    python3 benchmarks/bench_imports.py [--quick] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import timedelta, timezone
from pathlib import Path
from typing import Any

import _bootstrap  # noqa: F401  (puts the project on sys.path)
import corpus
from bench_jrnl import jrnl_text
from common import WORK, build_vault, fmt_ms, fresh_dir, save_result, verdict

from companion.app import CompanionApp
from companion.export import export_json
from companion.imports import ImportOptions, import_file, read_plan
from storage.kdf import FLOOR

TITLE = "Import and export"
IMPORT_TARGET_MS = 5000.0
EXPORT_TARGET_MS = 3000.0
FULL_SIZE, QUICK_SIZE = 36_500, 3_650
PASSPHRASE = "plum-orbit-velvet-canyon-42"
OPTIONS = ImportOptions(timeformat="%F %r", zone=timezone(timedelta(hours=1)))


def stats(samples: list[float], cpu: list[float] | None = None) -> dict[str, float]:
    found = {"median_ms": statistics.median(samples), "min_ms": min(samples),
             "max_ms": max(samples)}
    if cpu:
        found["cpu_median_ms"] = statistics.median(cpu)
    return found


def timed(action: Callable[[], Any]) -> tuple[Any, float, float]:
    """The result, wall-clock ms and this process's CPU ms (on a shared machine the first
    also counts waiting for a core; the second does not)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return result, (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def measure_import(journal: Path, folder: Path, repeat: int) -> dict[str, Any]:
    parse, total, cpu = [], [], []
    imported = 0
    for run in range(repeat):
        parse.append(timed(lambda: read_plan("jrnl", journal, OPTIONS))[1])
        home = fresh_dir(folder / f"vault-{run}")
        app = CompanionApp(home)
        app.create_vault(PASSPHRASE, PASSPHRASE, params=FLOOR)  # key derivation not timed
        try:
            report, wall_ms, cpu_ms = timed(
                lambda: import_file(app, "jrnl", journal, OPTIONS))  # noqa: B023
            total.append(wall_ms)
            cpu.append(cpu_ms)
            imported = report.entries_imported
        finally:
            app.close()
    return {"imported": imported, "parse": stats(parse), **stats(total, cpu)}


def measure_export(entries: list[corpus.CorpusEntry], folder: Path,
                   repeat: int) -> dict[str, Any]:
    home = folder / "export-vault"
    build_vault(home, entries, FLOOR)
    app = CompanionApp(home)
    app.unlock(PASSPHRASE)
    samples, cpu, size, count = [], [], 0, 0
    try:
        for run in range(repeat):
            target = folder / f"export-{run}.json"
            count, wall_ms, cpu_ms = timed(lambda: export_json(app, target))  # noqa: B023
            samples.append(wall_ms)
            cpu.append(cpu_ms)
            size = target.stat().st_size
            target.unlink()
    finally:
        app.close()
    return {"items": count, "bytes": size, **stats(samples, cpu)}


def summary_rows(result: dict[str, Any]) -> list[tuple[str, ...]]:
    size = f"{result['size']:,}"
    imp, exp = result["import"], result["export"]
    return [
        (f"Import a {size}-entry jrnl journal (parse, check, write, index)",
         f"≤ {IMPORT_TARGET_MS / 1000:.0f} s", fmt_ms(imp["median_ms"]),
         verdict(imp["median_ms"] <= IMPORT_TARGET_MS)),
        (f"Full JSON export of {size} entries", f"≤ {EXPORT_TARGET_MS / 1000:.0f} s",
         fmt_ms(exp["median_ms"]), verdict(exp["median_ms"] <= EXPORT_TARGET_MS)),
    ]


def section(result: dict[str, Any]) -> list[str]:
    imp, exp = result["import"], result["export"]
    return [
        f"`companion import jrnl` of a {result['journal_bytes'] / 1e6:.1f} MB jrnl journal of "
        f"{imp['imported']:,} entries (the corpus in jrnl's format, timeformat `%F %r`), each "
        f"run into a fresh vault: median {fmt_ms(imp['median_ms'])} (min "
        f"{fmt_ms(imp['min_ms'])}, max {fmt_ms(imp['max_ms'])}) over {result['repeat']} runs, "
        f"of which reading, parsing and checking the file {fmt_ms(imp['parse']['median_ms'])}; "
        "the rest is the one transaction that writes the entries, their tags, the full-text "
        f"index and the re-import records. CPU time of the process: median "
        f"{fmt_ms(imp.get('cpu_median_ms', float('nan')))} (wall-clock time above also counts "
        "waiting for a core when the machine is shared).",
        f"`companion export json` of the same {exp['items']:,} entries "
        f"({exp['bytes'] / 1e6:.1f} MB of JSON, written atomically): median "
        f"{fmt_ms(exp['median_ms'])} (min {fmt_ms(exp['min_ms'])}, max "
        f"{fmt_ms(exp['max_ms'])}) over {result['repeat']} runs; CPU time "
        f"{fmt_ms(exp.get('cpu_median_ms', float('nan')))}.",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_SIZE:,} entries")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    size = QUICK_SIZE if args.quick else FULL_SIZE
    folder = fresh_dir(WORK / "imports")
    entries = corpus.generate(size)
    journal = folder / "journal.txt"
    journal.write_text(jrnl_text(entries), encoding="utf-8")
    print(f"[imports] {size:,} entries: importing the jrnl journal ×{args.repeat} …",
          flush=True)
    imported = measure_import(journal, folder, args.repeat)
    print(f"  import: median {imported['median_ms']:.0f} ms (parse "
          f"{imported['parse']['median_ms']:.0f} ms, CPU {imported['cpu_median_ms']:.0f} ms);"
          f" target ≤ {IMPORT_TARGET_MS:.0f} ms")
    print(f"[imports] {size:,} entries: JSON export ×{args.repeat} …", flush=True)
    exported = measure_export(entries, folder, args.repeat)
    print(f"  export: median {exported['median_ms']:.0f} ms (CPU "
          f"{exported['cpu_median_ms']:.0f} ms); target ≤ {EXPORT_TARGET_MS:.0f} ms")
    save_result("imports", {"quick": args.quick, "size": size, "repeat": args.repeat,
                            "journal_bytes": journal.stat().st_size, "import": imported,
                            "export": exported})
    fresh_dir(folder)  # the plaintext corpus and exports are not left lying around


if __name__ == "__main__":
    main()
