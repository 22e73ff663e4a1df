"""Screenshots of the Insights page and its dialogs (called from tools.screenshots).

Kept apart so the shared screenshot script only needs one call: adds a few questionnaire
results to the demo vault, then renders the page, a questionnaire, the support lines and the
summary dialog with its preview.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from companion.questionnaires import QuestionnaireKind
from ui.dialogs.crisis import CrisisDialog
from ui.dialogs.summary import SummaryDialog
from ui.main_window import MainWindow
from ui.pages.insights import InsightsPage
from ui.widgets.chart_view import ChartView


def render_insights_screens(window: MainWindow, pump: Callable[[int], None], out: Path,
                            theme: str) -> None:
    app = window.app
    now = app.clock.now()
    for weeks, answers in ((8, [2, 2, 1, 2, 1, 1, 1, 1, 0]), (6, [2, 1, 1, 2, 1, 1, 1, 0, 0]),
                           (4, [1, 1, 1, 1, 1, 1, 0, 1, 0]), (2, [1, 1, 0, 1, 1, 0, 0, 1, 0])):
        app.save_questionnaire("phq9", answers, taken_at=now - timedelta(weeks=weeks))
    for weeks, answers in ((8, [2, 2, 1, 2, 1, 1, 1]), (4, [1, 1, 1, 2, 1, 0, 1]),
                           (1, [1, 1, 0, 1, 1, 0, 1])):
        app.save_questionnaire("gad7", answers, taken_at=now - timedelta(weeks=weeks))

    def grab(widget: QWidget, name: str) -> None:
        pump(250)
        widget.grab().save(str(out / f"{name}-{theme}.png"))

    assert window.workspace is not None
    page = window.workspace.show_page(InsightsPage)
    assert isinstance(page, InsightsPage)
    page.reload()
    pump(1500)
    grab(window, "insights")
    views = page.findChildren(ChartView)
    patterns = next(v for v in views if v.chart.title == "Activities and mood")
    scroll = page.findChild(QScrollArea)
    assert scroll is not None
    scroll.ensureWidgetVisible(patterns.parentWidget(), 0, 300)
    grab(window, "insights-patterns")
    dialog = page.take_questionnaire(QuestionnaireKind.PHQ9)
    dialog.resize(680, 720)
    for item in range(3):
        dialog.answer(item, 1)
    grab(dialog, "questionnaire")
    dialog.answer(8, 1)
    crisis = next(w for w in QApplication.topLevelWidgets()
                  if isinstance(w, CrisisDialog) and w.isVisible())
    crisis.resize(620, 640)
    grab(crisis, "crisis-resources")
    crisis.accept()
    for item in range(9):
        dialog.answer(item, 0 if item == 8 else 1)
    dialog.save()
    pump(800)
    grab(dialog, "questionnaire-result")
    dialog.close()
    summary = page.open_summary()
    assert isinstance(summary, SummaryDialog)
    summary.resize(1100, 760)
    pump(500)
    summary.make_preview()
    pump(4000)
    grab(summary, "summary")
    summary.close()
    pump(200)
