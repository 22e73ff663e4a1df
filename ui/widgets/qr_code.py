"""A QR code drawn in memory, for the codes and numbers a person passes to another screen
(a circle's invite, a safety number, a pairing code).

The image is made by segno (pure Python) as PNG bytes in memory and handed to Qt: it is never
written to disk (the codes are secrets until used). segno loads here, when a dialog first
shows a code, so commands and screens that show none never load it.
"""

from __future__ import annotations

import io

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QLabel


def qr_pixmap(text: str, scale: int = 4) -> QPixmap:
    """`text` as a QR code, dark on white whatever the theme: scanners need the contrast."""
    import segno

    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=scale, border=3)
    pixmap = QPixmap()
    pixmap.loadFromData(buffer.getvalue(), "PNG")
    return pixmap


def qr_label(text: str, scale: int, name: str, description: str = "") -> QLabel:
    """The code as a picture, named for screen readers (a picture says nothing to them: the
    description says where the same thing is written out)."""
    label = QLabel()
    label.setPixmap(qr_pixmap(text, scale))
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setAccessibleName(name)
    if description:
        label.setAccessibleDescription(description)
    return label
