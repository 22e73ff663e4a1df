from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion.errors import InvalidInput, NotFound
from companion.models import Changes, EntryDraft, ItemRef, Kind, MalformedId

PLUS_ONE = timezone(timedelta(hours=1))


def at(day: int, hour: int = 12, tz: timezone = PLUS_ONE) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=tz)


def test_entry_keeps_its_time_zone_and_fields(app, clock):
    tokyo = timezone(timedelta(hours=9))
    entry = app.add_entry(EntryDraft(title="Cherry blossoms", body="**pink** everywhere",
                                     tags=("travel", "#Spring"), mood=5, starred=True,
                                     at=datetime(2026, 3, 30, 8, 0, tzinfo=tokyo)))
    again = app.journal.get(entry.id)
    assert again.created == datetime(2026, 3, 30, 8, 0, tzinfo=tokyo)
    assert again.created.utcoffset() == timedelta(hours=9)
    assert again.updated == again.created  # back-dated, never edited
    assert again.tags == ("Spring", "travel")
    assert (again.title, again.body, again.mood, again.starred) == (
        "Cherry blossoms", "**pink** everywhere", 5, True)


def test_update_changes_only_what_is_given(app, clock):
    entry = app.add_entry(EntryDraft(title="Draft", body="first", tags=("a",), mood=2))
    clock.advance(minutes=5)
    updated = app.update_entry(entry.id, body="second", starred=True)
    assert (updated.title, updated.body, updated.tags, updated.mood, updated.starred) == (
        "Draft", "second", ("a",), 2, True)
    assert updated.updated - updated.created == timedelta(minutes=5)
    cleared = app.update_entry(entry.id, mood=None, tags=["b", "B", "c"])
    assert cleared.mood is None
    assert cleared.tags == ("b", "c")
    assert [t.name for t in app.tags()] == ["b", "c"]  # the unused tag "a" is gone


@pytest.mark.parametrize(
    "draft",
    [
        EntryDraft(title="", body="   "),
        EntryDraft(title="two\nlines", body="x"),
        EntryDraft(title="x" * 501),
        EntryDraft(title="nul\x00"),
        EntryDraft(title="ok", mood=0),
        EntryDraft(title="ok", mood=6),
        EntryDraft(title="ok", tags=("   ",)),
        EntryDraft(title="ok", tags=("t" * 65,)),
    ],
)
def test_invalid_entries_are_refused_and_nothing_is_stored(app, draft):
    with pytest.raises(InvalidInput):
        app.add_entry(draft)
    assert app.timeline() == []
    assert app.tags() == []


def test_trash_and_restore(app):
    keep = app.add_entry(EntryDraft(title="keep"))
    bin_ = app.add_entry(EntryDraft(title="bin"))
    changes = app.delete(bin_.ref)
    assert changes == Changes(entries=True, ids=(bin_.ref,))
    assert [e.id for e in app.timeline()] == [keep.id]
    assert [e.id for e in app.timeline(trash=True)] == [bin_.id]
    with pytest.raises(NotFound):
        app.journal.get(bin_.id)
    assert app.journal.get(bin_.id, include_deleted=True).deleted is not None
    with pytest.raises(InvalidInput, match="already in the trash"):
        app.delete(bin_.ref)
    app.restore(bin_.ref)
    assert {e.id for e in app.timeline()} == {keep.id, bin_.id}
    with pytest.raises(InvalidInput, match="not in the trash"):
        app.restore(bin_.ref)


def test_unknown_ids(app):
    with pytest.raises(NotFound, match="e404"):
        app.get(ItemRef(Kind.ENTRY, 404))
    with pytest.raises(NotFound):
        app.delete(ItemRef(Kind.ENTRY, 404))
    with pytest.raises(MalformedId, match="not an id"):  # not an id at all: not "not found"
        ItemRef.parse("x12")


def test_refs_parse_both_kinds():
    assert ItemRef.parse(" E12 ") == ItemRef(Kind.ENTRY, 12)
    assert ItemRef.parse("c-3") == ItemRef(Kind.CHECKIN, 3)
    assert str(ItemRef(Kind.CHECKIN, 3)) == "c3"


def test_list_by_day_and_month_uses_the_writers_local_day(app):
    # 23:30 at UTC-5 is already the next day in UTC; it belongs to the writer's own day.
    minus_five = timezone(timedelta(hours=-5))
    late = app.add_entry(EntryDraft(title="late", at=datetime(2026, 3, 31, 23, 30,
                                                              tzinfo=minus_five)))
    early = app.add_entry(EntryDraft(title="early", at=at(1, 7)))
    app.add_entry(EntryDraft(title="april", at=datetime(2026, 4, 1, 10, tzinfo=PLUS_ONE)))
    app.add_entry(EntryDraft(title="february", at=datetime(2026, 2, 28, 10, tzinfo=PLUS_ONE)))
    days = app.month(2026, 3)
    assert [(d.day, [e.title for e in d.entries]) for d in days] == [
        ("2026-03-01", ["early"]), ("2026-03-31", ["late"])]
    assert [e.id for e in app.day("2026-03-31").entries] == [late.id]
    assert app.journal.days_with_entries("2026-03-01", "2026-03-31") == {
        "2026-03-01": 1, "2026-03-31": 1}
    assert early.created.date().isoformat() == "2026-03-01"
    with pytest.raises(InvalidInput):
        app.month(2026, 13)


def test_tag_rename_and_merge(app):
    a = app.add_entry(EntryDraft(title="one", tags=("run",)))
    b = app.add_entry(EntryDraft(title="two", tags=("running", "run")))
    c = app.add_entry(EntryDraft(title="three", tags=("running",)))
    app.rename_tag("run", "jog")
    assert app.journal.get(a.id).tags == ("jog",)
    app.rename_tag("#running", "JOG")  # merge, case-insensitively
    assert [(t.name, t.entries) for t in app.tags()] == [("jog", 3)]
    assert app.journal.get(b.id).tags == ("jog",)
    assert app.journal.get(c.id).tags == ("jog",)
    # the search index follows the rename
    assert [h.entry.id for h in app.search("jog")] != []
    assert app.search("running") == []
    with pytest.raises(NotFound):
        app.rename_tag("nope", "x")


def test_change_listeners_hear_every_mutation(app):
    heard: list[Changes] = []
    unsubscribe = app.subscribe(heard.append)
    entry = app.add_entry(EntryDraft(title="x", tags=("t",)))
    app.update_entry(entry.id, title="y")
    app.delete(entry.ref)
    unsubscribe()
    app.restore(entry.ref)
    assert [(c.entries, c.tags) for c in heard] == [(True, True), (True, False), (True, False)]


def test_add_many_is_one_transaction(app):
    drafts = [EntryDraft(title=f"n{i}", tags=("bulk",)) for i in range(50)]
    drafts.append(EntryDraft(title=""))  # invalid: the whole batch must roll back
    with pytest.raises(InvalidInput):
        app.journal.add_many(drafts)
    assert app.timeline() == []
    assert app.journal.add_many(drafts[:-1]) == 50
    assert app.tags()[0].entries == 50


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=st.text(max_size=40), body=st.text(max_size=200),
       tags=st.lists(st.text(max_size=12), max_size=4))
def test_any_text_is_stored_exactly_or_refused_clearly(app, title, body, tags):
    try:
        entry = app.add_entry(EntryDraft(title=title, body=body, tags=tuple(tags)))
    except InvalidInput:
        return
    again = app.journal.get(entry.id)
    assert again.title == title.strip()
    assert again.body == body
    assert len(again.tags) <= len(tags)
