"""Background device sync (your journal on your other computers): after unlock, on the same
timer as the circles (`prefs.circle_sync_minutes`) and on demand, always in the task runner's
heavy lane and never on the GUI thread.

Everything that touches the device group goes through one queue here and runs one job at a
time: a sync round, and what the Settings card asks (set up, join, allow, remove, resolve a
conflict). A round and a removal never interleave, and the group is built once. Each job also
reads what the card shows (`DeviceSnapshot`) on the worker, so the card never runs SQL.

A failed round is kept as the last outcome, with its sentence, until a later round succeeds;
what the person wrote stays in the vault meanwhile and goes out at the next round that
reaches the storage.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from companion.app import CompanionApp
from companion.devices.group import (
    DeviceConflict,
    DeviceStatus,
    DeviceSyncReport,
    DeviceView,
    JoinAsk,
)
from companion.errors import UserError
from companion.plurals import plural
from companion.preferences import Preferences
from ui.context import UiContext
from ui.tasks import Lane
from ui.widgets.common import user_message

MINUTE_MS = 60_000
# While a person waits for the other computer (a pairing code is shown, or this computer asks
# to join), sync this often, so the next step shows without pressing Sync now.
HURRY_MS = 15_000
# A computer waiting to be let in looks that often for an hour (a pairing code's life): one
# refused, or never let in, does not keep asking the storage every few seconds.
JOINING_HURRY_SECONDS = 3600


def tr(text: str) -> str:
    return QCoreApplication.translate("DeviceSync", text)


@dataclass(frozen=True)
class DeviceSnapshot:
    """What the Settings card shows, read in one go on a worker."""

    set_up: bool
    status: DeviceStatus | None = None
    devices: tuple[DeviceView, ...] = ()
    asking: tuple[JoinAsk, ...] = ()
    conflicts: tuple[DeviceConflict, ...] = ()
    joining_number: str = ""

    @property
    def state(self) -> str:
        """"none" (not set up), "joining", "active" or "removed"."""
        return self.status.state if self.status is not None else "none"


def read_snapshot(app: CompanionApp) -> DeviceSnapshot:
    group = app.devices
    if group.row() is None:
        return DeviceSnapshot(False)
    status = group.status()
    devices = tuple(group.devices())
    if status.state == "joining":
        return DeviceSnapshot(True, status, devices, joining_number=group.joining_safety_number())
    asking = tuple(group.asking()) if status.state == "active" else ()
    return DeviceSnapshot(True, status, devices, asking, tuple(app.device_conflicts()))


@dataclass
class DeviceRound:
    """The last sync round: its report, or the error that stopped it."""

    at: datetime
    report: DeviceSyncReport | None = None
    error: BaseException | None = None


@dataclass
class _Job:
    kind: str  # "round", "task" (something the card asked) or "read"
    work: Callable[[], Any]
    done: Callable[[Any], None] | None = None
    failed: Callable[[BaseException], None] | None = None
    owner: QObject | None = None  # a widget whose callbacks these are: none once it is gone


def _alive(job: _Job, callback: Callable[..., None] | None) -> bool:
    if callback is None or job.owner is not None and not shiboken6.isValid(job.owner):
        return False
    owner = getattr(callback, "__self__", None)
    return not isinstance(owner, QObject) or shiboken6.isValid(owner)


class DeviceSyncer(QObject):
    """The one queue of device-sync work, run one job at a time off the GUI thread."""

    started = Signal()  # a round began
    finished = Signal(object)  # DeviceRound, on the GUI thread
    snapshot_changed = Signal(object)  # DeviceSnapshot
    idle = Signal()  # the queue ran dry
    schedule_changed = Signal()  # it began or stopped looking every few seconds

    def __init__(self, ctx: UiContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.last: DeviceRound | None = None
        self.snapshot: DeviceSnapshot | None = None
        self._queue: deque[_Job] = deque()
        self._running: _Job | None = None
        self._stopped = True  # until start()
        self._hurry = 0
        self._joining_since: float | None = None
        self.hurrying = False
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        ctx.prefs.changed.connect(self._apply_preferences)

    # -- scheduling -------------------------------------------------------------------------

    def start(self) -> None:
        """A first round now (the vault was just unlocked; nothing happens on the storage if
        device sync is not set up), then on the timer."""
        self._stopped = False
        self.sync_now()
        self._apply_preferences(self.ctx.prefs.current)

    def stop(self) -> None:
        """Before the vault locks: nothing more is queued, and what the card was shown
        (entry texts among it) is dropped."""
        self._stopped = True
        self.timer.stop()
        self._queue.clear()
        self.snapshot = None
        self.last = None

    @property
    def busy(self) -> bool:
        return self._running is not None or bool(self._queue)

    @property
    def syncing(self) -> bool:
        return self._running is not None and self._running.kind == "round"

    @property
    def interval_minutes(self) -> int:
        return self.ctx.prefs.current.circle_sync_minutes

    def hurry(self, on: bool) -> None:
        """Sync every few seconds while someone waits for the other computer (the pairing
        dialog is open)."""
        self._hurry = max(0, self._hurry + (1 if on else -1))
        self._apply_preferences(self.ctx.prefs.current)

    def sync_now(self) -> None:
        if self._stopped:
            return
        if not any(job.kind == "round" for job in self._queue):
            app = self.ctx.app
            self._queue.append(_Job("round", lambda: (app.sync_devices()
                                                      if app.devices.row() is not None
                                                      else None)))
        self._next()

    def refresh(self) -> None:
        """Read what the card shows again (every queued job reads it when it ends)."""
        if self._stopped:
            return
        if not self._queue:
            self._queue.append(_Job("read", lambda: None))
        self._next()

    def run(self, work: Callable[[], Any], done: Callable[[Any], None] | None = None,
            failed: Callable[[BaseException], None] | None = None, *,
            sync_after: bool = False, owner: QObject | None = None) -> None:
        """`work` (it uses `app.devices`) in its turn, then `done(result)` or `failed(error)`
        on the GUI thread, unless `owner` (or the object of a bound method) was deleted
        meanwhile; `sync_after`: a round follows (letting a computer in, removing one, sending
        a resolved conflict)."""
        if self._stopped:
            return
        self._queue.append(_Job("task", work, done, failed, owner))
        if sync_after:
            self.sync_now()
        self._next()

    def _tick(self) -> None:
        if self.snapshot is None or self.snapshot.state in ("active", "joining"):
            self.sync_now()

    def _next(self) -> None:
        if self._running is not None or self._stopped:
            return
        if not self._queue:
            self.idle.emit()
            return
        job = self._queue.popleft()
        self._running = job
        if job.kind == "round":
            self.started.emit()
        app = self.ctx.app
        work = job.work

        def run() -> tuple[Any, DeviceSnapshot]:
            result = work()
            return result, read_snapshot(app)

        self.ctx.runner.run(run, self._done, self._failed, lane=Lane.HEAVY)

    def _done(self, outcome: tuple[Any, DeviceSnapshot]) -> None:
        job, self._running = self._running, None
        if self._stopped or job is None:
            return
        result, snapshot = outcome
        self.snapshot = snapshot
        if job.kind == "round" and result is not None:
            self.last = DeviceRound(self.ctx.app.clock.now(), report=result)
            self.finished.emit(self.last)
        if job.done is not None and _alive(job, job.done):
            job.done(result)
        self.snapshot_changed.emit(snapshot)
        self._apply_preferences(self.ctx.prefs.current)  # joining ended, say
        self._next()

    def _failed(self, exc: BaseException) -> None:
        job, self._running = self._running, None
        if self._stopped or job is None:
            return
        if job.kind == "round":
            self.last = DeviceRound(self.ctx.app.clock.now(), error=exc)
            self.finished.emit(self.last)
        if job.failed is not None and _alive(job, job.failed):
            job.failed(exc)
        if job.kind != "read":
            self.refresh()  # what did change (a status, a last sync) is shown as it is
        else:
            self._next()

    def _apply_preferences(self, prefs: Preferences) -> None:
        if self._stopped:
            return
        joining = self.snapshot is not None and self.snapshot.state == "joining"
        if not joining:
            self._joining_since = None
        elif self._joining_since is None:
            self._joining_since = time.monotonic()
        hurrying = bool(self._hurry) or (
            self._joining_since is not None
            and time.monotonic() - self._joining_since < JOINING_HURRY_SECONDS)
        if hurrying != self.hurrying:
            self.hurrying = hurrying
            self.schedule_changed.emit()
        if self.hurrying:
            wanted = HURRY_MS
        elif prefs.circle_sync_minutes > 0:
            wanted = prefs.circle_sync_minutes * MINUTE_MS
        else:
            self.timer.stop()
            return
        if self.timer.interval() != wanted or not self.timer.isActive():
            self.timer.start(wanted)


# -- sentences --------------------------------------------------------------------------------


def when(moment: datetime) -> str:
    return moment.astimezone().strftime("%a %d %b, %H:%M")


def storage_check(exc: BaseException) -> str | None:
    """What to check, when `exc` says the storage could not be used (the transports'
    `StorageError`, which the UI may not import: it carries `check`, no other error does)."""
    check = getattr(exc, "check", None)
    return check if isinstance(exc, UserError) and isinstance(check, str) and check else None


def describe_failure(exc: BaseException) -> str:
    """A failed round, said with what happened to the person's changes."""
    check = storage_check(exc)
    if check is not None:
        return tr("The last sync could not use the storage. %1. Nothing was lost: your changes "
                  "wait on this computer.").replace("%1", check)
    return tr("The last sync failed: %1").replace("%1", user_message(exc))


def describe_setup_failure(exc: BaseException) -> str:
    """Setting up or joining failed: nothing was saved (the storage is tried first)."""
    check = storage_check(exc)
    if check is not None:
        return tr("Companion could not use that storage. %1, then try again. Nothing was "
                  "saved.").replace("%1", check)
    return user_message(exc)


def describe_status(snapshot: DeviceSnapshot, last: DeviceRound | None, syncing: bool) -> str:
    """Syncing · last sync · waiting to send · conflicts · what the last round refused."""
    status = snapshot.status
    if status is None:
        return ""
    parts = [tr("Syncing…")] if syncing else []
    if status.last_sync_us is not None:
        moment = datetime.fromtimestamp(status.last_sync_us / 1e6).astimezone()
        parts.append(tr("Last sync %1").replace("%1", when(moment)))
    else:
        parts.append(tr("Not synced yet"))
    if status.changes_waiting:
        parts.append(tr("%1 waiting to send").replace(
            "%1", plural(status.changes_waiting, tr("change"))))
    if status.messages_waiting:
        parts.append(tr("%1 waiting to go to the storage").replace(
            "%1", plural(status.messages_waiting, tr("message"))))
    if snapshot.conflicts:
        parts.append(tr("%1 edited on two computers").replace(
            "%1", plural(len(snapshot.conflicts), "entry")))
    report = last.report if last is not None else None
    if report is not None:
        merged = report.merged
        refused = report.refused_batches + merged.refused
        if refused:
            parts.append(tr("%1 refused").replace("%1", plural(refused, tr("damaged item"))))
        if merged.held:
            parts.append(tr("%1 wait: another computer's clock is over an hour ahead").replace(
                "%1", plural(len(merged.held), tr("batch"), tr("batches"))))
        if report.too_large:
            parts.append(tr("%1 too large to send (over 180,000 bytes) stay on this computer"
                            ).replace("%1", plural(report.too_large, tr("change"))))
        for problem in report.engine.problems:
            parts.append(tr("Warning: %1").replace("%1", problem))
    return " · ".join(parts)


def describe_schedule(minutes: int, hurrying: bool = False) -> str:
    if hurrying:
        return tr("While it waits for your other computer, Companion looks every %1 seconds."
                  ).replace("%1", str(HURRY_MS // 1000))
    if minutes <= 0:
        return tr("Companion syncs only when you press Sync now.")
    return tr("Companion syncs every %1 while it is unlocked, and when you press Sync now."
              ).replace("%1", plural(minutes, tr("minute")) if minutes != 1 else tr("minute"))
