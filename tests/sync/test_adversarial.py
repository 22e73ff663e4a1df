"""The circle against a hostile storage: a hypothesis state machine in which three honest
members post and sync while an adversary who controls the storage (and knows the circle's name
key, the strongest storage adversary there is) drops, hides and restores, duplicates, replays,
rolls back, forks, flips bits, truncates and injects objects, including messages signed by a
removed member and by a stranger.

Invariants: no forged or tampered message is ever accepted (every item in every vault is one
an honest member really sent, under the right sender); once the adversary restores every honest
object and everyone syncs twice, every honest item is everywhere exactly once; rollback and
forks are detected and reported. Deterministic tests below cover the split-view fork that only
checkpoints can reveal.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from sync.content import encode_body
from sync.crypto import SeededRandomness
from sync.envelope import Header
from sync.identity import Identity
from sync.state import ZERO_CHAIN
from tests.sync.memory import MemoryTransport
from tests.sync.protocol_helpers import Circle, Draft, honest_draft

HONEST = ("Ann", "Bob", "Cat")
MALLORY = Identity.generate(SeededRandomness(b"mallory"))
MAX_ROUNDS_AFTER_RESTORE = 2


class AdversarialStore(MemoryTransport):
    """A MemoryTransport that remembers every object honest engines wrote, so the adversary
    can tamper freely and still put the honest state back at the end."""

    def __init__(self) -> None:
        super().__init__()
        self.honest: dict[str, bytes] = {}

    def write_once(self, name: str, data: bytes) -> bool:
        assert self.honest.setdefault(name, data) == data, "an honest member equivocated"
        return super().write_once(name, data)

    def replace_all(self, objects: dict[str, bytes]) -> None:
        self.objects.clear()
        self.objects.update(objects)


class AdversarialStorage(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.store = AdversarialStore()
        self.circle = Circle(("Ann", "Bob", "Cat", "Eve"), store=self.store, seed=b"adv", version=1)
        self.posted: set[tuple[bytes, str]] = set()
        self.count = 0
        self.post("Eve")
        self.circle.sync("Eve")
        self.circle.sync_all(1)
        self.circle.remove("Ann", "Eve")
        self.circle.sync_all()
        assert self.circle.row("Eve").status == "removed"
        assert self.circle.roster("Ann").members[self.circle.id_of("Eve")].last_seq == 1
        self.eve = self.circle.identity("Eve")
        self.hidden: dict[str, bytes] = {}
        self.snapshots: list[dict[str, bytes]] = []

    # -- honest members -------------------------------------------------------------------------

    def post(self, name: str) -> None:
        self.count += 1
        token = f"{name}-{self.count}"
        self.posted.add((self.circle.id_of(name), token))
        self.circle.post(name, data={"title": token, "body": token})

    @rule(member=st.sampled_from(HONEST))
    def post_something(self, member: str) -> None:
        self.post(member)

    @rule(member=st.sampled_from(HONEST))
    def sync(self, member: str) -> None:
        self.circle.sync(member)  # never raises, whatever the storage holds

    # -- the adversary ------------------------------------------------------------------------

    def _existing(self, data: st.DataObject) -> str:
        return data.draw(st.sampled_from(sorted(self.store.objects)))

    def _slot(self, data: st.DataObject, member: str | None = None) -> tuple[str, int]:
        """A name some member will read soon: their next or next-but-one message."""
        member = member or data.draw(st.sampled_from((*HONEST, "Eve")))
        chain = self.circle.engines[member].state.chains(self.circle.id).get(
            self.circle.id_of(member), ZERO_CHAIN)
        return member, chain.seq + data.draw(st.integers(1, 2))

    @precondition(lambda self: bool(self.store.objects))
    @rule(data=st.data())
    def drop(self, data: st.DataObject) -> None:
        name = self._existing(data)
        self.hidden[name] = self.store.objects.pop(name)

    @rule()
    def restore_hidden(self) -> None:
        for name, raw in self.hidden.items():
            self.store.objects.setdefault(name, raw)
        self.hidden.clear()

    @precondition(lambda self: bool(self.store.objects))
    @rule(data=st.data())
    def duplicate_or_replay(self, data: st.DataObject) -> None:
        raw = self.store.objects[self._existing(data)]
        member, seq = self._slot(data)
        self.store.objects.setdefault(self.circle.name_for(member, seq), raw)

    @rule()
    def snapshot(self) -> None:
        self.snapshots.append(dict(self.store.objects))

    @precondition(lambda self: bool(self.snapshots))
    @rule(data=st.data())
    def roll_back(self, data: st.DataObject) -> None:
        self.store.replace_all(data.draw(st.sampled_from(self.snapshots)))

    @precondition(lambda self: bool(self.store.objects))
    @rule(data=st.data())
    def flip_a_bit(self, data: st.DataObject) -> None:
        name = self._existing(data)
        raw = bytearray(self.store.objects[name])
        if not raw:
            return
        bit = data.draw(st.integers(0, len(raw) * 8 - 1))
        raw[bit // 8] ^= 1 << (bit % 8)
        self.store.objects[name] = bytes(raw)

    @precondition(lambda self: bool(self.store.objects))
    @rule(data=st.data())
    def truncate(self, data: st.DataObject) -> None:
        name = self._existing(data)
        raw = self.store.objects[name]
        if raw:
            self.store.objects[name] = raw[:data.draw(st.integers(0, len(raw) - 1))]

    @rule(data=st.data(), junk=st.binary(max_size=300), looks_right=st.booleans())
    def inject_random_bytes(self, data: st.DataObject, junk: bytes, looks_right: bool) -> None:
        member, seq = self._slot(data)
        self.store.objects.setdefault(self.circle.name_for(member, seq),
                                      (b"CMP1\x01" if looks_right else b"") + junk)

    def _forgery(self, signer: Identity, member: str, seq: int, epoch_key: bytes | None) -> bytes:
        """A message at `member`'s slot `seq` that is right in every way but its author."""
        draft = honest_draft(self.circle, "Ann", data={"title": "FORGED", "body": "FORGED"})
        chain = self.circle.engines["Ann"].state.chains(self.circle.id).get(
            self.circle.id_of(member), ZERO_CHAIN)
        header = replace(draft.header, sender=self.circle.id_of(member), seq=seq,
                         index=chain.index + 1 if chain.epoch == draft.header.epoch else 0,
                         prev_hash=chain.hash)
        return replace(draft, signing_private=signer.signing_private, header=header,
                       epoch_key=epoch_key or draft.epoch_key).seal()

    @rule(data=st.data(), signer=st.sampled_from(("mallory", "eve")))
    def inject_forged_message(self, data: st.DataObject, signer: str) -> None:
        member, seq = self._slot(data)
        identity = MALLORY if signer == "mallory" else self.eve
        self.store.objects.setdefault(self.circle.name_for(member, seq),
                                      self._forgery(identity, member, seq, None))

    @rule(data=st.data())
    def eve_writes_after_removal(self, data: st.DataObject) -> None:
        """Eve still holds her keys, the old epoch key and the name key."""
        engine = self.circle.engines["Eve"]
        chain = engine.state.chains(self.circle.id)[self.circle.id_of("Eve")]
        key = engine.state.epoch_keys(self.circle.id)[chain.epoch]
        seq = chain.seq + data.draw(st.integers(1, 2))
        header = Header(self.circle.id, chain.epoch, self.circle.id_of("Eve"), seq,
                        chain.index + 1, chain.hash, bytes(12), 0)
        body = encode_body("note", 1, {}, {"title": "FORGED", "body": "by Eve"})
        raw = Draft(self.eve.signing_private, key, header, body, False).seal()
        self.store.objects.setdefault(self.circle.name_for("Eve", seq), raw)

    # -- detection ------------------------------------------------------------------------------

    @rule(member=st.sampled_from(HONEST))
    def rollback_is_detected(self, member: str) -> None:
        before = dict(self.store.objects)
        self.post(member)
        if self.circle.sync(member).sent == 0:
            return  # its slot was taken by the adversary: nothing to roll back
        self.store.replace_all(before)
        report = self.circle.sync(member)
        assert any("rolled back" in p for p in report.problems), report
        assert "rollback" in {kind for kind, _ in self.circle.events(member)}

    @rule(member=st.sampled_from(HONEST), data=st.data())
    def fork_is_detected(self, member: str, data: st.DataObject) -> None:
        _, seq = self._slot(data, member)
        name = self.circle.name_for(member, seq)
        if seq != self._slot_base(member) + 1 or name in self.store.objects:
            return
        self.store.objects[name] = self._forgery(MALLORY, member, seq, None)
        self.post(member)
        report = self.circle.sync(member)
        assert any("fork" in p for p in report.problems), report
        assert ("fork", "own message displaced") in self.circle.events(member)

    def _slot_base(self, member: str) -> int:
        return self.circle.engines[member].state.chains(self.circle.id).get(
            self.circle.id_of(member), ZERO_CHAIN).seq

    # -- invariants -----------------------------------------------------------------------------

    def _tokens(self, member: str) -> list[tuple[bytes, str]]:
        """(sender, token) of each item; an item that is not exactly a post as sent fails."""
        out = []
        for sender, _seq, type_, data, state in self.circle.items(member):
            value = json.loads(data)
            assert (type_, state, value) == ("note", "shown", {"title": value["title"],
                                                               "body": value["title"]}), value
            out.append((sender, value["title"]))
        return out

    @invariant()
    def nothing_forged_or_tampered_is_accepted(self) -> None:
        for member in HONEST:
            for item in self._tokens(member):
                assert item in self.posted, (member, item)

    def teardown(self) -> None:
        """The adversary gives everything back; everyone syncs twice; then all agree and hold
        each honest item exactly once."""
        self.store.replace_all(self.store.honest)
        for _ in range(MAX_ROUNDS_AFTER_RESTORE):
            applied = sum(self.circle.sync(member).applied for member in self.circle.engines)
            if not applied:
                break
        for member in HONEST:
            tokens = Counter(self._tokens(member))
            assert set(tokens) == self.posted, (member, self.posted - set(tokens))
            assert max(tokens.values()) == 1, member
        self.nothing_forged_or_tampered_is_accepted()


AdversarialStorage.TestCase.settings = settings(
    max_examples=40, stateful_step_count=30, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
TestAdversarialStorage = AdversarialStorage.TestCase


# -- a split view: only checkpoints reveal it -----------------------------------------------


class SplitView(MemoryTransport):
    """What one member sees: the shared objects, except where the adversary shows otherwise."""

    def __init__(self, shared: MemoryTransport, overlay: dict[str, bytes | None]) -> None:
        super().__init__(shared.objects)
        self.overlay = overlay

    def read(self, name: str) -> bytes | None:
        if name in self.overlay:
            self._requests += 1
            return self.overlay[name]
        return super().read(name)


def test_a_fork_shown_to_one_member_is_detected_through_checkpoints() -> None:
    """Bob (malicious, with his real keys) writes one message for the storage and a different
    one at the same place for Ann alone. Ann accepts hers; when Cat's next message says which
    message Cat saw at that place, Ann reports the fork."""
    circle = Circle(("Ann", "Bob", "Cat"), version=1)
    honest = honest_draft(circle, "Bob", data={"title": "one", "body": "for Cat"})
    other = replace(honest, body=honest_draft(circle, "Bob", data={"title": "two",
                                                                   "body": "for Ann"}).body)
    name = circle.name_for("Bob", honest.header.seq)
    circle.store.objects[name] = honest.seal()
    ann_view = SplitView(circle.store, {name: other.seal()})
    assert circle.sync("Ann", ann_view).applied == 1
    circle.sync("Cat")
    circle.post("Cat")
    circle.sync("Cat")
    report = circle.sync("Ann", ann_view)
    assert any("fork" in p for p in report.problems), report
    assert ("fork", "a member saw a different message at the same place in a chain (fork)") in \
        circle.events("Ann")


def test_withheld_messages_are_reported_as_expected() -> None:
    """The storage hides Bob's post from Ann only; Cat's checkpoint tells Ann it exists."""
    circle = Circle(("Ann", "Bob", "Cat"), version=1)
    circle.post("Bob")
    circle.sync("Bob")
    name = circle.name_for("Bob", honest_draft(circle, "Bob").header.seq - 1)
    hidden = SplitView(circle.store, {name: None})
    circle.sync("Cat")
    circle.post("Cat")
    circle.sync("Cat")
    report = circle.sync("Ann", hidden)
    assert any("not on this storage yet" in p for p in report.problems), report
    assert circle.sync("Ann").applied == 1  # shown the real storage, Ann catches up


def test_tampered_messages_beyond_a_gap_heal_in_two_rounds() -> None:
    circle = Circle(("Ann", "Bob"), version=1)
    for n in range(3):
        circle.post("Bob", data={"title": f"post {n}", "body": "b"})
    circle.sync("Bob")
    names = [circle.name_for("Bob", seq) for seq in (1, 2, 3)]
    good = {name: circle.store.objects[name] for name in names}
    for name in names:
        circle.store.objects[name] = good[name][:200] + bytes([good[name][200] ^ 1]) + \
            good[name][201:]
    assert circle.sync("Ann").rejected == {"bad signature on message": 1}
    circle.store.objects.update(good)
    circle.sync("Ann")
    circle.sync("Ann")
    assert len(circle.items("Ann")) == 3
