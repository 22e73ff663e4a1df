"""Hostile inputs, each against its bound: how long the real command takes to refuse it, and
how much memory it holds at its peak (the child's maximum resident set).

- a Day One zip listing one deflated member 400 times (before: past 120 s);
- a jrnl v3 file whose header is 60,000 `[` (before: a crash);
- a Daylio CSV of 120 MiB whose one note is 120 MiB (before: ~3 GiB of memory, at 500 MiB);
- an ActivityWatch server that answers without end (before: ~3 GiB at 800 MB);
- a key file asking for 1 GiB and 64 passes of Argon2id (before: a minute per unlock).

Each runs `companion` in a fresh process against a vault at the Argon2id floor, five times
(one with --quick), and must end with exit 1 and one line on standard error.

    python3 benchmarks/bench_hostile.py [--quick]
"""

from __future__ import annotations

import argparse
import http.server
import io
import json
import os
import re
import resource
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import _bootstrap  # noqa: F401  (puts the project on sys.path)
from bench_cli import child_env
from common import (
    PASSPHRASE,
    ROOT,
    WORK,
    Stats,
    build_vault,
    fmt_ms,
    save_and_show,
    table,
    verdict,
)

TITLE = "Hostile inputs"
LIMITS = {  # seconds, MiB of peak memory
    "dayone_zip": (5.0, 300.0),
    "jrnl_header": (5.0, 300.0),
    "daylio_field": (10.0, 512.0),
    "aw_flood": (30.0, 600.0),
    "kdf_key_file": (5.0, 300.0),
}
LABELS = {
    "dayone_zip": "Day One zip listing one deflated member 400 times",
    "jrnl_header": "jrnl v3 file with a header of 60,000 `[`",
    "daylio_field": "Daylio CSV of 120 MiB, one note of 120 MiB",
    "aw_flood": "ActivityWatch server answering without end",
    "kdf_key_file": "key file asking for 1 GiB × 64 passes of Argon2id",
}
COMPANION = [sys.executable, "-m", "companion.cli", "--passphrase-stdin"]


def dayone_zip(folder: Path) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Journal.json", b'{"entries": [' + b'{"text": "x"},' * 50_000
                         + b'{"text": "x"}]}')
    data = buffer.getvalue()
    end = data.rindex(b"PK\x05\x06")
    directory_at = struct.unpack("<I", data[end + 16:end + 20])[0]
    directory = data[directory_at:end] * 400
    eocd = bytearray(data[end:end + 22])
    eocd[8:10] = eocd[10:12] = struct.pack("<H", 400)
    eocd[12:16] = struct.pack("<I", len(directory))
    path = folder / "dayone.zip"
    path.write_bytes(data[:directory_at] + directory + bytes(eocd))
    return path


def jrnl_header(folder: Path) -> Path:
    from companion.imports.jrnl import V3_MAGIC

    header = b"[" * 60_000
    path = folder / "journal.txt"
    path.write_bytes(V3_MAGIC + struct.pack(">H", len(header)) + header + b"x" * 64)
    return path


def jrnl_password(folder: Path) -> Path:
    path = folder / "jrnl-password.txt"
    path.write_text("the jrnl password\n", "utf-8")
    return path


def daylio_field(folder: Path) -> Path:
    path = folder / "daylio.csv"
    with path.open("wb") as out:
        out.write(b"full_date,date,weekday,time,mood,activities,note_title,note\n"
                  b'2024-01-01,January 1,Monday,10:00,good,,,"')
        block = b"words and more words " * 50_000
        for _ in range(120 * 2**20 // len(block)):
            out.write(block)
        out.write(b'"\n')
    return path


class _Flood(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        piece = b"[" + b'{"a": 1},' * 100_000
        try:
            while True:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        except OSError:
            return

    def log_message(self, *_args: object) -> None:
        pass


@contextmanager
def flooding_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Flood)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def costly_key_file(home: Path) -> None:
    from storage.kdf import MAX_ITERATIONS, MAX_MEMORY_KIB, Argon2Params
    from storage.keyfile import PASSPHRASE_SLOT, KeyFile, KeySlot

    path = home / "vault.key"
    key_file = KeyFile.from_bytes(path.read_bytes())
    slot = key_file.slots[PASSPHRASE_SLOT]
    key_file.slots[PASSPHRASE_SLOT] = KeySlot(slot.kdf, slot.salt, slot.nonce, slot.wrapped,
                                              Argon2Params(MAX_MEMORY_KIB, MAX_ITERATIONS))
    path.write_bytes(key_file.to_bytes())


def measured(argv: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Seconds, peak MiB of the child, and its standard error (it must refuse, in one line)."""
    started = time.perf_counter()
    done = subprocess.run(argv, input=PASSPHRASE + "\n", capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=600, check=False)
    seconds = time.perf_counter() - started
    # ru_maxrss of the children is the largest any of them reached: each case runs in a fresh
    # benchmark process (see run), so it is this child's.
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if done.returncode != 1 or done.stderr.count("\n") != 1:
        raise RuntimeError(f"{argv[-3:]} did not refuse in one line: {done.returncode} "
                           f"{done.stderr[-300:]!r}")
    return seconds, peak / 1024, done.stderr.strip()


def one_case(name: str, runs: int) -> dict[str, Any]:
    WORK.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"hostile-{name}-", dir=WORK))
    home = work / "vault"
    env = {**child_env(), "COMPANION_HOME": str(home), "COMPANION_KDF_TARGET_SECONDS": "0"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    # Made here, not in a child: the children's peak memory must be the measured runs' alone.
    from companion.app import QUICK_KEY_DERIVATION

    build_vault(home, [], QUICK_KEY_DERIVATION)
    cases: dict[str, Callable[[], list[str]]] = {
        "dayone_zip": lambda: [*COMPANION, "import", "dayone", str(dayone_zip(work))],
        "jrnl_header": lambda: [*COMPANION, "import", "jrnl", str(jrnl_header(work)),
                                "--jrnl-password-file", str(jrnl_password(work))],
        "daylio_field": lambda: [*COMPANION, "import", "daylio", str(daylio_field(work))],
        "kdf_key_file": lambda: (costly_key_file(home), [*COMPANION, "list"])[1],
    }
    samples: list[float] = []
    peaks: list[float] = []
    said = ""
    try:
        with flooding_server() as url:
            cases["aw_flood"] = lambda: [*COMPANION, "screentime", "import-activitywatch",
                                         "--url", url]
            argv = cases[name]()
            for _ in range(runs):
                seconds, peak, said = measured(argv, env)
                samples.append(seconds)
                peaks.append(peak)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {"seconds": Stats.of([s * 1000 for s in samples]).as_dict(), "peak_mib": max(peaks),
            "said": said}


def run(quick: bool) -> dict[str, Any]:
    runs = 1 if quick else 5
    results = {}
    for name in LIMITS:
        # A process of its own per case, so that the children's peak memory is this case's.
        done = subprocess.run([sys.executable, __file__, "--case", name, "--runs", str(runs)],
                              capture_output=True, text=True, cwd=ROOT, check=True)
        results[name] = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"[hostile] {name}: {fmt_ms(results[name]['seconds']['median'])}, "
              f"{results[name]['peak_mib']:.0f} MiB", flush=True)
    return {"quick": quick, "runs": runs, "cases": results}


def summary_rows(result: dict[str, Any]) -> list[tuple[str, ...]]:
    rows = []
    for name, case in result["cases"].items():
        seconds, mib = LIMITS[name]
        took = case["seconds"]["maximum"] / 1000
        rows.append((f"Hostile input refused: {LABELS[name]}",
                     f"≤ {seconds:.0f} s, ≤ {mib:.0f} MiB",
                     f"{took:.2f} s, {case['peak_mib']:.0f} MiB",
                     verdict(took <= seconds and case["peak_mib"] <= mib)))
    return rows


def section(result: dict[str, Any]) -> list[str]:
    rows = [(LABELS[name], fmt_ms(case["seconds"]["median"]), fmt_ms(case["seconds"]["maximum"]),
             f"{case['peak_mib']:.0f} MiB", _shown(case["said"]))
            for name, case in result["cases"].items()]
    return [f"Each case runs the real command in a fresh process against a vault at the Argon2id "
            f"floor, {result['runs']} times; every one ends with exit 1 and one line. Peak "
            "memory is the child's largest resident set; unlocking alone reaches about 110 "
            "MiB (Argon2id at its floor holds 64 MiB).", "",
            table(("input", "median", "slowest", "peak memory", "what it said"), rows)]


def _shown(said: str) -> str:
    """The line as the person saw it, the benchmark's own folders left out."""
    return re.sub(r"/\S*/", "", said.removeprefix("companion: "))[:160]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run of each")
    parser.add_argument("--case", choices=list(LIMITS), help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(one_case(args.case, args.runs)))
        return
    result = run(args.quick)
    save_and_show("hostile", result, "\n".join(section(result)))


if __name__ == "__main__":
    os.environ.pop("QT_QPA_PLATFORM", None)
    main()
