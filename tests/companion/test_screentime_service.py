"""Budget warnings and break reminders through the service, on a fake clock, in a real vault:
they fire at the right moments, can be snoozed or postponed, never repeat needlessly, pause
while idle, and each break kind can be turned off."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from companion.app import CompanionApp
from companion.clock import FakeClock
from companion.preferences import Preferences
from companion.screentime.messages import Notice
from companion.screentime.probes import Sample
from companion.screentime.service import ScreenTimeService
from companion.screentime.tracker import ActiveWindow

VIDEO = ActiveWindow("vlc", "A film")


def run(service: ScreenTimeService, clock: FakeClock, minutes: float,
        active: ActiveWindow | None = VIDEO, *, idle_from: float | None = None,
        step: float = 5) -> list[tuple[float, Notice]]:
    """Tick now and every `step` seconds for `minutes`; (minute offset, notice) of what
    fired."""
    start = clock.now()
    fired = []
    for i in range(int(minutes * 60 / step) + 1):
        now = clock.advance(seconds=step if i else 0)
        idle = 0.0 if idle_from is None else idle_from + (now - start).total_seconds()
        for notice in service.tick(now, Sample(active, idle)):
            fired.append(((now - start).total_seconds() / 60, notice))
    return fired


def quiet(app: CompanionApp, **prefs: object) -> ScreenTimeService:
    service = app.screen_time
    service.apply_preferences(replace(Preferences(), **prefs))  # type: ignore[arg-type]
    service.load(app.clock.now())
    return service


def test_budget_warnings_at_80_and_100_percent_with_gentle_words(
        app: CompanionApp, clock: FakeClock) -> None:
    app.screen_time.set_budget("category", "video", 10)
    service = quiet(app, eye_breaks=False, rest_breaks=False)
    fired = run(service, clock, 15)
    assert [(minute, n.kind, n.title) for minute, n in fired] == [
        (8.0, "budget", "Most of today's planned time is used"),
        (10.0, "budget", "You have reached the time you planned")]
    assert "8 min of the 10 min you planned for video" in fired[0][1].text
    assert "It is your call" in fired[1][1].text


def test_a_snoozed_budget_warning_waits(app: CompanionApp, clock: FakeClock) -> None:
    app.screen_time.set_budget("total", "", 10)
    service = quiet(app, eye_breaks=False, rest_breaks=False)
    first = run(service, clock, 8)
    assert [n.kind for _, n in first] == ["budget"]
    service.snooze(first[0][1], clock.now(), 15)
    assert run(service, clock, 14) == []
    later = run(service, clock, 2)
    assert [n.title for _, n in later] == ["You have reached the time you planned"]


def test_use_already_saved_today_counts_after_a_restart(
        app: CompanionApp, clock: FakeClock) -> None:
    app.screen_time.set_budget("app", "vlc", 10)
    service = quiet(app, eye_breaks=False, rest_breaks=False)
    run(service, clock, 5)
    service.stop(clock.now())
    service.flush()
    restarted = ScreenTimeService(service.store, service.prefs)
    restarted.load(clock.now())
    fired = run(restarted, clock, 4)
    assert [(minute, n.kind) for minute, n in fired] == [(3.0, "budget")]


def test_eye_and_rest_breaks_fire_on_time_and_can_be_postponed(
        app: CompanionApp, clock: FakeClock) -> None:
    service = quiet(app, rest_after_minutes=55, rest_minutes=10)
    fired = run(service, clock, 56)
    assert [(minute, n.kind) for minute, n in fired] == [(20.0, "eye"), (40.0, "eye"),
                                                         (55.0, "rest")]
    assert "10 minutes" in fired[-1][1].text
    assert fired[0][1].text == "Look at something far away for 20 seconds."
    service.snooze(fired[0][1], clock.now(), 5)            # "in 5 minutes" for the eyes
    assert [(minute, n.kind) for minute, n in run(service, clock, 6)] == [(5.0, "eye")]


def test_breaks_pause_while_idle_and_a_real_pause_resets_them(
        app: CompanionApp, clock: FakeClock) -> None:
    service = quiet(app, rest_breaks=False)
    run(service, clock, 15)
    assert run(service, clock, 30, idle_from=0) == []      # away for half an hour
    assert [minute for minute, _ in run(service, clock, 21)] == [20.0]


def test_each_break_kind_can_be_turned_off(app: CompanionApp, clock: FakeClock) -> None:
    service = quiet(app, eye_breaks=False)
    assert [(m, n.kind) for m, n in run(service, clock, 51)] == [(50.0, "rest")]
    service.apply_preferences(replace(service.prefs, rest_breaks=False))
    assert run(service, clock, 70) == []


def test_a_locked_screen_is_not_counted(app: CompanionApp, clock: FakeClock) -> None:
    service = quiet(app)
    run(service, clock, 1)
    for _ in range(60):
        service.tick(clock.advance(seconds=5), Sample(VIDEO, 0.0, locked=True))
    run(service, clock, 1)
    service.stop(clock.now())
    service.flush()
    day = service.today(clock.now()).isoformat()
    # Two active minutes, plus the one poll (5 s) before the lock was seen; not the 5 locked.
    assert service.store.totals(day).total == timedelta(minutes=2, seconds=5)


def test_privacy_mode_keeps_app_names_only(app: CompanionApp, clock: FakeClock) -> None:
    service = quiet(app, privacy_mode=True)
    run(service, clock, 1, ActiveWindow("firefox", "Secret plans - YouTube"))
    service.stop(clock.now())
    service.flush()
    spans = service.store.spans(service.today(clock.now()).isoformat())
    assert [(s.app, s.title, s.category) for s in spans] == [("firefox", None, "browsing")]


def test_status_includes_the_open_span(app: CompanionApp, clock: FakeClock) -> None:
    app.screen_time.set_budget("category", "video", 60)
    service = quiet(app)
    run(service, clock, 10)
    status = service.status(service.today(clock.now()).isoformat(), clock.now())
    assert status.totals.by_app == {"vlc": timedelta(minutes=10)}
    assert [use.fraction for use in status.budgets] == [10 / 60]
