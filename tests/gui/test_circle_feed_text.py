"""What a peer wrote, as a card shows it: Markdown through a safe subset, never HTML; no
address opened but http, https and mailto; nothing that reorders text; a huge post shortened;
and each member's colour readable in both themes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QColor, QPalette

from companion.circle_feed import FeedItem
from tests.gui.test_contrast import contrast as wcag_contrast
from ui.models.feed_markdown import (
    SAFE_SCHEMES,
    SHORT_CHARS,
    Style,
    post_text,
    safe_address,
)
from ui.models.feed_rows import build_rows
from ui.theme import dark_palette, light_palette
from ui.widgets.feed_style import initials, member_colours, mood_chip_colours
from ui.widgets.feed_view import FeedList

NOW = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"
HOSTILE = ("<img src=https://evil.example/t.png> <b>bold?</b> <script>alert(1)</script> "
           "\u202eevil\u202c [click me](javascript:alert%281%29) [files](file:///etc/passwd) "
           "<javascript:alert(1)> ![tracker](https://evil.example/pixel.png) &amp; &lt;i&gt;")


def _item(item_id: int, body: str, name: str = "Eve", title: str = "Hello") -> FeedItem:
    return FeedItem(item_id, bytes([item_id]) * 32, name, item_id, "note",
                    NOW - timedelta(hours=item_id), {"title": title, "body": body})


def test_markdown_becomes_styled_text_and_html_stays_text() -> None:
    text = post_text("# Plan\n**walk** _slowly_ ~~run~~ `code`\n> a quote\n- one\n2. two\n"
                     "<b>not bold</b>")
    kinds = [b.kind for b in text.blocks]
    assert kinds == ["heading", "text", "quote", "item", "item", "text"]
    line = text.blocks[1]
    assert line.text == "walk slowly run code"
    styles = {line.text[r.start:r.end]: r.style for r in line.runs}
    assert styles == {"walk": Style.BOLD, "slowly": Style.ITALIC, "run": Style.STRIKE,
                      "code": Style.CODE}
    assert [b.marker for b in text.blocks[3:5]] == ["•", "2."]
    assert text.blocks[5].text == "<b>not bold</b>" and text.blocks[5].runs == ()


def test_only_http_https_and_mailto_are_links() -> None:
    text = post_text(HOSTILE + " [ok](https://example.org/a?b=1) <ann@example.org> www.x.org")
    # An address written out in the text is a link to click (as on GitHub), tags and all
    # shown as typed; an image is a link to its address, never loaded.
    assert [a for _w, a in text.links] == ["https://evil.example/t.png",
                                           "https://evil.example/pixel.png",
                                           "https://example.org/a?b=1", "mailto:ann@example.org",
                                           "https://www.x.org"]
    plain = text.plain
    assert "click me" in plain and "files" in plain  # shown as words that do nothing
    assert not any(ch in plain for ch in BIDI)
    for bad in ("javascript:alert(1)", "file:///etc/passwd", "data:text/html,x", "vbscript:x",
                "https://", "mailto:", "http://a b", "https://[::1", "\\\\server\\share",
                "https://example.org/\u202egpj.exe"):
        assert safe_address(bad) == "", bad


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)),
               max_size=400)
       | st.lists(st.sampled_from(["**", "_", "[", "](", ")", "<", ">", "`", "\n", "# ", "> ",
                                   "- ", "http://", "javascript:", "www.", "![", "\u202e",
                                   "a", " ", "~~", "1. ", "```", "\\"]),
                  max_size=80).map("".join))
def test_any_text_gives_blocks_with_safe_links(markdown: str) -> None:
    text = post_text(markdown, whole=True)
    for block in text.blocks:
        assert not any(ch in block.text for ch in BIDI)
        for run in block.runs:
            assert 0 <= run.start < run.end <= len(block.text)
            if run.address:
                assert run.style & Style.LINK
                assert run.address.split(":", 1)[0].lower() in SAFE_SCHEMES
                assert safe_address(run.address) == run.address


def test_a_huge_post_is_shortened_until_asked() -> None:
    body = ("word " * 5_000)[:19_999]
    short = post_text(body)
    assert short.shortened and len(short.plain) <= SHORT_CHARS + 1
    whole = post_text(body, whole=True)
    assert not whole.shortened and len(whole.plain) == len(body.rstrip())


def test_a_hostile_post_draws_as_text_and_offers_no_unsafe_link(qtbot) -> None:  # type: ignore[no-untyped-def]
    view = FeedList()
    qtbot.addWidget(view)
    view.resize(700, 900)
    view.show()
    items = [_item(1, HOSTILE + "\n" + "x" * 19_000, name="Eve\u202eevE", title="<h1>T</h1>")]
    view.show_rows(build_rows(items, [], new_after=None, reply_to=None), NOW,
                   ("", "Ann"))
    layout = view.delegate.layout_at(0)
    assert layout is not None
    drawn = [t.layout.text() for t in layout.texts]
    assert "<h1>T</h1>" in drawn  # the title as typed
    assert any("<b>bold?</b>" in t and "<script>" in t for t in drawn)
    assert all(not any(ch in t for ch in BIDI) for t in drawn)
    assert "EveevE" in drawn[0]  # the override in the name is gone, not obeyed
    links = [s.argument for s in layout.spots if s.action == "link"]
    # The address written in the <img> tag and the image are links to click, never fetched.
    assert links == ["https://evil.example/t.png", "https://evil.example/pixel.png"]
    assert "more" in [s.action for s in layout.spots]  # the rest shortened
    assert sum(len(t) for t in drawn) < SHORT_CHARS + 400
    # Asked for the whole post, the card lays all 19,000 characters out (wrapping anywhere).
    view.show_rows(build_rows(items, [], new_after=None, reply_to=None,
                              expanded={1}), NOW, ("", "Ann"))
    whole = view.delegate.layout_at(0)
    assert whole is not None and whole.height > layout.height
    assert "more" not in [s.action for s in whole.spots]


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_member_colours_are_stable_and_readable(qapp, theme: str) -> None:  # type: ignore[no-untyped-def]
    palette = light_palette() if theme == "light" else dark_palette()
    keys = [f"{n:012x}" for n in range(0, 400 * 7919, 7919)]
    for key in keys:
        fill, text = member_colours(key, palette)
        assert wcag_contrast(fill, text) >= 4.5, (key, fill.name(), text.name())
        assert member_colours(key, palette) == (fill, text)  # the same every time
    hues = {member_colours(k, palette)[0].hslHue() // 30 for k in keys}
    assert len(hues) >= 10  # members look different from each other


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_feed_text_reads_on_cards_chips_and_bubbles(qapp, theme: str) -> None:  # type: ignore[no-untyped-def]
    from ui.widgets.feed_style import accent, link_colour

    palette = light_palette() if theme == "light" else dark_palette()
    role = QPalette.ColorRole
    pairs = {"link on card": (link_colour(palette), palette.color(role.Base)),
             "link on reply": (link_colour(palette), palette.color(role.AlternateBase)),
             "muted on reply": (palette.color(role.PlaceholderText),
                                palette.color(role.AlternateBase)),
             "new mark": (QColor("#ffffff"), accent())}
    for mood in range(1, 6):
        background, _border, text = mood_chip_colours(mood, palette)
        pairs[f"mood {mood} chip"] = (text, background)
    low = {k: round(wcag_contrast(*v), 2) for k, v in pairs.items() if wcag_contrast(*v) < 4.5}
    assert low == {}


def test_initials() -> None:
    assert initials("Noor Haddad") == "NH"
    assert initials("sam") == "S"
    assert initials("Ann (3f9a 1c2e 4b5d 6a7b 8c9d)") == "A"  # not the fingerprint
    assert initials("李雷") == "李"
    assert initials("  ") == "?"


def test_an_email_link_opens_only_its_address(qtbot, monkeypatch) -> None:
    """A mailto: link's hidden recipients and text (bcc, body) reached the mail program
    although the dialog showed only the address."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    from ui.widgets.feed_links import OpenAddressDialog

    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        staticmethod(lambda url: opened.append(url.toString()) or True))
    link = QUrl("mailto:ann@example.org?bcc=spy@evil.example&body=hello")
    dialog = OpenAddressDialog(link, "write to Ann", "Noor", None)
    qtbot.addWidget(dialog)
    assert "bcc, body" in dialog.text() and "left out" in dialog.text()
    dialog.open_address()
    assert opened == ["mailto:ann@example.org"]
