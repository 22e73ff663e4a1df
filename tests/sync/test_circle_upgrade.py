"""Moving a circle made by an older Companion (protocol version 1) to version 2 with one clear
step, `companion circle upgrade`, through the real service and command (issue 16): what was
shared before stays readable, everything written after hides its sender, and only an admin can
do it, once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import sync.actions
from companion.clock import FakeClock
from tests.conftest import CliResult
from tests.sync.circle_helpers import everyone_syncs, trio


def test_an_admin_upgrades_a_version_1_circle_through_the_cli(
        tmp_path: Path, clock: FakeClock, cli: Callable[..., CliResult],
        monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as old_app:
        old_app.setattr(sync.actions, "PROTOCOL_VERSION", 1)  # made by an older Companion
        members = trio(tmp_path, clock)
        ann, bob, cat, shared = next(members)
    try:
        assert ann.circles.protocol_version(ann.row) == 1
        bob.circles.post(bob.row, "Before", "made in version 1")
        everyone_syncs(ann, bob, cat)
        assert {p.read_bytes()[:4] for p in shared.iterdir()} <= {b"CMP1", *_boxes(shared)}
        before = {p.name for p in shared.iterdir()}
        for member in (ann, bob, cat):
            member.app.close()

        kept = cli("--home", str(bob.app.home), "circle", "keys", "Friends")
        assert "uses protocol version 1, whose epoch keys are kept for good" in kept.out
        refused = cli("--home", str(bob.app.home), "circle", "upgrade", "Friends")
        assert refused.code == 1 and "Only an admin" in refused.err
        done = cli("--home", str(ann.app.home), "circle", "upgrade", "Friends")
        assert done.code == 0, done.err
        assert "protocol version 2 with the next sync" in done.out
        again = cli("--home", str(ann.app.home), "circle", "upgrade", "Friends")
        assert again.code == 1 and "already uses protocol version 2" in again.err
        for _ in range(2):
            for person in (ann, bob, cat):
                assert cli("--home", str(person.app.home), "circle", "sync").code == 0
        for person, text in ((bob, "After, from Bob"), (cat, "After, from Cat")):
            assert cli("--home", str(person.app.home), "circle", "post", "Friends",
                       "--title", text, "v2").code == 0
        for _ in range(2):
            for person in (ann, bob, cat):
                assert cli("--home", str(person.app.home), "circle", "sync").code == 0
        kept = cli("--home", str(bob.app.home), "circle", "keys", "Friends")
        assert "the key of an epoch that ended is deleted from this device 30 days" in kept.out
        feed = cli("--home", str(ann.app.home), "circle", "feed", "Friends").out
        assert "Before" in feed and "After, from Bob" in feed and "After, from Cat" in feed
        after = [p.read_bytes()[:4] for p in shared.iterdir() if p.name not in before]
        # The upgrade itself travels in the last version 1 epoch (everyone reads it there);
        # everything after it is version 2 (the two posts, and the members' word that they
        # moved to the new epoch).
        assert after.count(b"CMP1") == 1 and after.count(b"CMP2") >= 2, after
    finally:
        members.close()


def _boxes(shared: Path) -> set[bytes]:
    """The first bytes of join requests and welcomes (sealed boxes, not messages)."""
    return {p.read_bytes()[:4] for p in shared.iterdir()
            if p.read_bytes()[:4] not in (b"CMP1", b"CMP2")}
