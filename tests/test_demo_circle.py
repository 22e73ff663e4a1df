"""The demo's circle (issue 18, item 5): made through the circle service the app uses, with two
other members whose vaults sit in the demo's folder, and a feed of a few days with check-ins,
notes, replies and reactions."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from companion.app import CompanionApp
from companion.demo_circle import CIRCLE_NAME, GUIDELINES, OTHERS, YOUR_NAME, build_demo_circle
from companion.demo_data import fill_with_demo_data
from companion.models import Changes


def test_the_demo_circle_has_members_and_a_feed(app: CompanionApp, tmp_path: Path) -> None:
    fill_with_demo_data(app, days=10)
    heard: list[Changes] = []
    app.subscribe(heard.append)
    folder = tmp_path / "demo" / "circle"
    build_demo_circle(app, folder)

    circles = app.circles
    row = circles.find(CIRCLE_NAME)
    members = circles.members(row)
    assert [(m.name, m.you, m.admin, m.active) for m in members] == [
        (YOUR_NAME, True, True, True), *((name, False, False, True) for name in OTHERS)]
    feed = circles.feed(row)
    types = [item.type for item in feed]
    assert types.count("note") == 2 and types.count("checkin") == 3, types
    replies = [reply for item in feed for reply in item.replies]
    assert len(replies) == 3
    reactions = {emoji: names for item in feed for emoji, names in item.reactions.items()}
    assert sorted(reactions["♥"]) == ["Jonah", YOUR_NAME] and reactions["✓"] == ["Noor"]
    # Dated over the four days before today, in order, never in the future.
    now = app.clock.now()
    times = [item.at for item in feed]
    assert times == sorted(times)
    assert all(now - timedelta(days=5) < at < now for at in times + [r.at for r in replies])
    # The demo vault's own post is one of its own check-ins, shared as a person would.
    mine = [item for item in feed if item.mine]
    assert len(mine) == 1
    day = mine[0].at.astimezone(now.tzinfo).date().isoformat()
    assert any((c.mood, c.note) == (mine[0].data["mood"], mine[0].data["note"])
               for c in app.checkins.list_days(day, day))
    # Everything sent; the others' vaults and the storage live in the given folder.
    status = circles.status(row, now)
    assert status.waiting == 0 and status.problems == []
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["shared", *(name.lower() for name in OTHERS)])
    assert (folder / "noor" / "vault.db").exists()
    # Pages hear of it through the app, as of any circle action.
    assert any(change.circles for change in heard)
    assert circles.find(CIRCLE_NAME).guidelines == GUIDELINES
