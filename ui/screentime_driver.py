"""Drives the screen-time tracker in the desktop app: a 1-second QTimer, the probe call off the
GUI thread, spans saved every minute and on lock or quit, notices out as a signal.

It lives as long as the unlocked workspace: measuring needs the vault open to save into. The
probe (which may wait on the X server or D-Bus) runs in the heavy lane, one call at a time;
the tracker itself is pure and quick and runs on the GUI thread; saving goes to the vault lane.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal

from companion.preferences import Preferences
from companion.screentime.messages import Notice
from companion.screentime.probes import GuardedProbe, Sample, detect_probe
from companion.screentime.service import ScreenTimeService
from ui.context import UiContext
from ui.tasks import Lane

POLL_MS = 1000
SAVE_EVERY = 60  # polls


class ScreenTimeDriver(QObject):
    notice = Signal(object)      # a companion.screentime.messages.Notice
    state_changed = Signal()     # probe found, measuring started or stopped
    desktop_input = Signal(float)  # seconds since input anywhere (where the probe knows)

    def __init__(self, ctx: UiContext, *,
                 probe_factory: Callable[[], GuardedProbe] = detect_probe,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service: ScreenTimeService = ctx.app.screen_time
        self.probe: GuardedProbe | None = None
        self.probe_factory = probe_factory
        self.measuring = False
        self.last_notice: Notice | None = None
        self._sampling = False
        self._polls = 0
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)
        ctx.prefs.changed.connect(self._preferences_changed)

    def now(self) -> datetime:
        return self.ctx.app.clock.now()

    def start(self) -> None:
        """Find the probe and load today's use (both may block: off the GUI thread)."""
        service, factory, now = self.service, self.probe_factory, self.now()
        service.apply_preferences(self.ctx.prefs.current)

        def prepare() -> GuardedProbe:
            service.load(now)
            return factory()

        self.ctx.runner.run(prepare, self._ready)

    def _ready(self, probe: GuardedProbe) -> None:
        self.probe = probe
        self._update_timer()
        self.state_changed.emit()

    def _update_timer(self) -> None:
        wanted = (self.probe is not None and self.probe.capabilities.measures
                  and self.ctx.prefs.current.screen_time_enabled)
        if wanted and not self.measuring:
            self.measuring = True
            self.timer.start()
        elif not wanted and self.measuring:
            self.measuring = False
            self.timer.stop()
            self.service.stop(self.now())
            self.save()

    def poll(self) -> None:
        probe = self.probe
        if probe is None or self._sampling:
            return  # the last sample is still on its way: never queue them up
        self._sampling = True
        self.ctx.runner.run(probe.sample, self._sampled, self._sample_failed, lane=Lane.HEAVY)

    def _sampled(self, sample: Sample) -> None:
        self._sampling = False
        if (self.probe is not None and self.probe.capabilities.idle and not sample.locked
                and self.measuring):
            self.desktop_input.emit(sample.idle_seconds)
        if self.measuring:
            self.feed(self.now(), sample)

    def _sample_failed(self, exc: BaseException) -> None:
        self._sampling = False  # GuardedProbe already turned failures into empty samples

    def feed(self, now: datetime, sample: Sample) -> None:
        """One heartbeat (tests call this with a fake clock and scripted samples)."""
        if self.probe is not None and not self.probe.capabilities.measures:
            self.state_changed.emit()  # the probe gave up: say so on the page
            self._update_timer()
        for notice in self.service.tick(now, sample):
            self.last_notice = notice
            self.notice.emit(notice)
        self._polls += 1
        if self._polls % SAVE_EVERY == 0:
            self.save()

    def save(self) -> None:
        if self.service.unsaved:
            self.ctx.runner.run(self.ctx.app.save_screen_time)

    def snooze(self, notice: Notice, minutes: float) -> None:
        self.service.snooze(notice, self.now(), minutes)

    def stop(self) -> None:
        """Lock or quit: close the open span and save it before the vault closes (the vault
        lane runs this before the lock that follows)."""
        self.timer.stop()
        self.measuring = False
        self.service.stop(self.now())
        self.save()
        probe, self.probe = self.probe, None
        if probe is not None:
            self.ctx.runner.run(probe.close, lane=Lane.HEAVY)

    def _preferences_changed(self, prefs: Preferences) -> None:
        self.service.apply_preferences(prefs)
        self._update_timer()
        self.state_changed.emit()
