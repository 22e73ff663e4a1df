"""The macOS probe: NSWorkspace for the app in front, CGEventSourceSecondsSinceLastEventType
for idle time. Needs pyobjc (the `macos` extra: `pip install "companion[macos]"`).

Window titles need the Accessibility permission, which Companion does not ask for: on macOS it
measures apps, not titles.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

from companion.screentime.probes.base import Capabilities, ProbeUnavailable, Sample
from companion.screentime.tracker import ActiveWindow

# A plain str, so type checkers on other systems still check the code below the test.
PLATFORM: str = sys.platform

ANY_INPUT_EVENT = 0xFFFFFFFF  # kCGAnyInputEventType
COMBINED_SESSION_STATE = 0    # kCGEventSourceStateCombinedSessionState


class MacProbe:
    def __init__(self) -> None:
        if PLATFORM != "darwin":
            raise ProbeUnavailable("the macOS probe runs on macOS only")
        try:
            appkit: Any = importlib.import_module("AppKit")
            self._quartz: Any = importlib.import_module("Quartz")
        except ImportError:
            raise ProbeUnavailable(
                'pyobjc is not installed (pip install "companion[macos]")') from None
        self._workspace: Any = appkit.NSWorkspace.sharedWorkspace()
        self.capabilities = Capabilities(
            "macOS", apps=True, titles=False, idle=True, locked=False,
            note="Window titles would need the Accessibility permission; Companion does "
                 "not ask for it.")

    def sample(self) -> Sample:
        idle = float(self._quartz.CGEventSourceSecondsSinceLastEventType(
            COMBINED_SESSION_STATE, ANY_INPUT_EVENT))
        app = self._workspace.frontmostApplication()
        active = None
        if app is not None:
            name = app.localizedName() or app.bundleIdentifier() or "unknown"
            active = ActiveWindow(str(name), None)
        return Sample(active, idle)

    def close(self) -> None:
        pass
