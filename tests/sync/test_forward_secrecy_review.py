"""Forward secrecy under an attacker's review (issue 16, item 8): a device that was away
longer than the others keep keys, a leave after a long absence, a void epoch's key, two
epochs opened by one receiving key, an admin whose clock runs ahead, a circle upgraded from
version 1, a second admin wrapping a newcomer's first epoch, and a member who plants
operations in a message that waits. Each was seen to fail before it was fixed."""

from __future__ import annotations

import os
from dataclasses import replace

from sync import actions
from sync.content import encode_body
from sync.crypto import Rejected, unwrap_key
from sync.invite import parse_invite
from sync.roster import make_op, wrap_aad
from tests.sync.protocol_helpers import Circle, honest_draft, openable_from_vault


def _stored(circle: Circle, name: str) -> dict[bytes, bytes]:
    return {bytes(e): bytes(k) for e, k in circle.engines[name].db.query(
        "SELECT epoch, key FROM circle_epoch_keys WHERE circle = ?", (circle.id,))}


def _away(circle: Circle, days: int, *present: str) -> None:
    circle.clock.advance(days=days)
    for name in (*present, *present):
        circle.sync(name)


def test_an_admin_back_after_a_long_absence_is_heard() -> None:
    """Ann is away 32 days while Bob rotates twice and everyone else forgets the epochs she
    knows; back, she removes Dan before her app has synced. The removal is signed again once
    it has caught up, so it travels where everyone reads: one roster, no split."""
    circle = Circle(("Ann", "Bob", "Cat", "Dan"), seed=b"stale")
    circle.change("Ann", "promote", "Bob")
    circle.sync_all()
    for _ in range(2):
        circle.change("Bob", "rotate")
        _away(circle, 0, "Bob", "Cat", "Dan")
    _away(circle, 32, "Bob", "Cat", "Dan")
    circle.remove("Ann", "Dan")
    circle.sync_all(rounds=3)
    for _ in range(3):
        _away(circle, 1, "Ann", "Bob", "Cat", "Dan")
    dan = circle.id_of("Dan")
    for name in ("Ann", "Bob", "Cat"):
        assert not circle.roster(name).members[dan].active, name
        assert not [e for e in circle.events(name) if e[0] == "split"], name
    assert circle.row("Dan").status == "removed"
    assert circle.roster("Ann").epochs.keys() == circle.roster("Cat").epochs.keys()


def test_a_change_that_no_longer_applies_after_catching_up_is_dropped_and_said() -> None:
    circle = Circle(("Ann", "Bob", "Cat"), seed=b"stale drop")
    circle.change("Ann", "promote", "Bob")
    circle.sync_all()
    circle.remove("Bob", "Cat")  # Bob's removal of Cat reaches everyone
    circle.sync_all()
    _away(circle, 3, "Ann")  # Bob's device is away three days
    circle.change("Bob", "remove", "Cat")  # Cat is out already: nothing left to send
    report = circle.sync("Bob")
    assert ("a roster change made while this device was out of date was not sent: it no "
            "longer applies") in report.problems


def test_a_leave_after_a_long_absence_reaches_everyone() -> None:
    circle = Circle(seed=b"leave")
    for _ in range(2):
        circle.change("Ann", "rotate")
        _away(circle, 0, "Ann", "Bob")
    _away(circle, 32, "Ann", "Bob")
    actions.leave(circle.engines["Cat"], circle.row("Cat"))
    circle.sync("Cat")
    for _ in range(3):
        _away(circle, 1, "Ann", "Bob")
    cat = circle.id_of("Cat")
    assert not circle.roster("Ann").members[cat].active
    assert not circle.roster("Bob").members[cat].active


def test_the_key_of_an_epoch_that_became_void_is_forgotten_too() -> None:
    circle = Circle()
    circle.change("Ann", "promote", "Bob")
    circle.sync_all()
    circle.change("Bob", "rotate")  # Cat keeps its key; Ann's concurrent removal wins
    circle.sync("Bob")
    circle.sync("Cat")
    circle.remove("Ann", "Bob")
    circle.sync_all(rounds=3)
    void = next(iter(circle.roster("Cat").void_epochs))
    assert _stored(circle, "Cat").get(void)
    for _ in range(2):
        _away(circle, 40, "Ann", "Cat")
    assert _stored(circle, "Cat")[void] == b""


def test_a_receiving_key_that_opened_two_epochs_goes_with_the_first_forgotten() -> None:
    """Two rotations before Bob names a new receiving key: both are wrapped to one key.
    When the first of them is forgotten, that key goes (a newer one opened an epoch since),
    so the forgotten epoch cannot be opened again."""
    circle = Circle(seed=b"dur")
    for _ in range(2):
        circle.change("Ann", "rotate")
        circle.sync("Ann")
    circle.sync_all()
    middle = sorted(circle.roster("Bob").epochs.values(), key=lambda e: e.order)[-2]
    for _ in range(8):
        _away(circle, 5, "Ann", "Bob", "Cat")
        if middle.id in circle.engines["Bob"].state.forgotten_epochs(circle.id):
            assert not openable_from_vault(circle, "Bob", middle.op)
    assert middle.id in circle.engines["Bob"].state.forgotten_epochs(circle.id)


def test_an_admin_whose_clock_runs_ahead_cannot_put_rotation_off() -> None:
    circle = Circle(seed=b"at")
    circle.change("Ann", "promote", "Bob")
    circle.sync_all()
    engine = circle.engines["Bob"]
    real = engine.now_us
    engine.now_us = lambda: real() + 10 * 365 * 86_400_000_000  # type: ignore[method-assign]
    circle.change("Bob", "rotate")  # signed "ten years from now"
    engine.now_us = real  # type: ignore[method-assign]
    circle.sync_all()
    before = len(circle.roster("Ann").epochs)
    for _ in range(14):
        _away(circle, 5, "Ann", "Bob", "Cat")
    assert len(circle.roster("Ann").epochs) >= before + 2  # every 30 days, by Ann's clock


def test_an_upgraded_circle_forgets_its_version_1_keys() -> None:
    circle = Circle(version=1, seed=b"up2")
    with circle.engines["Ann"].db.transaction() as cur:
        actions.roster_change(circle.engines["Ann"], cur, circle.row("Ann"), "rotate",
                              epoch_version=2)
    circle.sync_all()
    v1 = [e for e in circle.roster("Bob").epochs.values() if e.version < 2]
    for _ in range(8):
        _away(circle, 10, "Ann", "Bob", "Cat")
    keys = circle.engines["Bob"].state.epoch_keys(circle.id)
    assert v1 and not [e for e in v1 if e.id in keys]
    assert not any(openable_from_vault(circle, "Bob", e.op) for e in v1 if circle.id_of("Bob") in
                   e.members and e.op.author != circle.id_of("Bob"))


def test_a_newcomer_another_admin_let_in_gets_an_epoch_of_receiving_keys_soon() -> None:
    """Bob rotates before he has heard from Dan, whom Ann let in: he has only Dan's identity
    key to wrap to (the admission does not carry Dan's receiving key for other admins: the
    admitting admin could name one of its own). Once Dan's messages name his receiving key,
    Bob's device replaces that epoch with one wrapped to receiving keys only."""
    circle = Circle()
    circle.change("Ann", "promote", "Bob")
    circle.sync_all()
    invite = actions.make_invite(circle.engines["Ann"], circle.row("Ann"))
    circle.engines["Dan"] = circle._engine("Dan")
    actions.begin_join(circle.engines["Dan"], parse_invite(invite.code()), "Dan", "folder",
                       "/Dan", circle.store)
    circle.sync("Ann")  # Ann admits Dan
    circle.sync("Bob")  # Bob has heard nothing from Dan yet
    circle.change("Bob", "rotate")
    circle.sync("Bob")
    assert circle.sync("Dan").welcomed
    dan = circle.id_of("Dan")
    by_bob = max(circle.roster("Bob").epochs.values(), key=lambda e: e.order)
    unwrap_key(by_bob.op.wraps[dan], circle.identity("Dan").agreement_private,
               wrap_aad(by_bob.op.circle, by_bob.op.epoch_id, dan))  # his identity key
    circle.sync_all(rounds=3)
    newest = max(circle.roster("Dan").epochs.values(), key=lambda e: e.order)
    assert newest.id != by_bob.id
    try:
        unwrap_key(newest.op.wraps[dan], circle.identity("Dan").agreement_private,
                   wrap_aad(newest.op.circle, newest.op.epoch_id, dan))
        raise AssertionError("wrapped to Dan's identity key")
    except Rejected:
        pass
    assert circle.engines["Dan"].state.epoch_keys(circle.id).get(newest.id)


def test_operations_in_a_waiting_message_get_the_checks_all_the_same() -> None:
    """Bob's message names an epoch nobody knows before it and carries his own leave with a
    cut-off far in the future: kept early, it would make him leave after posts he has not
    written. Only the operation that started that epoch is kept early, and none is here."""
    circle = Circle(seed=b"lf")
    roster = circle.roster("Bob")
    op, _ = make_op(circle.identity("Bob"), circle.id, "leave", parents=roster.heads(),
                    lamport=roster.next_lamport(), at=1, rng=circle.engines["Bob"].rng,
                    cutoff=10**6)
    draft = honest_draft(circle, "Bob")
    draft = replace(draft, body=encode_body("roster", 1, {}, {"op": op.to_json(),
                                                               "carry": [op.to_json()]}))
    h = draft.header
    draft = replace(draft, header=replace(h, seq=h.seq + 1, prev_epoch=os.urandom(16),
                                          prev_hash=os.urandom(32)))
    circle.store.objects[circle.draft_name(draft)] = draft.seal()
    circle.sync("Cat")
    info = circle.roster("Cat").members[circle.id_of("Bob")]
    assert info.active and info.last_seq is None


def test_a_removal_then_a_leave_made_while_out_of_date_both_arrive() -> None:
    circle = Circle(("Ann", "Bob", "Cat", "Dan"), seed=b"rl")
    circle.change("Ann", "promote", "Bob")
    circle.sync_all()
    for _ in range(2):
        circle.change("Bob", "rotate")
        _away(circle, 0, "Bob", "Cat", "Dan")
    _away(circle, 33, "Bob", "Cat", "Dan")
    circle.remove("Ann", "Dan")
    actions.leave(circle.engines["Ann"], circle.row("Ann"))
    for _ in range(4):
        _away(circle, 1, "Ann", "Bob", "Cat", "Dan")
    ann, dan = circle.id_of("Ann"), circle.id_of("Dan")
    for name in ("Bob", "Cat"):
        roster = circle.roster(name)
        assert not roster.members[ann].active and not roster.members[dan].active, name
        assert not roster.waiting, name


def test_two_changes_made_while_out_of_date_are_signed_again_in_order() -> None:
    """A promotion, then a removal that the promoted admin could not have made before: both
    are signed again, the removal on top of the promotion, and everyone agrees."""
    circle = Circle(("Ann", "Bob", "Cat", "Dan"), seed=b"two")
    _away(circle, 3, "Bob", "Cat", "Dan")
    circle.change("Ann", "promote", "Bob")
    circle.remove("Ann", "Cat")
    circle.sync_all(rounds=3)
    bob, cat = circle.id_of("Bob"), circle.id_of("Cat")
    for name in ("Ann", "Bob", "Dan"):
        roster = circle.roster(name)
        assert roster.members[bob].admin and not roster.members[cat].active, name
        assert not roster.waiting, name
