"""Device sync over WebDAV on loopback (docs/protocol.md §11; issue 19's benchmarks).

1. First sync of a new device from a 36,500-entry journal (a hundred years of daily
   writing; --quick: 3,650). First the adding device sends its journal to the storage
   (`companion device add` starts this; it takes several rounds, at most 50,000 operations
   a round), counted on its own. Then, end to end: the new device asks to join with the
   pairing code, the adding device sees it asking, the person allows it, the adding device
   lets it in and sends it the snapshot, and the new device syncs until it holds every
   entry (target ≤ 60 s). Requests and bytes sent and received on each side.
2. One edit reaching the other device: the adding device edits one entry and syncs, the
   other syncs and has it (target ≤ 1 s of sync work); an idle round on each (target: a
   handful of requests). Also the first round after unlocking, which rebuilds the merged
   state from every operation the vault holds (what each `companion sync` process pays).
3. Objects on the storage after the journal and a year of daily edits (365 days, one entry
   edited and both devices synced each day, the clock moved on a day each time; --quick: 30).

Real vaults (SQLCipher, Argon2id at its floor: key derivation is measured elsewhere), the
real circle engine, device group and WebDAV transport (httpx). The WebDAV server is the
tests' wsgidav server (tests/support/webdav_server.py) on 127.0.0.1, run in a process of its
own, so its Python work does not share the measured devices' interpreter lock (a real server
is another machine). Requests and bytes are counted on each device's HTTP connection: request
line, headers and body sent; status line, headers and body received.

    python3 benchmarks/bench_device_sync.py [--quick] [--entries N] [--days N] [--profile]

`--profile` runs each measured step under cProfile (slower; the figures are then not of
record), prints its hot spots and saves them as the result `device_sync_profile`, which the
document's section shows beside the figures (the profiles stay in benchmarks/.work/profiles/).
The figures of record in docs/benchmarks.md came from a plain run and a profiled one:

    python3 benchmarks/bench_device_sync.py
    python3 benchmarks/bench_device_sync.py --entries 10000 --days 20 --profile
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import hashlib
import json
import os
import pstats
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import _bootstrap
from common import PASSPHRASE, Stats, draft, fmt_ms, phase, save_result, verdict

TITLE = "Device sync"
FULL_ENTRIES, QUICK_ENTRIES = 36_500, 3_650
FULL_DAYS, QUICK_DAYS = 365, 30
MEASURED_EDITS = 20  # the first days of the year also time an idle round on each device
TARGET_FIRST_SYNC_S = 60.0
TARGET_EDIT_MS = 1000.0
HANDFUL = 5  # "an idle round: a handful of requests"
PROFILES = _bootstrap.WORK / "profiles"


# -- counting what goes over the wire -----------------------------------------------------------


@dataclass
class Meter:
    """HTTP traffic of one device: request line + headers + body out, status line + headers +
    body in, as they are on the connection (before TCP and the loopback)."""

    requests: int = 0
    sent: int = 0
    received: int = 0
    methods: Counter[str] = field(default_factory=Counter)

    def snapshot(self) -> Meter:
        return Meter(self.requests, self.sent, self.received, Counter(self.methods))

    def since(self, before: Meter) -> dict[str, Any]:
        return {"requests": self.requests - before.requests,
                "sent_bytes": self.sent - before.sent,
                "received_bytes": self.received - before.received,
                "by_method": dict(self.methods - before.methods)}


def _metered(transport: Any, meter: Meter) -> Any:
    """Count every exchange of a WebDavTransport's httpx client (its pool stays the same)."""
    import httpx

    class _Counted(httpx.SyncByteStream):
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def __iter__(self) -> Iterator[bytes]:
            for chunk in self.inner:
                meter.received += len(chunk)
                yield chunk

        def close(self) -> None:
            self.inner.close()

    class _Counting(httpx.BaseTransport):
        def __init__(self, inner: httpx.BaseTransport) -> None:
            self.inner = inner

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            meter.requests += 1
            meter.methods[request.method] += 1
            meter.sent += (len(request.method) + len(request.url.raw_path) + 12
                           + sum(len(k) + len(v) + 4 for k, v in request.headers.raw) + 2
                           + int(request.headers.get("content-length", 0)))
            response = self.inner.handle_request(request)
            meter.received += (17 + sum(len(k) + len(v) + 4 for k, v in response.headers.raw)
                               + 2)
            response.stream = _Counted(response.stream)
            return response

        def close(self) -> None:
            self.inner.close()

    client = transport._client  # noqa: SLF001  (the benchmark's window onto the wire)
    client._transport = _Counting(client._transport)  # noqa: SLF001
    return transport


# -- the WebDAV server, in a process of its own ---------------------------------------------------


def serve(root: Path) -> None:
    """Child process: serve `root`; answer "stats" with a JSON line; stop at "stop" or EOF."""
    from tests.support.webdav_server import WebDavServer

    with WebDavServer(root) as server:
        print(json.dumps({"url": server.url, "user": server.user,
                          "password": server.password}), flush=True)
        for line in sys.stdin:
            if line.strip() != "stats":
                break
            seen = server.requests
            times = os.times()
            print(json.dumps({"requests": len(seen),
                              "by_method": dict(Counter(r.method for r in seen)),
                              "cpu_s": times.user + times.system}), flush=True)


class Server:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--serve", str(root)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        hello = json.loads(self.process.stdout.readline())
        self.url, self.user, self.password = hello["url"], hello["user"], hello["password"]

    def url_for(self, folder: str) -> str:
        return f"{self.url}{folder}/"

    def stats(self) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write("stats\n")
        self.process.stdin.flush()
        answer: dict[str, Any] = json.loads(self.process.stdout.readline())
        return answer

    def stop(self) -> None:
        assert self.process.stdin is not None
        with contextlib.suppress(BrokenPipeError):
            self.process.stdin.write("stop\n")
            self.process.stdin.close()
        self.process.wait(timeout=60)


def storage_census(root: Path) -> dict[str, Any]:
    """Files under the served root: count, bytes, and how many of each size."""
    files = [p for p in root.rglob("*") if p.is_file()]
    sizes = Counter(p.stat().st_size for p in files)
    return {"files": len(files), "bytes": sum(s * n for s, n in sizes.items()),
            "objects": sum(1 for p in files if p.name.endswith(".cmp")),
            "by_size": {str(s): n for s, n in sorted(sizes.items())}}


# -- the two computers ----------------------------------------------------------------------------


class Computer:
    """A vault with its device group, as tests/companion/test_device_group.py builds one, whose
    WebDAV traffic is counted."""

    def __init__(self, home: Path, clock: Any, server: Server) -> None:
        from companion.app import QUICK_KEY_DERIVATION, CompanionApp

        self.home, self.clock, self.server = home, clock, server
        self.meter = Meter()
        self.app = CompanionApp(home, clock=clock)
        self.app.create_vault(PASSPHRASE, PASSPHRASE, params=QUICK_KEY_DERIVATION)
        self.attach()

    def attach(self) -> None:
        from companion.devices.group import DeviceGroup, default_transport
        from sync.engine import Engine

        db = self.app.vault.database
        engine = Engine(db, lambda: int(self.clock.now().timestamp() * 1_000_000))
        self.devices = DeviceGroup(db, self.clock, engine,
                                   lambda row: _metered(default_transport(row), self.meter))

    def reopen(self) -> float:
        """Lock and unlock the vault (a new process would): seconds the unlock took."""
        self.app.lock()
        start = time.perf_counter()
        self.app.unlock(PASSPHRASE)
        took = time.perf_counter() - start
        self.attach()
        return took

    @property
    def creds(self) -> dict[str, str]:
        return {"webdav_user": self.server.user, "webdav_password": self.server.password}

    def own_objects(self) -> int:
        """This device's messages it has not removed from the storage (all it sent, where
        compaction is not built)."""
        db = self.app.vault.database
        columns = {row[1] for row in db.query("PRAGMA table_info(circle_outbox)")}
        pruned = " AND pruned = 0" if "pruned" in columns else ""
        return int(db.query_one(f"SELECT count(*) FROM circle_outbox WHERE sent = 1{pruned}")[0])

    def entries(self) -> int:
        return int(self.app.vault.database.query_one("SELECT count(*) FROM entries")[0])

    def fingerprint(self) -> str:
        """A digest of every entry's title, body, mood and star, in a fixed order."""
        digest = hashlib.sha256()
        for row in self.app.vault.database.query(
                "SELECT title, body, mood, starred FROM entries ORDER BY body, title"):
            digest.update(repr(tuple(row)).encode())
        return digest.hexdigest()

    def close(self) -> None:
        self.app.close()


class Profiler:
    """cProfile around measured steps when asked (--profile), one file per step."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.files: dict[str, str] = {}

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        if not self.enabled:
            yield
            return
        profile = cProfile.Profile()
        profile.enable()
        try:
            yield
        finally:
            profile.disable()
            PROFILES.mkdir(parents=True, exist_ok=True)
            path = PROFILES / f"device_sync-{name}.prof"
            profile.dump_stats(str(path))
            self.files[name] = str(path)

    def summary(self, top: int = 10) -> dict[str, Any]:
        """Per step: its total time and the project's functions that took most of it
        (cumulative, with their own time), for the document."""
        out: dict[str, Any] = {}
        root = str(_bootstrap.ROOT) + "/"
        for name, path in self.files.items():
            stats = pstats.Stats(path)
            raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
            total = max((ct for _cc, _nc, _tt, ct, _callers in raw.values()), default=0.0)
            rows, own_rows = [], []
            for (file, line, function), (_cc, calls, own, cum, _callers) in raw.items():
                short = file[len(root):] if file.startswith(root) else Path(file).name
                own_rows.append({"where": f"{short}:{line} {function}" if line else function,
                                 "calls": calls, "own_s": own})
                if (not file.startswith(root) or "/benchmarks/" in file
                        or function.startswith("<")  # comprehensions: their caller says it
                        or (short == "companion/devices/group.py" and function == "sync")):
                    continue
                rows.append({"where": f"{short}:{line} {function}",
                             "calls": calls, "own_s": own, "cum_s": cum})
            rows.sort(key=lambda r: -r["cum_s"])
            own_rows.sort(key=lambda r: -r["own_s"])
            out[name] = {"total_s": total, "functions": rows[:top], "own": own_rows[:6]}
        return out

    def show(self) -> None:
        for name, path in self.files.items():
            print(f"\n--- profile of {name} ({path}), by cumulative time ---")
            pstats.Stats(path).sort_stats("cumulative").print_stats(25)
            print(f"--- profile of {name}, by own time ---")
            pstats.Stats(path).sort_stats("tottime").print_stats(15)


def timed(action: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    value = action()
    return value, (time.perf_counter() - start) * 1000


# -- 1. a new device's first sync --------------------------------------------------------------


def first_sync(a: Computer, b: Computer, server: Server, count: int,
               profiler: Profiler) -> dict[str, Any]:
    from corpus import generate

    from sync.storage_spec import StorageSpec, build_transport
    from sync.webdav_address import WebDavCredentials

    entries = generate(count)
    start = time.perf_counter()
    a.app.journal.add_many([draft(e) for e in entries])
    fill_s = time.perf_counter() - start
    url = server.url_for("devices")
    out: dict[str, Any] = {"entries": count, "fill_s": fill_s}

    # The adding device's first upload of its journal: `device add` starts it; the rounds
    # after it send the rest (at most 50,000 operations a round).
    with phase("device sync: first upload"), profiler.step("upload"):
        before, server_before = a.meter.snapshot(), server.stats()
        start = time.perf_counter()
        a.devices.start(f"webdav:{url}", "Laptop", **a.creds)
        rounds: list[dict[str, Any]] = []
        while True:
            report, ms = timed(a.devices.sync)
            status = a.devices.status()
            rounds.append({"ms": ms, "ops": report.merged.sent_ops,
                           "messages": report.engine.sent})
            print(f"   upload round {len(rounds)}: {fmt_ms(ms)}, "
                  f"{report.engine.sent} messages sent, {status.changes_waiting:,} changes "
                  "waiting", flush=True)
            if status.changes_waiting == 0 and status.messages_waiting == 0:
                break
            a.clock.advance(seconds=5)
        upload_s = time.perf_counter() - start
    ops = int(a.app.vault.database.query_one("SELECT count(*) FROM device_ops")[0])
    out["upload"] = {"seconds": upload_s, "rounds": rounds, "ops": ops,
                     "messages": sum(r["messages"] for r in rounds),
                     **a.meter.since(before),
                     "server_cpu_s": server.stats()["cpu_s"] - server_before["cpu_s"]}
    out["storage_after_upload"] = storage_census(server.root)
    print(f"first upload of {count:,} entries ({ops:,} operations): {upload_s:.1f} s in "
          f"{len(rounds)} rounds, {out['upload']['requests']:,} requests, "
          f"{out['upload']['sent_bytes'] / 1e6:.1f} MB sent", flush=True)

    # End to end, from `device join` to the new device holding every entry.
    steps: dict[str, float] = {}
    a_before, b_before = a.meter.snapshot(), b.meter.snapshot()
    with phase("device sync: join to every entry"), profiler.step("join"):
        server_before = server.stats()
        start = time.perf_counter()
        code = a.devices.pairing_code()
        a.clock.advance(seconds=20)  # the code is typed on the other computer

        def join() -> None:
            credentials = WebDavCredentials(server.user, server.password)
            with build_transport(StorageSpec.from_dict({"kind": "webdav", "location": url}),
                                 credentials) as transport:
                _metered(transport, b.meter)
                transport.check()  # as `companion device join` does
                b.devices.join(code, "Desktop", f"webdav:{url}", transport, **b.creds)

        _, steps["join_ms"] = timed(join)
        a.clock.advance(seconds=5)
        _, steps["sees_asking_ms"] = timed(a.devices.sync)
        (asking,) = a.devices.asking()
        assert asking.safety_number == b.devices.joining_safety_number()
        a.devices.decide(asking.name, allow=True)  # the person compared the numbers
        a.clock.advance(seconds=5)
        admitted, steps["admit_and_snapshot_ms"] = timed(a.devices.sync)
        assert admitted.snapshot_sent, admitted
        a_side = a.meter.since(a_before)
        b_rounds: list[float] = []
        b_start = time.perf_counter()
        while True:
            a.clock.advance(seconds=5)
            _, ms = timed(b.devices.sync)
            b_rounds.append(ms)
            if b.entries() >= count or len(b_rounds) >= 50:
                break
        steps["download_ms"] = (time.perf_counter() - b_start) * 1000
        seconds = time.perf_counter() - start
        server_cpu = server.stats()["cpu_s"] - server_before["cpu_s"]
    held = b.entries()
    same = held == count and b.fingerprint() == a.fingerprint()
    out["join"] = {"seconds": seconds, "steps": steps, "b_rounds_ms": b_rounds,
                   "a": a_side, "b": b.meter.since(b_before), "entries_held": held,
                   "identical": same, "server_cpu_s": server_cpu,
                   "snapshot_messages": admitted.engine.sent}
    out["storage_after_pairing"] = storage_census(server.root)
    print(f"join to every entry: {seconds:.1f} s (join {fmt_ms(steps['join_ms'])}, sees "
          f"asking {fmt_ms(steps['sees_asking_ms'])}, admit + snapshot "
          f"{fmt_ms(steps['admit_and_snapshot_ms'])}, download "
          f"{fmt_ms(steps['download_ms'])} in {len(b_rounds)} rounds); the new device holds "
          f"{held:,} of {count:,} entries, {'identical' if same else 'NOT identical'}",
          flush=True)
    return out


# -- 2 and 3. daily edits, idle rounds, a cold round, the storage after a year -------------------


def daily_edits(a: Computer, b: Computer, server: Server, days: int,
                profiler: Profiler) -> dict[str, Any]:
    db = a.app.vault.database
    ids = [int(i) for (i,) in db.query("SELECT id FROM entries ORDER BY id")]
    rng = random.Random(19)
    per_day: list[dict[str, Any]] = []
    idle: list[dict[str, Any]] = []
    every = max(1, -(-days // 12))  # how often the storage is counted: about 12 times
    series = [{"day": 0, **storage_census(server.root)}]
    with phase("device sync: a year of daily edits"):
        for day in range(days):
            a.clock.advance(days=1)
            entry = a.app.journal.get(rng.choice(ids))
            marker = f"Edited on day {day + 1} of the year."
            a.app.journal.update(entry.id, body=f"{entry.body}\n{marker}")
            profile = profiler.step("edit-a") if day == 1 else contextlib.nullcontext()
            with profile:
                ma = a.meter.snapshot()
                report_a, a_ms = timed(a.devices.sync)
            a.clock.advance(minutes=1)
            profile = profiler.step("edit-b") if day == 1 else contextlib.nullcontext()
            with profile:
                mb = b.meter.snapshot()
                report_b, b_ms = timed(b.devices.sync)
            arrived = b.app.vault.database.query_one(
                "SELECT count(*) FROM entries WHERE body LIKE ?", (f"%{marker}",))[0]
            per_day.append({"a_ms": a_ms, "b_ms": b_ms, "a": a.meter.since(ma),
                            "b": b.meter.since(mb), "arrived": bool(arrived),
                            "a_engine_requests": report_a.engine.requests,
                            "b_engine_requests": report_b.engine.requests,
                            "b_written": report_b.merged.written,
                            "problems": report_a.engine.problems + report_b.engine.problems,
                            # Objects each device removed (compaction; 0 where not built).
                            "pruned_a": getattr(report_a, "pruned", 0),
                            "pruned_b": getattr(report_b, "pruned", 0)})
            if day < MEASURED_EDITS:
                a.clock.advance(minutes=1)
                profile = profiler.step("idle") if day == 1 else contextlib.nullcontext()
                with profile:
                    ma, mb = a.meter.snapshot(), b.meter.snapshot()
                    _, ia = timed(a.devices.sync)
                    _, ib = timed(b.devices.sync)
                idle.append({"a_ms": ia, "b_ms": ib, "a": a.meter.since(ma),
                             "b": b.meter.since(mb)})
            if (day + 1) % every == 0 or day + 1 == days:
                census = storage_census(server.root)
                series.append({"day": day + 1, **census})
                print(f"   day {day + 1}: edit {fmt_ms(a_ms)} + {fmt_ms(b_ms)}; storage "
                      f"{census['files']:,} files, {census['bytes'] / 1e6:.1f} MB", flush=True)

    first = per_day[:MEASURED_EDITS]
    last = per_day[-MEASURED_EDITS:]

    def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
        return {"a_ms": Stats.of([r["a_ms"] for r in rows]).as_dict(),
                "b_ms": Stats.of([r["b_ms"] for r in rows]).as_dict(),
                "total_ms": Stats.of([r["a_ms"] + r["b_ms"] for r in rows]).as_dict(),
                "a_requests": statistics.median(r["a"]["requests"] for r in rows),
                "b_requests": statistics.median(r["b"]["requests"] for r in rows),
                "a_by_method": rows[len(rows) // 2]["a"]["by_method"],
                "b_by_method": rows[len(rows) // 2]["b"]["by_method"],
                "a_sent_bytes": statistics.median(r["a"]["sent_bytes"] for r in rows),
                "b_received_bytes": statistics.median(r["b"]["received_bytes"] for r in rows),
                "a_engine_requests": statistics.median(r["a_engine_requests"] for r in rows),
                "all_arrived": all(r["arrived"] for r in rows)}

    return {
        "days": days,
        "first": summary(first),
        "last": summary(last),
        "all_arrived": all(r["arrived"] for r in per_day),
        "not_arrived": sum(1 for r in per_day if not r["arrived"]),
        "problems": dict(Counter(p for r in per_day for p in r["problems"])),
        "idle": {"a_ms": Stats.of([r["a_ms"] for r in idle]).as_dict(),
                 "b_ms": Stats.of([r["b_ms"] for r in idle]).as_dict(),
                 "a_requests": statistics.median(r["a"]["requests"] for r in idle),
                 "b_requests": statistics.median(r["b"]["requests"] for r in idle),
                 "a_by_method": idle[len(idle) // 2]["a"]["by_method"],
                 "bytes": statistics.median(r["a"]["sent_bytes"] + r["a"]["received_bytes"]
                                            for r in idle)},
        "storage": storage_census(server.root),
        "series": [{k: v for k, v in c.items() if k != "by_size"} for c in series],
        "pruned_a": sum(r["pruned_a"] for r in per_day),
        "pruned_b": sum(r["pruned_b"] for r in per_day),
        "own_objects": {"a": a.own_objects(), "b": b.own_objects()},
        "window": _rollback_window(),
    }


def _rollback_window() -> int:
    from sync.engine import ROLLBACK_WINDOW

    return ROLLBACK_WINDOW


def cold_round(b: Computer, profiler: Profiler) -> dict[str, Any]:
    """The first round after unlocking: the merged state is rebuilt from every operation."""
    ops = int(b.app.vault.database.query_one("SELECT count(*) FROM device_ops")[0])
    with phase("device sync: first round after unlock"), profiler.step("cold"):
        unlock_s = b.reopen()
        before = b.meter.snapshot()
        _, first_ms = timed(b.devices.sync)
        _, second_ms = timed(b.devices.sync)
    return {"ops": ops, "unlock_ms": unlock_s * 1000, "first_ms": first_ms,
            "second_ms": second_ms, **b.meter.since(before)}


# -- the report ---------------------------------------------------------------------------------


def _mb(n: float) -> str:
    return f"{n / 1e6:.1f} MB"


def summary_rows(result: dict[str, Any]) -> list[tuple[str, ...]]:
    f, e = result["first"], result["edits"]
    n = f"{f['entries']:,}"
    join, upload = f["join"], f["upload"]
    rows = [
        (f"Device sync: new device's first sync, {n} entries, WebDAV on loopback, from "
         "`device join` to every entry", f"≤ {TARGET_FIRST_SYNC_S:.0f} s",
         f"{join['seconds']:.1f} s; {join['a']['requests'] + join['b']['requests']:,} "
         f"requests, {_mb(join['a']['sent_bytes'])} up, {_mb(join['b']['received_bytes'])} "
         "down", verdict(join["seconds"] <= TARGET_FIRST_SYNC_S and join["identical"])),
        (f"Device sync: the adding device's first upload of {n} entries (before pairing)",
         "report", f"{upload['seconds']:.1f} s in {_rounds(len(upload['rounds']))}; "
                   f"{upload['requests']:,} requests, {_mb(upload['sent_bytes'])} up",
         "info"),
    ]
    edit = e["first"]
    rows.append((f"Device sync: one edit reaching the other device, {n} entries",
                 f"≤ {TARGET_EDIT_MS / 1000:.0f} s of sync work",
                 f"{fmt_ms(edit['total_ms']['median'])} (sender "
                 f"{fmt_ms(edit['a_ms']['median'])}, {edit['a_requests']:.0f} requests; "
                 f"receiver {fmt_ms(edit['b_ms']['median'])}, {edit['b_requests']:.0f})",
                 verdict(edit["total_ms"]["median"] <= TARGET_EDIT_MS and edit["all_arrived"])))
    idle = e["idle"]
    rows.append(("Device sync: an idle round over WebDAV, 2 devices", "a handful of requests",
                 f"{idle['a_requests']:.0f} requests, {fmt_ms(idle['a_ms']['median'])}",
                 verdict(idle["a_requests"] <= HANDFUL)))
    cold = result.get("cold")
    if cold:
        rows.append((f"Device sync: first round after unlocking ({cold['ops']:,} operations "
                     "held)", "report", fmt_ms(cold["first_ms"]), "info"))
    s, paired, mid = e["storage"], f["storage_after_pairing"], _midway(e)
    # What compaction keeps: each device's newest messages the rollback check reads back.
    bound = 2 * e.get("window", 50) + 20
    bounded = s["files"] <= bound
    rows.append((f"Device sync: objects on the storage after {n} entries and {e['days']} "
                 "days of edits", "bounded (snapshots)",
                 f"{s['files']:,} files, {_mb(s['bytes'])} (after pairing {paired['files']:,}, "
                 f"day {mid['day']} {mid['files']:,})",
                 f"pass (≤ {bound}: each device keeps its newest {e.get('window', 50)})"
                 if bounded else "**miss** (grows)"))
    return rows


def _rounds(n: int) -> str:
    return f"{n} round" if n == 1 else f"{n} rounds"


def _midway(edits: dict[str, Any]) -> dict[str, Any]:
    """The storage count nearest the middle of the year of edits."""
    series = edits.get("series") or [{"day": 0, **edits["storage"]}]
    return min(series, key=lambda c: abs(c["day"] - edits["days"] / 2))


def section(result: dict[str, Any]) -> list[str]:
    from companion.devices.group import OWN_OPS_PER_ROUND

    f, e = result["first"], result["edits"]
    n = f"{f['entries']:,}"
    up, join = f["upload"], f["join"]
    steps = join["steps"]
    a, b = join["a"], join["b"]
    lines = [
        f"Two vaults (the Argon2id floor), a journal of {n} entries from the shared corpus, "
        "the real device group, circle engine and WebDAV transport; the tests' wsgidav "
        "server on 127.0.0.1 in a process of its own. Requests and bytes are counted on each "
        "device's HTTP connection. Both devices run in one process, one after the other, "
        f"the server in another, on the {result.get('cpus', 2)}-core machine above, shared "
        "with other work (see the load table). `benchmarks/bench_device_sync.py`.",
        "",
        *([f"**Note.** {result['note']}", ""] if result.get("note") else []),
        f"**The adding device's first upload.** {n} entries are {up['ops']:,} operations; "
        f"sending them took {up['seconds']:.1f} s in {_rounds(len(up['rounds']))} (a round "
        f"hands at most {OWN_OPS_PER_ROUND:,} operations to the outbox, compressed): "
        f"{up['messages']:,} messages, "
        f"{up['requests']:,} requests ({_methods(up['by_method'])}), "
        f"{_mb(up['sent_bytes'])} sent, {_mb(up['received_bytes'])} received (the server "
        f"used {up['server_cpu_s']:.1f} s of CPU). This is what `companion device add` "
        "starts; the new device does not read it (it cannot read what was written before it "
        "joined: it gets the snapshot below)."
        + (f" With no other device to read them, compaction removed all but the newest "
           f"{f['storage_after_upload']['files']:,} objects as it went "
           f"({up['by_method']['DELETE']:,} DELETE): {_mb(up['sent_bytes'])} written to leave "
           f"{_mb(f['storage_after_upload']['bytes'])}."
           if up["by_method"].get("DELETE") else ""),
        "",
        f"**From `device join` to the new device holding every entry: {join['seconds']:.1f} "
        f"s** (target ≤ {TARGET_FIRST_SYNC_S:.0f} s), {join['entries_held']:,} of {n} "
        f"entries, {'identical to' if join['identical'] else 'DIFFERENT from'} the adding "
        "device's:",
        "",
        "| step | device | time |",
        "|---|---|---|",
        f"| join request (`device join`, its PROPFIND check included) | new | "
        f"{fmt_ms(steps['join_ms'])} |",
        f"| a round that sees it asking | adding | {fmt_ms(steps['sees_asking_ms'])} |",
        f"| the round after `device allow`: let in, snapshot of {join['snapshot_messages']} "
        f"messages sealed and sent | adding | {fmt_ms(steps['admit_and_snapshot_ms'])} |",
        f"| rounds until every entry is there ({len(join['b_rounds_ms'])}) | new | "
        f"{fmt_ms(steps['download_ms'])} |",
        "",
        "| side | requests | sent | received |",
        "|---|---|---|---|",
        f"| adding device | {a['requests']:,} ({_methods(a['by_method'])}) | "
        f"{_mb(a['sent_bytes'])} | {_mb(a['received_bytes'])} |",
        f"| new device | {b['requests']:,} ({_methods(b['by_method'])}) | "
        f"{_mb(b['sent_bytes'])} | {_mb(b['received_bytes'])} |",
        "",
        f"The server used {join['server_cpu_s']:.1f} s of CPU meanwhile, on the other core.",
        "",
    ]
    first, last, idle = e["first"], e["last"], e["idle"]
    lines += [
        f"**One edit reaching the other device** (one entry's body edited on the adding "
        f"device, which syncs; the other syncs and has it), median of the first "
        f"{MEASURED_EDITS} days of the year, with the last {MEASURED_EDITS} days beside it:",
        "",
        "| | sender's round | its requests | receiver's round | its requests | both |",
        "|---|---|---|---|---|---|",
        f"| days 1–{MEASURED_EDITS} | {fmt_ms(first['a_ms']['median'])} | "
        f"{first['a_requests']:.0f} ({_methods(first['a_by_method'])}) | "
        f"{fmt_ms(first['b_ms']['median'])} | {first['b_requests']:.0f} "
        f"({_methods(first['b_by_method'])}) | {fmt_ms(first['total_ms']['median'])} |",
        f"| last {MEASURED_EDITS} of {e['days']} days | {fmt_ms(last['a_ms']['median'])} | "
        f"{last['a_requests']:.0f} | {fmt_ms(last['b_ms']['median'])} | "
        f"{last['b_requests']:.0f} | {fmt_ms(last['total_ms']['median'])} |",
        "",
        f"Every one of the {e['days']} edits reached the other device."
        if e["all_arrived"] else
        f"**{e['not_arrived']} of the {e['days']} edits did not reach the other device** "
        "(checked after its round).",
        "",
        "The sender makes two engine rounds when it has something to send (fetch, seal, "
        "upload, read back its newest message; then all of it again after queuing its "
        "batch), so it reads twice what an idle round reads; `DeviceSyncReport.engine."
        f"requests` counts both ({first['a_engine_requests']:.0f} of "
        f"{first['a_requests']:.0f}: the rest are compaction's deletions, counted in "
        "`pruned`).",
        "",
        f"**An idle round** (nothing new on either side): {idle['a_requests']:.0f} requests "
        f"({_methods(idle['a_by_method'])}), {fmt_ms(idle['a_ms']['median'])} on the adding "
        f"device, {fmt_ms(idle['b_ms']['median'])} on the other (median of "
        f"{MEASURED_EDITS}); {idle['bytes']:,.0f} bytes sent and received together by the "
        "adding device.",
        "",
    ]
    cold = result.get("cold")
    if cold:
        lines += [
            f"**The first round after unlocking**, with {cold['ops']:,} operations held: "
            f"{fmt_ms(cold['first_ms'])}, then {fmt_ms(cold['second_ms'])} for the next "
            f"(idle) round. A round loads a record's operations from the vault when it "
            f"first touches it, so this does not grow with the journal. Every `companion "
            f"sync` is a new process (an unlock session keeps only the key), and the desktop "
            f"app starts afresh at each unlock (the unlock itself, at the Argon2id floor, "
            f"took {fmt_ms(cold['unlock_ms'])}).",
            "",
        ]
    s, after_up, after_pair = e["storage"], f["storage_after_upload"], \
        f["storage_after_pairing"]
    up_sent = f["upload"]["sent_bytes"]
    series = e.get("series", [])
    pruned = e.get("pruned_a", 0) + e.get("pruned_b", 0)
    lines += [
        f"**Objects on the storage** after {n} entries and {e['days']} days of one edit a "
        "day, both devices syncing each day:",
        "",
        "| when | files | bytes |",
        "|---|---|---|",
        f"| after the first upload | {after_up['files']:,} | {_mb(after_up['bytes'])} |",
        f"| after pairing (the snapshot) | {after_pair['files']:,} | "
        f"{_mb(after_pair['bytes'])} |",
        *(f"| after {c['day']} days of edits | {c['files']:,} | {_mb(c['bytes'])} |"
          for c in series if c["day"]),
        "",
    ]
    # The log of the first upload still there beside the snapshot?
    twice = (after_up["bytes"] >= 0.8 * up_sent and after_pair["bytes"] >= 1.8 * after_up["bytes"])
    if pruned:
        mid = _midway(e)
        lines.append(
            f"Compaction (docs/protocol.md §11.6) removed {pruned:,} objects in the "
            f"{e['days']} days "
            f"({e['pruned_a']:,} by the adding device, {e['pruned_b']:,} by the other)"
            + ("; right after pairing the journal was on the storage twice (the adding "
               "device's log, which the new device cannot read, and the snapshot)"
               if twice else "")
            + f". The count went from {after_pair['files']:,} files after pairing to "
            f"{s['files']:,} after {e['days']} days ({mid['files']:,} at day {mid['day']}), "
            f"{_mb(s['bytes'])} in all.")
        own = e.get("own_objects")
        if own:
            window = e.get("window", 50)
            lines[-1] += (
                f" At the end {own['a']:,} of them were the adding device's and {own['b']:,} "
                f"the other's: each device keeps its newest {window} messages on the storage "
                "(the rollback check reads them back)"
                + (f", and the other device, which only reads, sends a checkpoint every 16 "
                   f"messages it reads, so its count still climbs towards {window} after "
                   f"{e['days']} days: the total levels off at about {2 * window} plus a few."
                   if own["b"] < window else "."))
    else:
        lines.append(
            "Nothing was deleted from the storage"
            + (": the journal is on it twice (the adding device's log and the snapshot), and"
               if twice else ", and")
            + " every round that sends something adds objects "
            f"({(s['files'] - after_pair['files']) / e['days']:.1f} files a day here), so the "
            "count grows without bound instead of staying at about two snapshots plus at "
            "most 512 messages per device (docs/protocol.md §11.6).")
    lines.append("")
    lines += profile_lines(bool(result.get("quick")))
    while lines and not lines[-1]:
        lines.pop()
    return lines


STEP_NAMES = {
    "upload": "the adding device's first upload (every round)",
    "join": "from `device join` to every entry (both devices)",
    "cold": "the first round after unlocking (and the next)",
    "edit-a": "the sender's round of one edit",
    "idle": "an idle round on each device",
}


def _short(where: str) -> str:
    """`companion/devices/group.py:383 _queue_own` → `group.py _queue_own`."""
    if where.startswith("<method '"):  # <method 'execute' of 'sqlcipher3.dbapi2.Cursor' objects>
        method, _, owner = where[len("<method '"):].partition("' of '")
        return f"{owner.split(chr(39))[0].rsplit('.', 1)[-1]}.{method} (C)"
    place, _, function = where.partition(" ")
    name = place.rsplit(":", 1)[0].rsplit("/", 1)[-1]
    return f"{name} {function}" if function else where


def _innermost(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop a function whose time is nearly all one callee's (a chain of wrappers shows
    once, as its innermost)."""
    kept = []
    for row, after in zip(rows, [*rows[1:], None], strict=True):
        if (after is not None and after["calls"] == row["calls"]
                and after["cum_s"] >= 0.97 * row["cum_s"]):
            continue
        kept.append(row)
    return kept


def profile_lines(quick: bool) -> list[str]:
    """The hot spots of the last profiled run (`--profile`), if there is one."""
    from common import load_result

    found = load_result("device_sync_profile", quick=quick)
    if not found:
        return []
    lines = [
        f"**Where the time goes** (cProfile, a separate run with {found['entries']:,} entries "
        f"on commit `{found['code']}`, {found['recorded']}; cProfile slows Python calls, so "
        "the shares matter, not the seconds). Cumulative time of the project's functions "
        "and own time of anything (C included), as shares of the step:",
        "",
        "| step (under cProfile) | largest cumulative shares | largest own time |",
        "|---|---|---|",
    ]
    for step, label in STEP_NAMES.items():
        data = found["steps"].get(step)
        if not data or not data["total_s"]:
            continue
        total = data["total_s"]
        cumulative = ", ".join(f"`{_short(r['where'])}` {r['cum_s'] / total:.0%}"
                               for r in _innermost(data["functions"])[:6])
        own = ", ".join(f"`{_short(r['where'])}` {r['own_s'] / total:.0%}"
                        for r in data.get("own", [])[:4])
        lines.append(f"| {label} ({total:.1f} s) | {cumulative} | {own} |")
    return [*lines, ""]


def _methods(by_method: dict[str, int]) -> str:
    return ", ".join(f"{n:,} {m}" for m, n in sorted(by_method.items(), key=lambda x: -x[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"{QUICK_ENTRIES:,} entries and {QUICK_DAYS} days of edits")
    parser.add_argument("--entries", type=int, default=None)
    parser.add_argument("--days", type=int, default=None)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--note", default="",
                        help="a remark for the document (what the code is, if not just its "
                             "commit; another run to compare with)")
    parser.add_argument("--serve", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        serve(args.serve)
        return
    from companion.clock import FakeClock

    count = args.entries or (QUICK_ENTRIES if args.quick else FULL_ENTRIES)
    days = args.days or (QUICK_DAYS if args.quick else FULL_DAYS)
    days = max(days, MEASURED_EDITS)
    if args.quick:
        print(f"quick run: {count:,} entries (the issue asks for {FULL_ENTRIES:,}) and {days} "
              f"days of edits (not {FULL_DAYS})")
    profiler = Profiler(args.profile)
    # One clock for both computers (set from the network, as clocks are), moved on by hand:
    # a year of daily edits passes a day per round.
    clock = FakeClock(datetime.now(UTC).replace(microsecond=0) - timedelta(days=days + 1))
    with tempfile.TemporaryDirectory(prefix="bench-devices-", dir=None) as tmp:
        work = Path(tmp)
        server = Server(work / "dav")
        a = b = None
        try:
            a = Computer(work / "laptop", clock, server)
            b = Computer(work / "desktop", clock, server)
            first = first_sync(a, b, server, count, profiler)
            edits = daily_edits(a, b, server, days, profiler)
            print(f"one edit: sender {fmt_ms(edits['first']['a_ms']['median'])} "
                  f"({edits['first']['a_requests']:.0f} requests), receiver "
                  f"{fmt_ms(edits['first']['b_ms']['median'])} "
                  f"({edits['first']['b_requests']:.0f} requests); idle round "
                  f"{edits['idle']['a_requests']:.0f} requests, "
                  f"{fmt_ms(edits['idle']['a_ms']['median'])}")
            print(f"storage after {days} days: {edits['storage']['files']:,} files, "
                  f"{_mb(edits['storage']['bytes'])}")
            cold = cold_round(b, profiler)
            print(f"first round after unlock ({cold['ops']:,} operations): "
                  f"{fmt_ms(cold['first_ms'])}, next {fmt_ms(cold['second_ms'])}")
        finally:
            for computer in (a, b):
                if computer is not None:
                    computer.close()
            server.stop()
    result = {"quick": args.quick, "profiled": args.profile, "note": args.note,
              "cpus": len(os.sched_getaffinity(0)),
              "first": first, "edits": edits, "cold": cold}
    if args.profile:
        profiler.show()
        path = save_result("device_sync_profile", {
            "quick": args.quick, "entries": count, "days": days, "note": args.note,
            "steps": profiler.summary()})
        print(f"\n(profiled run: its timings are not the figures of record; the hot spots "
              f"are in {path})")
        return
    path = save_result("device_sync", result)
    print()
    for row in summary_rows(result):
        print(" | ".join(row))
    print(f"\n(raw figures: {path})")


if __name__ == "__main__":
    main()
