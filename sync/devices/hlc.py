"""Hybrid logical clocks (Kulkarni et al., 2014), as docs/protocol.md §11.3 describes.

A stamp is (wall time in ms, counter, device id). Stamps from one device only grow, even when
its clock is set back, and an operation made after another was received always sorts after
it, whatever the two computers' clocks say: that is what lets "last writer wins" respect what
the person saw. The device id at the end makes the order total, so no two devices ever tie.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sync.crypto import Rejected

DEVICE_ID_BYTES = 16
# 2^48 ms is the year 10889: room enough, and it bounds what a hostile stamp can claim.
MAX_WALL_MS = 2**48 - 1
MAX_COUNTER = 2**32 - 1
# A remote stamp further ahead than this is refused (§11.3): without a bound, a device whose
# clock runs a year ahead would win every field for a year. Clocks set from the network never
# differ by anything close to an hour.
MAX_SKEW_MS = 60 * 60 * 1000


@dataclass(frozen=True, order=True)
class Hlc:
    """One stamp. Compared field by field: wall time, then counter, then device bytes."""

    wall_ms: int
    counter: int
    device: bytes

    def __post_init__(self) -> None:
        if not 0 <= self.wall_ms <= MAX_WALL_MS:
            raise ValueError("HLC wall time out of range")
        if not 0 <= self.counter <= MAX_COUNTER:
            raise ValueError("HLC counter out of range")
        if len(self.device) != DEVICE_ID_BYTES:
            raise ValueError("HLC device id must be 16 bytes")

    def __repr__(self) -> str:
        return f"Hlc({self.wall_ms}, {self.counter}, {self.device.hex()[:8]})"


def compare(a: Hlc, b: Hlc) -> int:
    """-1, 0 or 1: the total order every device uses to pick the last writer."""
    return (a > b) - (a < b)


class ClockAhead(Rejected):
    """A remote stamp is too far in this device's future. The batch carrying it is held (not
    applied, not dropped) until this clock catches up or the other device's clock is set
    right; `ahead_ms` says by how much, for the message to the person."""

    def __init__(self, ahead_ms: int) -> None:
        super().__init__("another device's clock is too far ahead")
        self.ahead_ms = ahead_ms


class Clock:
    """One device's HLC. `now_ms` reads the computer's clock (a fake one in tests); `last`
    is the newest stamp this device made or saw, which the vault keeps across restarts so
    stamps never go back."""

    def __init__(self, device: bytes, now_ms: Callable[[], int], last: Hlc | None = None,
                 *, max_skew_ms: int = MAX_SKEW_MS) -> None:
        if len(device) != DEVICE_ID_BYTES:
            raise ValueError("device id must be 16 bytes")
        self.device = device
        self._now_ms = now_ms
        self.max_skew_ms = max_skew_ms
        self._wall = last.wall_ms if last is not None else 0
        self._counter = last.counter if last is not None else 0

    @property
    def last(self) -> Hlc:
        return Hlc(self._wall, self._counter, self.device)

    def _physical(self) -> int:
        # A clock reading past the range is a broken clock; stamping from it would leave this
        # device's stamps stuck at the end of time, so it is clamped and the HLC carries on.
        return min(max(self._now_ms(), 0), MAX_WALL_MS)

    def _advance(self, wall: int, counter: int) -> Hlc:
        if counter > MAX_COUNTER:
            # Over four billion stamps in one millisecond cannot happen honestly; moving the
            # wall on by a millisecond keeps stamps growing instead of wrapping round.
            if wall >= MAX_WALL_MS:
                raise Rejected("a clock reached the end of its range")
            wall, counter = wall + 1, 0
        self._wall, self._counter = wall, counter
        return self.last

    def tick(self) -> Hlc:
        """A stamp for a local operation (the "send" event): later than every stamp this
        device has made or received."""
        now = self._physical()
        if now > self._wall:
            return self._advance(now, 0)
        return self._advance(self._wall, self._counter + 1)

    def check(self, remote: Hlc) -> None:
        """Raise `ClockAhead` if `remote` is beyond the allowed skew; changes nothing, so a
        whole batch can be checked before any of it is applied."""
        ahead = remote.wall_ms - self._physical()
        if ahead > self.max_skew_ms:
            raise ClockAhead(ahead)

    def receive(self, remote: Hlc) -> Hlc:
        """Take in a remote stamp, so that what this device does next sorts after it."""
        self.check(remote)
        now = self._physical()
        wall = max(self._wall, remote.wall_ms, now)
        if wall == self._wall and wall == remote.wall_ms:
            counter = max(self._counter, remote.counter) + 1
        elif wall == self._wall:
            counter = self._counter + 1
        elif wall == remote.wall_ms:
            counter = remote.counter + 1
        else:
            counter = 0
        return self._advance(wall, counter)
