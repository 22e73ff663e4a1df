"""The deterministic merge of device sync (docs/protocol.md §11.5).

The state is a function of the set of operations applied: any order, any number of times,
the same state. Each rule is a join that does not care about order:

- `set`: per field, the value with the greatest stamp (ties, which only a broken device
  makes, go to the greater canonical value bytes);
- `edit`: a text field is a set of versions, each naming the versions it replaces; the heads
  (versions nobody replaces) are kept, so two edits made without seeing each other stay side
  by side as a conflict instead of one silently winning;
- `delete`: a tombstone, and delete wins: the record and every operation on it, earlier or
  later, are gone (the person chose to delete forever; trashing is a field, not a delete).

Memory holds only what can still matter: a text field keeps its heads and the stamps that
versions have named as replaced (so a late copy of a replaced version stays replaced), and a
deleted record keeps only its tombstone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from sync.codec import canonical
from sync.devices.hlc import Hlc
from sync.devices.ops import Op, Value

RecordKey = tuple[str, bytes]


@dataclass(frozen=True)
class Version:
    hlc: Hlc
    text: str
    parents: tuple[Hlc, ...]

    def sort_key(self) -> tuple[Hlc, str]:
        return (self.hlc, self.text)


@dataclass(frozen=True)
class TextView:
    """A text field as the person sees it: `text` (the newest head) and, when two devices
    edited it without seeing each other, the other heads in `conflicts`, newest first."""

    text: str
    version: Hlc
    conflicts: tuple[Version, ...]
    heads: tuple[Hlc, ...]  # what an edit made now replaces (its parents): every head

    @property
    def in_conflict(self) -> bool:
        return bool(self.conflicts)


@dataclass(frozen=True)
class RecordView:
    collection: str
    target: bytes
    fields: dict[str, Value]
    texts: dict[str, TextView]


@dataclass(frozen=True)
class Outcome:
    """What applying one operation did. `unseen_dropped` are stamps of operations a delete
    removed (or an operation the delete made void) that are later than the delete, so their
    authors certainly made them without knowing of it: what the app reports, never silently
    loses. Earlier ones may have been seen by whoever deleted, so they are not reported."""

    changed: bool
    discarded: bool = False
    unseen_dropped: tuple[Hlc, ...] = ()


@dataclass
class _Register:
    hlc: Hlc
    value: Value


@dataclass
class _Text:
    heads: dict[tuple[Hlc, str], Version] = field(default_factory=dict)
    replaced: set[Hlc] = field(default_factory=set)

    def add(self, version: Version) -> bool:
        before = (set(self.heads), len(self.replaced))
        # A parent must be earlier than its child (checked when the op is made or decoded),
        # so no cycle of versions can make them hide one another.
        self.replaced.update(p for p in version.parents if p < version.hlc)
        if version.hlc not in self.replaced:
            self.heads.setdefault(version.sort_key(), version)
        for key in [key for key in self.heads if key[0] in self.replaced]:
            del self.heads[key]
        return (set(self.heads), len(self.replaced)) != before

    def view(self) -> TextView:
        ordered = sorted(self.heads.values(), key=Version.sort_key, reverse=True)
        newest = ordered[0]
        return TextView(newest.text, newest.hlc, tuple(ordered[1:]),
                        tuple(sorted({v.hlc for v in ordered})))


@dataclass
class _Record:
    registers: dict[str, _Register] = field(default_factory=dict)
    texts: dict[str, _Text] = field(default_factory=dict)

    def stamps(self) -> Iterator[Hlc]:
        for register in self.registers.values():
            yield register.hlc
        for text in self.texts.values():
            for version in text.heads.values():
                yield version.hlc


def _value_bytes(value: Value) -> bytes:
    return canonical(list(value) if isinstance(value, tuple) else value)


# Reads the operations held for some records (collection, record id), for a state that loads
# records as they are first touched.
Loader = Callable[[list[RecordKey]], Iterable[Op]]


class MergedState:
    def __init__(self, loader: Loader | None = None) -> None:
        """With a `loader`, a record's held operations are applied the first time anything
        touches it (a vault holds far more records than a round changes); `records`,
        `tombstones` and `export` then refuse, as they would see only the loaded ones."""
        self._records: dict[RecordKey, _Record] = {}
        self._tombstones: dict[RecordKey, Hlc] = {}
        self._loader = loader
        self._loaded: set[RecordKey] = set()

    def _load(self, key: RecordKey) -> None:
        if self._loader is not None and key not in self._loaded:
            self.load([key])

    def load(self, keys: Iterable[RecordKey]) -> None:
        """Load these records now, together (a batch touches many at once)."""
        if self._loader is None:
            return
        fresh = sorted(set(keys) - self._loaded)
        if fresh:
            self._loaded.update(fresh)
            for op in self._loader(fresh):
                self._apply(op)

    def _whole(self) -> None:
        if self._loader is not None:
            raise RuntimeError("a state that loads records as touched cannot list them all")

    def apply(self, op: Op) -> Outcome:
        self._load((op.collection, op.target))
        return self._apply(op)

    def _apply(self, op: Op) -> Outcome:
        key = (op.collection, op.target)
        tombstone = self._tombstones.get(key)
        if op.kind == "delete":
            return self._delete(key, op.hlc, tombstone)
        if tombstone is not None:
            unseen = (op.hlc,) if op.hlc > tombstone else ()
            return Outcome(changed=False, discarded=True, unseen_dropped=unseen)
        record = self._records.setdefault(key, _Record())
        if op.kind == "set":
            return Outcome(changed=self._set(record, op))
        text = record.texts.setdefault(op.field, _Text())
        assert isinstance(op.value, str)  # an edit's value is text (ops.check_op)
        return Outcome(changed=text.add(Version(op.hlc, op.value, op.parents)))

    @staticmethod
    def _set(record: _Record, op: Op) -> bool:
        current = record.registers.get(op.field)
        if current is not None:
            if op.hlc < current.hlc:
                return False
            if op.hlc == current.hlc and (
                    _value_bytes(op.value) <= _value_bytes(current.value)):
                return False
        record.registers[op.field] = _Register(op.hlc, op.value)
        return True

    def _delete(self, key: RecordKey, stamp: Hlc, tombstone: Hlc | None) -> Outcome:
        if tombstone is not None:
            # The earliest delete is the one remembered, whichever arrives first.
            self._tombstones[key] = min(tombstone, stamp)
            return Outcome(changed=stamp < tombstone)
        self._tombstones[key] = stamp
        record = self._records.pop(key, None)
        unseen = tuple(sorted(s for s in record.stamps() if s > stamp)) if record else ()
        return Outcome(changed=True, unseen_dropped=unseen)

    # What the app and the tests read.

    def is_deleted(self, collection: str, target: bytes) -> bool:
        self._load((collection, target))
        return (collection, target) in self._tombstones

    def record(self, collection: str, target: bytes) -> RecordView | None:
        self._load((collection, target))
        found = self._records.get((collection, target))
        if found is None:
            return None
        return RecordView(
            collection, target,
            {name: reg.value for name, reg in sorted(found.registers.items())},
            {name: text.view() for name, text in sorted(found.texts.items()) if text.heads})

    def records(self, collection: str | None = None) -> Iterator[RecordView]:
        self._whole()
        for coll, target in sorted(self._records):
            if collection is None or coll == collection:
                view = self.record(coll, target)
                assert view is not None
                yield view

    def heads(self, collection: str, target: bytes, field_name: str) -> tuple[Hlc, ...]:
        """The parents of an edit made now: every version the person sees, conflicts too."""
        self._load((collection, target))
        record = self._records.get((collection, target))
        text = record.texts.get(field_name) if record else None
        return text.view().heads if text is not None and text.heads else ()

    def tombstones(self) -> dict[RecordKey, Hlc]:
        self._whole()
        return dict(sorted(self._tombstones.items()))

    def export(self) -> dict[str, object]:
        """Everything that decides the state, in one plain comparable value: two replicas
        that hold the same operations export equal values (what the tests compare)."""
        self._whole()
        records = {}
        for key, record in sorted(self._records.items()):
            records[key] = (
                {name: (reg.hlc, reg.value) for name, reg in sorted(record.registers.items())},
                {name: (sorted(text.heads.values(), key=Version.sort_key),
                        sorted(text.replaced))
                 for name, text in sorted(record.texts.items())})
        return {"records": records, "tombstones": self.tombstones()}
