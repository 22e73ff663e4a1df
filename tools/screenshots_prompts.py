"""Screenshots of issue 20's writing aids: Today with "On this day" and "A question for
today", the template chooser, and a thought record being written (called from
tools/screenshots.py on its demo window)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

THOUGHT_RECORD_ANSWERS = {
    "## Situation": "Monday's team meeting. My idea was passed over without a word.",
    "## Automatic thought": "Nobody takes me seriously. I shouldn't have spoken.",
    "## Feeling, and how strong it was (0–100)": "Embarrassed, 70. Anxious, 60.",
    "## Evidence for the thought": "Nobody answered, and the talk moved on quickly.",
    "## Evidence against the thought": "Sam asked me about it afterwards. The meeting was "
                                       "running late and everyone was rushing.",
    "## A more balanced thought": "The timing was bad, not the idea. I can bring it up again "
                                  "on Thursday, with Sam.",
    "## The feeling now, and how strong it is (0–100)": "Embarrassed, 30.",
}


def filled_thought_record(body: str) -> str:
    """The shipped thought record with an answer under each heading's hint."""
    from companion.prompts import template_sections

    parts = []
    for heading, hint in template_sections(body):
        answer = THOUGHT_RECORD_ANSWERS.get(heading, "")
        parts.append("\n\n".join(p for p in (heading, hint, answer) if p))
    return "\n\n".join(parts) + "\n"


def render_prompts(window: object, pump: Callable[[int], None], out: Path,
                   theme: str) -> None:
    from companion.prompts import shipped_templates
    from ui.dialogs.template_chooser import TemplateChooser
    from ui.main_window import MainWindow
    from ui.pages.journal import JournalPage
    from ui.pages.today import TodayPage

    assert isinstance(window, MainWindow) and window.workspace is not None
    _earlier_years(window.app)
    today = window.workspace.show_page(TodayPage)
    assert isinstance(today, TodayPage)
    today.refresh()
    pump(600)
    today.scroll_area.ensureWidgetVisible(today.question)
    pump(200)
    window.grab().save(str(out / f"on-this-day-{theme}.png"))

    window.workspace.choose_template()
    pump(400)
    chooser = window.findChildren(TemplateChooser)[-1]
    chooser.list.setCurrentRow(1)  # the thought record
    pump(200)
    chooser.grab().save(str(out / f"template-chooser-{theme}.png"))
    chooser.reject()
    pump(100)

    record = next(t for t in shipped_templates() if t.key == "thought-record")
    journal = window.workspace.show_page(JournalPage)
    assert isinstance(journal, JournalPage)
    journal.editing.new_entry_from(record.name, record.body)
    journal.editor.body.selectAll()  # typed, as a person fills it in: Save is offered
    journal.editor.body.insertPlainText(filled_thought_record(record.body))
    journal.editor.toggle_preview()
    pump(300)
    journal.editor.preview.verticalScrollBar().setValue(0)
    pump(100)
    window.grab().save(str(out / f"thought-record-{theme}.png"))
    journal.editor.toggle_preview()
    journal.editor.start_new()  # not saved: the demo's journal stays as it was
    pump(100)


def _earlier_years(app: object) -> None:
    """The demo holds a year; a person who has journaled longer sees earlier years too. Run
    last, so no other picture shows these."""
    from datetime import timedelta

    from companion.app import CompanionApp
    from companion.models import CheckInDraft, EntryDraft

    assert isinstance(app, CompanionApp)
    now = app.clock.now()
    year_ago = now.replace(year=now.year - 1, hour=19, minute=5)
    app.add_entry(EntryDraft(title="First frost, and soup with Mum", at=year_ago))
    app.add_checkin(CheckInDraft(mood=4, note="Calmer after the walk",
                                 at=year_ago - timedelta(hours=10)))
    app.add_entry(EntryDraft(body="Started this journal. Nervous, but glad I did.",
                             at=now.replace(year=now.year - 2, hour=22, minute=30)))
