"""Run the real `companion` command on a pseudo-terminal, answering its no-echo prompts.

The passphrase prompt reads from the controlling terminal (`getpass` opens /dev/tty), so the
child must have one: a tiny wrapper starts a new session, makes the pty slave its controlling
terminal, then execs `python -m companion.cli`. Each answer is typed only after its prompt has
appeared, because `getpass` discards input typed before it turned echo off.
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent

_WRAPPER = (
    "import fcntl, os, sys, termios\n"
    "os.setsid()\n"
    "fcntl.ioctl(1, termios.TIOCSCTTY, 0)\n"  # stdout is always the terminal; stdin may not be
    "os.execv(sys.executable, [sys.executable, '-m', 'companion.cli', *sys.argv[1:]])\n"
)


@dataclass
class TtyResult:
    code: int
    terminal: str  # everything the command wrote to the terminal (prompts, stdout)
    err: str


def run_in_tty(argv: Sequence[str], answers: Sequence[tuple[str, str]],
               timeout: float = 30, *, piped: str | None = None,
               stderr_on_terminal: bool = False) -> TtyResult:
    """Run `companion ARGV`; for each (prompt, answer), type `answer` once `prompt` shows.
    With `piped`, standard input is a pipe holding that text (`echo … | companion add -`)
    while the terminal stays the controlling one. With `stderr_on_terminal`, standard error
    is the terminal too (as in a shell), so prompts written there can be answered; `err` is
    then empty and everything is in `terminal`."""
    master, slave = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", _WRAPPER, *argv],
        stdin=slave if piped is None else subprocess.PIPE, stdout=slave,
        stderr=slave if stderr_on_terminal else subprocess.PIPE, env=env, cwd=PROJECT_ROOT,
        close_fds=True,
    )
    os.close(slave)
    if piped is not None:
        assert proc.stdin is not None
        proc.stdin.write(piped.encode())
        proc.stdin.close()
    pending = list(answers)
    transcript = b""
    cursor = 0
    deadline = time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"companion {' '.join(argv)} did not finish: {transcript!r}")
            ready, _, _ = select.select([master], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the child closed the terminal (it exited)
                break
            if not chunk:
                break
            transcript += chunk
            while pending and pending[0][0].encode() in transcript[cursor:]:
                prompt, answer = pending.pop(0)
                cursor = transcript.index(prompt.encode(), cursor) + len(prompt)
                os.write(master, answer.encode() + b"\n")
        code = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
        err = proc.stderr.read().decode() if proc.stderr is not None else ""
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()
        os.close(master)
    return TtyResult(code, transcript.decode(errors="replace"), err)
