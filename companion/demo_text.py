"""The demo's words: journal entries and check-in notes written from what a day held.

Everything said comes from the day (companion/demo_data.py DemoDay): the weekday named is the
entry's own, the season is the date's, a walk, a run, friends or a bad night are mentioned
only on a day that had them, and the closing line follows the day's mood.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from companion.demo_data import DemoDay

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_NUMBERS = {4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine"}

_SEASON_LINES = {
    "winter": ("It was dark again by half past four.", "Frost on the windows this morning.",
               "Grey all day; I had the lamp on by three."),
    "spring": ("The blossom is out along our street.", "Light in the evenings again.",
               "Showers and sun, turn and turn about."),
    "summer": ("Warm enough to leave the windows open all evening.",
               "The swifts were screaming over the rooftops tonight.",
               "A long light evening; it was still bright at nine."),
    "autumn": ("Leaves all over the path to the station.", "A cold, bright morning.",
               "Rain most of the day, the drumming kind."),
}
_WALK_DETAIL = {
    "winter": "Cold, but the light on the water was lovely.",
    "spring": "The herons were back.",
    "summer": "The path smelled of cut grass.",
    "autumn": "The river was high and brown after the rain.",
}
_FRIENDS_LINES = {
    "tea with Priya": ("Tea with Priya", "Met Priya for tea. We laughed about the time we got "
                       "lost in Porto."),
    "dinner at Jo's": ("Dinner at Jo's", "Dinner at Jo's with the usual crowd; I stayed later "
                       "than I meant to and did not mind."),
    "quiz night with Priya and Jo": ("Quiz night", "Quiz night at the pub with Priya and Jo. "
                                     "We came fourth and argued about the last answer all the "
                                     "way home."),
}
_GOOD_THINGS = {"walk": "the walk", "friends": "the company", "exercise": "the exercise",
                "cooking": "the cooking", "reading": "the book", "family": "the call with Mum",
                "music": "the music", "outdoors": "being outside"}


def season_name(demo: DemoDay) -> str:
    month = demo.day.month
    return ("winter" if month in (12, 1, 2) else "spring" if month in (3, 4, 5)
            else "summer" if month in (6, 7, 8) else "autumn")


def _hours(sleep: float) -> str:
    whole = int(sleep)
    words = _NUMBERS.get(whole, str(whole))
    return f"{words} and a half hours" if sleep - whole else f"{words} hours"


def _weekday_line(demo: DemoDay) -> str | None:
    weekday = demo.day.weekday()
    if demo.holiday:
        return None
    if weekday == 0 and demo.work:
        return "Monday, and back at my desk after the weekend."
    if weekday == 4 and demo.work:
        return "Friday at last."
    if weekday == 5:
        return "Saturday, and no alarm."
    if weekday == 6:
        return "A slow Sunday."
    if weekday == 2:
        return "Wednesday already; the week is going quickly."
    return None


def _opening(demo: DemoDay, rng: random.Random) -> list[str]:
    lines: list[str] = []
    if demo.holiday == 1:
        lines.append("First day of the holiday. The train to the coast was full, but I had a "
                     "window seat.")
    elif demo.holiday:
        lines.append(f"Holiday, day {demo.holiday}. Breakfast outside, and nowhere to be.")
    weekday = _weekday_line(demo)
    if weekday and rng.random() < 0.7:
        lines.append(weekday)
    elif not demo.holiday:
        lines.append(rng.choice(_SEASON_LINES[season_name(demo)]))
    if demo.sleep < 6:
        lines.append(rng.choice((f"Slept badly, about {_hours(demo.sleep)}, and felt it all "
                                 "morning.", "Another short night; coffee did what it could.")))
    elif demo.sleep >= 8:
        lines.append(f"{_hours(demo.sleep).capitalize()} of sleep, and I woke before the alarm.")
    return lines


def _events(demo: DemoDay, rng: random.Random) -> list[str]:
    did = set(demo.activities)
    lines: list[str] = []
    if "exercise" in did:
        when = "before work" if demo.work else "before breakfast"
        lines.append(f"Ran 5 km {when}, slowly, but I went." if demo.run
                     else "Swam twenty lengths at the pool.")
    if demo.stress:
        lines.append(rng.choice((
            "The deadline ate the whole day; I stayed late and still did not finish.",
            "Three meetings, two of them about the same thing, and the deadline did not move."))
            if demo.busy else rng.choice((
                "A tense meeting with Sam about the budget. I said what I needed to say, but "
                "it took the rest of the afternoon to calm down.",
                "Back-to-back calls and an inbox that kept growing.")))
    elif demo.work and rng.random() < 0.4:
        lines.append(rng.choice(("A steady day at work; I finished the draft of the report.",
                                 "The meeting with Sam went better than I feared.",
                                 "A quiet day at work, mostly emails.")))
    if "walk" in did:
        if demo.holiday:
            lines.append("A long walk along the cliffs, with the wind in our faces.")
        else:
            where = ("Walked by the river at lunch." if demo.work
                     else "A long walk by the river in the morning.")
            lines.append(f"{where} {_WALK_DETAIL[season_name(demo)]}")
    if "therapy" in did:
        lines.append(rng.choice(("Therapy this afternoon. We talked about how I treat rest as "
                                 "something I have to earn.",
                                 "Therapy today: less about work this time, more about sleep.")))
    if "family" in did:
        garden = season_name(demo) in ("spring", "summer")
        lines.append("Called Mum. She sounded well and was full of news about the garden."
                     if garden else "Called Mum; she has joined a book club and has opinions.")
    if demo.friends:
        lines.append(_FRIENDS_LINES[demo.friends][1])
    extras = {"cooking": ("Made a big salad and ate it by the open window."
                          if season_name(demo) == "summer"
                          else "Cooked the lentil soup again and froze half of it."),
              "reading": "Read for an hour before bed.",
              "chores": "Laundry, hoovering, the usual.",
              "gaming": "An hour of a silly game to switch off.",
              "meditation": "Ten minutes of breathing before anything else."}
    lines += [extras[a] for a in demo.activities if a in extras][:max(0, 3 - len(lines))]
    return lines or ["Nothing much happened, which was fine."]


def _closing(demo: DemoDay, rng: random.Random) -> str:
    if demo.mood >= 3.8:
        good = [_GOOD_THINGS[a] for a in demo.activities if a in _GOOD_THINGS]
        if len(good) >= 2 and rng.random() < 0.6:
            return f"Good things today: {', '.join(good[:-1])} and {good[-1]}."
        return rng.choice(("Grateful for small, ordinary days.", "A good day. I want to "
                           "remember this one."))
    if demo.mood >= 2.8:
        return rng.choice(("Tomorrow: one thing at a time.", "An ordinary day, and that is "
                           "fine.", "Early night, I think."))
    if demo.sleep < 6:
        return "Bed by ten tonight, phone in the other room."
    return rng.choice(("Not my best day. Tomorrow is another one.", "Note to self: ask for "
                       "help sooner.", "Going to bed early tonight."))


def _title(demo: DemoDay, rng: random.Random) -> str:
    weekday = demo.day.weekday()
    did = set(demo.activities)
    choices = [
        (bool(demo.holiday), f"Holiday, day {demo.holiday}"),
        ("therapy" in did, "After therapy"),
        (demo.stress and demo.busy, "Deadline week"),
        (demo.stress, "Long day"),
        (bool(demo.friends), _FRIENDS_LINES.get(demo.friends, ("", ""))[0]),
        (demo.sleep < 6, "Heavy morning"),
        ("walk" in did, "River walk"),
        ("exercise" in did and demo.run, "Running"),
        (weekday == 6, "Sunday"),
        (weekday == 4 and demo.work, "Friday"),
        (demo.mood >= 3.8, rng.choice(("A better day", "Small wins"))),
    ]
    for applies, title in choices:
        if applies and rng.random() < 0.8:
            return title
    return ""  # untitled: the list shows the first line


def entry_text(demo: DemoDay, rng: random.Random) -> tuple[str, str, tuple[str, ...]]:
    """(title, body, tags) for the day's journal entry."""
    opening = " ".join(_opening(demo, rng))
    events = _events(demo, rng)
    middle = " ".join(events[:2]) if len(events) > 2 else " ".join(events)
    paragraphs = [opening, middle] + ([" ".join(events[2:])] if len(events) > 2 else [])
    closing = _closing(demo, rng)
    paragraphs.append(closing)
    did = set(demo.activities)
    tags = [tag for tag, applies in (
        ("travel", bool(demo.holiday)), ("therapy", "therapy" in did),
        ("work", demo.stress), ("walk", "walk" in did), ("friends", bool(demo.friends)),
        ("family", "family" in did), ("sleep", demo.sleep < 6 or demo.sleep >= 8),
        ("gratitude", closing.startswith(("Grateful", "Good things"))),
        ("reading", "reading" in did)) if applies]
    return _title(demo, rng), "\n\n".join(p for p in paragraphs if p), tuple(tags[:3])


def checkin_note(demo: DemoDay, hour: int, rng: random.Random) -> str:
    """A short note for a check-in at `hour`, or "" when the day gives nothing to say."""
    did = set(demo.activities)
    options: list[str] = []
    if hour == 8:
        if demo.sleep < 6:
            options.append("short night")
        elif demo.sleep >= 8:
            options.append("slept well")
        if "exercise" in did and demo.run:
            options.append("ran before breakfast" if not demo.work else "ran before work")
    elif hour == 13:
        if demo.stress:
            options.append("meetings all morning")
        if "walk" in did:
            options.append("the walk helped")
    else:
        if demo.stress:
            options.append("long day")
        if demo.friends:
            options.append(demo.friends)
        if "therapy" in did:
            options.append("after therapy")
        if "walk" in did:
            options.append("good walk today")
        if demo.mood < 2.8 and not options:
            options.append("flat, not sure why")
    return rng.choice(options) if options else ""
