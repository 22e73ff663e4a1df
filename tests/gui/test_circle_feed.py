"""The circle's feed as people use it (issue 18, item 1): cards clicked with the mouse and
walked with the keyboard, reactions that never move the buttons beside them, links that say
where they go before anything opens, and posts since the last visit marked new."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QPoint, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMenu, QTabWidget

from companion.app import CompanionApp
from companion.clock import FakeClock
from tests.gui.circle_gui_helpers import (
    Home,
    feed_row,
    feed_text,
    make_home,
    opened_home,
    settle,
    share_checkin,
    sync,
)
from ui.tasks import TaskRunner
from ui.widgets.feed_links import OpenAddressDialog
from ui.widgets.mood_picker import MoodPicker

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def ann(qtbot, tmp_path: Path, app: CompanionApp, clock: FakeClock,  # type: ignore[no-untyped-def]
        runner: TaskRunner) -> Iterator[Home]:
    """Ann alone in "Friends" on a shared folder, her page loaded."""
    with opened_home(qtbot, tmp_path, "Ann", clock, runner, app) as home:
        app.circles.create("Friends", f"folder:{tmp_path / 'shared'}", "Ann")
        home.page.refresh()
        settle(qtbot, runner, home.page)
        yield home


class Opened(QObject):
    """Stands in for the desktop: what QDesktopServices.openUrl was asked to open."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def take(self, url: QUrl) -> None:
        self.urls.append(url.toString())


@pytest.fixture
def desktop() -> Iterator[Opened]:
    opened = Opened()
    for scheme in ("http", "https", "mailto", "javascript", "file"):
        QDesktopServices.setUrlHandler(scheme, opened, "take")
    yield opened
    for scheme in ("http", "https", "mailto", "javascript", "file"):
        QDesktopServices.unsetUrlHandler(scheme)


def _post(qtbot, runner: TaskRunner, home: Home, text: str,  # type: ignore[no-untyped-def]
          shown: str = "") -> int:
    """Share a check-in, sync it into the feed, and return its row (found by `shown`, the
    words the card says, else by `text`)."""
    share_checkin(qtbot, runner, home, 4, text)
    sync(qtbot, runner, home)
    return feed_row(home, shown or text)


def test_a_reaction_then_a_click_on_reply_keeps_the_reaction(  # type: ignore[no-untyped-def]
        qtbot, ann: Home, runner: TaskRunner) -> None:
    """The regression: after a ♥ the links shifted, and the next click on "Reply" took the
    reaction back. Now the buttons stay put and each click does what it shows."""
    feed = ann.page.feed_view
    number = _post(qtbot, runner, ann, "a walk by the river")
    item = feed.feed_model.rows[number].item
    reply_at = feed.spot_centre(number, "reply")
    heart_at = feed.spot_centre(number, "react", "♥")
    qtbot.mouseClick(feed.viewport(), LEFT, pos=heart_at)
    settle(qtbot, runner, ann.page)
    number = feed_row(ann, "a walk by the river")
    assert feed.spot_centre(number, "reply") == reply_at  # nothing moved
    assert feed.spot_centre(number, "unreact", "♥") == heart_at  # the same button, now on
    qtbot.mouseClick(feed.viewport(), LEFT, pos=reply_at)
    settle(qtbot, runner, ann.page)
    assert feed.reply_field.isVisible() and feed.reply_field.target == item.id
    assert ann.page.window().focusWidget() is feed.reply_field.text
    row = ann.app.circles.find("Friends")
    assert ann.app.circles.feed_as_shown(row)[0].my_reactions == {"♥"}  # still given
    assert "Reactions: ♥ 1 (Ann; yours among them)" in feed_text(ann)
    feed.reply_field.text.setText("thank you")
    qtbot.keyClick(feed.reply_field.text, Qt.Key.Key_Return)
    settle(qtbot, runner, ann.page)
    assert "Reply from Ann (you)" in feed_text(ann) and "thank you" in feed_text(ann)
    assert ann.app.circles.feed_as_shown(row)[0].my_reactions == {"♥"}


def test_two_quick_clicks_give_and_take_back(qtbot, ann: Home,  # type: ignore[no-untyped-def]
                                             runner: TaskRunner) -> None:
    feed = ann.page.feed_view
    number = _post(qtbot, runner, ann, "two clicks")
    heart_at = feed.spot_centre(number, "react", "♥")
    qtbot.mouseClick(feed.viewport(), LEFT, pos=heart_at)
    assert "Reactions: ♥ 1" in feed_text(ann)  # shown at once, before the vault answers
    qtbot.mouseClick(feed.viewport(), LEFT, pos=heart_at)  # before any refresh
    settle(qtbot, runner, ann.page)
    row = ann.app.circles.find("Friends")
    assert ann.app.circles.feed_as_shown(row)[0].reactions == {}
    assert "Reactions" not in feed_text(ann)


def test_links_say_where_they_go_and_open_only_when_asked(  # type: ignore[no-untyped-def]
        qtbot, qtlog, ann: Home, runner: TaskRunner, desktop: Opened) -> None:
    circles = ann.app.circles
    circles.post(circles.find("Friends"), "Reading", (
        "See [the guide](https://example.org/guide), [write](mailto:ann@example.org), "
        "[a trap](javascript:alert%281%29), <file:///etc/passwd> and "
        "[another](data:text/html,hi)."))
    sync(qtbot, runner, ann)
    feed, page = ann.page.feed_view, ann.page
    number = feed_row(ann, "See the guide")
    links = [s.argument for s in feed.spots_of(number) if s.action == "link"]
    assert links == ["https://example.org/guide", "mailto:ann@example.org"]
    qtbot.mouseClick(feed.viewport(), LEFT, pos=feed.spot_centre(
        number, "link", "https://example.org/guide"))
    dialog = page.dialog
    assert isinstance(dialog, OpenAddressDialog)
    assert "Site: example.org" in dialog.text() and "https://example.org/guide" in dialog.text()
    assert "“the guide”" in dialog.text() and dialog.textFormat() == Qt.TextFormat.PlainText
    assert desktop.urls == []  # shown first, nothing opened
    dialog.cancel_button.click()
    assert desktop.urls == []
    qtbot.mouseClick(feed.viewport(), LEFT, pos=feed.spot_centre(
        number, "link", "mailto:ann@example.org"))
    page.dialog.open_button.click()
    qtbot.mouseClick(feed.viewport(), LEFT, pos=feed.spot_centre(
        number, "link", "https://example.org/guide"))
    page.dialog.open_button.click()
    assert desktop.urls == ["mailto:ann@example.org", "https://example.org/guide"]
    # Clicking anywhere on the card opens nothing else: the trap and the rest are text.
    feed.link_clicked.disconnect(page.confirm_link)
    feed.action.disconnect(page._feed_action)
    asked: list[str] = []
    feed.link_clicked.connect(lambda address, _words, _author: asked.append(address))
    rect = feed.visualRect(feed.feed_model.index(number))
    for y in range(rect.top() + 2, rect.bottom(), 5):
        for x in range(rect.left() + 2, rect.right(), 7):
            qtbot.mouseClick(feed.viewport(), LEFT, pos=QPoint(x, y))
    assert asked and set(asked) <= {"https://example.org/guide", "mailto:ann@example.org"}
    assert desktop.urls == ["mailto:ann@example.org", "https://example.org/guide"]
    shown = [r for r in qtlog.records if not r.ignored]
    assert shown == [], [r.message for r in shown]  # no QUrl (or any other) warning


def test_the_keyboard_walks_the_cards_replies_and_reacts(  # type: ignore[no-untyped-def]
        qtbot, ann: Home, runner: TaskRunner) -> None:
    _post(qtbot, runner, ann, "the first")
    _post(qtbot, runner, ann, "the second")
    feed = ann.page.feed_view
    feed.setFocus()
    feed.setCurrentIndex(feed.feed_model.index(feed_row(ann, "the second")))
    qtbot.keyClick(feed, Qt.Key.Key_Down)
    assert feed.currentIndex().row() == feed_row(ann, "the first")
    qtbot.keyClick(feed, Qt.Key.Key_Up)
    assert feed.currentIndex().row() == feed_row(ann, "the second")
    qtbot.keyClick(feed, Qt.Key.Key_Return)  # Enter replies
    assert feed.reply_field.isVisible()
    assert feed.reply_field.text.accessibleName() == "Reply to Ann (you)"
    qtbot.keyClick(feed.reply_field.text, Qt.Key.Key_Escape)
    assert not feed.reply_field.isVisible()
    assert feed.currentIndex().row() == feed_row(ann, "the second")
    qtbot.keyClick(feed, Qt.Key.Key_1)  # ♥
    settle(qtbot, runner, ann.page)
    assert "Reactions: ♥ 1" in feed.feed_model.sentence(feed_row(ann, "the second"))
    qtbot.keyClick(feed, Qt.Key.Key_3)  # ★
    qtbot.keyClick(feed, Qt.Key.Key_1)  # ♥ again: taken back
    settle(qtbot, runner, ann.page)
    sentence = feed.feed_model.sentence(feed_row(ann, "the second"))
    assert "★ 1" in sentence and "♥" not in sentence
    menu = feed.open_menu(feed.currentIndex())
    assert isinstance(menu, QMenu)
    names = [a.text() for a in menu.actions() if a.text()]
    assert names[:3] == ["Reply to Ann (you)", "React with heart (0 so far)",
                         "React with smile (0 so far)"]
    assert "Take back your star (1 in all)" in names and "Delete this for everyone" in names
    menu.close()
    qtbot.keyClick(feed, Qt.Key.Key_Delete)  # your own post: asks first
    assert ann.page.dialog.windowTitle() == "Delete this for everyone?"
    ann.page.dialog.reject()


def test_each_card_says_what_it_shows(qtbot, ann: Home,  # type: ignore[no-untyped-def]
                                      runner: TaskRunner) -> None:
    number = _post(qtbot, runner, ann, "slept **well**, walked to [the park](https://x.org)",
                   "slept well")
    model = ann.page.feed_view.feed_model
    said = model.data(model.index(number), Qt.ItemDataRole.AccessibleTextRole)
    assert said.startswith("Ann (you), Today, ")
    assert "Mood: good (4 of 5)." in said
    assert "slept well, walked to the park." in said  # the words, not the Markdown


def test_the_page_names_its_circle_and_members_and_has_one_menu(  # type: ignore[no-untyped-def]
        qtbot, ann: Home) -> None:
    page = ann.page
    assert page.title_label.text() == "Friends" and page.title_label.isVisible()
    assert page.member_strip.names.text() == "1 member: Ann (you)"
    actions = [a.text() for a in page.menu_button.menu().actions()]
    assert actions == ["New circle…", "Join a circle…"]
    assert page.findChildren(QTabWidget) == []  # Feed, Members and About sit in the header
    assert [b.text() for b in page.view_buttons] == ["Feed", "Members", "About"]
    page.view_buttons[2].click()
    assert page.views.currentIndex() == 2 and page.guidelines.isVisible()
    page.view_buttons[0].click()
    assert page.feed_view.isVisible()
    assert isinstance(page.composer.mood, MoodPicker)  # Today's own picker
    assert not page.composer.energy.isVisible() and not page.composer.share_button.isVisible()
    page.composer.mood.button(3).click()
    assert page.composer.energy.isVisible() and page.composer.share_button.isVisible()


def test_posts_since_the_last_visit_are_marked_new(  # type: ignore[no-untyped-def]
        qtbot, ann: Home, runner: TaskRunner, clock: FakeClock, tmp_path: Path) -> None:
    circles = ann.app.circles
    code = circles.invite(circles.find("Friends")).code()
    bob = make_home(qtbot, tmp_path, "Bob", clock, runner)
    try:
        bob.app.circles.join(code, "Bob", f"folder:{tmp_path / 'shared'}")
        for app in (ann.app, bob.app, ann.app, bob.app):
            app.circles.sync(app.circles.rows()[0])
        bob.page.refresh()
        settle(qtbot, runner, bob.page)
        model = ann.page.feed_view.feed_model
        _post(qtbot, runner, bob, "during the visit")
        sync(qtbot, runner, ann)  # Ann has the page open: it arrives and is marked new
        assert ", new" in model.sentence(feed_row(ann, "during the visit"))
        ann.page.hide()  # Ann goes elsewhere; Bob writes again
        _post(qtbot, runner, bob, "while away")
        sync(qtbot, runner, ann)
        ann.page.show()
        ann.page.shown()  # the next visit
        settle(qtbot, runner, ann.page)
        assert ", new" in model.sentence(feed_row(ann, "while away"))
        assert ", new" not in model.sentence(feed_row(ann, "during the visit"))
        row = feed_row(ann, "while away")
        assert model.rows[row].new and not model.rows[feed_row(ann, "during the visit")].new
        ann.page.shown()  # and the one after: everything was shown on the last one
        settle(qtbot, runner, ann.page)
        assert ", new" not in feed_text(ann)
        share_checkin(qtbot, runner, ann, 3, "my own")
        sync(qtbot, runner, ann)
        assert ", new" not in model.sentence(feed_row(ann, "my own"))  # never your own
    finally:
        runner.wait_idle()
        bob.close()
        bob.app.close()


def test_a_page_with_a_feed_holds_at_both_sizes_and_tabs_in_order(  # type: ignore[no-untyped-def]
        qtbot, window, app: CompanionApp, tmp_path: Path, wait_for_tasks) -> None:
    """test_layouts and test_tab_order see the page empty or with a new circle; this is the
    page as used: cards, a long note, a reply field open."""
    from PySide6.QtWidgets import QApplication

    from tests.gui.layout_check import layout_problems
    from tests.gui.test_tab_order import _judge
    from ui.pages.circle import CirclePage

    circles = app.circles
    row = circles.create("Sunday walkers and the people who bring the thermos",
                         f"folder:{tmp_path / 'shared'}", "Sam")
    for number in range(4):
        circles.share_checkin(row, 1 + number, 2, ("calm",), f"note **{number}** " * 12)
    circles.post(row, "A longer one", "- one\n- two\n\n> quoted\n\n" + "words " * 200)
    circles.sync(row)
    window.resize(1100, 720)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    page = window.workspace.show_page(CirclePage)
    wait_for_tasks()
    qtbot.wait(30)
    problems = [f"tab: {p}" for p in _judge(qtbot, window, window.workspace.sidebar)]
    page.feed_view.action.emit("reply", page.view.feed[-1].id, "")
    for width, height in ((800, 600), (2560, 1440)):
        window.resize(width, height)
        wait_for_tasks()
        qtbot.wait(30)
        problems += [f"{width}×{height}: {p}" for p in layout_problems(window)]
    assert page.feed_view.reply_field.isVisible()
    assert problems == [], "\n".join(problems)
