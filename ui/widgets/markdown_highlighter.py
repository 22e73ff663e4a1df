"""Markdown styled as it is typed: headings larger, emphasis in italics, code in a fixed font.

Only the look changes. The text stays the Markdown that was typed, character for character:
a QSyntaxHighlighter lays its formats over the text without touching the document's contents
or its undo history. What counts as Markdown comes from `companion.markdown_text`, the same
scanner that strips the markup for the lists and search passages, and it follows the preview
(`MarkdownView`); the heading sizes below are the preview's too.

Colours come from the editor's palette so light and dark both read: marks (#, **, `, >, an
address) are dimmed to the palette's PlaceholderText, which the theme keeps at 4.5:1 or more,
and everything is restyled when the palette or the font changes.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QPalette,
    QSyntaxHighlighter,
    QTextCharFormat,
)
from PySide6.QtWidgets import QPlainTextEdit

from companion.markdown_text import Kind, Span, scan_line

# Heading sizes relative to the text, shared with the preview so both agree. Gentler than Qt's
# HTML sizes (2× for a level-1 heading): in the editor a heading is still a line being written.
HEADING_SCALE = {1: 1.6, 2: 1.4, 3: 1.25, 4: 1.1, 5: 1.0, 6: 1.0}

_HEADING_BIT = 16  # bits 16+1 … 16+6: heading levels; below: one bit per Kind
_RESTYLE_EVENTS = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange,
                   QEvent.Type.FontChange, QEvent.Type.ApplicationFontChange)


def _bit(span: Span) -> int:
    return 1 << (_HEADING_BIT + span.level if span.kind == Kind.HEADING else int(span.kind))


def _has(mask: int, kind: Kind) -> bool:
    return bool(mask & (1 << int(kind)))


class MarkdownHighlighter(QSyntaxHighlighter):
    """Styles the Markdown in `editor`'s document; follows its palette and font."""

    def __init__(self, editor: QPlainTextEdit) -> None:
        super().__init__(editor.document())
        self._editor = editor
        self._formats: dict[int, QTextCharFormat] = {}
        self._look = self._current_look()
        editor.installEventFilter(self)

    # -- the look ---------------------------------------------------------------------------

    def _current_look(self) -> tuple[str, ...]:
        palette = self._editor.palette()
        roles = (QPalette.ColorRole.Text, QPalette.ColorRole.PlaceholderText,
                 QPalette.ColorRole.Link, QPalette.ColorRole.AlternateBase)
        return (*(palette.color(role).name() for role in roles),
                self._editor.font().toString())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self._editor and event.type() in _RESTYLE_EVENTS:
            self.restyle()
        return False

    def restyle(self) -> None:
        """Build the formats again from the editor's palette and font (if they changed)."""
        look = self._current_look()
        if look == self._look:
            return
        self._look = look
        self._formats.clear()
        self.rehighlight()

    def _format(self, mask: int) -> QTextCharFormat:
        found = self._formats.get(mask)
        if found is None:
            found = self._formats[mask] = self._build(mask)
        return found

    def _build(self, mask: int) -> QTextCharFormat:
        palette = self._editor.palette()
        fmt = QTextCharFormat()
        level = next((n for n in HEADING_SCALE if mask & (1 << (_HEADING_BIT + n))), 0)
        if level:
            font = self._editor.font()
            fmt.setFontWeight(QFont.Weight.Bold)
            if font.pointSizeF() > 0:
                fmt.setFontPointSize(font.pointSizeF() * HEADING_SCALE[level])
        if _has(mask, Kind.QUOTE):
            fmt.setFontItalic(True)
            fmt.setForeground(palette.color(QPalette.ColorRole.PlaceholderText))
        if _has(mask, Kind.CODE):
            fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
            fmt.setFontFamilies([fixed.family()])
            fmt.setFontFixedPitch(True)
            fmt.setBackground(palette.color(QPalette.ColorRole.AlternateBase))
        if _has(mask, Kind.STRONG):
            fmt.setFontWeight(QFont.Weight.Bold)
        if _has(mask, Kind.EMPHASIS):
            fmt.setFontItalic(True)
        if _has(mask, Kind.STRIKE):
            fmt.setFontStrikeOut(True)
        if _has(mask, Kind.LINK) or _has(mask, Kind.AUTOLINK):
            fmt.setForeground(palette.color(QPalette.ColorRole.Link))
            fmt.setFontUnderline(True)
        if _has(mask, Kind.LIST_MARKER):
            fmt.setForeground(palette.color(QPalette.ColorRole.Link))
            fmt.setFontWeight(QFont.Weight.Bold)
        if _has(mask, Kind.MARK) or _has(mask, Kind.URL):
            fmt.setForeground(palette.color(QPalette.ColorRole.PlaceholderText))
            fmt.setFontUnderline(False)
        return fmt

    # -- styling a block --------------------------------------------------------------------

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt API
        # Each block is styled from its own text and the state of the one before (whether a
        # fenced code block is open); scan_line leaves a line over MAX_LINE unstyled.
        spans, state = scan_line(text, max(0, self.previousBlockState()))
        self.setCurrentBlockState(state)
        if len(spans) == 1:  # most styled lines: a rule, a fence, a line of code, a marker
            start, end, _kind, _level = spans[0]
            self.setFormat(start, end - start, self._format(_bit(spans[0])))
            return
        # Spans nest and overlap (a link inside a quote, emphasis in a heading): sweep their
        # ends in order and give each stretch the format of what covers it.
        events: list[tuple[int, int, int]] = []
        for span in spans:
            bit = _bit(span)
            events += ((span.start, 1, bit), (span.end, -1, bit))
        events.sort()
        counts: dict[int, int] = {}
        mask, at = 0, 0
        for position, step, bit in events:
            if position > at:
                if mask:
                    self.setFormat(at, position - at, self._format(mask))
                at = position
            left = counts.get(bit, 0) + step
            counts[bit] = left
            mask = mask | bit if left > 0 else mask & ~bit
