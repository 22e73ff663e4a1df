"""Activities and emotions that go with better or worse days.

Works on days, not check-ins: a day "has" a label when any of its check-ins names it, and its
mood is the mean of its check-ins. A label is only reported when there are at least
`MIN_DAYS_EACH_SIDE` days with it and as many without it. Every sentence is worded as an
association ("on days with walk, your mood averaged ..."): walking on good days does not show
that walking makes the days good. `CAVEAT` says so in words; a page or a document says it once,
not after every sentence (it was repeated on every line, and twice on some cards).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from companion.insights._days import Basis, Prepared, prepare
from companion.models import CheckIn
from companion.plurals import plural

MIN_DAYS_EACH_SIDE = 3
LabelKind = Literal["activity", "emotion"]
CAVEAT = "These are associations, not proof of cause."


@dataclass(frozen=True)
class LabelAssociation:
    label: str
    mood_with: float  # mean of daily moods on days with the label
    mood_without: float
    difference: float  # mood_with - mood_without
    n_with_days: int
    n_without_days: int
    sentence: str


@dataclass(frozen=True)
class LabelAssociations:
    kind: LabelKind
    items: tuple[LabelAssociation, ...]  # highest difference first
    too_rare: tuple[str, ...]  # labels seen but left out: too few days with or without them
    based_on: Basis
    enough_data: bool
    reason: str


def label_associations(checkins: Iterable[CheckIn], kind: LabelKind = "activity", *,
                       day_start_hour: int = 0) -> LabelAssociations:
    return associations_from(prepare(checkins, day_start_hour), kind)


def associations_from(prepared: Prepared, kind: LabelKind) -> LabelAssociations:
    if kind not in ("activity", "emotion"):
        raise ValueError(f"kind must be 'activity' or 'emotion', not {kind!r}")
    total_days = len(prepared.days)
    total_mood = 0.0
    sums: dict[str, float] = {}
    counts: dict[str, int] = {}
    for stats in prepared.days:
        mood = stats.mood
        total_mood += mood
        for label in stats.activities if kind == "activity" else stats.emotions:
            sums[label] = sums.get(label, 0.0) + mood
            counts[label] = counts.get(label, 0) + 1
    items: list[LabelAssociation] = []
    too_rare: list[str] = []
    for label in sorted(counts):
        n_with = counts[label]
        n_without = total_days - n_with
        if n_with < MIN_DAYS_EACH_SIDE or n_without < MIN_DAYS_EACH_SIDE:
            too_rare.append(label)
            continue
        mood_with = sums[label] / n_with
        mood_without = (total_mood - sums[label]) / n_without
        difference = mood_with - mood_without
        items.append(LabelAssociation(label, mood_with, mood_without, difference, n_with,
                                      n_without, _sentence(label, difference, n_with,
                                                           n_without)))
    items.sort(key=lambda item: (-item.difference, item.label))
    enough = bool(items)
    if enough:
        reason = ""
    elif not counts:
        reason = f"No check-in names an {kind} yet."
    else:
        reason = (f"Each {kind} needs at least {MIN_DAYS_EACH_SIDE} days with it and "
                  f"{MIN_DAYS_EACH_SIDE} without it before anything is said about it.")
    return LabelAssociations(kind, tuple(items), tuple(too_rare), prepared.basis, enough,
                             reason)


def _sentence(label: str, difference: float, n_with: int, n_without: int) -> str:
    shown = round(abs(difference), 1)
    if shown == 0:
        how = "about the same as on other days"
    else:
        how = f"{shown:.1f} {'higher' if difference > 0 else 'lower'}"
    return (f"On days with {label}, your mood averaged {how} ({plural(n_with, 'day')} with, "
            f"{n_without} without).")
