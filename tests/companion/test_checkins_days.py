"""CheckIns.day_moods: each day's check-ins (time, mood, energy, labels, the note's start),
behind the journal list's check-in rows."""

from datetime import datetime, timedelta, timezone

from companion.checkins import NOTE_PREVIEW, DayMood
from companion.models import CheckInDraft, EntryDraft
from companion.timeutil import Stamp

PLUS_ONE = timezone(timedelta(hours=1))
TOKYO = timezone(timedelta(hours=9))


def at(day: int, hour: int, minute: int = 0, tz: timezone = PLUS_ONE) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=tz)


def faces(days: dict[str, list[DayMood]]) -> dict[str, list[tuple[str, int, tuple[str, ...]]]]:
    """Each day's check-ins as (time, mood, emotions): what most tests here look at."""
    return {day: [(c.time, c.mood, c.emotions) for c in moods] for day, moods in days.items()}


def test_empty_vault(app):
    assert app.checkins.day_moods() == {}


def test_days_hold_their_check_ins_in_time_order_with_emotions_in_their_order(app):
    add = app.add_checkin
    evening = add(CheckInDraft(mood=3, energy=2, emotions=("tired", "calm"),
                               activities=("work", "walk"), note="a private note",
                               at=at(14, 19, 5)))
    morning = add(CheckInDraft(mood=4, at=at(14, 9, 30)))  # written later, happened earlier
    night = add(CheckInDraft(mood=1, emotions=("sad",), sleep_hours=4, at=at(12, 23, 59)))
    assert app.checkins.day_moods() == {
        "2026-03-14": [DayMood(morning.id, "09:30", 4),
                       DayMood(evening.id, "19:05", 3, 2, ("tired", "calm"), ("work", "walk"),
                               "a private note")],
        "2026-03-12": [DayMood(night.id, "23:59", 1, None, ("sad",))],
    }


def test_a_notes_start_on_one_line(app):
    """The list shows one line: line breaks and runs of spaces become one space, and a long
    note is cut (the editor loads the whole check-in)."""
    app.add_checkin(CheckInDraft(mood=2, note="First line\n\n  second\tline  ", at=at(3, 8)))
    app.add_checkin(CheckInDraft(mood=2, note="word " * 1000, at=at(3, 9)))
    short, long = app.checkins.day_moods()["2026-03-03"]
    assert short.note == "First line second line"
    assert long.note.startswith("word word") and len(long.note) < NOTE_PREVIEW


def test_the_writers_local_day_and_time(app):
    # 07:15 in Tokyo on the 13th is 23:15 on the 12th at home: it belongs to the 13th, as an
    # entry written there would.
    app.add_checkin(CheckInDraft(mood=5, at=at(13, 7, 15, TOKYO)))
    app.add_entry(EntryDraft(title="there", at=at(13, 7, 15, TOKYO)))
    assert faces(app.checkins.day_moods()) == {"2026-03-13": [("07:15", 5, ())]}
    assert [day for _id, day in app.journal.entry_index()] == ["2026-03-13"]


def test_deleted_check_ins_are_left_out_and_come_back_when_restored(app):
    kept = app.add_checkin(CheckInDraft(mood=2, at=at(10, 8)))
    gone = app.add_checkin(CheckInDraft(mood=5, emotions=("glad",), at=at(10, 9)))
    app.delete(gone.ref)
    assert faces(app.checkins.day_moods()) == {"2026-03-10": [("08:00", 2, ())]}
    app.restore(gone.ref)
    assert faces(app.checkins.day_moods())["2026-03-10"] == [("08:00", 2, ()),
                                                            ("09:00", 5, ("glad",))]
    app.delete(kept.ref)
    app.delete(gone.ref)
    assert app.checkins.day_moods() == {}


def test_start_and_end_filter_as_the_entry_index_does(app):
    """The moment decides, start included and end excluded, for entries and check-ins alike,
    so the journal list's days and its headers' check-ins always agree."""
    moments = [at(10, 8), at(11, 0), at(12, 23, 59), at(13, 0), at(14, 12)]
    for number, moment in enumerate(moments):
        app.add_checkin(CheckInDraft(mood=1 + number, at=moment))
        app.add_entry(EntryDraft(title=f"e{number}", at=moment))
    for start, end in [(at(11, 0), at(13, 0)), (None, at(12, 12)), (at(12, 23, 59), None),
                       (at(14, 12, 1), None), (None, None)]:
        moods = app.checkins.day_moods(start, end)
        entry_days = {day for _id, day in app.journal.entry_index(start=start, end=end)}
        assert set(moods) == entry_days
    assert faces(app.checkins.day_moods(at(11, 0), at(13, 0))) == {
        "2026-03-11": [("00:00", 2, ())], "2026-03-12": [("23:59", 3, ())]}


def test_ten_years_of_two_a_day_share_their_strings(app):
    """What the journal keeps for ten years of check-ins is small: times and label lists
    that repeat are one object each."""
    start = datetime(2016, 1, 1, 9, 30, tzinfo=PLUS_ONE)
    emotions = [("calm",), ("tired", "calm"), ()]
    with app.vault.database.transaction() as cur:
        for number in range(3650 * 2):
            when = Stamp.of(start + timedelta(days=number // 2, hours=10 * (number % 2)))
            cur.execute(
                "INSERT INTO checkins (at_us, at_offset, day, mood, updated_us)"
                " VALUES (?,?,?,?,?)",
                (when.utc_us, when.offset_min, when.local_day, 1 + number % 5, when.utc_us))
            for position, label in enumerate(emotions[number % 3]):
                cur.execute(
                    "INSERT INTO checkin_labels (checkin_id, kind, label, position)"
                    " VALUES (?, 'emotion', ?, ?)", (cur.lastrowid, label, position))
    days = app.checkins.day_moods()
    assert len(days) == 3650
    assert all(len(moods) == 2 for moods in days.values())
    items = [item for moods in days.values() for item in moods]
    assert len({id(item.time) for item in items}) == 2  # "09:30", "19:30"
    assert len({id(item.emotions) for item in items}) == 3
    assert len({id(item.activities) for item in items}) == 1  # (), with the emotions' ()
    assert faces({"2016-01-01": days["2016-01-01"]}) == {
        "2016-01-01": [("09:30", 1, ("calm",)), ("19:30", 2, ("tired", "calm"))]}
