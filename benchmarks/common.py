"""Shared pieces: timing statistics, building a vault from the corpus, machine facts, results."""

from __future__ import annotations

import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import _bootstrap
import sqlcipher3
from corpus import CorpusEntry

from companion.app import CompanionApp
from companion.models import EntryDraft
from storage.kdf import TARGET_ENV, Argon2Params

ROOT = _bootstrap.ROOT
WORK = _bootstrap.WORK
RESULTS = _bootstrap.RESULTS
QUICK_RESULTS = _bootstrap.QUICK_RESULTS
PASSPHRASE = "plum-orbit-velvet-canyon-42"
FULL_SIZES = (3_650, 36_500)
QUICK_SIZES = (365, 3_650)


@dataclass(frozen=True)
class Stats:
    """Milliseconds over `n` repetitions."""

    n: int
    median: float
    p95: float
    minimum: float
    maximum: float

    @classmethod
    def of(cls, samples_ms: Sequence[float]) -> Stats:
        ordered = sorted(samples_ms)
        p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
        return cls(len(ordered), statistics.median(ordered), p95, ordered[0], ordered[-1])

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def time_ms(action: Callable[[], object]) -> float:
    start = time.perf_counter_ns()
    action()
    return (time.perf_counter_ns() - start) / 1e6


def repeat_ms(action: Callable[[], object], times: int, warmup: int = 3) -> Stats:
    for _ in range(warmup):
        action()
    return Stats.of([time_ms(action) for _ in range(times)])


def draft(entry: CorpusEntry, *, with_time: bool = True) -> EntryDraft:
    return EntryDraft(title=entry.title, body=entry.body, tags=entry.tags, mood=entry.mood,
                      starred=entry.starred, at=entry.at if with_time else None)


def fresh_dir(path: Path) -> Path:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def without_kdf_override() -> None:
    """Calibrated runs must see the default target: drop an inherited override, and say so."""
    if os.environ.pop(TARGET_ENV, None) is not None:
        print(f"note: ignoring {TARGET_ENV} from the environment for the calibrated runs",
              file=sys.stderr)


@dataclass(frozen=True)
class BuiltVault:
    fill_seconds: float  # the one `add_many` transaction
    params: Argon2Params
    recovery_code: str


def build_vault(home: Path, entries: Sequence[CorpusEntry],
                params: Argon2Params | None) -> BuiltVault:
    """Create a vault (calibrated Argon2id when `params` is None) and fill it in one
    `add_many` transaction."""
    fresh_dir(home)
    app = CompanionApp(home)
    code = app.create_vault(PASSPHRASE, PASSPHRASE, params=params)
    try:
        drafts = [draft(e) for e in entries]
        start = time.perf_counter()
        app.journal.add_many(drafts)
        seconds = time.perf_counter() - start
        return BuiltVault(seconds, app.vault.kdf_params, code)
    finally:
        app.close()


def directory_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def machine() -> dict[str, str]:
    conn = sqlcipher3.connect(":memory:")
    try:
        conn.execute("PRAGMA key = 'probe'")  # the provider is reported once keyed
        cipher = conn.execute("PRAGMA cipher_version").fetchone()[0]
        sqlite = conn.execute("SELECT sqlite_version()").fetchone()[0]
        provider = conn.execute("PRAGMA cipher_provider_version").fetchone()
    finally:
        conn.close()
    WORK.mkdir(parents=True, exist_ok=True)
    fs = subprocess.run(["df", "-hT", str(WORK)], capture_output=True, text=True,
                        check=False).stdout
    fs_line = fs.strip().splitlines()[-1].split() if fs.strip() else []
    return {
        "cpus": str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                    else os.cpu_count()),
        "cpu": _cpu_model(),
        "memory": _memory(),
        "os": f"{platform.system()} {platform.release()}",
        "filesystem": f"{fs_line[1]} on {fs_line[0]}" if len(fs_line) > 1 else "unknown",
        "python": platform.python_version(),
        "sqlcipher": f"{cipher} (SQLite {sqlite}, crypto provider "
                     f"{provider[0] if provider else 'unknown'})",
        "sqlcipher3": _version("sqlcipher3"),
        "cryptography": _version("cryptography"),
    }


# -- other processes ---------------------------------------------------------------------------
# This machine has two cores and may be shared (tests of other work running at the same time).
# Each phase first waits a while for the machine to go quiet, then records how many cores
# other processes kept busy while it ran, so the report can say how clean each figure is.

QUIET_CORES = 0.3
WAIT_BUDGET = 120.0  # seconds a whole benchmark may spend waiting, all phases together
LOAD_LOG: list[dict[str, Any]] = []
_WAITED = [0.0]  # seconds waited so far in this process


def _busy_seconds() -> float:
    """CPU seconds spent busy by the whole machine (all cores) since boot."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq = fields[:7]
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def _own_seconds() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def wait_for_quiet(max_wait: float = 90.0) -> float:
    """Wait until other processes use under QUIET_CORES cores (or `max_wait` passes, or the
    benchmark's WAIT_BUDGET is spent); return the last reading."""
    began = time.monotonic()
    deadline = began + max(0.0, min(max_wait, WAIT_BUDGET - _WAITED[0]))
    told = False
    while True:
        busy, own, start = _busy_seconds(), _own_seconds(), time.monotonic()
        time.sleep(1.0)
        others = max(0.0, (_busy_seconds() - busy) - (_own_seconds() - own)) \
            / (time.monotonic() - start)
        if others < QUIET_CORES or time.monotonic() > deadline:
            _WAITED[0] += time.monotonic() - began
            if told:
                print(f"   … going on with other processes at {others:.2f} cores",
                      file=sys.stderr, flush=True)
            return others
        if not told:
            print(f"   waiting for other processes to quieten ({others:.2f} cores busy) …",
                  file=sys.stderr, flush=True)
            told = True


class phase:  # noqa: N801  (used as a statement: `with phase("…"):`)
    """Wait for quiet, then log the cores other processes used while the block ran."""

    def __init__(self, label: str, max_wait: float = 90.0) -> None:
        self.label = label
        self.max_wait = max_wait

    def __enter__(self) -> phase:
        self.before = wait_for_quiet(self.max_wait)
        self.busy, self.own, self.start = _busy_seconds(), _own_seconds(), time.monotonic()
        return self

    def __exit__(self, *_exc: object) -> None:
        wall = time.monotonic() - self.start
        others = max(0.0, (_busy_seconds() - self.busy) - (_own_seconds() - self.own))
        LOAD_LOG.append({"phase": self.label, "seconds": round(wall, 1),
                         "others_cores_before": round(self.before, 2),
                         "others_cores_during": round(others / wall, 2) if wall else 0.0})


def calibrated_params(quick: bool, label: str) -> tuple[Argon2Params, str]:
    """The Argon2id parameters calibration picks on this machine, and where they came from.

    bench_unlock.py calibrates several times and keeps the median choice; when its results
    are there (from a run of the same kind), the other benchmarks use the same parameters, so
    that one noisy calibration does not make the documents disagree. Otherwise calibrate
    once here, after waiting for the machine to be quiet."""
    from storage.kdf import calibrate

    unlock = load_result("unlock", quick=quick)
    if unlock is not None:
        return Argon2Params(**unlock["calibrated"]), "bench_unlock.py (median of its calibrations)"
    with phase(f"{label}: calibration"):
        return calibrate(), "one calibration in this run"


def code_version() -> str:
    """The commit measured, with "+changes" if the measured packages differ from it."""
    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True,
                              check=False)
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD")
    if not commit:
        return "unknown"
    dirty = git("status", "--porcelain", "--", "companion", "storage", "sync", "ui")
    return commit + (" +uncommitted changes" if dirty else "")


def results_dir(quick: bool) -> Path:
    return QUICK_RESULTS if quick else RESULTS


def save_result(name: str, data: dict[str, Any]) -> Path:
    """Write `data` (which says whether it is a quick run) as NAME.json."""
    folder = results_dir(bool(data.get("quick")))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    data = {"benchmark": name, "recorded": time.strftime("%Y-%m-%d %H:%M:%S %z"), **data,
            "niceness": os.nice(0), "code": code_version(), "load": list(LOAD_LOG)}
    path.write_text(json.dumps(data, indent=2, default=str) + "\n")
    return path


def save_and_show(name: str, data: dict[str, Any], text: str) -> Path:
    """Save a benchmark's figures (`save_result`) and print its report and where they went."""
    path = save_result(name, data)
    print()
    print(text)
    print(f"\n(raw figures: {path})")
    return path


def load_result(name: str, *, quick: bool = False) -> dict[str, Any] | None:
    path = results_dir(quick) / f"{name}.json"
    if not path.exists():
        return None
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A Markdown table (also readable as plain text on a terminal)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def fmt_ms(value: float) -> str:
    if value >= 1000:
        return f"{value / 1000:.2f} s"
    if value >= 100:
        return f"{value:.0f} ms"
    if value >= 10:
        return f"{value:.1f} ms"
    return f"{value:.2f} ms"


def verdict(ok: bool) -> str:
    return "pass" if ok else "**miss**"
