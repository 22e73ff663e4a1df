"""Break reminders: when to suggest resting the eyes or getting up (DESIGN.md §6).

Pure and clock-free: the tracker feeds it each heartbeat (`observe`) with how long input has
been quiet. Only time with input counts towards a break; a pause as long as the break itself
counts as having taken it. Defaults follow the usual advice: a 20-second look into the distance
after 20 minutes of active use (the 20-20-20 rule), and a 5-minute rest away from the screen
after 50 minutes of continuous use (rests of 5–10 minutes after 50–60 minutes are the range
offered). A skipped reminder comes back after the same stretch again; `postpone` brings it back
after a few more minutes of use instead. Each kind can be turned off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

BreakKind = Literal["eye", "rest"]
BREAK_KINDS: tuple[BreakKind, ...] = ("eye", "rest")
REST_AFTER_RANGE = (timedelta(minutes=50), timedelta(minutes=60))
REST_LENGTH_RANGE = (timedelta(minutes=5), timedelta(minutes=10))


@dataclass(frozen=True)
class BreakDue:
    kind: BreakKind
    at: datetime
    suggested: timedelta  # how long a break to suggest


@dataclass(frozen=True)
class BreakSettings:
    eye_enabled: bool = True
    eye_after: timedelta = timedelta(minutes=20)
    eye_length: timedelta = timedelta(seconds=20)
    rest_enabled: bool = True
    rest_after: timedelta = timedelta(minutes=50)
    rest_length: timedelta = timedelta(minutes=5)

    def validated(self) -> BreakSettings:
        if not REST_AFTER_RANGE[0] <= self.rest_after <= REST_AFTER_RANGE[1]:
            raise ValueError("a rest break is suggested after 50 to 60 minutes")
        if not REST_LENGTH_RANGE[0] <= self.rest_length <= REST_LENGTH_RANGE[1]:
            raise ValueError("a rest break lasts 5 to 10 minutes")
        if self.eye_after <= timedelta() or self.eye_length <= timedelta():
            raise ValueError("eye-break times must be positive")
        return self

    def enabled(self, kind: BreakKind) -> bool:
        return self.eye_enabled if kind == "eye" else self.rest_enabled

    def after(self, kind: BreakKind) -> timedelta:
        return self.eye_after if kind == "eye" else self.rest_after

    def length(self, kind: BreakKind) -> timedelta:
        return self.eye_length if kind == "eye" else self.rest_length


class BreakPlanner:
    """Counts active use per break kind and says when a break is due."""

    def __init__(self, settings: BreakSettings | None = None) -> None:
        self.settings = (settings or BreakSettings()).validated()
        self._used: dict[BreakKind, timedelta] = {kind: timedelta() for kind in BREAK_KINDS}

    def configure(self, settings: BreakSettings) -> None:
        self.settings = settings.validated()

    def used(self, kind: BreakKind) -> timedelta:
        """Active use since the last break of this kind (taken or reminded)."""
        return self._used[kind]

    def until_due(self, kind: BreakKind) -> timedelta | None:
        """Active use left before the next reminder of `kind`; None when that kind is off."""
        if not self.settings.enabled(kind):
            return None
        return max(timedelta(), self.settings.after(kind) - self._used[kind])

    def rested(self, pause: timedelta) -> None:
        """A pause without input (or a gap while the machine slept) of length `pause`."""
        for kind in BREAK_KINDS:
            if pause >= self.settings.length(kind):
                self._used[kind] = timedelta()

    def observe(self, now: datetime, active_for: timedelta) -> list[BreakDue]:
        """`active_for` more of active use up to `now`; the reminders that are due now."""
        for kind in BREAK_KINDS:
            self._used[kind] += max(timedelta(), active_for)
        s = self.settings
        if s.rest_enabled and self._used["rest"] >= s.rest_after:
            # A rest break covers the eye break too: one reminder, not two.
            self._used["rest"] = self._used["eye"] = timedelta()
            return [BreakDue("rest", now, s.rest_length)]
        if s.eye_enabled and self._used["eye"] >= s.eye_after:
            self._used["eye"] = timedelta()
            return [BreakDue("eye", now, s.eye_length)]
        return []

    def postpone(self, kind: BreakKind, minutes: float) -> None:
        """Remind again after `minutes` more of active use (not wall time: idle pauses it)."""
        after = self.settings.after(kind)
        self._used[kind] = max(timedelta(), after - timedelta(minutes=minutes))
