"""Screenshots of an entry with photos and a file (issue 20): the Journal's editor with the
strip of thumbnails under the text, and its preview with the photos (called from
tools/screenshots.py on its demo window)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path


def _picture(top: tuple[int, int, int], bottom: tuple[int, int, int],
             band: tuple[int, int, int], size: tuple[int, int] = (1200, 800)) -> bytes:
    """A calm made-up photo: a sky fading into the ground, a band where they meet."""
    from PIL import Image, ImageDraw

    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / (height - 1)
        draw.line([(0, y), (width, y)], fill=tuple(
            int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    draw.rectangle([0, int(height * 0.58), width, int(height * 0.64)], fill=band)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=88)
    return out.getvalue()


def _ticket() -> bytes:
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages"
            b"/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def render_attachments(window: object, pump: Callable[[int], None], out: Path,
                       theme: str) -> None:
    from companion.app import CompanionApp
    from companion.models import EntryDraft
    from ui.main_window import MainWindow
    from ui.pages.journal import JournalPage

    assert isinstance(window, MainWindow) and window.workspace is not None
    app = window.app
    assert isinstance(app, CompanionApp)
    entry = app.add_entry(EntryDraft(
        title="A day at the sea",
        body="Took the early train with Sam. Wind all morning, then the sun came out over "
             "the dunes.\n\n- Swam, briefly\n- Chips on the harbour wall\n- Slept on the "
             "way home",
        tags=("family",), mood=5, at=app.clock.now() - timedelta(hours=3)))
    app.attach(entry.id, [
        app.prepare_attachment_bytes("sea.jpg", _picture((120, 170, 220), (20, 70, 120),
                                                         (230, 210, 160))),
        app.prepare_attachment_bytes("dunes.jpg", _picture((250, 200, 150), (200, 170, 110),
                                                           (120, 150, 90))),
        app.prepare_attachment_bytes("harbour.jpg", _picture((70, 60, 120), (240, 150, 90),
                                                             (40, 40, 60))),
        app.prepare_attachment_bytes("train tickets.pdf", _ticket())])
    journal = window.workspace.show_page(JournalPage)
    assert isinstance(journal, JournalPage)
    pump(400)
    journal.open_entry(entry.id)
    pump(800)
    window.grab().save(str(out / f"entry-photos-{theme}.png"))
    journal.editor.toggle_preview()
    pump(600)
    window.grab().save(str(out / f"entry-photos-preview-{theme}.png"))
    journal.editor.toggle_preview()
    pump(100)
