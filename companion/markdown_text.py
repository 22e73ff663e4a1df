"""Markdown as entries are written: where its markup is, and the text without it.

One scanner serves two readers. The editor's highlighter (ui/widgets/markdown_highlighter.py)
styles what it finds, and the lists, search passages and the command line drop the markup, so a
row reads "Lunch with Sam", not "# Lunch with **Sam**". It follows what the preview renders (Qt's
md4c, GitHub dialect: CommonMark with strikethrough, task lists and autolinks) closely enough to
agree on what people type:

- One line at a time, carrying only whether a fenced code block is open (`state`), so the
  highlighter restyles a single block and an excerpt stops reading early. Hence emphasis broken
  across a line, setext headings (text underlined with === or ---) and indented code blocks are
  left alone here; the preview still renders them.
- Every step is linear (or n log n) in the line's length: no pattern that can backtrack (the
  quantifiers are possessive), emphasis pairs found with CommonMark's delimiter stack, and a
  line longer than MAX_LINE is not scanned at all (see there).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from enum import IntEnum
from typing import NamedTuple

# A line this long is a pasted blob, not prose: scanning it is still linear, but styling it
# means thousands of format ranges that Qt lays out again on every keystroke in that block,
# and an excerpt never shows more than its first few hundred characters anyway.
MAX_LINE = 10_000
# How far down the stack of open delimiters a closer looks for its opener. CommonMark looks all
# the way down; hostile text ("*a _b *c _d …") would make that quadratic, and real text never
# has more than a handful of emphasis openers waiting at once.
_LOOKBACK = 32
_MASK = "\x01"  # stands in for text that emphasis must not see (code, addresses, escapes)


class Kind(IntEnum):
    MARK = 0  # markup characters: hidden in plain text, dimmed in the editor
    URL = 1  # a link's address and title: hidden in plain text, dimmed in the editor
    LIST_MARKER = 2  # "-", "1." and a task box "[ ]": hidden in plain text, coloured
    HEADING = 3  # a whole heading line, its marks included (`Span.level` is 1–6)
    QUOTE = 4  # a quoted line's text
    CODE = 5  # a code span's text, or a line inside a fenced block
    STRONG = 6
    EMPHASIS = 7
    STRIKE = 8
    LINK = 9  # a link's text or an image's description
    AUTOLINK = 10  # an address written as such (https://…, www.…, <…>)


HIDDEN = frozenset({Kind.MARK, Kind.URL, Kind.LIST_MARKER})


class Span(NamedTuple):
    start: int
    end: int
    kind: Kind
    level: int = 0


_FENCE = re.compile(r"( {0,3}+)(`{3,}+|~{3,}+)(.*+)")
_RULE = re.compile(r" {0,3}+([-*_])[ \t]*+(?:\1[ \t]*+){2,}+")
_SETEXT = re.compile(r" {0,3}+=++[ \t]*+")
_QUOTE = re.compile(r" {0,3}+> ?+")
_HEADING = re.compile(r" {0,3}+(#{1,6}+)(?:[ \t]++|$)")
_LIST = re.compile(r"[ \t]*+([-*+]|\d{1,9}+[.)])(?:[ \t]++|$)")
_TASK = re.compile(r"\[[ xX]\](?:[ \t]++|$)")
_BACKTICKS = re.compile(r"`++")
_ESCAPE_OR_CODE = re.compile(r"[\\`]")
_LINK = re.compile(r'(!?+)\[([^\[\]\n]*+)\]\(([^()\s]*+(?:[ \t]++"[^"\n]*+")?+)\)')
_ANGLE_LINK = re.compile(r"<((?:https?|ftp)://[^\s<>]*+|[^\s<>@]++@[^\s<>@]++)>")
_BARE_LINK = re.compile(r"(?<![\w/.@])(?:https?://|www\.)[^\s<>]++")
_DELIMITERS = re.compile(r"\*++|_++|~++")
# Cheap test for "nothing to style here": most lines of prose have none of these.
_MARKUP_CHARS = re.compile(r"[*_~`\\\[<>#=]")
_LIST_START = re.compile(r"[ \t]*+[-+\d]")
_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_TRAILING_PUNCT = ".,:;!?*_~'\""


def fence_state(marker: str) -> int:
    """The block state for an open fence: its length, and whether it is made of tildes."""
    return len(marker) * 2 + (marker[0] == "~")


def scan_line(text: str, state: int = 0, *, loose: bool = False) -> tuple[list[Span], int]:
    """The markup of one line, and the state for the next (0, or an open fenced block).

    `loose` is for fragments (a search passage, a cut excerpt): a delimiter whose partner was
    cut off is markup too, where the preview would show it as typed.
    """
    state = state if state >= 6 else 0
    if state:
        inside, state = _in_fence(text, state)
        return ([] if len(text) > MAX_LINE else inside), state
    fence = _FENCE.fullmatch(text)
    if fence and not (fence[2][0] == "`" and "`" in fence[3]):
        return ([Span(0, len(text), Kind.MARK)] if len(text) <= MAX_LINE else []), \
            fence_state(fence[2])
    if len(text) > MAX_LINE or not (_MARKUP_CHARS.search(text) or _LIST_START.match(text)
                                    or "://" in text or "www." in text):
        return [], 0
    spans: list[Span] = []
    _block(text, 0, spans, loose)
    return spans, 0


def _in_fence(text: str, state: int) -> tuple[list[Span], int]:
    char, length = ("~" if state % 2 else "`"), state // 2
    stripped = text.lstrip(" ")
    run = len(stripped) - len(stripped.lstrip(char))
    if len(text) - len(stripped) <= 3 and run >= length and not stripped[run:].strip(" \t"):
        return [Span(0, len(text), Kind.MARK)], 0
    return ([Span(0, len(text), Kind.CODE)] if text else []), state


def _block(text: str, at: int, spans: list[Span], loose: bool) -> None:
    """Line-level markup from `at` on: rules, quotes, headings, list markers; then inline."""
    if _RULE.fullmatch(text, at) or _SETEXT.fullmatch(text, at):
        spans.append(Span(at, len(text), Kind.MARK))
        return
    quote = _QUOTE.match(text, at)
    if quote:
        while quote:  # "> > nested" and ">>nested"
            spans.append(Span(quote.start(), quote.end(), Kind.MARK))
            at = quote.end()
            quote = _QUOTE.match(text, at)
        if at < len(text):
            spans.append(Span(at, len(text), Kind.QUOTE))
        _block(text, at, spans, loose)
        return
    heading = _HEADING.match(text, at)
    if heading:
        end = len(text)
        closing = _closing_hashes(text, heading.end())
        if closing is not None:
            spans.append(Span(closing, end, Kind.MARK))
            end = closing
        spans.append(Span(at, len(text), Kind.HEADING, len(heading[1])))
        spans.append(Span(heading.start(1), heading.end(), Kind.MARK))
        _inline(text, heading.end(), end, spans, loose)
        return
    marker = _LIST.match(text, at)
    if marker:
        at = marker.end()
        task = _TASK.match(text, at)
        if task:
            at = task.end()
        spans.append(Span(marker.start(1), at, Kind.LIST_MARKER))
    _inline(text, at, len(text), spans, loose)


def _inline(text: str, lo: int, hi: int, spans: list[Span], loose: bool) -> None:
    """Code spans and escapes, then links and addresses, then emphasis, in `text[lo:hi]`.
    Each step masks what it took, so later steps do not read it as markup."""
    if lo >= hi:
        return
    masks: list[tuple[int, int]] = []
    if "`" in text[lo:hi] or "\\" in text[lo:hi]:
        _code_and_escapes(text, lo, hi, spans, masks, loose)
    masked = _masked(text, lo, hi, masks)
    if "[" in masked:
        masked = _links(masked, lo, spans)
    if "<" in masked:
        masked = _angle_links(masked, lo, spans)
    if "://" in masked or "www." in masked:
        masked = _bare_links(masked, lo, spans)
    if "*" in masked or "_" in masked or "~" in masked:
        _emphasis(masked, lo, spans, loose)


def _links(masked: str, lo: int, spans: list[Span]) -> str:
    """[text](address "title") and ![description](address)."""
    masks = []
    for link in _LINK.finditer(masked):
        start = link.start()
        opening = start + len(link[1]) + 1  # after "![" or "["
        text_end = opening + len(link[2])
        url_end = link.end() - 1
        spans += [Span(start + lo, opening + lo, Kind.MARK),
                  Span(opening + lo, text_end + lo, Kind.LINK),
                  Span(text_end + lo, text_end + 2 + lo, Kind.MARK),
                  Span(text_end + 2 + lo, url_end + lo, Kind.URL),
                  Span(url_end + lo, url_end + 1 + lo, Kind.MARK)]
        masks += [(start, opening), (text_end, url_end + 1)]
    return _masked(masked, 0, len(masked), masks)


def _angle_links(masked: str, lo: int, spans: list[Span]) -> str:
    """<https://…> and <someone@example.org>."""
    masks = []
    for link in _ANGLE_LINK.finditer(masked):
        start, end = link.start(), link.end()
        spans += [Span(start + lo, start + 1 + lo, Kind.MARK),
                  Span(start + 1 + lo, end - 1 + lo, Kind.AUTOLINK),
                  Span(end - 1 + lo, end + lo, Kind.MARK)]
        masks.append((start, end))
    return _masked(masked, 0, len(masked), masks)


def _bare_links(masked: str, lo: int, spans: list[Span]) -> str:
    """https://… and www.… written out, as the preview links them."""
    masks = []
    for link in _BARE_LINK.finditer(masked):
        end = _trim_address(masked, link.start(), link.end())
        spans.append(Span(link.start() + lo, end + lo, Kind.AUTOLINK))
        masks.append((link.start(), end))
    return _masked(masked, 0, len(masked), masks)


def _code_and_escapes(text: str, lo: int, hi: int, spans: list[Span],
                      masks: list[tuple[int, int]], loose: bool) -> None:
    runs: dict[int, list[int]] = {}  # backtick run length -> where such runs start
    for run in _BACKTICKS.finditer(text, lo, hi):
        runs.setdefault(run.end() - run.start(), []).append(run.start())
    found = _ESCAPE_OR_CODE.search(text, lo, hi)
    while found:
        at = found.start()
        if text[at] == "\\":
            if at + 1 < hi and text[at + 1] in _ASCII_PUNCT:
                spans.append(Span(at, at + 1, Kind.MARK))
                masks.append((at, at + 2))
                found = _ESCAPE_OR_CODE.search(text, at + 2, hi)
            else:
                found = _ESCAPE_OR_CODE.search(text, at + 1, hi)
            continue
        end = _BACKTICKS.match(text, at, hi)
        assert end is not None  # the search stopped on a backtick
        length = end.end() - at
        starts = runs.get(length, [])
        index = bisect_left(starts, end.end())
        if index < len(starts):  # a closing run of the same length: a code span
            close = starts[index]
            spans += [Span(at, at + length, Kind.MARK), Span(at + length, close, Kind.CODE),
                      Span(close, close + length, Kind.MARK)]
            masks.append((at, close + length))
            found = _ESCAPE_OR_CODE.search(text, close + length, hi)
            continue
        if loose:
            spans.append(Span(at, end.end(), Kind.MARK))
        found = _ESCAPE_OR_CODE.search(text, end.end(), hi)


def _masked(text: str, lo: int, hi: int, masks: list[tuple[int, int]]) -> str:
    """`text[lo:hi]` with the masked ranges (absolute, in order) replaced by _MASK."""
    if not masks:
        return text[lo:hi]
    parts, at = [], lo
    for start, end in masks:
        if start >= at:
            parts += [text[at:start], _MASK * (end - start)]
            at = end
    parts.append(text[at:hi])
    return "".join(parts)


def _closing_hashes(text: str, start: int) -> int | None:
    """Where a heading's optional closing #s (with the blanks before them) begin, or None.
    Scanned back from the line's end once: a regex searched forward was quadratic on a
    heading followed by a long run of blanks."""
    end = len(text.rstrip(" \t"))
    hashes = end
    while hashes > start and text[hashes - 1] == "#":
        hashes -= 1
    if hashes in (end, start):  # none, or no blank between them and the title
        return None
    blanks = hashes
    while blanks > start and text[blanks - 1] in " \t":
        blanks -= 1
    return blanks if blanks < hashes else None


def _trim_address(text: str, start: int, end: int) -> int:
    """GitHub's rule: trailing punctuation and an unbalanced ")" are not part of an address.
    The brackets are counted once and kept up to date (counting again at each step was
    quadratic on a run of ")")."""
    opened, closed = text.count("(", start, end), text.count(")", start, end)
    while end > start:
        last = text[end - 1]
        if last in _TRAILING_PUNCT or last == _MASK or (last == ")" and opened < closed):
            end -= 1
            if last == ")":
                closed -= 1
            elif last == "(":
                opened -= 1
        else:
            break
    return end


def _is_punct(ch: str) -> bool:
    return ch == _MASK or ch in _ASCII_PUNCT or unicodedata.category(ch)[0] in "PS"


class _Run:
    __slots__ = ("char", "start", "count", "length", "can_open", "can_close")

    def __init__(self, char: str, start: int, length: int, can_open: bool,
                 can_close: bool) -> None:
        self.char, self.start, self.count, self.length = char, start, length, length
        self.can_open, self.can_close = can_open, can_close


def _delimiter_runs(masked: str) -> Iterator[_Run]:
    for found in _DELIMITERS.finditer(masked):
        start, end = found.start(), found.end()
        char = masked[start]
        if char == "~" and end - start > 2:
            continue  # md4c strikes through with "~" or "~~" only
        before = masked[start - 1] if start else " "
        after = masked[end] if end < len(masked) else " "
        space_before, space_after = before.isspace(), after.isspace()
        punct_before, punct_after = _is_punct(before), _is_punct(after)
        left = not space_after and (not punct_after or space_before or punct_before)
        right = not space_before and (not punct_before or space_after or punct_after)
        if char == "_":  # "_" never opens or closes inside a word (snake_case_names)
            opens = left and (not right or punct_before)
            closes = right and (not left or punct_after)
        else:
            opens, closes = left, right
        if opens or closes:
            yield _Run(char, start, end - start, opens, closes)


def _matches(opener: _Run, closer: _Run) -> bool:
    if opener.char != closer.char:
        return False
    if opener.char == "~":
        return opener.length == closer.length
    # CommonMark's "rule of 3", so that *a**b* and a***b*** pair up as the preview pairs them
    both_ways = opener.can_close or closer.can_open
    return not (both_ways and (opener.length + closer.length) % 3 == 0
                and (opener.length % 3 or closer.length % 3))


def _emphasis(masked: str, lo: int, spans: list[Span], loose: bool) -> None:
    stack: list[_Run] = []
    leftover: list[_Run] = []
    for run in _delimiter_runs(masked):
        while run.can_close and run.count and stack:
            depth = len(stack) - 1
            bottom = max(-1, depth - _LOOKBACK)
            while depth > bottom and not _matches(stack[depth], run):
                depth -= 1
            if depth == bottom:
                break
            opener = stack[depth]
            leftover += stack[depth + 1:]  # delimiters inside the pair stay literal
            del stack[depth + 1:]
            used = 2 if opener.count >= 2 and run.count >= 2 else 1
            kind = (Kind.STRIKE if run.char == "~" else
                    Kind.STRONG if used == 2 else Kind.EMPHASIS)
            inner = opener.start + opener.count
            spans += [Span(inner - used + lo, inner + lo, Kind.MARK),
                      Span(inner + lo, run.start + lo, kind),
                      Span(run.start + lo, run.start + used + lo, Kind.MARK)]
            opener.count -= used
            run.start += used
            run.count -= used
            if opener.count == 0:
                stack.pop()
        if run.count and run.can_open:
            stack.append(run)
        elif run.count:
            leftover.append(run)
    if loose:  # in a fragment, a delimiter whose partner was cut off is markup all the same
        for run in (*stack, *leftover):
            if run.count:
                spans.append(Span(run.start + lo, run.start + run.count + lo, Kind.MARK))


# -- text without markup ------------------------------------------------------------------------


def _hidden(spans: Iterable[Span]) -> list[tuple[int, int]]:
    """The merged ranges that plain text leaves out."""
    ranges = sorted((s.start, s.end) for s in spans if s.kind in HIDDEN and s.end > s.start)
    merged: list[tuple[int, int]] = []
    for start, end in ranges:
        if merged and start < merged[-1][1]:  # adjacent ranges stay apart (see plain_pieces)
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _kept(text: str, hidden: Sequence[tuple[int, int]]) -> str:
    parts, at = [], 0
    for start, end in hidden:
        parts.append(text[at:start])
        at = end
    parts.append(text[at:])
    return "".join(parts)


def plain_lines(markdown: str) -> Iterator[str]:
    """Each line of `markdown` without its markup (lines inside code blocks as they are)."""
    state = 0
    for line in markdown.splitlines():
        spans, state = scan_line(line, state, loose=True)
        yield _kept(line, _hidden(spans))


def plain_text(markdown: str) -> str:
    """The text a reader sees, line by line: no #, **, _, `, >, list markers or addresses
    ("[the park](https://…)" becomes "the park", "![a photo](x.jpg)" becomes "a photo")."""
    return "\n".join(plain_lines(markdown))


def plain_title(body: str, limit: int = 200) -> str:
    """The first line with any text, without markup: the label of an entry with no title."""
    for line in plain_lines(_head(body, limit)):
        if line.strip():
            return line.strip()[:limit].rstrip()
    return ""


def plain_excerpt(body: str, limit: int = 400, *, skip_first_line: bool = False) -> str:
    """The start of the text on one line, without markup, at most `limit` characters.

    `skip_first_line` leaves out the first line with text (an untitled entry's label)."""
    words: list[str] = []
    size = 0
    for line in plain_lines(_head(body, limit)):
        if skip_first_line and line.strip():
            skip_first_line = False
            continue
        for word in line.split():
            words.append(word)
            size += len(word) + 1
        if size > limit:
            break
    return " ".join(words)[:limit].rstrip()


def _head(body: str, limit: int) -> str:
    """Enough of `body` for `limit` characters of text: a long line is cut (markup that loses
    its partner at the cut is dropped: the scan is loose), and no more lines than needed."""
    budget = limit * 4 + 200
    lines = []
    for line in body[:budget * 8].splitlines():
        lines.append(line[:budget])
        budget -= min(len(line), budget)
        if budget <= 0:
            break
    return "\n".join(lines)


def plain_pieces(pieces: Sequence[tuple[str, bool]]) -> tuple[tuple[str, bool], ...]:
    """A search passage's (text, is_match) pieces without markup, the matches kept in place.

    A passage is a fragment, so the scan is loose. An address that holds a match stays, in
    parentheses after the link's text, so the found word still shows."""
    text = "".join(piece for piece, _ in pieces)
    matches: list[tuple[int, int]] = []
    at = 0
    for piece, is_match in pieces:
        if is_match:
            matches.append((at, at + len(piece)))
        at += len(piece)
    hidden: list[tuple[int, int]] = []
    replaced: dict[int, str] = {}  # start of a hidden range -> what shows instead
    offset, state = 0, 0
    for line in text.split("\n"):
        spans, state = scan_line(line, state, loose=True)
        shifted = [Span(s.start + offset, s.end + offset, s.kind) for s in spans]
        shown = _urls_with_matches(shifted, matches)
        if shown:
            shifted, extra = _show_urls(shifted, shown)
            replaced.update(extra)
        hidden += _outside(_hidden(shifted), matches)
        offset += len(line) + 1
    return _cut_pieces(pieces, hidden, replaced)


def _outside(hidden: list[tuple[int, int]],
             matches: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The hidden ranges less the matches: a found word always shows, even where it is
    markup too (the "12" of a "12." list marker, a fence's "python")."""
    if not matches:
        return hidden
    kept = []
    for hidden_start, end in hidden:
        start = hidden_start
        for match_start, match_end in matches:
            if match_start < end and start < match_end:
                if start < match_start:
                    kept.append((start, match_start))
                start = max(start, match_end)
        if start < end:
            kept.append((start, end))
    return kept


def _urls_with_matches(spans: list[Span], matches: list[tuple[int, int]]) -> set[Span]:
    return {s for s in spans if s.kind == Kind.URL
            and any(start < s.end and s.start < end for start, end in matches)}


def _show_urls(spans: list[Span], shown: set[Span]) -> tuple[list[Span], dict[int, str]]:
    """Keep the addresses in `shown`, with "](" shown as " (" and the ")" kept."""
    kept, replaced = [], {}
    for span in spans:
        if span in shown:
            continue
        if span.kind == Kind.MARK and any(span.end == url.start for url in shown):
            replaced[span.start] = " ("
        elif span.kind == Kind.MARK and any(span.start == url.end for url in shown):
            continue
        kept.append(span)
    return kept, replaced


def _cut_pieces(pieces: Sequence[tuple[str, bool]], hidden: list[tuple[int, int]],
                replaced: dict[int, str]) -> tuple[tuple[str, bool], ...]:
    out: list[tuple[str, bool]] = []

    def add(text: str, is_match: bool) -> None:
        if not text:
            return
        if out and out[-1][1] == is_match:
            out[-1] = (out[-1][0] + text, is_match)
        else:
            out.append((text, is_match))

    at, index = 0, 0
    for piece, is_match in pieces:
        start, end = at, at + len(piece)
        position = start
        while index < len(hidden) and hidden[index][0] < end:
            cut_start, cut_end = hidden[index]
            add(piece[max(position, start) - start:max(cut_start, position) - start], is_match)
            if cut_start >= start and cut_start in replaced:
                add(replaced[cut_start], False)
            position = max(position, min(cut_end, end))
            if cut_end > end:
                break
            index += 1
        add(piece[position - start:], is_match)
        at = end
    return tuple(out)
