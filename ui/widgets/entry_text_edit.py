"""The entry's text field, which also takes files: dropped or pasted files (by their address)
and a pasted image become attachments instead of text.

Paste and drop both come through `insertFromMimeData`, so Ctrl+V, the context menu's Paste
and a drop behave alike. Text wins over an image when the clipboard holds both (a word
processor puts a picture of the copied words beside them): a person who copied words expects
words. Local files win over text (a file manager puts their paths beside them as text).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QPlainTextEdit, QWidget


def local_files(source: QMimeData) -> list[Path]:
    """The local files a drop or a paste carries (web addresses are not files)."""
    if not source.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in source.urls() if url.isLocalFile()]


def pasted_image(source: QMimeData) -> QImage | None:
    """The image a paste carries when it carries no text, else None."""
    if not source.hasImage() or source.hasText():
        return None
    image = source.imageData()
    return image if isinstance(image, QImage) and not image.isNull() else None


class EntryTextEdit(QPlainTextEdit):
    files_given = Signal(list)  # list[Path]: dropped or pasted files
    image_pasted = Signal(QImage)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.takes_files = True  # False while the entry cannot take attachments

    def canInsertFromMimeData(self, source: QMimeData) -> bool:  # noqa: N802 - Qt API
        if self.takes_files and (local_files(source) or pasted_image(source) is not None):
            return True
        return super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:  # noqa: N802 - Qt API
        if self.takes_files and not self.isReadOnly():
            files = local_files(source)
            if files:
                self.files_given.emit(files)
                return
            image = pasted_image(source)
            if image is not None:
                self.image_pasted.emit(QImage(image))
                return
        super().insertFromMimeData(source)
