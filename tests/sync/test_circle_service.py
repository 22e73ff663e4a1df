"""The circle as its members use it (three vaults, one shared folder): edits, reactions,
muting, leaving, co-admins, key changes, guidelines, the outbox, hostile files, rollback and
gaps."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from companion.clock import FakeClock
from companion.errors import InvalidInput
from sync.transport import StorageMissing
from tests.sync.circle_helpers import Member, everyone_syncs, join, make_member, trio

Trio = tuple[Member, Member, Member, Path]


@pytest.fixture
def circle_trio(tmp_path: Path, clock: FakeClock) -> Iterator[Trio]:
    yield from trio(tmp_path, clock)


def newest_file(folder: Path) -> Path:
    return max(folder.iterdir(), key=lambda p: p.stat().st_mtime_ns)


def test_edits_deletes_reactions_and_mute(circle_trio: Trio) -> None:
    ann, bob, cat, _ = circle_trio
    ann.circles.post(ann.row, "Plans", "Walk on Sunday?")
    everyone_syncs(ann, bob, cat)
    note = bob.circles.feed(bob.row)[0]
    bob.circles.reply(bob.row, note.ref, "Count me in")
    cat.circles.react(cat.row, cat.circles.feed(cat.row)[0].ref, "👍")
    ann.circles.edit(ann.row, ann.circles.feed(ann.row)[0].ref, body="Walk on Saturday?")
    everyone_syncs(ann, bob, cat)
    seen = cat.circles.feed(cat.row)[0]
    assert seen.data["body"] == "Walk on Saturday?" and seen.edited
    assert seen.reactions == {"👍": ["Cat"]}
    assert [r.data["text"] for r in seen.replies] == ["Count me in"]
    with pytest.raises(InvalidInput, match="Only the author"):
        bob.circles.edit(bob.row, bob.circles.feed(bob.row)[0].ref, body="hijacked")
    reply_ref = bob.circles.feed(bob.row)[0].replies[0].ref
    bob.circles.delete(bob.row, reply_ref)
    everyone_syncs(ann, bob, cat)
    assert cat.circles.feed(cat.row)[0].replies == []
    cat.circles.set_muted(cat.row, cat.circles.find_member(cat.row, "Ann"), True)
    assert cat.circles.feed(cat.row) == []  # Ann's posts are hidden on Cat's device only
    assert len(bob.circles.feed(bob.row)) == 1


def test_leaving_starts_a_new_epoch_without_the_leaver(circle_trio: Trio) -> None:
    ann, bob, cat, _ = circle_trio
    cat.circles.leave(cat.row)
    cat.sync()  # sends the leave
    ann.sync()  # sees it and, as admin, starts an epoch for Ann and Bob
    bob.sync()
    assert [m.name for m in ann.circles.members(ann.row) if m.active] == ["Ann", "Bob"]
    bob.circles.post(bob.row, "Just us", "Cat will not see this")
    everyone_syncs(bob, ann)
    assert "Cat will not see this" in ann.feed_texts()
    cat.sync()
    assert "Cat will not see this" not in cat.feed_texts()
    with pytest.raises(InvalidInput, match="no longer in Friends"):
        cat.circles.post(cat.row, "Hi", "again")


def test_a_co_admin_can_invite_and_remove(circle_trio: Trio, tmp_path: Path,
                                          clock: FakeClock) -> None:
    ann, bob, cat, shared = circle_trio
    with pytest.raises(InvalidInput, match="Only an admin"):
        bob.circles.invite(bob.row)
    ann.circles.promote(ann.row, ann.circles.find_member(ann.row, "Bob"))
    everyone_syncs(ann, bob, cat)
    assert [m.admin for m in cat.circles.members(cat.row)] == [True, True, False]
    dan = make_member(tmp_path, "Dan", clock)
    join(bob, dan, f"folder:{shared}")
    everyone_syncs(ann, bob, cat, dan)
    assert {m.name for m in ann.circles.members(ann.row) if m.active} == {"Ann", "Bob", "Cat",
                                                                          "Dan"}
    bob.circles.remove(bob.row, bob.circles.find_member(bob.row, "Cat"))
    everyone_syncs(bob, ann, cat, dan)
    assert cat.row.status == "removed"
    assert {m.name for m in dan.circles.members(dan.row) if m.active} == {"Ann", "Bob", "Dan"}
    dan.app.close()


def test_new_keys_under_a_known_name_block_sharing_until_verified(
        circle_trio: Trio, tmp_path: Path, clock: FakeClock) -> None:
    ann, bob, cat, shared = circle_trio
    bob.circles.leave(bob.row)
    everyone_syncs(bob, ann, cat)
    impostor = make_member(tmp_path, "Bob2", clock)
    join(ann, impostor, f"folder:{shared}", "Bob")
    everyone_syncs(ann, impostor, cat)
    alerts = cat.circles.key_alerts(cat.row)
    assert [a.name for a in alerts] == ["Bob"] and alerts[0].state.startswith("KEYS CHANGED")
    new_bob = cat.circles.find_member(cat.row, "Bob")
    assert new_bob.active and new_bob.id != bob.row.me
    cat.circles.set_verified(cat.row, new_bob)
    assert cat.circles.key_alerts(cat.row) == []
    impostor.app.close()


def test_guidelines_come_from_admins(circle_trio: Trio) -> None:
    ann, bob, cat, _ = circle_trio
    ann.circles.set_guidelines(ann.row, "Be kind. What is shared here stays here.")
    everyone_syncs(ann, bob, cat)
    assert cat.row.guidelines == "Be kind. What is shared here stays here."
    with pytest.raises(InvalidInput, match="Only an admin"):
        bob.circles.set_guidelines(bob.row, "No rules")



def test_a_newcomer_receives_the_guidelines(circle_trio: Trio, tmp_path: Path,
                                            clock: FakeClock) -> None:
    ann, bob, cat, shared = circle_trio
    ann.circles.set_guidelines(ann.row, "Be kind.")
    everyone_syncs(ann, bob, cat)
    dan = make_member(tmp_path, "Dan", clock)
    join(ann, dan, f"folder:{shared}")
    everyone_syncs(ann, dan)
    assert dan.row.guidelines == "Be kind."
    dan.app.close()


def test_the_outbox_waits_for_a_missing_folder_and_loses_nothing(circle_trio: Trio) -> None:
    ann, bob, cat, shared = circle_trio
    moved = shared.with_name("away")
    shared.rename(moved)
    bob.circles.share_checkin(bob.row, 2, note="rough day")
    with pytest.raises(StorageMissing):
        bob.sync()
    bob.app.lock()  # the outbox lives in the vault: it survives a restart
    bob.app.unlock("correct horse battery staple")
    assert bob.sync is not None
    moved.rename(shared)
    assert bob.sync().sent == 1
    ann.sync()
    assert "rough day" in ann.feed_texts()


def test_a_tampered_file_is_rejected_counted_and_harmless(circle_trio: Trio) -> None:
    ann, bob, cat, shared = circle_trio
    bob.circles.post(bob.row, "Note", "honest words")
    bob.sync()
    target = newest_file(shared)
    data = bytearray(target.read_bytes())
    data[200] ^= 0x01
    target.write_bytes(bytes(data))
    report = ann.sync()
    reason = "message header does not decrypt (skipped; the sender's next try is read)"
    assert report.rejected == {reason: 1}
    assert "honest words" not in ann.feed_texts()
    assert ("rejected", reason, 1) in ann.circles.problems(ann.row)
    # Bob's next sync finds something else in his message's place and sends it again under
    # the next name of that place, which receivers read after skipping the damaged one.
    report = bob.sync()
    assert any("sent again under their next name" in p for p in report.problems), report
    ann.sync()
    assert "honest words" in ann.feed_texts()


def test_storage_rollback_is_detected_and_repaired(circle_trio: Trio) -> None:
    ann, bob, cat, shared = circle_trio
    bob.circles.post(bob.row, "One", "first")
    bob.sync()
    newest_file(shared).unlink()  # the storage "forgets" Bob's newest message
    report = bob.sync()
    assert any("rolled back" in p for p in report.problems)
    ann.sync()
    assert "first" in ann.feed_texts()


def test_the_outbox_keeps_only_the_bodies_the_rollback_check_needs(circle_trio: Trio) -> None:
    """Sent messages keep their sealed bytes only within the rollback window; the check reads
    them through an index, and a rollback within the window is still repaired."""
    from sync.engine import ROLLBACK_WINDOW

    ann, bob, _cat, shared = circle_trio
    for number in range(ROLLBACK_WINDOW + 15):
        bob.circles.share_checkin(bob.row, 3, note=f"note {number}")
    bob.sync()
    db = bob.app.circles.service.db
    kept = db.query("SELECT count(raw), count(*) FROM circle_outbox WHERE circle = ? AND "
                    "sent = 1", (bob.row.id,))[0]
    assert kept[0] == ROLLBACK_WINDOW and kept[1] > ROLLBACK_WINDOW
    plan = " ".join(str(r) for r in db.query(
        "EXPLAIN QUERY PLAN SELECT id, name, raw FROM circle_outbox WHERE circle = ? AND "
        "sent = 1 AND raw IS NOT NULL ORDER BY seq DESC LIMIT 50", (bob.row.id,)))
    assert "circle_outbox_by_state" in plan and "TEMP B-TREE" not in plan
    newest_file(shared).unlink()
    report = bob.sync()
    assert any("rolled back" in p for p in report.problems)
    ann.sync()
    assert any(f"note {ROLLBACK_WINDOW + 14}" in (t or "") for t in ann.feed_texts())


def test_a_gap_is_held_and_reported_until_it_closes(circle_trio: Trio,
                                                    tmp_path: Path) -> None:
    ann, bob, cat, shared = circle_trio
    bob.circles.post(bob.row, "One", "first")
    bob.circles.post(bob.row, "Two", "second")
    bob.sync()
    cat.sync()  # Cat has both
    row = bob.row
    engine = bob.app.circles.service.engine
    first = shared / str(engine.db.query_one(
        "SELECT name FROM circle_outbox WHERE circle = ? AND type = 'note' ORDER BY seq",
        (row.id,))[0])
    kept = tmp_path / "kept"
    shutil.move(first, kept)
    cat.circles.share_checkin(cat.row, 4)  # its checkpoint says Cat has seen Bob's two
    cat.sync()
    report = ann.sync()
    assert "first" not in ann.feed_texts()
    assert any("not on this storage yet" in p for p in report.problems)
    shutil.move(kept, first)
    report = ann.sync()
    texts = ann.feed_texts()
    assert texts.count("first") == 1 and texts.count("second") == 1
    assert not any("not on this storage yet" in p for p in report.problems)


def test_conflict_copies_and_foreign_files_are_never_read(circle_trio: Trio) -> None:
    ann, bob, cat, shared = circle_trio
    bob.circles.post(bob.row, "Real", "the real one")
    bob.sync()
    real = newest_file(shared)
    (shared / f"{real.stem} (conflicted copy 2026-03-14).cmp").write_bytes(b"evil")
    (shared / f"{real.stem}.sync-conflict-20260314-093000-ABCDEFG.cmp").write_bytes(b"evil")
    (shared / "notes.txt").write_text("someone's shopping list")
    (shared / ".stfolder").mkdir()
    report = ann.sync()
    assert report.rejected == {} and report.applied == 1
    assert ann.feed_texts() == ["the real one"]
    again = ann.sync()
    assert again.fetched == 0 and again.applied == 0  # nothing is fetched twice


# -- every action tells the app's listeners, once ------------------------------------------------

def _own_post(m: Member) -> str:
    return next(i.ref for i in m.circles.feed(m.row) if i.data.get("title") == "First")


ACTIONS = {
    "post": lambda m: m.circles.post(m.row, "Plans", "Walk?"),
    "share_checkin": lambda m: m.circles.share_checkin(m.row, 4, 3, ("calm",), "ok"),
    "reply": lambda m: m.circles.reply(m.row, m.circles.feed(m.row)[0].ref, "Yes"),
    "react": lambda m: m.circles.react(m.row, m.circles.feed(m.row)[0].ref, "👍"),
    "edit": lambda m: m.circles.edit(m.row, _own_post(m), body="Run?"),
    "delete": lambda m: m.circles.delete(m.row, _own_post(m)),
    "set_verified": lambda m: m.circles.set_verified(m.row, m.circles.find_member(m.row, "Bob")),
    "set_muted": lambda m: m.circles.set_muted(m.row, m.circles.find_member(m.row, "Bob"), True),
    "promote": lambda m: m.circles.promote(m.row, m.circles.find_member(m.row, "Bob")),
    "remove": lambda m: m.circles.remove(m.row, m.circles.find_member(m.row, "Cat")),
    "rotate": lambda m: m.circles.rotate(m.row),
    "invite": lambda m: m.circles.invite(m.row),
    "set_guidelines": lambda m: m.circles.set_guidelines(m.row, "Be kind."),
    "leave": lambda m: m.circles.leave(m.row),
    "sync": lambda m: m.sync(),
}


@pytest.mark.parametrize("action", ACTIONS)
def test_every_circle_action_tells_listeners_once(circle_trio: Trio, action: str) -> None:
    """The facade's promise: whatever page or command acts on a circle, every page showing
    circles hears of it (one notice per action); reads tell nobody anything."""
    ann, bob, cat, _ = circle_trio
    ann.circles.post(ann.row, "First", "Hello")
    bob.circles.post(bob.row, "Hi", "from Bob")
    everyone_syncs(bob, ann)
    heard = []
    ann.app.subscribe(heard.append)
    ann.circles.feed(ann.row)
    ann.circles.members(ann.row)
    assert heard == []
    ACTIONS[action](ann)
    if action == "sync":  # Bob's post was already fetched: a quiet round is no news
        assert heard == []
        bob.circles.post(bob.row, "More", "news")
        bob.sync()
        ann.sync()
    assert [c.circles for c in heard] == [True]


def test_a_refused_action_tells_nobody(circle_trio: Trio) -> None:
    ann, bob, _, _ = circle_trio
    heard = []
    bob.app.subscribe(heard.append)
    with pytest.raises(InvalidInput, match="Only an admin"):
        bob.circles.invite(bob.row)
    with pytest.raises(InvalidInput):
        bob.circles.post(bob.row, "", "no title")
    assert heard == []
