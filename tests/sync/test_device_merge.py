"""The merge of device sync (docs/protocol.md §11.5), case by case: last writer wins per
field, concurrent body edits kept as a conflict until the person resolves it, delete wins
(and what it drops unseen is reported), a refused clock leaves no trace. The state machine
over many replicas and a faulty network is in test_device_convergence.py."""

from __future__ import annotations

import itertools

import pytest

from sync.devices.hlc import MAX_SKEW_MS, Clock, ClockAhead, Hlc
from sync.devices.merge import MergedState
from sync.devices.ops import Op
from sync.devices.replica import RecordDeleted, Replica

LAPTOP = bytes([1]) * 16
DESKTOP = bytes([2]) * 16
ENTRY = bytes([9]) * 16


class FakeTime:
    def __init__(self, now: int) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now


def pair(laptop_ms: int = 1_000_000, desktop_ms: int = 1_000_000) -> tuple[Replica, Replica]:
    return (Replica(Clock(LAPTOP, FakeTime(laptop_ms))),
            Replica(Clock(DESKTOP, FakeTime(desktop_ms))))


def every_order(ops: list[Op]) -> list[dict[str, object]]:
    exports = []
    for order in itertools.permutations(ops):
        state = MergedState()
        for op in (*order, *order[:2]):  # and a few duplicates
            state.apply(op)
        exports.append(state.export())
    return exports


def test_the_later_writer_of_a_field_wins_in_any_order() -> None:
    laptop, desktop = pair()
    ops = [laptop.set("entry", ENTRY, "title", "first"),
           desktop.set("entry", ENTRY, "title", "second"),
           laptop.set("entry", ENTRY, "starred", True)]
    exports = every_order(ops)
    assert all(export == exports[0] for export in exports)
    state = MergedState()
    for op in reversed(ops):
        state.apply(op)
    view = state.record("entry", ENTRY)
    assert view is not None
    # Equal walls and counters: the device id decides, the same everywhere.
    assert view.fields == {"title": "second", "starred": True}


def test_what_is_done_after_seeing_a_change_wins_even_with_a_slower_clock() -> None:
    laptop, desktop = pair(laptop_ms=1_000, desktop_ms=900_000)
    seen = desktop.set("entry", ENTRY, "mood", 2)
    laptop.receive([seen])
    later = laptop.set("entry", ENTRY, "mood", 4)
    desktop.receive([later])
    for replica in (laptop, desktop):
        view = replica.state.record("entry", ENTRY)
        assert view is not None and view.fields["mood"] == 4


def test_one_stamp_with_two_values_is_decided_the_same_everywhere() -> None:
    stamp = Hlc(5, 0, LAPTOP)
    ops = [Op("set", "entry", ENTRY, stamp, "title", "a"),
           Op("set", "entry", ENTRY, stamp, "title", "b")]
    exports = every_order(ops)
    assert all(export == exports[0] for export in exports)


def test_tags_added_on_two_devices_are_both_kept() -> None:
    laptop, desktop = pair()
    ops = [laptop.set("entry", ENTRY, "tag:work", True),
           desktop.set("entry", ENTRY, "tag:travel", True)]
    laptop.receive(ops[1:])
    view = laptop.state.record("entry", ENTRY)
    assert view is not None and view.fields == {"tag:work": True, "tag:travel": True}


def test_concurrent_body_edits_are_both_kept_until_resolved() -> None:
    laptop, desktop = pair()
    desktop.receive([laptop.edit("entry", ENTRY, "body", "Dear diary")])
    mine = laptop.edit("entry", ENTRY, "body", "Dear diary, on the train")
    theirs = desktop.edit("entry", ENTRY, "body", "Dear diary, at home")
    laptop.receive([theirs])
    desktop.receive([mine])
    assert laptop.state.export() == desktop.state.export()
    view = laptop.state.record("entry", ENTRY)
    assert view is not None
    body = view.texts["body"]
    assert body.in_conflict
    assert {body.text, *(v.text for v in body.conflicts)} == {
        "Dear diary, on the train", "Dear diary, at home"}
    # The person combines them on the desktop; the conflict ends everywhere.
    resolved = desktop.edit("entry", ENTRY, "body", "Dear diary, on the train home")
    assert set(resolved.parents) == {mine.hlc, theirs.hlc}
    laptop.receive([resolved])
    for replica in (laptop, desktop):
        view = replica.state.record("entry", ENTRY)
        assert view is not None
        assert view.texts["body"].text == "Dear diary, on the train home"
        assert not view.texts["body"].in_conflict


def test_edits_in_sequence_are_no_conflict_whatever_order_they_arrive_in() -> None:
    laptop, desktop = pair()
    first = laptop.edit("entry", ENTRY, "body", "one")
    second = laptop.edit("entry", ENTRY, "body", "two")
    third = laptop.edit("entry", ENTRY, "body", "three")
    desktop.receive([third, first, second, first])
    view = desktop.state.record("entry", ENTRY)
    assert view is not None
    assert view.texts["body"].text == "three" and not view.texts["body"].in_conflict
    assert desktop.state.export() == laptop.state.export()


def test_a_three_way_conflict_keeps_three_texts() -> None:
    replicas = [Replica(Clock(bytes([n]) * 16, FakeTime(1_000))) for n in (1, 2, 3)]
    edits = [r.edit("entry", ENTRY, "body", f"text {n}") for n, r in enumerate(replicas)]
    for replica in replicas:
        replica.receive(edits)
    view = replicas[0].state.record("entry", ENTRY)
    assert view is not None
    body = view.texts["body"]
    assert len(body.conflicts) == 2 and len(body.heads) == 3
    assert all(r.state.export() == replicas[0].state.export() for r in replicas)


def test_delete_wins_over_earlier_and_later_edits() -> None:
    laptop, desktop = pair()
    made = [laptop.edit("entry", ENTRY, "body", "secret"),
            laptop.set("entry", ENTRY, "title", "secret title")]
    desktop.receive(made)
    gone = desktop.delete("entry", ENTRY)
    assert isinstance(laptop.clock._now_ms, FakeTime)
    laptop.clock._now_ms.now += 60_000  # a minute later
    later = laptop.edit("entry", ENTRY, "body", "still writing, offline")
    exports = every_order([*made, gone, later])
    assert all(export == exports[0] for export in exports)
    report = laptop.receive([gone])
    assert laptop.state.record("entry", ENTRY) is None
    assert laptop.state.is_deleted("entry", ENTRY)
    # The offline edit was made after the delete: the laptop says it was discarded.
    assert report.own_dropped == [later.hlc]
    # Edits that the deleting device had seen are not reported as lost.
    assert made[0].hlc not in report.own_dropped
    desktop_report = desktop.receive([later])
    assert desktop_report.discarded == 1
    assert laptop.state.export() == desktop.state.export()
    # What the stamps cannot tell: an edit made without knowing of the delete but stamped
    # before it (the two clocks agree to the millisecond here) is dropped unreported.
    unknowing = Replica(Clock(bytes([3]) * 16, FakeTime(0)))
    early = unknowing.edit("entry", ENTRY, "body", "early")
    assert unknowing.receive([gone]).own_dropped == []
    assert early.hlc < gone.hlc
    with pytest.raises(RecordDeleted):
        laptop.set("entry", ENTRY, "starred", True)
    with pytest.raises(RecordDeleted):
        laptop.edit("entry", ENTRY, "body", "again")


def test_trash_and_restore_are_a_field_not_a_delete() -> None:
    laptop, desktop = pair()
    desktop.receive([laptop.edit("entry", ENTRY, "body", "text"),
                     laptop.set("entry", ENTRY, "trashed", 1_000_000)])
    restored = desktop.set("entry", ENTRY, "trashed", None)
    laptop.receive([restored])
    view = laptop.state.record("entry", ENTRY)
    assert view is not None and view.fields["trashed"] is None
    assert view.texts["body"].text == "text"


def test_a_batch_from_a_clock_too_far_ahead_leaves_no_trace() -> None:
    laptop, desktop = pair(laptop_ms=1_000_000, desktop_ms=1_000_000 + MAX_SKEW_MS + 5)
    ops = [desktop.set("entry", ENTRY, "title", "from the future")]
    before = (laptop.clock.last, laptop.state.export())
    with pytest.raises(ClockAhead):
        laptop.receive(ops)
    assert (laptop.clock.last, laptop.state.export()) == before
    assert isinstance(laptop.clock._now_ms, FakeTime)
    laptop.clock._now_ms.now += 10  # the laptop's clock is set right: the batch goes in
    assert laptop.receive(ops).applied == 1


def test_a_parent_later_than_its_child_cannot_hide_a_version() -> None:
    """Such an op cannot be made or decoded (ops.check_op refuses it); the merge ignores such
    a parent anyway, so no cycle of versions can hide a text."""
    state = MergedState()
    first = Op("edit", "entry", ENTRY, Hlc(10, 0, LAPTOP), "body", "first")
    newer = Op("edit", "entry", ENTRY, Hlc(30, 0, LAPTOP), "body", "newer", (first.hlc,))
    sneaky = Op("edit", "entry", ENTRY, Hlc(20, 0, DESKTOP), "body", "sneaky")
    object.__setattr__(sneaky, "parents", (newer.hlc,))  # past the constructor's check
    for op in (first, newer, sneaky):
        state.apply(op)
    view = state.record("entry", ENTRY)
    assert view is not None
    assert view.texts["body"].text == "newer"
    assert [v.text for v in view.texts["body"].conflicts] == ["sneaky"]
