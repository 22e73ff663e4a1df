"""The Insights page, the questionnaire and support-lines dialogs, and the summary dialog."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import timedelta

import pytest
import shiboken6
from PySide6.QtWidgets import QApplication, QLabel

from companion.crisis import user_file
from companion.models import CheckInDraft, EntryDraft
from companion.questionnaires import QuestionnaireKind
from ui.dialogs.crisis import CrisisDialog
from ui.dialogs.summary import SummaryDialog
from ui.pages.insights import InsightsPage
from ui.widgets.chart_view import ChartView


def labels(widget) -> list[str]:  # type: ignore[no-untyped-def]
    return [label.text() for label in widget.findChildren(QLabel)]


def open_crisis_dialogs() -> list[CrisisDialog]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, CrisisDialog) and w.isVisible()]


def fill(app, clock, days: int = 40) -> None:  # type: ignore[no-untyped-def]
    for i in range(days):
        app.add_checkin(CheckInDraft(mood=4 if i % 2 else 2, energy=3, sleep_hours=7,
                                     activities=("walk",) if i % 2 else ("work",),
                                     at=clock.now() - timedelta(days=i)))


def test_a_period_without_check_ins_says_there_is_not_enough_data(window, app, clock,
                                                                  wait_for_tasks):
    app.add_checkin(CheckInDraft(mood=3, at=clock.now() - timedelta(days=200)))  # before it
    page = window.workspace.show_page(InsightsPage)
    wait_for_tasks()
    texts = labels(page)
    assert "Not enough data yet" in texts
    assert sum("Not taken yet." in t for t in texts) == 3  # each questionnaire says so
    assert page.patterns_heading is None  # no section of empty pattern charts
    assert page.findChildren(ChartView) == []  # one line each instead of empty boxes
    assert "No check-ins in 2026." in texts  # the year's only check-in was in 2025


def test_charts_and_associations_load_off_the_gui_thread(window, app, clock, wait_for_tasks):
    fill(app, clock)
    page = window.workspace.show_page(InsightsPage)
    wait_for_tasks()
    views = page.findChildren(ChartView)
    titles = [view.chart.title for view in views]
    assert titles[:2] == ["Mood over time", "Energy over time"]
    assert "Activities and mood" in titles and "Year in pixels, 2026" in titles
    texts = " ".join(labels(page))
    assert "+2.0 (20 days)" in [t.text for v in views for t in v.chart.items
                                if hasattr(t, "text")]
    assert "associations, not causes" in texts
    assert "40 check-ins on 40 of the 90 days" in texts
    page.period.setCurrentIndex(0)  # last 30 days
    page.period.activated.emit(0)
    wait_for_tasks()
    assert "30 check-ins on 30 of the 30 days" in " ".join(labels(page))


def test_phq9_item9_opens_the_support_lines_at_once(window, app, runner, qtbot,
                                                     wait_for_tasks):
    page = window.workspace.show_page(InsightsPage)
    dialog = page.take_questionnaire(QuestionnaireKind.PHQ9)
    qtbot.waitExposed(dialog)
    for item in range(8):
        dialog.answer(item, 0)
    assert not open_crisis_dialogs()
    dialog.answer(8, 1)  # item 9, "several days"
    crisis = open_crisis_dialogs()
    assert len(crisis) == 1, "the support lines must open the moment item 9 is above 0"
    assert app.questionnaire_history() == []  # before anything is saved
    assert any("You said that thoughts of hurting yourself" in t for t in labels(crisis[0]))
    assert any("emergency" in t.lower() for t in labels(crisis[0]))
    crisis[0].accept()
    dialog.save()
    wait_for_tasks()
    assert dialog.saved_result is not None and dialog.saved_result.result.total == 1
    assert "PHQ-9: 1 out of 27 — minimal" in dialog.score_label.text()
    assert dialog.support_button.isVisible()
    assert [s.result.total for s in app.questionnaire_history()] == [1]


def test_a_result_shows_band_and_change_since_the_time_before(window, app, wait_for_tasks,
                                                               qtbot):
    app.save_questionnaire("gad7", [1, 1, 1, 1, 1, 1, 1])
    page = window.workspace.show_page(InsightsPage)
    dialog = page.take_questionnaire(QuestionnaireKind.GAD7)
    for item in range(7):
        dialog.answer(item, 2)
    dialog.save()
    wait_for_tasks()
    assert "GAD-7: 14 out of 21 — moderate" in dialog.score_label.text()
    assert "Since the time before: +7." in dialog.history_label.text()
    assert not dialog.support_button.isVisible()
    assert not open_crisis_dialogs()


def test_the_support_list_can_be_edited_and_a_bad_list_is_not_saved(window, app, runner,
                                                                      wait_for_tasks, qtbot):
    dialog = CrisisDialog(app.home, runner, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.start_editing()
    dialog.editor.setPlainText("{ not json")
    dialog.save_list()
    assert dialog.edit_error.isVisible() and not user_file(app.home).exists()
    mine = {"format": 1, "international": [{"name": "My sister Ana", "phone": "555 0100"}]}
    dialog.editor.setPlainText(json.dumps(mine))
    dialog.save_list()
    wait_for_tasks()
    assert user_file(app.home).exists()
    assert "My sister Ana" in labels(dialog)
    assert "Call 555 0100" in [button.text() for button in dialog.line_buttons()]


@pytest.mark.skipif(shutil.which("pdftotext") is None and not os.environ.get("CI"),
                    reason="poppler-utils not installed (in CI this fails instead)")
def test_the_summary_dialog_previews_and_saves_only_ticked_entries(window, app, clock, ctx,
                                                                    wait_for_tasks, qtbot,
                                                                    tmp_path):
    fill(app, clock, 10)
    app.save_questionnaire("phq9", [1, 1, 1, 1, 1, 1, 1, 1, 0])
    app.add_entry(EntryDraft(title="Share this", body="ticked-entry-wren", at=clock.now()))
    app.add_entry(EntryDraft(title="Keep this", body="canary-gui-unticked-moth",
                             at=clock.now() - timedelta(days=1)))
    dialog = SummaryDialog(ctx, window)
    qtbot.addWidget(dialog)
    wait_for_tasks()
    assert dialog.entries.count() == 2
    assert dialog.request().entry_ids == ()  # none by default
    shared = next(dialog.entries.item(r) for r in range(2)
                  if "Share this" in dialog.entries.item(r).text())
    from PySide6.QtCore import Qt

    shared.setCheckState(Qt.CheckState.Checked)  # the preview follows by itself
    qtbot.waitUntil(lambda: dialog.pdf is not None, timeout=30_000)
    wait_for_tasks(30_000)
    assert len(dialog.preview.page_labels()) >= 2
    target = tmp_path / "for-therapy.pdf"
    dialog.save_to(target)
    wait_for_tasks(30_000)
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "ticked-entry-wren" in text and "canary-gui-unticked-moth" not in text
    assert "8 / 27" in text


def test_locking_closes_the_dialogs_and_keeps_no_insight_text(window, app, clock, ctx,
                                                               wait_for_tasks, qtbot):
    from tests.gui.conftest import visible_texts

    fill(app, clock, 10)
    app.add_entry(EntryDraft(title="Secret title", body="canary-lock-marten", at=clock.now()))
    page = window.workspace.show_page(InsightsPage)
    wait_for_tasks()
    questionnaire = page.take_questionnaire(QuestionnaireKind.GAD7)
    summary = page.open_summary()
    wait_for_tasks()
    assert any("Secret title" in t for t in visible_texts())
    window.lock()
    qtbot.waitUntil(lambda: not any("Secret title" in t for t in visible_texts()))
    wait_for_tasks()
    texts = " ".join(visible_texts())
    assert "Mood and energy over time" not in texts and "10 check-ins on" not in texts
    for dialog in (questionnaire, summary):  # deleted with the page, or at least closed
        assert not shiboken6.isValid(dialog) or not dialog.isVisible()


def test_insights_refresh_after_an_activitywatch_import(window, app, clock, wait_for_tasks,
                                                        qtbot, monkeypatch):
    """Changes(screen_time=True) from the facade's import reaches the Insights page (screen
    time against mood). Only ActivityWatch's network part is stood in for here: a real
    aw-server runs in tests/companion/test_screentime_activitywatch.py."""
    from companion.screentime import service as screen_time_service
    from companion.screentime.activitywatch import ImportResult

    page = window.workspace.show_page(InsightsPage)
    wait_for_tasks()
    reloads: list[int] = []
    original = page.reload
    monkeypatch.setattr(page, "reload", lambda: (reloads.append(1), original())[1])
    monkeypatch.setattr(screen_time_service, "import_activitywatch",
                        lambda *_args, **_kwargs: ImportResult(3, 5400.0, 1, True))
    now = clock.now()
    window.runner.run(lambda: app.import_activitywatch(start=now - timedelta(days=7), end=now))
    qtbot.waitUntil(lambda: reloads == [1], timeout=10_000)
    wait_for_tasks()
