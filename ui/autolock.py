"""Auto-lock after N minutes without keyboard or mouse input.

Input inside Companion always counts. Where the screen-time probe can see input anywhere on the
desktop, that counts too: someone working in other apps is at their computer, and locking
Companion under them would also stop the screen-time measurement they asked for.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

_INPUT_EVENTS = {
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
    QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.TabletPress,
}


class IdleWatcher(QObject):
    """Watches application-wide input; emits `idle` once after `minutes` without any.

    Time comes from `clock` (monotonic seconds) so tests can move it forward.
    """

    idle = Signal()

    def __init__(self, minutes: int, clock: Callable[[], float] = time.monotonic,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.clock = clock
        self.minutes = minutes
        self.last_input = clock()
        self.armed = False
        self.timer = QTimer(self)
        self.timer.setInterval(5_000)
        self.timer.timeout.connect(self.check)

    def arm(self) -> None:
        self.last_input = self.clock()
        self.armed = True
        self.timer.start()

    def disarm(self) -> None:
        self.armed = False
        self.timer.stop()

    def set_minutes(self, minutes: int) -> None:
        self.minutes = minutes

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() in _INPUT_EVENTS:
            self.last_input = self.clock()
        return False

    def note_activity(self, idle_seconds: float) -> None:
        """Input elsewhere on the desktop, `idle_seconds` ago (from the screen-time probe)."""
        self.last_input = max(self.last_input, self.clock() - max(0.0, idle_seconds))

    def check(self) -> None:
        if self.armed and self.minutes > 0 and \
                self.clock() - self.last_input >= self.minutes * 60:
            self.disarm()
            self.idle.emit()
