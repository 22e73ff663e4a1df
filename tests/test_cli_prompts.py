"""`companion on-this-day`, `companion add --template` and `companion templates` (issue 20)."""

from __future__ import annotations

import json
import sys

import pytest

from companion.prompts import shipped_templates
from tests.conftest import PASSPHRASE
from tests.support.cli_tty import run_in_tty

pytestmark = pytest.mark.usefixtures("vault_home")


def test_on_this_day(cli) -> None:  # type: ignore[no-untyped-def]
    cli("add", "-", "--at", "2025-03-14T21:00+01:00", stdin="Lantern walk\nby the river\n")
    cli("checkin", "--mood", "5", "--note", "-", "--at", "2024-03-14T08:00+01:00",
        stdin="sunny\n")
    cli("add", "-", "--at", "2026-02-14T10:00+01:00", stdin="Valentine's\n")
    result = cli("on-this-day", "--date", "2026-03-14")
    assert result.code == 0, result.err
    assert result.out == ("A year ago · 2025-03-14\n"
                          "  e1      21:00  Lantern walk\n"
                          "\n"
                          "2 years ago · 2024-03-14\n"
                          "  c1      08:00  Felt great: sunny\n"
                          "\n"
                          "A month ago · 2026-02-14\n"
                          "  e2      10:00  Valentine's\n")
    data = json.loads(cli("on-this-day", "--date", "2026-03-14", "--json").out)
    assert data["date"] == "2026-03-14"
    assert [(d["day"], d["years_ago"]) for d in data["days"]] == [
        ("2025-03-14", 1), ("2024-03-14", 2), ("2026-02-14", 0)]
    assert data["days"][1]["items"] == [{"id": "c1", "kind": "checkin", "time": "08:00",
                                         "text": "Felt great: sunny", "mood": 5}]


def test_on_this_day_leaves_out_hard_days_when_asked(cli, vault_home) -> None:  # type: ignore[no-untyped-def]
    from companion.preferences import Preferences, save_preferences

    cli("checkin", "--mood", "2", "--at", "2025-03-14T08:00+01:00")
    cli("add", "-", "--at", "2025-03-14T21:00+01:00", stdin="After a hard day\n")
    cli("add", "-", "--at", "2024-03-14T21:00+01:00", stdin="An easy one\n")
    assert "After a hard day" in cli("on-this-day", "--date", "2026-03-14").out
    save_preferences(vault_home, Preferences(on_this_day_skip_hard_days=True))
    result = cli("on-this-day", "--date", "2026-03-14")
    assert result.out == "2 years ago · 2024-03-14\n  e2      21:00  An easy one\n"


def test_on_this_day_nothing_and_bad_date(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("on-this-day", "--date", "2026-03-14")
    assert (result.code, result.out) == (0, "Nothing from this date in earlier years, or a "
                                            "month ago (2026-03-14).\n")
    result = cli("on-this-day", "--date", "14/03/2026")
    assert result.code == 1 and "is not a date" in result.err


def test_add_from_a_template_takes_answers_in_order(cli) -> None:  # type: ignore[no-untyped-def]
    answers = "A walk in the sun\nwith Sam\n\n\nCoffee\n\nSlept well\n"
    result = cli("add", "--template", "three good things", "--tag", "gratitude", stdin=answers)
    assert (result.code, result.out) == (0, "e1\n"), result.err
    entry = json.loads(cli("show", "e1", "--json").out)
    assert entry["title"] == "Three good things" and entry["tags"] == ["gratitude"]
    body = entry["body"]
    assert body.index("## The first good thing") < body.index("A walk in the sun\nwith Sam") \
        < body.index("## The second good thing") < body.index("Coffee") \
        < body.index("## The third good thing") < body.index("Slept well")
    # `-` says the same thing: the answers are on standard input.
    result = cli("add", "-", "--template", "thought-record", "--title", "Monday",
                 stdin="At work\n\nThey think I'm useless\n")
    assert result.code == 0, result.err
    entry = json.loads(cli("show", "e2", "--json").out)
    assert entry["title"] == "Monday"
    assert "## Situation\n\n_Where were you" in entry["body"] and "At work" in entry["body"]
    assert "## A more balanced thought" in entry["body"]  # parts not answered stay, empty


def test_more_answers_than_parts_are_kept_at_the_end(cli) -> None:  # type: ignore[no-untyped-def]
    cli("templates", "add", "Two", "-", stdin="## One\n\n## Two\n")
    result = cli("add", "--template", "two", stdin="first\n\nsecond\n\nthird\n")
    assert result.code == 0, result.err
    assert json.loads(cli("show", "e1", "--json").out)["body"] == \
        "## One\n\nfirst\n\n## Two\n\nsecond\n\nthird\n"


def test_add_from_a_template_refusals(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("add", "--template", "three good things", stdin="\n\n")
    assert result.code == 1 and "Nothing was written, so no entry was saved" in result.err
    result = cli("add", "--template", "no such thing", stdin="words\n")
    assert result.code == 1 and "no template called 'no such thing'" in result.err
    result = cli("add", "typed words", "--template", "weekly review")
    assert result.code == 2 and "standard input" in result.err
    result = cli("add")
    assert result.code == 2 and "--template" in result.err
    assert json.loads(cli("list", "--json").out) == []


def test_own_templates(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("templates", "add", "Morning pages", "-", stdin="## Three pages\n\n")
    assert (result.code, result.out) == (0, "Saved the template 'Morning pages'.\n")
    listed = json.loads(cli("templates", "list", "--json").out)
    assert [t["name"] for t in listed] == [*(t.name for t in shipped_templates()),
                                           "Morning pages"]
    assert listed[-1] == {"name": "Morning pages", "key": None, "shipped": False}
    assert "Morning pages  (yours)" in cli("templates", "list").out
    assert cli("templates", "show", "morning pages").out == "## Three pages\n"
    result = cli("add", "--template", "Morning pages", stdin="Wrote a lot\n")
    assert result.code == 0, result.err
    assert json.loads(cli("show", "e1", "--json").out)["body"] == \
        "## Three pages\n\nWrote a lot\n"
    assert cli("templates", "edit", "morning pages", "--rename", "Pages").code == 0
    assert cli("templates", "edit", "pages", "--body", "-", stdin="## New\n").code == 0
    assert cli("templates", "show", "pages").out == "## New\n"
    result = cli("templates", "delete", "pages")
    assert result.out == "Deleted the template 'Pages'. Entries written from it are kept.\n"
    assert cli("show", "e1").code == 0


def test_shipped_templates_cannot_be_changed(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("templates", "delete", "thought record")
    assert result.code == 1 and "comes with Companion and cannot be changed" in result.err
    result = cli("templates", "add", "Weekly review", "-", stdin="mine\n")
    assert result.code == 1 and "comes with Companion" in result.err
    result = cli("templates", "edit", "Weekly review")
    assert result.code == 1


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_add_from_a_template_at_a_terminal_asks_each_part(cli) -> None:  # type: ignore[no-untyped-def]
    """In a terminal each part is shown with its hint and asked in turn; Enter at once
    leaves a part blank."""
    result = run_in_tty(["add", "--template", "Three good things"], [
        ("Passphrase: ", PASSPHRASE),
        ("## The first good thing", "A walk by the river\n"),
        ("## The second good thing", ""),
        ("## The third good thing", "Slept well\n")], stderr_on_terminal=True)
    assert result.code == 0, result
    assert "an empty line moves on to the next" in result.terminal
    assert "_What happened, and why do you think it did?_" in result.terminal
    assert "e1" in result.terminal and PASSPHRASE not in result.terminal
    body = json.loads(cli("show", "e1", "--json").out)["body"]
    assert "## The first good thing\n\n_What happened, and why do you think it did?_\n\n" \
           "A walk by the river\n\n## The second good thing\n\n_What happened, and why?_\n\n" \
           "## The third good thing\n\n_What happened, and why?_\n\nSlept well\n" in body
