"""Text from the journal, an import or a peer cannot drive the terminal: everything the command
line prints goes through one function (`companion.cli.terminal.visible`), and `--json` keeps
the data exact while escaping the same characters the JSON way."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from companion.cli.terminal import json_text, visible

# What a terminal acts on: ESC (OSC 0 retitles the window, OSC 52 writes the clipboard,
# CSI 2J clears the screen), CR (overwrites the line), BEL, the C1 CSI and OSC, DEL, and the
# bidi override, isolate and mark characters.
HOSTILE = ("\x1b]0;owned\x07", "\x1b]52;c;cGF5bG9hZA==\x07", "\x1b[2J", "\rfake line",
           "\x9b2J", "\x9d0;t\x9c", "\x7f", "\u202egnp.exe", "\u2066iso\u2069", "\u200f")
ACTIVE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def hostile(label: str, *, one_line: bool = False) -> str:
    return label + "".join(h for h in HOSTILE if not (one_line and "\r" in h))


def assert_inert(text: str) -> None:
    found = ACTIVE.findall(text)
    assert not found, f"raw control characters reached the terminal: {found!r}"


def test_visible_shows_each_control_as_an_escape() -> None:
    assert visible("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert visible("\x9b\u202e\r") == "\\x9b\\u202e\\x0d"
    assert visible("tab\tand\nnewline stay") == "tab\tand\nnewline stay"
    assert visible("ordinary ünïcode ★ · 日本") == "ordinary ünïcode ★ · 日本"


@given(st.text())
def test_nothing_active_survives_visible(text: str) -> None:
    assert_inert(visible(text))


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
                    max_leaves=20))
def test_json_text_is_exact_and_inert(value: object) -> None:
    text = json_text(value)
    assert json.loads(text) == value
    assert_inert(text.replace("\n", ""))
    assert visible(text) == text  # so it passes the terminal filter untouched


@pytest.mark.usefixtures("vault_home")
def test_entries_check_ins_and_search_hits_print_inert(cli) -> None:  # type: ignore[no-untyped-def]
    title, body, note = hostile("Title", one_line=True), hostile("Body words"), hostile("Note")
    assert cli("add", "--title", title, "--tag", "walk", "-", stdin=body + "\n").code == 0
    emotion = hostile("calm", one_line=True)
    assert cli("checkin", "--mood", "3", "--note", note, "--emotion", emotion,
               "--new-label").code == 0
    for argv in (("list",), ("show", "e1"), ("show", "c1"), ("search", "Body"),
                 ("list", "--kind", "checkin"), ("tags",)):
        result = cli(*argv)
        assert result.code == 0, result.err
        assert_inert(result.out)
        assert_inert(result.err)
    shown = cli("show", "e1").out
    assert "\\x1b]0;owned\\x07" in shown and "\\u202egnp.exe" in shown  # visible, not dropped


@pytest.mark.usefixtures("vault_home")
def test_json_output_keeps_the_text_exact(cli) -> None:  # type: ignore[no-untyped-def]
    body = hostile("Body words")
    assert cli("add", "--title", "t", "-", stdin=body + "\n").code == 0
    for argv in (("list", "--json"), ("search", "Body", "--json")):
        result = cli(*argv)
        assert_inert(result.out.replace("\n", ""))
        [item] = json.loads(result.out)
        assert item["body"] == body


@pytest.mark.usefixtures("vault_home")
def test_an_argument_echoed_in_an_error_is_inert(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("show", "e\x1b]0;owned\x07")
    assert result.code == 2
    assert "\\x1b]0;owned\\x07" in result.err
    assert_inert(result.err)
    result = cli("list", "--kind", "\x9b2J", passphrase=False)
    assert result.code == 2
    assert_inert(result.err)
