"""End to end: the real `companion add` and `companion search` as new processes.

Each run is a fresh Python process with the passphrase on standard input
(`--passphrase-stdin`), so it pays everything a user pays: interpreter start, imports, the
single-instance lock, Argon2id, opening the database, the command, closing.

Key derivation is reported both ways:
- "with KDF": vaults made with the default calibrated Argon2id (COMPANION_KDF_TARGET_SECONDS
  unset; the parameters bench_unlock.py found calibration picks here, else one calibration;
  the same parameters for both sizes so the sizes compare fairly);
- "without KDF": the same runs minus the median Argon2id derivation time for those exact
  parameters, measured separately in fresh processes (a new process pays the same page
  faults on the Argon2 memory as the command does);
- and, as a cross-check, the same commands on vaults made at the Argon2id floor
  (COMPANION_KDF_TARGET_SECONDS=0), raw and minus the floor's derivation time.

Target: the 36,500-entry time within 1.2× of the 3,650-entry one (cost must not grow with
the journal).

    python3 benchmarks/bench_cli.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import _bootstrap  # noqa: F401  (puts the project on sys.path)
import corpus
from common import (
    FULL_SIZES,
    PASSPHRASE,
    QUICK_SIZES,
    ROOT,
    WORK,
    Stats,
    build_vault,
    calibrated_params,
    fmt_ms,
    phase,
    save_result,
    table,
    verdict,
    without_kdf_override,
)

from storage.kdf import FLOOR, TARGET_ENV, Argon2Params

TARGET_GROWTH = 1.2
ADD_TEXT = "Evening check\nWalked by the river after work and felt calm. Slept well."

# `python -m companion.cli` runs exactly what the `companion` console script runs
# (`companion.cli:console_main`), from this work tree whether or not it is installed.
COMPANION = [sys.executable, "-m", "companion.cli"]

_DERIVE_SNIPPET = """
import json, secrets, sys, time
from storage.kdf import Argon2Params, derive_passphrase_key
params = Argon2Params(**json.loads(sys.argv[1]))
salt = secrets.token_bytes(16)
start = time.perf_counter()
derive_passphrase_key(sys.argv[2], salt, params)
print((time.perf_counter() - start) * 1000)
"""


def child_env() -> dict[str, str]:
    # Without PYTHONDONTWRITEBYTECODE (set on some machines, this one included): with it, a
    # child compiles every module of the work tree on every run, which no installed copy does.
    env = {k: v for k, v in os.environ.items()
           if k not in (TARGET_ENV, "PYTHONDONTWRITEBYTECODE")}
    home = WORK / "home"
    home.mkdir(parents=True, exist_ok=True)
    env.update({
        "PYTHONPATH": str(ROOT),
        "HOME": str(home),  # crash reports and the like stay under benchmarks/.work
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
        "LC_ALL": "C.UTF-8",
    })
    return env


def run_timed(argv: Sequence[str], stdin: str, env: dict[str, str],
              cwd: Path = ROOT) -> tuple[float, str]:
    """Wall-clock milliseconds of one process, and its output; fails loudly on a bad exit."""
    start = time.perf_counter()
    done = subprocess.run(list(argv), input=stdin, capture_output=True, text=True, env=env,
                          cwd=cwd, check=False, start_new_session=True)
    elapsed = (time.perf_counter() - start) * 1000
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:4])} … exited {done.returncode}: "
                           f"{done.stderr.strip()[-500:]}")
    return elapsed, done.stdout


def companion_add(home: Path) -> list[str]:
    return [*COMPANION, "--home", str(home), "add", ADD_TEXT, "--tag", "bench", "--mood", "4",
            "--passphrase-stdin"]


def companion_search(home: Path, word: str) -> list[str]:
    return [*COMPANION, "--home", str(home), "search", word, "--limit", "50",
            "--passphrase-stdin"]


def time_command(argv: Sequence[str], runs: int, env: dict[str, str],
                 stdin: str = PASSPHRASE + "\n") -> Stats:
    run_timed(argv, stdin, env)  # warm-up: page cache, .pyc files
    return Stats.of([run_timed(argv, stdin, env)[0] for _ in range(runs)])


def derive_in_fresh_process(params: Argon2Params, env: dict[str, str]) -> float:
    """Milliseconds of one Argon2id derivation, timed inside a new Python process."""
    argv = [sys.executable, "-c", _DERIVE_SNIPPET, json.dumps(asdict(params)), PASSPHRASE]
    done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    return float(done.stdout.strip())


def measure_mode(vaults: dict[int, tuple[Path, str]], params: Argon2Params, runs: int,
                 env: dict[str, str]) -> tuple[dict[str, Any], Stats]:
    """Both commands at every size and one bare derivation, interleaved run by run, so that
    load from other processes falls on all of them alike."""
    commands = {size: {"add": companion_add(home), "search": companion_search(home, word)}
                for size, (home, word) in vaults.items()}
    stdin = PASSPHRASE + "\n"
    for per_size in commands.values():  # warm-up: page cache, .pyc files
        for argv in per_size.values():
            run_timed(argv, stdin, env)
    derive_in_fresh_process(params, env)
    samples: dict[int, dict[str, list[float]]] = {
        size: {"add": [], "search": []} for size in commands}
    derive: list[float] = []
    for _ in range(runs):
        for size, per_size in commands.items():
            for name, argv in per_size.items():
                samples[size][name].append(run_timed(argv, stdin, env)[0])
        derive.append(derive_in_fresh_process(params, env))
    mode = {str(size): {"word": vaults[size][1],
                        **{name: Stats.of(values).as_dict() for name, values in per.items()},
                        "samples_ms": per}
            for size, per in samples.items()}
    return mode, Stats.of(derive)


IMPORT_WATCH = ("companion.cli", "companion.app", "storage.backup", "storage.vault",
                "storage.keyring_store", "keyring", "urllib.request", "companion.passphrase",
                "zxcvbn", "sqlcipher3", "cryptography", "platformdirs")


def import_profile(runs: int, env: dict[str, str]) -> dict[str, float]:
    """Milliseconds each watched module costs to import (with what it imports), from
    `python -X importtime`, median over runs: the part of every command that is not the
    command."""
    samples: dict[str, list[float]] = {name: [] for name in IMPORT_WATCH}
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-X", "importtime", "-c",
                               "import companion.cli"], capture_output=True, text=True,
                              env=env, cwd=ROOT, check=True)
        for line in done.stderr.splitlines():
            if not line.startswith("import time:") or "|" not in line:
                continue
            _self, cumulative, name = (part.strip() for part in
                                       line.removeprefix("import time:").split("|"))
            if name in samples and cumulative.isdigit():
                samples[name].append(int(cumulative) / 1000)
    return {name: statistics.median(values) for name, values in samples.items() if values}


def search_word(entries: Sequence[corpus.CorpusEntry]) -> str:
    """A rare word, the same one bench_jrnl.py asks jrnl for."""
    return corpus.pick_queries(entries).rare[0]


def prepare_vaults(sizes: Sequence[int], params: Argon2Params, label: str
                   ) -> dict[int, tuple[Path, str]]:
    vaults: dict[int, tuple[Path, str]] = {}
    for size in sizes:
        entries = corpus.generate(size)
        home = WORK / "cli" / f"{label}-{size}"
        print(f"[cli] building a {label} vault of {size:,} entries …", flush=True)
        build_vault(home, entries, params)
        vaults[size] = (home, search_word(entries))
    return vaults


def run(quick: bool) -> dict[str, Any]:
    without_kdf_override()
    sizes = QUICK_SIZES if quick else FULL_SIZES
    runs = 3 if quick else 15
    env = child_env()
    calibrated, source = calibrated_params(quick, "cli")
    print(f"[cli] calibrated Argon2id: {calibrated} (from {source})", flush=True)
    result: dict[str, Any] = {"quick": quick, "sizes": list(sizes), "runs": runs,
                              "command": " ".join(Path(a).name if i == 0 else a
                                                  for i, a in enumerate(COMPANION)),
                              "params": {"calibrated": asdict(calibrated),
                                         "floor": asdict(FLOOR)}, "params_from": source,
                              "derive": {}, "startup": {}, "modes": {}}
    with phase("cli: companion --version"):
        startup = time_command([*COMPANION, "--version"], runs, env, stdin="")
    result["startup"] = startup.as_dict()
    result["imports_ms"] = import_profile(runs, env)
    for label, params in (("calibrated", calibrated), ("floor", FLOOR)):
        vaults = prepare_vaults(sizes, params, label)
        print(f"[cli] {label}: add, search (both sizes) and a bare derivation, ×{runs} …",
              flush=True)
        with phase(f"cli: add, search, derivation, {label}"):
            mode, derive = measure_mode(vaults, params, runs, env)
        result["modes"][label] = mode
        result["derive"][label] = derive.as_dict()
    return result


def summary(result: dict[str, Any]) -> dict[str, dict[str, dict[str, float]]]:
    """Per command: median with and without KDF at each size, and the growth ratios.

    The growth is the median of the per-run ratios: run i of the large journal ran right
    after run i of the small one, so a ratio of the pair cancels load that drifts over the
    minutes of the measurement (medians of the two series are reported as well)."""
    small, large = (str(s) for s in result["sizes"])
    out: dict[str, dict[str, dict[str, float]]] = {}
    for label, mode in result["modes"].items():
        kdf = result["derive"][label]["median"]
        out[label] = {}
        for command in ("add", "search"):
            a, b = mode[small][command]["median"], mode[large][command]["median"]
            pairs = list(zip(mode[small]["samples_ms"][command],
                             mode[large]["samples_ms"][command], strict=True))
            out[label][command] = {
                "small": a, "large": b, "small_no_kdf": a - kdf, "large_no_kdf": b - kdf,
                "growth": statistics.median(y / x for x, y in pairs),
                "growth_no_kdf": statistics.median((y - kdf) / (x - kdf) for x, y in pairs),
                "growth_of_medians": b / a, "growth_of_medians_no_kdf": (b - kdf) / (a - kdf),
            }
    return out


def report(result: dict[str, Any]) -> str:
    small, large = result["sizes"]
    s = summary(result)
    cal = Argon2Params(**result["params"]["calibrated"])
    lines = [f"Command: `{result['command']} …` (= the `companion` entry point), median of "
             f"{result['runs']} runs after one warm-up; calibrated Argon2id "
             f"{cal.memory_kib // 1024} MiB × {cal.iterations} passes × {cal.lanes} lanes "
             f"takes {fmt_ms(result['derive']['calibrated']['median'])} in a fresh process "
             f"(floor: {fmt_ms(result['derive']['floor']['median'])}); "
             f"`companion --version` alone (interpreter + imports): "
             f"{fmt_ms(result['startup']['median'])}.", ""]
    rows = []
    for label in ("calibrated", "floor"):
        for command in ("add", "search"):
            m = s[label][command]
            p95_small = result["modes"][label][str(small)][command]["p95"]
            p95_large = result["modes"][label][str(large)][command]["p95"]
            rows.append((f"`companion {command}`", label,
                         f"{fmt_ms(m['small'])} (p95 {fmt_ms(p95_small)})",
                         f"{fmt_ms(m['large'])} (p95 {fmt_ms(p95_large)})",
                         fmt_ms(m["small_no_kdf"]), fmt_ms(m["large_no_kdf"]),
                         f"{m['growth']:.2f}", f"{m['growth_no_kdf']:.2f}",
                         verdict(m["growth_no_kdf"] <= TARGET_GROWTH
                                 and m["growth"] <= TARGET_GROWTH)))
    lines.append(table(("command", "Argon2id", f"{small:,} entries", f"{large:,} entries",
                        f"{small:,} without KDF", f"{large:,} without KDF",
                        f"ratio {large:,}/{small:,} (paired runs)", "ratio without KDF",
                        f"result (≤ {TARGET_GROWTH})"), rows))
    return "\n".join(lines)


def import_report(result: dict[str, Any]) -> str:
    imports = result.get("imports_ms", {})
    return table(("module (with everything it imports)", "import time (median)"),
                 [(f"`{name}`", fmt_ms(ms)) for name, ms in imports.items()])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, 3 runs")
    args = parser.parse_args()
    result = run(args.quick)
    result["summary"] = summary(result)
    path = save_result("cli", result)
    print()
    print(report(result))
    print()
    print("Where the fixed start-up cost goes (python -X importtime):")
    print(import_report(result))
    print(f"\n(raw figures: {path})")


if __name__ == "__main__":
    main()
