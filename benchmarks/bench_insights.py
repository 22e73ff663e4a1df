"""All insights over ten years of two-a-day check-ins, built in memory (no vault, no SQL).

Target: `insights_summary` over 10 years of daily data ≤ 200 ms. Loading the check-ins from
the vault is measured separately (bench_core.py); this is the pure computation.

    python3 benchmarks/bench_insights.py [--quick] [--years 10] [--repeat 20]
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import time
from datetime import date, datetime, timedelta, timezone
from typing import Any

import _bootstrap  # noqa: F401  (puts the project on sys.path)
from common import fmt_ms, save_result, verdict

from companion.demo_data import ACTIVITIES, EMOTIONS
from companion.insights import insights_summary
from companion.insights._days import prepare
from companion.insights.screen import screen_time_from
from companion.models import CheckIn

TARGET_MS = 200.0
TITLE = "Insights"


def generate(years: int, seed: int = 7) -> list[CheckIn]:
    """Two check-ins a day (morning with sleep, evening), in two time zones, a few gaps."""
    rng = random.Random(seed)
    zones = (timezone(timedelta(hours=1)), timezone(timedelta(hours=-5)))
    first = date(2016, 1, 1)
    checkins: list[CheckIn] = []
    for offset in range(years * 365):
        if rng.random() < 0.05:
            continue
        day = first + timedelta(days=offset)
        zone = zones[(offset // 90) % 2]
        base = 3.2 + 0.6 * math.sin(offset / 7 * 2 * math.pi)
        for hour in (8, 20):
            checkins.append(CheckIn(
                id=len(checkins) + 1,
                at=datetime(day.year, day.month, day.day, hour, rng.randint(0, 59), tzinfo=zone),
                mood=max(1, min(5, round(rng.gauss(base, 0.8)))),
                energy=max(1, min(5, round(rng.gauss(base, 0.9)))),
                emotions=tuple(rng.sample(EMOTIONS, rng.randint(1, 3))),
                activities=tuple(rng.sample(ACTIVITIES, rng.randint(1, 3))),
                sleep_hours=round(rng.uniform(5, 9) * 2) / 2 if hour == 8 else None,
            ))
    return checkins


def summary_rows(result: dict[str, Any]) -> list[tuple[str, ...]]:
    return [(f"All insights over {result['years']} years of daily data (pure computation)",
             f"≤ {TARGET_MS:.0f} ms", fmt_ms(result["median_ms"]),
             verdict(result["median_ms"] <= TARGET_MS))]


def section(result: dict[str, Any]) -> list[str]:
    return [f"`insights_summary` plus screen time against mood (`screen_time_from`, with a "
            "screen-time total for every day) over "
            f"{result['checkins']:,} check-ins spanning "
            f"{result['days']:,} days ({result['years']} years, two a day, a few gaps), built "
            "in memory: median "
            f"{fmt_ms(result['median_ms'])}, min {fmt_ms(result['min_ms'])}, max "
            f"{fmt_ms(result['max_ms'])} over {result['repeat']} runs. Loading check-ins from "
            "the vault is measured with the core benchmark; questionnaire trends are read from "
            "the vault as they are (a list of scores), not computed."]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="two years, five runs")
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    if args.quick:
        args.years, args.repeat = 2, 5
    checkins = generate(args.years)
    today = checkins[-1].at.date()
    rng = random.Random(11)
    hours = {c.at.date(): round(rng.uniform(0.5, 9), 2) for c in checkins}  # screen time a day
    samples = []
    for _ in range(args.repeat):
        start = time.perf_counter_ns()
        summary = insights_summary(checkins, today)
        screen_time_from(prepare(checkins), hours)  # screen time against mood
        samples.append((time.perf_counter_ns() - start) / 1e6)
    median = statistics.median(samples)
    print(f"insights_summary: {len(checkins):,} check-ins over {summary.based_on.days:,} days "
          f"({args.years} years)")
    print(f"  median {median:.1f} ms, min {min(samples):.1f} ms, max {max(samples):.1f} ms "
          f"over {args.repeat} runs; target ≤ {TARGET_MS:.0f} ms: "
          f"{'met' if median <= TARGET_MS else 'MISSED'}")
    save_result("insights", {"quick": args.quick, "years": args.years, "repeat": args.repeat,
                             "checkins": len(checkins), "days": summary.based_on.days,
                             "median_ms": median, "min_ms": min(samples),
                             "max_ms": max(samples)})


if __name__ == "__main__":
    main()
