"""Insights that say things once, and a summary worth bringing (issue 18, items 3 and 4).

Seen before: every card repeated "Based on N check-ins" and some the "association" caveat
twice; bullet lists retold the bars; values stood ~450 px from their bars; the year in pixels
followed the 90-day period and blanked January to August; mood and energy x-axes did not line
up; questionnaires hid in a drop-down with doubled labels; the summary was blank until
"Preview" was pressed and started at 30 days while Insights showed 90.
"""

from __future__ import annotations

import re
import threading
from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from companion.charts.primitives import Line, Rect, Text
from companion.models import CheckInDraft
from companion.questionnaires import QuestionnaireKind
from ui.dialogs.questionnaire import QuestionnaireDialog
from ui.dialogs.summary import SummaryDialog
from ui.pages.insights import InsightsPage
from ui.widgets import summary_preview
from ui.widgets.chart_view import ChartView
from ui.widgets.insight_cards import ChartCard, InsightCard
from ui.widgets.questionnaire_cards import QuestionnaireCard


def fill(app, clock, days: int = 60) -> None:  # type: ignore[no-untyped-def]
    for i in range(days):
        app.add_checkin(CheckInDraft(
            mood=4 if i % 2 else 2, energy=1 + i % 5, sleep_hours=5 + i % 4,
            activities=("walk",) if i % 2 else ("work",), emotions=("calm",) if i % 3 else
            ("tired",), at=clock.now() - timedelta(days=i, hours=i % 10)))


def shown_page(window, qtbot, wait_for_tasks) -> InsightsPage:  # type: ignore[no-untyped-def]
    page = window.workspace.show_page(InsightsPage)
    wait_for_tasks()
    qtbot.wait(10)
    assert isinstance(page, InsightsPage)
    return page


def visible_label_texts(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [label.text() for label in page.findChildren(QLabel)
            if label.isVisibleTo(page) and label.text()]


def test_each_card_says_its_basis_once_in_a_footer_and_nowhere_else(window, app, clock, qtbot,
                                                                   wait_for_tasks):
    fill(app, clock)
    page = shown_page(window, qtbot, wait_for_tasks)
    cards = [c for c in page.findChildren(InsightCard) if c.isVisibleTo(page)]
    footers = [c.footer.text() for c in cards if c.footer.isVisibleTo(page)]
    assert "60 check-ins on 60 of the 90 days · Energy given on 60 of the 90 days" in footers
    assert "Based on 60 days with sleep logged" in footers
    others = [label.text() for label in page.findChildren(QLabel) if label.isVisibleTo(page)
              and not any(label is c.footer for c in cards)]
    for footer in footers:
        assert not any(footer in text for text in others), footer  # not in a card's text
    assert not any("Based on" in t or "check-ins on" in t for t in others)
    assert page.status.text() == "15 Dec 2025 to 14 Mar 2026"  # dates only, no basis


def test_the_association_caution_is_said_once_on_the_page(window, app, clock, qtbot,
                                                          wait_for_tasks):
    fill(app, clock)
    page = shown_page(window, qtbot, wait_for_tasks)
    texts = visible_label_texts(page)
    cautions = [t for t in texts if re.search(r"association|not (proof of )?cause", t)]
    assert len(cautions) == 1 and "not causes" in cautions[0]
    # ...above the patterns, which follow it
    assert page.patterns_heading is not None
    assert page.content_layout.indexOf(page.patterns_heading) < min(
        page.content_layout.indexOf(card) for card in page.findChildren(ChartCard)
        if card.title.text() == "Activities and mood")


def test_no_sentence_retells_what_a_chart_shows(window, app, clock, qtbot, wait_for_tasks):
    fill(app, clock)
    page = shown_page(window, qtbot, wait_for_tasks)
    texts = visible_label_texts(page)
    assert not any(t.startswith(("•", "On days with")) for t in texts)
    card = next(c for c in page.findChildren(ChartCard) if c.title.text() == "Emotions and mood")
    bars = [i for v in card.views for i in v.chart.items if isinstance(i, Rect)
            and i.fill in ("better", "worse")]
    assert len(bars) == 2  # calm and tired are drawn...
    sentences = [label.text() for label in card.findChildren(QLabel)
                 if label not in (card.title, card.meaning, card.footer)]
    assert sentences == []  # ...and not written out again under them
    sleep = next(c for c in page.findChildren(ChartCard) if c.title.text() == "Sleep and mood")
    extra = [label.text() for label in sleep.findChildren(QLabel)
             if label not in (sleep.title, sleep.meaning, sleep.footer)]
    assert len(extra) == 1 and "correlation of r = " in extra[0]  # what the bars cannot show


@pytest.mark.parametrize("size", [(800, 600), (2560, 1440)])
def test_values_sit_next_to_their_bars_on_the_page(window, app, clock, qtbot, wait_for_tasks,
                                                   size):
    fill(app, clock)
    window.resize(*size)
    page = shown_page(window, qtbot, wait_for_tasks)
    checked = 0
    for view in page.findChildren(ChartView):
        items = view.chart.items
        for bar in (i for i in items if isinstance(i, Rect) and i.fill == "mood"):
            row = [t for t in items if isinstance(t, Text) and bar.y <= t.y <= bar.y + bar.h + 8
                   and t.x > bar.x + bar.w - 1]
            assert row and min(t.x for t in row) - (bar.x + bar.w) <= 8, view.chart.title
            checked += 1
    assert checked >= 10  # weekday, time of day and sleep bars were all looked at


def test_mood_and_energy_are_stacked_on_one_x_axis(window, app, clock, qtbot, wait_for_tasks):
    fill(app, clock)
    window.resize(1300, 800)
    page = shown_page(window, qtbot, wait_for_tasks)
    card = next(c for c in page.findChildren(ChartCard)
                if c.title.text() == "Mood and energy over time")
    mood, energy = card.views
    assert (mood.chart.title, energy.chart.title) == ("Mood over time", "Energy over time")
    assert mood.width() == energy.width() and mood.x() == energy.x()

    def x_axis(view) -> tuple[float, float]:  # type: ignore[no-untyped-def]
        axis = max((i for i in view.chart.items if isinstance(i, Line) and i.color == "axis"),
                   key=lambda line: line.x2 - line.x1)
        return axis.x1, axis.x2

    assert x_axis(mood) == x_axis(energy)
    month_labels = [[(t.x, t.text) for t in v.chart.items if isinstance(t, Text)
                     and t.anchor == "middle" and t.color == "muted"] for v in (mood, energy)]
    assert month_labels[0] == month_labels[1] and month_labels[0]


def test_the_year_in_pixels_shows_the_whole_year_and_pages_by_keyboard(window, app, clock,
                                                                       qtbot, wait_for_tasks):
    zone = clock.now().tzinfo
    for day in (date(2025, 7, 1), date(2026, 1, 3), date(2026, 3, 10)):
        app.add_checkin(CheckInDraft(mood=5, at=datetime(day.year, day.month, day.day, 9,
                                                         tzinfo=zone)))
    page = shown_page(window, qtbot, wait_for_tasks)
    page.period.setCurrentIndex(0)  # the last 30 days: 13 February to 14 March
    page.period.activated.emit(0)
    wait_for_tasks()
    card = page.year_card
    assert card.title.text() == "Year in pixels, 2026"
    view = card.chart_view
    assert view is not None and view.chart.enough_data
    assert sum(isinstance(i, Rect) and i.fill == "pixel5" and i.w > 10
               for i in view.chart.items) == 2  # 3 January too, outside the period
    assert card.footer.text() == "Check-ins on 2 days in 2026"
    assert not card.next.isEnabled() and card.previous.isEnabled()
    assert card.previous.accessibleName() == "Previous year, 2025"
    window.activateWindow()
    card.previous.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(card.previous, Qt.Key.Key_Space)
    wait_for_tasks()
    assert card.title.text() == "Year in pixels, 2025" and card.footer.text() == (
        "Check-ins on 1 day in 2025")
    assert not card.previous.isEnabled() and card.next.isEnabled()
    assert QApplication.focusWidget() is card.next  # the keyboard is not dropped
    page.reload()  # a new period or new data keeps the year the person turned to
    wait_for_tasks()
    assert card.title.text() == "Year in pixels, 2025"
    qtbot.keyClick(card.next, Qt.Key.Key_Space)
    wait_for_tasks()
    page.reload()
    wait_for_tasks()
    qtbot.wait(20)
    # The card is as tall as the year it shows (after a reload it was squeezed to 98 px).
    assert card.height() >= card.minimumSizeHint().height() >= card.chart_view.height()
    card.previous.click()
    wait_for_tasks()
    qtbot.keyClick(card.next, Qt.Key.Key_Space)
    wait_for_tasks()
    assert card.title.text() == "Year in pixels, 2026"


def test_the_year_buttons_are_in_the_tab_order(window, app, clock, qtbot, wait_for_tasks):
    from tests.gui.tab_walk import walk

    fill(app, clock)
    app.add_checkin(CheckInDraft(mood=3, at=clock.now() - timedelta(days=400)))  # 2025
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    page = shown_page(window, qtbot, wait_for_tasks)
    assert page.year_card.previous.isEnabled()
    reached = [stop.widget for stop in walk(qtbot, window, page.period)]
    take = next(c for c in page.findChildren(QuestionnaireCard)).button
    assert page.year_card.previous in reached and take in reached
    assert reached.index(take) < reached.index(page.year_card.previous)  # reading order


def test_questionnaires_have_their_own_section_with_words_history_and_take_again(
        window, app, clock, qtbot, wait_for_tasks):
    fill(app, clock, 10)
    now = clock.now()
    app.save_questionnaire("phq9", [2, 2, 1, 1, 1, 1, 1, 1, 0], taken_at=now - timedelta(days=20))
    app.save_questionnaire("phq9", [1, 1, 1, 1, 1, 1, 0, 0, 0], taken_at=now - timedelta(days=2))
    page = shown_page(window, qtbot, wait_for_tasks)
    cards = {card.kind: card for card in page.findChildren(QuestionnaireCard)}
    assert list(cards) == list(QuestionnaireKind)
    phq9, gad7 = cards[QuestionnaireKind.PHQ9], cards[QuestionnaireKind.GAD7]
    assert phq9.title.text() == "PHQ-9 · low mood"
    assert phq9.words.text().startswith("Latest: 6 of 27 on 12 Mar 2026, in the mild band (5–9). "
                                        "Some of the problems came up, on some days.")
    assert "4 lower than the time before (better)." in phq9.words.text()
    assert phq9.chart_view is not None and phq9.footer.text() == "2 results in this period"
    assert phq9.button.text() == "Take again"
    assert gad7.button.text() == "Take" and gad7.chart_view is None
    assert gad7.words.text().startswith("Not taken yet.")
    assert not any("(PHQ-9)" in t or "Take a questionnaire" in t
                   for t in visible_label_texts(page))
    assert not [b for b in page.findChildren(QPushButton)
                if b.isVisibleTo(page) and b.menu() is not None]  # no drop-down any more
    phq9.button.click()
    dialogs = [w for w in QApplication.topLevelWidgets()
               if isinstance(w, QuestionnaireDialog) and w.isVisible()]
    assert len(dialogs) == 1 and dialogs[0].definition.kind is QuestionnaireKind.PHQ9
    dialogs[0].close()


def test_one_of_everything_is_counted_in_the_singular(window, app, clock, qtbot,
                                                      wait_for_tasks):
    app.add_checkin(CheckInDraft(mood=3, energy=3, sleep_hours=7, at=clock.now()))
    app.save_questionnaire("gad7", [1, 0, 0, 0, 0, 0, 0], taken_at=clock.now())
    page = shown_page(window, qtbot, wait_for_tasks)
    texts = " | ".join(visible_label_texts(page))
    assert "1 check-in on 1 of the 90 days" in texts and "1 result in this period" in texts
    assert not re.search(r"\b1 (check-ins|days|results)\b", texts), texts


# -- the summary ------------------------------------------------------------------------------

def test_the_summary_starts_with_the_period_insights_shows(window, app, clock, qtbot,
                                                           wait_for_tasks):
    fill(app, clock, 5)
    page = shown_page(window, qtbot, wait_for_tasks)
    today = clock.now().date()
    for index, days in ((1, 90), (0, 30), (2, 365)):
        page.period.setCurrentIndex(index)
        page.period.activated.emit(index)
        wait_for_tasks()
        dialog = page.open_summary()
        assert isinstance(dialog, SummaryDialog)
        request = dialog.request()
        assert (request.start, request.end) == (today - timedelta(days=days - 1), today)
        dialog.close()
        wait_for_tasks(30_000)


def test_the_preview_is_there_when_the_dialog_opens_and_follows_each_change(
        window, app, clock, ctx, qtbot, wait_for_tasks):
    fill(app, clock, 1)
    dialog = SummaryDialog(ctx, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.pdf is not None, timeout=30_000)  # nothing pressed
    first = dialog.pdf
    pages = dialog.preview.page_labels()
    assert pages and "Check them, then save." in dialog.status.text()
    assert "2 pages" in dialog.status.text()  # a short period is two pages, not six
    dialog.parts[next(iter(dialog.parts))].setChecked(False)
    assert dialog.pdf is None  # what is shown is out of date at once...
    qtbot.waitUntil(lambda: dialog.pdf is not None, timeout=30_000)  # ...and redrawn
    assert dialog.pdf != first
    dialog.name.setText("A")
    dialog.name.setText("Al")
    dialog.name.setText("Alex")  # typing: gathered into one render after a pause
    qtbot.waitUntil(lambda: dialog.pdf is not None, timeout=30_000)
    wait_for_tasks(30_000)


def test_a_slow_old_preview_never_replaces_a_newer_one(window, app, clock, ctx, qtbot,
                                                       wait_for_tasks, monkeypatch):
    threads: list[str] = []
    release = threading.Event()

    def fake_render(summary):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        if summary.request.name == "old":
            release.wait(10)  # finishes only after the newer one
        return f"pdf for {summary.request.name}".encode()

    monkeypatch.setattr(summary_preview, "render_pdf", fake_render)
    monkeypatch.setattr("companion.summary.preview.page_images", lambda pdf: [])
    monkeypatch.setattr("companion.summary.preview.page_count", lambda pdf: 0)
    dialog = SummaryDialog(ctx, window)
    qtbot.addWidget(dialog)
    wait_for_tasks()
    dialog.name.setText("old")
    dialog.make_preview()
    qtbot.waitUntil(lambda: len(threads) == 2)  # the opening one, and "old" is rendering
    dialog.name.setText("new")
    dialog.make_preview()
    qtbot.waitUntil(lambda: dialog.pdf == b"pdf for new", timeout=10_000)
    release.set()
    wait_for_tasks()
    qtbot.wait(50)
    assert dialog.pdf == b"pdf for new"  # the old one came last, and was dropped
    assert threading.main_thread().name not in threads  # never on the GUI thread


def test_a_wrong_period_in_the_summary_says_so_instead_of_a_preview(window, app, clock, ctx,
                                                                     qtbot, wait_for_tasks):
    dialog = SummaryDialog(ctx, window)
    qtbot.addWidget(dialog)
    wait_for_tasks(30_000)
    dialog.start.setDate(dialog.end.date().addDays(3))
    qtbot.waitUntil(lambda: dialog.error.isVisibleTo(dialog), timeout=5_000)
    assert "before it starts" in dialog.error.text() and dialog.pdf is None
    wait_for_tasks(30_000)


def test_a_long_summary_says_how_many_pages_it_has_and_a_bad_period_clears_the_pages(
        window, app, clock, ctx, qtbot, wait_for_tasks, monkeypatch):
    """The preview draws the first pages only; the status said that number ("40 pages") for
    a 192-page PDF. And a period From after To left the last period's pages on show."""
    import companion.summary.preview as preview

    drawn = preview.page_images
    monkeypatch.setattr(preview, "page_images", lambda pdf: drawn(pdf, limit=1))
    fill(app, clock, 1)
    dialog = SummaryDialog(ctx, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.pdf is not None, timeout=30_000)
    assert "2 pages; the first 1 are shown here" in dialog.status.text()
    assert len(dialog.preview.page_labels()) == 1
    dialog.start.setDate(dialog.end.date().addDays(5))  # From after To
    qtbot.waitUntil(lambda: dialog.error.isVisibleTo(dialog), timeout=10_000)
    qtbot.wait(50)  # the old pages are deleted on the next turn of the event loop
    assert dialog.preview.page_labels() == []
    wait_for_tasks(30_000)
