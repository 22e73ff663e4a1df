"""Forward secrecy where it is cheap (issue 16, item 8; sync/forward_secrecy.py): epoch keys
are wrapped to receiving keys that change with the epochs, and each device deletes the keys of
ended epochs (and the receiving keys that opened them) after the circle's setting, while what
it read stays readable from the vault. Real engines and vaults, a fake clock."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from sync import actions, forward_secrecy
from sync.content import encode_body
from sync.crypto import Rejected, SeededRandomness, open_sealed, unwrap_key, x25519_public
from sync.envelope_v2 import BODY_START, PREFIX_BYTES, header_key, held_form
from sync.forward_secrecy import FORGOTTEN_EVENT
from sync.identity import Identity
from sync.invite import open_join_request, parse_invite, seal_join_request
from sync.roster import wrap_aad
from tests.sync.memory import MemoryTransport
from tests.sync.protocol_helpers import Circle, draft_name, honest_draft, openable_from_vault


def _can_unwrap(circle: Circle, name: str, epoch_id: bytes) -> bool:
    return openable_from_vault(circle, name, circle.roster(name).epochs[epoch_id].op)


def _epochs(circle: Circle, name: str) -> list[bytes]:
    """The epochs `name` is a reader of, oldest first."""
    roster = circle.roster(name)
    me = circle.id_of(name)
    return [e.id for e in sorted(roster.epochs.values(), key=lambda e: e.order)
            if me in e.members]


def _days(circle: Circle, days: int) -> None:
    circle.clock.advance(days=days)


def test_no_epoch_key_is_wrapped_to_an_identity_key() -> None:
    """The creator's first epoch, each newcomer's first epoch (the join request names a
    receiving key) and every rotation: nothing is wrapped to a long-term key."""
    circle = Circle()
    circle.change("Ann", "rotate")
    circle.sync_all()
    for name in ("Ann", "Bob", "Cat"):
        roster = circle.roster(name)
        me = circle.id_of(name)
        for epoch_id in _epochs(circle, name):
            op = roster.epochs[epoch_id].op
            with pytest.raises(Rejected):
                unwrap_key(op.wraps[me], circle.identity(name).agreement_private,
                           wrap_aad(op.circle, op.epoch_id, me))
            assert _can_unwrap(circle, name, epoch_id)


def test_each_epoch_is_wrapped_to_a_receiving_key_announced_for_it() -> None:
    circle = Circle()
    opened_with: dict[str, set[bytes]] = {"Bob": set(), "Cat": set()}
    for _ in range(3):
        circle.change("Ann", "rotate")
        circle.sync_all()
        for name in opened_with:
            newest = _epochs(circle, name)[-1]
            op = circle.roster(name).epochs[newest].op
            me = circle.id_of(name)
            for (kept,) in circle.engines[name].db.query(
                    "SELECT private FROM circle_recv_keys WHERE circle = ?", (circle.id,)):
                private = bytes(kept)
                try:
                    unwrap_key(op.wraps[me], private, wrap_aad(op.circle, op.epoch_id, me))
                except Rejected:
                    continue
                opened_with[name].add(x25519_public(private))
    # Three rotations, three different receiving keys each: one per epoch.
    assert all(len(keys) == 3 for keys in opened_with.values()), opened_with


def test_old_keys_are_forgotten_after_the_setting_and_history_stays_readable() -> None:
    circle = Circle()
    circle.post("Bob", data={"title": "early", "body": "said in the first epochs"})
    circle.sync_all()
    old = set(_epochs(circle, "Cat"))
    circle.change("Ann", "rotate")
    circle.sync_all()
    _days(circle, 29)
    circle.sync_all()
    assert all(circle.engines["Cat"].state.epoch_keys(circle.id).get(e) for e in old)
    assert all(_can_unwrap(circle, "Cat", e) for e in old)  # not yet: the setting is 30 days

    _days(circle, 2)
    circle.sync_all()
    for name in ("Ann", "Bob", "Cat"):
        state = circle.engines[name].state
        mine = set(_epochs(circle, name))
        gone = state.forgotten_epochs(circle.id)
        assert mine & old <= gone, name
        assert not set(state.epoch_keys(circle.id)) & gone
        # The core claim: nothing left in the vault opens a forgotten epoch's key again.
        assert not any(_can_unwrap(circle, name, e) for e in gone), name
        # What was read is still there, from the vault's own (SQLCipher) plaintext.
        assert any("said in the first epochs" in data for _, _, _, data, _ in
                   circle.items(name)), name
    # The forgotten epochs' objects in the storage: no key in Cat's vault opens their headers.
    keys = list(circle.engines["Cat"].state.epoch_keys(circle.id).items())
    gone_objects = 0
    for raw in circle.store.objects.values():
        if raw[:4] != b"CMP2":
            continue
        opened = False
        for epoch_id, key in keys:
            try:
                open_sealed(header_key(key, circle.id, epoch_id), raw[5:PREFIX_BYTES],
                            raw[PREFIX_BYTES:BODY_START], b"CMP2\x01" + circle.id + epoch_id,
                            "no")
                opened = True
            except Rejected:
                continue
        gone_objects += not opened
    assert gone_objects >= 3  # the first epochs' messages, Bob's "early" among them

    # Sharing goes on in the current epoch.
    circle.post("Cat", data={"title": "later", "body": "after forgetting"})
    circle.sync_all()
    assert any("after forgetting" in data for _, _, _, data, _ in circle.items("Bob"))


def test_the_setting_is_per_circle_and_version_1_keeps_its_keys() -> None:
    circle = Circle()
    with circle.engines["Cat"].db.transaction() as cur:
        cur.execute("UPDATE circles SET forget_after_days = 3")
    old = set(_epochs(circle, "Cat"))
    circle.change("Ann", "rotate")
    circle.sync_all()
    _days(circle, 4)
    circle.sync_all()
    assert old <= circle.engines["Cat"].state.forgotten_epochs(circle.id)
    assert not circle.engines["Bob"].state.forgotten_epochs(circle.id)  # 30 days there

    v1 = Circle(version=1, seed=b"v1")
    v1.change("Ann", "rotate")
    v1.sync_all()
    _days(v1, 400)
    v1.sync_all()
    for name in ("Ann", "Bob", "Cat"):
        assert not v1.engines[name].state.forgotten_epochs(v1.id)
        assert len(v1.roster(name).epochs) == 4  # and nobody rotated on its own


def test_the_senior_admin_starts_a_new_epoch_when_the_current_one_is_old() -> None:
    circle = Circle()
    circle.change("Ann", "promote", "Bob")
    circle.sync_all()
    before = len(circle.roster("Ann").epochs)
    _days(circle, 29)
    circle.sync_all()
    assert len(circle.roster("Cat").epochs) == before
    _days(circle, 2)
    circle.sync("Bob")  # a co-admin, not the senior one: leaves it to Ann
    assert len(circle.roster("Bob").epochs) == before
    circle.sync_all()
    assert len(circle.roster("Cat").epochs) == before + 1
    assert len(circle.roster("Bob").epochs) == before + 1  # one rotation, not one per admin


def test_a_message_kept_in_an_epoch_it_still_has_to_send_in_is_not_forgotten() -> None:
    """A message sealed in an epoch but not yet in the storage keeps that epoch's key."""
    circle = Circle()
    first = _epochs(circle, "Bob")[-1]
    circle.post("Bob", data={"title": "stuck", "body": "the storage was down"})

    class Down(MemoryTransport):
        def write_once(self, name: str, data: bytes) -> bool:
            raise OSError("storage down")

    with pytest.raises(OSError):
        circle.sync("Bob", Down(dict(circle.store.objects)))
    circle.change("Ann", "rotate")
    circle.sync("Ann")
    circle.sync("Ann")
    _days(circle, 40)
    # Bob's device learns of the rotation (reads only) while the storage refuses writes.
    with pytest.raises(OSError):
        circle.sync("Bob", Down(circle.store.objects))
    forward_secrecy.forget_old_keys(circle.engines["Bob"], circle.row("Bob"),
                                    circle.roster("Bob"))
    _days(circle, 40)
    forward_secrecy.forget_old_keys(circle.engines["Bob"], circle.row("Bob"),
                                    circle.roster("Bob"))
    assert first in circle.engines["Bob"].state.epoch_keys(circle.id)
    circle.sync("Bob")  # the storage is back: sent, and the key can go
    _days(circle, 31)
    circle.sync("Bob")
    circle.sync("Bob")
    assert first in circle.engines["Bob"].state.forgotten_epochs(circle.id)
    circle.sync_all()
    assert any("the storage was down" in data for _, _, _, data, _ in circle.items("Cat"))


def test_a_message_that_comes_too_late_for_a_forgotten_epoch_is_reported() -> None:
    """Bob's post in the first epoch never reaches Cat before she forgets that epoch: his
    next post is applied all the same and the gap is named, never silent."""
    circle = Circle()
    withheld = MemoryTransport(dict(circle.store.objects))
    circle.post("Bob", data={"title": "lost", "body": "withheld by the storage"})
    circle.sync("Bob", withheld)  # only a copy of the storage gets it
    circle.change("Ann", "rotate")
    circle.sync_all()
    circle.post("Bob", data={"title": "next", "body": "in the new epoch"})
    circle.sync_all()
    texts = [data for _, _, _, data, _ in circle.items("Cat")]
    assert not any("in the new epoch" in t for t in texts)  # held: the one before is missing
    _days(circle, 31)
    circle.sync_all(rounds=3)
    texts = [data for _, _, _, data, _ in circle.items("Cat")]
    assert any("in the new epoch" in t for t in texts)
    assert not any("withheld by the storage" in t for t in texts)
    assert ("gap", FORGOTTEN_EVENT) in circle.events("Cat")
    assert circle.events("Cat").count(("gap", FORGOTTEN_EVENT)) == 1


def test_a_member_who_announces_an_unusable_receiving_key_is_refused() -> None:
    """A low-order X25519 point would make every admin's next wrap fail: the message that
    announces it is refused and counted, and the admin's rotation still goes through."""
    circle = Circle()
    draft = honest_draft(circle, "Cat")
    value = json.loads(draft.body)
    bad = replace(draft, body=encode_body(value["type"], value["at"], {},
                                          {"title": "t", "body": "b"}, recv=bytes(32)))
    circle.store.objects[draft_name(bad, circle.row("Cat").names_key or b"")] = bad.seal()
    report = circle.sync("Ann")
    assert report.rejected_total == 1
    assert ("rejected", "announced receiving key is not usable") in circle.events("Ann")
    circle.change("Ann", "rotate")
    circle.sync_all()
    assert circle.roster("Cat").send_epoch(circle.id_of("Cat")) is not None
    assert circle.roster("Ann").epochs == circle.roster("Cat").epochs


def test_a_join_request_with_an_unusable_receiving_key_is_refused() -> None:
    circle = Circle()
    invite = actions.make_invite(circle.engines["Ann"], circle.row("Ann"))
    me = Identity.generate(SeededRandomness(b"dan"))
    sealed = seal_join_request(parse_invite(invite.code()), me, "Dan", 1,
                               SeededRandomness(b"x"), recv=bytes(32))
    with pytest.raises(Rejected, match="receiving key is not usable"):
        open_join_request(invite, circle.identity("Ann"), sealed)
    good = seal_join_request(parse_invite(invite.code()), me, "Dan", 1,
                             SeededRandomness(b"x"), recv=x25519_public(bytes(range(32))))
    assert open_join_request(invite, circle.identity("Ann"), good).recv == x25519_public(
        bytes(range(32)))


def test_a_held_message_of_a_forgotten_epoch_is_dropped_and_counted() -> None:
    """Ciphertext nobody can open any more is not kept: a message of the forgotten epoch that
    waited (for one before it) goes, and is named."""
    circle = Circle()
    first = _epochs(circle, "Cat")[-1]
    draft = honest_draft(circle, "Bob")
    h = draft.header  # the message after one that never came
    later = replace(draft, header=replace(h, seq=h.seq + 1, index=h.index + 1))
    engine = circle.engines["Cat"]
    bob, seq = circle.id_of("Bob"), h.seq + 1
    with engine.db.transaction() as cur:
        engine.state.hold(cur, circle.id, bob, seq, held_form(first, later.seal()))
    circle.change("Ann", "rotate")
    for name in ("Ann", "Cat", "Ann", "Cat"):  # Bob stays away: nothing overtakes it
        circle.sync(name)
    assert (bob, seq) in engine.state.held(circle.id)
    _days(circle, 31)
    for name in ("Ann", "Cat", "Ann", "Cat"):
        circle.sync(name)
    assert first in engine.state.forgotten_epochs(circle.id)
    assert (bob, seq) not in engine.state.held(circle.id)
    assert ("gap", FORGOTTEN_EVENT) in circle.events("Cat")


def test_with_the_defaults_a_post_cannot_be_read_from_a_vault_two_months_later() -> None:
    """What the README says: nobody rotates by hand, members sync every five days; the epoch
    of a post made today is rotated away after 30 days and its key forgotten 30 days later."""
    circle = Circle()
    circle.post("Bob", data={"title": "today", "body": "a post of day 0"})
    circle.sync_all()
    epoch = _epochs(circle, "Cat")[-1]
    for day in range(5, 71, 5):
        _days(circle, 5)
        circle.sync_all()
        forgotten = [epoch in circle.engines[n].state.forgotten_epochs(circle.id)
                     for n in ("Ann", "Bob", "Cat")]
        if day <= 55:
            assert not any(forgotten), day
        if day >= 65:
            assert all(forgotten), day
            assert not any(_can_unwrap(circle, n, epoch) for n in ("Ann", "Bob", "Cat"))
    assert any("a post of day 0" in data for _, _, _, data, _ in circle.items("Cat"))


def test_an_epoch_wrapped_to_an_identity_key_is_replaced_once_everyone_named_a_key(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Dan joins with an app that names no receiving key (an older Companion): the admin has
    to wrap his first epoch to his identity key, which forgetting can never protect. As soon
    as Dan's messages name a receiving key, the admin's device starts a new epoch wrapped only
    to receiving keys."""
    circle = Circle()
    real = actions.seal_join_request

    def older_app(*args: object, recv: bytes | None = None, **kwargs: object) -> bytes:
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(actions, "seal_join_request", older_app)
    circle.join("Dan")
    monkeypatch.undo()
    dan = circle.id_of("Dan")
    joined = _epochs(circle, "Dan")[-1]
    op = circle.roster("Ann").epochs[joined].op
    unwrap_key(op.wraps[dan], circle.identity("Dan").agreement_private,
               wrap_aad(op.circle, op.epoch_id, dan))  # his identity key opens it
    circle.sync_all()
    newest = _epochs(circle, "Dan")[-1]
    assert newest != joined  # replaced without anyone asking
    op = circle.roster("Dan").epochs[newest].op
    with pytest.raises(Rejected):
        unwrap_key(op.wraps[dan], circle.identity("Dan").agreement_private,
                   wrap_aad(op.circle, op.epoch_id, dan))
    for name in ("Ann", "Bob", "Cat", "Dan"):
        assert circle.roster(name).epochs.keys() == circle.roster("Ann").epochs.keys()
    circle.sync_all()
    assert _epochs(circle, "Dan")[-1] == newest  # once, not on every sync
