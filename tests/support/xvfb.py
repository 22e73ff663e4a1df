"""A real X server for the X11 probe: Xvfb with openbox (which sets `_NET_ACTIVE_WINDOW`) and
xterm windows, focused with xdotool. `.ci/run` installs all four; on a developer machine
without them the tests that need them are skipped (in CI they fail instead)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from Xlib import X
from Xlib.display import Display

TOOLS = ("Xvfb", "openbox", "xterm", "xdotool")


def require_x_tools() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        message = f"the X11 probe tests need {', '.join(missing)} (.ci/run installs them)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


# Generous: a start-up wait, not a measurement. On a 2-core machine busy with other test
# processes openbox once took over 20 s to take the screen.
def wait_for(condition, what: str, timeout: float = 90.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.05)


@dataclass
class XSession:
    display: str
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "DISPLAY": self.display}

    def xdotool(self, *args: str) -> str:
        return subprocess.run(["xdotool", *args], env=self.env, check=True,
                              capture_output=True, text=True).stdout.strip()

    def xterm(self, title: str) -> str:
        """Open an xterm titled `title`; its window id once mapped."""
        self.processes.append(subprocess.Popen(
            ["xterm", "-T", title, "-e", "sleep", "600"], env=self.env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        found: list[str] = []

        def mapped() -> bool:
            result = subprocess.run(
                ["xdotool", "search", "--onlyvisible", "--name", f"^{title}$"],
                check=False, env=self.env, capture_output=True, text=True)
            found[:] = result.stdout.split()
            return bool(found)

        wait_for(mapped, f"the xterm {title!r}")
        return found[0]

    def focus(self, window: str) -> None:
        self.xdotool("windowactivate", "--sync", window)


@contextmanager
def x_session() -> Iterator[XSession]:
    require_x_tools()
    read, write = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1024x768x24",
                               "-nolisten", "tcp"], pass_fds=(write,),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    session = XSession(f":{number}", [server])
    try:
        session.processes.append(subprocess.Popen(
            ["openbox", "--sm-disable"], env=session.env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

        def window_manager_ready() -> bool:
            # An EWMH window manager announces itself on the root window.
            display = Display(session.display)
            try:
                root = display.screen().root
                atom = display.intern_atom("_NET_SUPPORTING_WM_CHECK")
                return root.get_full_property(atom, X.AnyPropertyType) is not None
            finally:
                display.close()

        wait_for(window_manager_ready, "openbox")
        yield session
    finally:
        for process in reversed(session.processes):
            process.terminate()
        for process in session.processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
