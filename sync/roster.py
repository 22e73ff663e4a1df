"""The roster: a signed, hash-chained log of membership operations, folded the same way
everywhere.

Each operation is signed by its author and names the hashes of the operations its author had
seen (its parents), which makes the log a hash-linked graph. Every member orders the operations
it holds by (Lamport number, hash) — a topological order that does not depend on arrival — and
folds them through the rules below, so members holding the same operations agree on the roster,
however concurrent the changes were. Invalid operations (an author who is not an admin at that
point, say) are skipped identically everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sync.codec import Reader, canonical, parse_object
from sync.crypto import (
    Randomness,
    Rejected,
    b64,
    sha256,
    sign,
    unwrap_key,
    verify,
    wrap_key,
)
from sync.identity import MEMBER_ID_BYTES, Identity, PublicIdentity

ACTIONS = ("create", "add", "remove", "promote", "rotate", "leave")
EPOCH_ACTIONS = ("create", "add", "remove", "rotate")
MAX_NAME = 40
MAX_MEMBERS = 32
MAX_PARENTS = 16
MAX_OP_BYTES = 32_000
PAST_CUTOFF = "sent after the sender was removed or left"
VOID_EPOCH = "sent in an epoch whose roster change was refused (not shown)"


@dataclass(frozen=True)
class SignedOp:
    body: bytes  # canonical JSON, exactly as signed
    signature: bytes

    @property
    def hash(self) -> bytes:
        return sha256(b"companion roster op v1", self.body)

    def to_json(self) -> dict[str, str]:
        return {"op": b64(self.body), "sig": b64(self.signature)}

    @classmethod
    def from_json(cls, value: object) -> SignedOp:
        reader = Reader(value, "roster op")
        reader.only("op", "sig")
        body = reader.raw("op")
        if len(body) > MAX_OP_BYTES:
            raise Rejected("roster op too large")
        return cls(body, reader.raw("sig", 64))


@dataclass(frozen=True)
class Op:
    """A parsed operation (its signature not yet checked against the roster)."""

    signed: SignedOp
    circle: bytes
    author: bytes
    lamport: int
    parents: tuple[bytes, ...]
    action: str
    at: int
    member: PublicIdentity | None = None
    member_name: str = ""
    target: bytes = b""
    cutoff: int = 0
    replaces: bytes = b""
    epoch_id: bytes = b""
    wraps: dict[bytes, bytes] = field(default_factory=dict)
    circle_name: str = ""
    epoch_version: int = 1  # the envelope (and names) its epoch's messages use

    @property
    def hash(self) -> bytes:
        return self.signed.hash


def parse_op(signed: SignedOp) -> Op:
    r = Reader(parse_object(signed.body, "roster op"), "roster op")
    r.only("v", "circle", "author", "lamport", "parents", "action", "at", "member", "target",
           "cutoff", "replaces", "epoch", "circle_name")
    if r.require_int("v", 1, 1) != 1:
        raise Rejected("roster op version")
    parents = tuple(Reader({"p": p}, "roster op parent").raw("p", 32)
                    for p in r.items("parents", max_items=MAX_PARENTS))
    if list(parents) != sorted(set(parents)):
        raise Rejected("roster op parents not sorted")
    action = r.choice("action", ACTIONS)
    member, name = None, ""
    m = r.child("member", optional=True)
    if m is not None:
        m.only("sign", "agree", "name")
        member = PublicIdentity(m.raw("sign", 32), m.raw("agree", 32))
        name = m.name("name", max_len=MAX_NAME)
    epoch_id, wraps, epoch_version = b"", {}, 1
    e = r.child("epoch", optional=True)
    if e is not None:
        e.only("id", "wraps", "v")
        epoch_id = e.raw("id", 16)
        epoch_version = e.integer("v", 2, 2, optional=True) or 1
        w = e.child("wraps")
        assert w is not None
        if len(w.value) > MAX_MEMBERS:
            raise Rejected("roster op wraps too many keys")
        for key in w.value:
            # The reason names no peer-chosen text (the key), so rejections count as one.
            wraps[Reader({"k": key}, "wrap").raw("k", MEMBER_ID_BYTES)] = Reader(
                {"wrap": w.value[key]}, "roster op").raw("wrap", 80)
    op = Op(signed=signed, circle=r.raw("circle", 16), author=r.raw("author", MEMBER_ID_BYTES),
            lamport=r.require_int("lamport", 1, 2**40), parents=parents, action=action,
            at=r.require_int("at", 0, 2**40), member=member, member_name=name,
            target=r.raw("target", MEMBER_ID_BYTES, optional=True),
            cutoff=r.integer("cutoff", 0, 2**40, optional=True) or 0,
            replaces=r.raw("replaces", MEMBER_ID_BYTES, optional=True),
            epoch_id=epoch_id, wraps=wraps,
            circle_name=r.text("circle_name", max_len=80, optional=True),
            epoch_version=epoch_version)
    needs_member = action in ("create", "add")
    if needs_member != (member is not None) or (action in EPOCH_ACTIONS) != bool(epoch_id):
        raise Rejected("roster op fields do not fit its action")
    if action in ("remove", "promote") and not op.target:
        raise Rejected("roster op lacks its target")
    if action == "leave" and op.cutoff < 1:  # a leave travels in a message: it names it
        raise Rejected("leave without its last message")
    if action == "create" and (parents or op.lamport != 1):
        raise Rejected("create op with parents")
    if action != "create" and not parents:
        raise Rejected("roster op without parents")
    return op


def make_op(author: Identity, circle: bytes, action: str, *, parents: Iterable[bytes],
            lamport: int, at: int, rng: Randomness, wrap_to: Iterable[PublicIdentity] = (),
            epoch_key: bytes | None = None, member: PublicIdentity | None = None,
            member_name: str = "", target: bytes = b"", cutoff: int = 0,
            replaces: bytes = b"", circle_name: str = "",
            epoch_version: int = 1,
            receiving: Mapping[bytes, bytes] | None = None) -> tuple[SignedOp, bytes | None]:
    """Build and sign an operation. For the epoch-starting actions, a fresh epoch key (or the
    given one) is wrapped to each member of `wrap_to`: to the receiving key that member last
    announced (`receiving`, by member id; sync/forward_secrecy.py), else to their identity's
    agreement key. The key is returned with the operation."""
    receiving = receiving or {}
    body: dict[str, object] = {
        "v": 1, "circle": b64(circle), "author": b64(author.public.member_id),
        "lamport": lamport, "parents": [b64(p) for p in sorted(set(parents))],
        "action": action, "at": at}
    if member is not None:
        body["member"] = {**member.to_json(), "name": member_name}
    if target:
        body["target"] = b64(target)
    if action in ("remove", "leave"):
        body["cutoff"] = cutoff
    if replaces:
        body["replaces"] = b64(replaces)
    if circle_name:
        body["circle_name"] = circle_name
    key = None
    if action in EPOCH_ACTIONS:
        key = epoch_key or rng.token(32)
        epoch_id = rng.token(16)
        epoch: dict[str, object] = {"id": b64(epoch_id), "wraps": {
            b64(p.member_id): b64(wrap_key(key, receiving.get(p.member_id, p.agreement),
                                           wrap_aad(circle, epoch_id, p.member_id), rng))
            for p in wrap_to}}
        if epoch_version > 1:
            epoch["v"] = epoch_version
        body["epoch"] = epoch
    data = canonical(body)
    return SignedOp(data, sign(author.signing_private, data)), key


def wrap_aad(circle: bytes, epoch_id: bytes, member_id: bytes) -> bytes:
    return b"companion epoch key v1" + circle + epoch_id + member_id


def open_epoch_key(op: Op, me: Identity, receiving: Sequence[bytes] = ()) -> bytes | None:
    """The epoch key wrapped to this device, or None if it is not a reader. It is tried with
    each receiving private key this device still holds (`receiving`, newest first), then with
    the identity's agreement key; Rejected if none opens it."""
    return open_epoch_key_with(op, me, receiving)[0]


def open_epoch_key_with(op: Op, me: Identity,
                        receiving: Sequence[bytes] = ()) -> tuple[bytes | None, int]:
    """(key, which of `receiving` opened it; -1 for the identity's agreement key)."""
    wrapped = op.wraps.get(me.public.member_id)
    if wrapped is None:
        return None, -1
    aad = wrap_aad(op.circle, op.epoch_id, me.public.member_id)
    for number, private in enumerate(receiving):
        try:
            return unwrap_key(wrapped, private, aad), number
        except Rejected:
            continue
    return unwrap_key(wrapped, me.agreement_private, aad), -1


@dataclass
class FoldCache:
    """What does not change between folds of a growing set of operations: each operation's
    parse and its signature check. A sync round folds many times while operations trickle in;
    with this, each operation is parsed and verified once (issue: 6,400 junk operations from
    one member made a round take minutes)."""

    # Keyed by hash and signature: two copies of one body with different signatures are two
    # operations until the fold knows which one verifies.
    parsed: dict[tuple[bytes, bytes], Op | str] = field(default_factory=dict)
    verified: dict[tuple[bytes, bytes], bool] = field(default_factory=dict)
    by_hash: dict[bytes, Op] = field(default_factory=dict)

    def parse(self, signed: SignedOp) -> Op | str:
        slot = (signed.hash, signed.signature)
        found = self.parsed.get(slot)
        if found is None:
            try:
                found = parse_op(signed)
            except Rejected as exc:
                found = exc.reason
            if len(self.parsed) >= 200_000:  # a bound, not a working size (MAX_OPS_PER_EPOCH)
                self.parsed.clear()
                self.by_hash.clear()
            self.parsed[slot] = found
            if isinstance(found, Op):
                self.by_hash[signed.hash] = found
        return found

    def parse_known(self, op_hash: bytes) -> Op | None:
        return self.by_hash.get(op_hash)

    def signature_holds(self, key: bytes, signed: SignedOp) -> bool:
        # Keyed by the signature too: the op hash covers the body only.
        slot = (key + signed.signature, signed.hash)
        found = self.verified.get(slot)
        if found is None:
            try:
                verify(key, signed.signature, signed.body)
                found = True
            except Rejected:
                found = False
            if len(self.verified) >= 200_000:
                self.verified.clear()
            self.verified[slot] = found
        return found


@dataclass
class Member:
    id: bytes
    public: PublicIdentity
    name: str
    admin: bool
    added_order: int
    active: bool = True
    last_seq: int | None = None  # set when removed or left: their later messages are refused
    replaced: bytes = b""  # the member id whose keys these replace (a key change)
    removed_by: bytes = b""  # the removal that made them inactive
    was_admin: bool = False  # an admin until that removal
    admin_since: int = -1  # when they became an admin, in fold order: lower is senior


@dataclass(frozen=True)
class Epoch:
    id: bytes
    members: frozenset[bytes]
    order: int
    op: Op

    @property
    def version(self) -> int:
        return self.op.epoch_version


@dataclass
class Roster:
    circle: bytes
    name: str = ""
    members: dict[bytes, Member] = field(default_factory=dict)
    epochs: dict[bytes, Epoch] = field(default_factory=dict)
    applied: list[Op] = field(default_factory=list)
    invalid: list[tuple[bytes, str]] = field(default_factory=list)
    waiting: list[Op] = field(default_factory=list)  # parents not all known yet
    key_changes: list[tuple[bytes, bytes]] = field(default_factory=list)
    lamports: dict[bytes, int] = field(default_factory=dict)  # applied op hash -> Lamport
    op_counts: dict[tuple[bytes, int], int] = field(default_factory=dict)
    cache: FoldCache = field(default_factory=FoldCache)
    # Epochs started by operations the fold refused (a concurrent change won): messages
    # already sealed in them are authentic links in their senders' chains, never readable.
    void_epochs: dict[bytes, Op] = field(default_factory=dict)
    admins_made: int = 0
    forged: set[bytes] = field(default_factory=set)  # refused before their signature held

    def active(self) -> frozenset[bytes]:
        return frozenset(m.id for m in self.members.values() if m.active)

    def admins(self) -> frozenset[bytes]:
        return frozenset(m.id for m in self.members.values() if m.active and m.admin)

    def heads(self) -> tuple[bytes, ...]:
        referenced = {p for op in self.applied for p in op.parents}  # one pass: linear
        return tuple(sorted(op.hash for op in self.applied if op.hash not in referenced))

    def version(self) -> int:
        """The protocol version of the newest epoch: new epochs keep it (a circle of version
        1 moves to 2 only when an admin upgrades it, and never back)."""
        if not self.epochs:
            return 1
        return max(self.epochs.values(), key=lambda e: e.order).version

    def next_lamport(self) -> int:
        return 1 + max(self.lamports.values(), default=0)

    def send_epoch(self, me: bytes) -> Epoch | None:
        """The newest epoch whose readers are all still members and include `me`."""
        active = self.active()
        for epoch in sorted(self.epochs.values(), key=lambda e: -e.order):
            if me in epoch.members and epoch.members <= active:
                return epoch
        return None

    def newest_epoch_of(self, member: bytes) -> Epoch | None:
        mine = [e for e in self.epochs.values() if member in e.members]
        return max(mine, key=lambda e: e.order) if mine else None

    def roster_epoch_of(self, member: bytes) -> Epoch | None:
        """Where `member` sends a roster change: the newest epoch of theirs that every current
        member can read (after concurrent changes, one that a removed member can read too —
        it learns of the change, not a key), else their newest."""
        active = self.active()
        readable = [e for e in self.epochs.values() if member in e.members
                    and active <= e.members]
        if readable:
            return max(readable, key=lambda e: e.order)
        return self.newest_epoch_of(member)

    def needs_rotation(self) -> bool:
        """True when the newest epoch's readers differ from the members (a leave, or
        concurrent changes): an admin then starts a new epoch for exactly the members."""
        if not self.epochs:
            return False
        newest = max(self.epochs.values(), key=lambda e: e.order)
        return newest.members != self.active()

    def may_send(self, member: bytes, epoch_id: bytes, seq: int) -> str | None:
        """None if `member` may have sent message `seq` in `epoch_id`, else the reason."""
        epoch = self.epochs.get(epoch_id)
        if epoch is None:
            void = self.void_epochs.get(epoch_id)
            if void is not None and member in void.wraps:
                return VOID_EPOCH
            return "unknown epoch"
        if member not in epoch.members:
            return "sender is not a member of that epoch"
        info = self.members.get(member)
        if info is None:
            return "unknown sender"
        if info.last_seq is not None and seq > info.last_seq:
            return PAST_CUTOFF
        return None


def concurrent_ops(roster: Roster) -> list[SignedOp]:
    """Operations that some current member may never have received: those neither before nor
    after the operation that added that member (concurrent with it). They were sealed in epochs
    the member may not read and were not in its welcome, so roster messages carry them.

    Linear in the number of operations for each current member's admission: one walk up (its
    ancestors) and one walk down (its descendants)."""
    by_hash = {op.hash: op for op in roster.applied}
    children: dict[bytes, list[bytes]] = {}
    for op in roster.applied:
        for parent in op.parents:
            children.setdefault(parent, []).append(op.hash)

    def reach(start: bytes, step: Callable[[bytes], Iterable[bytes]]) -> set[bytes]:
        seen = {start}
        stack = [start]
        while stack:
            for nxt in step(stack.pop()):
                if nxt in by_hash and nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return seen

    active = roster.active()
    carried: set[bytes] = set()
    for op in roster.applied:
        if op.action != "add" or op.member is None or op.member.member_id not in active:
            continue
        related = (reach(op.hash, lambda h: by_hash[h].parents)
                   | reach(op.hash, lambda h: children.get(h, ())))
        carried.update(h for h in by_hash if h not in related)
    return [by_hash[h].signed for h in sorted(carried)]


def fold(circle: bytes, genesis: bytes, ops: Iterable[SignedOp],
         cache: FoldCache | None = None) -> Roster:
    """The roster from a set of operations. `genesis` is the hash of the circle's creating
    operation, pinned when this device created or joined the circle. Linear in the number of
    operations (apart from sorting them) for each removal that changes the outcome.

    **A removal wins over what its target did concurrently.** Any operation by a removed member
    that the removal did not know of (it is not among the removal's ancestors) is refused,
    whatever the two sort as, so a removed member cannot undo their removal with a change
    claimed to be older. Two admins removing each other: the senior admin's removal stands
    (who became an admin first), so neither can win by choosing its hash. Which removals stand
    depends on what is refused, so the fold is repeated until that set stops changing.
    """
    cache = cache if cache is not None else FoldCache()
    parsed: dict[bytes, Op] = {}
    unparsable: list[tuple[bytes, str]] = []
    for signed in ops:
        op = cache.parse(signed)
        if isinstance(op, str):
            unparsable.append((signed.hash, op))
        else:
            parsed[op.hash] = op
    complete, waiting = _complete(parsed)
    ordered = sorted(complete.values(), key=lambda o: (o.lamport, o.hash))
    walk = _Ancestry(complete)
    removals: frozenset[bytes] = frozenset()
    seniority: dict[bytes, int] = {}
    for _ in range(MAX_MEMBERS + 2):  # each round settles removals; bounded all the same
        roster = _fold_once(circle, genesis, ordered, cache, removals, walk, seniority)
        standing = frozenset(op.hash for op in roster.applied if op.action == "remove")
        if standing == removals:
            break
        removals = standing
        seniority = {m.id: m.admin_since for m in roster.members.values()
                     if m.admin_since >= 0}
    roster.invalid[:0] = unparsable
    roster.waiting = waiting
    return roster


def _complete(parsed: dict[bytes, Op]) -> tuple[dict[bytes, Op], list[Op]]:
    """Only operations whose whole past is known take part, so every member folds the same
    set. Kahn's walk: an operation becomes complete when its last parent does (a parent that is
    not here never does, so neither do its descendants)."""
    waiting_on: dict[bytes, list[bytes]] = {}
    for h, op in parsed.items():
        for parent in op.parents:
            waiting_on.setdefault(parent, []).append(h)
    ready = [h for h, op in parsed.items() if not op.parents]
    complete: dict[bytes, Op] = {}
    remaining = {h: len(op.parents) for h, op in parsed.items()}
    while ready:
        h = ready.pop()
        complete[h] = parsed[h]
        for child in waiting_on.get(h, ()):
            remaining[child] -= 1
            if remaining[child] == 0:
                ready.append(child)
    return complete, [op for h, op in parsed.items() if h not in complete]


class _Ancestry:
    """Which operations come before or after a given one (each walked once per operation
    asked about: only removals are)."""

    def __init__(self, ops: dict[bytes, Op]) -> None:
        self._parents = {op.hash: op.parents for op in ops.values()}
        self._lamports = {op.hash: op.lamport for op in ops.values()}
        self._children: dict[bytes, list[bytes]] = {}
        for op in ops.values():
            for parent in op.parents:
                self._children.setdefault(parent, []).append(op.hash)
        self._memo: dict[tuple[bytes, bool], frozenset[bytes]] = {}

    def _reach(self, h: bytes, up: bool) -> frozenset[bytes]:
        found = self._memo.get((h, up))
        if found is None:
            seen: set[bytes] = set()
            stack = [h]
            while stack:
                nxt = stack.pop()
                for step in (self._parents.get(nxt, ()) if up else self._children.get(nxt, ())):
                    if step not in seen:
                        seen.add(step)
                        stack.append(step)
            found = self._memo[(h, up)] = frozenset(seen)
        return found

    def lamport(self, h: bytes) -> int:
        return self._lamports[h]

    def ancestors(self, h: bytes) -> frozenset[bytes]:
        return self._reach(h, True)

    def descendants(self, h: bytes) -> frozenset[bytes]:
        return self._reach(h, False)


def _fold_once(circle: bytes, genesis: bytes, ordered: list[Op], cache: FoldCache,
               removals: frozenset[bytes], walk: _Ancestry,
               seniority: dict[bytes, int]) -> Roster:
    """One fold, refusing what the standing `removals` (of the previous fold, whose admins'
    `seniority` it also gives) did not know of."""
    roster = Roster(circle)
    roster.cache = cache
    # Each member removed by a standing removal, and the operations that knew of it.
    by_hash = {op.hash: op for op in ordered}
    # A standing removal whose author a senior admin removed meanwhile counts for nothing
    # here (its own operation is refused below): two admins removing each other must not
    # also cancel what each did before.
    beaten = {h for h in removals for other in removals
              if by_hash[other].target == by_hash[h].author
              and h not in walk.ancestors(other)
              and seniority.get(by_hash[other].author, 2**31)
              < seniority.get(by_hash[h].author, 2**31)}
    removed_by: dict[bytes, list[bytes]] = {}
    for h in removals - beaten:
        removed_by.setdefault(by_hash[h].target, []).append(h)
    for op in ordered:
        reason = None
        # What a standing removal knew of (its ancestors) stands; what came after it is refused
        # below anyway (the author is no longer a member); what was concurrent is refused
        # here, except the senior admin's removal of the one who removed them.
        if any(op.hash not in walk.ancestors(r)
               and not _counter_removal(op, by_hash[r].author, seniority)
               for r in removed_by.get(op.author, ())):
            reason = "author is no longer a member"
        else:
            reason = _apply(roster, op, genesis, walk)
        if reason:
            roster.invalid.append((op.hash, reason))
            if not _authentic_member_op(roster, op):
                roster.forged.add(op.hash)
            elif op.epoch_id and op.epoch_id not in roster.epochs:
                roster.void_epochs.setdefault(op.epoch_id, op)
        else:
            roster.applied.append(op)
            roster.lamports[op.hash] = op.lamport
    return roster


def _authentic_member_op(roster: Roster, op: Op) -> bool:
    """Signed by someone who was a member, for this circle: only such an operation's epoch can
    hold messages that are links in an honest chain, and only such an operation may be built
    on once refused."""
    author = roster.members.get(op.author)
    return (op.circle == roster.circle and op.action != "create" and author is not None
            and op.hash not in roster.forged and not any(p in roster.forged for p in op.parents)
            and roster.cache.signature_holds(author.public.signing, op.signed))


MAX_OPS_PER_EPOCH = 64  # roster changes one member may make while one epoch is the newest


def _apply(roster: Roster, op: Op, genesis: bytes, walk: _Ancestry) -> str | None:
    """Apply `op` to `roster` if it is valid there; else say why not (nothing changes)."""
    if op.circle != roster.circle:
        return "op for another circle"
    # An operation may follow one that was refused because the roster had changed under it
    # (a promotion of someone concurrently removed): its author must not be locked out of
    # every later change. Building on a forgery (a stranger's, a bad signature) is refused.
    if op.lamport <= max((walk.lamport(p) for p in op.parents), default=0):
        return "op's Lamport number does not follow its parents"
    if any(p in roster.forged for p in op.parents):
        return "op follows a rejected op"
    if op.action == "create":
        return _apply_create(roster, op, genesis)
    author = roster.members.get(op.author)
    if author is None:
        return "author unknown"
    if not roster.cache.signature_holds(author.public.signing, op.signed):
        return "bad signature on roster op"
    # Every signed operation counts towards its author's allowance, valid or not, so that
    # junk costs its author the right to make changes rather than costing everyone time.
    slot = (op.author, len(roster.epochs))
    roster.op_counts[slot] = roster.op_counts.get(slot, 0) + 1
    if roster.op_counts[slot] > MAX_OPS_PER_EPOCH:
        return "too many roster changes from one member in one epoch"
    if not author.active and not _removed_concurrently(roster, author, op, walk):
        return "author is no longer a member"
    if op.action == "leave":
        return _apply_leave(roster, op, author)
    if not (author.admin or (author.was_admin
                             and _removed_concurrently(roster, author, op, walk))):
        return "author is not an admin"
    handler = _ADMIN_ACTIONS.get(op.action)
    return handler(roster, op) if handler is not None else "unknown roster action"


def _removed_concurrently(roster: Roster, author: Member, op: Op, walk: _Ancestry) -> bool:
    """`op` removes the admin who meanwhile removed its author (a removal `op` did not know
    of), and its author is the senior of the two: in two admins removing each other, the
    senior one's removal stands, whatever the two sort as, so neither wins by choosing a
    hash."""
    if not author.removed_by or op.hash in walk.descendants(author.removed_by):
        return False
    remover = _author_of(roster, author.removed_by)
    return remover is not None and op.action == "remove" and op.target == remover and \
        _senior(roster, author.id, remover)


def _counter_removal(op: Op, remover: bytes, seniority: dict[bytes, int]) -> bool:
    """`op` removes `remover`, who removed its author meanwhile, and its author is the senior
    admin of the two: the one change of a removed admin that stands."""
    return (op.action == "remove" and op.target == remover
            and seniority.get(op.author, 2**31) < seniority.get(remover, 2**31))


def _author_of(roster: Roster, op_hash: bytes) -> bytes | None:
    found = roster.cache.parse_known(op_hash)
    return found.author if found is not None else None


def _senior(roster: Roster, a: bytes, b: bytes) -> bool:
    """Whether `a` became an admin before `b` (in fold order)."""
    first, second = roster.members.get(a), roster.members.get(b)
    return (first is not None and second is not None and first.admin_since >= 0
            and (second.admin_since < 0 or first.admin_since < second.admin_since))


def _apply_create(roster: Roster, op: Op, genesis: bytes) -> str | None:
    if op.hash != genesis or roster.applied:
        return "a second circle creation"
    assert op.member is not None
    if op.author != op.member.member_id:
        return "creator is not the author"
    # The genesis hash covers the body only, not the signature.
    if not roster.cache.signature_holds(op.member.signing, op.signed):
        return "bad signature on roster op"
    if set(op.wraps) != {op.author}:
        return "first epoch not wrapped to the creator alone"
    roster.name = op.circle_name
    roster.members[op.author] = Member(op.author, op.member, op.member_name, True, 0,
                                       admin_since=_next_admin(roster))
    _start_epoch(roster, op)
    return None


def _apply_leave(roster: Roster, op: Op, author: Member) -> str | None:
    author.active, author.admin = False, False
    author.last_seq = op.cutoff
    _keep_an_admin(roster)
    return None


def _apply_add(roster: Roster, op: Op) -> str | None:
    assert op.member is not None
    new_id = op.member.member_id
    if new_id in roster.members:
        return "member already added"
    if len(roster.active()) >= MAX_MEMBERS:
        return "circle is full"
    problem = _epoch_problem(roster, op, new_id)
    if problem:
        return problem
    member = Member(new_id, op.member, op.member_name, False, len(roster.members))
    if op.replaces and op.replaces in roster.members:
        member.replaced = op.replaces
        roster.key_changes.append((op.replaces, new_id))
    roster.members[new_id] = member
    _start_epoch(roster, op)
    return None


def _active_target(roster: Roster, op: Op) -> Member | None:
    target = roster.members.get(op.target)
    return target if target is not None and target.active else None


def _apply_promote(roster: Roster, op: Op) -> str | None:
    target = _active_target(roster, op)
    if target is None:
        return "target is not a member"
    if target.admin:
        return "target is already an admin"
    target.admin, target.admin_since = True, _next_admin(roster)
    return None


def _apply_remove(roster: Roster, op: Op) -> str | None:
    target = _active_target(roster, op)
    if target is None:
        return "target is not a member"
    problem = _epoch_problem(roster, op)
    if problem:
        return problem
    if op.target in op.wraps:
        return "new epoch wrapped to the removed member"
    target.was_admin, target.removed_by = target.admin, op.hash
    target.active, target.admin, target.last_seq = False, False, op.cutoff
    _keep_an_admin(roster)
    _start_epoch(roster, op)
    return None


def _apply_rotate(roster: Roster, op: Op) -> str | None:
    problem = _epoch_problem(roster, op)
    if problem:
        return problem
    _start_epoch(roster, op)
    return None


# What an admin may do, one small handler each (create and leave are checked before).
_ADMIN_ACTIONS: dict[str, Callable[[Roster, Op], str | None]] = {
    "add": _apply_add, "promote": _apply_promote, "remove": _apply_remove,
    "rotate": _apply_rotate,
}


def _epoch_problem(roster: Roster, op: Op, newcomer: bytes = b"") -> str | None:
    readers = frozenset(op.wraps)
    if op.epoch_id in roster.epochs:
        return "epoch id reused"
    if op.epoch_version < roster.version():
        return "epoch goes back to an older protocol version"
    if op.author not in readers:
        return "epoch not wrapped to its author"
    if not readers <= set(roster.members) | {newcomer}:
        return "epoch wrapped to a stranger"
    return None


def _start_epoch(roster: Roster, op: Op) -> None:
    roster.epochs[op.epoch_id] = Epoch(op.epoch_id, frozenset(op.wraps), len(roster.epochs), op)


def _next_admin(roster: Roster) -> int:
    roster.admins_made += 1
    return roster.admins_made


def _keep_an_admin(roster: Roster) -> None:
    """A circle never ends up without an admin: the longest-standing member takes over."""
    if roster.admins() or not roster.active():
        return
    eldest = min((m for m in roster.members.values() if m.active), key=lambda m: m.added_order)
    eldest.admin, eldest.admin_since = True, _next_admin(roster)
