"""A one-year therapist summary PDF, from the unlocked vault to the finished bytes.

Target: ≤ 3 s for a year of daily data (about two check-ins a day, questionnaires every two
weeks, screen time every day, three chosen entries, every part included). Measured end to
end as the CLI and the app run it: reading the vault, computing the insights, laying out the
charts and writing the PDF in memory (the atomic file write is not included).

    python3 benchmarks/bench_summary.py [--quick] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import _bootstrap  # noqa: F401  (puts the project on sys.path)
from common import fmt_ms, save_result, verdict

TARGET_MS = 3000.0
TITLE = "Therapist summary"
MOMENT = datetime(2026, 11, 20, 21, 0, tzinfo=timezone(timedelta(hours=1)))


def build_vault(folder: Path) -> Any:
    os.environ["COMPANION_KDF_TARGET_SECONDS"] = "0"
    from companion.app import CompanionApp
    from companion.clock import FakeClock
    from companion.demo_data import fill_with_demo_data
    from companion.screentime.store import ScreenTime
    from companion.screentime.tracker import SpanClosed
    from storage.kdf import FLOOR

    app = CompanionApp(folder, clock=FakeClock(MOMENT))
    app.create_vault("benchmark passphrase 1", "benchmark passphrase 1", params=FLOOR)
    fill_with_demo_data(app)
    for weeks in range(0, 52, 2):
        when = MOMENT - timedelta(weeks=weeks)
        app.save_questionnaire("phq9", [1, 1, 2, 1, 0, 1, 1, 0, 0], taken_at=when)
        app.save_questionnaire("gad7", [1, 2, 1, 1, 0, 1, 1], taken_at=when)
        app.save_questionnaire("who5", [3, 3, 2, 3, 4], taken_at=when)
    spans = []
    for offset in range(365):
        day = MOMENT.date() - timedelta(days=offset)
        for hour, app_name, category in ((9, "editor", "work"), (20, "browser", "web")):
            start = datetime(day.year, day.month, day.day, hour, tzinfo=MOMENT.tzinfo)
            spans.append(SpanClosed(app_name, None, category, start,
                                    start + timedelta(minutes=60 + offset % 180),
                                    day.isoformat()))
    ScreenTime(app.vault.database).save_spans(spans)
    return app


def summary_rows(result: dict[str, Any]) -> list[tuple[str, ...]]:
    return [("One-year therapist summary PDF (read, compute, lay out, render)",
             f"≤ {TARGET_MS / 1000:.0f} s", fmt_ms(result["median_ms"]),
             verdict(result["median_ms"] <= TARGET_MS))]


def section(result: dict[str, Any]) -> list[str]:
    return [f"A summary of {result['days']} days ({result['checkins']:,} check-ins, "
            f"{result['results']} questionnaire results, screen time every day, "
            f"{result['entries']} chosen entries, every part) as a {result['pages']}-page "
            f"PDF of {result['size_kib']:,} KiB: median {fmt_ms(result['median_ms'])}, min "
            f"{fmt_ms(result['min_ms'])}, max {fmt_ms(result['max_ms'])} over "
            f"{result['repeat']} runs. Of the median run, reading the vault and computing the "
            f"insights took {fmt_ms(result['load_ms'])}; the rest is laying out and writing "
            "the PDF with fpdf2 (fonts embedded as subsets)."]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="two runs")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if args.quick:
        args.repeat = 2
    from companion.period import load_period
    from companion.summary import SummaryFormat, SummaryRequest, make_summary_bytes

    with tempfile.TemporaryDirectory(prefix="companion-bench-summary-") as tmp:
        app = build_vault(Path(tmp) / "vault")
        end = MOMENT.date()
        start = end - timedelta(days=364)
        entries = tuple(e.id for e in app.journal.browse(limit=3))
        request = SummaryRequest(start, end, entry_ids=entries, name="Benchmark")
        samples, loads = [], []
        pdf = b""
        for _ in range(args.repeat):
            begin = time.perf_counter()
            data = load_period(app, start, end)
            loads.append((time.perf_counter() - begin) * 1000)
            begin = time.perf_counter()
            pdf = make_summary_bytes(app, request, SummaryFormat.PDF)
            samples.append((time.perf_counter() - begin) * 1000)
        median = statistics.median(samples)
        pages = pdf.count(b"/Type /Page\n")
        print(f"summary PDF of {data.days} days: median {median:.0f} ms (load "
              f"{statistics.median(loads):.0f} ms), {pages} pages, {len(pdf) // 1024} KiB; "
              f"target ≤ {TARGET_MS:.0f} ms: {'met' if median <= TARGET_MS else 'MISSED'}")
        save_result("summary", {
            "quick": args.quick, "repeat": args.repeat, "days": data.days,
            "checkins": len(data.checkins), "results": len(data.results),
            "entries": len(entries), "pages": pages, "size_kib": len(pdf) // 1024,
            "median_ms": median, "min_ms": min(samples), "max_ms": max(samples),
            "load_ms": statistics.median(loads), "start": str(start), "end": str(end),
            "made": str(date.today())})
        app.close()


if __name__ == "__main__":
    main()
