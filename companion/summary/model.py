"""What a therapist summary holds: the period's data and exactly the parts the person chose.

Private by default: the request names each part to include, and journal entries only ever
appear when their ids are listed in `entry_ids` — there is no "all entries" switch. Check-in
notes are left out unless `checkin_notes` is set, for the same reason.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from companion.errors import InvalidInput
from companion.models import Entry, ItemRef, Kind
from companion.period import PeriodData, check_period, load_period
from companion.summary.images import SummaryImage, check_images, load_images

if TYPE_CHECKING:
    from companion.app import CompanionApp


class Part(StrEnum):
    MOOD = "mood"  # mood (and energy) chart
    CHECKINS = "checkins"  # the check-in table
    QUESTIONNAIRES = "questionnaires"  # scores, bands and trend
    LABELS = "labels"  # top activities and emotions
    SCREEN_TIME = "screentime"  # screen-time summary, when there is any


ALL_PARTS = frozenset(Part)
PART_LABELS = {
    Part.MOOD: "Mood chart", Part.CHECKINS: "Check-in table",
    Part.QUESTIONNAIRES: "Questionnaire scores and trend",
    Part.LABELS: "Top activities and emotions", Part.SCREEN_TIME: "Screen-time summary",
}


class Paper(StrEnum):
    A4 = "a4"
    LETTER = "letter"


@dataclass(frozen=True)
class SummaryRequest:
    start: date
    end: date
    parts: frozenset[Part] = ALL_PARTS
    entry_ids: tuple[int, ...] = ()  # journal entries to include, in this order; none by default
    # Photos of included entries, (entry id, place among its attachments); none by default.
    images: tuple[tuple[int, int], ...] = ()
    checkin_notes: bool = False
    paper: Paper = Paper.A4
    name: str = ""  # shown on the cover when given

    def checked(self) -> SummaryRequest:
        check_period(self.start, self.end)
        if len(self.name) > 200:
            raise InvalidInput("The name on the cover can have at most 200 characters.")
        if len(set(self.entry_ids)) != len(self.entry_ids):
            raise InvalidInput("An entry was chosen twice.", "Give each --include-entry once.")
        check_images(self.entry_ids, self.images)
        return self


@dataclass(frozen=True)
class LabelCount:
    label: str
    days: int


@dataclass(frozen=True)
class Summary:
    request: SummaryRequest
    made_at: datetime
    data: PeriodData
    entries: tuple[Entry, ...]  # exactly the chosen ones
    top_activities: tuple[LabelCount, ...]
    top_emotions: tuple[LabelCount, ...]
    notes: tuple[str, ...] = field(default=())  # remarks for the cover (e.g. font fallback)
    images: dict[int, tuple[SummaryImage, ...]] = field(default_factory=dict)  # by entry

    def has(self, part: Part) -> bool:
        return part in self.request.parts


def parse_entry_id(text: str) -> int:
    """`e12` or `12` → 12; check-in ids and anything else are refused by name."""
    cleaned = text.strip()
    if cleaned.isascii() and cleaned.isdigit():
        return int(cleaned)
    ref = ItemRef.parse(cleaned)
    if ref.kind is not Kind.ENTRY:
        raise InvalidInput(f"{cleaned} is a check-in; --include-entry takes journal entries.",
                           "Check-ins are in the check-in table already.")
    return ref.number


def build_summary(app: CompanionApp, request: SummaryRequest, *,
                  day_start_hour: int = 0) -> Summary:
    request = request.checked()
    data = load_period(app, request.start, request.end, day_start_hour=day_start_hour)
    entries = tuple(app.journal.get(entry_id) for entry_id in request.entry_ids)
    images = load_images(app, request.images) if request.images else {}
    return Summary(request, app.clock.now(), data, entries,
                   top_labels(data, "activities"), top_labels(data, "emotions"),
                   images=images)


def top_labels(data: PeriodData, which: str, limit: int = 8) -> tuple[LabelCount, ...]:
    """Labels by the number of days they were named on (ties alphabetically)."""
    days: Counter[str] = Counter()
    by_day: dict[date, set[str]] = {}
    for checkin in data.checkins:
        names = checkin.activities if which == "activities" else checkin.emotions
        by_day.setdefault(checkin.at.date(), set()).update(names)
    for labels in by_day.values():
        days.update(labels)
    ranked = sorted(days.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return tuple(LabelCount(label, count) for label, count in ranked)
