"""Older posts on the circle page: "Show older posts (N more)" reads the next page from the
vault (in the vault lane, as every vault read of the page), N is the true number still in the
vault, and posts arriving while older pages are read are neither repeated nor lost."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from companion.app import CompanionApp
from companion.clock import FakeClock
from tests.gui.circle_gui_helpers import Home, opened_home, settle
from ui.tasks import TaskRunner

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def ann(qtbot, tmp_path: Path, app: CompanionApp, clock: FakeClock,  # type: ignore[no-untyped-def]
        runner: TaskRunner) -> Iterator[Home]:
    with opened_home(qtbot, tmp_path, "Ann", clock, runner, app) as home:
        app.circles.create("Friends", f"folder:{tmp_path / 'shared'}", "Ann")
        yield home


def add_posts(app: CompanionApp, numbers: range, at: int = 1_700_000_000) -> None:
    """Notes "Post 000"… from Ann straight into the vault: sealing hundreds through the outbox
    would only make the test slow, and the feed reads what the vault holds."""
    row = app.circles.find("Friends")
    with app.vault.database.transaction() as cur:
        cur.executemany(
            "INSERT INTO circle_items (circle, sender, seq, type, at, data) VALUES "
            "(?, ?, ?, 'note', ?, ?)",
            [(row.id, row.me, 10_000 + n, at + n * 60,
              json.dumps({"title": f"Post {n:03}", "body": "words"})) for n in numbers])


def shown_titles(home: Home) -> list[str]:
    return [str(r.item.data["title"]) for r in home.page.feed_view.feed_model.rows
            if r.kind == "post" and r.item is not None]


def older_row(home: Home) -> tuple[int, str] | None:
    """(row, what it says) of the "Show older posts" row, if there is one."""
    model = home.page.feed_view.feed_model
    return next(((n, model.sentence(n)) for n, r in enumerate(model.rows)
                 if r.kind == "older"), None)


def click_older(qtbot, home: Home) -> None:  # type: ignore[no-untyped-def]
    found = older_row(home)
    assert found is not None
    feed = home.page.feed_view
    feed.scrollTo(feed.feed_model.index(found[0]))
    qtbot.mouseClick(feed.viewport(), LEFT, pos=feed.spot_centre(found[0], "older"))


def test_every_post_is_reached_and_counted_truly(qtbot, ann: Home,  # type: ignore[no-untyped-def]
                                                 runner: TaskRunner) -> None:
    add_posts(ann.app, range(450))
    ann.page.refresh()
    settle(qtbot, runner, ann.page)
    steps = 0
    while (found := older_row(ann)) is not None:
        shown = shown_titles(ann)
        assert found[1] == f"Show older posts ({450 - len(shown)} more)"
        click_older(qtbot, ann)
        settle(qtbot, runner, ann.page)
        steps += 1
    assert steps == 11  # 40 at first, then 40 a click: 450 in 12 pages
    assert shown_titles(ann) == [f"Post {n:03}" for n in reversed(range(450))]


def test_the_keyboard_goes_on_to_the_first_older_post(  # type: ignore[no-untyped-def]
        qtbot, ann: Home, runner: TaskRunner) -> None:
    add_posts(ann.app, range(60))
    ann.page.refresh()
    settle(qtbot, runner, ann.page)
    feed = ann.page.feed_view
    found = older_row(ann)
    assert found is not None and found[1] == "Show older posts (20 more)"
    feed.setFocus()
    feed.setCurrentIndex(feed.feed_model.index(found[0]))
    qtbot.keyClick(feed, Qt.Key.Key_Return)
    settle(qtbot, runner, ann.page)
    current = feed.current_row()
    assert current is not None and current.item is not None
    assert current.item.data["title"] == "Post 019" and older_row(ann) is None


def test_posts_arriving_while_older_pages_load_are_neither_repeated_nor_lost(  # type: ignore[no-untyped-def]
        qtbot, ann: Home, runner: TaskRunner) -> None:
    add_posts(ann.app, range(150))
    page = ann.page
    page.refresh()
    settle(qtbot, runner, page)
    click_older(qtbot, ann)
    settle(qtbot, runner, page)
    assert len(shown_titles(ann)) == 80
    # A sync brings three posts, and its refresh is asked for before the older page it
    # races with, and once after it: whichever answers first, the feed holds each post once.
    add_posts(ann.app, range(150, 153))
    page.refresh()
    click_older(qtbot, ann)
    click_older(qtbot, ann)  # a double click asks once
    add_posts(ann.app, range(153, 155))
    page.refresh()
    settle(qtbot, runner, page)
    titles = shown_titles(ann)
    assert titles == [f"Post {n:03}" for n in reversed(range(30, 155))]
    assert older_row(ann) == (page.feed_view.feed_model.rowCount() - 1,
                              "Show older posts (30 more)")
    # And the older page asked for before a refresh that it overtakes.
    click_older(qtbot, ann)
    add_posts(ann.app, range(155, 157))
    page.refresh()
    settle(qtbot, runner, page)
    assert shown_titles(ann) == [f"Post {n:03}" for n in reversed(range(157))]
    assert older_row(ann) is None


def test_a_busy_circle_refreshes_at_most_a_page_more_than_it_shows(  # type: ignore[no-untyped-def]
        qtbot, ann: Home, runner: TaskRunner) -> None:
    """A sync that brings thousands of posts does not make the page read (and lay out) them
    all: the newest join, and the rest wait under "Show older posts", counted."""
    add_posts(ann.app, range(10))
    ann.page.refresh()
    settle(qtbot, runner, ann.page)
    assert len(shown_titles(ann)) == 10 and older_row(ann) is None
    add_posts(ann.app, range(10, 2_010))
    ann.page.refresh()
    settle(qtbot, runner, ann.page)
    assert shown_titles(ann) == [f"Post {n:03}" for n in reversed(range(1_960, 2_010))]
    assert older_row(ann) is not None and older_row(ann)[1] == "Show older posts (1960 more)"
