"""The feed as the core reads it: whose reactions are this device's own, and how far this
device has read each circle (the reading point kept in the vault, never synced)."""

from __future__ import annotations

from pathlib import Path

from companion.app import CompanionApp
from companion.circle_status import mark_seen, seen_point
from companion.models import Changes
from tests.conftest import PASSPHRASE


def _circle(app: CompanionApp, tmp_path: Path, name: str = "Friends"):  # type: ignore[no-untyped-def]
    app.circles.create(name, f"folder:{tmp_path / name}", "Ann")
    return app.circles.find(name)


def test_own_reactions_are_known_by_member_not_by_name(app: CompanionApp,
                                                       tmp_path: Path) -> None:
    row = _circle(app, tmp_path)
    app.circles.share_checkin(row, 4, note="a walk")
    app.circles.sync(row)  # sealed: the check-in is an item of the feed now
    item = app.circles.feed(row)[0]
    app.circles.react(row, item.ref, "♥")
    app.circles.sync(row)
    item = app.circles.feed(row)[0]
    assert item.reactions == {"♥": ["Ann"]}
    assert item.my_reactions == {"♥"}
    app.circles.react(row, item.ref, "♥", remove=True)
    app.circles.sync(row)
    item = app.circles.feed(row)[0]
    assert item.reactions == {} and item.my_reactions == set()


def test_the_reading_point_moves_forward_only_and_is_kept_per_circle(
        app: CompanionApp, tmp_path: Path) -> None:
    friends = _circle(app, tmp_path)
    family = _circle(app, tmp_path, "Family")
    db = app.circles.service.db
    assert seen_point(db, friends) is None  # never opened here
    mark_seen(db, friends, 12)
    mark_seen(db, friends, 7)  # a late refresh never makes read items new again
    assert seen_point(db, friends) == 12
    assert seen_point(db, family) is None
    app.circles.mark_seen(family, 3)
    assert app.circles.seen_point(family) == 3


def test_the_reading_point_is_in_the_vault_and_says_nothing_to_listeners(
        app: CompanionApp, tmp_path: Path) -> None:
    row = _circle(app, tmp_path)
    heard: list[Changes] = []
    app.subscribe(heard.append)
    app.circles.mark_seen(row, 5)
    assert heard == []  # reading is not a change: no page refreshes because of it
    home = app.home
    app.close()
    again = CompanionApp(home, clock=app.clock)
    again.unlock(PASSPHRASE)
    try:
        assert again.circles.seen_point(again.circles.find("Friends")) == 5
    finally:
        again.close()


def test_a_damaged_reading_point_reads_as_never_opened(app: CompanionApp,
                                                       tmp_path: Path) -> None:
    row = _circle(app, tmp_path)
    db = app.circles.service.db
    with db.transaction() as cur:
        cur.execute("INSERT INTO settings (key, value) VALUES (?, ?)",
                    ("circle.seen." + row.id.hex(), "12; DROP TABLE x"))
    assert seen_point(db, row) is None
    mark_seen(db, row, 4)
    assert seen_point(db, row) == 4


def test_a_reaction_not_yet_sealed_shows_at_once(app: CompanionApp, tmp_path: Path) -> None:
    """Offline, a reaction waits in the outbox; the feed as shown has it all the same."""
    row = _circle(app, tmp_path)
    app.circles.share_checkin(row, 3, note="hello")
    app.circles.sync(row)
    item = app.circles.feed(row)[0]
    app.circles.react(row, item.ref, "★")  # no sync: not sealed
    assert app.circles.feed(row)[0].reactions == {}
    shown = app.circles.feed_as_shown(row)[0]
    assert shown.reactions == {"★": ["Ann"]} and shown.my_reactions == {"★"}
    app.circles.react(row, item.ref, "★", remove=True)  # taken back, still offline
    shown = app.circles.feed_as_shown(row)[0]
    assert shown.reactions == {} and shown.my_reactions == set()
    app.circles.sync(row)
    assert app.circles.feed(row)[0].reactions == {}


def test_a_post_dated_past_what_a_date_can_hold_does_not_break_the_feed(
        app: CompanionApp, tmp_path: Path) -> None:
    """A peer states its post's time; one dated 2**40 (the year 36812) made every load of the
    feed fail, for every member."""
    row = _circle(app, tmp_path)
    app.circles.share_checkin(row, 4, note="a walk")
    app.circles.sync(row)
    with app.vault.database.transaction() as connection:
        connection.execute("UPDATE circle_items SET at = ?", (2**40,))
    [item] = app.circles.feed(row)
    assert item.at.year == 9999 and item.data["note"] == "a walk"
