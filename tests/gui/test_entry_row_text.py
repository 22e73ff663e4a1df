"""A journal row in a narrow list: the title is read first, so tags take only the room a title
that fits leaves (at 800×600 a row read "River …" beside "#walk")."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtGui import QFont, QFontMetrics

from companion.models import Entry
from ui.widgets.entry_delegate import EntryDelegate


def entry(title: str, tags: tuple[str, ...]) -> Entry:
    now = datetime(2026, 12, 2, 21, 40, tzinfo=UTC)
    return Entry(1, title, "Along the river after work.", tags, now, now)


def test_a_title_that_fits_is_never_cut_for_tags(qtbot) -> None:  # type: ignore[no-untyped-def]
    delegate = EntryDelegate()
    font = QFont()
    title = "River walk at dusk"
    bold = QFont(font)
    bold.setWeight(QFont.Weight.DemiBold)
    needed = QFontMetrics(bold).horizontalAdvance(title)
    for spare in (0, 20, 60, 200):
        text = delegate._row_text(entry(title, ("walk", "evening")), font, needed + 12 + spare)
        assert text.title == title, spare
        assert text.tags_width + 12 <= spare + 12 or not text.tags
    wide = delegate._row_text(entry(title, ("walk",)), font, needed * 4)
    assert wide.title == title and wide.tags == "#walk"


def test_a_title_longer_than_the_row_is_cut_and_keeps_its_tags(qtbot) -> None:  # type: ignore[no-untyped-def]
    delegate = EntryDelegate()
    text = delegate._row_text(entry("A very long title " * 10, ("walk",)), QFont(), 300)
    assert text.title.endswith("…") and text.tags == "#walk"
