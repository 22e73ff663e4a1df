"""The current card's buttons as real controls (issue 18, item 1: "reactions as stable toggle
buttons with counts and accessible names"). The delegate paints them; a real button with a
name and a checked state stands over each painted one of the current card, right after the
list in Tab order, and does what a click on it does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication

from companion.app import CompanionApp
from companion.clock import FakeClock
from tests.gui.circle_gui_helpers import Home, feed_row, opened_home, settle, share_checkin, sync
from ui.tasks import TaskRunner
from ui.widgets.feed_buttons import CardButton
from ui.widgets.feed_view import FeedList

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def ann(qtbot, tmp_path: Path, app: CompanionApp, clock: FakeClock,  # type: ignore[no-untyped-def]
        runner: TaskRunner) -> Iterator[Home]:
    """Ann alone in "Friends" with two check-ins, her page active (so Tab moves focus)."""
    with opened_home(qtbot, tmp_path, "Ann", clock, runner, app) as home:
        app.circles.create("Friends", f"folder:{tmp_path / 'shared'}", "Ann")
        home.page.refresh()
        settle(qtbot, runner, home.page)
        for note in ("the first", "the second"):
            share_checkin(qtbot, runner, home, 4, note)
        sync(qtbot, runner, home)
        home.page.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is home.page)
        yield home


def said(button: CardButton) -> tuple[str, bool, bool]:
    """(name, checkable, checked) as assistive technology reads them."""
    face = QAccessible.queryAccessibleInterface(button)
    assert face is not None
    state = face.state()
    # Qt gives a checkable button the role of a check box: "checked" is what it reads out.
    assert face.role() == (QAccessible.Role.CheckBox if state.checkable
                           else QAccessible.Role.Button)
    return face.text(QAccessible.Text.Name), bool(state.checkable), bool(state.checked)


def buttons(feed: FeedList) -> list[CardButton]:
    return feed.card_buttons.shown()


def over_painted(feed: FeedList, number: int) -> bool:
    """Whether each button stands exactly on a painted button of row `number`."""
    index = feed.feed_model.index(number)
    corner = feed.visualRect(index).topLeft()
    layout = feed.delegate.layout_at(number)
    assert layout is not None
    rects = {p.rect.translated(corner).toAlignedRect().getRect() for p in layout.pills}
    shown = buttons(feed)
    return bool(shown) and all(b.geometry().getRect() in rects for b in shown)


def test_the_current_cards_buttons_are_named_and_say_whether_they_are_on(  # type: ignore[no-untyped-def]
        qtbot, ann: Home, runner: TaskRunner) -> None:
    feed = ann.page.feed_view
    number = feed_row(ann, "the second")
    qtbot.mouseClick(feed.viewport(), LEFT, pos=feed.spot_centre(number, "react", "♥"))
    settle(qtbot, runner, ann.page)
    number = feed_row(ann, "the second")
    assert feed.currentIndex().row() == number  # the click made the card current
    assert [said(b) for b in buttons(feed)] == [
        ("Reply to Ann (you)", False, False),
        ("Heart reaction, 1 person, yours among them", True, True),
        ("Smile reaction, nobody yet", True, False),
        ("Star reaction, nobody yet", True, False),
        ("Tick reaction, nobody yet", True, False),
        ("Delete this for everyone", False, False)]
    assert over_painted(feed, number)
    # The mouse goes through them to the card, so a click still acts on the painted button.
    heart_at = feed.spot_centre(number, "unreact", "♥")
    assert feed.viewport().childAt(heart_at) is None


def test_tab_reaches_the_buttons_and_space_toggles_a_reaction(  # type: ignore[no-untyped-def]
        qtbot, ann: Home, runner: TaskRunner) -> None:
    feed = ann.page.feed_view
    feed.setFocus(Qt.FocusReason.TabFocusReason)
    feed.setCurrentIndex(feed.feed_model.index(feed_row(ann, "the first")))
    qtbot.keyClick(feed, Qt.Key.Key_Tab)
    reply = QApplication.focusWidget()
    assert isinstance(reply, CardButton) and said(reply)[0] == "Reply to Ann (you)"
    qtbot.keyClick(reply, Qt.Key.Key_Tab)
    heart = QApplication.focusWidget()
    assert isinstance(heart, CardButton) and said(heart) == ("Heart reaction, nobody yet",
                                                             True, False)
    qtbot.keyClick(heart, Qt.Key.Key_Space)
    assert "Reactions: ♥ 1" in feed.feed_model.sentence(feed_row(ann, "the first"))
    settle(qtbot, runner, ann.page)  # the vault has it, the feed is read again
    row = ann.app.circles.find("Friends")
    first = next(i for i in ann.app.circles.feed_as_shown(row) if i.data["note"] == "the first")
    assert first.my_reactions == {"♥"}
    assert QApplication.focusWidget() is heart  # the keyboard stays where it was
    assert said(heart) == ("Heart reaction, 1 person, yours among them", True, True)
    qtbot.keyClick(heart, Qt.Key.Key_Space)  # and back
    settle(qtbot, runner, ann.page)
    assert said(heart) == ("Heart reaction, nobody yet", True, False)
    assert QApplication.focusWidget() is heart
    assert "Reactions" not in feed.feed_model.sentence(feed_row(ann, "the first"))
    qtbot.keyClick(heart, Qt.Key.Key_Right)
    assert said(QApplication.focusWidget())[0] == "Smile reaction, nobody yet"  # type: ignore[arg-type]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is reply
    qtbot.keyClick(reply, Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is feed  # Shift+Tab goes back the same way
    qtbot.keyClick(feed, Qt.Key.Key_Tab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is feed
    # A screen reader's own actions on the button: "Toggle" and "Press" both react.
    actions = QAccessible.queryAccessibleInterface(heart).actionInterface()
    actions.doAction("Toggle")
    assert said(heart)[2] and "Reactions: ♥ 1" in feed.feed_model.sentence(
        feed_row(ann, "the first"))
    actions.doAction("Press")  # a click, shown as one (it takes a moment)
    qtbot.waitUntil(lambda: not said(heart)[2])
    assert "Reactions" not in feed.feed_model.sentence(feed_row(ann, "the first"))
    settle(qtbot, runner, ann.page)
    # Enter on Reply opens the reply field, as a click on it does.
    qtbot.keyClick(feed, Qt.Key.Key_Tab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    settle(qtbot, runner, ann.page)
    assert QApplication.focusWidget() is feed.reply_field.text
    assert feed.reply_field.text.accessibleName() == "Reply to Ann (you)"


def test_the_buttons_follow_the_current_card(  # type: ignore[no-untyped-def]
        qtbot, ann: Home, runner: TaskRunner) -> None:
    feed = ann.page.feed_view
    feed.setFocus()
    second, first = feed_row(ann, "the second"), feed_row(ann, "the first")
    feed.setCurrentIndex(feed.feed_model.index(second))
    assert over_painted(feed, second)
    qtbot.keyClick(feed, Qt.Key.Key_Down)
    assert feed.currentIndex().row() == first and over_painted(feed, first)
    ann.page.resize(640, 420)  # narrower: the cards are laid out again
    qtbot.waitUntil(lambda: over_painted(feed, first))
    bar = feed.verticalScrollBar()
    assert bar.maximum() > 0
    for value in (0, bar.maximum() // 2, bar.maximum()):
        bar.setValue(value)
        assert over_painted(feed, first), value
    ann.app.circles.share_checkin(ann.app.circles.find("Friends"), 2, note="a third")
    sync(qtbot, runner, ann)  # a new card on top: the rows are rebuilt
    first = feed_row(ann, "the first")
    assert feed.currentIndex().row() == first and over_painted(feed, first)
    assert said(buttons(feed)[0])[0] == "Reply to Ann (you)"
    feed.clear()  # locked: no card, no buttons
    assert buttons(feed) == []


def test_a_long_threads_row_and_show_older_are_buttons_too(qtbot) -> None:  # type: ignore[no-untyped-def]
    from tests.gui.test_feed_threads import NOW, _post
    from ui.models.feed_rows import build_rows

    view = FeedList()
    qtbot.addWidget(view)
    view.resize(700, 900)
    view.show()
    asked: list[tuple[str, int, str]] = []
    view.action.connect(lambda kind, item, argument: asked.append((kind, item, argument)))
    view.show_rows(build_rows([_post(12)], [], older=7, new_after=None, reply_to=None), NOW,
                   ("", "Ann"))
    view.setCurrentIndex(view.feed_model.index(1))  # the thread's row
    [more] = buttons(view)
    assert said(more) == ("Show all 12 replies", False, False)
    more.click()
    assert asked == [("replies", 1, "more")]
    view.setCurrentIndex(view.feed_model.index(view.feed_model.rowCount() - 1))
    [older] = buttons(view)
    assert said(older)[0] == "Show older posts (7 more)"
    older.click()
    assert asked[-1] == ("older", 0, "")
