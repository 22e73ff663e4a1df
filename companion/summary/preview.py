"""Pages of a rendered PDF as PNG images, for the app's preview before saving.

The preview shows the real document (pdfium draws the very bytes that will be saved), not a
second rendering of the data, so what the person approves is what the file holds. The images
stay in memory; nothing is written to disk until the person saves.
"""

from __future__ import annotations

import io

import pypdfium2  # type: ignore[import-untyped]  # no stubs; used in this one module

PREVIEW_SCALE = 0.75  # 72 dpi × 0.75: about 450 × 630 pixels for an A4 page


PREVIEW_PAGES = 40  # pages drawn for the preview; a longer summary says how many it has


def page_count(pdf: bytes) -> int:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def page_images(pdf: bytes, *, scale: float = PREVIEW_SCALE,
                limit: int = PREVIEW_PAGES) -> list[bytes]:
    """The first `limit` pages as PNG bytes."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        images: list[bytes] = []
        for index in range(min(len(document), limit)):
            page = document[index]
            try:
                bitmap = page.render(scale=scale)
                buffer = io.BytesIO()
                bitmap.to_pil().save(buffer, format="PNG")
                images.append(buffer.getvalue())
            finally:
                page.close()
        return images
    finally:
        document.close()
