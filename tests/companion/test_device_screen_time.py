"""Screen time and the person's preferences between two real vaults (docs/protocol.md §11.8):
budgets, per-app categories and rules are the person's (last writer wins, one budget per key,
removal travels and the same budget can be set again); each computer's measured use is its
own, written only by it, kept apart on the others (this computer's budgets never count it),
sent a part per round, with no titles in privacy mode; the person's preferences travel, the
computer's own do not; every hostile value is refused and counted. Batches are handed over
directly, as in test_device_vault.py (the folder and WebDAV are in test_device_screen_group)."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion.app import CompanionApp
from companion.clock import FakeClock
from companion.devices.screen_records import day_record_id, encode_spans
from companion.devices.vault_replica import RoundReport, VaultReplica
from companion.preferences import load_preferences
from companion.screentime.categories import CategoryRule
from companion.screentime.tracker import SpanClosed
from sync.crypto import b64
from sync.devices.hlc import Clock
from sync.devices.ops import Batch, Op, decode_batch, encode_batch
from tests.support.vault_template import copy_of_empty_vault


class Device:
    def __init__(self, home: Path, clock: FakeClock,
                 before: Callable[[CompanionApp], None] | None = None) -> None:
        self.app = copy_of_empty_vault(home, clock)
        if before is not None:
            before(self.app)  # what the vault held before device sync was set up
        self.clock = clock
        self.id = os.urandom(16)
        db = self.app.vault.database
        VaultReplica.set_up(db, self.id)
        self.sync = VaultReplica(db, lambda: int(clock.now().timestamp() * 1000))
        self.sync.preferences = self.app.preference_link()

    @property
    def db(self):  # type: ignore[no-untyped-def]
        return self.app.vault.database

    def outgoing(self) -> tuple[Batch | None, list[Op]]:
        self.sync.round()
        ops = self.sync.unsent()
        if not ops:
            return None, []
        return decode_batch(encode_batch(self.id, ops), self.id), ops

    def budgets(self) -> list[tuple[str, str, int | None, int]]:
        return [(b.kind, b.target, b.weekday, int(b.limit.total_seconds() // 60))
                for b in self.app.screen_time.budgets()]

    def measure(self, app: str, title: str | None, start: datetime, minutes: int) -> None:
        self.app.screen_time.store.save_spans([SpanClosed(
            app, title, "work", start, start + timedelta(minutes=minutes),
            start.date().isoformat())])

    def others(self) -> dict[bytes, dict[str, timedelta]]:
        return self.app.screen_time.store.other_devices_daily("0001-01-01", "9999-12-31")


def exchange(*devices: Device) -> list[RoundReport]:
    sent = [(device, *device.outgoing()) for device in devices]
    reports = []
    for device in devices:
        reports.append(device.sync.round(
            [batch for other, batch, _ in sent if other is not device and batch]))
    for device, _, ops in sent:
        device.sync.mark_sent(ops)
    return reports


@pytest.fixture
def pair(tmp_path: Path, clock: FakeClock) -> Iterator[tuple[Device, Device]]:
    a = Device(tmp_path / "laptop", clock)
    b = Device(tmp_path / "desktop", FakeClock(clock.now()))
    yield a, b
    a.app.close()
    b.app.close()


def forge(device: Device, ops: list[Op]) -> RoundReport:
    return device.sync.round([decode_batch(encode_batch(ops[0].device, ops), ops[0].device)])


# -- budgets, categories and rules --------------------------------------------------------------

def test_budgets_travel_and_one_set_on_both_is_one(pair: tuple[Device, Device]) -> None:
    a, b = pair
    a.app.set_screen_time_budget("total", "", 120)
    a.app.set_screen_time_budget("category", "Video", 30, weekday=5)
    b.clock.advance(seconds=1)
    b.app.set_screen_time_budget("total", "", 90)  # the same budget, set later
    b.app.set_screen_time_budget("app", "firefox", 45)
    exchange(a, b)
    exchange(a, b)
    assert a.budgets() == b.budgets() == [("app", "firefox", None, 45),
                                          ("category", "Video", 5, 30),
                                          ("total", "", None, 90)]
    a.app.set_screen_time_budget("app", "FIREFOX", 50)  # one budget: the vault ignores case
    exchange(a, b)
    assert b.budgets()[0] == ("app", "firefox", None, 50)
    assert exchange(a, b) == [RoundReport(), RoundReport()]


def test_a_removed_budget_is_removed_everywhere_and_can_be_set_again(
        pair: tuple[Device, Device]) -> None:
    a, b = pair
    a.app.set_screen_time_budget("category", "games", 20)
    exchange(a, b)
    b.app.remove_screen_time_budget("category", "games")
    exchange(a, b)
    assert a.budgets() == b.budgets() == []
    a.app.set_screen_time_budget("category", "games", 25)
    exchange(a, b)
    assert a.budgets() == b.budgets() == [("category", "games", None, 25)]
    # Removed and set again between two rounds: the budget as set last.
    b.app.remove_screen_time_budget("category", "games")
    b.app.set_screen_time_budget("category", "games", 40)
    exchange(a, b)
    assert a.budgets() == b.budgets() == [("category", "games", None, 40)]


def test_the_running_tracker_follows_budgets_from_elsewhere(
        pair: tuple[Device, Device]) -> None:
    a, b = pair
    b.app.screen_time.load(b.clock.now())
    a.app.set_screen_time_budget("total", "", 60)
    exchange(a, b)
    b.app.screen_time.reload_settings()  # what the facade's sync_devices does
    assert [x.key for x in b.app.screen_time.tracker.budgets] == ["total:"]


def test_categories_and_rules_travel_and_restore(pair: tuple[Device, Device]) -> None:
    a, b = pair
    a.app.screen_time.store.set_category("Steam", "games")
    rules = [CategoryRule("reading", app="calibre"), CategoryRule("work", title="invoice")]
    a.app.set_screen_time_rules(rules)
    exchange(a, b)
    assert b.app.screen_time.store.category_overrides() == {"steam": "games"}
    assert b.app.screen_time.store.rules() == tuple(rules)
    b.app.screen_time.store.set_category("steam", None)
    b.app.set_screen_time_rules(None)  # back to the shipped rules
    exchange(a, b)
    assert a.app.screen_time.store.category_overrides() == {}
    assert a.app.screen_time.store.rules() == b.app.screen_time.store.rules()
    assert a.db.query_one("SELECT value FROM screen_settings WHERE key = 'rules'") is None
    a.app.screen_time.store.set_category("steam", "play")
    exchange(a, b)
    assert b.app.screen_time.store.category_overrides() == {"steam": "play"}


# -- each computer's own use ---------------------------------------------------------------------

def test_use_measured_on_one_computer_is_kept_as_its_own_on_the_other(
        pair: tuple[Device, Device]) -> None:
    a, b = pair
    now = a.clock.now()
    a.measure("firefox", "Bank — statement", now - timedelta(hours=2), 30)
    a.measure("code", None, now - timedelta(hours=1), 20)
    b.measure("xterm", None, now - timedelta(hours=3), 10)
    b.app.set_screen_time_budget("total", "", 15)
    exchange(a, b)
    day = now.date().isoformat()
    assert b.others() == {a.id: {day: timedelta(minutes=50)}}
    assert a.others() == {b.id: {day: timedelta(minutes=10)}}
    # This computer's own totals, and so its budgets, count its own use only.
    status = b.app.screen_time.status(day)
    assert status.totals.total == timedelta(minutes=10)
    assert [use.used for use in status.budgets] == [timedelta(minutes=10)]
    overview = b.app.screen_time_overview(7)
    names, rows = overview.by_device(7)
    assert len(names) == 2 and rows[0] == (day, [timedelta(minutes=10), timedelta(minutes=50)],
                                           timedelta(minutes=60))
    # Titles went (privacy mode is off), inside the operations only.
    titles = {t for (t,) in b.db.query("SELECT title FROM screen_device_spans")}
    assert titles == {"Bank — statement", None}


def test_a_day_grows_by_parts_and_nothing_is_sent_twice(pair: tuple[Device, Device]) -> None:
    a, b = pair
    start = a.clock.now() - timedelta(hours=3)
    a.measure("firefox", None, start, 10)
    assert sorted(op.field for op in a.outgoing()[1] if op.collection == "screen_day") == [
        "day", "device", "part:0"]
    exchange(a, b)
    a.measure("firefox", None, start + timedelta(minutes=30), 5)
    _, ops = a.outgoing()
    assert [op.field for op in ops] == ["part:1"]  # only the new span, once
    exchange(a, b)
    assert b.others()[a.id][start.date().isoformat()] == timedelta(minutes=15)
    assert exchange(a, b) == [RoundReport(), RoundReport()]


def test_privacy_mode_sends_no_titles(pair: tuple[Device, Device]) -> None:
    a, b = pair
    a.measure("firefox", "Kept before privacy mode", a.clock.now() - timedelta(hours=1), 5)
    a.app.save_preferences(replace(a.app.preferences, privacy_mode=True))
    _, ops = a.outgoing()
    assert not any(b"Kept before" in op.value.encode() for op in ops
                   if isinstance(op.value, str))
    exchange(a, b)
    assert b.db.query("SELECT app, title FROM screen_device_spans") == [("firefox", None)]


def test_history_before_sync_was_set_up_is_sent(tmp_path: Path, clock: FakeClock) -> None:
    def a_year(app: CompanionApp) -> None:
        app.save_preferences(replace(app.preferences, privacy_mode=True))
        spans = []
        for back in range(1, 366):  # a year, a few spans a day
            for hour in (1, 3, 5):
                start = clock.now() - timedelta(days=back, hours=hour)
                spans.append(SpanClosed("code", "a title", "work", start,
                                        start + timedelta(minutes=50),
                                        start.date().isoformat()))
        app.screen_time.store.save_spans(spans)

    a = Device(tmp_path / "old", clock, a_year)
    b = Device(tmp_path / "new", FakeClock(clock.now()))
    try:
        batch, ops = a.outgoing()
        assert batch is not None and len(ops) < 366 * 3 + 20
        # A year without titles: about 90 bytes a span before the batch is compressed.
        assert len(encode_batch(a.id, ops)) < 366 * 3 * 90 + 366 * 400
        reports = exchange(a, b)
        assert reports[1].refused == 0, reports
        assert len(b.others()[a.id]) == 365
    finally:
        a.app.close()
        b.app.close()


# -- the person's preferences --------------------------------------------------------------------

def test_the_persons_preferences_travel_and_the_computers_stay(
        pair: tuple[Device, Device]) -> None:
    a, b = pair
    exchange(a, b)
    b.app.save_preferences(replace(b.app.preferences, auto_lock_minutes=30,
                                   window_geometry="AAAA", circle_sync_minutes=0))
    a.app.save_preferences(replace(a.app.preferences, theme="dark", reminder_enabled=True,
                                   reminder_time="21:15", day_starts_at="05:00",
                                   crisis_country="GB", auto_lock_minutes=1,
                                   window_geometry="QUJD", circle_sync_minutes=60))
    report = exchange(a, b)[1]
    assert report.preferences
    on_b = load_preferences(b.app.home)
    assert (on_b.theme, on_b.reminder_enabled, on_b.reminder_time, on_b.day_starts_at,
            on_b.crisis_country) == ("dark", True, "21:15", "05:00", "GB")
    assert (on_b.auto_lock_minutes, on_b.window_geometry, on_b.circle_sync_minutes) == (
        30, "AAAA", 0)
    assert b.app.preferences == on_b  # the facade's copy follows the file
    assert exchange(a, b) == [RoundReport(), RoundReport()]
    # A change made while the vault was closed (the file alone) travels too.
    from companion.preferences import save_preferences
    save_preferences(b.app.home, replace(on_b, theme="light"))
    exchange(a, b)
    assert load_preferences(a.app.home).theme == "light"


def test_hostile_preferences_are_refused(pair: tuple[Device, Device]) -> None:
    a, b = pair
    exchange(a, b)
    b.clock.advance(seconds=1)
    liar = Clock(os.urandom(16), lambda: int(b.clock.now().timestamp() * 1000))
    from sync.devices.ops import named_record_id
    target = named_record_id("settings", "person")
    report = forge(b, [Op("set", "settings", target, liar.tick(), "theme", "neon"),
                       Op("set", "settings", target, liar.tick(), "window_geometry", "x")])
    assert report.refused == 1 and not report.preferences
    assert load_preferences(b.app.home).theme == "system"
    # A later good value is taken; a computer's own setting sent as the person's is not.
    assert forge(b, [Op("set", "settings", target, liar.tick(), "theme", "dark")]).preferences
    on_b = load_preferences(b.app.home)
    assert (on_b.theme, on_b.window_geometry) == ("dark", "")


# -- hostile records -------------------------------------------------------------------------

def test_hostile_budgets_and_categories_are_refused(pair: tuple[Device, Device]) -> None:
    from companion.devices.screen_records import BudgetRecords, CategoryRecords

    a, b = pair
    a.app.set_screen_time_budget("total", "", 60)
    exchange(a, b)
    b.clock.advance(seconds=1)
    liar = Clock(os.urandom(16), lambda: int(b.clock.now().timestamp() * 1000))

    def budget(fields: dict[str, object], target: bytes | None = None) -> RoundReport:
        target = target or BudgetRecords.record_id(fields)  # type: ignore[arg-type]
        return forge(b, [Op("set", "budget", target, liar.tick(), name, value)  # type: ignore[arg-type]
                         for name, value in sorted(fields.items())])

    good = {"kind": "app", "target": "firefox", "weekday": -1, "minutes": 30}
    for bad in ({"minutes": 0}, {"minutes": 1441}, {"kind": "moon"}, {"weekday": 7},
                {"target": "  firefox"}, {"target": "a" * 201}, {"weekday": True}):
        assert budget({**good, **bad}).refused == 1, bad
    # Under another budget's name: two records would claim one budget.
    assert budget(good, BudgetRecords.record_id({**good, "target": "code"})).refused == 1
    # A delete forever of a budget (removal is `minutes`: nothing) is refused.
    total = BudgetRecords.record_id({"kind": "total", "target": "", "weekday": -1})
    assert forge(b, [Op("delete", "budget", total, liar.tick())]).refused == 1
    assert b.budgets() == [("total", "", None, 60)]
    app = CategoryRecords.record_id({"app": "steam"})
    assert forge(b, [Op("set", "screen_category", app, liar.tick(), "app", "steam"),
                     Op("set", "screen_category", app, liar.tick(), "category", "Games")]
                 ).refused == 1  # the vault keeps categories in lower case
    from sync.devices.ops import named_record_id
    rules = named_record_id("screen_rules", "rules")
    assert forge(b, [Op("set", "screen_rules", rules, liar.tick(), "rules",
                        json.dumps([{"category": "x", "app": "("}]))]).refused == 1
    assert b.app.screen_time.store.category_overrides() == {}


def test_hostile_days_of_screen_time_are_refused(pair: tuple[Device, Device]) -> None:
    a, b = pair
    now = a.clock.now()
    a.measure("firefox", None, now - timedelta(hours=1), 10)
    exchange(a, b)
    before = b.others()
    b.clock.advance(seconds=1)
    liar = Clock(os.urandom(16), lambda: int(b.clock.now().timestamp() * 1000))
    day = now.date().isoformat()
    start = int((now - timedelta(hours=1)).timestamp() * 1000)

    def day_of(device: bytes, parts: list[object], on: str = day) -> RoundReport:
        target = day_record_id(device, on)
        ops = [Op("set", "screen_day", target, liar.tick(), "day", on),
               Op("set", "screen_day", target, liar.tick(), "device", b64(device))]
        ops += [Op("set", "screen_day", target, liar.tick(), f"part:{n}", part)  # type: ignore[arg-type]
                for n, part in enumerate(parts, 5)]
        return forge(b, ops)

    good = [start, 60_000, 60, "firefox", "work", None]
    # Written into another computer's day: refused, and that day is kept as it was.
    assert day_of(a.id, [encode_spans([tuple(good)])]).refused == 1  # type: ignore[list-item]
    for bad in ([start, -1, 60, "firefox", "work", None],  # negative length
                [start, 60_000, 60, "firefox", "Work", None],  # not as the vault keeps it
                [start, 60_000, 60, "", "work", None],  # no app
                [start, 60_000, 60, "firefox", "work", "x" * 501],  # too long a title
                [start - 3 * 86_400_000, 60_000, 60, "firefox", "work", None],  # not its day
                [start, 26 * 3_600_000, 60, "firefox", "work", None],  # longer than a day
                [start, 60_000, 60, "fire\x00fox", "work", None]):
        assert day_of(liar.device, [json.dumps([bad], separators=(",", ":"))]).refused == 1, bad
    assert day_of(liar.device, [json.dumps([good])]).refused == 1  # not as a device spells it
    assert day_of(liar.device, [encode_spans([tuple(good)])], "2026-13-01").refused == 1  # type: ignore[list-item]
    assert b.others() == before
    # The same, written by the computer it names, is taken.
    assert day_of(liar.device, [encode_spans([tuple(good)])]).written == 1  # type: ignore[list-item]
    assert b.others()[liar.device] == {day: timedelta(minutes=1)}


# -- any interleaving settles ------------------------------------------------------------------

_STEP = st.one_of(
    st.tuples(st.just("set"), st.sampled_from("ab"), st.sampled_from(["total", "app"]),
              st.integers(1, 1440)),
    st.tuples(st.just("remove"), st.sampled_from("ab"), st.sampled_from(["total", "app"]),
              st.just(0)),
    st.tuples(st.just("theme"), st.sampled_from("ab"),
              st.sampled_from(["system", "light", "dark"]), st.just(0)),
    st.tuples(st.just("sync"), st.sampled_from(["a", "b", "ab"]), st.just(""), st.just(0)),
)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(_STEP, max_size=12))
def test_budgets_and_settings_settle_whatever_the_order(
        tmp_path_factory: pytest.TempPathFactory, clock: FakeClock,
        steps: list[tuple[str, str, str, int]]) -> None:
    from companion.errors import NotFound

    root = tmp_path_factory.mktemp("pair")
    devices = {"a": Device(root / "a", FakeClock(clock.now())),
               "b": Device(root / "b", FakeClock(clock.now()))}
    outbox: dict[str, list[Batch]] = {"a": [], "b": []}
    try:
        for action, who, what, minutes in steps:
            if action == "sync":  # the named devices send, then read what waits for them
                for name in who:
                    batch, ops = devices[name].outgoing()
                    devices[name].sync.mark_sent(ops)
                    if batch is not None:
                        outbox["b" if name == "a" else "a"].append(batch)
                for name in who:
                    devices[name].sync.round(outbox[name])
                    outbox[name] = []
                continue
            device = devices[who]
            device.clock.advance(seconds=1)
            target = "" if what == "total" else "firefox"
            if action == "set":
                device.app.set_screen_time_budget(what, target, minutes)  # type: ignore[arg-type]
            elif action == "remove":
                with contextlib.suppress(NotFound):  # none to remove: fine
                    device.app.remove_screen_time_budget(what, target)  # type: ignore[arg-type]
            else:
                device.app.save_preferences(replace(device.app.preferences, theme=what))
        for _ in range(2):  # everything delivered
            exchange(devices["a"], devices["b"])
        a, b = devices["a"], devices["b"]
        for name in "ab":
            devices[name].sync.round(outbox[name])
        exchange(a, b)
        assert a.budgets() == b.budgets()
        assert load_preferences(a.app.home).theme == load_preferences(b.app.home).theme
        assert VaultReplica.merged_from_all(a.db).export() == \
            VaultReplica.merged_from_all(b.db).export()
    finally:
        for device in devices.values():
            device.app.close()
