import math
from datetime import datetime, timedelta, timezone

import pytest

from companion.errors import InvalidInput
from companion.models import CheckInDraft, EntryDraft, Kind


def test_checkin_round_trip(app, clock):
    checkin = app.add_checkin(CheckInDraft(
        mood=4, energy=2, emotions=("Calm", "calm", " hopeful "), activities=("walk",),
        sleep_hours=7.25, note="  after the walk  "))
    again = app.checkins.get(checkin.id)
    assert again.at == clock.now()
    assert (again.mood, again.energy, again.emotions, again.activities, again.sleep_hours,
            again.note) == (4, 2, ("calm", "hopeful"), ("walk",), 7.25, "after the walk")


def test_several_a_day_in_time_order(app, clock):
    first = app.add_checkin(CheckInDraft(mood=2))
    clock.advance(hours=6)
    second = app.add_checkin(CheckInDraft(mood=4))
    assert [c.id for c in app.day(clock.now().date().isoformat()).checkins] == [first.id,
                                                                                 second.id]


@pytest.mark.parametrize("draft", [
    CheckInDraft(mood=0), CheckInDraft(mood=6), CheckInDraft(mood=3, energy=0),
    CheckInDraft(mood=3, energy=9), CheckInDraft(mood=3, sleep_hours=-1),
    CheckInDraft(mood=3, sleep_hours=24.5), CheckInDraft(mood=3, sleep_hours=math.nan),
    CheckInDraft(mood=3, emotions=("",)), CheckInDraft(mood=3, note="x" * 10_001),
    CheckInDraft(mood=True),  # type: ignore[arg-type]
])
def test_invalid_checkins_are_refused(app, draft):
    with pytest.raises(InvalidInput):
        app.add_checkin(draft)
    assert app.timeline() == []


def test_update_and_labels(app):
    checkin = app.add_checkin(CheckInDraft(mood=3, energy=3, emotions=("tired",)))
    updated = app.update_checkin(checkin.id, energy=None, emotions=["relieved"], note="ok")
    assert (updated.mood, updated.energy, updated.emotions, updated.note) == (
        3, None, ("relieved",), "ok")
    with pytest.raises(InvalidInput):
        app.update_checkin(checkin.id, mood=8)
    assert app.checkins.get(checkin.id).mood == 3
    app.add_checkin(CheckInDraft(mood=3, emotions=("relieved", "calm")))
    assert app.checkins.known_labels("emotion") == ["relieved", "calm"]


def test_timeline_mixes_kinds_in_time_order_and_limits_to_newest(app, clock):
    zone = timezone(timedelta(hours=1))
    made = []
    for day in range(1, 6):
        when = datetime(2026, 3, day, 9, tzinfo=zone)
        made.append(app.add_entry(EntryDraft(title=f"d{day}", at=when)).ref)
        made.append(app.add_checkin(CheckInDraft(mood=3, at=when + timedelta(hours=1))).ref)
    assert [i.ref for i in app.timeline()] == made
    assert [i.ref for i in app.timeline(limit=3)] == made[-3:]
    assert [i.ref.kind for i in app.timeline(kind=Kind.CHECKIN)] == [Kind.CHECKIN] * 5
    window = app.timeline(start=datetime(2026, 3, 2, tzinfo=zone),
                          end=datetime(2026, 3, 4, tzinfo=zone))
    assert [i.ref for i in window] == made[2:6]
    with pytest.raises(InvalidInput):
        app.timeline(start=datetime(2026, 3, 4, tzinfo=zone), end=datetime(2026, 3, 2,
                                                                           tzinfo=zone))
    with pytest.raises(InvalidInput):
        app.timeline(limit=-1)


def test_a_check_in_moves_in_time_keeping_its_zone_and_day(app, clock):
    """Issue 17: the time is one of the things a person corrects."""
    evening = timezone(timedelta(hours=-5))
    checkin = app.add_checkin(CheckInDraft(mood=3, note="kept"))
    earlier = datetime(2026, 3, 13, 22, 30, tzinfo=evening)  # the evening before, elsewhere
    moved = app.update_checkin(checkin.id, at=earlier)
    assert moved.at == earlier and moved.at.utcoffset() == timedelta(hours=-5)
    assert (moved.mood, moved.note) == (3, "kept")
    assert [c.id for c in app.checkins.list_days("2026-03-13", "2026-03-13")] == [checkin.id]
    with pytest.raises(InvalidInput, match="later than now"):
        app.update_checkin(checkin.id, at=clock.now() + timedelta(minutes=5))
    with pytest.raises(InvalidInput, match="time zone"):
        app.update_checkin(checkin.id, at=datetime(2026, 3, 13, 12, 0))
    assert app.checkins.get(checkin.id).at == earlier  # refused changes change nothing
