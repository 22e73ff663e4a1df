"""`companion screentime …`: status, budgets, ActivityWatch import, and a foreground tracker.

`screentime track` is for desktops without a tray (or people who prefer a terminal): it
measures until Ctrl+C or SIGTERM, then closes the open span and saves before exiting, so a
service manager stopping it loses nothing. Spans are saved every minute as well.
"""

from __future__ import annotations

import argparse
import signal
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from types import FrameType
from typing import Any, TextIO

from companion.app import CompanionApp
from companion.cli.terminal import write_json
from companion.errors import InvalidInput, UserError
from companion.screentime.activitywatch import describe
from companion.screentime.messages import format_duration
from companion.screentime.probes import Probe, detect_probe
from companion.screentime.service import DayStatus
from companion.screentime.tracker import WEEKDAYS, BudgetKind
from companion.timeutil import parse_datetime

POLL_SECONDS = 1.0
SAVE_EVERY = 60  # polls
IMPORT_DAYS = 365


def cmd_screentime(app: CompanionApp, args: argparse.Namespace, _stdin: TextIO,
                   out: TextIO) -> int:
    action = args.screentime_command
    if action == "status":
        return show_status(app, args, out)
    if action == "budget":
        return budget(app, args, out)
    if action == "import-activitywatch":
        return import_aw(app, args, out)
    return track(app, out)


# -- status -----------------------------------------------------------------------------------


def show_status(app: CompanionApp, args: argparse.Namespace, out: TextIO) -> int:
    service = app.screen_time
    day = args.date or service.today(app.clock.now()).isoformat()
    try:
        datetime.strptime(day, "%Y-%m-%d")
    except ValueError:
        raise InvalidInput(f"'{day}' is not a date.", "Use YYYY-MM-DD.") from None
    status = service.status(day)
    if args.json:
        write_json(status_json(status), out)
        return 0
    totals = status.totals
    print(f"Screen time on {day}: {format_duration(totals.total)}", file=out)
    for title, table in (("By category", totals.by_category), ("By app", totals.by_app)):
        if table:
            print(f"\n{title}:", file=out)
            for name, used in table.items():
                print(f"  {format_duration(used):>12}  {name}", file=out)
    if status.budgets:
        print("\nBudgets:", file=out)
        for use in status.budgets:
            print(f"  {use.budget.label}: {format_duration(use.used)} of "
                  f"{format_duration(use.budget.limit)} ({use.fraction:.0%})", file=out)
    return 0


def status_json(status: DayStatus) -> dict[str, Any]:
    totals = status.totals
    return {
        "day": status.day,
        "total_seconds": totals.total.total_seconds(),
        "apps": {k: v.total_seconds() for k, v in totals.by_app.items()},
        "categories": {k: v.total_seconds() for k, v in totals.by_category.items()},
        "budgets": [{"kind": u.budget.kind, "target": u.budget.target,
                     "weekday": None if u.budget.weekday is None
                     else WEEKDAYS[u.budget.weekday],
                     "limit_seconds": u.budget.limit.total_seconds(),
                     "used_seconds": u.used.total_seconds()} for u in status.budgets],
    }


# -- budgets ----------------------------------------------------------------------------------


def _target(args: argparse.Namespace) -> tuple[BudgetKind, str]:
    if args.app:
        return "app", args.target
    if args.target.strip().lower() == "total":
        return "total", ""
    return "category", args.target.strip().lower()


def _weekdays(args: argparse.Namespace) -> list[int | None]:
    names = [d[:3] for d in WEEKDAYS]
    return [names.index(w) for w in args.weekday] if args.weekday else [None]


def budget(app: CompanionApp, args: argparse.Namespace, out: TextIO) -> int:
    service = app.screen_time
    if args.budget_command == "list":
        budgets = service.budgets()
        if not budgets:
            print("No budgets yet (`companion screentime budget set CATEGORY MINUTES`).",
                  file=out)
        for b in budgets:
            when = "every day" if b.weekday is None else f"on {WEEKDAYS[b.weekday]}s"
            print(f"{b.kind:>8}  {b.label}: {format_duration(b.limit)} {when}", file=out)
        return 0
    kind, target = _target(args)
    for weekday in _weekdays(args):
        if args.budget_command == "set":
            saved = app.set_screen_time_budget(kind, target, args.minutes, weekday)
            when = "every day" if weekday is None else f"on {WEEKDAYS[weekday]}s"
            print(f"Budget for {saved.label}: {format_duration(saved.limit)} {when}.", file=out)
        else:
            app.remove_screen_time_budget(kind, target, weekday)
            print(f"Removed the budget for {target or 'all screen time'}.", file=out)
    return 0


# -- ActivityWatch ----------------------------------------------------------------------------


def import_aw(app: CompanionApp, args: argparse.Namespace, out: TextIO) -> int:
    now = app.clock.now()
    start = (parse_datetime(args.start, local_now=now) if args.start
             else now - timedelta(days=IMPORT_DAYS))
    end = parse_datetime(args.end, local_now=now) if args.end else now
    if args.end and len(args.end.strip()) == 10:
        end += timedelta(days=1)  # `--to 2026-03-14` includes that day
    result = app.import_activitywatch(start=start, end=end, url=args.url)
    print(describe(result), file=out)
    return 0


# -- the foreground tracker -------------------------------------------------------------------


def track(app: CompanionApp, out: TextIO, *, probe: Probe | None = None,
          polls: int | None = None) -> int:
    """Measure until SIGINT/SIGTERM (or `polls` heartbeats, for tests); save on the way out."""
    service = app.screen_time
    probe = probe or detect_probe()
    if not probe.capabilities.measures:
        probe.close()
        raise UserError(probe.capabilities.summary,
                        "Run it inside a desktop session (X11, Windows, macOS, GNOME or KDE).")
    stop = threading.Event()
    restore = _on_signals(stop.set)
    try:
        service.load(app.clock.now())
        print(probe.capabilities.summary, file=out)
        print("Measuring screen time; Ctrl+C (or SIGTERM) stops and saves.", file=out,
              flush=True)
        count = 0
        while not stop.is_set() and (polls is None or count < polls):
            for notice in service.tick(app.clock.now(), probe.sample()):
                print(f"{notice.title}: {notice.text}", file=out, flush=True)
            count += 1
            if count % SAVE_EVERY == 0:
                service.flush()
            stop.wait(POLL_SECONDS if polls is None else 0)
    finally:
        restore()
        service.stop(app.clock.now())
        saved = service.flush()
        probe.close()
    print(f"Stopped; saved {saved} stretch{'es' if saved != 1 else ''} of use.", file=out,
          flush=True)
    return 0


def _on_signals(handler: Callable[[], None]) -> Callable[[], None]:
    """Route SIGINT and SIGTERM to `handler` (main thread only); returns the undo."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous: dict[int, Any] = {}

    def handle(signum: int, frame: FrameType | None) -> None:
        handler()

    for sig in (signal.SIGINT, signal.SIGTERM):
        previous[sig] = signal.signal(sig, handle)

    def undo() -> None:
        for sig, old in previous.items():
            signal.signal(sig, old)

    return undo
