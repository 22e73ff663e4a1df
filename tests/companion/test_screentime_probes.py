"""Probes: the X11 one against a real Xvfb + openbox with two real xterms focused in turn;
detection and degradation everywhere else (no Windows, macOS or Wayland session exists here,
so those are checked for importing and for failing gently)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

from companion.app import CompanionApp
from companion.screentime.probes import (
    UNKNOWN_APP,
    Capabilities,
    GuardedProbe,
    Probe,
    Sample,
    detect_probe,
)
from companion.screentime.probes.macos import MacProbe
from companion.screentime.probes.windows import WindowsProbe
from companion.screentime.probes.x11 import X11Probe
from companion.screentime.tracker import ActiveWindow
from tests.support.dbus_session import focused_window, gnome_idle, serving, session_bus
from tests.support.xvfb import XSession, x_session

TZ = timezone(timedelta(hours=1))


@pytest.fixture(scope="module")
def xsession() -> Iterator[XSession]:
    with x_session() as session:
        yield session


def settled(probe: Probe, title: str) -> Sample:
    """The first sample showing `title` in front: the window manager sets _NET_ACTIVE_WINDOW a
    moment after xdotool's focus request, so a sample taken at once may still see the last."""
    deadline = time.monotonic() + 10
    while True:
        sample = probe.sample()
        if getattr(sample.active, "title", None) == title:
            return sample
        assert time.monotonic() < deadline, f"{title!r} never became the active window"
        time.sleep(0.05)


def test_the_x11_probe_follows_focus_between_two_real_windows(xsession: XSession) -> None:
    first, second = xsession.xterm("notes.txt - first"), xsession.xterm("second window")
    probe = detect_probe({"DISPLAY": xsession.display}, "linux")
    try:
        assert probe.capabilities == Capabilities("X11", True, True, True, True)
        assert "which app is in front and its window title" in probe.capabilities.summary
        xsession.focus(first)
        one = settled(probe, "notes.txt - first")
        xsession.focus(second)
        two = settled(probe, "second window")
        xsession.focus(first)
        three = settled(probe, "notes.txt - first")
    finally:
        probe.close()
    assert (one.active.app, one.active.title) == ("XTerm", "notes.txt - first")  # type: ignore[union-attr]
    assert two.active is not None and two.active.title == "second window"
    assert three.active == one.active
    assert not one.locked and one.idle_seconds >= 0


def test_real_focus_changes_become_merged_spans(xsession: XSession, app: CompanionApp) -> None:
    """The whole chain: X server → probe → tracker → vault, with a scripted clock."""
    first, second = xsession.xterm("alpha"), xsession.xterm("beta")
    probe = X11Probe(xsession.display)
    service = app.screen_time
    now = datetime(2026, 3, 14, 9, 0, tzinfo=TZ)
    service.load(now)
    try:
        for window, seconds, title in ((first, 30, "alpha"), (second, 20, "beta"),
                                       (first, 10, "alpha")):
            xsession.focus(window)
            settled(probe, title)  # the scripted seconds start once the X server agrees
            for _ in range(seconds):
                sample = probe.sample()
                service.tick(now, Sample(sample.active, 0.0))  # idle comes from the clock
                now += timedelta(seconds=1)
    finally:
        probe.close()
    service.stop(now)
    service.flush()
    spans = app.screen_time.store.spans("2026-03-14")
    assert [(s.title, s.seconds) for s in spans] == [("alpha", 30.0), ("beta", 20.0),
                                                      ("alpha", 10.0)]
    assert {s.category for s in spans} == {"work"}     # xterm is a terminal
    totals = app.screen_time.store.totals("2026-03-14")
    assert totals.by_app == {"XTerm": timedelta(seconds=60)}


def test_no_display_means_a_plain_message_not_a_crash() -> None:
    probe = detect_probe({}, "linux")
    assert not probe.capabilities.measures
    assert "cannot measure screen time" in probe.capabilities.summary
    assert probe.sample() == Sample(None, 0.0)


def test_an_unreachable_x_server_degrades_and_says_why() -> None:
    probe = detect_probe({"DISPLAY": ":239"}, "linux")
    assert not probe.capabilities.measures
    assert "X11: cannot connect to the X server" in probe.capabilities.summary


def test_other_platform_probes_import_everywhere_and_refuse_gently() -> None:
    for platform, expected in (("win32", "Windows"), ("darwin", "macOS")):
        probe = detect_probe({}, platform)
        assert expected in probe.capabilities.summary
        assert probe.sample() == Sample(None, 0.0)
    with pytest.raises(Exception, match="Windows only"):
        WindowsProbe()
    with pytest.raises(Exception, match="macOS only"):
        MacProbe()


def test_wayland_without_a_session_bus_degrades() -> None:
    probe = detect_probe({"WAYLAND_DISPLAY": "wayland-9", "XDG_CURRENT_DESKTOP": "GNOME",
                          "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent/bus"}, "linux")
    assert not probe.capabilities.measures
    assert "Wayland" in probe.capabilities.summary


class FlakyProbe:
    """A probe whose platform call fails (a stand-in: a real X server cannot be made to fail
    on demand without also failing the connection the test needs)."""

    def __init__(self) -> None:
        self.capabilities = Capabilities("Test desktop", True, False, True, False)
        self.fail = True
        self.closed = False

    def sample(self) -> Sample:
        if self.fail:
            raise OSError("connection lost")
        return Sample(None, 1.0)

    def close(self) -> None:
        self.closed = True


def test_a_failing_probe_degrades_then_gives_up_and_says_so() -> None:
    inner = FlakyProbe()
    probe = GuardedProbe(inner)
    assert probe.sample() == Sample(None, 0.0)         # one failure: this moment only
    inner.fail = False
    assert probe.sample() == Sample(None, 1.0)
    inner.fail = True
    for _ in range(5):
        assert probe.sample() == Sample(None, 0.0)
    assert probe.gave_up and inner.closed
    assert "Measuring stopped" in probe.capabilities.summary
    assert "OSError" in probe.capabilities.summary


def test_total_only_desktops_count_one_pseudo_app(app: CompanionApp) -> None:
    service = app.screen_time
    now = datetime(2026, 3, 14, 9, 0, tzinfo=TZ)
    for i in range(61):
        service.tick(now + timedelta(seconds=i), Sample(ActiveWindow(UNKNOWN_APP), 0.0))
    service.stop(now + timedelta(seconds=60))
    service.flush()
    assert app.screen_time.store.totals("2026-03-14").total == timedelta(seconds=60)


@pytest.mark.slow
def test_gnome_on_wayland_without_the_extension_measures_total_time_only() -> None:
    with session_bus() as address, serving(address, "org.gnome.Mutter.IdleMonitor",
                                           gnome_idle(lambda: 4500)):
        probe = detect_probe({"WAYLAND_DISPLAY": "wayland-0", "XDG_CURRENT_DESKTOP": "GNOME",
                              "DBUS_SESSION_BUS_ADDRESS": address}, "linux")
        try:
            assert probe.capabilities.desktop == "GNOME on Wayland"
            assert (probe.capabilities.apps, probe.capabilities.idle) == (False, True)
            assert "total active time, but not which app" in probe.capabilities.summary
            assert "Focused Window D-Bus" in probe.capabilities.summary
            assert probe.sample() == Sample(ActiveWindow(UNKNOWN_APP), 4.5)
        finally:
            probe.close()


@pytest.mark.slow
def test_gnome_with_the_focused_window_extension_sees_the_app() -> None:
    window = {"wm_class": "firefox", "title": "News"}
    with session_bus() as address, \
            serving(address, "org.gnome.Mutter.IdleMonitor", gnome_idle(lambda: 0)), \
            serving(address, "org.gnome.Shell", focused_window(lambda: window)):
        probe = detect_probe({"WAYLAND_DISPLAY": "wayland-0", "XDG_CURRENT_DESKTOP": "GNOME",
                              "DBUS_SESSION_BUS_ADDRESS": address}, "linux")
        try:
            assert probe.capabilities.apps and probe.capabilities.titles
            assert probe.sample().active == ActiveWindow("firefox", "News")
            window = {"wm_class": "code", "title": ""}
            assert probe.sample().active == ActiveWindow("code", None)
        finally:
            probe.close()


@pytest.mark.slow
def test_a_wayland_desktop_that_answers_nothing_degrades() -> None:
    with session_bus() as address:
        probe = detect_probe({"WAYLAND_DISPLAY": "wayland-0", "XDG_CURRENT_DESKTOP": "KDE",
                              "DBUS_SESSION_BUS_ADDRESS": address}, "linux")
        assert not probe.capabilities.measures
        assert "answers neither idle time nor the focused window" in \
            probe.capabilities.summary
