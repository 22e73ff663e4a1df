"""Start-up, side by side with a bare interpreter in the same run.

Four fresh processes, interleaved run by run so that load from other processes falls on all
of them alike:
- `python -c pass`: the interpreter alone (with this machine's site-packages hooks);
- `companion --version`;
- `companion list` in an unlock session (`companion unlock --for 0` first), on a vault of
  3,650 entries with the calibrated Argon2id (which the session skips);
- the desktop app on Qt's offscreen platform, from process start to the unlock screen drawn
  (the app's own smoke-test hook prints a line once the event loop has shown the window).

Everything runs in a virtual environment of its own with Companion installed as the README
installs it (`pip install .`, byte-compiled, refreshed from this work tree each run): a
development checkout's editable install loads pathlib, re and more into *every* interpreter
(its import hook), which would hide part of Companion's own cost in the "bare" figure. The
children get no PYTHONPATH and no PYTHONDONTWRITEBYTECODE (a setting of this machine that
would make them compile every module on every run, as no installed copy does). The command
runs what the `companion` console script runs (`companion.cli:console_main`), so `python
-m`'s own runpy cost is not counted against Companion.

Targets: `--version` and `list` in a session at most 100 ms above the bare interpreter; the
desktop app to a drawn unlock screen ≤ 500 ms.

    python3 benchmarks/bench_startup.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _bootstrap  # noqa: F401  (puts the project on sys.path)
import corpus
from bench_cli import child_env, run_timed
from common import (
    PASSPHRASE,
    ROOT,
    WORK,
    Stats,
    build_vault,
    calibrated_params,
    fmt_ms,
    phase,
    save_and_show,
    table,
    verdict,
    without_kdf_override,
)

TITLE = "Start-up"
TARGET_ABOVE_BARE_MS = 100.0
TARGET_GUI_MS = 500.0
ENTRIES = 3_650
CONSOLE_SCRIPT = "import sys; from companion.cli import console_main; sys.exit(console_main())"
INSTALLED = WORK / "installed-venv"


def installed_python() -> str:
    """The interpreter of a virtual environment holding this work tree, installed (not
    editable): made on the first run (with the dependencies), refreshed on later ones."""
    python = INSTALLED / "bin" / "python"
    fresh = not python.exists()
    if fresh:
        subprocess.run([sys.executable, "-m", "venv", str(INSTALLED)], check=True)
    source = Path(tempfile.mkdtemp(prefix="companion-src-"))
    try:  # from a copy: setuptools leaves a build/ folder in the tree it builds
        shutil.copytree(ROOT, source / "companion", ignore=shutil.ignore_patterns(
            ".git", ".venv", "benchmarks", "build", "dist", "__pycache__", "*.egg-info",
            ".mypy_cache", ".ruff_cache", ".pytest_cache", ".hypothesis", "tests"))
        extra = [] if fresh else ["--no-deps", "--force-reinstall"]
        subprocess.run([str(python), "-m", "pip", "install", "-q", *extra,
                        str(source / "companion")], check=True)
    finally:
        shutil.rmtree(source, ignore_errors=True)
    return str(python)


def time_gui(companion: list[str], env: dict[str, str]) -> float:
    """Milliseconds from starting the app until it reports its unlock screen shown."""
    start = time.perf_counter()
    process = subprocess.Popen(companion, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=env, start_new_session=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    elapsed = (time.perf_counter() - start) * 1000
    process.communicate(timeout=60)
    if "screen UnlockScreen" not in line:
        raise RuntimeError(f"the app did not reach its unlock screen: {line!r}")
    return elapsed


def run(quick: bool) -> dict[str, Any]:
    without_kdf_override()
    runs = 5 if quick else 25
    params, source = calibrated_params(quick, "startup")
    home = WORK / "startup" / f"vault-{ENTRIES}"
    print(f"[startup] building a vault of {ENTRIES:,} entries …", flush=True)
    build_vault(home, corpus.generate(ENTRIES), params)
    print("[startup] installing this work tree into a virtual environment …", flush=True)
    python = installed_python()
    companion = [python, "-c", CONSOLE_SCRIPT]
    runtime = Path(tempfile.mkdtemp(prefix="companion-bench-", dir="/tmp"))
    env = {**child_env(), "COMPANION_HOME": str(home), "XDG_RUNTIME_DIR": str(runtime)}
    for name in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    gui_env = {**env, "QT_QPA_PLATFORM": "offscreen", "COMPANION_EXIT_AFTER_START": "1"}
    run_timed([*companion, "unlock", "--for", "0", "--passphrase-stdin"], PASSPHRASE + "\n",
              env)
    commands = {
        "bare": lambda: run_timed([python, "-c", "pass"], "", env)[0],
        "version": lambda: run_timed([*companion, "--version"], "", env)[0],
        "list": lambda: run_timed([*companion, "list", "--limit", "20"], "", env)[0],
    }
    samples: dict[str, list[float]] = {name: [] for name in (*commands, "gui")}
    try:
        for measure in commands.values():  # warm-up: page cache, .pyc files
            measure()
        run_timed([*companion, "lock"], "", env)
        # The app must not find the vault held by the session's commands.
        time_gui(companion, gui_env)
        run_timed([*companion, "unlock", "--for", "0", "--passphrase-stdin"],
                  PASSPHRASE + "\n", env)
        with phase("startup: bare, --version, list in a session, the app"):
            for _ in range(runs):
                for name, measure in commands.items():
                    samples[name].append(measure())
                samples["gui"].append(time_gui(companion, gui_env))
    finally:
        subprocess.run([*companion, "lock"], env=env, capture_output=True, check=False)
        shutil.rmtree(runtime, ignore_errors=True)
    stats = {name: Stats.of(values).as_dict() for name, values in samples.items()}
    pairs = {name: sorted(b - a for a, b in zip(samples["bare"], samples[name], strict=True))
             for name in ("version", "list", "gui")}
    above = {name: values[len(values) // 2] for name, values in pairs.items()}
    return {"quick": quick, "runs": runs, "installed": True, "entries": ENTRIES,
            "params_from": source, "stats": stats, "above_bare_ms": above,
            "python": sys.version.split()[0], "samples_ms": samples}


def summary_rows(result: dict[str, Any]) -> list[tuple[str, ...]]:
    above, stats = result["above_bare_ms"], result["stats"]
    bare = fmt_ms(stats["bare"]["median"])
    labels = {"version": "`companion --version`",
              "list": f"`companion list` in an unlock session, {result['entries']:,} entries"}
    rows = [(f"{label}, above a bare `python -c pass` ({bare}) in the same run",
             f"≤ {TARGET_ABOVE_BARE_MS:.0f} ms", f"+{fmt_ms(above[name])} "
             f"({fmt_ms(stats[name]['median'])} in all)",
             verdict(above[name] <= TARGET_ABOVE_BARE_MS))
            for name, label in labels.items()]
    rows.append(("Desktop app: launch to a drawn unlock screen", f"≤ {TARGET_GUI_MS:.0f} ms",
                 f"{fmt_ms(stats['gui']['median'])} (p95 {fmt_ms(stats['gui']['p95'])})",
                 verdict(stats["gui"]["median"] <= TARGET_GUI_MS)))
    return rows


def section(result: dict[str, Any]) -> list[str]:
    stats, above = result["stats"], result["above_bare_ms"]
    names = {"bare": "`python -c pass` (the interpreter alone)",
             "version": "`companion --version`",
             "list": f"`companion list --limit 20`, unlock session, {result['entries']:,} "
                     "entries",
             "gui": "desktop app, launch to unlock screen shown (offscreen)"}
    rows = [(names[name], fmt_ms(s["median"]), fmt_ms(s["p95"]),
             "—" if name == "bare" else f"+{fmt_ms(above[name])}")
            for name, s in stats.items()]
    return [f"Fresh processes, interleaved run by run, {result['runs']} runs each after a "
            f"warm-up (Python {result['python']}), with Companion installed in a virtual "
            "environment of its own as the README installs it (not editable). The command runs "
            "what the `companion` console script runs; \"above bare\" is the median of the "
            "per-run differences from the bare interpreter started just before it.", "",
            table(("process", "median", "p95", "above bare"), rows)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 runs")
    args = parser.parse_args()
    result = run(args.quick)
    save_and_show("startup", result, "\n".join(section(result)))


if __name__ == "__main__":
    os.environ.pop("QT_QPA_PLATFORM", None)
    main()
