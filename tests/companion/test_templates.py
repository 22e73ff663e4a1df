"""Templates and the question for today (companion/prompts.py, companion/templates.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from companion.app import CompanionApp
from companion.clock import FakeClock
from companion.errors import InvalidInput, NotFound
from companion.prompts import (
    question_for,
    reflective_questions,
    shipped_templates,
    template_sections,
)
from companion.templates import MAX_BODY, MAX_NAME, MAX_OWN_TEMPLATES
from tests.conftest import PASSPHRASE


def test_the_shipped_templates() -> None:
    by_key = {t.key: t for t in shipped_templates()}
    assert list(by_key) == ["three-good-things", "thought-record", "weekly-review",
                            "before-therapy", "after-therapy"]
    record = by_key["thought-record"].body
    headings = [h for h, _ in template_sections(record) if h]
    assert headings == [
        "## Situation", "## Automatic thought", "## Feeling, and how strong it was (0–100)",
        "## Evidence for the thought", "## Evidence against the thought",
        "## A more balanced thought", "## The feeling now, and how strong it is (0–100)"]
    for template in shipped_templates():
        assert template.shipped and template.body.strip()
        assert [h for h, _ in template_sections(template.body) if h], template.name


def test_sections_of_a_template_without_headings() -> None:
    assert template_sections("Just write.\n") == [("", "Just write.")]
    assert template_sections("Intro\n\n## One\nhint\n### Two\n") == [
        ("", "Intro"), ("## One", "hint"), ("### Two", "")]
    assert template_sections("#hashtag is not a heading") == [("", "#hashtag is not a heading")]


def test_question_for_today_is_one_a_day_and_each_in_turn() -> None:
    questions = reflective_questions()
    assert len(questions) >= 30 and len(set(questions)) == len(questions)
    start = date(2026, 3, 14)
    seen = [question_for(start + timedelta(days=n)) for n in range(len(questions))]
    assert sorted(seen) == sorted(questions)  # every one before any comes back
    assert question_for(start) == question_for(date(2026, 3, 14))


def test_question_can_be_set_aside_for_the_day_or_for_good(app: CompanionApp,
                                                           clock: FakeClock) -> None:
    today = clock.now().date()
    assert app.question_for_today() == question_for(today)
    app.save_preferences(replace(app.preferences, question_set_aside_on=today.isoformat()))
    assert app.question_for_today() is None
    clock.advance(days=1)
    assert app.question_for_today() == question_for(today + timedelta(days=1))
    app.save_preferences(replace(app.preferences, question_of_the_day=False))
    assert app.question_for_today() is None


def test_own_templates_add_edit_delete(app: CompanionApp) -> None:
    made = app.add_template("  Morning   pages ", "## Three pages\n\n")
    assert made.name == "Morning pages" and not made.shipped
    assert [t.name for t in app.templates()][-1] == "Morning pages"
    assert app.find_template("morning PAGES").body == "## Three pages\n\n"
    assert app.find_template("thought-record").name == "Thought record"
    assert made.own_id is not None
    changed = app.update_template(made.own_id, name="Evening pages", body="## Today\n")
    assert app.find_template("evening pages") == changed
    with pytest.raises(NotFound):
        app.find_template("Morning pages")
    app.delete_template(made.own_id)
    assert all(t.shipped for t in app.templates())
    with pytest.raises(NotFound):
        app.delete_template(made.own_id)


def test_own_templates_are_kept_in_the_vault(app: CompanionApp) -> None:
    app.add_template("Gratitude", "## Today I'm grateful for\n")
    app.lock()
    app.unlock(PASSPHRASE)
    assert app.find_template("gratitude").body == "## Today I'm grateful for\n"


def test_own_templates_bad_input(app: CompanionApp) -> None:
    with pytest.raises(InvalidInput, match="needs a name"):
        app.add_template("  ", "body")
    with pytest.raises(InvalidInput, match="some text"):
        app.add_template("Empty", " \n")
    with pytest.raises(InvalidInput, match=f"at most {MAX_NAME}"):
        app.add_template("n" * (MAX_NAME + 1), "body")
    with pytest.raises(InvalidInput, match="at most 20,000"):
        app.add_template("Long", "x" * (MAX_BODY + 1))
    with pytest.raises(InvalidInput, match="comes with Companion"):
        app.add_template("thought RECORD", "body")
    with pytest.raises(InvalidInput, match="NUL"):
        app.add_template("Nul", "a\x00b")
    app.add_template("Mine", "body")
    with pytest.raises(InvalidInput, match="already have"):
        app.add_template("MINE", "other")


def test_at_most_so_many_own_templates(app: CompanionApp) -> None:
    with app.vault.database.transaction() as cur:
        for n in range(MAX_OWN_TEMPLATES):
            cur.execute("INSERT INTO entry_templates (name, body, created_us, updated_us)"
                        " VALUES (?, 'b', 0, 0)", (f"t{n}",))
    with pytest.raises(InvalidInput, match=f"up to {MAX_OWN_TEMPLATES}"):
        app.add_template("One more", "body")


def test_own_templates_are_in_backups(app: CompanionApp, tmp_path, clock) -> None:  # type: ignore[no-untyped-def]
    app.add_template("Gratitude", "## Today I'm grateful for\n")
    app.backup(tmp_path / "journal.cbak")
    home = tmp_path / "restored"
    CompanionApp.restore_backup(home, tmp_path / "journal.cbak", PASSPHRASE)
    restored = CompanionApp(home, clock=clock)
    restored.open()
    restored.unlock(PASSPHRASE)
    try:
        assert restored.find_template("gratitude").body == "## Today I'm grateful for\n"
    finally:
        restored.close()
