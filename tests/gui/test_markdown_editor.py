"""Writing feels like writing (issue 17, item 4): the editor styles Markdown as it is typed, the
text stays the Markdown that was typed, and the preview agrees with the editor."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import QApplication, QListView

from companion.markdown_text import MAX_LINE
from companion.models import Entry, EntryDraft
from ui.models.search_results import SearchResultsModel, SearchRoles
from ui.pages.journal import JournalPage
from ui.theme import dark_palette, light_palette
from ui.widgets.entry_editor import EntryEditor
from ui.widgets.markdown_highlighter import HEADING_SCALE
from ui.widgets.snippet_delegate import SnippetDelegate, snippet_document

CTRL = Qt.KeyboardModifier.ControlModifier
TYPED = (
    "# Lunch with **Sam**\n"
    "A *quiet* day, _slow_ and __good__, with `tea` and ~~work~~ none.\n"
    "- milk\n"
    "12. eggs\n"
    "> what she said [the park](https://example.org/park) and https://example.org\n"
    "snake_case_name stays plain"
)


@pytest.fixture
def editor(qtbot) -> Iterator[EntryEditor]:  # type: ignore[no-untyped-def]
    widget = EntryEditor()
    qtbot.addWidget(widget)
    widget.resize(700, 500)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget


def type_into(qtbot, widget, text: str) -> None:  # type: ignore[no-untyped-def]
    widget.setFocus()
    for number, line in enumerate(text.split("\n")):  # QTest types no "\n": press Return
        if number:
            qtbot.keyClick(widget, Qt.Key.Key_Return)
        qtbot.keyClicks(widget, line)


def format_at(editor: EntryEditor, line: int, column: int) -> QTextCharFormat:
    """What the highlighter laid over the character at (line, column)."""
    block = editor.body.document().findBlockByNumber(line)
    found = QTextCharFormat()
    for layer in block.layout().formats():
        if layer.start <= column < layer.start + layer.length:
            found.merge(layer.format)
    return found


def format_of(editor: EntryEditor, line: int, word: str) -> QTextCharFormat:
    text = editor.body.document().findBlockByNumber(line).text()
    assert word in text, (word, text)
    return format_at(editor, line, text.index(word))


def colour(fmt: QTextCharFormat) -> str:
    return fmt.foreground().color().name() if fmt.hasProperty(
        QTextCharFormat.Property.ForegroundBrush) else ""


def role(editor: EntryEditor, name: QPalette.ColorRole) -> str:
    return editor.body.palette().color(name).name()


def contrast(a: QColor, b: QColor) -> float:
    def luminance(c: QColor) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
        return (0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF())
                + 0.0722 * channel(c.blueF()))
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def entry(body: str) -> Entry:
    when = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
    return Entry(id=1, title="", body=body, tags=(), created=when, updated=when)


def test_typed_markdown_is_styled_and_stays_as_typed(qtbot, editor):
    type_into(qtbot, editor.body, TYPED)
    assert editor.values()["body"] == TYPED  # highlighting only formats: not one byte differs
    placeholder = role(editor, QPalette.ColorRole.PlaceholderText)
    link = role(editor, QPalette.ColorRole.Link)
    size = editor.body.font().pointSizeF()
    heading = format_of(editor, 0, "Lunch")
    assert heading.fontWeight() == QFont.Weight.Bold
    assert heading.fontPointSize() == pytest.approx(size * HEADING_SCALE[1])
    hashes = format_at(editor, 0, 0)
    assert colour(hashes) == placeholder and hashes.fontPointSize() > size  # dimmed, as big
    sam = format_of(editor, 0, "Sam")
    assert sam.fontWeight() == QFont.Weight.Bold and sam.fontPointSize() > size
    assert colour(format_of(editor, 0, "**")) == placeholder
    assert format_of(editor, 1, "quiet").fontItalic()
    assert format_of(editor, 1, "slow").fontItalic()  # _emphasis_, as the preview shows it
    assert format_of(editor, 1, "good").fontWeight() == QFont.Weight.Bold
    assert not format_of(editor, 1, "A ").fontItalic()
    code = format_of(editor, 1, "tea")
    assert code.fontFixedPitch() and code.fontFamilies()
    assert colour(format_of(editor, 1, "`")) == placeholder
    assert format_of(editor, 1, "work").fontStrikeOut()
    assert colour(format_of(editor, 2, "-")) == link
    assert format_of(editor, 2, "-").fontWeight() == QFont.Weight.Bold
    assert colour(format_of(editor, 2, "milk")) == ""
    assert colour(format_of(editor, 3, "12.")) == link
    quote = format_of(editor, 4, "what")
    assert quote.fontItalic() and colour(quote) == placeholder
    assert colour(format_of(editor, 4, ">")) == placeholder
    park = format_of(editor, 4, "the park")
    assert colour(park) == link and park.fontUnderline()
    assert colour(format_of(editor, 4, "https://example.org/park")) == placeholder  # the address
    bare = format_at(editor, 4, len(editor.body.document().findBlockByNumber(4).text()) - 3)
    assert colour(bare) == link
    assert not format_of(editor, 5, "case").fontItalic()  # no emphasis inside words


def test_fenced_code_carries_from_line_to_line(qtbot, editor):
    editor.load(entry("before *it*\n```python\nx = *not italic*\n# not a heading\n```\nafter *it*"))
    assert format_of(editor, 0, "it").fontItalic()
    for line in (2, 3):
        inside = format_at(editor, line, 4)
        assert inside.fontFixedPitch() and not inside.fontItalic()
        assert inside.fontWeight() != QFont.Weight.Bold
    assert colour(format_at(editor, 1, 0)) == role(editor, QPalette.ColorRole.PlaceholderText)
    assert format_of(editor, 5, "it").fontItalic() and not format_at(editor, 5, 0).fontFixedPitch()
    # Opening a fence at the top turns everything after it into code, and back when undone.
    cursor = QTextCursor(editor.body.document())
    editor.body.setTextCursor(cursor)
    type_into(qtbot, editor.body, "~~~~\n")
    assert format_at(editor, 1, 0).fontFixedPitch()
    assert format_of(editor, 6, "after").fontFixedPitch()  # the ``` fence does not close ~~~~
    qtbot.keyClick(editor.body, Qt.Key.Key_Z, CTRL)
    qtbot.keyClick(editor.body, Qt.Key.Key_Z, CTRL)
    assert editor.body.toPlainText().startswith("before")
    assert format_of(editor, 5, "it").fontItalic()
    assert not format_of(editor, 5, "after").fontFixedPitch()


def test_restyling_is_not_an_edit(qtbot, editor):
    editor.load(entry(TYPED))
    qtbot.wait(10)  # the highlighter's first pass runs from the event loop
    session, revision = editor.session, editor.revision
    dirty = []
    editor.dirty_changed.connect(dirty.append)
    editor.highlighter.rehighlight()
    editor.setPalette(dark_palette())  # restyles every block
    qtbot.wait(10)
    assert colour(format_at(editor, 0, 0)) == "#a2a3ab"
    assert (editor.session, editor.revision, editor.dirty, dirty) == (session, revision, False, [])
    assert not editor.body.document().isUndoAvailable()
    assert not editor.body.document().isModified()
    assert editor.status.text() == "Saved" and not editor.save_button.isEnabled()
    qtbot.keyClicks(editor.body, "x")  # a real edit still counts
    assert editor.dirty and editor.revision == revision + 1 and dirty == [True]


@pytest.mark.parametrize("palette", [light_palette, dark_palette], ids=["light", "dark"])
def test_marks_links_and_quotes_read_in_both_themes(qtbot, editor, palette):
    editor.setPalette(palette())
    editor.load(entry(TYPED))
    base = editor.body.palette().color(QPalette.ColorRole.Base)
    for line, word in ((0, "#"), (0, "**"), (2, "-"), (4, "what"), (4, "the park"),
                       (4, "https://example.org/park"), (1, "`")):
        fmt = format_of(editor, line, word)
        assert contrast(fmt.foreground().color(), base) >= 4.5, (word, colour(fmt))
    assert colour(format_of(editor, 0, "#")) == palette().color(
        QPalette.ColorRole.PlaceholderText).name()


def test_the_app_palette_changing_restyles_the_editor(qtbot, editor):
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    previous = app.palette()
    editor.load(entry("# Title\n[a](b)"))
    try:
        app.setPalette(dark_palette())
        qtbot.wait(10)
        assert colour(format_at(editor, 0, 0)) == "#a2a3ab"
        assert colour(format_of(editor, 1, "a")) == "#8ea2ff"
    finally:
        app.setPalette(previous)
    qtbot.wait(10)
    assert colour(format_of(editor, 1, "a")) == previous.color(QPalette.ColorRole.Link).name()


@pytest.mark.parametrize("hostile", [
    "*" * 9_999, "[" * 9_999, "_a " * 3_300, "**a " * 2_400, "` `` ``` " * 1_100,
    "*a _b " * 1_600, "[a](" * 2_400, "<" * 9_999, "\\" * 9_999, "*a" * 4_900, "_*" * 4_900,
    "~a" * 4_900, "![a](b)" * 1_400, "http://" * 1_400, "a **b " * 1_600,
], ids=lambda text: f"{text[:6]!r}x{len(text)}")
def test_hostile_lines_are_styled_in_bounded_time(qtbot, editor, hostile):
    started = time.perf_counter()
    editor.load(entry(f"# Before\n{hostile}\n*after*"))
    editor.highlighter.rehighlight()
    assert time.perf_counter() - started < 3.0  # each is 0.1–0.6 s here, layout included
    assert editor.body.toPlainText() == f"# Before\n{hostile}\n*after*"
    assert format_of(editor, 2, "after").fontItalic()  # the lines after it are still styled


@pytest.mark.parametrize("hostile", ["a" * 1_000_000, "*a" * 500_000, "[" * 1_000_000,
                                     "word " * 200_000], ids=lambda text: f"{text[:5]!r}…")
def test_a_megabyte_line_is_left_as_typed(qtbot, hostile):
    # Not shown: Qt's own line breaking of one unbroken megabyte takes minutes with or without
    # a highlighter (quadratic in a word's length); what is measured here is the styling.
    editor = EntryEditor()
    qtbot.addWidget(editor)
    started = time.perf_counter()
    editor.load(entry(f"# Before\n{hostile}\n*after*"))
    editor.highlighter.rehighlight()
    assert time.perf_counter() - started < 3.0
    assert len(hostile) > MAX_LINE
    assert editor.body.document().findBlockByNumber(1).layout().formats() == []
    assert format_of(editor, 2, "after").fontItalic()
    assert editor.values()["body"] == f"# Before\n{hostile}\n*after*"


def test_a_36500_line_body_is_styled_in_bounded_time(qtbot, editor):
    day = ["# Day {n}", "", "Walked with **Sam**, saw *herons* and a `kingfisher`.",
           "- [a link](https://example.org)", "> a quote", "Quiet evening, nothing much.",
           "```", "code *here*", "```"]
    body = "\n".join(day[n % len(day)].format(n=n) for n in range(36_500))
    started = time.perf_counter()
    editor.load(entry(body))
    elapsed = time.perf_counter() - started
    assert elapsed < 15.0, elapsed  # about 1.3 s here, every line carrying markup
    assert editor.body.document().blockCount() == 36_500
    last_heading = max(n for n in range(36_500) if n % len(day) == 0)
    assert format_at(editor, last_heading, 4).fontWeight() == QFont.Weight.Bold
    last_code = max(n for n in range(36_500) if n % len(day) == 7)
    assert format_at(editor, last_code, 0).fontFixedPitch()  # inside the last fence
    assert not format_of(editor, last_code, "here").fontItalic()
    assert not editor.dirty and not editor.body.document().isUndoAvailable()


def test_the_preview_agrees_with_the_editor(qtbot, editor):
    editor.load(entry("# Big *day*\n\n_slow_ and __good__, I said <sigh>\n\n> quoted\n\n"
                      "~~gone~~ [park](https://example.org)"))
    editor.set_preview(True)
    document = editor.preview.document()
    assert "slow and good, I said <sigh>" in document.toPlainText().splitlines()

    def fmt(word: str) -> QTextCharFormat:
        cursor = document.find(word)
        assert not cursor.isNull(), word
        return cursor.charFormat()

    size = document.defaultFont().pointSizeF()
    for word in ("Big", "day"):  # one size for the heading, emphasis or not
        assert fmt(word).fontPointSize() == pytest.approx(size * HEADING_SCALE[1])
        assert not fmt(word).hasProperty(QTextFormat.Property.FontSizeAdjustment)
        assert fmt(word).fontWeight() == QFont.Weight.Bold
    assert fmt("day").fontItalic()
    assert fmt("slow").fontItalic() and not fmt("slow").fontUnderline()
    assert fmt("good").fontWeight() == QFont.Weight.Bold
    quoted = fmt("quoted")
    assert quoted.fontItalic()
    assert quoted.foreground().color() == editor.preview.palette().color(
        QPalette.ColorRole.PlaceholderText)
    assert fmt("gone").fontStrikeOut()
    assert fmt("park").isAnchor()
    editor.setPalette(dark_palette())  # rendered again with the new colours
    assert fmt("quoted").foreground().color().name() == "#a2a3ab"
    assert fmt("park").foreground().color().name() == "#8ea2ff"


def test_a_saved_entry_keeps_the_markdown_byte_for_byte(qtbot, ctx, wait_for_tasks):
    page = JournalPage(ctx)
    qtbot.addWidget(page)
    page.resize(1000, 700)
    page.show()
    page.shown()
    wait_for_tasks()
    try:
        qtbot.keyClick(page.list_view, Qt.Key.Key_N, CTRL)
        text = TYPED + "\n```\n  *x*  \n```\n\\*escaped\\* & <b>tag</b> ~~~ trailing  "
        type_into(qtbot, page.editor.body, text)
        qtbot.keyClick(page.editor.body, Qt.Key.Key_S, CTRL)
        qtbot.waitUntil(lambda: not page.editor.dirty and page.editor.entry is not None)
        wait_for_tasks()
        assert page.editor.entry is not None
        saved = ctx.app.journal.get(page.editor.entry.id)
        assert saved.body.encode() == text.encode()
    finally:
        page.teardown()
        wait_for_tasks()


def test_search_results_show_text_without_markup_and_highlight_the_word(qtbot, ctx):
    ctx.app.add_entry(EntryDraft(body="# Lunch with **Sam**\n\n- a walk by the _river_",
                                 at=datetime(2026, 3, 2, 12, tzinfo=UTC)))
    ctx.app.add_entry(EntryDraft(title="Herons", body="## Seen\n\n> **three** of them, `grey`",
                                 at=datetime(2026, 3, 3, 12, tzinfo=UTC)))
    model = SearchResultsModel()
    model.set_hits(ctx.app.search("sam") + ctx.app.search("herons"))
    lunch, herons = model.index(0, 0), model.index(1, 0)
    html = lunch.data(SearchRoles.SNIPPET_HTML)
    assert html == "Lunch with <b>Sam</b>  a walk by the river"
    document = snippet_document(html, QFont(), 400, QApplication.palette(), False)
    found = document.find("Sam")
    assert found.charFormat().fontWeight() >= QFont.Weight.Bold
    assert found.charFormat().background().color().isValid()
    assert document.find("Lunch").charFormat().fontWeight() < QFont.Weight.Bold
    assert not set(document.toPlainText()) & set("#*_`>[]")
    assert "**" not in lunch.data(Qt.ItemDataRole.AccessibleTextRole).split(",", 1)[1]
    assert herons.data(SearchRoles.IN_TITLE)  # the match is the title: the text shows below
    assert herons.data(SearchRoles.TEXT_BELOW) == "Seen three of them, grey"
    view = QListView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setItemDelegate(SnippetDelegate(view))
    view.resize(500, 300)
    view.show()
    qtbot.waitExposed(view)
    assert not view.grab().isNull()  # both kinds of row paint


def test_a_pasted_run_without_spaces_wraps_anywhere(qtbot) -> None:
    """Word wrapping over a long run without spaces took minutes (185 s for a megabyte); such
    text wraps anywhere, ordinary text between words."""
    from PySide6.QtGui import QTextOption

    from ui.widgets.entry_editor import LONG_WORD, EntryEditor

    editor = EntryEditor()
    qtbot.addWidget(editor)
    editor.body.setPlainText("An ordinary day, with words.")
    words = QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere
    assert editor.body.wordWrapMode() == words
    editor.body.insertPlainText("x" * (LONG_WORD + 5))
    assert editor.body.wordWrapMode() == QTextOption.WrapMode.WrapAnywhere
