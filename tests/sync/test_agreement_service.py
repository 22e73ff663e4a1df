"""What people are told about agreement (issue 16, item 1), through the service the CLI and
the app use: a split pauses sharing and is among the circle's problems; a newcomer whose
admission did not stand is told so, not that an admin removed them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from companion.circle_status import circle_status
from companion.clock import FakeClock
from companion.errors import InvalidInput
from sync.agreement import SPLIT
from sync.roster import Member as RosterMember
from tests.sync.circle_helpers import Member, everyone_syncs, join, make_member, trio
from tests.sync.test_agreement import _LyingEngine

Trio = tuple[Member, Member, Member, Path]


@pytest.fixture
def circle_trio(tmp_path: Path, clock: FakeClock) -> Iterator[Trio]:
    yield from trio(tmp_path, clock)


def test_a_split_pauses_sharing_and_is_never_nothing_unusual(circle_trio: Trio,
                                                              clock: FakeClock) -> None:
    ann, bob, cat, _ = circle_trio
    cat.circles.service.engine.__class__ = _LyingEngine
    for _ in range(3):
        for member in (ann, bob, cat):
            if member is not cat:
                member.circles.post(member.row, "hello", "from " + member.name)
            else:
                cat.circles.post(cat.row, "hi", "I lie about the roster")
            member.sync()
    assert ("split", SPLIT, 1) in ann.circles.problems(ann.row)
    status = circle_status(ann.circles.service, ann.row, clock.now())
    assert any(kind == "split" for kind, _, _ in status.problems)
    with pytest.raises(InvalidInput, match="Nothing was shared: .*disagree about who is in"):
        ann.circles.share_checkin(ann.row, 3)
    before = ann.circles.service.db.query_one("SELECT count(*) FROM circle_outbox")[0]
    with pytest.raises(InvalidInput):
        ann.circles.post(ann.row, "title", "body")
    assert ann.circles.service.db.query_one("SELECT count(*) FROM circle_outbox")[0] == before
    # Removing the liar is still possible, and ends the pause.
    ann.circles.remove(ann.row, _member(ann, "Cat"))
    everyone_syncs(ann, bob, rounds=2)
    assert not [p for p in ann.circles.problems(ann.row) if p[0] == "split"]
    ann.circles.share_checkin(ann.row, 3)


def _member(person: Member, name: str) -> RosterMember:
    roster = person.circles.service.roster(person.row)
    return next(m for m in roster.members.values() if m.name == name)


def test_a_newcomer_whose_admission_did_not_stand_is_told_so(tmp_path: Path,
                                                             clock: FakeClock) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    ann, bob, cat, dan = (make_member(tmp_path, n, clock) for n in ("Ann", "Bob", "Cat", "Dan"))
    try:
        ann.circles.create("Friends", f"folder:{shared}", "Ann")
        join(ann, bob, f"folder:{shared}")
        join(ann, cat, f"folder:{shared}")
        everyone_syncs(ann, bob, cat)
        ann.circles.promote(ann.row, _member(ann, "Bob"))
        everyone_syncs(ann, bob, cat)
        ann.circles.remove(ann.row, _member(ann, "Bob"))  # Bob has not heard yet
        join(bob, dan, f"folder:{shared}")
        assert dan.row.status == "active"
        everyone_syncs(ann, bob, cat, dan, rounds=3)
        assert dan.row.status == "removed"
        assert dan.circles.admission_refused(dan.row)
        assert not bob.circles.admission_refused(bob.row)  # Bob was removed, by Ann
        with pytest.raises(InvalidInput, match="your admission did not stand"):
            dan.circles.share_checkin(dan.row, 4)
        assert "Dan" not in [m.name for m in ann.circles.members(ann.row)]
        assert "Dan" not in [m.name for m in cat.circles.members(cat.row)]
    finally:
        for member in (ann, bob, cat, dan):
            member.app.close()
