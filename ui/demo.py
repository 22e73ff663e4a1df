"""`companion --demo`: a throwaway vault full of sample data, in a temporary folder that goes
when the app does.

The folder (`companion-demo-*` in the system's temporary folder) holds the demo vault, the
circle's shared storage and the other members' vaults. It is removed after the event loop
ends (Quit, the window closed, SIGTERM, SIGINT or SIGHUP: ui/stop_signals.py), and by an
atexit hook should anything end the interpreter another way. Only a kill that gives no chance
at all (SIGKILL, a power cut) leaves one behind: the next demo removes folders whose process
is gone (POSIX).

The vault and its year of data are made before the window (about half a second, Argon2id at
its floor); the circle, which takes about a second, is built on the task runner after the
window shows, and the Circle page fills in when it is ready.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import secrets
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from companion.app import CompanionApp

if TYPE_CHECKING:
    from ui.tasks import TaskRunner

log = logging.getLogger(__name__)
DEMO_PASSPHRASE = "harbour violet sketch demo"
FOLDER_PREFIX = "companion-demo-"
PID_FILE = "companion-demo.pid"
CIRCLE_DELAY_MS = 300  # after the window shows: its first page draws before the circle work


class DemoFolder:
    """A private temporary folder that is removed however the app ends (but SIGKILL)."""

    def __init__(self) -> None:
        remove_abandoned_folders()
        self.path = Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX))
        (self.path / PID_FILE).write_text(str(os.getpid()), "ascii")
        atexit.register(self.remove)

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        atexit.unregister(self.remove)


def remove_abandoned_folders() -> None:
    """Remove demo folders of this user whose process no longer runs (a demo killed with
    SIGKILL). POSIX only: elsewhere a process cannot be asked after without a signal."""
    if sys.platform == "win32" or not hasattr(os, "getuid"):
        return
    for folder in Path(tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*"):
        with contextlib.suppress(OSError, ValueError):
            if folder.is_symlink() or folder.stat().st_uid != os.getuid():
                continue
            pid = int((folder / PID_FILE).read_text("ascii"))
            if pid != os.getpid() and not _running(pid):
                shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process has that number now
    return True


def make_demo_vault(folder: Path) -> CompanionApp:
    """A throwaway vault with a year of sample data, questionnaires and screen time."""
    from companion.app import QUICK_KEY_DERIVATION
    from companion.demo_data import fill_demo_vault

    app = CompanionApp(folder)
    app.create_vault(DEMO_PASSPHRASE, DEMO_PASSPHRASE, params=QUICK_KEY_DERIVATION)
    fill_demo_vault(app)
    return app


def open_demo_vault(folder: DemoFolder) -> CompanionApp:
    return make_demo_vault(folder.path / f"vault-{secrets.token_hex(3)}")


def start_demo_circle(app: CompanionApp, runner: TaskRunner, folder: DemoFolder) -> None:
    """Build the demo circle on the heavy lane (it syncs over a folder, like any circle)."""
    from companion.demo_circle import build_demo_circle
    from ui.tasks import Lane

    def build() -> None:
        build_demo_circle(app, folder.path / "circle")

    runner.run(build, None, _circle_failed, lane=Lane.HEAVY)


def _circle_failed(exc: BaseException) -> None:
    # The demo works without it (the vault may have been locked meanwhile): only noted.
    log.warning("the demo circle was not made: %s", type(exc).__name__)
