"""Every device ends with the same journal (issue 19): a hypothesis state machine in which
three devices, each with its own drifting clock (set back at times), edit bodies, set
titles, stars, moods and the trash state, tag, resolve conflicts and delete forever, while a
faulty network drops, delays, duplicates and reorders their batches. Once everything has been
delivered (dropped batches too, late), every device holds the same state, and it is the
state the rules (docs/protocol.md §11.5) give from the operations made — worked out here
independently of sync/devices/merge.py: nothing a device acknowledged is lost."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from sync.devices.hlc import Clock, Hlc
from sync.devices.ops import Op, Value
from sync.devices.replica import Replica

DEVICES = 3
ENTRIES = tuple(bytes([n + 1]) * 16 for n in range(4))
DELETABLE = ENTRIES[2:]  # two entries are never deleted, so conflicts have room to happen
FIELDS: dict[str, st.SearchStrategy[Value]] = {
    "title": st.sampled_from(["", "Monday", "Tuesday"]),
    "starred": st.booleans(),
    "mood": st.none() | st.integers(1, 5),
    "trashed": st.none() | st.integers(1, 10**12),
    "tag:work": st.booleans(),
    "tag:travel": st.booleans(),
}
# Each device's clock stays within 20 minutes of the common time, so no batch is ever refused
# for skew (test_device_merge.py covers that), yet clocks disagree and go back.
DRIFT_MS = 20 * 60 * 1000


class Message:
    def __init__(self, to: int, ops: tuple[Op, ...]) -> None:
        self.to, self.ops = to, ops


class DeviceSync(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.time = 1_700_000_000_000
        self.offsets = [0] * DEVICES
        self.replicas = [Replica(Clock(bytes([0xD0 + n]) * 16, self._clock_of(n)))
                         for n in range(DEVICES)]
        self.made: list[Op] = []  # every operation any device made, in the order made
        self.logs: list[list[Op]] = [[] for _ in range(DEVICES)]
        self.sent = [[0] * DEVICES for _ in range(DEVICES)]  # sent[src][dst]: log position
        self.network: list[Message] = []
        self.dropped: list[Message] = []
        self.texts = 0

    def _clock_of(self, n: int) -> Callable[[], int]:
        return lambda: self.time + self.offsets[n]

    def _record(self, device: int, op: Op) -> None:
        self.made.append(op)
        self.logs[device].append(op)

    def _live(self, device: int, entry: bytes) -> bool:
        return not self.replicas[device].state.is_deleted("entry", entry)

    # What people do.

    @rule(device=st.integers(0, DEVICES - 1), entry=st.sampled_from(ENTRIES))
    def edit_body(self, device: int, entry: bytes) -> None:
        if self._live(device, entry):
            self.texts += 1
            self._record(device, self.replicas[device].edit(
                "entry", entry, "body", f"text {self.texts} from device {device}"))

    @rule(device=st.integers(0, DEVICES - 1), entry=st.sampled_from(ENTRIES), data=st.data())
    def set_field(self, device: int, entry: bytes, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(sorted(FIELDS)))
        value = data.draw(FIELDS[name])
        if self._live(device, entry):
            self._record(device, self.replicas[device].set("entry", entry, name, value))

    @rule(device=st.integers(0, DEVICES - 1), entry=st.sampled_from(ENTRIES))
    def resolve_conflict(self, device: int, entry: bytes) -> None:
        view = self.replicas[device].state.record("entry", entry)
        if view is not None and "body" in view.texts and view.texts["body"].in_conflict:
            self.texts += 1
            op = self.replicas[device].edit("entry", entry, "body", f"merged {self.texts}")
            assert set(op.parents) == set(view.texts["body"].heads)
            self._record(device, op)

    @precondition(lambda self: sum(op.kind == "delete" for op in self.made) < 2)
    @rule(device=st.integers(0, DEVICES - 1), entry=st.sampled_from(DELETABLE))
    def delete_forever(self, device: int, entry: bytes) -> None:
        if self._live(device, entry):
            self._record(device, self.replicas[device].delete("entry", entry))

    # Time and clocks.

    @rule(step=st.integers(0, 5_000))
    def time_passes(self, step: int) -> None:
        self.time += step

    @rule(device=st.integers(0, DEVICES - 1), offset=st.integers(-DRIFT_MS, DRIFT_MS))
    def clock_is_set(self, device: int, offset: int) -> None:
        """Forward or back: the device's stamps must still only grow."""
        self.offsets[device] = offset

    # The storage and the network.

    @rule(src=st.integers(0, DEVICES - 1), dst=st.integers(0, DEVICES - 1), data=st.data())
    def upload(self, src: int, dst: int, data: st.DataObject) -> None:
        """`src` sends some of what `dst` has not had from it yet (a batch, in log order)."""
        start, end = self.sent[src][dst], len(self.logs[src])
        if src == dst or start == end:
            return
        stop = data.draw(st.integers(start + 1, end))
        self.network.append(Message(dst, tuple(self.logs[src][start:stop])))
        self.sent[src][dst] = stop

    @precondition(lambda self: self.network)
    @rule(data=st.data())
    def deliver(self, data: st.DataObject) -> None:
        """Any waiting batch, not only the oldest: batches overtake one another."""
        message = self.network.pop(data.draw(st.integers(0, len(self.network) - 1)))
        self.replicas[message.to].receive(message.ops)

    @precondition(lambda self: self.network)
    @rule(data=st.data())
    def duplicate(self, data: st.DataObject) -> None:
        message = self.network[data.draw(st.integers(0, len(self.network) - 1))]
        self.network.append(Message(message.to, message.ops))

    @precondition(lambda self: self.network)
    @rule(data=st.data())
    def drop(self, data: st.DataObject) -> None:
        """Lost for now; the chain's gap check has it fetched again later (at the end here)."""
        self.dropped.append(self.network.pop(data.draw(st.integers(0, len(self.network) - 1))))

    @precondition(lambda self: self.dropped)
    @rule()
    def redeliver_dropped(self) -> None:
        self.network.extend(self.dropped)
        self.dropped.clear()

    @invariant()
    def stamps_are_unique_and_grow_per_device(self) -> None:
        for log in self.logs:
            assert all(a.hlc < b.hlc for a, b in zip(log, log[1:], strict=False))

    def teardown(self) -> None:
        # Everything is delivered at last: what was waiting, what was dropped, and each
        # device's whole log to every other (duplicates included, in reverse for good measure).
        for message in self.network + self.dropped:
            self.replicas[message.to].receive(message.ops)
        for src in range(DEVICES):
            for dst in range(DEVICES):
                if src != dst:
                    self.replicas[dst].receive(list(reversed(self.logs[src])))
        exports = [replica.state.export() for replica in self.replicas]
        assert all(export == exports[0] for export in exports), "devices disagree"
        self._check_against_the_rules()

    def _check_against_the_rules(self) -> None:
        state = self.replicas[0].state
        deleted = {op.target for op in self.made if op.kind == "delete"}
        for entry in ENTRIES:
            ops = [op for op in self.made if op.target == entry]
            view = state.record("entry", entry)
            if entry in deleted:
                assert state.is_deleted("entry", entry) and view is None
                continue
            if not ops:
                assert view is None
                continue
            assert view is not None
            # Last writer wins, per field: the value of the greatest stamp.
            latest: dict[str, tuple[Hlc, Value]] = {}
            for op in ops:
                if op.kind == "set" and (op.field not in latest
                                         or op.hlc > latest[op.field][0]):
                    latest[op.field] = (op.hlc, op.value)
            assert view.fields == {name: value for name, (_, value) in latest.items()}
            # Every body edit nobody replaced is there, as the body or a kept conflict.
            edits = [op for op in ops if op.kind == "edit"]
            replaced = {parent for op in edits for parent in op.parents}
            heads = sorted((op for op in edits if op.hlc not in replaced),
                           key=lambda op: op.hlc, reverse=True)
            if not heads:
                assert "body" not in view.texts
                continue
            body = view.texts["body"]
            assert body.text == heads[0].value
            assert [v.text for v in body.conflicts] == [op.value for op in heads[1:]]


DeviceSync.TestCase.settings = settings(
    max_examples=120, stateful_step_count=40, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
TestDeviceSync = DeviceSync.TestCase
