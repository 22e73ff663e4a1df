"""Screenshots of the Insights page, a questionnaire and the therapy summary.

Called from tools.screenshots with the demo vault; adds a few questionnaire results, then
renders the page (its top, its questionnaires, its patterns and the year in pixels), a
questionnaire being answered and its result, and the summary dialog with its preview (there
as soon as the dialog opens). The crisis screen has its own script (screenshots_crisis).

On its own, `python -m tools.screenshots_insights [--out DIR]` makes a demo vault and renders
these in light and dark at 800×600 and 1440×900, for looking at one's work quickly; with
`--docs` it renders them as tools.screenshots does (1100×720, into docs/screenshots) without
touching the other screens' pictures.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from PySide6.QtWidgets import QWidget

from ui.main_window import MainWindow

SIZES = ((800, 600), (1440, 900))


def add_questionnaire_results(window: MainWindow) -> None:
    app = window.app
    now = app.clock.now()
    for weeks, answers in ((8, [2, 2, 1, 2, 1, 1, 1, 1, 0]), (6, [2, 1, 1, 2, 1, 1, 1, 0, 0]),
                           (4, [1, 1, 1, 1, 1, 1, 0, 1, 0]), (2, [1, 1, 0, 1, 1, 0, 0, 1, 0])):
        app.save_questionnaire("phq9", answers, taken_at=now - timedelta(weeks=weeks))
    for weeks, answers in ((8, [2, 2, 1, 2, 1, 1, 1]), (4, [1, 1, 1, 2, 1, 0, 1]),
                           (1, [1, 1, 0, 1, 1, 0, 1])):
        app.save_questionnaire("gad7", answers, taken_at=now - timedelta(weeks=weeks))


def render_insights_screens(window: MainWindow, pump: Callable[[int], None], out: Path,
                            theme: str, *, suffix: str = "", results: bool = True) -> None:
    from companion.questionnaires import QuestionnaireKind
    from ui.dialogs.summary import SummaryDialog
    from ui.pages.insights import InsightsPage

    if results:
        add_questionnaire_results(window)

    def grab(widget: QWidget, name: str) -> None:
        pump(250)
        widget.grab().save(str(out / f"{name}{suffix}-{theme}.png"))

    assert window.workspace is not None
    page = window.workspace.show_page(InsightsPage)
    assert isinstance(page, InsightsPage)
    page.reload()
    pump(1500)
    grab(window, "insights")
    scroll = page.charts
    for name, target in (("insights-questionnaires", page.questionnaire_heading),
                         ("insights-patterns", page.patterns_heading),
                         ("insights-year", page.year_card)):
        if target is not None:
            scroll.verticalScrollBar().setValue(target.y())
            grab(window, name)
    scroll.verticalScrollBar().setValue(0)
    grab(page.content, "insights-whole")
    dialog = page.take_questionnaire(QuestionnaireKind.PHQ9)
    dialog.resize(680, 720)
    for item in range(3):
        dialog.answer(item, 1)
    grab(dialog, "questionnaire")
    for item in range(9):
        dialog.answer(item, 0 if item == 8 else 1)
    dialog.save()
    pump(800)
    grab(dialog, "questionnaire-result")
    dialog.close()
    pump(800)
    summary = page.open_summary()
    assert isinstance(summary, SummaryDialog)
    summary.resize(1100, 760)
    end = time.monotonic() + 30
    while summary.pdf is None and time.monotonic() < end:  # no button: it renders by itself
        pump(200)
    grab(summary, "summary")
    summary.close()
    pump(200)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--docs", action="store_true",
                        help="the docs' size and names, into docs/screenshots by default")
    args = parser.parse_args(argv)
    from tools.screenshots import DEFAULT_OUT, MOMENT, SIZE

    args.out = args.out or (DEFAULT_OUT if args.docs else Path("insights-shots"))
    sizes = (SIZE,) if args.docs else SIZES
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["COMPANION_KDF_TARGET_SECONDS"] = "0"
    from PySide6.QtWidgets import QApplication

    from companion.app import QUICK_KEY_DERIVATION, CompanionApp
    from companion.clock import FakeClock
    from companion.demo_data import fill_with_demo_data
    from companion.preferences import Preferences
    from ui.app import DEMO_PASSPHRASE
    from ui.context import PreferenceStore
    from ui.models.none_guard import keep_singletons_alive
    from ui.tasks import TaskRunner
    from ui.theme import apply_theme

    keep_singletons_alive()
    qt = QApplication.instance() or QApplication(["companion"])
    assert isinstance(qt, QApplication)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="companion-insights-") as tmp:
        for theme in ("light", "dark"):
            apply_theme(qt, theme)
            runner = TaskRunner()

            def pump(ms: int = 300, runner: TaskRunner = runner) -> None:
                end = time.monotonic() + ms / 1000
                while time.monotonic() < end:
                    qt.processEvents()
                    time.sleep(0.01)
                runner.wait_idle()
                qt.processEvents()

            app = CompanionApp(Path(tmp) / theme, clock=FakeClock(MOMENT))
            app.create_vault(DEMO_PASSPHRASE, DEMO_PASSPHRASE, params=QUICK_KEY_DERIVATION)
            fill_with_demo_data(app)
            window = MainWindow(app, runner, PreferenceStore(app, runner, Preferences()))
            window.show()
            window.show_workspace()
            for index, (width, height) in enumerate(sizes):
                window.resize(width, height)
                render_insights_screens(window, pump, args.out, theme,
                                        suffix="" if args.docs else f"-{width}x{height}",
                                        results=index == 0)
            window.shutdown()
            window.deleteLater()
            pump(100)
    print(f"screenshots written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
