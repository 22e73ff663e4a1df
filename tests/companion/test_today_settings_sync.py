"""What Today offers (on this day, leaving out hard days, the question and the day it was set
aside) is the person's: changed on one computer, it is so on their others after a sync
through a real shared folder (issue 20, with device sync's preferences, docs/protocol.md
§11.8)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from companion.clock import FakeClock
from companion.preferences import load_preferences
from tests.companion.test_device_screen_group import pair
from tests.support.vault_template import copy_of_empty_vault


def test_today_settings_travel_between_computers(tmp_path: Path, clock: FakeClock) -> None:
    a = copy_of_empty_vault(tmp_path / "laptop", clock)
    b = copy_of_empty_vault(tmp_path / "desktop", FakeClock(clock.now()))
    try:
        pair(a, b, f"folder:{tmp_path / 'shared'}")
        today = clock.now().date().isoformat()
        a.save_preferences(replace(a.preferences, on_this_day_skip_hard_days=True,
                                   question_set_aside_on=today))
        for app in (a, b):
            app.sync_devices()
        on_b = load_preferences(b.home)
        assert on_b.on_this_day_skip_hard_days and on_b.question_set_aside_on == today
        assert b.question_for_today() is None  # set aside on the laptop: not asked here
        b.save_preferences(replace(b.preferences, on_this_day=False,
                                   question_of_the_day=False))
        for app in (b, a):
            app.sync_devices()
        on_a = load_preferences(a.home)
        assert not on_a.on_this_day and not on_a.question_of_the_day
    finally:
        a.close()
        b.close()
