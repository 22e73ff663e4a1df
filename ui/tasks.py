"""The one way the desktop app runs work off the GUI thread (Anki's taskman, Picard's run_task).

`runner.run(fn, on_success, on_failure)` calls `fn()` on a worker thread and then
`on_success(result)` or `on_failure(error)` on the GUI thread.

One failure policy (Anki's CollectionOp, Picard's run_task): `on_failure` only ever receives a
`UserError`. An exception the core maps to one (`as_user_error`: a full disk, a damaged
vault, a folder that cannot be used) arrives as that; any other exception is a bug, handed to
`report_bug` first (which writes a report without user content and says where), and the
handler receives a `ReportedBug` saying exactly that. A failure with no handler goes to
`unhandled`. Vault work goes to a single
serial worker, so database calls never interleave; key derivation, export and sync go to a
separate pool and never queue behind it. Tests can use `InlineTaskRunner`, which runs
everything at once on the calling thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from companion.errors import ReportedBug, as_user_error

log = logging.getLogger(__name__)

Success = Callable[[Any], None]
Failure = Callable[[BaseException], None]
BugReport = Callable[[BaseException], Path | None]


class Lane(Enum):
    VAULT = "vault"  # every database call: one at a time, in submission order
    HEAVY = "heavy"  # key derivation, export, sync: in parallel with the vault lane


class _Relay(QObject):
    """Lives on the GUI thread; signals emitted from workers arrive here queued."""

    finished = Signal(int, bool, object)


class _Job(QRunnable):
    def __init__(self, job_id: int, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.job_id, self.fn, self.relay = job_id, fn, relay
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # delivered to on_failure on the GUI thread
            self.relay.finished.emit(self.job_id, False, exc)
        else:
            self.relay.finished.emit(self.job_id, True, result)


class TaskRunner(QObject):
    """Runs callables on worker threads and reports back on the GUI thread."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._vault_pool = QThreadPool(self)
        self._vault_pool.setMaxThreadCount(1)
        self._heavy_pool = QThreadPool(self)
        self._heavy_pool.setMaxThreadCount(2)
        self._relay = _Relay(self)
        self._relay.finished.connect(self._deliver)
        self._callbacks: dict[int, tuple[Success | None, Failure | None]] = {}
        self._next_id = 0
        self._lock = threading.Lock()
        self.unhandled: Failure = _log_failure
        self.report_bug: BugReport = _log_bug

    def run(self, fn: Callable[[], Any], on_success: Success | None = None,
            on_failure: Failure | None = None, *, lane: Lane = Lane.VAULT) -> None:
        with self._lock:
            self._next_id += 1
            job_id = self._next_id
            self._callbacks[job_id] = (on_success, on_failure)
            first = len(self._callbacks) == 1
        if first:
            self.busy_changed.emit(True)
        pool = self._vault_pool if lane is Lane.VAULT else self._heavy_pool
        pool.start(_Job(job_id, fn, self._relay))

    @property
    def pending(self) -> int:
        return len(self._callbacks)

    def wait_idle(self, msecs: int = 30_000) -> bool:
        """Block until the workers are done (shutdown and tests only, never in a slot)."""
        return self._vault_pool.waitForDone(msecs) and self._heavy_pool.waitForDone(msecs)

    @Slot(int, bool, object)
    def _deliver(self, job_id: int, ok: bool, payload: object) -> None:
        with self._lock:
            on_success, on_failure = self._callbacks.pop(job_id, (None, None))
            idle = not self._callbacks
        try:
            if _owner_gone(on_success) or _owner_gone(on_failure):
                return  # the widget that asked was closed (e.g. on lock): nobody to tell
            if ok:
                if on_success is not None:
                    on_success(payload)
            else:
                assert isinstance(payload, BaseException)
                self.fail(payload, on_failure)
        finally:
            if idle:
                self.busy_changed.emit(False)


    def fail(self, exc: BaseException, on_failure: Failure | None) -> None:
        """Apply the failure policy (see the module docstring) to `exc`."""
        error = as_user_error(exc)
        if error is None:
            if on_failure is None:
                self.unhandled(exc)  # the bug reporter: a report, and a dialog once per bug
                return
            error = ReportedBug(self.report_bug(exc))
        (on_failure or self.unhandled)(error)


class InlineTaskRunner(TaskRunner):
    """Runs each task immediately on the calling thread (for tests that want no waiting)."""

    def run(self, fn: Callable[[], Any], on_success: Success | None = None,
            on_failure: Failure | None = None, *, lane: Lane = Lane.VAULT) -> None:
        try:
            result = fn()
        except Exception as exc:
            self.fail(exc, on_failure)
        else:
            if on_success is not None:
                on_success(result)


def _owner_gone(callback: Callable[..., None] | None) -> bool:
    owner = getattr(callback, "__self__", None)
    return isinstance(owner, QObject) and not shiboken6.isValid(owner)


def _log_failure(exc: BaseException) -> None:
    # ui.errors installs a handler that shows the sentence; this default only logs its type.
    log.error("background task failed: %s", type(exc).__name__)


def _log_bug(exc: BaseException) -> Path | None:
    # ui.errors installs the real reporter (a report file, a dialog once per traceback).
    log.error("bug in a background task: %s", type(exc).__name__)
    return None

