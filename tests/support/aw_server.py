"""A real ActivityWatch server (aw-server from PyPI) for the import tests.

aw-server pins Flask 2 and Werkzeug 2, which must not leak into our own environment, so it
lives in its own virtualenv under .cache/ in the project, made once (about 20 s) and reused by
later runs. It runs with --testing and in-memory storage on 127.0.0.1 and a free port, with
HOME pointed at a temporary folder so it writes nothing of its own elsewhere.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

PROJECT_ROOT = Path(__file__).resolve().parents[2]
VENV = PROJECT_ROOT / ".cache" / "aw-server-venv"
REQUIREMENT = "aw-server==0.12.0"


def aw_server_executable() -> Path:
    """The aw-server of the cached virtualenv, installed on first use."""
    bin_dir = VENV / ("Scripts" if sys.platform == "win32" else "bin")
    executable = bin_dir / "aw-server"
    marker = VENV / "installed.txt"
    if not (marker.exists() and marker.read_text() == REQUIREMENT and executable.exists()):
        for command in ([sys.executable, "-m", "venv", "--clear", str(VENV)],
                        [str(bin_dir / "python"), "-m", "pip", "install", "--quiet",
                         "--disable-pip-version-check", REQUIREMENT]):
            done = subprocess.run(command, check=False, capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"could not install {REQUIREMENT}: {done.stderr[-2000:]}")
        marker.write_text(REQUIREMENT)
    return executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_aw_server(home: Path) -> Iterator[str]:
    """Start aw-server; yield its base URL; stop it."""
    executable = aw_server_executable()
    port = free_port()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("XDG_", "PYTHON"))}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"),
               XDG_CACHE_HOME=str(home / "cache"), XDG_CONFIG_HOME=str(home / "config"))
    process = subprocess.Popen(
        [str(executable), "--testing", "--host", "127.0.0.1", "--port", str(port),
         "--storage", "memory"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"aw-server exited at start (code {process.returncode})")
            try:
                if httpx.get(f"{url}/api/0/info", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("aw-server did not answer within 60 s")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
