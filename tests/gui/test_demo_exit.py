"""The demo leaves nothing behind (issue 18, item 5): `companion --demo` in a process of its own,
stopped with SIGTERM or SIGINT, whether early (its folder just made, the vault still being
filled) or once the window is up and the circle is being built on a worker, exits and removes
its `companion-demo-*` folder. So does an interpreter that ends by an exception (atexit), and
a folder a killed demo left is removed by the next one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT
from ui.demo import FOLDER_PREFIX, PID_FILE, DemoFolder, remove_abandoned_folders

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def _start_demo(temp: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "QT_QPA_PLATFORM": "offscreen",
           "TMPDIR": str(temp)}
    env.pop("COMPANION_EXIT_AFTER_START", None)
    return subprocess.Popen([sys.executable, "-m", "companion.cli", "--demo"], cwd=PROJECT_ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(condition, process: subprocess.Popen[str], what: str,  # type: ignore[no-untyped-def]
              timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            pytest.fail(f"the demo ended before {what}: {process.communicate()}")
        if time.monotonic() > end:
            process.kill()
            pytest.fail(f"no {what} within {timeout} s")
        time.sleep(0.02)


def _demo_folders(temp: Path) -> list[Path]:
    return sorted(temp.glob(f"{FOLDER_PREFIX}*"))


@pytest.mark.parametrize("moment", ["folder made", "circle being built"])
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stopped_demo_removes_its_folder(tmp_path: Path, stop: signal.Signals,
                                           moment: str) -> None:
    temp = tmp_path / "temp"
    temp.mkdir()
    process = _start_demo(temp)
    try:
        _wait_for(lambda: bool(_demo_folders(temp)), process, "demo folder")
        folder = _demo_folders(temp)[0]
        if moment == "circle being built":  # the window is up, a worker is syncing
            _wait_for((folder / "circle" / "shared").is_dir, process, "circle")
        process.send_signal(stop)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 128 + stop, (process.returncode, out, err)
    assert "Traceback" not in err, err
    assert _demo_folders(temp) == []


def test_an_exception_still_removes_the_folder(tmp_path: Path) -> None:
    temp = tmp_path / "temp"
    temp.mkdir()
    code = ("from ui.demo import DemoFolder\n"
            "folder = DemoFolder()\n"
            "print(folder.path, flush=True)\n"
            "raise RuntimeError('something broke')\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, text=True,
                            capture_output=True, timeout=60, check=False,
                            env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT),
                                 "TMPDIR": str(temp)})
    assert result.returncode == 1 and "something broke" in result.stderr
    made = Path(result.stdout.strip())
    assert made.parent == temp and made.name.startswith(FOLDER_PREFIX)
    assert not made.exists()


def test_a_killed_demos_folder_is_removed_by_the_next(tmp_path: Path) -> None:
    # tests/conftest.py points the temporary folder into tmp_path.
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    abandoned = DemoFolder()
    (abandoned.path / PID_FILE).write_text(str(dead.pid), "ascii")
    running = DemoFolder()  # this process: still running
    foreign = abandoned.path.with_name(f"{FOLDER_PREFIX}not-ours")
    foreign.mkdir()  # no pid file: not a folder this code made
    try:
        remove_abandoned_folders()
        assert not abandoned.path.exists()
        assert running.path.is_dir() and foreign.is_dir()
    finally:
        running.remove()
        abandoned.remove()
