"""The journal list's rows as numbers (built on a worker thread), and check-ins in words.

A row is one signed 64-bit number in an `array('q')`, so the list of ten years costs a few
hundred kilobytes and a reload can be diffed with array slices:

    value > 0                        an entry, by its id
    -CHECKIN_BASE < value < 0        a day header: minus the day's ordinal
    value <= -CHECKIN_BASE           a check-in: -(CHECKIN_BASE + its id)

Day ordinals stay below 3,700,000 (the year 10,000 is 3,652,060), far above -CHECKIN_BASE
(2**32), so a header and a check-in can never look alike; a check-in id may go up to
2**63 - 2**32 - 1, which SQLite's rowids reach only when chosen on purpose (then appending its
row raises OverflowError rather than showing a wrong row).

Under a day's header come its check-ins (newest first), then its entries (newest first): the
entry index knows days, not times, so the two are not interleaved. With a tag filter only
entries are listed; the check-ins of their days are shown as faces on the day's header.
"""

from __future__ import annotations

import difflib
from array import array
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import NamedTuple

from PySide6.QtCore import QCoreApplication

from companion.checkins import DayMood
from companion.markdown_text import plain_title
from companion.models import ENERGY_LABELS, MOOD_LABELS, Entry

CHECKIN_BASE = 1 << 32
DayMoods = tuple[DayMood, ...]


class Rows(NamedTuple):
    rows: array[int]  # see the module docstring
    days: array[int]  # the day's ordinal, on every row
    faces: dict[int, DayMoods]  # day ordinal -> check-ins shown as faces on its header
    checkins: dict[int, DayMood]  # check-in id -> what its row shows


def is_header_value(value: int) -> bool:
    return -CHECKIN_BASE < value < 0


def checkin_value(checkin_id: int) -> int:
    return -(CHECKIN_BASE + checkin_id)


def checkin_id_of(value: int) -> int | None:
    return -value - CHECKIN_BASE if value <= -CHECKIN_BASE else None


def build_rows(index: Iterable[tuple[int, str]],
               moods: Mapping[str, Sequence[DayMood]] | None = None, *,
               entry_days_only: bool = False) -> Rows:
    """Rows with a header before each day's check-ins and entries (runs on a worker thread).
    `index` is (entry id, day) newest first; `moods` each day's check-ins in time order. Days
    with check-ins and no entries get a header and rows of their own, in date order. With
    `entry_days_only` (a tag filter) there are no check-in rows and no days without entries:
    each listed day's check-ins become its header's faces."""
    rows, days = array("q"), array("i")
    faces: dict[int, DayMoods] = {}
    checkins: dict[int, DayMood] = {}
    moods = moods or {}
    alone = [] if entry_days_only else sorted(moods, reverse=True)  # newest first, like rows
    taken = 0

    def header(day: str) -> int:
        ordinal = date.fromisoformat(day).toordinal()
        rows.append(-ordinal)
        days.append(ordinal)
        day_moods = moods.get(day)
        if not day_moods:
            return ordinal
        if entry_days_only:
            faces[ordinal] = tuple(day_moods)
            return ordinal
        for checkin in reversed(day_moods):  # newest first
            rows.append(checkin_value(checkin.id))
            days.append(ordinal)
            checkins[checkin.id] = checkin
        return ordinal

    last = ""
    ordinal = 0
    for entry_id, day in index:
        if day != last:
            while taken < len(alone) and alone[taken] >= day:
                if alone[taken] > day:
                    header(alone[taken])
                taken += 1
            ordinal = header(day)
            last = day
        rows.append(entry_id)
        days.append(ordinal)
    for day in alone[taken:]:
        header(day)
    return Rows(rows, days, faces, checkins)


# -- check-ins in words -----------------------------------------------------------------------


def _tr(text: str) -> str:
    return QCoreApplication.translate("JournalListModel", text)


def mood_word(mood: int) -> str:
    return _tr(MOOD_LABELS.get(mood, "?"))


def describe_moods(moods: Iterable[DayMood]) -> list[str]:
    """A header's check-ins in words: ["good at 09:30", "okay at 19:05 (tired, calm)"]."""
    parts = []
    for checkin in moods:
        feeling = _tr("%1 at %2").replace("%1", mood_word(checkin.mood)).replace(
            "%2", checkin.time)
        parts.append(f"{feeling} ({', '.join(checkin.emotions)})" if checkin.emotions
                     else feeling)
    return parts


def checkin_details(checkin: DayMood) -> list[str]:
    """What a check-in's row shows after its mood, apart from the note: energy, emotions,
    activities ("energy steady", "tired, calm", "work, walk")."""
    parts = []
    if checkin.energy is not None:
        parts.append(_tr("energy %1").replace(
            "%1", _tr(ENERGY_LABELS.get(checkin.energy, "?"))))
    if checkin.emotions:
        parts.append(", ".join(checkin.emotions))
    if checkin.activities:
        parts.append(", ".join(checkin.activities))
    return parts


def describe_checkin(checkin: DayMood) -> str:
    """One sentence for screen readers: "Check-in at 09:30: good; energy steady; felt tired,
    calm; did work; note: …"."""
    parts = [mood_word(checkin.mood)]
    if checkin.energy is not None:
        parts.append(_tr("energy %1").replace(
            "%1", _tr(ENERGY_LABELS.get(checkin.energy, "?"))))
    if checkin.emotions:
        parts.append(_tr("felt %1").replace("%1", ", ".join(checkin.emotions)))
    if checkin.activities:
        parts.append(_tr("did %1").replace("%1", ", ".join(checkin.activities)))
    if checkin.note:
        parts.append(_tr("note: %1").replace("%1", checkin.note))
    return _tr("Check-in at %1: %2").replace("%1", checkin.time).replace(
        "%2", "; ".join(parts))


def checkin_tooltip(checkin: DayMood) -> str:
    """Everything the row may have cut short, one thing a line."""
    lines = [_tr("%1 at %2").replace("%1", mood_word(checkin.mood).capitalize()).replace(
        "%2", checkin.time)]
    if checkin.energy is not None:
        lines.append(_tr("Energy: %1").replace(
            "%1", _tr(ENERGY_LABELS.get(checkin.energy, "?"))))
    if checkin.emotions:
        lines.append(_tr("Felt: %1").replace("%1", ", ".join(checkin.emotions)))
    if checkin.activities:
        lines.append(_tr("Did: %1").replace("%1", ", ".join(checkin.activities)))
    if checkin.note:
        lines.append(checkin.note)
    lines.append(_tr("Enter or a double click to edit; Delete to delete"))
    return "\n".join(lines)


# -- entries in words ------------------------------------------------------------------------


def entry_label(entry: Entry) -> str:
    """The title, or the first line of the text (without its Markdown) when there is none."""
    return entry.title or plain_title(entry.body)


def describe_entry(entry: Entry) -> str:
    """One sentence for screen readers."""
    parts = [f"{entry.created:%H:%M}", entry_label(entry)]
    if entry.starred:
        parts.append("starred")
    if entry.tags:
        parts.append("tags " + ", ".join(entry.tags))
    if entry.mood is not None:
        parts.append(f"mood {MOOD_LABELS[entry.mood]}")
    return ", ".join(parts)


# -- diffing rows -----------------------------------------------------------------------------


def common_prefix(a: array[int], b: array[int]) -> int:
    n = min(len(a), len(b))
    if a[:n] == b[:n]:
        return n
    lo, hi = 0, n  # a[:lo] == b[:lo] and a[:hi] != b[:hi]
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid
    return lo


def common_suffix(a: array[int], b: array[int], limit: int) -> int:
    """How many values `a` and `b` share at their ends, at most `limit`."""
    if limit <= 0:
        return 0
    ra, rb = a[len(a) - limit:], b[len(b) - limit:]
    ra.reverse()
    rb.reverse()
    return common_prefix(ra, rb)


def middle_steps(old: array[int], new: array[int]) -> list[tuple[int, int, int, int]]:
    """How `old` becomes `new` keeping the longest runs they share: (old_from, old_to,
    new_from, new_to) for each place where rows go, come, or both, in order. Row values are
    unique, so the runs are unambiguous."""
    matcher = difflib.SequenceMatcher(None, old.tolist(), new.tolist(), autojunk=False)
    return [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]
