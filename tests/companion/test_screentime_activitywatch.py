"""Import from a real ActivityWatch server (aw-server from PyPI, --testing, in memory),
seeded through its own REST API."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from companion.app import CompanionApp
from companion.screentime.activitywatch import (
    ActivityWatchUnavailable,
    import_activitywatch,
)
from companion.screentime.tracker import SpanClosed
from tests.support.aw_server import free_port, running_aw_server

T0 = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def aw_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_aw_server(tmp_path_factory.mktemp("aw-home")) as url:
        seed(url)
        yield url


def event(start: datetime, minutes: float, **data: str) -> dict[str, object]:
    return {"timestamp": start.isoformat(), "duration": minutes * 60, "data": data}


def seed(url: str) -> None:
    """09:00–10:00 windows; away (afk) 09:20–09:40; a second host without AFK data."""
    with httpx.Client(base_url=url) as http:
        for bucket, kind, host in (("aw-watcher-window_host", "currentwindow", "host"),
                                   ("aw-watcher-afk_host", "afkstatus", "host"),
                                   ("aw-watcher-window_other", "currentwindow", "other")):
            http.post(f"/api/0/buckets/{bucket}", json={
                "client": "test", "type": kind, "hostname": host}).raise_for_status()
        http.post("/api/0/buckets/aw-watcher-window_host/events", json=[
            event(T0, 30, app="firefox", title="Cats - YouTube"),
            event(T0 + timedelta(minutes=30), 30, app="code", title="main.py"),
        ]).raise_for_status()
        http.post("/api/0/buckets/aw-watcher-afk_host/events", json=[
            event(T0, 20, status="not-afk"),
            event(T0 + timedelta(minutes=20), 20, status="afk"),
            event(T0 + timedelta(minutes=40), 20, status="not-afk"),
        ]).raise_for_status()
        http.post("/api/0/buckets/aw-watcher-window_other/events", json=[
            event(T0, 60, app="steam", title="Store")]).raise_for_status()


def stored(app: CompanionApp) -> list[SpanClosed]:
    day = T0.astimezone().date().isoformat()
    return [s for d in (day, (T0.astimezone() - timedelta(days=1)).date().isoformat())
            for s in app.screen_time.store.spans(d)]


def run_import(app: CompanionApp, url: str, start: datetime, end: datetime,
               keep_titles: bool = True):  # type: ignore[no-untyped-def]
    store = app.screen_time.store
    return import_activitywatch(store, store.categorizer(), start=start, end=end, url=url,
                                keep_titles=keep_titles)


def test_only_not_afk_time_counts_and_reimport_adds_nothing(
        app: CompanionApp, aw_url: str) -> None:
    result = run_import(app, aw_url, T0 - timedelta(hours=1), T0 + timedelta(hours=2))
    assert result.afk_known and result.window_buckets == 2
    assert result.seconds == 40 * 60     # 60 minutes of windows, 20 of them away
    spans = stored(app)
    assert [(s.app, s.category, s.seconds / 60) for s in spans] == [
        ("firefox", "video", 20.0), ("code", "work", 20.0)]
    assert spans[0].title == "Cats - YouTube"
    assert "steam" not in {s.app for s in spans}   # no AFK data for that host: not counted

    again = run_import(app, aw_url, T0 - timedelta(hours=1), T0 + timedelta(hours=2))
    assert (again.spans, again.seconds) == (0, 0)
    assert len(stored(app)) == 2


def test_events_are_clipped_to_the_range_and_ranges_join_without_overlap(
        app: CompanionApp, aw_url: str) -> None:
    first = run_import(app, aw_url, T0 + timedelta(minutes=10), T0 + timedelta(minutes=50))
    assert first.seconds == 20 * 60      # 09:10–09:20 firefox, 09:40–09:50 code
    wider = run_import(app, aw_url, T0, T0 + timedelta(hours=1), keep_titles=False)
    assert wider.seconds == 20 * 60      # only the parts not imported before
    spans = stored(app)
    assert sum(s.seconds for s in spans) == 40 * 60
    for before, after in zip(spans, spans[1:], strict=False):
        assert before.end <= after.start
    assert {s.title for s in spans if s.start >= T0 + timedelta(minutes=50)} == {None}


def test_an_unreachable_server_is_a_clear_error_and_changes_nothing(
        app: CompanionApp) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(ActivityWatchUnavailable, match="Could not read from ActivityWatch"):
        run_import(app, url, T0, T0 + timedelta(hours=1))
    assert stored(app) == []


def test_the_cli_imports_and_reports(cli, vault_home: Path, aw_url: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("screentime", "import-activitywatch", "--url", aw_url,
                 "--from", "2026-03-13", "--to", "2026-03-15")
    assert result.code == 0, result.err
    assert "40 min" in result.out
    again = cli("screentime", "import-activitywatch", "--url", aw_url,
                "--from", "2026-03-13", "--to", "2026-03-15")
    assert again.code == 0 and "nothing new" in again.out


# -- a hostile or broken server ------------------------------------------------------------------


class _Hostile(http.server.BaseHTTPRequestHandler):
    """Answers the bucket list the way the test asks: nested brackets, an endless body, or a
    body that drips a byte at a time."""

    behaviour = "nested"

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if self.behaviour == "nested":
            body = b"[" * 200_000 + b"]" * 200_000
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        piece = b"x" * (1024 * 1024) if self.behaviour == "huge" else b" "
        try:
            while True:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                self.wfile.flush()
                if self.behaviour == "drip":
                    time.sleep(0.05)
        except OSError:
            return

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def hostile_server() -> Iterator[tuple[str, type[_Hostile]]]:
    handler = type("Handler", (_Hostile,), {})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(("behaviour", "said"), [
    ("nested", "sent something unexpected"),
    ("huge", "more than 4 MiB"),
    ("drip", "did not finish answering within 1 seconds"),
])
def test_a_hostile_server_is_cut_off_and_nothing_is_imported(
        app: CompanionApp, hostile_server, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
        behaviour: str, said: str) -> None:
    from companion.errors import UserError
    from companion.screentime import activitywatch

    monkeypatch.setattr(activitywatch, "MAX_RESPONSE_BYTES", 4 * 1024 * 1024)
    monkeypatch.setattr(activitywatch, "DEADLINE_SECONDS", 1.0)
    url, handler = hostile_server
    handler.behaviour = behaviour
    now = datetime(2026, 3, 14, tzinfo=UTC)
    started = time.monotonic()
    with pytest.raises(UserError, match=said):
        run_import(app, url, now - timedelta(days=1), now)
    assert time.monotonic() - started < 15
    assert stored(app) == []
