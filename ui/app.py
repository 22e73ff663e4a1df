"""Start the desktop app: `companion`, `companion gui`, `companion gui --demo`."""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from companion.app import CompanionApp

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from ui.main_window import MainWindow

log = logging.getLogger(__name__)
DEMO_PASSPHRASE = "harbour violet sketch demo"


def display_problem() -> str | None:
    """Why no window can open here, or None. Checked before Qt, which would abort instead."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform.startswith(("offscreen", "minimal", "vnc")):
        return None
    if sys.platform.startswith("linux") or "bsd" in sys.platform:
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            return ("no display found (neither DISPLAY nor WAYLAND_DISPLAY is set); run it "
                    "from a desktop session, or use the command line (`companion --help`)")
    return None


# Libraries Qt's X11 platform plugin loads and PySide6's wheels do not ship (Qt 6.5+), with the
# Debian/Ubuntu package that provides each. Without them Qt aborts with a long message.
_XCB_LIBRARIES = {
    "xcb-cursor": "libxcb-cursor0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-keysyms": "libxcb-keysyms1",
    "xcb-image": "libxcb-image0",
    "xcb-render-util": "libxcb-render-util0",
    "xcb-shape": "libxcb-shape0",
    "xcb-xkb": "libxcb-xkb1",
    "xkbcommon-x11": "libxkbcommon-x11-0",
}


def missing_x11_libraries() -> list[str]:
    """Debian packages Qt's X11 plugin would need here and cannot find (Linux with X only)."""
    import ctypes.util

    if not sys.platform.startswith("linux") or os.environ.get("WAYLAND_DISPLAY"):
        return []
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith("xcb"):
        return []
    return [package for name, package in _XCB_LIBRARIES.items()
            if ctypes.util.find_library(name) is None]


def make_demo_vault(folder: Path) -> CompanionApp:
    """A throwaway vault with a year of sample data (used by --demo and the screenshots)."""
    from companion.app import QUICK_KEY_DERIVATION
    from companion.demo_data import fill_with_demo_data

    app = CompanionApp(folder)
    app.create_vault(DEMO_PASSPHRASE, DEMO_PASSPHRASE, params=QUICK_KEY_DERIVATION)
    fill_with_demo_data(app)
    return app


# Set to 1, the app quits as soon as its window is shown, after saying so on stdout: how the
# packaging check (packaging/ci_check_bundle.sh) proves that a bundle starts, with no display.
SMOKE_TEST_ENV = "COMPANION_EXIT_AFTER_START"
DESKTOP_FILE_NAME = "org.companionapp.Companion"  # packaging/appinfo.py APP_ID


def start_smoke_test(qt_app: QApplication, window: MainWindow) -> list[int]:
    """Once the event loop runs and the window is on screen, check what a bundle could lack
    (the platform plugin, SVG rendering), say what was found, and quit. The list receives the
    exit code."""
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QImageReader

    from ui.icons import pixmap

    result: list[int] = []

    def check() -> None:
        svg = b"svg" in [bytes(fmt.data()) for fmt in QImageReader.supportedImageFormats()]
        svg = svg and not pixmap("lock", 32).toImage().isNull()
        shown = window.isVisible()
        print(f"companion: smoke test: window {'shown' if shown else 'hidden'} on "
              f"{qt_app.platformName()}, svg {'ok' if svg else 'missing'}, "
              f"screen {type(window.states.currentWidget()).__name__}", flush=True)
        result.append(0 if shown and svg else 1)
        qt_app.quit()

    QTimer.singleShot(0, check)
    return result


def run_gui(home: Path | None = None, *, demo: bool = False,
            argv: Sequence[str] = ()) -> int:
    problem = display_problem()
    if problem:
        print(f"companion: {problem}.", file=sys.stderr)
        return 1
    missing = missing_x11_libraries()
    if missing:
        print("companion: the desktop app needs system libraries that are missing here; on "
              f"Debian or Ubuntu: sudo apt install {' '.join(missing)}", file=sys.stderr)
        return 1
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from ui.context import PreferenceStore
    from ui.errors import BugReporter
    from ui.icons import app_icon
    from ui.main_window import MainWindow
    from ui.models.none_guard import keep_singletons_alive
    from ui.tasks import TaskRunner
    from ui.theme import apply_theme
    from ui.tray import Tray

    keep_singletons_alive()  # before any Qt traffic; a no-op where PySide6 is not affected
    from ui.gc_guard import GuiThreadGarbageCollector
    QCoreApplication.setApplicationName("Companion")
    QCoreApplication.setOrganizationName("Companion")
    qt_app = QApplication.instance() or QApplication(["companion", *argv])
    assert isinstance(qt_app, QApplication)
    qt_app.setWindowIcon(app_icon())
    # The installed .desktop file's name (packaging/linux): Wayland compositors match the
    # window to its menu entry and icon by it.
    qt_app.setDesktopFileName(DESKTOP_FILE_NAME)
    collector = GuiThreadGarbageCollector(qt_app)  # before any worker thread starts

    demo_dir: Path | None = None
    if demo:
        demo_dir = Path(tempfile.mkdtemp(prefix="companion-demo-"))
        app = make_demo_vault(demo_dir / f"vault-{secrets.token_hex(3)}")
    else:
        app = CompanionApp(home)
    prefs = app.preferences  # a small file, read once before the window shows
    apply_theme(qt_app, prefs.theme)
    runner = TaskRunner()
    bugs = BugReporter(app.home)
    window = MainWindow(app, runner, PreferenceStore(app, runner), bugs=bugs,
                        demo_passphrase=DEMO_PASSPHRASE if demo else None)
    bugs.parent_widget = window
    bugs.install()
    runner.unhandled = bugs.report
    runner.report_bug = bugs.record
    window.tray = Tray.create(window)
    if demo:
        window.show_workspace()
    else:
        window.start()
    window.show()
    smoke = start_smoke_test(qt_app, window) if os.environ.get(SMOKE_TEST_ENV) else None
    try:
        code = qt_app.exec()
        return code if smoke is None else (smoke[0] if smoke else 1)
    finally:
        window.shutdown()
        collector.stop()
        if demo_dir is not None:
            shutil.rmtree(demo_dir, ignore_errors=True)
