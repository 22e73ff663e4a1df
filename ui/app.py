"""Start the desktop app: `companion`, `companion gui`, `companion gui --demo`."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from companion.app import CompanionApp
from ui.demo import DEMO_PASSPHRASE as DEMO_PASSPHRASE  # tools/screenshots.py uses it
from ui.demo import make_demo_vault as make_demo_vault

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from ui.main_window import MainWindow

log = logging.getLogger(__name__)


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
    from PySide6.QtCore import QCoreApplication, QTimer
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
    from ui.demo import CIRCLE_DELAY_MS, DemoFolder, open_demo_vault, start_demo_circle
    from ui.stop_signals import StopOnSignals

    demo_folder: DemoFolder | None = None

    def remove_demo_folder() -> None:
        if demo_folder is not None:
            demo_folder.remove()

    # SIGTERM/SIGINT/SIGHUP quit the loop so the cleanup below runs; a second one while it
    # runs ends the process at once, the demo's folder removed first. Installed before the
    # demo's folder is made: a signal in between would otherwise end the process by the
    # default action and leave the folder behind.
    stop = StopOnSignals(qt_app, remove_demo_folder)
    if demo:
        demo_folder = DemoFolder()
    app = open_demo_vault(demo_folder) if demo_folder is not None else CompanionApp(home)
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
    if demo_folder is not None:
        window.setWindowTitle(window.tr("Companion — demo vault"))
        window.show_workspace()
    else:
        window.start()
    window.show()
    if demo_folder is not None and stop.received is None:
        folder = demo_folder
        QTimer.singleShot(CIRCLE_DELAY_MS, window,
                          lambda: start_demo_circle(app, runner, folder))
    smoke = start_smoke_test(qt_app, window) if os.environ.get(SMOKE_TEST_ENV) else None
    try:
        code = qt_app.exec()
        if stop.exit_code is not None:
            return stop.exit_code
        return code if smoke is None else (smoke[0] if smoke else 1)
    finally:
        window.shutdown()
        collector.stop()
        stop.uninstall()
        if demo_folder is not None:
            demo_folder.remove()
