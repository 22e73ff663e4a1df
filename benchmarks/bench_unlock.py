"""Unlock: the Argon2id parameters calibration picks here, and how long an unlock takes.

An unlock is: read the key file, derive the key-encryption key with Argon2id, unwrap the data
key, open the SQLCipher database with it and check the schema. It is measured on a fresh
`CompanionApp` each time (as a new process would), on an empty vault and on a full one, with
the calibrated parameters (the default, `COMPANION_KDF_TARGET_SECONDS` unset) and at the floor.

    python3 benchmarks/bench_unlock.py [--quick]
"""

from __future__ import annotations

import argparse
import secrets
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any

import _bootstrap  # noqa: F401  (puts the project on sys.path)
import corpus
from common import (
    PASSPHRASE,
    WORK,
    BuiltVault,
    Stats,
    build_vault,
    fmt_ms,
    phase,
    save_and_show,
    table,
    time_ms,
    without_kdf_override,
)

from companion.app import CompanionApp
from storage.kdf import (
    DEFAULT_TARGET_SECONDS,
    FLOOR,
    Argon2Params,
    calibrate,
    derive_passphrase_key,
)

CALIBRATIONS = 5


def describe(params: Argon2Params) -> str:
    return (f"{params.memory_kib // 1024} MiB, {params.iterations} passes, "
            f"{params.lanes} lanes")


def unlock_ms(home: Path, recovery_code: str | None = None) -> float:
    """One unlock on a fresh app; with `recovery_code`, the same path without Argon2id (the
    code is unwrapped with HKDF), which isolates everything but the key derivation."""
    app = CompanionApp(home)
    app.open()
    try:
        if recovery_code is not None:
            return time_ms(lambda: app.unlock_with_recovery_code(recovery_code))
        return time_ms(lambda: app.unlock(PASSPHRASE))
    finally:
        app.close()


def derive_ms(params: Argon2Params) -> float:
    salt = secrets.token_bytes(16)
    return time_ms(lambda: derive_passphrase_key(PASSPHRASE, salt, params))


def measure(home: Path, vault: BuiltVault, runs: int) -> dict[str, Any]:
    unlock_ms(home)  # warm the page cache, as a second unlock would find it
    unlock, derive, rest = [], [], []
    for _ in range(runs):  # interleaved, so drift on the machine hits all three alike
        unlock.append(unlock_ms(home))
        derive.append(derive_ms(vault.params))
        rest.append(unlock_ms(home, vault.recovery_code))
    return {"params": asdict(vault.params), "unlock": Stats.of(unlock).as_dict(),
            "derive": Stats.of(derive).as_dict(), "rest": Stats.of(rest).as_dict()}


def run(quick: bool) -> dict[str, Any]:
    without_kdf_override()
    runs = 3 if quick else 9
    full_size = 3_650 if quick else 36_500
    chosen = []
    for number in range(1 if quick else CALIBRATIONS):
        with phase(f"unlock: calibration {number + 1}"):  # it times the machine: be quiet
            chosen.append(calibrate())
    # Calibration times one derivation, so it varies with the load: take the median choice.
    params = sorted(chosen, key=lambda p: (p.memory_kib, p.iterations))[len(chosen) // 2]
    base = WORK / "unlock"
    print(f"[unlock] calibrated to {describe(params)}; building vaults …", flush=True)
    entries = corpus.generate(full_size)
    cases: dict[str, Any] = {}
    for label, vault_params, size in (("calibrated", params, 0),
                                      ("calibrated", params, full_size),
                                      ("floor", FLOOR, 0)):
        home = base / f"{label}-{size}"
        vault = build_vault(home, entries[:size], vault_params)
        print(f"[unlock] {label}, {size:,} entries: {runs} unlocks …", flush=True)
        with phase(f"unlock: {label}, {size:,}"):
            cases[f"{label}-{size}"] = {"label": label, "size": size,
                                        **measure(home, vault, runs)}
    return {"quick": quick, "runs": runs, "target_seconds": DEFAULT_TARGET_SECONDS,
            "calibrations": [asdict(p) for p in chosen], "calibrated": asdict(params),
            "floor": asdict(FLOOR), "cases": cases}


def report(result: dict[str, Any]) -> str:
    chosen = [Argon2Params(**p) for p in result["calibrations"]]
    lines = [f"Calibration (target {result['target_seconds']} s; "
             f"{len(chosen)} calibration run(s)): "
             + "; ".join(f"{describe(p)} ×{n}" for p, n in Counter(chosen).items()), ""]
    rows = [(c["label"], describe(Argon2Params(**c["params"])), f"{c['size']:,}",
             fmt_ms(c["unlock"]["median"]), fmt_ms(c["unlock"]["p95"]),
             fmt_ms(c["derive"]["median"]), fmt_ms(c["rest"]["median"]), c["unlock"]["n"])
            for c in result["cases"].values()]
    lines.append(table(("Argon2id", "parameters", "entries", "unlock median", "unlock p95",
                        "Argon2id alone", "unlock without Argon2id (recovery-code path)",
                        "runs"), rows))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, smaller vault")
    args = parser.parse_args()
    result = run(args.quick)
    save_and_show("unlock", result, report(result))


if __name__ == "__main__":
    main()
