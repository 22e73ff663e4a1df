"""A post's Markdown as the feed shows it: a safe subset, read by the journal's own scanner.

Notes, check-in notes and replies are Markdown, and a peer's text is hostile until shown
otherwise. So nothing here is HTML and nothing is ever fetched: each line becomes a `Block` of
plain text with styled ranges (`Run`s), which the feed's delegate lays out with QTextLayout
(never a rich-text document, whose parser would read `<b>` as bold). What the subset keeps:

- emphasis, strong, strike-through and code spans; headings (bold), quotes, list items and
  fenced code; a rule becomes a thin line;
- links and images become text. A link's address is kept only when it is http, https or
  mailto (`safe_address`); anything else (`javascript:`, `file:`, `data:`) is shown as text
  that does nothing. An image is never loaded: its description (or address) is shown as a
  link, so the person may choose to open it in their browser;
- bidirectional embeddings, overrides and isolates, and control characters, are removed
  before anything else, so a post cannot reorder the card's text or disguise an address.

It uses companion/markdown_text.py's scanner, so the feed agrees with the journal's editor on
what is markup, and inherits its limits: linear per line, and a line longer than its MAX_LINE
is shown as it is. Imports no Qt, so it is tested on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntFlag
from urllib.parse import urlsplit

from companion.markdown_text import Kind, Span, scan_line

# A card shows at most this much of a post until the reader asks for all of it: a 20,000
# character note (the protocol's limit) would otherwise be a wall several screens tall.
SHORT_CHARS = 1_200
SHORT_LINES = 14

SAFE_SCHEMES = ("http", "https", "mailto")
# Bidi embeddings, overrides, isolates and the Arabic letter mark, C0 controls but tab and
# newline, DEL and the C1 controls: none has an honest use in a post shown on a card.
_HIDDEN_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029\x85]")


class Style(IntFlag):
    PLAIN = 0
    BOLD = 1
    ITALIC = 2
    STRIKE = 4
    CODE = 8
    LINK = 16


_STYLE_OF = {Kind.STRONG: Style.BOLD, Kind.EMPHASIS: Style.ITALIC, Kind.STRIKE: Style.STRIKE,
             Kind.CODE: Style.CODE, Kind.LINK: Style.LINK, Kind.AUTOLINK: Style.LINK}


@dataclass(frozen=True)
class Run:
    """`style` over `text[start:end]`; `address` is the safe address of a link, else ""."""

    start: int
    end: int
    style: Style
    address: str = ""


@dataclass(frozen=True)
class Block:
    """One line as shown. `kind`: text, heading, quote, item, code, rule or gap (a blank
    line between paragraphs). `level`: a heading's level, a quote's depth or an item's
    indent; `marker`: an item's bullet or number."""

    kind: str
    text: str = ""
    runs: tuple[Run, ...] = ()
    level: int = 0
    marker: str = ""

    @property
    def links(self) -> list[tuple[str, str]]:
        """(shown text, address) of each link in the block, in order."""
        return [(self.text[r.start:r.end], r.address) for r in self.runs if r.address]


@dataclass(frozen=True)
class PostText:
    blocks: tuple[Block, ...]
    shortened: bool  # more text than the card shows until asked

    @property
    def links(self) -> list[tuple[str, str]]:
        return [link for block in self.blocks for link in block.links]

    @property
    def plain(self) -> str:
        """The text as read aloud or copied: a line per block, list items with their mark."""
        return "\n".join((f"{b.marker} " if b.marker else "") + b.text for b in self.blocks
                         if b.kind not in ("gap", "rule"))


def shown_characters(text: str) -> str:
    """`text` without the characters that could reorder or disguise what a card shows."""
    return _HIDDEN_CHARS.sub("", _LINE_BREAKS.sub("\n", text))


def safe_address(raw: str) -> str:
    """The address to open for a link written as `raw`, or "" when it must not be opened:
    only http and https with a host, and mailto with a recipient. `www.x` means https."""
    address = raw.strip()
    if address.startswith("<") and address.endswith(">"):
        address = address[1:-1]
    if address.lower().startswith("www."):
        address = "https://" + address
    elif "@" in address and ":" not in address and "/" not in address:
        address = "mailto:" + address  # <someone@example.org>
    if not address or any(ch.isspace() or ord(ch) < 32 for ch in address) \
            or _HIDDEN_CHARS.search(address) or "\\" in address:
        return ""
    try:
        parts = urlsplit(address)
        host = parts.hostname
    except ValueError:  # a malformed [IPv6] host
        return ""
    scheme = parts.scheme.lower()
    if scheme not in SAFE_SCHEMES:
        return ""
    if scheme == "mailto":
        return address if "@" in parts.path else ""
    return address if host else ""


def post_text(markdown: str, *, whole: bool = False) -> PostText:
    """`markdown` as blocks; unless `whole`, only its first SHORT_CHARS / SHORT_LINES."""
    text = shown_characters(markdown)
    lines = text.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    shortened = False
    if not whole:
        kept: list[str] = []
        size = 0
        for line in lines:
            if len(kept) >= SHORT_LINES or size >= SHORT_CHARS:
                shortened = True
                break
            room = SHORT_CHARS - size
            if len(line) > room:
                kept.append(line[:room].rstrip() + "…")
                shortened = True
                break
            kept.append(line)
            size += len(line) + 1
        lines = kept
    blocks: list[Block] = []
    state = 0
    for line in lines:
        inside_fence = state >= 6
        spans, state = scan_line(line, state)
        block = _block(line, spans, inside_fence)
        if block is None:
            continue
        if block.kind == "gap" and (not blocks or blocks[-1].kind == "gap"):
            continue  # one gap between paragraphs, none at the start
        blocks.append(block)
    while blocks and blocks[-1].kind == "gap":
        blocks.pop()
    return PostText(tuple(blocks), shortened)


def _block(line: str, spans: list[Span], inside_fence: bool) -> Block | None:
    if inside_fence:
        if any(s.kind == Kind.MARK and s.start == 0 and s.end == len(line) for s in spans):
            return None  # the closing fence
        return Block("code", line, (Run(0, len(line), Style.CODE),) if line else ())
    if not line.strip():
        return Block("gap")
    if any(s.kind == Kind.MARK and s.start == 0 and s.end == len(line) for s in spans):
        # An opening fence, a rule, or a setext underline (=== under a line of text).
        stripped = line.strip()
        if stripped[:1] in "-*_" and not stripped.startswith(("```", "~~~")):
            return Block("rule")
        return None
    hidden = _hidden_ranges(line, spans)
    text, position = _without(line, hidden)
    runs = _runs(line, spans, position)
    kind, level, marker = "text", 0, ""
    heading = next((s for s in spans if s.kind == Kind.HEADING), None)
    quote = next((s for s in spans if s.kind == Kind.QUOTE), None)
    quotes = 0 if quote is None else sum(
        1 for s in spans if s.kind == Kind.MARK and s.end <= quote.start
        and ">" in line[s.start:s.end])
    item = next((s for s in spans if s.kind == Kind.LIST_MARKER), None)
    if heading is not None:
        kind, level = "heading", heading.level
        runs = (Run(0, len(text), Style.BOLD), *runs)
    elif quotes:
        kind, level = "quote", quotes
    if item is not None and kind != "heading":
        kind = "item" if kind == "text" else kind
        raw = line[item.start:item.end].strip()
        level = len(line) - len(line.lstrip(" \t")) if kind == "item" else level
        marker = _marker(raw)
    text, runs = _strip_leading(text, runs)
    if not text.strip() and not marker:
        return Block("gap")  # a quote's empty line ("> ")
    return Block(kind, text, runs, level, marker)


def _marker(raw: str) -> str:
    """The bullet shown for a list marker ("- [x]" is a ticked box)."""
    if "[x]" in raw.lower():
        return "☑"
    if "[ ]" in raw:
        return "☐"
    first = raw.split()[0] if raw.split() else "-"
    return first if first[:1].isdigit() else "•"


def _hidden_ranges(line: str, spans: list[Span]) -> list[tuple[int, int]]:
    ranges = sorted((s.start, s.end) for s in spans
                    if s.kind in (Kind.MARK, Kind.URL, Kind.LIST_MARKER) and s.end > s.start)
    merged: list[tuple[int, int]] = []
    for start, end in ranges:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _without(line: str, hidden: list[tuple[int, int]]) -> tuple[str, list[int]]:
    """The line without `hidden`, and for each position of the line its place in the result
    (a hidden character maps to where the next kept one lands)."""
    kept: list[str] = []
    position = [0] * (len(line) + 1)
    at, shown = 0, 0
    for start, end in [*hidden, (len(line), len(line))]:
        for index in range(at, start):
            position[index] = shown
            shown += 1
        kept.append(line[at:start])
        for index in range(start, end):
            position[index] = shown
        at = max(at, end)
    position[len(line)] = shown
    return "".join(kept), position


def _runs(line: str, spans: list[Span], position: list[int]) -> tuple[Run, ...]:
    runs = []
    urls = {s.start: s for s in spans if s.kind == Kind.URL}
    for span in spans:
        style = _STYLE_OF.get(span.kind)
        if style is None:
            continue
        start, end = position[span.start], position[span.end]
        address = ""
        if span.kind == Kind.LINK:
            url = urls.get(span.end + 2)  # "[text](" then the address
            raw = line[url.start:url.end].split(" ")[0] if url is not None else ""
            address = safe_address(raw)
            image = span.start >= 2 and line[span.start - 2:span.start] == "!["
            if image:
                style = Style.ITALIC | (Style.LINK if address else Style.PLAIN)
            elif not address:
                style = Style.PLAIN  # shown as text that does nothing
        elif span.kind == Kind.AUTOLINK:
            address = safe_address(line[span.start:span.end])
            if not address:
                style = Style.PLAIN
        if end > start and style:
            runs.append(Run(start, end, style, address))
    return tuple(sorted(runs, key=lambda r: (r.start, r.end)))


def _strip_leading(text: str, runs: tuple[Run, ...]) -> tuple[str, tuple[Run, ...]]:
    """Leading blanks go (an indented line's indent is its `level`); runs move with them."""
    cut = len(text) - len(text.lstrip(" \t"))
    if not cut:
        return text, runs
    moved = tuple(Run(max(0, r.start - cut), max(0, r.end - cut), r.style, r.address)
                  for r in runs if r.end > cut)
    return text[cut:], moved
