"""Python's garbage collector runs on the GUI thread only.

The collector runs on whichever thread happens to allocate when a threshold is crossed,
worker threads included. If it frees a cycle that holds a Qt object there, the object's
destructor takes Qt's connection lock and then waits for the GIL, while the GUI thread, inside
a Qt call that holds the GIL, waits for that lock: a deadlock (seen: a theme change while a
worker saved the preferences). Anki does the same for the same reason: automatic collection
off, and a timer on the GUI thread that collects when the counts say it is due.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_EVERY_MS = 1_000


class GuiThreadGarbageCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(CHECK_EVERY_MS)

    def check(self) -> None:
        """Collect the generations whose counts passed their thresholds (as gc would)."""
        first, second, third = gc.get_count()
        if first > self.threshold[0]:
            generation = 0
            if second > self.threshold[1]:
                generation = 2 if third > self.threshold[2] else 1
            gc.collect(generation)

    def stop(self) -> None:
        self.timer.stop()
        gc.enable()
