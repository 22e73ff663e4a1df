"""Agreement on the roster (issue 16, item 1): every message declares its sender's view of
the roster; a member who lacks operations is sent them; a difference that delivery cannot heal
is a blocking alert (a split) for whoever sees it, never "Nothing unusual"; and a newcomer let
in by an admin whom a concurrent removal outranked is told they are not in."""

from __future__ import annotations

import json

import pytest

from sync.agreement import SPLIT, view_of
from sync.content import View, parse_body
from sync.crypto import Rejected
from sync.engine import Engine
from sync.roster import Roster
from tests.sync.memory import MemoryTransport
from tests.sync.protocol_helpers import Circle


def _views(circle: Circle, name: str) -> dict[bytes, bytes]:
    return {bytes(m): bytes(o) for m, o in circle.engines[name].db.query(
        "SELECT member, ops FROM circle_views WHERE circle = ?", (circle.id,))}


def _splits(circle: Circle, name: str) -> set[bytes]:
    return {bytes(m) for (m,) in circle.engines[name].db.query(
        "SELECT member FROM circle_events WHERE circle = ? AND kind = 'split'", (circle.id,))}


def test_every_message_declares_the_view_and_honest_members_agree() -> None:
    circle = Circle(("Ann", "Bob", "Cat"))
    circle.change("Ann", "promote", "Bob")
    for name in ("Ann", "Bob", "Cat"):
        circle.post(name)
    circle.sync_all(3)
    mine = {n: view_of(circle.roster(n)).ops for n in ("Ann", "Bob", "Cat")}
    assert len(set(mine.values())) == 1
    for name in ("Ann", "Bob", "Cat"):
        others = {circle.id_of(o) for o in ("Ann", "Bob", "Cat") if o != name}
        assert _views(circle, name) == {m: mine[name] for m in others}, name
        assert not _splits(circle, name)


class _LyingEngine(Engine):
    """A member whose messages claim a roster its fold did not apply."""

    fake_heads: tuple[bytes, ...] | None = None

    def declared_view(self, roster: Roster) -> View:
        true = super().declared_view(roster)
        heads = true.heads if self.fake_heads is None else self.fake_heads
        return View(bytes(16), heads)


@pytest.mark.parametrize("fake_heads", [None, (b"\x07" * 32,)],
                         ids=["wrong-hash", "unknown-heads"])
def test_a_member_who_lies_about_the_roster_is_a_blocking_split(
        fake_heads: tuple[bytes, ...] | None) -> None:
    circle = Circle(("Ann", "Bob", "Cat"))
    circle.engines["Cat"].__class__ = _LyingEngine
    circle.engines["Cat"].fake_heads = fake_heads  # type: ignore[attr-defined]
    for _ in range(3):
        for name in ("Ann", "Bob", "Cat"):
            circle.post(name)
            circle.sync(name)
    cat = circle.id_of("Cat")
    for name in ("Ann", "Bob"):
        assert _splits(circle, name) == {cat}, name
        assert (("split", SPLIT)) in circle.events(name)
        report = circle.sync(name)
        assert any("split" in p for p in report.problems), report
    # Removing the liar ends the disagreement with them.
    circle.remove("Ann", "Cat")
    circle.sync_all(2)
    assert not _splits(circle, "Ann") and not _splits(circle, "Bob")


class _Withhold(MemoryTransport):
    """One member's view of the storage, missing the objects named in `hidden`."""

    def __init__(self, shared: MemoryTransport, hidden: set[str]) -> None:
        super().__init__(shared.objects)
        self.hidden = hidden

    def read(self, name: str) -> bytes | None:
        if name in self.hidden:
            self._requests += 1
            return None
        return super().read(name)


def test_a_member_kept_from_a_roster_change_is_sent_it_by_another() -> None:
    """The storage withholds Ann's promotion of Bob from Cat (Ann's chain stops there for
    Cat: a gap). Bob's messages show a view Cat lacks; Cat's show Bob what Cat lacks; Bob's
    device sends the missing operation, and Cat's roster agrees again without Ann's message."""
    circle = Circle(("Ann", "Bob", "Cat"))
    circle.change("Ann", "promote", "Bob")
    seq = circle.engines["Ann"].state.chains(circle.id)[circle.id_of("Ann")].seq + 1
    hidden = {circle.name_for("Ann", seq)}
    cat_view = _Withhold(circle.store, hidden)
    for _ in range(4):
        for name in ("Ann", "Bob"):
            circle.post(name)
            circle.sync(name)
        circle.post("Cat")
        circle.sync("Cat", cat_view)
    assert circle.id_of("Bob") in circle.roster("Cat").admins()
    assert view_of(circle.roster("Cat")).ops == view_of(circle.roster("Ann")).ops
    for name in ("Ann", "Bob", "Cat"):
        assert not _splits(circle, name), name


def test_a_newcomer_let_in_by_an_outranked_admin_is_told() -> None:
    """Ann promotes Bob, then removes him; before Bob hears of it he lets Dan in. The senior
    admin's removal stands, so Dan's admission does not: Ann's device tells Dan, whose device
    then says he is not in, and nobody lists him."""
    circle = Circle(("Ann", "Bob", "Cat"))
    circle.change("Ann", "promote", "Bob")
    circle.sync_all()
    circle.remove("Ann", "Bob")  # not yet uploaded: Bob does not know
    circle.join("Dan", admin="Bob")
    assert circle.row("Dan").status == "active"
    circle.sync_all(4)
    dan = circle.id_of("Dan")
    for name in ("Ann", "Cat"):
        assert dan not in circle.roster(name).members, name
    assert circle.row("Dan").status == "removed"
    assert ("refused", "the admin who let this device in was removed at the same time, so "
            "the admission did not stand; ask a current admin for a new invite") in \
        circle.events("Dan")
    assert circle.row("Bob").status == "removed"
    assert not _splits(circle, "Ann") and not _splits(circle, "Cat")


@pytest.mark.parametrize(("view", "reason"), [
    ({"ops": "AAAA", "heads": []}, "wrong length"),
    ({"ops": "A" * 22, "heads": ["E" * 43, "A" * 43]}, "not sorted"),
    ({"ops": "A" * 22, "heads": ["B" * 43]}, "not canonical"),
    ({"ops": "A" * 22, "heads": ["A" * 43] * 2}, "not sorted"),
    ({"ops": "A" * 22, "heads": ["A" * 43], "more": 1}, "unknown field"),
    ({"ops": "A" * 22, "heads": [f"{n:043d}" for n in range(33)]}, "bad heads"),
])
def test_a_malformed_view_is_refused(view: dict[str, object], reason: str) -> None:
    body = json.dumps({"type": "note", "at": 1, "seen": {}, "title": "t", "body": "b",
                       "view": view}).encode()
    with pytest.raises(Rejected, match=reason):  # a fixed phrase, never the peer's text
        parse_body(body)


def test_a_roster_message_needs_an_op_or_something_to_carry() -> None:
    with pytest.raises(Rejected, match="lacks op"):
        parse_body(json.dumps({"type": "roster", "at": 1, "seen": {}, "carry": []}).encode())
