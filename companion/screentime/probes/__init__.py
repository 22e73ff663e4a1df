"""What the desktop lets Companion see: the app in front, its title, idle time, a locked screen.

`detect_probe()` picks the probe for this session once, at start: X11, Windows, macOS, or
GNOME/KDE on Wayland, else one that measures nothing. Each probe says plainly what it can
measure (`Capabilities.summary`). A probe that fails while running does not stop the app: the
`GuardedProbe` wrapper reports "nothing measured" for that moment, and after repeated failures
gives up and says so in its capabilities.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import replace

from companion.screentime.probes.base import (
    UNKNOWN_APP,
    Capabilities,
    NullProbe,
    Probe,
    ProbeUnavailable,
    Sample,
)

__all__ = ["UNKNOWN_APP", "Capabilities", "GuardedProbe", "NullProbe", "Probe",
           "ProbeUnavailable", "Sample", "candidates", "detect_probe"]

log = logging.getLogger(__name__)
FAILURES_BEFORE_GIVING_UP = 5


class GuardedProbe:
    """Wraps a probe so that its failures degrade (and are said) instead of crashing."""

    def __init__(self, probe: Probe) -> None:
        self.inner = probe
        self.capabilities = probe.capabilities
        self.failures = 0
        self.gave_up = False

    def sample(self) -> Sample:
        if self.gave_up:
            return Sample(None, 0.0)
        try:
            sample = self.inner.sample()
        except Exception as exc:  # any platform error: this moment is simply not measured
            self.failures += 1
            log.warning("screen-time probe failed (%s)", type(exc).__name__)
            if self.failures >= FAILURES_BEFORE_GIVING_UP:
                self._give_up(type(exc).__name__)
            return Sample(None, 0.0)
        self.failures = 0
        return sample

    def _give_up(self, reason: str) -> None:
        self.gave_up = True
        self.capabilities = replace(
            self.capabilities, apps=False, titles=False, idle=False, locked=False,
            note=f"Measuring stopped: the {self.capabilities.desktop} probe kept failing "
                 f"({reason}). Restart Companion to try again.")
        try:
            self.inner.close()
        except Exception:
            log.warning("screen-time probe did not close cleanly")

    def close(self) -> None:
        self.inner.close()


def _x11(env: Mapping[str, str]) -> Probe:
    from companion.screentime.probes.x11 import X11Probe
    return X11Probe(env.get("DISPLAY"))


def _wayland(env: Mapping[str, str]) -> Probe:
    from companion.screentime.probes.wayland import WaylandProbe
    return WaylandProbe(env)


def _windows(env: Mapping[str, str]) -> Probe:
    from companion.screentime.probes.windows import WindowsProbe
    return WindowsProbe()


def _macos(env: Mapping[str, str]) -> Probe:
    from companion.screentime.probes.macos import MacProbe
    return MacProbe()


def candidates(env: Mapping[str, str], platform: str
               ) -> list[tuple[str, Callable[[Mapping[str, str]], Probe]]]:
    """The probes to try here, best first, each with the desktop it is for."""
    if platform == "win32":
        return [("Windows", _windows)]
    if platform == "darwin":
        return [("macOS", _macos)]
    found: list[tuple[str, Callable[[Mapping[str, str]], Probe]]] = []
    session = env.get("XDG_SESSION_TYPE", "").lower()
    if env.get("WAYLAND_DISPLAY") or session == "wayland":
        # XWayland also sets DISPLAY, but only shows X11 apps: Wayland's own answer is better.
        found.append(("Wayland", _wayland))
    if env.get("DISPLAY"):
        found.append(("X11", _x11))
    return found


def detect_probe(env: Mapping[str, str] | None = None,
                 platform: str | None = None) -> GuardedProbe:
    """The best probe that starts here; never raises (a NullProbe says why nothing works)."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    problems: list[str] = []
    for desktop, make in candidates(env, platform):
        try:
            return GuardedProbe(make(env))
        except Exception as exc:
            log.info("screen-time probe for %s unavailable (%s)", desktop,
                        type(exc).__name__)
            problems.append(f"{desktop}: {_reason(exc)}")
    if problems:
        return GuardedProbe(NullProbe(" / ".join(d for d, _ in candidates(env, platform)),
                                      "It tried: " + "; ".join(problems) + "."))
    return GuardedProbe(NullProbe(
        "no graphical session",
        "No desktop session was found (neither DISPLAY nor WAYLAND_DISPLAY is set)."))


def _reason(exc: Exception) -> str:
    """A short reason without user content (probe errors carry desktop names, not data)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]
