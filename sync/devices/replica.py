"""One device's side of device sync: its clock, its merged state, the operations it makes and
the batches it takes in (docs/protocol.md §11.3–11.5). Still no I/O: the caller keeps the
operations this returns in its outbox and the vault, and hands in what the storage brought.

Receiving updates the clock before merging, so that whatever the person does next is stamped
after everything this device has seen: that is what makes "last writer wins" mean the last
one who saw the others, not the one whose computer's clock runs ahead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sync.devices.hlc import Clock, Hlc
from sync.devices.merge import MergedState
from sync.devices.ops import Op, Value


class RecordDeleted(Exception):
    """The record was deleted forever (here or on another device): nothing can change it."""


@dataclass
class ReceiveReport:
    applied: int = 0  # operations that changed the state
    unchanged: int = 0  # duplicates, and values a later one had already replaced
    discarded: int = 0  # operations on records deleted forever
    # This device's own operations that a delete from elsewhere made void, although they
    # were made after it (so certainly without knowing of it): the app says so.
    own_dropped: list[Hlc] = field(default_factory=list)


class Replica:
    def __init__(self, clock: Clock, state: MergedState | None = None) -> None:
        self.clock = clock
        self.state = state if state is not None else MergedState()

    @property
    def device(self) -> bytes:
        return self.clock.device

    def _local(self, op: Op) -> Op:
        outcome = self.state.apply(op)
        assert not outcome.discarded  # _require_live ran first
        return op

    def _require_live(self, collection: str, target: bytes) -> None:
        if self.state.is_deleted(collection, target):
            raise RecordDeleted(collection)

    def set(self, collection: str, target: bytes, field_name: str, value: Value) -> Op:
        """Set one field (last writer wins); returns the operation to send."""
        self._require_live(collection, target)
        return self._local(Op("set", collection, target, self.clock.tick(), field_name, value))

    def edit(self, collection: str, target: bytes, field_name: str, text: str,
             parents: tuple[Hlc, ...] | None = None) -> Op:
        """Replace a text field. By default the new version replaces every version shown now,
        conflicts included: saving after seeing a conflict is what resolves it. A vault that
        merged other devices' versions since the person began passes the versions the person
        saw as `parents`, so that an edit neither saw stays beside it as a conflict."""
        self._require_live(collection, target)
        if parents is None:
            parents = self.state.heads(collection, target, field_name)
        return self._local(Op("edit", collection, target, self.clock.tick(), field_name, text,
                              parents))

    def delete(self, collection: str, target: bytes) -> Op:
        """Delete forever: a tombstone that wins over every operation on the record."""
        op = Op("delete", collection, target, self.clock.tick())
        self.state.apply(op)
        return op

    def receive(self, ops: Iterable[Op]) -> ReceiveReport:
        """Merge operations from other devices (or this one's, again: harmless). The whole
        batch is checked against the skew bound before anything is applied, so a refused
        batch (`ClockAhead`) leaves no trace and can be tried again later."""
        ops = list(ops)
        if not ops:
            return ReceiveReport()
        # Taking in the newest stamp is enough: the clock then sorts after every one of them
        # (one reading of the computer's clock per batch, not three per operation).
        newest = max(op.hlc for op in ops)
        self.clock.check(newest)
        report = ReceiveReport()
        self.state.load({(op.collection, op.target) for op in ops})
        for op in ops:
            outcome = self.state.apply(op)
            if outcome.discarded:
                report.discarded += 1
            elif outcome.changed:
                report.applied += 1
            else:
                report.unchanged += 1
            report.own_dropped.extend(s for s in outcome.unseen_dropped
                                      if s.device == self.device and op.device != self.device)
        self.clock.receive(newest)
        return report
