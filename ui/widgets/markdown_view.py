"""The rendered preview of an entry's Markdown.

It never opens a link and never loads anything: a journal is private, and a click on a link in
it (or an image address in the text) must not reach the network or read files. A click only
tells the page, which says so.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QTextBlockFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QWidget


class MarkdownView(QTextBrowser):
    link_clicked = Signal(QUrl)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setAccessibleName(self.tr("Preview"))
        self.anchorClicked.connect(self.link_clicked)
        self.document().setDocumentMargin(14)

    def show_markdown(self, text: str) -> None:
        self.setMarkdown(text)
        self._space_out()
        self.document().clearUndoRedoStacks()
        self.verticalScrollBar().setValue(0)

    def _space_out(self) -> None:
        """Qt's Markdown import sets blocks tight; a little air makes the text easier to read."""
        cursor = QTextCursor(self.document())
        block = self.document().begin()
        while block.isValid():
            spacing = QTextBlockFormat()
            spacing.setBottomMargin(3 if block.textList() is not None else 8)
            spacing.setLineHeight(125, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
            cursor.setPosition(block.position())
            cursor.mergeBlockFormat(spacing)
            block = block.next()

    def loadResource(self, kind: int, name: QUrl | str) -> Any:  # noqa: N802 - Qt API
        return None  # no images, style sheets or files: nothing outside the text is read

    def wipe(self) -> None:
        self.clear()
        self.document().clearUndoRedoStacks()
        self.document().setMarkdown("", QTextDocument.MarkdownFeature.MarkdownDialectGitHub)
        self.document().clearUndoRedoStacks()
