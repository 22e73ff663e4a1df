"""Preferences through the facade: read once, saved with a change notice, followed at once by
the screen-time service."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from companion.app import CompanionApp
from companion.errors import InvalidInput
from companion.models import Changes
from companion.preferences import FILE_NAME, Preferences, load_preferences


def test_saving_writes_tells_listeners_once_and_reaches_screen_time(app: CompanionApp) -> None:
    service = app.screen_time  # built before the change: it must follow it
    heard: list[Changes] = []
    app.subscribe(heard.append)
    wanted = replace(app.preferences, idle_minutes=7, theme="dark")
    changes = app.save_preferences(wanted)
    assert changes.preferences and heard == [changes]
    assert load_preferences(app.home) == wanted == app.preferences
    assert service.tracker.settings.idle_after == timedelta(minutes=7)


def test_an_invalid_preference_is_refused_and_nothing_is_written(app: CompanionApp) -> None:
    heard: list[Changes] = []
    app.subscribe(heard.append)
    with pytest.raises(InvalidInput, match="idle_minutes"):
        app.save_preferences(replace(Preferences(), idle_minutes=0))
    assert not (app.home / FILE_NAME).exists() and heard == []
    assert app.preferences == Preferences()


def test_the_file_is_read_once(app: CompanionApp) -> None:
    """A page asking for the preferences never waits on the disk after the first read (the
    desktop app reads them before its window shows)."""
    first = app.preferences
    (app.home / FILE_NAME).write_text('{"theme": "dark"}', "utf-8")
    assert app.preferences is first


def test_a_preferences_file_of_nested_brackets_means_the_defaults(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from companion.preferences import load_preferences

    (tmp_path / FILE_NAME).write_text("[" * 100_000 + "]" * 100_000, "utf-8")
    assert load_preferences(tmp_path) == Preferences()
