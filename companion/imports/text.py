"""Text clean-up the importers share: HTML notes (Daylio) and Day One's escaped Markdown.

Both turn hostile-looking input into plain text only; nothing is ever rendered or fetched.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK_TAGS = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
               "tr", "pre"}
_SKIPPED_TAGS = {"script", "style"}
_TAGLIKE = re.compile(r"</?[a-zA-Z][^>]*>|&[#a-zA-Z0-9]+;")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
            if tag == "li":
                self.parts.append("- ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(text: str) -> str:
    """Daylio keeps notes as HTML fragments (`<br>`, `&amp;`, sometimes `<b>`). Plain text
    (with no tag or entity) is returned as it is, apart from trimming: a note that says
    "x < y" is not HTML."""
    if not _TAGLIKE.search(text):
        return _tidy(text)
    collector = _TextCollector()
    collector.feed(text)
    collector.close()
    return _tidy("".join(collector.parts).replace("\xa0", " "))


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    joined = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", joined).strip()


# Day One escapes Markdown punctuation in its export (`\.`, `\-`, `\(` …).
_DAYONE_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|~])")
_DAYONE_MEDIA = re.compile(r"!\[[^\]]*\]\(dayone-moment:/{1,2}[^)]*\)\n?")


def dayone_text(text: str) -> tuple[str, int]:
    """Day One's Markdown as plain Markdown, without its media links; also how many media
    links were taken out (they point to photos Companion cannot hold yet)."""
    media = len(_DAYONE_MEDIA.findall(text))
    text = _DAYONE_MEDIA.sub("", text.replace("\r\n", "\n"))
    return _DAYONE_ESCAPE.sub(r"\1", text), media
