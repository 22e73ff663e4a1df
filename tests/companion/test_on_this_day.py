"""On this day (companion/on_this_day.py): earlier years and a month ago, leap years, time
zones, hard days left out, and the preference that turns it off for Today."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest

from companion.app import CompanionApp
from companion.models import CheckInDraft, EntryDraft, ItemRef, Kind
from companion.on_this_day import month_ago, same_date_in


def at(text: str, hours: float = 1) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone(timedelta(hours=hours)))


def days_shown(app: CompanionApp, today: str) -> list[tuple[str, int]]:
    return [(d.day, d.years_ago) for d in app.on_this_day(date.fromisoformat(today)).days]


def test_earlier_years_nearest_first_then_a_month_ago(app: CompanionApp) -> None:
    app.add_entry(EntryDraft(title="Snow at last", at=at("2024-03-14T08:00")))
    app.add_entry(EntryDraft(body="# Paris\n\nThe **train** was late", at=at("2025-03-14T20:00")))
    app.add_checkin(CheckInDraft(mood=4, note="Good run\nand then tea", at=at("2025-03-14T07:00")))
    app.add_entry(EntryDraft(title="A month ago", at=at("2026-02-14T12:00")))
    app.add_entry(EntryDraft(title="Not today's date", at=at("2025-03-15T12:00")))
    found = app.on_this_day(date(2026, 3, 14))
    assert [(d.label, d.day) for d in found.days] == [
        ("A year ago", "2025-03-14"), ("2 years ago", "2024-03-14"),
        ("A month ago", "2026-02-14")]
    year_ago = found.days[0]
    # One line each, in the order of the day: the check-in's mood word and note's first line,
    # the untitled entry's first line without markup.
    assert [(m.ref, m.time, m.text) for m in year_ago.items] == [
        (ItemRef(Kind.CHECKIN, 1), "07:00", "Felt good: Good run"),
        (ItemRef(Kind.ENTRY, 2), "20:00", "Paris")]
    assert found.days[1].items[0].text == "Snow at last"


def test_nothing_on_this_date(app: CompanionApp) -> None:
    assert app.on_this_day(date(2026, 3, 14)).empty
    app.add_entry(EntryDraft(title="Today itself is not a memory", at=at("2026-03-14T08:00")))
    assert app.on_this_day(date(2026, 3, 14)).empty


def test_trashed_items_are_not_shown(app: CompanionApp) -> None:
    entry = app.add_entry(EntryDraft(title="Gone", at=at("2025-03-14T08:00")))
    app.delete(entry.ref)
    assert app.on_this_day(date(2026, 3, 14)).empty


def test_an_entry_belongs_to_the_day_it_was_written_where_it_was_written(
        app: CompanionApp) -> None:
    # 23:30 in New York on 14 March is already 15 March in UTC and in Berlin; 00:30 in Tokyo
    # on 15 March is still 14 March in UTC. Each comes back on its own local date.
    app.add_entry(EntryDraft(title="Late in New York", at=at("2025-03-14T23:30", -5)))
    app.add_entry(EntryDraft(title="Early in Tokyo", at=at("2025-03-15T00:30", 9)))
    assert [m.text for d in app.on_this_day(date(2026, 3, 14)).days for m in d.items] == [
        "Late in New York"]
    assert [m.text for d in app.on_this_day(date(2026, 3, 15)).days for m in d.items] == [
        "Early in Tokyo"]
    # Read in another zone, the time shown is still the writer's.
    assert app.on_this_day(date(2026, 3, 14)).days[0].items[0].time == "23:30"


def test_leap_day_shows_on_28_february_in_other_years(app: CompanionApp) -> None:
    app.add_entry(EntryDraft(title="Leap day 2024", at=at("2024-02-29T10:00")))
    app.add_entry(EntryDraft(title="28th 2024", at=at("2024-02-28T10:00")))
    app.add_entry(EntryDraft(title="Leap day 2020", at=at("2020-02-29T10:00")))
    # 2026 has no 29 February: 28 February shows both days of the leap years.
    assert days_shown(app, "2026-02-28") == [
        ("2024-02-28", 2), ("2024-02-29", 2), ("2020-02-29", 6)]
    # 2028 is a leap year: the 29th shows only 29ths, the 28th only 28ths.
    assert days_shown(app, "2028-02-29") == [("2024-02-29", 4), ("2020-02-29", 8)]
    assert days_shown(app, "2028-02-28") == [("2024-02-28", 4)]
    # 1 March is never given the leap day.
    assert days_shown(app, "2026-03-01") == []


def test_same_date_and_month_ago_rules() -> None:
    assert same_date_in(2024, date(2026, 2, 28)) == [date(2024, 2, 28), date(2024, 2, 29)]
    assert same_date_in(2023, date(2026, 2, 28)) == [date(2023, 2, 28)]
    assert same_date_in(2023, date(2028, 2, 29)) == []
    assert same_date_in(2024, date(2028, 2, 28)) == [date(2024, 2, 28)]
    assert month_ago(date(2026, 3, 31)) == date(2026, 2, 28)
    assert month_ago(date(2028, 3, 31)) == date(2028, 2, 29)
    assert month_ago(date(2026, 3, 30)) == date(2026, 2, 28)
    assert month_ago(date(2026, 5, 31)) == date(2026, 4, 30)
    assert month_ago(date(2026, 1, 15)) == date(2025, 12, 15)
    assert month_ago(date(2026, 3, 14)) == date(2026, 2, 14)


def test_month_ago_from_31_march(app: CompanionApp) -> None:
    app.add_entry(EntryDraft(title="End of February", at=at("2026-02-28T10:00")))
    app.add_entry(EntryDraft(title="Leap end of February", at=at("2028-02-29T10:00")))
    assert days_shown(app, "2026-03-31") == [("2026-02-28", 0)]
    assert days_shown(app, "2028-03-31") == [("2028-02-29", 0)]


@pytest.mark.parametrize("hard", ["checkin", "entry"])
def test_hard_days_can_be_left_out(app: CompanionApp, hard: str) -> None:
    app.add_entry(EntryDraft(title="A rough one", at=at("2025-03-14T21:00")))
    if hard == "checkin":
        app.add_checkin(CheckInDraft(mood=2, at=at("2025-03-14T08:00")))
    else:
        app.add_entry(EntryDraft(title="Awful", mood=1, at=at("2025-03-14T09:00")))
    app.add_checkin(CheckInDraft(mood=3, note="fine", at=at("2024-03-14T08:00")))
    assert days_shown(app, "2026-03-14") == [("2025-03-14", 1), ("2024-03-14", 2)]
    app.save_preferences(replace(app.preferences, on_this_day_skip_hard_days=True))
    # The whole hard day is left out, its other entries with it; other days stay.
    assert days_shown(app, "2026-03-14") == [("2024-03-14", 2)]


def test_preferences_are_person_settings_that_sync() -> None:
    from companion.devices.person_settings import PERSON_SETTINGS

    for name in ("on_this_day", "on_this_day_skip_hard_days", "question_of_the_day",
                 "question_set_aside_on"):
        assert name in PERSON_SETTINGS


def test_preferences_are_checked(app: CompanionApp) -> None:
    from companion.errors import InvalidInput

    with pytest.raises(InvalidInput):
        replace(app.preferences, on_this_day="yes").validated()
    with pytest.raises(InvalidInput):
        replace(app.preferences, question_set_aside_on="tomorrow").validated()
    assert replace(app.preferences, question_set_aside_on="2026-03-14").validated()
