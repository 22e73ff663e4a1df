"""An attached photo shown whole, in a window of its own.

The photo is decoded in a worker (`decode_full`, from bytes in memory, made no larger than a
screen needs) and handed over as a QImage; it is never written anywhere or put in a cache.
Until it comes, the kept thumbnail is shown. "Save a copy…" writes it where the person
chooses (through the journal page).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.attachment_strip import StripItem

LARGEST = 2400  # pixels on the longer side: more than a screen shows, far less than a photo


def decode_full(data: bytes) -> QImage | None:
    """The photo as an image at most `LARGEST` pixels a side (in a worker). The core has
    measured it from its header when it was attached (no decompression bombs get here)."""
    image = QImage.fromData(data)
    if image.isNull():
        return None
    if max(image.width(), image.height()) > LARGEST:
        image = image.scaled(LARGEST, LARGEST, Qt.AspectRatioMode.KeepAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
    return image


class AttachmentViewer(QDialog):
    save_requested = Signal()

    def __init__(self, item: StripItem, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(item.name)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setAccessibleName(item.spoken)
        if item.image is not None:
            self.picture.setPixmap(QPixmap.fromImage(item.image))
        scroll = QScrollArea()
        scroll.setWidget(self.picture)
        scroll.setWidgetResizable(True)
        scroll.setAlignment(Qt.AlignmentFlag.AlignCenter)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        save = buttons.addButton(self.tr("Save a copy…"),
                                 QDialogButtonBox.ButtonRole.ActionRole)
        save.clicked.connect(self.save_requested)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        self.resize(720, 560)

    def show_image(self, image: QImage | None) -> None:
        if image is None:
            return
        holder = self.picture.parentWidget()
        room = holder.size() if holder is not None else None
        pixmap = QPixmap.fromImage(image)
        if room is not None and (image.width() > room.width() or
                                 image.height() > room.height()):
            pixmap = pixmap.scaled(room, Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation)
        self.picture.setPixmap(pixmap)

    def done(self, result: int) -> None:
        self.picture.clear()
        super().done(result)
