"""Text given as `-` comes from standard input, so that a person's words never need to be on a
command line (which every user of the computer can read in `ps`): the README's own examples
are checked for it."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from companion.cli import prompts
from companion.cli.parser import build_parser
from tests.conftest import PROJECT_ROOT

pytestmark = pytest.mark.usefixtures("vault_home")


def test_checkin_note_and_search_words_from_stdin(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("checkin", "--mood", "3", "--note", "-", stdin="a long day\n").code == 0
    assert cli("add", "-", stdin="River\nwalked by the river\n").code == 0
    [checkin] = json.loads(cli("list", "--kind", "checkin", "--json").out)
    assert checkin["note"] == "a long day"
    result = cli("search", "-", "--json", stdin="river walked\n")
    assert [hit["id"] for hit in json.loads(result.out)] == ["e1"]


def test_edit_reads_one_field_from_stdin(cli) -> None:  # type: ignore[no-untyped-def]
    cli("checkin", "--mood", "3")
    assert cli("edit", "c1", "--note", "-", stdin="better after dinner\n").code == 0
    assert json.loads(cli("show", "c1", "--json").out)["note"] == "better after dinner"
    cli("add", "-", stdin="Title\nbody\n")
    assert cli("edit", "e1", "--title", "-", stdin="New title\n").code == 0
    assert json.loads(cli("show", "e1", "--json").out)["title"] == "New title"


def test_only_one_dash_per_command(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("add", "-", "--title", "-", stdin="words\n")
    assert result.code == 2
    assert "cannot both be - (standard input holds one text)" in result.err
    assert json.loads(cli("list", "--json").out) == []  # nothing was written


def test_a_search_from_stdin_is_one_line(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("search", "-", stdin="two\nlines\n")
    assert result.code == 2 and "QUERY from standard input must be one line" in result.err


def test_standard_input_has_a_bound(cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(prompts, "STDIN_TEXT_LIMIT", 2**20)
    result = cli("add", "-", stdin="x" * (2**20 + 10))
    assert result.code == 1
    assert "more than 1 MiB of text for TEXT" in result.err and "Nothing was changed" in result.err
    assert json.loads(cli("list", "--json").out) == []


# -- the README's examples -----------------------------------------------------------------------

# What a person writes, by command: these arguments must be `-` (or absent) in every example.
CONTENT = {"add": ("text", "title"), "search": ("query",), "checkin": ("note",),
           "edit": ("title", "body", "note", "text"), "post": ("title", "body"),
           "reply": ("text",), "join": ("code",), "guidelines": ("text",),
           "templates": ("body",)}


def readme_commands() -> list[list[str]]:
    """Every `companion …` in the README's shell blocks and in `companion --help`'s examples."""
    from companion.cli.parser import EPILOG

    text = (PROJECT_ROOT / "README.md").read_text("utf-8")
    commands = []
    for block in [*re.findall(r"```sh\n(.*?)```", text, flags=re.S), EPILOG]:
        for raw in block.splitlines():
            line = raw.split(" #", 1)[0]
            for part in line.split("|"):
                words = shlex.split(part.split("<", 1)[0].split(">", 1)[0].strip())
                if words[:1] == ["companion"]:
                    commands.append(words[1:])
    return commands


def test_the_readme_gives_no_ones_words_as_arguments() -> None:
    commands = readme_commands()
    assert len(commands) > 40  # the check is not vacuous
    checked = 0
    for argv in commands:
        args = build_parser(argv).parse_args(argv)
        name = getattr(args, "circle_command", None) or args.command
        for field in CONTENT.get(name or "", ()):
            value = getattr(args, field, None)
            assert value in (None, "", "-"), f"`companion {' '.join(argv)}` puts {field} in argv"
            checked += 1
    assert checked >= 10


def test_the_readme_examples_run_through_the_checker(tmp_path: Path) -> None:
    """The check above reads the argument names from the parser: a renamed option would
    make it silently pass, so each name it checks must exist somewhere in the grammar."""
    seen = set()
    for argv in readme_commands():
        args = build_parser(argv).parse_args(argv)
        seen.update(vars(args))
    for fields in CONTENT.values():
        assert set(fields) & seen
