"""`companion questionnaire`: scoring given answers, asking interactively, the crisis screen."""

from __future__ import annotations

import json
import os

import pytest

from companion.app import CompanionApp
from tests.conftest import PASSPHRASE
from tests.support.cli_tty import run_in_tty

CRISIS_HEAD = "— Support, if you need it now —"


def saved_results(home):  # type: ignore[no-untyped-def]
    app = CompanionApp(home)
    app.unlock(PASSPHRASE)
    try:
        return app.questionnaire_history()
    finally:
        app.close()


def test_answers_are_scored_and_saved(cli, vault_home):
    result = cli("questionnaire", "gad7", "--answers", "2,2,2,2,1,1,0")
    assert result.code == 0, result.err
    assert result.out.startswith("GAD-7: 10/21, moderate\n")
    assert "Saved as result 1." in result.out
    assert CRISIS_HEAD not in result.out
    [saved] = saved_results(vault_home)
    assert (saved.result.answers, saved.result.total) == ((2, 2, 2, 2, 1, 1, 0), 10)


def test_no_save_keeps_nothing(cli, vault_home):
    result = cli("questionnaire", "phq9", "--answers", "0 0 0 0 0 0 0 0 0", "--no-save")
    assert result.code == 0, result.err
    assert "PHQ-9: 0/27, minimal" in result.out and "Not saved." in result.out
    assert saved_results(vault_home) == []


def test_item9_above_zero_shows_the_crisis_resources_first(cli, vault_home):
    result = cli("questionnaire", "phq9", "--answers", "0,0,0,0,0,0,0,0,1")
    assert result.code == 0, result.err
    assert result.out.startswith(CRISIS_HEAD)
    crisis_at = result.out.index(CRISIS_HEAD)
    assert crisis_at < result.out.index("PHQ-9: 1/27, minimal")
    for expected in ("findahelpline.com", "988", "116 123", "13 11 14", "0800 111 0 111",
                     "emergency number", str(vault_home / "crisis_resources.json")):
        assert expected in result.out


def test_a_user_edited_crisis_list_is_shown(cli, vault_home):
    (vault_home / "crisis_resources.json").write_text(json.dumps({
        "format": 1, "international": [{"name": "Call Sam, my sister", "phone": "555 0100"}]}))
    result = cli("questionnaire", "phq9", "--answers", "1,1,1,1,1,1,1,1,2")
    assert result.code == 0, result.err
    assert "Call Sam, my sister: call 555 0100" in result.out
    assert "988" not in result.out


def test_who5_prints_the_percentage_and_its_flags(cli, vault_home):
    result = cli("questionnaire", "who5", "--answers", "2,2,2,3,3")
    assert result.code == 0, result.err
    assert result.out.startswith("WHO-5: 48/100 (raw 12/25), low wellbeing\n")
    assert "below 50" in result.out


def test_json_output(cli, vault_home):
    result = cli("questionnaire", "phq9", "--answers", "3,3,3,3,3,3,3,3,3", "--json")
    assert result.code == 0, result.err
    value = json.loads(result.out)
    assert (value["total"], value["band"], value["flags"], value["id"]) == (
        27, "severe", ["item9_positive"], 1)
    assert "findahelpline.com" in value["crisis_resources"]
    assert CRISIS_HEAD in result.err  # shown to the person too, outside the JSON


@pytest.mark.parametrize(("answers", "message"), [
    ("1,2", "companion: GAD-7 has 7 items; 2 answers were given. Give one answer from 0 to 3 "
            "for each item, in order.\n"),
    ("1,2,3,4,0,0,0", "companion: Answer 4 of the GAD-7 must be a whole number from 0 to 3, "
                      "not 4.\n"),
    ("1,x,0,0,0,0,0", "companion: 'x' is not an answer: answers are whole numbers.\n"),
])
def test_invalid_answers_exit_1_with_one_line(cli, vault_home, answers, message):
    result = cli("questionnaire", "gad7", "--answers", answers)
    assert (result.code, result.out, result.err) == (1, "", message)
    assert saved_results(vault_home) == []


def test_usage_errors_exit_2(cli, vault_home):
    assert cli("questionnaire", "bdi").code == 2
    assert cli("questionnaire", "phq9", "--answers", "0", "--history").code == 2


def test_interactive_answers_from_stdin_after_the_passphrase(cli, vault_home):
    result = cli("questionnaire", "who5", stdin="3\n3\n3\n3\n3\n")
    assert result.code == 0, result.err
    assert "Over the last two weeks" in result.out
    assert "5  All of the time" in result.out and "0  At no time" in result.out
    assert "1. I have felt cheerful and in good spirits" in result.out
    assert "WHO-5: 60/100 (raw 15/25), adequate wellbeing" in result.out
    assert saved_results(vault_home)[0].result.answers == (3,) * 5


def test_interactive_item9_shows_the_crisis_screen_at_once(cli, vault_home):
    result = cli("questionnaire", "phq9", stdin="0\n" * 8 + "2\n1\n")
    assert result.code == 0, result.err
    out = result.out
    assert out.index("9. Thoughts that you would be better off dead") < out.index(CRISIS_HEAD)
    assert out.index(CRISIS_HEAD) < out.index("If you checked off any problems, how difficult")
    assert out.index(CRISIS_HEAD) < out.index("PHQ-9: 2/27, minimal")
    assert "Difficulty: Somewhat difficult" in out
    assert saved_results(vault_home)[0].result.followup == 1


def test_the_difficulty_question(cli, vault_home):
    # Not asked when no problem was checked off; skipped with an empty line.
    none = cli("questionnaire", "phq9", "--no-save", stdin="0\n" * 9)
    assert none.code == 0 and "how difficult" not in none.out
    skipped = cli("questionnaire", "phq9", stdin="1\n" + "0\n" * 8 + "\n")
    assert skipped.code == 0 and "Difficulty:" not in skipped.out
    assert saved_results(vault_home)[0].result.followup is None
    given = cli("questionnaire", "phq9", "--answers", "1,0,0,0,0,0,0,0,0", "--difficulty", "3",
                "--json")
    assert json.loads(given.out)["followup"] == 3
    for argv in (["gad7", "--answers", "0,0,0,0,0,0,0", "--difficulty", "1"],
                 ["phq9", "--answers", "0,0,0,0,0,0,0,0,0", "--difficulty", "4"],
                 ["phq9", "--difficulty", "1"]):
        wrong = cli("questionnaire", *argv)
        assert wrong.code == 1 and wrong.err.count("\n") == 1, wrong


@pytest.mark.parametrize("stdin", ["0\n0\n7\n", "0\nabc\n", "0\n0\n"])
def test_interactive_bad_or_missing_answers_exit_1(cli, vault_home, stdin):
    result = cli("questionnaire", "gad7", stdin=stdin)
    assert result.code == 1
    assert result.err.startswith("companion: ") and result.err.count("\n") == 1
    assert saved_results(vault_home) == []


def test_history_and_trend(cli, vault_home):
    assert cli("questionnaire", "phq9", "--history").out == "No saved PHQ-9 results yet.\n"
    cli("questionnaire", "phq9", "--answers", "2,2,2,2,2,2,2,2,0")
    cli("questionnaire", "phq9", "--answers", "1,1,1,1,1,1,1,1,0")
    result = cli("questionnaire", "phq9", "--history")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].endswith(" 16/27  moderately severe")
    assert lines[1].endswith("  8/27  mild")
    assert lines[2] == "Change since the previous result: -8"
    value = json.loads(cli("questionnaire", "phq9", "--history", "--json").out)
    assert value["change"] == -8 and len(value["results"]) == 2


@pytest.mark.skipif(os.name != "posix", reason="needs a pseudo-terminal")
def test_on_a_terminal_a_wrong_answer_is_asked_again(vault_home):
    prompt = "Your answer (0–3): "
    answers = [("Passphrase: ", PASSPHRASE), (prompt, "9"), ("type a number", "1")]
    answers += [(prompt, "0")] * 6
    result = run_in_tty(["questionnaire", "gad7", "--no-save"], answers)
    assert result.code == 0, result.err
    assert "9 is not an answer; type a number from 0 to 3." in result.terminal
    assert "GAD-7: 1/21, minimal" in result.terminal


def test_crisis_resources_need_no_passphrase(cli, private_home):
    result = cli("crisis-resources", passphrase=False)
    assert result.code == 0, result.err
    assert "findahelpline.com" in result.out and "988" in result.out
    assert not private_home.exists() or not (private_home / "vault.key").exists()


def test_crisis_resources_edit_starts_a_copy_and_keeps_it(cli, vault_home):
    result = cli("crisis-resources", "--edit", passphrase=False)
    path = vault_home / "crisis_resources.json"
    assert result.code == 0, result.err
    assert result.out.startswith(f"Wrote a copy of the list in {path}.")
    if os.name == "posix":
        assert path.stat().st_mode & 0o777 == 0o600
    path.write_text(json.dumps({"format": 1, "international": [{"name": "My GP", "phone": "1"}]}))
    again = cli("crisis-resources", "--edit", passphrase=False)
    assert again.out.startswith(f"Your own list is in {path}.")
    shown = cli("crisis-resources", passphrase=False).out
    assert "My GP: call 1" in shown and "988" not in shown


def test_crisis_resources_put_the_country_chosen_in_the_app_first(cli, private_home):
    """The country picked on the app's support screen is remembered for the CLI too."""
    from companion.preferences import Preferences, save_preferences

    save_preferences(private_home, Preferences(crisis_country="DE"))
    result = cli("crisis-resources", passphrase=False)
    assert result.code == 0
    first_country = result.out.index("Germany (emergency: 112)")
    assert first_country < result.out.index("United States")
