"""The command line's grammar: its written-out choices match the domain's own lists, a
command's name is found the way argparse finds it, and durations parse strictly."""

from __future__ import annotations

import argparse

import pytest
from hypothesis import given
from hypothesis import strategies as st

from companion.cli import parser_groups as groups
from companion.cli.parser import build_parser, command_named_in


def test_written_out_choices_match_the_domain():
    from companion.cli.commands.screentime import IMPORT_DAYS
    from companion.imports import KINDS
    from companion.imports.jrnl import DEFAULT_TIMEFORMAT
    from companion.questionnaires import QuestionnaireKind
    from companion.screentime.activitywatch import DEFAULT_URL
    from companion.screentime.tracker import WEEKDAYS
    from companion.summary import Paper, Part, SummaryFormat

    assert tuple(kind.value for kind in QuestionnaireKind) == groups.QUESTIONNAIRE_KINDS
    assert groups.IMPORT_KINDS == KINDS
    assert groups.JRNL_TIMEFORMAT == DEFAULT_TIMEFORMAT
    assert tuple(f.value for f in SummaryFormat) == groups.SUMMARY_FORMATS
    assert tuple(p.value for p in Paper) == groups.SUMMARY_PAPERS
    assert tuple(p.value for p in Part) == groups.SUMMARY_PARTS
    assert tuple(day[:3] for day in WEEKDAYS) == groups.WEEKDAY_ABBREVIATIONS
    assert groups.ACTIVITYWATCH_URL == DEFAULT_URL
    assert groups.ACTIVITYWATCH_IMPORT_DAYS == IMPORT_DAYS


_TOP_OPTIONS = st.lists(st.sampled_from(["--passphrase-stdin", "--demo", ("--home", "DIR"),
                                         ("--home", "circle")]), max_size=3)
_COMMANDS = ["add", "list", "circle", "screentime", "export", "import", "questionnaire",
             "unlock", "status"]


@given(options=_TOP_OPTIONS, command=st.sampled_from(_COMMANDS),
       rest=st.lists(st.sampled_from(["--help", "x", "--home", "-"]), max_size=3))
def test_the_command_is_found_as_argparse_finds_it(options, command, rest):
    argv: list[str] = []
    for option in options:
        argv.extend(option if isinstance(option, tuple) else [option])
    argv += [command, *rest]
    assert command_named_in(argv) == command


@pytest.mark.parametrize("argv", [[], ["--version"], ["--home", "x"], ["--", "list"]])
def test_no_command(argv):
    assert command_named_in(argv) == ""


@pytest.mark.parametrize("command", ["circle", "screentime", "export", "import",
                                     "questionnaire"])
def test_a_partial_parser_parses_its_command_as_the_whole_one_does(command):
    argv = {"circle": ["circle", "feed", "Friends", "--limit", "5"],
            "screentime": ["screentime", "budget", "set", "video", "45", "--weekday", "sat"],
            "export": ["export", "summary", "-o", "x.pdf", "--from", "2026-01-01",
                       "--to", "2026-01-31", "--paper", "letter"],
            "import": ["import", "jrnl", "j.txt", "--time-zone", "Europe/Lisbon"],
            "questionnaire": ["questionnaire", "gad7", "--answers", "1,0,2,1,0,0,1"]}[command]
    assert build_parser(argv).parse_args(argv) == build_parser().parse_args(argv)


@pytest.mark.parametrize(("text", "seconds"), [("15m", 900), ("1h30m", 5400), ("90s", 90),
                                                ("2h", 7200), ("30", 1800), ("0", 0),
                                                (" 7M ", 420)])
def test_durations(text, seconds):
    assert groups.parse_duration(text) == seconds


@given(st.text(max_size=12) | st.from_regex(r"\A[0-9hms ]{1,6000}\Z"))
def test_any_text_is_a_duration_or_a_clear_error(text):
    try:
        seconds = groups.parse_duration(text)
    except argparse.ArgumentTypeError as exc:
        assert "is not a duration such as 15m" in str(exc)
    else:
        assert 0 <= seconds <= 7 * 24 * 3600
