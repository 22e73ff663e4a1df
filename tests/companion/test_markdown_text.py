"""Markdown without its markup, for lists, search passages and the command line; and the
scanner the editor's highlighter shares with them."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion.markdown_text import (
    MAX_LINE,
    Kind,
    plain_excerpt,
    plain_pieces,
    plain_text,
    plain_title,
    scan_line,
)


@pytest.mark.parametrize(("markdown", "plain"), [
    ("# Lunch with **Sam**", "Lunch with Sam"),
    ("### Closing hashes ###", "Closing hashes"),
    ("####### seven is not a heading", "####### seven is not a heading"),
    ("#hashtag and C# stay", "#hashtag and C# stay"),
    ("*italic*, _italic_, **bold**, __bold__, ***both***", "italic, italic, bold, bold, both"),
    ("~~struck~~ and ~also~", "struck and also"),
    ("snake_case_name and 5 * 3 = 15", "snake_case_name and 5 * 3 = 15"),
    ("`code *stays*` as `written`", "code *stays* as written"),
    ("``a ` inside``", "a ` inside"),
    ("> quoted *words*", "quoted words"),
    ("> > nested", "nested"),
    ("- milk", "milk"),
    ("* eggs", "eggs"),
    ("+ tea", "tea"),
    ("12. twelfth", "twelfth"),
    ("3) third", "third"),
    ("- [ ] to do", "to do"),
    ("- [x] done", "done"),
    ("[the park](https://example.org/park) and [b](u \"title\")", "the park and b"),
    ("![a photo](photo.jpg)", "a photo"),
    ("<https://example.org> and <me@example.org>", "https://example.org and me@example.org"),
    ("see https://example.org/a_b_c.", "see https://example.org/a_b_c."),
    ("\\*not emphasis\\*", "*not emphasis*"),
    ("a <b>tag</b> & more", "a <b>tag</b> & more"),  # HTML stays as literal text
    ("---", ""),
    ("* * *", ""),
    ("Title\n===", "Title\n"),  # line by line: a line of markup only is an empty line
    ("```python\nx = *y*\n```\nafter", "\nx = *y*\n\nafter"),
    ("~~~\n# not a heading\n~~~", "\n# not a heading\n"),
    ("**cut off", "cut off"),  # a fragment: the partner was cut away
    ("", ""),
])
def test_plain_text(markdown, plain):
    assert plain_text(markdown) == plain


def test_titles_and_excerpts_of_entries():
    body = "# Quiet evening\n\nNothing much. *Good.*\n\n- tea\n- a [book](https://x.org)"
    assert plain_title(body) == "Quiet evening"
    assert plain_title("\n\n---\n  **Bold start** here") == "Bold start here"
    assert plain_title("```\n```") == ""
    assert plain_excerpt(body) == "Quiet evening Nothing much. Good. tea a book"
    assert plain_excerpt(body, skip_first_line=True) == "Nothing much. Good. tea a book"
    assert plain_excerpt(body, 12) == "Quiet evenin"
    long = "**" + "word " * 100_000 + "**"
    started = time.perf_counter()
    assert plain_excerpt(long, 40) == ("word " * 8).strip()  # the cut-off "**" goes too
    assert plain_title(long) == ("word " * 40).strip()
    assert time.perf_counter() - started < 0.5


def test_search_passages_keep_the_match_on_its_word():
    pieces = (("# Lunch with **", False), ("Sam", True), ("** at the ", False),
              ("river", True), ("…", False))
    assert plain_pieces(pieces) == (("Lunch with ", False), ("Sam", True), (" at the ", False),
                                    ("river", True), ("…", False))
    # FTS5 cut the passage: the partner of this "**" is outside it
    assert plain_pieces((("…the **", False), ("move", True), (" was hard", False))) == (
        ("…the ", False), ("move", True), (" was hard", False))
    # a match in a link's address stays visible, after the link's text
    assert plain_pieces((("see [the site](https://", False), ("herons", True),
                         (".org) now", False))) == (
        ("see the site (https://", False), ("herons", True), (".org) now", False))
    # a match in the link's text
    assert plain_pieces((("[the ", False), ("park", True), ("](https://x.org)", False))) == (
        ("the ", False), ("park", True))
    assert plain_pieces(()) == ()
    # found words show even where they are markup too
    assert plain_pieces((("12", True), (". eggs and ```", False), ("python", True))) == (
        ("12", True), ("eggs and ", False), ("python", True))


def test_the_scanner_finds_what_the_highlighter_styles():
    spans, state = scan_line("## A **bold** `code` [link](url)")
    kinds = {(kind, "## A **bold** `code` [link](url)"[start:end]) for start, end, kind, _ in spans}
    assert {(Kind.MARK, "## "), (Kind.STRONG, "bold"), (Kind.CODE, "code"),
            (Kind.LINK, "link"), (Kind.URL, "url")} <= kinds
    assert next(s.level for s in spans if s.kind == Kind.HEADING) == 2
    assert state == 0
    _, state = scan_line("````md")
    assert state > 0
    assert scan_line("```", state)[1] == state  # shorter than the opening fence: still inside
    assert scan_line("~~~~~", state)[1] == state  # other character: still inside
    assert scan_line("  `````  ", state)[1] == 0
    assert scan_line("**x**" * (MAX_LINE // 5 + 1)) == ([], 0)  # too long to style


@pytest.mark.parametrize("hostile", [
    "*" * 50_000, "[" * 50_000, "_a " * 20_000, "**a " * 20_000, "` `` ``` " * 5_000,
    "*a _b " * 10_000, "[a](" * 20_000, "<" * 50_000, "\\" * 50_000, "*a" * 25_000,
    "_*" * 25_000, "a" * 1_000_000, "![a](b)" * 10_000, "http://" * 10_000,
    "# x" + " \t" * 5_000 + "y",  # closing #s were looked for by a quadratic regex
    "https://a.org/" + ")" * 9_000,  # brackets were counted again at each trimmed ")"
])
def test_hostile_text_costs_little(hostile):
    started = time.perf_counter()
    plain_text(hostile)
    plain_excerpt(hostile)
    for cut in (MAX_LINE - 1, MAX_LINE // 3):
        scan_line(hostile[:cut])
        scan_line(hostile[:cut], loose=True)
    assert time.perf_counter() - started < 2.0


WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC0123456789", min_size=1, max_size=8)


@st.composite
def marked_up(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A line of balanced Markdown around words, and its words in order."""
    words = draw(st.lists(WORD, min_size=1, max_size=8))
    parts = []
    for word in words:
        wrap = draw(st.sampled_from([
            "{}", "**{}**", "*{}*", "_{}_", "__{}__", "`{}`", "~~{}~~", "[{}](https://x.org/p_q)",
            "![{}](img_1.png)", "***{}***", "<https://{}.org>"]))
        parts.append(wrap.format(word))
    lead = draw(st.sampled_from(["", "# ", "###### ", "> ", "- ", "* ", "1. ", "- [ ] ",
                                 "> - "]))
    return lead + " ".join(parts), words


@given(marked_up())
def test_balanced_markup_never_survives(case):
    markdown, words = case
    plain = plain_text(markdown)
    text = re.sub(r"https://(\w+)\.org", r"\1", plain)  # what <https://word.org> leaves
    assert not set(text) & set("*_`~[]()#>!<:/"), (markdown, plain)
    assert text.split() == words
    assert plain_text(plain) == plain  # nothing left to take out


@given(st.text(max_size=300))
@settings(max_examples=300)
def test_any_text_is_safe_and_plain_text_only_removes(text):
    plain = plain_text(text)
    # Only ever characters taken out, never added or reordered (line breaks become "\n").
    source = iter(text)
    assert all(ch == "\n" or ch in source for ch in plain)
    again = plain_text(plain)
    assert len(again) <= len(plain)
    assert plain_text(again) == again or len(plain_text(again)) < len(again)


@given(st.lists(st.tuples(st.text(max_size=30), st.booleans()), max_size=8))
def test_any_passage_is_safe_and_keeps_its_words(pieces):
    result = plain_pieces(tuple(pieces))
    assert all(text for text, _ in result)
    # what was found always shows, all of it, even where it is markup too
    assert "".join(text for text, hit in result if hit) == "".join(
        text for text, hit in pieces if hit)


@given(st.text(alphabet="# \tab", min_size=1, max_size=14), st.integers(1, 14))
def test_closing_hashes_are_found_as_commonmark_says(line: str, start: int) -> None:
    """The backward scan finds what the old forward regex found (it was quadratic)."""
    import re

    from companion.markdown_text import _closing_hashes

    start = min(start, len(line))
    found = re.compile(r"(?:^|[ \t]++)#++[ \t]*+$").search(line, start)
    assert _closing_hashes(line, start) == (found.start() if found else None)
