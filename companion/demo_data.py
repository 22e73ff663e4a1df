"""A year of sample data that holds together, for `companion --demo`, screenshots and benchmarks.

Each day is decided first: how long the night was, whether it was a work day and a hard one,
a walk, a run, friends, therapy, a week by the sea in August, a busy stretch at work. The
day's mood follows from those and from the season, gently, the way such things tend to go
together: walks, friends, exercise and a night of seven hours or more with better days; work
stress and short nights with harder ones. Check-ins (their emotions and notes) and journal
entries are then written from that day (companion/demo_text.py), so an entry never calls a
Tuesday "Sunday", and the Insights page finds associations that make sense.

Deterministic for a given seed and last day, so screenshots do not change from run to run.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from companion.app import CompanionApp
from companion.demo_text import checkin_note, entry_text
from companion.models import CheckInDraft, EntryDraft

EMOTIONS = ("calm", "content", "grateful", "hopeful", "happy", "proud", "tired", "anxious",
            "stressed", "sad", "lonely", "irritable", "overwhelmed", "relieved", "excited")
ACTIVITIES = ("work", "walk", "exercise", "friends", "family", "reading", "cooking",
              "music", "outdoors", "chores", "gaming", "therapy", "meditation")
TAGS = ("work", "family", "health", "sleep", "friends", "walk", "therapy", "gratitude",
        "ideas", "travel", "reading")
# When in the day each activity usually happens (hour), which decides the check-in naming it.
ACTIVITY_HOURS = {"exercise": 7, "meditation": 8, "work": 9, "chores": 10, "outdoors": 11,
                  "walk": 12, "therapy": 17, "family": 18, "cooking": 19, "friends": 19,
                  "music": 20, "reading": 21, "gaming": 21}
FRIENDS = ("tea with Priya", "dinner at Jo's", "quiz night with Priya and Jo")
HOLIDAY = ((8, 3), (8, 11))  # a week and a bit by the sea, every August
BUSY_DAYS = 18  # a stretch of deadlines at work, about half-way through the demo's year


@dataclass(frozen=True)
class DemoDay:
    day: date
    sleep: float  # hours slept the night before
    work: bool
    stress: bool  # a hard day at work
    busy: bool  # inside the stretch of deadlines
    holiday: int  # day number of the summer holiday, 0 outside it
    after_stress: bool  # the day before was a hard one at work
    activities: tuple[str, ...]  # in the order of the day
    friends: str  # what was done with friends, "" without friends
    mood: float  # the day's underlying mood (1–5) before each check-in's own ups and downs

    @property
    def run(self) -> bool:
        """Exercise on a Tuesday, Thursday or Saturday is a run; on other days, a swim."""
        return self.day.weekday() in (1, 3, 5)


def season(day: date) -> float:
    """-1 in mid-January to +1 in mid-July (the northern hemisphere's light)."""
    return math.cos(2 * math.pi * (day.timetuple().tm_yday - 197) / 365.25)


def demo_days(last: date, days: int = 365, seed: int = 7) -> list[DemoDay]:
    """The `days` days ending on `last`, each with what it held and its mood."""
    rng = random.Random(seed)
    first = last - timedelta(days=days - 1)
    busy_from = days * 45 // 100 if days >= 60 else days
    out: list[DemoDay] = []
    stress_before = False
    for offset in range(days):
        day = first + timedelta(days=offset)
        busy = busy_from <= offset < busy_from + BUSY_DAYS
        made = _day(rng, day, busy, stress_before)
        out.append(made)
        stress_before = made.stress
    return out


def _day(rng: random.Random, day: date, busy: bool, after_stress: bool) -> DemoDay:
    weekday = day.weekday()
    weekend = weekday >= 5
    light = (season(day) + 1) / 2  # 0 in winter, 1 in summer
    start, end = (date(day.year, *HOLIDAY[0]), date(day.year, *HOLIDAY[1]))
    holiday = (day - start).days + 1 if start <= day <= end else 0
    work = not weekend and not holiday and rng.random() < 0.95
    stress = work and rng.random() < (0.55 if busy else 0.17)
    mean_sleep = 7.1 + 0.5 * weekend - 0.6 * busy - 0.4 * after_stress + 0.3 * bool(holiday)
    sleep = min(9.5, max(4.5, round(rng.gauss(mean_sleep, 0.85) * 2) / 2))

    def chance(p: float) -> bool:
        return rng.random() < p

    did: set[str] = set()
    if work:
        did.add("work")
    if chance((0.3 + 0.2 * light + 0.2 * weekend + 0.4 * bool(holiday)) * (0.5 if busy else 1)):
        did.add("walk")
    if chance((0.55 if weekday in (1, 3, 5) else 0.08) * (0.5 if sleep < 6 else 1)):
        did.add("exercise")
    friends = ""
    if chance(0.6 if holiday else 0.5 if weekend else 0.35 if weekday == 4 else 0.12):
        did.add("friends")
        friends = rng.choice(FRIENDS)
    if chance(0.65 if weekday == 6 else 0.06):
        did.add("family")
    if weekday == 3 and day.isocalendar().week % 2 == 0 and not holiday:
        did.add("therapy")
    if "walk" in did and (weekend or holiday) and chance(0.6):
        did.add("outdoors")
    for label, p in (("reading", 0.3), ("cooking", 0.5 if weekend else 0.3), ("music", 0.2),
                     ("chores", 0.45 if weekend else 0.12), ("gaming", 0.1),
                     ("meditation", 0.15)):
        if chance(p):
            did.add(label)
    mood = (3.2 + 0.22 * season(day) + 0.15 * weekend - 0.1 * (weekday == 0 and work)
            + 0.35 * ("walk" in did) + 0.3 * bool(friends) + 0.3 * ("exercise" in did)
            + 0.15 * ("outdoors" in did) + 0.1 * ("family" in did) + 0.2 * bool(holiday)
            + (0.25 if sleep >= 7 else -0.5 if sleep < 6 else 0.0)
            - 0.6 * stress - 0.15 * busy + rng.gauss(0, 0.45))
    activities = tuple(sorted(did, key=lambda a: (ACTIVITY_HOURS[a], a)))
    return DemoDay(day, sleep, work, stress, busy, holiday, after_stress, activities, friends,
                   min(4.8, max(1.3, mood)))


def demo_drafts(end: datetime, days: int = 365, seed: int = 7
                ) -> Iterator[EntryDraft | CheckInDraft]:
    """Check-ins (one to three a day) and entries on most days, up to `end`."""
    for demo in demo_days(end.date(), days, seed):
        yield from day_drafts(demo, end, random.Random(f"{seed}-{demo.day.isoformat()}"))


def day_drafts(demo: DemoDay, end: datetime, rng: random.Random
               ) -> Iterator[EntryDraft | CheckInDraft]:
    slots = [hour for hour, p in ((8, 0.6), (13, 0.35)) if rng.random() < p]
    if rng.random() < 0.85 or not slots:
        slots.append(rng.choice((19, 19, 22)))
    named: set[str] = set()
    for hour in slots:
        when = datetime.combine(demo.day, time(hour, rng.randint(0, 59)), end.tzinfo)
        if when > end:
            return
        activities = tuple(a for a in demo.activities
                           if ACTIVITY_HOURS[a] <= hour + 1 and a not in named)
        named.update(activities)
        mood = _checkin_mood(demo, hour, rng)
        energy = mood - 0.3 + 0.3 * (demo.sleep - 7)
        yield CheckInDraft(
            mood=mood,
            energy=max(1, min(5, round(energy + rng.gauss(0, 0.5)))),
            emotions=_emotions(demo, hour, mood, rng),
            activities=activities,
            sleep_hours=demo.sleep if hour == 8 else None,
            note=checkin_note(demo, hour, rng) if rng.random() < 0.45 else "",
            at=when,
        )
    if rng.random() < (0.5 if demo.busy else 0.9 if demo.holiday else 0.72):
        when = datetime.combine(demo.day, time(21, rng.randint(0, 59)), end.tzinfo)
        if when <= end:
            title, body, tags = entry_text(demo, rng)
            yield EntryDraft(
                title=title, body=body, tags=tags,
                mood=max(1, min(5, round(demo.mood))) if rng.random() < 0.5 else None,
                starred=rng.random() < 0.07, at=when)


def _checkin_mood(demo: DemoDay, hour: int, rng: random.Random) -> int:
    shift = {8: -0.1 - 0.3 * (demo.sleep < 6), 13: -0.15 * demo.stress,
             19: 0.05 + 0.15 * bool(demo.friends)}.get(hour, 0.0)
    return max(1, min(5, round(demo.mood + shift + rng.gauss(0, 0.45))))


def _emotions(demo: DemoDay, hour: int, mood: int, rng: random.Random) -> tuple[str, ...]:
    """One to three emotions that fit the check-in's mood and the day."""
    picked: list[str] = []
    if mood >= 4:
        picked += rng.sample(("content", "calm", "grateful", "happy", "hopeful"),
                             rng.choice((1, 1, 2)))
        if "exercise" in demo.activities and rng.random() < 0.4:
            picked.append("proud")
        if demo.holiday and rng.random() < 0.3:
            picked.append("excited")
    elif mood == 3:
        picked.append(rng.choice(("content", "tired", "hopeful")))
    else:
        picked += rng.sample(("tired", "sad", "anxious", "irritable", "lonely"),
                             rng.choice((1, 1, 2)))
        if demo.stress and rng.random() < 0.5:
            picked.append("overwhelmed")
    if demo.stress and hour >= 13 and rng.random() < (0.7 if mood <= 2 else 0.3):
        picked.append("stressed")
    if demo.after_stress and not demo.stress and rng.random() < (
            0.7 if mood >= 4 else 0.2 if mood == 3 else 0):
        picked.append("relieved")
    if hour == 8 and demo.sleep < 6 and "tired" not in picked:
        picked.append("tired")
    return tuple(dict.fromkeys(picked))[:3]


def demo_questionnaires(days: list[DemoDay], zone: tzinfo | None
                        ) -> Iterator[tuple[str, list[int], datetime]]:
    """A PHQ-9, GAD-7 and WHO-5 every four weeks, their answers following the weeks before
    (mild at worst: the demo should not look like a crisis; PHQ-9 item 9 always 0)."""
    rng = random.Random(11)
    for index in range(27, len(days), 28):
        recent = days[index - 27:index + 1]
        mood = sum(d.mood for d in recent) / len(recent)
        stress = sum(d.stress for d in recent) / len(recent)
        low = min(1.0, max(0.0, (3.9 - mood) / 1.6))
        at = datetime.combine(recent[-1].day, time(20, 30), zone)

        def answers(count: int, level: float, top: int) -> list[int]:
            return [max(0, min(top, round(level + rng.gauss(0, 0.45)))) for _ in range(count)]

        phq = answers(8, 1.6 * low, 2) + [0]
        yield "phq9", phq, at
        yield "gad7", answers(7, 1.3 * low + 1.5 * stress, 2), at + timedelta(minutes=4)
        yield "who5", answers(5, 4.2 - 2.0 * low, 5), at + timedelta(minutes=8)


def fill_with_demo_data(app: CompanionApp, *, days: int = 365, seed: int = 7) -> tuple[int, int]:
    """Write the sample year into an unlocked vault; return (entries, check-ins)."""
    entries: list[EntryDraft] = []
    checkins = 0
    for draft in demo_drafts(app.clock.now(), days, seed):
        if isinstance(draft, EntryDraft):
            entries.append(draft)
        else:
            app.checkins.add(draft)
            checkins += 1
    return app.journal.add_many(entries), checkins


def fill_demo_vault(app: CompanionApp, *, days: int = 365, seed: int = 7) -> None:
    """Everything `companion --demo` shows apart from the circle: the sample year, a
    questionnaire every four weeks, and 45 days of screen time with budgets (more of it in the
    evenings of harder days)."""
    from companion.screentime.demo import add_demo_screen_time

    fill_with_demo_data(app, days=days, seed=seed)
    now = app.clock.now()
    year = demo_days(now.date(), days, seed)
    for kind, answers, at in demo_questionnaires(year, now.tzinfo):
        if at <= now:
            app.save_questionnaire(kind, answers, taken_at=at)
    harder = {d.day for d in year if d.mood < 3.2}
    add_demo_screen_time(app, 45, long_evening=harder.__contains__)
