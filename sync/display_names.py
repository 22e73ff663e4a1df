"""Display names that cannot pass for someone else's (Unicode TR39, UTS #39).

A member picks their own display name and every other member shows it. Without checks, "Ann"
followed by a zero-width space, or "Аnn" with a Cyrillic А, joins beside Ann and the member
list shows three "Ann". This module decides, the same way on every device:

- `name_problem(name) -> str | None`: why a name is unacceptable on its own (invisible or
  control characters, characters Unicode 14.0 does not assign, spaces at the ends or doubled,
  stray or stacked accent marks, letters from scripts that TR39's "highly restrictive" level
  does not allow together, a run of hex digits that could mimic a key fingerprint), or None.
  The reason is a short sentence naming no peer-chosen text, safe to log and to show.
- `confusable_with(name, others) -> str | None`: the first of `others` whose TR39 skeleton
  (below) equals `name`'s, or None. An identical name counts: a caller that lets someone keep
  their name across a key change (`replaces`) leaves the replaced member out of `others`.
- `skeleton(name) -> str`: TR39's skeleton (drop default-ignorable characters, NFD, map each
  character to its prototype from confusables.txt, NFD again), then case and compatibility
  forms folded (NFKD) and mapped again until nothing changes, and spaces collapsed: "Ann",
  "ANN", "Аnn", "Ａｎｎ" and "Ann" + U+200B all have the skeleton "ann".
- `is_close(a, b) -> bool` and `look_alikes(names)`: names that are not confusable but still
  near (the same letters once case, spaces, punctuation and accents are ignored, or one letter
  apart in names of three or more letters); the app shows the short fingerprint beside them.

An admin's device calls `name_problem` and `confusable_with` before it signs a newcomer's
`add` (not the roster fold, so circles whose members already hold such names fold as before);
a joiner's and a creator's device call `name_problem` before anything is written. Every admin
must decide alike: every character class comes from one shipped table
(sync/data/unicode_names.txt, made once by tools/make_name_tables.py from Unicode's files), and
characters Unicode 14.0 does not assign (what Python 3.11 knows; newer Pythons know more) are
refused rather than judged. Normalization and case folding come from Python, and Unicode's
stability policies keep them fixed for those assigned characters, so skeletons of names that
`name_problem` accepts agree everywhere too. The table (~100 kB) is read on first use, not at
import.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

EMPTY = "The name is empty."
INVISIBLE = "The name contains invisible or control characters."
UNKNOWN = "The name contains characters this version of Companion does not know."
SPACES = "The name has spaces at its ends or several in a row."
MARKS = "The name has accent marks on no letter, or too many on one."
MIXED = "The name mixes letters from different alphabets."
HEX = "The name contains a long run of hex digits, like a key fingerprint."

# TR39 §5.2 "Highly Restrictive": one script, or Latin with the scripts written together in
# Japanese, Chinese (Bopomofo) or Korean. Common and Inherited characters go with any script.
_MIXES = (frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}),
          frozenset({"LATIN", "HAN", "BOPOMOFO"}),
          frozenset({"LATIN", "HAN", "HANGUL"}))
_ANY_SCRIPT = frozenset({"COMMON", "INHERITED"})
_MAX_MARKS = 4  # TR39 §5.4: more nonspacing marks in a row than any script needs
# Eight or more hex digits, in groups of four or not: what a short fingerprint looks like.
_HEX_RUN = re.compile(r"[0-9a-f]{4}(?:[ :.-]?[0-9a-f]{4})+")
_ROUNDS = 8  # fold-and-map rounds; every character settles within four (tested)
_DISTANCE_MIN = 3  # names this long or longer are close one letter apart


@dataclass(frozen=True)
class _Tables:
    starts: list[int]
    ends: list[int]
    kinds: list[str]  # "!" invisible, "_" space, else a script, with "+" for a nonspacing mark
    prototypes: dict[str, str]

    def kind(self, char: str) -> str | None:
        """The character's class, or None where Unicode 14.0 assigns nothing."""
        cp = ord(char)
        at = bisect.bisect_right(self.starts, cp) - 1
        return self.kinds[at] if at >= 0 and cp <= self.ends[at] else None


@functools.cache
def _tables() -> _Tables:
    from importlib.resources import files  # with pathlib and tempfile: only when first used

    text = files("sync").joinpath("data", "unicode_names.txt").read_text("utf-8")
    starts: list[int] = []
    ends: list[int] = []
    kinds: list[str] = []
    prototypes: dict[str, str] = {}
    section = ""
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line
        elif section == "[classes]":
            first, last, kind = line.split()
            starts.append(int(first, 16))
            ends.append(int(last, 16))
            kinds.append(kind)
        elif section == "[prototypes]":
            source, *target = line.split()
            prototypes[chr(int(source, 16))] = "".join(chr(int(cp, 16)) for cp in target)
    return _Tables(starts, ends, kinds, prototypes)


def name_problem(name: str) -> str | None:
    """Why `name` cannot be a display name, whoever else is in the circle; None if it can."""
    tables = _tables()
    kinds = [tables.kind(char) for char in name]
    if all(kind in ("!", "_") for kind in kinds):
        return EMPTY
    if None in kinds:
        return UNKNOWN
    if "!" in kinds:
        return INVISIBLE
    if kinds[0] == "_" or kinds[-1] == "_" or any(
            a == b == "_" for a, b in zip(kinds, kinds[1:], strict=False)):
        return SPACES
    if _bad_marks(name, tables):
        return MARKS
    scripts = {kind.rstrip("+") for kind in kinds if kind and kind != "_"} - _ANY_SCRIPT
    if len(scripts) > 1 and not any(scripts <= mix for mix in _MIXES):
        return MIXED
    if any(any(c.isdigit() for c in run)
           for run in _HEX_RUN.findall(unicodedata.normalize("NFKC", name).casefold())):
        return HEX
    return None


def _bad_marks(name: str, tables: _Tables) -> bool:
    """A nonspacing mark with no letter under it, the same mark twice, or a pile of them."""
    run: list[str] = []
    previous = "_"  # the start of the name carries no mark
    for char in unicodedata.normalize("NFD", name):
        kind = tables.kind(char) or "_"
        if not kind.endswith("+"):
            run, previous = [], kind
            continue
        if previous == "_" or (run and run[-1] == char) or len(run) >= _MAX_MARKS:
            return True
        run.append(char)
    return False


def _tr39(text: str, prototypes: Mapping[str, str]) -> str:
    mapped = "".join(prototypes.get(char, char) for char in unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFD", mapped)


@functools.lru_cache(maxsize=4096)
def skeleton(name: str) -> str:
    """The TR39 skeleton of `name` with case folded: equal skeletons look alike."""
    tables = _tables()
    text = _tr39(_visible(name, tables), tables.prototypes)
    for _ in range(_ROUNDS):
        # Mapped before folding, so "Ian" (capital i) meets "lan"; compatibility forms too,
        # which confusables.txt leaves to NFKC: full-width "Ａｎｎ" is "Ann".
        folded = unicodedata.normalize("NFKD", text.casefold())
        folded = _tr39(_visible(folded, tables), tables.prototypes)
        if folded == text:
            break
        text = folded
    return " ".join(part for part in text.split(" ") if part)


def _visible(text: str, tables: _Tables) -> str:
    """`text` without default-ignorable and control characters, every space a plain one."""
    return "".join(" " if kind == "_" else char
                   for char, kind in ((c, tables.kind(c)) for c in text) if kind != "!")


def confusable_with(name: str, others: Iterable[str]) -> str | None:
    """The first of `others` that `name` could be taken for (same skeleton), or None."""
    mine = skeleton(name)
    return next((other for other in others if skeleton(other) == mine), None)


@functools.lru_cache(maxsize=4096)
def _loose(name: str) -> str:
    """The skeleton's letters and digits only: case, spaces, punctuation, symbols and accents
    are gone."""
    return "".join(char for char in skeleton(name)
                   if unicodedata.category(char)[0] in "LN")


def is_close(a: str, b: str) -> bool:
    """True when `a` and `b` are confusable or still near enough to be mistaken at a glance."""
    loose_a, loose_b = _loose(a), _loose(b)
    if not loose_a or not loose_b:  # names of symbols only: nothing looser to compare
        return skeleton(a) == skeleton(b)
    if loose_a == loose_b:
        return True
    return min(len(loose_a), len(loose_b)) >= _DISTANCE_MIN and _one_edit(loose_a, loose_b)


def look_alikes(names: Mapping[K, str]) -> set[K]:
    """The keys of `names` (member ids, say) whose name is close to another key's name."""
    keys = list(names)
    out: set[K] = set()
    for i, first in enumerate(keys):
        for second in keys[i + 1:]:
            if is_close(names[first], names[second]):
                out.update((first, second))
    return out


def _one_edit(a: str, b: str) -> bool:
    """At most one insertion, deletion, substitution or swap of neighbours turns a into b."""
    if len(a) > len(b):
        a, b = b, a
    if len(b) - len(a) > 1:
        return False
    start = 0
    while start < len(a) and a[start] == b[start]:
        start += 1
    if len(a) < len(b):
        return a[start:] == b[start + 1:]
    if start == len(a):
        return True
    if a[start + 1:] == b[start + 1:]:
        return True
    return (a[start:start + 2] == b[start:start + 2][::-1]
            and a[start + 2:] == b[start + 2:])
