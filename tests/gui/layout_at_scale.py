"""Run by test_layouts at 1.5× and 2× (QT_SCALE_FACTOR is read once, when Qt starts): every
page of a journal with a few months in it, at 800×600 and 2560×1440, and every dialog, as it
opens and at 800×600, through the same checks. Prints the problems and exits 1 if there are
any."""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path


def main() -> int:
    from PySide6.QtWidgets import QApplication

    qt = QApplication(["companion-layout-check"])
    from companion.app import QUICK_KEY_DERIVATION, CompanionApp
    from companion.clock import FakeClock
    from companion.demo_data import fill_with_demo_data
    from companion.preferences import Preferences
    from tests.gui.layout_check import layout_problems
    from ui.context import PreferenceStore
    from ui.main_window import MainWindow
    from ui.tasks import TaskRunner
    from ui.theme import apply_theme
    from ui.widgets.chart_view import ChartView, texts_outside

    apply_theme(qt, "light")
    runner = TaskRunner()

    def spin(ms: int) -> None:
        end = time.monotonic() + ms / 1000
        while time.monotonic() < end:
            qt.processEvents()
            time.sleep(0.005)

    def pump(ms: int) -> None:
        spin(ms)
        runner.wait_idle()
        # A page's results arrive as signals that set texts; the layouts they invalidate are
        # redone in events posted meanwhile, which one more processEvents may not reach. On
        # a loaded machine (CI) a wrapped label was once measured before its layout caught up.
        spin(100)

    with tempfile.TemporaryDirectory() as folder:
        app = CompanionApp(Path(folder) / "vault",
                           clock=FakeClock(datetime(2026, 3, 11, 18, 30, tzinfo=UTC)))
        passphrase = "harbour violet sketch layout"
        app.create_vault(passphrase, passphrase, params=QUICK_KEY_DERIVATION)
        fill_with_demo_data(app, days=90)
        window = MainWindow(app, runner, PreferenceStore(app, runner, Preferences()))
        window.show()
        window.show_workspace()
        assert window.workspace is not None
        problems: list[str] = []
        for width, height in ((800, 600), (2560, 1440)):
            window.resize(width, height)
            for index, page in enumerate(window.workspace.pages):
                window.workspace.show_page(index)
                pump(250)
                name = f"{type(page).__name__} at {width}×{height}"
                problems += [f"{name}: {p}" for p in layout_problems(window)]
                for view in page.findChildren(ChartView):
                    problems += [f"{name}: {p}" for p in texts_outside(view.chart, view.font())]
        problems += dialog_problems(window, app, runner, Path(folder), pump)
        print(f"pages checked: {len(window.workspace.pages)}")
        print("\n".join(problems))
        window.shutdown()
        return 1 if problems else 0


def dialog_problems(window, app, runner, folder: Path, pump) -> list[str]:  # type: ignore[no-untyped-def]
    """Each dialog of test_layouts' list, as it opens and at 800×600 (as far as it may
    shrink): its words scale with the rest, its screen does not."""
    from tests.gui.layout_check import layout_problems
    from tests.gui.test_layouts import _dialogs

    problems: list[str] = []
    count = 0
    for name, dialog in _dialogs(window, app, runner, folder):
        dialog.show()
        pump(150)
        problems += [f"{name} as opened: {p}" for p in layout_problems(dialog)]
        dialog.resize(min(800, dialog.maximumWidth()), min(600, dialog.maximumHeight()))
        pump(150)
        problems += [f"{name} at 800×600: {p}" for p in layout_problems(dialog)]
        dialog.hide()
        count += 1
    print(f"dialogs checked: {count}")
    return problems


if __name__ == "__main__":
    sys.exit(main())
