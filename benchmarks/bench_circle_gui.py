"""The circle in the desktop app: what background sync costs, and whether the GUI stays smooth.

1. GUI stalls during a 1,000-message sync: a member's device receives 1,000 messages (check-ins
   and notes, alternating) in one round started from the circle page's "Sync now", with the
   page showing; a 10 ms QTimer heartbeat on the GUI thread records the longest gap between
   ticks, from the click until the page has redrawn the feed (target: never over 50 ms).
2. CPU of background sync of an idle circle: the page's syncer runs every 10 s (instead of the
   default 5 min) over a shared folder for a few minutes with nothing new; the process's CPU
   time over wall time is the cost at 10 s, and CPU per round ÷ 300 s the cost at the default
   interval (target ≤ 1 %).

Real vaults (SQLCipher), the real folder transport, the real task runner and page, offscreen.

    python3 benchmarks/bench_circle_gui.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import _bootstrap  # noqa: F401  (puts the project on sys.path)
from common import fmt_ms, phase, save_result, verdict

TITLE = "Circle in the app"
TARGET_STALL_MS = 50.0
TARGET_CPU_PERCENT = 1.0
DEFAULT_INTERVAL_S = 300
PASSPHRASE = "bench circle gui passphrase"


def build(work: Path) -> tuple[Any, Any, Any]:
    """Ann (admin) and Bob in one circle over a shared folder: (Ann's app, Bob's, the folder)."""
    from companion.app import CompanionApp
    from storage.kdf import FLOOR

    shared = work / "shared"
    shared.mkdir()
    apps = []
    for name in ("ann", "bob"):
        app = CompanionApp(work / name)
        app.create_vault(PASSPHRASE, PASSPHRASE, params=FLOOR)
        apps.append(app)
    ann, bob = apps
    row = ann.circles.create("Bench", f"folder:{shared}", "Ann")
    code = ann.circles.invite(row).code()
    bob_row = bob.circles.join(code, "Bob", f"folder:{shared}")
    ann.circles.sync(ann.circles.find("Bench"))
    bob.circles.sync(bob_row)
    ann.circles.sync(ann.circles.find("Bench"))
    return ann, bob, shared


def bob_sends(bob: Any, messages: int) -> None:
    """Bob seals and uploads `messages` (check-ins and notes, alternating) in one round."""
    from sync import actions

    bob_row = bob.circles.find("Bench")
    engine = bob.circles.service.engine
    with bob.circles.service.db.transaction() as cur:
        for n in range(messages):
            if n % 2:
                actions.queue(engine, cur, bob_row, "checkin", {
                    "mood": 1 + n % 5, "energy": 1 + n % 4, "emotions": ["calm"],
                    "note": f"a short note about day {n}"})
            else:
                actions.queue(engine, cur, bob_row, "note", {
                    "title": f"Note {n}", "body": "Some words about how it went. " * 8})
    report = bob.circles.sync(bob_row)
    assert report.sent >= messages, report


def measure(work: Path, quick: bool) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["COMPANION_KDF_TARGET_SECONDS"] = "0"
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from companion.preferences import Preferences
    from ui.context import PreferenceStore, UiContext
    from ui.events import ChangeBridge
    from ui.models.none_guard import keep_singletons_alive
    from ui.pages.circle import CirclePage
    from ui.tasks import TaskRunner

    keep_singletons_alive()
    qt = QApplication.instance() or QApplication(["bench"])
    messages = 1000
    ann, bob, _shared = build(work)
    runner = TaskRunner()
    prefs = PreferenceStore(ann, runner, Preferences(circle_sync_minutes=0))
    ctx = UiContext(app=ann, runner=runner, prefs=prefs, changes=ChangeBridge(ann))
    page = CirclePage(ctx)
    page.resize(1000, 700)
    page.show()

    def pump_until(done: Any, limit_s: float = 600.0) -> None:
        end = time.monotonic() + limit_s
        while not done():
            if time.monotonic() > end:
                raise TimeoutError("the page never settled")
            qt.processEvents()
            time.sleep(0.001)

    def settled() -> bool:
        return runner.pending == 0 and not page.syncer.busy

    pump_until(settled)  # the round at start-up: nothing new yet
    bob_sends(bob, messages)
    # 1. Stalls while a round fetches and applies the 1,000 messages, and the page redraws.
    heartbeat = QTimer()
    heartbeat.setInterval(10)
    clock = QElapsedTimer()
    gaps: list[int] = []

    def tick() -> None:
        gaps.append(clock.restart())

    heartbeat.timeout.connect(tick)
    with phase("circle gui: 1,000-message sync"):
        clock.start()
        heartbeat.start()
        started = time.perf_counter()
        page.sync_now()
        pump_until(settled)
        qt.processEvents()
        took = time.perf_counter() - started
        heartbeat.stop()
    longest = max(gaps[1:] or [0])
    shown = len(page.view.feed)
    from ui.models.feed_rows import FEED_PAGE
    print(f"1,000-message sync from the page: {took * 1000:.0f} ms, {len(gaps)} heartbeats, "
          f"longest GUI stall {longest} ms (feed shows {shown} items)")

    # 2. CPU of idle background sync.
    duration = 30.0 if quick else 180.0
    interval_ms = 10_000
    rounds: list[float] = []
    page.syncer.finished.connect(lambda _o: rounds.append(time.monotonic()))
    with phase("circle gui: idle background sync"):
        page.syncer.set_interval_ms(interval_ms)
        cpu_start, wall_start = time.process_time(), time.monotonic()
        while time.monotonic() - wall_start < duration:
            qt.processEvents()
            time.sleep(0.05)  # an idle event loop: the app's own wake-ups are what counts
        cpu = time.process_time() - cpu_start
        wall = time.monotonic() - wall_start
    page.syncer.stop()
    runner.wait_idle()
    qt.processEvents()
    page.teardown()
    ctx.changes.detach()
    count = max(1, len(rounds))
    per_round_ms = cpu / count * 1000
    percent_now = cpu / wall * 100
    percent_default = per_round_ms / 1000 / DEFAULT_INTERVAL_S * 100
    print(f"idle background sync every {interval_ms // 1000} s for {wall:.0f} s: {count} rounds, "
          f"CPU {cpu:.2f} s = {percent_now:.2f} % ({per_round_ms:.0f} ms a round, loop "
          f"included); at the default {DEFAULT_INTERVAL_S // 60} min: {percent_default:.3f} %")
    for app in (ann, bob):
        app.close()
    return {"messages": messages, "sync_ms": took * 1000, "heartbeats": len(gaps),
            "longest_stall_ms": longest, "feed_items": shown, "laid_out": FEED_PAGE,
            "idle_seconds": wall, "idle_interval_s": interval_ms / 1000, "idle_rounds": count,
            "idle_cpu_s": cpu, "idle_percent_at_interval": percent_now,
            "idle_ms_per_round": per_round_ms, "idle_percent_at_default": percent_default}


def summary_rows(result: dict[str, Any]) -> list[tuple[str, ...]]:
    return [
        ("Circle in the app: background sync of an idle circle (default 5 min)",
         f"≤ {TARGET_CPU_PERCENT:.0f} % CPU",
         f"{result['idle_percent_at_default']:.3f} % (from CPU per round measured every "
         f"{result['idle_interval_s']:.0f} s: {result['idle_percent_at_interval']:.2f} %)",
         verdict(result["idle_percent_at_default"] <= TARGET_CPU_PERCENT)),
        (f"Circle in the app: longest GUI stall during a {result['messages']:,}-message sync",
         f"≤ {TARGET_STALL_MS:.0f} ms", f"{result['longest_stall_ms']:.0f} ms",
         verdict(result["longest_stall_ms"] <= TARGET_STALL_MS)),
    ]


def section(result: dict[str, Any]) -> list[str]:
    return [
        f"**A {result['messages']:,}-message sync from the circle page.** Another member had "
        f"sent {result['messages']:,} messages (check-ins and notes, alternating); \"Sync now\" "
        "on the page fetched, verified, decrypted and applied them on a worker thread and the "
        f"page then redrew its feed ({result['feed_items']} items loaded, the newest "
        f"{result.get('laid_out', 40)} laid out), in "
        f"{fmt_ms(result['sync_ms'])} from the click. A 10 ms QTimer heartbeat on the GUI "
        f"thread ticked {result['heartbeats']:,} times meanwhile; the longest gap between two "
        f"ticks was {result['longest_stall_ms']:.0f} ms (target ≤ {TARGET_STALL_MS:.0f} ms).",
        "",
        f"**Idle background sync.** With nothing new, the page's syncer ran every "
        f"{result['idle_interval_s']:.0f} s over a shared folder for "
        f"{result['idle_seconds']:.0f} s ({result['idle_rounds']} rounds): the whole process "
        f"used {result['idle_cpu_s']:.2f} s of CPU, {result['idle_percent_at_interval']:.2f} % "
        f"at that pace, or {result['idle_ms_per_round']:.0f} ms per round with the event "
        f"loop's own wake-ups counted in. At the default interval of "
        f"{DEFAULT_INTERVAL_S // 60} minutes that is {result['idle_percent_at_default']:.3f} % "
        f"of one core (target ≤ {TARGET_CPU_PERCENT:.0f} %).",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="30 s of idle sync, not 3 min")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-circle-gui-") as tmp:
        result = measure(Path(tmp), args.quick)
    save_result("circle_gui", {"quick": args.quick, **result})


if __name__ == "__main__":
    main()
