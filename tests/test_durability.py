"""Durability: what was reported saved survives the process being killed at any moment.

A child process (tests/support/durability_child.py) unlocks the vault and adds entries in a
loop, printing each id only after its transaction committed. The test kills it with SIGKILL
at random moments, more than twenty times: some right after it starts (while it imports, takes
the lock or derives the key), most after a random stretch of adding. Then every id any child
reported must be there with its title, and `PRAGMA integrity_check` must say ok. Each new
child opening the vault shows that the OS released the single-instance lock of the one killed.

The delays come from `random` with a fixed seed (override with COMPANION_DURABILITY_SEED),
printed in every failure message so a failing run can be repeated.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from companion.app import CompanionApp
from companion.models import ItemRef
from tests.conftest import PASSPHRASE, PROJECT_ROOT

# slow: two dozen child processes, each started and killed (about ten seconds).
pytestmark = [pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX"),
              pytest.mark.slow]

SEED = int(os.environ.get("COMPANION_DURABILITY_SEED", "20260314"))
KILLS = 24
EARLY_EVERY = 4  # one round in four kills the child before it says it is ready
READY_TIMEOUT = 20.0


@dataclass
class Round:
    number: int
    delay: float
    early: bool
    lines: list[str] = field(default_factory=list)
    ready: threading.Event = field(default_factory=threading.Event)
    code: int | None = None
    stderr: str = ""

    @property
    def committed(self) -> list[tuple[str, str]]:
        """(id, title) of every entry this child reported saved."""
        pairs = []
        for line in self.lines:
            if line == "ready":
                continue
            ref, _, title = line.partition(" ")
            pairs.append((ref, title))
        return pairs


def _read_lines(stream: object, round_: Round) -> None:
    assert hasattr(stream, "readline")
    for raw in iter(stream.readline, ""):
        line = raw.rstrip("\n")
        if not raw.endswith("\n"):
            break  # a partial line cut by the kill promises nothing
        if line == "ready":
            round_.ready.set()
        round_.lines.append(line)


def _run_and_kill(home: Path, round_: Round, env: dict[str, str], context: str) -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.support.durability_child", str(home), str(round_.number)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=env, cwd=PROJECT_ROOT,
    )
    assert child.stdin is not None and child.stdout is not None and child.stderr is not None
    reader = threading.Thread(target=_read_lines, args=(child.stdout, round_), daemon=True)
    reader.start()
    try:
        child.stdin.write(f"{PASSPHRASE}\n")
        child.stdin.flush()
        if round_.early:
            time.sleep(round_.delay)
        else:
            assert round_.ready.wait(READY_TIMEOUT), (
                f"{context}: the child never opened the vault; stderr: "
                f"{child.stderr.read() if child.poll() is not None else '(still running)'}")
            time.sleep(round_.delay)
        child.send_signal(signal.SIGKILL)
        round_.code = child.wait(timeout=10)
        reader.join(timeout=10)
        round_.stderr = child.stderr.read()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        for stream in (child.stdin, child.stdout, child.stderr):
            stream.close()


def test_killed_writer_loses_nothing_it_reported(private_home, tmp_path):
    rng = random.Random(SEED)
    context = f"durability seed {SEED} (repeat with COMPANION_DURABILITY_SEED={SEED})"
    app = CompanionApp(private_home)
    app.create_vault(PASSPHRASE, PASSPHRASE)
    app.close()
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}

    rounds: list[Round] = []
    for number in range(1, KILLS + 1):
        early = number % EARLY_EVERY == 1
        # Early: from right after the start to well into start-up. Otherwise: 0–300 ms of
        # adding, the first few moments of a run weighted a little more.
        delay = rng.uniform(0.0, 0.6) if early else rng.choice(
            [rng.uniform(0.0, 0.02), rng.uniform(0.0, 0.3), rng.uniform(0.0, 0.3)])
        round_ = Round(number, delay, early)
        rounds.append(round_)
        _run_and_kill(private_home, round_, env, f"{context}, round {number}")
        # The child must have died of our SIGKILL, not of an error of its own (such as finding
        # the vault still locked by the child before it).
        assert round_.code == -signal.SIGKILL, (
            f"{context}, round {number} (delay {delay:.3f}s, early={early}): exit "
            f"{round_.code}, stderr: {round_.stderr}")

    assert len(rounds) >= 20
    opened = [r for r in rounds if r.ready.is_set()]
    assert len(opened) >= KILLS - KILLS // EARLY_EVERY, context
    reported = [pair for r in rounds for pair in r.committed]
    assert len(reported) >= 20, f"{context}: too few entries reported to test anything"
    assert sum(1 for r in rounds if r.committed) >= KILLS // 2, context

    # Every promise kept, and the file whole. Opening it here also needs the lock, released by
    # the OS when the last child was killed.
    app = CompanionApp(private_home)
    app.open()
    app.unlock(PASSPHRASE)
    try:
        missing = []
        for ref, title in reported:
            try:
                entry = app.get(ItemRef.parse(ref))
            except Exception as exc:  # collected, to show them all
                missing.append(f"{ref}: {exc}")
                continue
            if entry.title != title:
                missing.append(f"{ref}: title {entry.title!r}, expected {title!r}")
        assert not missing, f"{context}: reported but not saved:\n" + "\n".join(missing)
        db = app.vault.database
        assert db.query("PRAGMA integrity_check") == [("ok",)], context
        assert db.query("PRAGMA foreign_key_check") == [], context
        # The full-text index agrees with the table it indexes.
        db.query("INSERT INTO entries_fts (entries_fts) VALUES ('integrity-check')")
        ids = {ref for ref, _ in reported}
        assert len(ids) == len(reported), f"{context}: an id was reported twice"
        total = db.query_one("SELECT count(*) FROM entries")[0]
        assert total >= len(reported), context
    finally:
        app.close()
