"""Side by side with jrnl 4.6 on the same content, both encrypted.

jrnl lives in its own virtualenv (benchmarks/.work/jrnl-venv), made here if missing, so it
never touches the project's dependencies. The same corpus is written as a plain jrnl journal
(`[date] title`, body, tags as `@tag`), with a config in a private XDG folder under
benchmarks/.work/jrnl, then encrypted by jrnl itself (`jrnl --encrypt`, password typed on
standard input). jrnl reads the password through getpass; the commands run without a
controlling terminal, so getpass reads it from standard input, and the keyring is the null
backend, so jrnl never finds a stored password.

Timed: `jrnl TEXT` (add one entry: decrypt, parse everything, re-encrypt, rewrite the file)
and `jrnl -contains WORD` (decrypt, parse, filter), against `companion add` and
`companion search WORD` on a vault of the same entries, with its default calibrated Argon2id.
Both ways each tool offers: the password typed (on standard input), and remembered in the
keyring (jrnl's "store the password in your keychain", Companion's `companion remember`),
with a file-backed stand-in keyring (benchmarks/keyring_backend) given to both.
Target: Companion at least 10× faster.

    python3 benchmarks/bench_jrnl.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import _bootstrap  # noqa: F401  (puts the project on sys.path)
import corpus
from bench_cli import (
    COMPANION,
    child_env,
    companion_add,
    companion_search,
    run_timed,
    search_word,
    time_command,
)
from common import (
    FULL_SIZES,
    PASSPHRASE,
    QUICK_SIZES,
    WORK,
    Stats,
    build_vault,
    calibrated_params,
    fmt_ms,
    fresh_dir,
    phase,
    repeat_ms,
    save_and_show,
    table,
    verdict,
    without_kdf_override,
)

from storage.kdf import Argon2Params

JRNL_VERSION = "4.6"
VENV = WORK / "jrnl-venv"
JRNL = VENV / "bin" / "jrnl"
TARGET_SPEEDUP = 10.0
JRNL_PASSWORD = PASSPHRASE
JRNL_ADD_TEXT = ("Evening check. Walked by the river after work and felt calm. "
                 "Slept well. @bench")
CONFIG = """\
colors:
  body: none
  date: none
  tags: none
  title: none
default_hour: 9
default_minute: 0
editor: ''
encrypt: false
highlight: false
indent_character: '|'
journals:
  default:
    journal: {journal}
linewrap: 79
tagsymbols: '#@'
template: false
timeformat: '%F %r'
version: v{version}
"""


def ensure_jrnl() -> str:
    """The jrnl in its own venv, installed on first use; its `--version` line."""
    if not JRNL.exists():
        print(f"[jrnl] installing jrnl=={JRNL_VERSION} into {VENV} …", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q",
                        f"jrnl=={JRNL_VERSION}"], check=True)
    done = subprocess.run([str(JRNL), "--version"], capture_output=True, text=True,
                          check=True)
    version = done.stdout.strip().splitlines()[0]
    if JRNL_VERSION not in version:
        raise RuntimeError(f"expected jrnl {JRNL_VERSION}, found {version!r}")
    return version


def jrnl_text(entries: Sequence[corpus.CorpusEntry]) -> str:
    """The journal in jrnl's own file format (what `Entry.__str__` writes)."""
    parts = []
    for entry in entries:
        title = f"[{entry.at:%Y-%m-%d %I:%M:%S %p}] {entry.title}"
        if entry.starred:
            title += " *"
        body = entry.body
        if entry.tags:
            body += "\n\n" + " ".join(f"@{tag}" for tag in entry.tags)
        parts.append(f"{title}\n{body}\n")
    return "\n".join(parts)


def jrnl_env(folder: Path) -> dict[str, str]:
    env = child_env()
    env.update({
        "XDG_CONFIG_HOME": str(folder / "xdg-config"),
        "XDG_DATA_HOME": str(folder / "xdg-data"),
        "XDG_CACHE_HOME": str(folder / "xdg-cache"),
        "HOME": str(folder / "home"),
        "EDITOR": "", "VISUAL": "",
        "NO_COLOR": "1",
    })
    env.pop("PYTHONPATH", None)
    return env


def build_jrnl(folder: Path, entries: Sequence[corpus.CorpusEntry]) -> tuple[Path, Path]:
    """A jrnl journal of `entries`, encrypted by jrnl; returns (config file, journal file)."""
    fresh_dir(folder)
    for sub in ("xdg-config", "xdg-data", "xdg-cache", "home"):
        (folder / sub).mkdir()
    journal = folder / "journal.txt"
    journal.write_text(jrnl_text(entries), encoding="utf-8")
    config = folder / "jrnl.yaml"
    config.write_text(CONFIG.format(journal=journal, version=JRNL_VERSION), encoding="utf-8")
    # Password, confirmation, and "n" to "store the password in your keychain?".
    run_timed([str(JRNL), "--config-file", str(config), "--encrypt"],
              f"{JRNL_PASSWORD}\n{JRNL_PASSWORD}\nn\n", jrnl_env(folder), cwd=folder)
    head = journal.read_bytes()[:6]
    if head != b"JRNLv3" or "encrypt: true" not in config.read_text():
        raise RuntimeError(f"jrnl did not encrypt {journal} (starts with {head!r})")
    return config, journal


def check_jrnl(config: Path, folder: Path, word: str, expected: int) -> int:
    """jrnl decrypts and finds the word: count its matching entries (cross-check)."""
    _ms, out = run_timed([str(JRNL), "--config-file", str(config), "-contains", word,
                          "--format", "short"], f"{JRNL_PASSWORD}\n", jrnl_env(folder),
                         cwd=folder)
    found = sum(1 for line in out.splitlines() if line.startswith(("19", "20")))
    if found < expected:
        raise RuntimeError(f"jrnl found {found} entries with {word!r}, expected ≥ {expected}")
    return found


KEYRING_DIR = _bootstrap.BENCH_DIR / "keyring_backend"
MODES = {
    "typed": "password typed (stdin)",
    "keyring": "remembered in the keyring",
    "session": "Companion: unlock session; jrnl: keyring (its fastest)",
}


def with_keyring(env: dict[str, str], keyring_file: Path) -> dict[str, str]:
    """`env` with the benchmarks' file keyring as the keyring backend."""
    env = dict(env)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (env.get("PYTHONPATH"), str(KEYRING_DIR))
                                        if p)
    env["PYTHON_KEYRING_BACKEND"] = "bench_file_keyring.FileKeyring"
    env["BENCH_KEYRING_FILE"] = str(keyring_file)
    return env


def measure_size(size: int, runs: dict[str, int], params: Argon2Params) -> dict[str, Any]:
    entries = corpus.generate(size)
    word = search_word(entries)
    expected = corpus.document_frequency(entries)[word]
    folder = WORK / "jrnl" / str(size)
    print(f"[jrnl] {size:,} entries: writing and encrypting the jrnl journal …", flush=True)
    config, journal = build_jrnl(folder, entries)
    found = check_jrnl(config, folder, word, expected)
    home = WORK / "jrnl" / f"companion-{size}"
    print(f"[jrnl] {size:,} entries: the same entries in a Companion vault …", flush=True)
    build_vault(home, entries, params)

    # Keyring mode: jrnl finds its password under ("jrnl", "default"), as after answering
    # yes to "store the password in your keychain"; Companion after `companion remember`.
    keyring_file = WORK / "jrnl" / f"keyring-{size}.json"
    keyring_file.write_text(json.dumps({"jrnl/default": JRNL_PASSWORD}))
    # Session mode: `companion unlock` once (its agent's socket in a short private folder),
    # then commands with no passphrase; jrnl has no session, so it runs as in keyring mode.
    runtime = Path(tempfile.mkdtemp(prefix="companion-bench-", dir="/tmp"))
    session_env = {**child_env(), "XDG_RUNTIME_DIR": str(runtime)}
    companion_env = {"typed": child_env(), "keyring": with_keyring(child_env(), keyring_file),
                     "session": session_env}
    jrnl_envs = {"typed": jrnl_env(folder), "keyring": with_keyring(jrnl_env(folder),
                                                                   keyring_file)}
    jrnl_envs["session"] = jrnl_envs["keyring"]
    run_timed([*COMPANION, "--home", str(home), "remember", "--passphrase-stdin"],
              PASSPHRASE + "\n", companion_env["keyring"])
    run_timed([*COMPANION, "--home", str(home), "unlock", "--for", "0", "--passphrase-stdin"],
              PASSPHRASE + "\n", session_env)
    stdin = {"typed": (f"{JRNL_PASSWORD}\n", PASSPHRASE + "\n"), "keyring": ("", ""),
             "session": ("", "")}

    out: dict[str, Any] = {"word": word, "entries_with_word": expected, "jrnl_found": found,
                           "journal_bytes": journal.stat().st_size, "modes": {}}
    for mode in MODES:
        jrnl_in, companion_in = stdin[mode]
        jrnl_add = [str(JRNL), "--config-file", str(config), JRNL_ADD_TEXT]
        jrnl_search = [str(JRNL), "--config-file", str(config), "-contains", word]
        comp_add, comp_search = companion_add(home), companion_search(home, word)
        if mode != "typed":  # no --passphrase-stdin: the CLI tries a session, then the keyring
            comp_add, comp_search = comp_add[:-1], comp_search[:-1]
        if mode == "session":  # jrnl has no session: its keyring-mode runs stand for it
            j_add = Stats(**out["modes"]["keyring"]["jrnl_add"])
            j_search = Stats(**out["modes"]["keyring"]["jrnl_search"])
        else:
            print(f"[jrnl] {size:,} entries, {MODES[mode]}: jrnl add ×{runs['jrnl']} …",
                  flush=True)
            with phase(f"jrnl: jrnl add, {mode}, {size:,}"):
                j_add = Stats.of([run_timed(jrnl_add, jrnl_in, jrnl_envs[mode], folder)[0]
                                  for _ in range(runs["jrnl"])])
            print(f"[jrnl] {size:,} entries, {MODES[mode]}: jrnl -contains {word} "
                  f"×{runs['jrnl']} …", flush=True)
            with phase(f"jrnl: jrnl -contains, {mode}, {size:,}"):
                j_search = Stats.of([run_timed(jrnl_search, jrnl_in, jrnl_envs[mode], folder)[0]
                                     for _ in range(runs["jrnl"])])
        print(f"[jrnl] {size:,} entries, {MODES[mode]}: companion add and search "
              f"×{runs['companion']} …", flush=True)
        with phase(f"jrnl: companion add and search, {mode}, {size:,}"):
            c_add = time_command(comp_add, runs["companion"], companion_env[mode],
                                 stdin=companion_in)
            c_search = time_command(comp_search, runs["companion"], companion_env[mode],
                                    stdin=companion_in)
        out["modes"][mode] = {"jrnl_add": j_add.as_dict(), "jrnl_search": j_search.as_dict(),
                              "companion_add": c_add.as_dict(),
                              "companion_search": c_search.as_dict()}
    run_timed([*COMPANION, "--home", str(home), "lock"], "", session_env)
    shutil.rmtree(runtime, ignore_errors=True)
    return out


def pbkdf2_ms(runs: int = 7) -> float:
    """One derivation of jrnl v3's key (PBKDF2-HMAC-SHA256, 100,000 iterations), in ms."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

    def derive() -> bytes:
        return PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=b"\0" * 16,
                          iterations=100_000).derive(JRNL_PASSWORD.encode())

    return repeat_ms(derive, runs, warmup=1).median


def run(quick: bool) -> dict[str, Any]:
    without_kdf_override()
    version = ensure_jrnl()
    sizes = QUICK_SIZES if quick else FULL_SIZES
    runs = {"jrnl": 2 if quick else 3, "companion": 3 if quick else 7}
    params, source = calibrated_params(quick, "jrnl")
    result: dict[str, Any] = {"quick": quick, "jrnl": version, "sizes": list(sizes),
                              "runs": runs, "params": asdict(params), "params_from": source,
                              "by_size": {}}
    with phase("jrnl: PBKDF2 alone"):
        result["jrnl_pbkdf2_ms"] = pbkdf2_ms()
    for size in sizes:
        result["by_size"][str(size)] = measure_size(size, runs, params)
    return result


def report(result: dict[str, Any]) -> str:
    largest = str(result["sizes"][-1])
    rows = []
    for size, r in result["by_size"].items():
        for mode, m in r["modes"].items():
            for op, jrnl_cmd, comp_cmd in (("add", "jrnl TEXT", "companion add"),
                                           ("search", f"jrnl -contains {r['word']}",
                                            f"companion search {r['word']}")):
                j, c = m[f"jrnl_{op}"], m[f"companion_{op}"]
                speedup = j["median"] / c["median"]
                rows.append((f"{int(size):,}", MODES[mode], op, f"`{jrnl_cmd}`",
                             fmt_ms(j["median"]), j["n"], f"`{comp_cmd}`",
                             fmt_ms(c["median"]), c["n"], f"{speedup:.1f}×",
                             verdict(speedup >= TARGET_SPEEDUP) if size == largest else "–"))
    return table(("entries", "password / key", "operation", "jrnl command", "jrnl median",
                  "runs", "Companion command", "Companion median", "runs",
                  "Companion faster by", f"result (≥ {TARGET_SPEEDUP:.0f}×)"), rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, fewer runs")
    args = parser.parse_args()
    result = run(args.quick)
    save_and_show("jrnl", result, report(result))


if __name__ == "__main__":
    main()
