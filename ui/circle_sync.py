"""Background sync of the circles: after unlock, every few minutes (a preference) and on
demand, always in the task runner's heavy lane and one circle at a time.

Network and crypto never touch the GUI thread: a round runs `CircleService.sync` on a worker and
only its small report comes back. A failed round (server down, password refused, folder gone,
disk full) is kept as the circle's last error, with its hint, until a later round succeeds;
the outbox stays in the vault meanwhile, so nothing composed is lost.

New check-ins from others become a notice for the tray. Unless the person opted in, the notice
says only that something arrived, never who or how they feel: a notification can be read over a
shoulder or on a locked screen.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from companion.circle import SyncReport
from companion.preferences import Preferences
from ui.context import UiContext
from ui.tasks import Lane

MINUTE_MS = 60_000


@dataclass
class SyncOutcome:
    """The last round of one circle: its report, or the error that stopped it."""

    circle: bytes
    at: datetime
    report: SyncReport | None = None
    error: BaseException | None = None
    new_checkins: list[Any] = field(default_factory=list)
    latest_item: int | None = None


class CircleSyncer(QObject):
    """Queues circles to sync and runs them one after another off the GUI thread."""

    started = Signal(bytes)  # circle id: a round began
    finished = Signal(object)  # SyncOutcome, on the GUI thread
    idle = Signal()  # the queue ran dry
    notice = Signal(str, str)  # title, text: for the tray

    def __init__(self, ctx: UiContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.outcomes: dict[bytes, SyncOutcome] = {}
        self._queue: deque[bytes] = deque()
        self._running: bytes | None = None
        self._listing = False
        self._stopped = True  # until start()
        self._seen_items: dict[bytes, int] = {}
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.sync_all)
        ctx.prefs.changed.connect(self._apply_preferences)
        self._apply_preferences(ctx.prefs.current)

    # -- scheduling -------------------------------------------------------------------------

    def start(self) -> None:
        """Sync everything now (the vault was just unlocked) and then on the timer."""
        self._stopped = False
        self._apply_preferences(self.ctx.prefs.current)
        self.sync_all()

    def stop(self) -> None:
        self._stopped = True
        self.timer.stop()
        self._queue.clear()

    @property
    def busy(self) -> bool:
        return self._running is not None or self._listing or bool(self._queue)

    def set_interval_ms(self, msecs: int) -> None:
        """Used by the benchmark to sync more often than the preference allows."""
        self.timer.start(msecs)

    def sync_all(self) -> None:
        if self._stopped or self._listing:
            return
        self._listing = True
        app = self.ctx.app
        self.ctx.runner.run(lambda: [r.id for r in app.circles.rows()], self._listed,
                            self._list_failed)

    def sync_circle(self, circle: bytes) -> None:
        if self._stopped:
            return
        if circle != self._running and circle not in self._queue:
            self._queue.append(circle)
        self._next()

    def _listed(self, circles: list[bytes]) -> None:
        self._listing = False
        for circle in circles:
            if circle != self._running and circle not in self._queue:
                self._queue.append(circle)
        self._next()

    def _list_failed(self, _exc: BaseException) -> None:
        self._listing = False  # the vault was locked meanwhile: nothing to sync

    def _next(self) -> None:
        if self._running is not None or self._stopped:
            return
        if not self._queue:
            if not self._listing:
                self.idle.emit()
            return
        circle = self._queue.popleft()
        self._running = circle
        self.started.emit(circle)
        seen = self._seen_items.get(circle)
        self.ctx.runner.run(self._round(circle, seen), self._done, self._failed(circle),
                            lane=Lane.HEAVY)

    def _round(self, circle: bytes, seen: int | None) -> Callable[[], SyncOutcome]:
        app = self.ctx.app

        def work() -> SyncOutcome:
            service = app.circles
            row = service.find(circle.hex())
            before = service.latest_item_id(row) if seen is None else seen
            report = app.circles.sync(row)
            row = service.find(circle.hex())
            outcome = SyncOutcome(circle, app.clock.now(), report)
            outcome.new_checkins = service.new_checkins_since(row, before)
            outcome.latest_item = service.latest_item_id(row)
            return outcome

        return work

    def _done(self, outcome: SyncOutcome) -> None:
        self._running = None
        if outcome.latest_item is not None:
            self._seen_items[outcome.circle] = outcome.latest_item
        self.outcomes[outcome.circle] = outcome
        self.finished.emit(outcome)
        self._notify(outcome)
        self._next()

    def _failed(self, circle: bytes) -> Callable[[BaseException], None]:
        def failed(exc: BaseException) -> None:
            self._running = None
            if not self._stopped:
                outcome = SyncOutcome(circle, self.ctx.app.clock.now(), error=exc)
                self.outcomes[circle] = outcome
                self.finished.emit(outcome)
            self._next()

        return failed

    def _notify(self, outcome: SyncOutcome) -> None:
        fresh = outcome.new_checkins
        if not fresh:
            return
        if self.ctx.prefs.current.circle_notify_content:
            if len(fresh) == 1:
                item = fresh[0]
                text = self.tr("%1 shared a check-in: mood %2 of 5").replace(
                    "%1", item.sender_name).replace("%2", str(item.mood))
                if item.note:
                    text += f" — {item.note[:80]}"
            else:
                text = self.tr("%1 new check-ins from %2").replace("%1", str(len(fresh))).replace(
                    "%2", ", ".join(sorted({i.sender_name for i in fresh})))
        else:
            text = (self.tr("Someone in your circle shared a check-in.") if len(fresh) == 1
                    else self.tr("%1 new check-ins in your circle.").replace("%1",
                                                                             str(len(fresh))))
        self.notice.emit(self.tr("Circle"), text)

    def _apply_preferences(self, prefs: Preferences) -> None:
        if self._stopped:
            return
        minutes = prefs.circle_sync_minutes
        if minutes <= 0:
            self.timer.stop()
        elif self.timer.interval() != minutes * MINUTE_MS or not self.timer.isActive():
            self.timer.start(minutes * MINUTE_MS)

