"""A member who has sent more messages than the rollback window (50) keeps sending each one
once: the sealed bytes of older ones are dropped from the vault, and dropping them must not
make them look unsealed. (They did: every round sealed the oldest again as new messages, so
a circle's storage and feeds filled with copies, and a device group pruned what it had just
re-sent.)"""

from __future__ import annotations

from pathlib import Path

from companion.clock import FakeClock
from sync.engine import ROLLBACK_WINDOW
from tests.sync.circle_helpers import everyone_syncs, join, make_member


def test_messages_past_the_rollback_window_are_sent_once(tmp_path: Path,
                                                         clock: FakeClock) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    ann, bob = make_member(tmp_path, "Ann", clock), make_member(tmp_path, "Bob", clock)
    try:
        ann.circles.create("Friends", f"folder:{shared}", "Ann")
        join(ann, bob, f"folder:{shared}")
        everyone_syncs(ann, bob)
        posts = ROLLBACK_WINDOW + 20
        for n in range(posts):
            ann.circles.post(ann.row, f"note {n}", "body")
            ann.sync()
            bob.sync()
            clock.advance(minutes=1)
        db = ann.app.vault.database
        count, highest = db.query_one("SELECT count(*), max(seq) FROM circle_outbox")
        assert highest == count  # one sequence number per message, none sealed twice
        titles = [item.data["title"] for item in bob.circles.feed(bob.row, limit=10_000)
                  if item.type == "note"]
        assert sorted(titles) == sorted(f"note {n}" for n in range(posts))
    finally:
        ann.app.close()
        bob.app.close()
