"""Protocol version 2 envelopes and names (issue 16, items 3 and 4), against real engines over
an adversarial store: what the storage and a removed member can still learn, a place that
someone else occupies, a place filled at every try, a copied or damaged object, and moving a
version 1 circle to version 2 in one step."""

from __future__ import annotations

import itertools
import json

from sync import actions
from sync.envelope_v2 import MAGIC as MAGIC_V2
from sync.locate import MAX_ATTEMPTS, epoch_names_key, message_name, message_name_v2
from sync.roster import make_op
from sync.state import EMPTY_SLOT
from tests.sync.protocol_helpers import Circle

SKIPPED = " (skipped; the sender's next try is read)"


def _shown(circle: Circle, reader: str) -> list[str]:
    return [json.loads(d)["title"] for _s, _q, t, d, st in circle.items(reader)
            if t == "note" and st == "shown"]


def _next_place(circle: Circle, sender: str, attempt: int = 0) -> str:
    """Where `sender`'s next message goes (computable by any reader of the epoch)."""
    engine = circle.engines[sender]
    row = circle.row(sender)
    epoch = circle.roster(sender).send_epoch(row.me)
    assert epoch is not None
    key = engine.state.epoch_keys(row.id)[epoch.id]
    slot = engine.state.slots(row.id).get((row.me, epoch.id), EMPTY_SLOT)
    return message_name_v2(epoch_names_key(key, row.id, epoch.id), row.me, slot.next, attempt)


def _names_a_member_can_compute(circle: Circle, who: str, depth: int = 40) -> set[str]:
    engine = circle.engines[who]
    row = circle.row(who)
    members = list(circle.roster(who).members)
    out = set()
    for epoch, key in engine.state.epoch_keys(row.id).items():
        names = epoch_names_key(key, row.id, epoch)
        for member, index, attempt in itertools.product(members, range(depth),
                                                        range(MAX_ATTEMPTS)):
            out.add(message_name_v2(names, member, index, attempt))
    assert row.names_key is not None
    out |= {message_name(row.names_key, m, s) for m in members for s in range(1, depth)}
    return out


def test_the_storage_holds_no_ids_and_no_clear_header() -> None:
    circle = Circle(("Ann", "Bob", "Cat"), seed=b"v2 ids")
    for name in ("Ann", "Bob", "Cat"):
        circle.post(name, data={"title": "hi", "body": "from " + name})
        circle.post(name, "checkin", {"mood": 3, "energy": None, "emotions": [], "note": ""})
    circle.sync_all(2)
    roster = circle.roster("Ann")
    secrets = [circle.id, *roster.members, *roster.epochs]
    objects = {n: b for n, b in circle.store.objects.items() if b[:4] == MAGIC_V2}
    assert len(objects) >= 6
    for raw in objects.values():
        for value in secrets:
            assert value not in raw
    # Every check-in is one size, whoever sent it and whatever it says.
    checkins = [circle.store.objects[n] for who in ("Ann", "Bob", "Cat")
                for (n,) in circle.engines[who].db.query(
                    "SELECT name FROM circle_outbox WHERE type = 'checkin'")]
    assert len(checkins) == 3 and len({len(b) for b in checkins}) == 1


def test_a_removed_member_cannot_name_what_is_written_after() -> None:
    circle = Circle(("Ann", "Bob", "Cat"), seed=b"v2 removed")
    circle.remove("Ann", "Cat")
    circle.sync_all(2)
    known = _names_a_member_can_compute(circle, "Cat")
    before = set(circle.store.objects)
    for _ in range(3):
        circle.post("Bob")
        circle.post("Ann")
    circle.sync_all(2)
    written = set(circle.store.objects) - before
    assert len(written) >= 6
    assert not written & known
    assert circle.row("Cat").status == "removed"


def test_an_occupied_place_does_not_stop_the_sender() -> None:
    """Cat (a member, who can compute Bob's names in the epoch) writes junk where Bob's next
    message goes. Bob writes at that place's next try; Ann skips the junk and reads it."""
    circle = Circle(("Ann", "Bob", "Cat"), seed=b"v2 squat")
    circle.store.objects[_next_place(circle, "Bob")] = b"CMP2\x01" + bytes(300)
    circle.post("Bob", data={"title": "still here", "body": "x"})
    report = circle.sync("Bob")
    assert not report.problems, report
    attempt = circle.engines["Bob"].db.query_one("SELECT max(attempt) FROM circle_outbox")[0]
    assert attempt == 1
    report = circle.sync("Ann")
    assert "still here" in _shown(circle, "Ann")
    assert report.rejected == {"message header does not decrypt" + SKIPPED: 1}


def test_every_try_taken_stops_sending_until_a_new_epoch() -> None:
    """Cat fills every try of Bob's next place: Bob's sending stops, said plainly. Ann removes
    Cat; the new epoch's names are unknown to Cat, and Bob's waiting message goes out there."""
    circle = Circle(("Ann", "Bob", "Cat"), seed=b"v2 jam")
    for attempt in range(MAX_ATTEMPTS):
        circle.store.objects[_next_place(circle, "Bob", attempt)] = b"junk %d" % attempt
    circle.post("Bob", data={"title": "jammed", "body": "x"})
    report = circle.sync("Bob")
    assert any("sending stopped" in p for p in report.problems), report
    circle.remove("Ann", "Cat")
    circle.sync("Ann")
    for _ in range(2):
        circle.sync("Bob")
        circle.sync("Ann")
    assert "jammed" in _shown(circle, "Ann")
    assert not circle.engines["Bob"].db.query(
        "SELECT 1 FROM circle_outbox WHERE sent = 0")


def test_a_message_copied_or_damaged_elsewhere_is_skipped_not_shown_twice() -> None:
    circle = Circle(("Ann", "Bob"), seed=b"v2 copy")
    circle.post("Bob", data={"title": "once", "body": "x"})
    circle.sync("Bob")
    name = circle.engines["Bob"].db.query_one(
        "SELECT name FROM circle_outbox WHERE type = 'note'")[0]
    raw = circle.store.objects[name]
    circle.store.objects[_next_place(circle, "Bob")] = raw  # a replay into the next place
    report = circle.sync("Ann")
    assert _shown(circle, "Ann") == ["once"]
    replayed = "message is not where its name says (replayed or moved)" + SKIPPED
    assert report.rejected == {replayed: 1}
    # A flipped bit in the body of Bob's next message, in its own place: the signature
    # (inside the sealed header) covers the body.
    circle.post("Bob", data={"title": "twice", "body": "x"})
    circle.sync("Bob")
    name = circle.engines["Bob"].db.query_one(
        "SELECT name FROM circle_outbox WHERE type = 'note' ORDER BY seq DESC")[0]
    flipped = bytearray(circle.store.objects[name])
    flipped[-1] ^= 1
    circle.store.objects[name] = bytes(flipped)
    report = circle.sync("Ann")
    assert _shown(circle, "Ann") == ["once"]
    assert report.rejected.get("bad signature on message" + SKIPPED) == 1, report


def test_a_version_1_circle_moves_to_version_2_in_one_step_and_never_back() -> None:
    circle = Circle(("Ann", "Bob", "Cat"), seed=b"v1 to v2", version=1)
    circle.post("Bob", data={"title": "old times", "body": "v1"})
    circle.sync_all(2)
    assert circle.roster("Ann").version() == 1
    assert all(b[:4] == b"CMP1" for b in circle.store.objects.values()
               if b[:4] in (b"CMP1", b"CMP2"))
    with circle.engines["Ann"].db.transaction() as cur:  # `circle upgrade`
        actions.roster_change(circle.engines["Ann"], cur, circle.row("Ann"), "rotate",
                              epoch_version=2)
    circle.sync_all(2)
    before = set(circle.store.objects)
    for name in ("Ann", "Bob", "Cat"):
        circle.post(name, data={"title": f"new from {name}", "body": "v2"})
    circle.sync_all(2)
    new = [circle.store.objects[n] for n in set(circle.store.objects) - before]
    assert new and all(b[:4] == MAGIC_V2 for b in new)
    for reader in ("Ann", "Bob", "Cat"):
        shown = _shown(circle, reader)
        assert "old times" in shown
        assert {f"new from {n}" for n in ("Ann", "Bob", "Cat")} <= set(shown)
        assert circle.roster(reader).version() == 2
    # An admin on an older app cannot take the circle back: the fold refuses the epoch.
    roster = circle.roster("Ann")
    readers = [circle.identity(n).public for n in ("Ann", "Bob", "Cat")]
    back, _ = make_op(circle.identity("Ann"), circle.id, "rotate", parents=roster.heads(),
                      lamport=roster.next_lamport(), at=1, rng=circle.engines["Ann"].rng,
                      wrap_to=readers, epoch_version=1)
    with circle.engines["Ann"].db.transaction() as cur:
        from sync.state import CircleState
        CircleState.add_op(cur, circle.id, back)
    assert ("epoch goes back to an older protocol version" in
            [reason for _h, reason in circle.roster("Ann").invalid])


def test_a_member_with_nothing_to_send_says_where_it_sends_now() -> None:
    """After a rotation, Cat (who has nothing to send) seals one message that only declares
    her view in the new epoch, so others look for her there alone; it is not "new" to them."""
    circle = Circle(("Ann", "Bob", "Cat"), seed=b"v2 announce")
    circle.change("Ann", "rotate")
    circle.sync("Ann")
    report = circle.sync("Cat")
    assert report.sent == 1
    row = circle.row("Cat")
    epoch = circle.roster("Cat").send_epoch(row.me)
    assert epoch is not None
    assert circle.engines["Cat"].state.chains(row.id)[row.me].epoch == epoch.id
    assert circle.sync("Cat").sent == 0  # said once
    report = circle.sync("Bob")
    assert report.applied == 1  # Ann's rotation; Cat's word is not news
    assert circle.engines["Bob"].state.chains(circle.id)[row.me].epoch == epoch.id


def test_two_messages_for_one_place_in_two_epochs_are_a_fork() -> None:
    """Bob signs two different messages with one sequence number, one in each of two epochs
    Cat reads: Cat applies one, and reports the other as a fork instead of passing over it."""
    from dataclasses import replace

    from tests.sync.protocol_helpers import draft_name, honest_draft

    circle = Circle(seed=b"v2 equivocation")
    first = honest_draft(circle, "Bob", data={"title": "to the old epoch", "body": "x"})
    circle.change("Ann", "rotate")
    circle.sync("Ann")
    circle.sync("Cat")  # Cat reads the new epoch; Bob has not synced since
    new = circle.roster("Ann").send_epoch(circle.id_of("Ann"))
    assert new is not None
    key = circle.engines["Ann"].state.epoch_keys(circle.id)[new.id]
    h = first.header
    second = replace(honest_draft(circle, "Bob", data={"title": "to the new epoch",
                                                       "body": "y"}),
                     epoch_key=key, version=2,
                     header=replace(h, epoch=new.id, index=0, epoch_prev=bytes(32)))
    assert second.header.seq == first.header.seq
    for draft in (first, second):
        circle.store.objects[draft_name(draft, b"")] = draft.seal()
    circle.sync("Cat")
    events = circle.events("Cat")
    assert ("fork", "a member signed two different messages for one place in their chain "
                    "(in two epochs)") in events, events
    assert len(_shown(circle, "Cat")) <= 1
