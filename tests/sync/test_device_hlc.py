"""Hybrid logical clocks of device sync (docs/protocol.md §11.3): stamps only grow, even when
the computer's clock goes back; what is done after receiving sorts after what was received;
a remote clock too far ahead is refused without changing anything."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.devices.hlc import MAX_COUNTER, MAX_SKEW_MS, Clock, ClockAhead, Hlc, compare

ME = bytes([1]) * 16
OTHER = bytes([2]) * 16


class FakeTime:
    def __init__(self, now: int) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now


def test_stamps_grow_when_the_clock_goes_back() -> None:
    time = FakeTime(10_000)
    clock = Clock(ME, time)
    first = clock.tick()
    time.now = 5_000
    second = clock.tick()
    third = clock.tick()
    assert first < second < third
    assert (second.wall_ms, second.counter) == (10_000, 1)
    time.now = 20_000
    assert clock.tick() == Hlc(20_000, 0, ME)


def test_a_stamp_after_receiving_sorts_after_the_received_one() -> None:
    """The laptop's clock is behind; what the person does there after seeing the desktop's
    change still wins over it."""
    clock = Clock(ME, FakeTime(1_000))
    remote = Hlc(50_000, 7, OTHER)
    clock.receive(remote)
    after = clock.tick()
    assert after > remote
    assert (after.wall_ms, after.counter) == (50_000, 9)


def test_receiving_an_old_stamp_still_moves_the_counter() -> None:
    clock = Clock(ME, FakeTime(100))
    mine = clock.tick()
    got = clock.receive(Hlc(50, 3, OTHER))
    assert got > mine and got.wall_ms == 100


def test_equal_walls_take_the_larger_counter() -> None:
    clock = Clock(ME, FakeTime(100), last=Hlc(200, 5, ME))
    assert clock.receive(Hlc(200, 9, OTHER)) == Hlc(200, 10, ME)


def test_the_device_id_breaks_ties_so_the_order_is_total() -> None:
    a, b = Hlc(5, 0, ME), Hlc(5, 0, OTHER)
    assert a < b and compare(a, b) == -1 and compare(b, a) == 1 and compare(a, a) == 0


def test_a_remote_clock_too_far_ahead_is_refused_and_changes_nothing() -> None:
    time = FakeTime(1_000_000)
    clock = Clock(ME, time)
    before = clock.tick()
    with pytest.raises(ClockAhead) as refused:
        clock.receive(Hlc(1_000_000 + MAX_SKEW_MS + 1, 0, OTHER))
    assert refused.value.ahead_ms == MAX_SKEW_MS + 1
    assert clock.last == before
    # Exactly at the bound is accepted; and once this clock has caught up, so is the other.
    clock.receive(Hlc(1_000_000 + MAX_SKEW_MS, 0, OTHER))
    time.now += 10
    clock.receive(Hlc(1_000_000 + MAX_SKEW_MS + 1, 0, OTHER))


def test_a_counter_at_its_end_moves_the_wall_on() -> None:
    clock = Clock(ME, FakeTime(0), last=Hlc(500, MAX_COUNTER, ME))
    assert clock.tick() == Hlc(501, 0, ME)
    clock = Clock(ME, FakeTime(0))
    assert clock.receive(Hlc(0, MAX_COUNTER, OTHER)) == Hlc(1, 0, ME)


def test_bad_stamps_cannot_be_made() -> None:
    for wall, counter, device in ((-1, 0, ME), (0, -1, ME), (0, MAX_COUNTER + 1, ME),
                                  (2**48, 0, ME), (0, 0, b"short")):
        with pytest.raises(ValueError):
            Hlc(wall, counter, device)


events = st.lists(st.one_of(
    st.tuples(st.just("tick"), st.integers(-10**6, 10**6)),
    st.tuples(st.just("receive"), st.integers(-10**6, MAX_SKEW_MS), st.integers(0, 10)),
), max_size=60)


@settings(max_examples=200, deadline=None)
@given(events)
def test_stamps_only_grow_and_follow_what_was_received(steps: list[tuple[int, ...]]) -> None:
    time = FakeTime(10**9)
    clock = Clock(ME, time)
    last = clock.last
    for step in steps:
        kind, jump = step[0], step[1]
        if kind == "tick":
            time.now = max(0, time.now + int(jump))
            stamp = clock.tick()
        else:
            remote = Hlc(max(0, time.now + int(jump)), int(step[2]), OTHER)
            stamp = clock.receive(remote)
            assert stamp > remote
        assert stamp > last
        last = stamp
