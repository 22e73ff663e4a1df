"""Long threads and reaction spam (issue 18, item 1): a post with 10,000 replies blocked the
window for 5–11 s, and one with many reactions said a 74,000-character sentence. A thread now
shows its latest few replies under a row that offers the rest, and nothing is laid out for
the replies not shown; a card says at most SPOKEN_LIMIT characters.

Cost is asserted by what is computed (rows made, cards laid out), never by timing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from companion.app import CompanionApp
from companion.circle_feed import FeedItem
from companion.clock import FakeClock
from tests.gui.circle_gui_helpers import Home, opened_home, settle
from ui.models.feed_rows import (
    REPLIES_SHOWN,
    SPOKEN_LIMIT,
    FeedRow,
    build_rows,
    row_sentence,
)
from ui.tasks import TaskRunner
from ui.widgets import feed_delegate
from ui.widgets.feed_view import FeedList

NOW = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
LEFT = Qt.MouseButton.LeftButton


def _post(replies: int, item_id: int = 1) -> FeedItem:
    post = FeedItem(item_id, b"\x01" * 32, "Noor", 1, "note", NOW - timedelta(hours=2),
                    {"title": "Walk on Saturday?", "body": "Who is in?"})
    post.replies = [FeedItem(1_000 + n, b"\x02" * 32, "Sam", 10 + n, "reply",
                             NOW - timedelta(minutes=90) + timedelta(seconds=n),
                             {"text": f"reply {n}"}) for n in range(replies)]
    return post


class Counted:
    """Counts the cards the delegate lays out (it calls feed_cards.card_layout per row)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.rows: list[str] = []
        real = feed_delegate.card_layout

        def counting(row: FeedRow, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
            self.rows.append(row.kind)
            return real(row, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(feed_delegate, "card_layout", counting)


def _laid_out(qtbot, view: FeedList, post: FeedItem, counted: Counted) -> list[str]:  # type: ignore[no-untyped-def]
    counted.rows.clear()
    view.show_rows(build_rows([post], [], new_after=None, reply_to=None), NOW, ("", "Ann"))
    view.doItemsLayout()
    view.viewport().repaint()
    qtbot.wait(1)
    return list(counted.rows)


def test_a_long_thread_lays_out_as_few_cards_as_a_short_one(  # type: ignore[no-untyped-def]
        qtbot, monkeypatch) -> None:
    counted = Counted(monkeypatch)
    view = FeedList()
    qtbot.addWidget(view)
    view.resize(700, 900)
    view.show()
    short = _laid_out(qtbot, view, _post(4), counted)
    long = _laid_out(qtbot, view, _post(10_000), counted)
    model = view.feed_model
    assert [r.kind for r in model.rows] == ["post", "thread", *["reply"] * REPLIES_SHOWN]
    assert [r.item.data["text"] for r in model.rows if r.kind == "reply"] == [
        "reply 9997", "reply 9998", "reply 9999"]  # the latest, in order
    assert sorted(set(long)) == sorted(set(short)) and len(long) == len(short)
    assert len(long) <= 3 * model.rowCount()  # each row measured a few times at most
    assert model.sentence(1) == ("10000 replies, the latest 3 shown. Show 50 earlier replies "
                                 "(9997 not shown).")
    assert model.sentence(0).endswith("10000 replies, the latest 3 shown.")


@pytest.fixture
def ann(qtbot, tmp_path: Path, app: CompanionApp, clock: FakeClock,  # type: ignore[no-untyped-def]
        runner: TaskRunner) -> Iterator[Home]:
    with opened_home(qtbot, tmp_path, "Ann", clock, runner, app) as home:
        app.circles.create("Friends", f"folder:{tmp_path / 'shared'}", "Ann")
        yield home


def _thread_in_vault(app: CompanionApp, replies: int) -> None:
    """A note from Ann and `replies` replies from a peer, straight into the vault."""
    row = app.circles.find("Friends")
    peer = bytes(range(32))
    with app.vault.database.transaction() as cur:
        cur.execute("INSERT INTO circle_items (circle, sender, seq, type, at, data) VALUES "
                    "(?, ?, 1, 'note', 1700000000, ?)",
                    (row.id, row.me, json.dumps({"title": "Walk?", "body": "Saturday"})))
        cur.executemany(
            "INSERT INTO circle_items (circle, sender, seq, type, at, ref_sender, ref_seq, "
            "data) VALUES (?, ?, ?, 'reply', ?, ?, 1, ?)",
            [(row.id, peer, n + 1, 1_700_000_060 + n, row.me, json.dumps({"text": f"r{n}"}))
             for n in range(replies)])


def _press(qtbot, home: Home, action: str) -> None:  # type: ignore[no-untyped-def]
    feed = home.page.feed_view
    number = feed.feed_model.find(("thread", feed.feed_model.rows[0].item.id))
    qtbot.mouseClick(feed.viewport(), LEFT, pos=feed.spot_centre(number, action))


def test_the_page_opens_a_long_thread_a_page_at_a_time_and_closes_it(  # type: ignore[no-untyped-def]
        qtbot, ann: Home, runner: TaskRunner, monkeypatch) -> None:
    _thread_in_vault(ann.app, 10_000)
    page = ann.page
    page.refresh()
    settle(qtbot, runner, page)
    model = page.feed_view.feed_model
    assert [r.kind for r in model.rows] == ["post", "thread", "reply", "reply", "reply"]
    counted = Counted(monkeypatch)
    _press(qtbot, ann, "more_replies")
    page.feed_view.doItemsLayout()
    assert model.rowCount() == 2 + 53
    assert model.sentence(1) == ("10000 replies, the latest 53 shown. Show 50 earlier replies "
                                 "(9947 not shown). Show only the latest 3.")
    assert len(counted.rows) <= 3 * model.rowCount()  # the rows shown, not the thread
    _press(qtbot, ann, "fewer_replies")
    assert model.rowCount() == 5
    # Enter on the thread row presses its first button, as a click does.
    feed = page.feed_view
    feed.setFocus()
    feed.setCurrentIndex(model.index(1))
    qtbot.keyClick(feed, Qt.Key.Key_Return)
    assert model.rowCount() == 55 and feed.current_row().kind == "thread"


def test_a_short_rest_of_a_thread_is_shown_all_at_once(  # type: ignore[no-untyped-def]
        qtbot, ann: Home, runner: TaskRunner) -> None:
    _thread_in_vault(ann.app, 12)
    ann.page.refresh()
    settle(qtbot, runner, ann.page)
    model = ann.page.feed_view.feed_model
    assert model.sentence(1) == "12 replies, the latest 3 shown. Show all 12 replies."
    _press(qtbot, ann, "more_replies")
    assert [r.item.data["text"] for r in model.rows if r.kind == "reply"] == [
        f"r{n}" for n in range(12)]
    assert model.sentence(1) == "12 replies. Show only the latest 3."


def test_what_a_card_says_is_bounded_whatever_it_holds() -> None:
    """Reaction spam, a 10,000-reply thread and a 19,000-character note shown whole: the
    card says at most SPOKEN_LIMIT characters, reactions summed up by kind."""
    post = _post(10_000)
    post.type = "checkin"
    post.data = {"mood": 2, "energy": 3, "emotions": ["x" * 32] * 8,
                 "note": "words and more words " * 1_000}
    long_name = "N" * 40
    post.reactions = {"♥": [f"{long_name}{n}" for n in range(900)], "★": ["Ann"]}
    post.reactions |= {f"w{n:05}"[:16]: [long_name] * (1 + n % 3) for n in range(5_000)}
    post.my_reactions = {"★", "w00007"}
    rows = build_rows([post], [], new_after=None, reply_to=None, expanded={post.id})
    said = row_sentence(rows[0], NOW)
    assert len(said) <= SPOKEN_LIMIT
    assert said.startswith("Noor, Today, ") and "Mood: low (2 of 5)" in said
    assert "(read out in part; Copy text in the card's menu has all of it)" in said
    assert f"Reactions: ♥ 900 ({long_name}0, {long_name}1, {long_name}2 and 897 more)" in said
    assert "★ 1 (Ann; yours among them)" in said
    # The most given of the others are named; the rest are counted, with yours noted.
    assert "w00002 3 (" in said
    others = sum(1 + n % 3 for n in range(5_000))
    assert "other kinds (" in said and "; yours among them)." in said
    named = [k for k in post.reactions if k not in ("♥", "★") and f"{k} " in said]
    left = 5_000 - len(named)
    given = others - sum(len(post.reactions[k]) for k in named)
    assert f"and {left} other kinds ({given} reactions; yours among them)." in said
    assert said.endswith("10000 replies, the latest 3 shown.")
    # Each reply is a card of its own, bounded the same way.
    for row in rows[2:]:
        assert len(row_sentence(row, NOW)) <= SPOKEN_LIMIT


def test_a_short_card_is_said_whole() -> None:
    post = _post(2)
    post.reactions = {"♥": ["Ann", "Sam"]}
    said = row_sentence(build_rows([post], [], new_after=None, reply_to=None)[0], NOW)
    assert said.startswith("Noor, Today, ")
    assert said.endswith(". Walk on Saturday? Who is in? Reactions: ♥ 2 (Ann, Sam). 2 replies.")
