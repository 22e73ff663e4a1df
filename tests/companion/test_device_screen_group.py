"""Screen time and the person's preferences between two computers through a real shared folder
and a real WebDAV server on 127.0.0.1, driven through the facade as the app and `companion
sync` drive it (docs/protocol.md §11.8): budgets, categories and rules, each computer's use
shown per computer under its name, the person's preferences (a computer that joins takes the
group's), and nothing readable on the storage — no title, app, budget or setting."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from companion.app import CompanionApp
from companion.clock import FakeClock
from companion.models import Changes
from companion.preferences import load_preferences
from companion.screentime.categories import CategoryRule
from companion.screentime.tracker import SpanClosed
from tests.support.vault_template import copy_of_empty_vault
from tests.support.webdav_server import WebDavServer

CANARY = "Zebra-canary-title-4471"


@pytest.fixture
def two(tmp_path: Path, clock: FakeClock) -> Iterator[tuple[CompanionApp, CompanionApp]]:
    a = copy_of_empty_vault(tmp_path / "laptop", clock)
    b = copy_of_empty_vault(tmp_path / "desktop", FakeClock(clock.now()))
    yield a, b
    a.close()
    b.close()


def pair(a: CompanionApp, b: CompanionApp, storage: str, **creds: str) -> None:
    a.devices.start(storage, "Laptop", **creds)
    b.join_devices(a.devices.pairing_code(), "Desktop", storage, **creds)
    a.sync_devices()
    (asking,) = a.devices.asking()
    a.devices.decide(asking.name, allow=True)
    a.sync_devices()
    b.sync_devices()


def measure(app: CompanionApp, app_name: str, title: str | None, hours_ago: int,
            minutes: int) -> None:
    start = app.clock.now() - timedelta(hours=hours_ago)
    app.save_screen_time()  # nothing pending; the store is written directly below
    app.screen_time.store.save_spans([SpanClosed(app_name, title, "work", start,
                                                 start + timedelta(minutes=minutes),
                                                 start.date().isoformat())])


def everything_travels(a: CompanionApp, b: CompanionApp, storage: str, **creds: str) -> None:
    # Before pairing: the laptop's own settings, and the desktop's, which it gives up on
    # joining (the group's preferences win; its budgets join the group's).
    a.save_preferences(replace(a.preferences, theme="dark", day_starts_at="05:00",
                               window_geometry="QUJD"))
    b.save_preferences(replace(b.preferences, theme="light", auto_lock_minutes=30))
    a.set_screen_time_budget("total", "", 120)
    b.set_screen_time_budget("app", "xterm", 30)
    measure(a, "firefox", CANARY, 2, 40)
    heard: list[Changes] = []
    b.subscribe(heard.append)
    pair(a, b, storage, **creds)
    a.set_screen_time_rules([CategoryRule("reading", app="calibre")])
    a.screen_time.store.set_category("Steam", "games")
    measure(b, "xterm", None, 1, 15)
    for app in (a, b, a, b):
        app.sync_devices()
    on_b = load_preferences(b.home)
    assert (on_b.theme, on_b.day_starts_at) == ("dark", "05:00")  # the group's
    assert (on_b.auto_lock_minutes, on_b.window_geometry) == (30, "")  # the computer's own
    assert load_preferences(a.home).theme == "dark"  # the joining computer's did not win
    assert any(c.preferences_synced for c in heard) and any(c.screen_time for c in heard)
    for app in (a, b):
        assert [(x.kind, x.target) for x in app.screen_time.budgets()] == [
            ("app", "xterm"), ("total", "")]
        assert app.screen_time.store.rules() == (CategoryRule("reading", app="calibre"),)
        assert app.screen_time.store.category_overrides() == {"steam": "games"}
    day = a.clock.now().date().isoformat()
    names, rows = b.screen_time_overview(7).by_device(7)
    assert names == ("Desktop", "Laptop")
    assert rows[0] == (day, [timedelta(minutes=15), timedelta(minutes=40)],
                       timedelta(minutes=55))
    names, rows = a.screen_time_overview(7).by_device(7)
    assert names == ("Laptop", "Desktop") and rows[0][2] == timedelta(minutes=55)
    # Each computer's own total (and so its budgets) is its own use.
    assert b.screen_time.status(day).totals.total == timedelta(minutes=15)
    # Removing a budget on one computer removes it on the other.
    b.remove_screen_time_budget("total", "")
    b.sync_devices()
    a.sync_devices()
    assert [(x.kind, x.target) for x in a.screen_time.budgets()] == [("app", "xterm")]


def test_screen_time_and_preferences_through_a_folder(
        two: tuple[CompanionApp, CompanionApp], tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    a, b = two
    everything_travels(a, b, f"folder:{folder}")
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert CANARY.encode() not in data and b"firefox" not in data, path


def test_screen_time_and_preferences_through_webdav(
        two: tuple[CompanionApp, CompanionApp], webdav_server: WebDavServer) -> None:
    a, b = two
    everything_travels(a, b, f"webdav:{webdav_server.url_for('devices')}",
                       webdav_user=webdav_server.user, webdav_password=webdav_server.password)
    stored = [p for p in webdav_server.root.rglob("*") if p.is_file()]
    assert stored
    for path in stored:
        data = path.read_bytes()
        for secret in (CANARY.encode(), b"firefox", b"xterm", b"calibre", b"dark", b"05:00"):
            assert secret not in data, (path, secret)
