"""SIGTERM, SIGINT (Ctrl+C) and SIGHUP end the desktop app the way Quit does.

Python runs a signal handler only when the interpreter gets control, and inside Qt's event
loop it may not for a long time: the C-level handler's wake-up byte goes to a socket that a
QSocketNotifier watches, so the loop wakes, Python runs the handler, and the handler asks the
loop to quit. `run_gui` then shuts down as after Quit (workers finish, the vault closes, the
demo's folder is removed). A signal before the loop runs quits it as soon as it starts.

A second signal while shutting down means "now": `on_repeat` runs (the demo removes its
folder) and the process ends at once with 128 + the signal's number.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
from collections.abc import Callable
from types import FrameType

from PySide6.QtCore import QCoreApplication, QObject, QSocketNotifier, QTimer

log = logging.getLogger(__name__)
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP")
                     if hasattr(signal, name))


class StopOnSignals(QObject):
    def __init__(self, qt_app: QCoreApplication,
                 on_repeat: Callable[[], None] | None = None) -> None:
        super().__init__(qt_app)
        self.received: int | None = None  # the first stop signal, once one came
        self._on_repeat = on_repeat
        self._reader, self._writer = socket.socketpair()
        for end in (self._reader, self._writer):
            end.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno(),
                                                 warn_on_full_buffer=False)
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read,
                                         self)
        self._notifier.activated.connect(self._drain)
        self._previous = {number: signal.signal(number, self._handle)
                          for number in STOP_SIGNALS}

    @property
    def exit_code(self) -> int | None:
        """128 + the signal's number once one asked the app to stop (the shell's convention)."""
        return None if self.received is None else 128 + self.received

    def _drain(self) -> None:
        # The handler itself runs in Python as this slot is entered; here only the wake-up
        # bytes are read so that the notifier does not fire again.
        with contextlib.suppress(OSError):
            while self._reader.recv(64):
                pass

    def _handle(self, number: int, _frame: FrameType | None) -> None:
        if self.received is not None:
            if self._on_repeat is not None:
                self._on_repeat()
            os._exit(128 + number)
        self.received = number
        log.info("stopping on signal %d", number)
        # A zero timer fires once the loop runs: now, or as soon as it starts.
        QTimer.singleShot(0, QCoreApplication.quit)

    def uninstall(self) -> None:
        """Give the signals back to their previous handlers (after the loop has ended)."""
        for number, previous in self._previous.items():
            signal.signal(number, previous)
        self._previous.clear()
        signal.set_wakeup_fd(self._previous_fd)
        self._notifier.setEnabled(False)
        self._reader.close()
        self._writer.close()
