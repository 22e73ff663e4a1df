"""Journal.entry_index: the ids-and-days list behind the desktop app's journal view."""

from datetime import datetime, timedelta, timezone

import pytest

from companion.models import EntryDraft

PLUS_ONE = timezone(timedelta(hours=1))
TOKYO = timezone(timedelta(hours=9))


def at(day: int, hour: int, tz: timezone = PLUS_ONE) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=tz)


@pytest.fixture
def entries(app):
    made = {
        "a": app.add_entry(EntryDraft(title="a", at=at(10, 9), tags=("work",))),
        "b": app.add_entry(EntryDraft(title="b", at=at(10, 21))),
        "c": app.add_entry(EntryDraft(title="c", at=at(12, 8), tags=("work", "sleep"))),
        # Written in Tokyo on the 13th local time, which is still the 12th at home.
        "d": app.add_entry(EntryDraft(title="d", at=at(13, 7, TOKYO))),
        "e": app.add_entry(EntryDraft(title="e", at=at(13, 12))),
    }
    return {name: entry.id for name, entry in made.items()}


def test_newest_day_first_and_newest_first_within_a_day(app, entries):
    index = app.journal.entry_index()
    assert index == [
        (entries["e"], "2026-03-13"),
        (entries["d"], "2026-03-13"),
        (entries["c"], "2026-03-12"),
        (entries["b"], "2026-03-10"),
        (entries["a"], "2026-03-10"),
    ]


def test_days_never_interleave_even_across_time_zones(app, entries):
    days = [day for _, day in app.journal.entry_index()]
    runs = [day for i, day in enumerate(days) if i == 0 or days[i - 1] != day]
    assert len(runs) == len(set(runs))


def test_trash_lists_only_deleted_entries_and_the_live_list_drops_them(app, entries):
    app.delete(app.journal.get(entries["c"]).ref)
    live = [entry_id for entry_id, _ in app.journal.entry_index()]
    assert entries["c"] not in live
    assert len(live) == 4
    assert app.journal.entry_index(trash=True) == [(entries["c"], "2026-03-12")]


@pytest.mark.parametrize("trash", [False, True])
@pytest.mark.parametrize("tag", [None, "work", "#Sleep"])
@pytest.mark.parametrize("start,end", [
    (None, None),
    (at(11, 0), None),
    (None, at(12, 12)),
    (at(10, 12), at(13, 0)),
])
def test_the_same_entries_as_browse(app, entries, trash, tag, start, end):
    app.delete(app.journal.get(entries["a"]).ref)
    app.delete(app.journal.get(entries["d"]).ref)
    index = app.journal.entry_index(start=start, end=end, tag=tag, trash=trash)
    browsed = app.journal.browse(start=start, end=end, tag=tag, trash=trash)
    assert sorted(entry_id for entry_id, _ in index) == sorted(e.id for e in browsed)
    days = {e.id: e.created.date().isoformat() for e in browsed}
    assert all(days[entry_id] == day for entry_id, day in index)


def test_an_empty_journal_has_an_empty_index(app):
    assert app.journal.entry_index() == []
    assert app.journal.entry_index(trash=True) == []
