"""What every screen-time probe shares: a sample, what it can measure, how it fails.

Apart from the package's `__init__` (which picks a probe and imports the platform modules)
so that the platform modules can import these without importing their own chooser.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from companion.screentime.tracker import ActiveWindow

UNKNOWN_APP = "(any app)"  # the app when a desktop tells idle time but not the app in front


@dataclass(frozen=True)
class Sample:
    active: ActiveWindow | None  # None: no window in front, or it cannot be known now
    idle_seconds: float           # seconds since the last keyboard or mouse input
    locked: bool = False          # the screen is locked or the screen saver runs


@dataclass(frozen=True)
class Capabilities:
    desktop: str       # "X11", "Windows", "macOS", "GNOME on Wayland", …
    apps: bool         # knows which app is in front
    titles: bool       # knows the window title
    idle: bool         # knows how long since the last input
    locked: bool       # knows when the screen is locked
    note: str = ""     # what to do to get more, or why something is missing

    @property
    def measures(self) -> bool:
        return self.apps or self.idle

    @property
    def summary(self) -> str:
        """One or two plain sentences for the screen-time page and `screentime status`."""
        if not self.measures and self.desktop == "no graphical session":
            text = "Companion cannot measure screen time here."
        elif not self.measures:
            text = f"Companion cannot measure screen time on this desktop ({self.desktop})."
        elif self.apps:
            what = "which app is in front" + (" and its window title" if self.titles else "")
            idle = ("when you step away" if self.idle
                    else "not when you step away (time counts while a window is in front)")
            text = f"On {self.desktop}, Companion sees {what}, and {idle}."
        else:
            text = (f"On {self.desktop}, Companion can measure your total active time, "
                    "but not which app you use.")
        return f"{text} {self.note}".strip()


class ProbeUnavailable(Exception):
    """A probe cannot start here; the message says why in a few words (no user content)."""


class Probe(Protocol):
    capabilities: Capabilities

    def sample(self) -> Sample: ...

    def close(self) -> None: ...


class NullProbe:
    """Measures nothing: for desktops Companion cannot see into."""

    def __init__(self, desktop: str, note: str = "") -> None:
        self.capabilities = Capabilities(desktop, False, False, False, False, note)

    def sample(self) -> Sample:
        return Sample(None, 0.0)

    def close(self) -> None:
        pass
