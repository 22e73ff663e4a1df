"""`companion screentime …` through the real CLI; `track` as a real child process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from companion.app import CompanionApp
from companion.screentime.tracker import SpanClosed
from tests.conftest import PASSPHRASE, PROJECT_ROOT
from tests.support.xvfb import x_session

TZ = timezone(timedelta(hours=1))


def seed(home: Path) -> None:
    app = CompanionApp(home)
    app.open()
    app.unlock(PASSPHRASE)
    t0 = datetime(2026, 3, 14, 9, 0, tzinfo=TZ)
    app.screen_time.store.save_spans([
        SpanClosed("firefox", "News", "browsing", t0, t0 + timedelta(minutes=30), "2026-03-14"),
        SpanClosed("vlc", None, "video", t0 + timedelta(hours=1), t0 + timedelta(hours=2),
                   "2026-03-14")])
    app.close()


def test_status_in_json_gives_seconds_per_app_category_and_budget(
        cli, vault_home: Path) -> None:  # type: ignore[no-untyped-def]
    seed(vault_home)
    assert cli("screentime", "budget", "set", "video", "45").code == 0
    assert cli("screentime", "budget", "set", "total", "120", "--weekday", "sat").code == 0
    result = cli("screentime", "status", "--date", "2026-03-14", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["total_seconds"] == 5400
    assert data["apps"] == {"vlc": 3600, "firefox": 1800}
    assert data["categories"] == {"video": 3600, "browsing": 1800}
    assert {(b["kind"], b["target"], b["weekday"], b["limit_seconds"], b["used_seconds"])
            for b in data["budgets"]} == {("category", "video", None, 2700, 3600),
                                          ("total", "", "saturday", 7200, 5400)}
    text = cli("screentime", "status", "--date", "2026-03-14")
    assert "1 h 30 min" in text.out and "video: 1 h 00 min of 45 min (133%)" in text.out
    listed = cli("screentime", "budget", "list")
    assert "all screen time: 2 h 00 min on saturdays" in listed.out
    assert cli("screentime", "budget", "remove", "video").code == 0
    assert cli("screentime", "budget", "remove", "video").code == 1


def test_bad_input_is_one_clear_line(cli, vault_home: Path) -> None:  # type: ignore[no-untyped-def]
    bad_date = cli("screentime", "status", "--date", "14/03/2026")
    assert bad_date.code == 1 and "is not a date" in bad_date.err
    bad_minutes = cli("screentime", "budget", "set", "games", "0")
    assert bad_minutes.code == 1 and "1 to 1440" in bad_minutes.err
    assert "Traceback" not in bad_date.err + bad_minutes.err


def test_track_without_a_desktop_says_so(cli, vault_home: Path,  # type: ignore[no-untyped-def]
                                        monkeypatch) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "XDG_SESSION_TYPE"):
        monkeypatch.delenv(name, raising=False)
    result = cli("screentime", "track")
    assert result.code == 1
    assert "cannot measure screen time here" in result.err


@pytest.mark.slow
def test_track_saves_on_sigterm(vault_home: Path, tmp_path: Path) -> None:
    """A real child process measuring a real X session until SIGTERM."""
    with x_session() as xsession:
        xsession.focus(xsession.xterm("tracked window"))
        env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "DISPLAY": xsession.display}
        env.pop("WAYLAND_DISPLAY", None)
        child = subprocess.Popen(
            [sys.executable, "-m", "companion.cli", "--passphrase-stdin", "screentime",
             "track"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, env=env, cwd=PROJECT_ROOT)
        assert child.stdin is not None and child.stdout is not None
        child.stdin.write(PASSPHRASE + "\n")
        child.stdin.close()
        lines = [child.stdout.readline(), child.stdout.readline()]
        assert "On X11, Companion sees which app is in front" in lines[0]
        assert "Measuring screen time" in lines[1]
        # Let a few one-second heartbeats pass so there is use to save: a SIGTERM in the first
        # instant (possible on a busy machine) would rightly save nothing.
        time.sleep(3)
        child.send_signal(signal.SIGTERM)
        child.wait(60)
        out = child.stdout.read()
        err = child.stderr.read() if child.stderr else ""
        child.stdout.close()
        if child.stderr:
            child.stderr.close()
    assert child.returncode == 0, err
    assert "Stopped; saved 1 stretch of use." in out
    app = CompanionApp(vault_home)
    app.open()
    app.unlock(PASSPHRASE)
    try:
        days = app.screen_time.store.daily_by_category("2000-01-01", "2999-12-31")
        assert len(days) == 1, "the open span was saved"
        day = next(iter(days))
        assert [(s.app, s.title) for s in app.screen_time.store.spans(day)] == [
            ("XTerm", "tracked window")]
    finally:
        app.close()
