"""The rendered preview of an entry's Markdown.

It never opens a link and never loads anything: a journal is private, and a click on a link in
it (or an image address in the text) must not reach the network or read files. A click only
tells the page, which says so. The entry's attached photos are shown below the text from
images handed over in memory (`set_images`), added to the document as its own resources.

It reads Markdown as the editor's highlighter styles it: GitHub's dialect without Qt's
underline extension (so _this_ is italic, as on GitHub, not underlined), and without raw HTML
(a journal's "I said <sigh>" shows as typed instead of vanishing as an unknown tag). Headings
have the editor's sizes, and quotes its italic, muted look.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QEvent, QUrl, Signal
from PySide6.QtGui import (
    QFont,
    QImage,
    QPalette,
    QTextBlock,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextImageFormat,
    QTextOption,
)
from PySide6.QtWidgets import QTextBrowser, QWidget

from ui.widgets.markdown_highlighter import HEADING_SCALE

_Feature = QTextDocument.MarkdownFeature
_MD_FLAG_UNDERLINE = 0x4000  # md4c's: "_" underlines instead of emphasising
MARKDOWN_FEATURES = _Feature(
    (_Feature.MarkdownDialectGitHub.value & ~_MD_FLAG_UNDERLINE) | _Feature.MarkdownNoHTML.value)


class MarkdownView(QTextBrowser):
    link_clicked = Signal(QUrl)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setAccessibleName(self.tr("Preview"))
        self.anchorClicked.connect(self.link_clicked)
        self.document().setDocumentMargin(14)
        self._markdown = ""  # what is shown, to render again when the palette changes
        self._images: list[tuple[str, QImage]] = []  # attached photos, shown below the text

    def show_markdown(self, text: str) -> None:
        self._render(text)
        self.verticalScrollBar().setValue(0)

    def _render(self, text: str) -> None:
        self._markdown = text
        # As in the editor: a long run without spaces takes Qt's word wrapping minutes.
        long_run = re.search(r"\S{1000}", text) is not None
        self.setWordWrapMode(QTextOption.WrapMode.WrapAnywhere if long_run
                             else QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.document().setMarkdown(text, MARKDOWN_FEATURES)
        self._restyle_blocks()
        self._add_images()
        self.document().clearUndoRedoStacks()

    def set_images(self, images: list[tuple[str, QImage]]) -> None:
        """The entry's photos (name, decoded thumbnail) to show below its text."""
        self._images = list(images)
        if self._markdown or self._images:
            scrolled = self.verticalScrollBar().value()
            self._render(self._markdown)
            self.verticalScrollBar().setValue(scrolled)

    def _add_images(self) -> None:
        """Each photo on a line of its own below the text, from memory (the document's own
        resources: `loadResource` is never asked for them)."""
        if not self._images:
            return
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        for number, (name, image) in enumerate(self._images):
            url = QUrl(f"companion-attachment:{number}")
            self.document().addResource(QTextDocument.ResourceType.ImageResource.value, url,
                                        image)
            spacing = QTextBlockFormat()  # a block of its own: not in a list or a quote
            spacing.setTopMargin(10 if number == 0 else 6)
            cursor.insertBlock(spacing, QTextCharFormat())
            look = QTextImageFormat()
            look.setName(url.toString())
            look.setWidth(image.width())
            look.setHeight(image.height())
            look.setToolTip(name)
            cursor.insertImage(look)

    def _restyle_blocks(self) -> None:
        """Qt's Markdown import sets blocks tight (a little air reads better), sizes headings
        its own way, leaves quotes upright and colours links from the application's palette;
        here they get the editor's look, in this widget's palette."""
        cursor = QTextCursor(self.document())
        font_size = self.document().defaultFont().pointSizeF()
        muted = QTextCharFormat()
        muted.setForeground(self.palette().color(QPalette.ColorRole.PlaceholderText))
        link = QTextCharFormat()
        link.setForeground(self.palette().color(QPalette.ColorRole.Link))
        block = self.document().begin()
        while block.isValid():
            start, end = block.position(), block.position() + block.length() - 1
            fragments = self._fragments(block)
            spacing = QTextBlockFormat()
            spacing.setBottomMargin(3 if block.textList() is not None else 8)
            spacing.setLineHeight(125, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
            cursor.setPosition(start)
            cursor.mergeBlockFormat(spacing)
            level = block.blockFormat().headingLevel()
            if level in HEADING_SCALE and font_size > 0:
                for fragment_start, fragment_end, look in fragments:
                    # Qt sizes a heading's plain runs by a relative step that wins over any
                    # point size (its bold or italic runs have none): one size for them all.
                    look.clearProperty(QTextFormat.Property.FontSizeAdjustment)
                    look.setFontPointSize(font_size * HEADING_SCALE[level])
                    look.setFontWeight(QFont.Weight.Bold)
                    cursor.setPosition(fragment_start)
                    cursor.setPosition(fragment_end, QTextCursor.MoveMode.KeepAnchor)
                    cursor.setCharFormat(look)
            quoted = block.blockFormat().intProperty(QTextFormat.Property.BlockQuoteLevel) > 0
            if quoted:
                italic = QTextCharFormat()
                italic.setFontItalic(True)
                self._merge(cursor, start, end, italic)
            for fragment_start, fragment_end, look in fragments:
                is_link = look.isAnchor()
                if is_link or quoted:
                    self._merge(cursor, fragment_start, fragment_end, link if is_link else muted)
            block = block.next()

    @staticmethod
    def _fragments(block: QTextBlock) -> list[tuple[int, int, QTextCharFormat]]:
        """(start, end, format) of the block's runs of text, read before anything changes
        (a change to the document invalidates the fragment iterator)."""
        found = []
        fragments = block.begin()
        while not fragments.atEnd():
            fragment = fragments.fragment()
            found.append((fragment.position(), fragment.position() + fragment.length(),
                          fragment.charFormat()))
            fragments += 1
        return found

    @staticmethod
    def _merge(cursor: QTextCursor, start: int, end: int, look: QTextCharFormat) -> None:
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        cursor.mergeCharFormat(look)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._markdown:
            # Link and quote colours were taken from the palette when the text was rendered.
            scrolled = self.verticalScrollBar().value()
            self._render(self._markdown)
            self.verticalScrollBar().setValue(scrolled)

    def loadResource(self, kind: int, name: QUrl | str) -> Any:  # noqa: N802 - Qt API
        return None  # no images, style sheets or files: nothing outside the text is read

    def wipe(self) -> None:
        self._markdown = ""
        self._images = []
        self.clear()
        self.document().clearUndoRedoStacks()
        self.document().setMarkdown("", QTextDocument.MarkdownFeature.MarkdownDialectGitHub)
        self.document().clearUndoRedoStacks()
