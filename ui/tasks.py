"""The one way the desktop app runs work off the GUI thread (Anki's taskman, Picard's run_task).

`runner.run(fn, on_success, on_failure)` calls `fn()` on a worker thread and then
`on_success(result)` or `on_failure(exception)` on the GUI thread. Vault work goes to a single
serial worker, so database calls never interleave; key derivation, export and sync go to a
separate pool and never queue behind it. Tests can use `InlineTaskRunner`, which runs
everything at once on the calling thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from enum import Enum
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

Success = Callable[[Any], None]
Failure = Callable[[BaseException], None]


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
                (on_failure or self.unhandled)(payload)
        finally:
            if idle:
                self.busy_changed.emit(False)


class InlineTaskRunner(TaskRunner):
    """Runs each task immediately on the calling thread (for tests that want no waiting)."""

    def run(self, fn: Callable[[], Any], on_success: Success | None = None,
            on_failure: Failure | None = None, *, lane: Lane = Lane.VAULT) -> None:
        try:
            result = fn()
        except Exception as exc:
            (on_failure or self.unhandled)(exc)
        else:
            if on_success is not None:
                on_success(result)


def _owner_gone(callback: Callable[..., None] | None) -> bool:
    owner = getattr(callback, "__self__", None)
    return isinstance(owner, QObject) and not shiboken6.isValid(owner)


def _log_failure(exc: BaseException) -> None:
    # Unhandled failures are bugs; ui.errors installs a handler that shows them once.
    log.error("background task failed: %s", type(exc).__name__)
