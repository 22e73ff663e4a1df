"""The feed as the core reads it: whose reactions are this device's own, and how far this
device has read each circle (the reading point kept in the vault, never synced)."""

from __future__ import annotations

import json
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


def _add_posts(app: CompanionApp, row, numbers: range, at: int = 1_700_000_000,  # type: ignore[no-untyped-def]
               tie_every: int = 1) -> None:
    """Posts "Post 000"… from this device straight into the vault (sealing hundreds through
    the outbox would only make the test slow). With `tie_every` > 1, that many in a row share
    their second, so the order within it is the author's key and number."""
    with app.vault.database.transaction() as cur:
        cur.executemany(
            "INSERT INTO circle_items (circle, sender, seq, type, at, data) VALUES "
            "(?, ?, ?, 'note', ?, ?)",
            [(row.id, row.me, 10_000 + n, at + (n // tie_every) * 60,
              json.dumps({"title": f"Post {n:03}", "body": "words"})) for n in numbers])


def _refer(app: CompanionApp, row, sender: bytes, seq: int, type_: str,  # type: ignore[no-untyped-def]
           target: tuple[bytes, int], data: dict[str, object], at: int) -> None:
    with app.vault.database.transaction() as cur:
        cur.execute("INSERT INTO circle_items (circle, sender, seq, type, at, ref_sender, "
                    "ref_seq, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (row.id, sender, seq, type_, at, target[0], target[1], json.dumps(data)))


def test_older_pages_reach_every_post_once_with_true_counts(app: CompanionApp,
                                                            tmp_path: Path) -> None:
    """"Show older posts (N more)" counted only within the 200 posts read, and posts older
    than those could not be reached. Pages are now cut at a post's key and counted in the
    vault: 450 posts (some in the same second, some deleted or withdrawn) are each reached
    exactly once, and each page says truly how many are left."""
    row = _circle(app, tmp_path)
    _add_posts(app, row, range(450), tie_every=3)
    stranger = bytes(range(32))
    for n in (7, 200, 449):  # deleted by their author: gone
        _refer(app, row, row.me, 20_000 + n, "delete", (row.me, 10_000 + n), {}, 1_800_000_000)
    _refer(app, row, stranger, 1, "delete", (row.me, 10_010), {}, 1_800_000_000)  # not theirs
    with app.vault.database.transaction() as cur:
        cur.execute("UPDATE circle_items SET state = 'withdrawn' WHERE seq = ?", (10_300,))
    # The oldest post has a reply, and the reply a reaction: both come with the last page.
    _refer(app, row, stranger, 2, "reply", (row.me, 10_000), {"text": "first!"}, 1_800_000_001)
    _refer(app, row, row.me, 30_000, "reaction", (stranger, 2), {"emoji": "♥"}, 1_800_000_002)
    expected = [f"Post {n:03}" for n in range(450) if n not in (7, 200, 449, 300)]
    circles = app.circles
    page = circles.feed_page_as_shown(row, limit=40)
    assert page.total == len(expected) == 446
    held = page.items
    assert page.older == len(expected) - 40
    while page.older:
        page = circles.feed_page_as_shown(row, limit=40, before=page.oldest)
        held = page.items + held
        assert page.older == len(expected) - len(held)  # the true number left, every step
    assert [item.data["title"] for item in held] == expected  # each once, in order
    first = held[0]
    assert [r.data["text"] for r in first.replies] == ["first!"]
    assert first.replies[0].reactions == {"♥": ["Ann"]} and first.replies[0].my_reactions == {"♥"}
    assert circles.feed(row, 40) == circles.feed_page_as_shown(row, limit=40).items


def test_a_refresh_keeps_what_was_read_and_adds_what_arrived(app: CompanionApp,
                                                              tmp_path: Path) -> None:
    """A page that holds older posts refreshes from the oldest it holds: new posts join the
    top, none held falls off, and one dated before them (written offline, say) is counted
    among the older ones."""
    row = _circle(app, tmp_path)
    _add_posts(app, row, range(100))
    circles = app.circles
    page = circles.feed_page_as_shown(row, limit=40)
    page = circles.feed_page_as_shown(row, limit=40, before=page.oldest)
    assert page.older == 20
    _add_posts(app, row, range(100, 105))
    _add_posts(app, row, range(105, 106), at=1_000_000_000)  # dated before all the others
    again = circles.feed_page_as_shown(row, limit=200, since=page.oldest)
    assert [i.data["title"] for i in again.items] == [f"Post {n:03}" for n in range(20, 105)]
    assert again.older == 21 and again.total == 106
    # Asked for fewer than there are, a refresh keeps the newest and counts the rest as older.
    capped = circles.feed_page_as_shown(row, limit=50, since=page.oldest)
    assert len(capped.items) == 50 and capped.older == 106 - 50
