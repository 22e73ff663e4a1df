"""Mood check-ins: mood and energy 1–5, emotions, activities, sleep, a short note.

Several a day are fine; nothing here counts streaks.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from companion.clock import Clock
from companion.errors import InvalidInput, NotFound
from companion.models import (
    Changes,
    CheckIn,
    CheckInDraft,
    ItemRef,
    Kind,
    check_scale,
    check_storable,
    normalize_label,
)
from companion.timeutil import Stamp, period_clauses
from storage.database import Database

MAX_NOTE = 10_000
_COLUMNS = "c.id, c.at_us, c.at_offset, c.mood, c.energy, c.sleep_hours, c.note, c.deleted_us"
_UNSET: Any = object()

NOTE_PREVIEW = 240  # characters of a note the journal list keeps: it shows one line


@dataclass(frozen=True, slots=True)
class DayMood:
    """A check-in as the journal list shows it, in a row of its own (and as a face on a day
    header when a tag filter hides the rows). `note` is the note's start on one line, at most
    NOTE_PREVIEW characters: opening the check-in loads all of it."""

    id: int
    time: str  # the writer's local "HH:MM"
    mood: int
    energy: int | None = None
    emotions: tuple[str, ...] = ()
    activities: tuple[str, ...] = ()
    note: str = ""


class CheckIns:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def add(self, draft: CheckInDraft) -> CheckIn:
        values = validated_checkin(draft)
        when = Stamp.of(draft.at or self.clock.now())
        now = Stamp.of(self.clock.now())
        with self.db.transaction() as cur:
            cur.execute(
                "INSERT INTO checkins (at_us, at_offset, day, mood, energy, sleep_hours, note,"
                " updated_us) VALUES (?,?,?,?,?,?,?,?)",
                (when.utc_us, when.offset_min, when.local_day, values["mood"], values["energy"],
                 values["sleep_hours"], values["note"], now.utc_us),
            )
            checkin_id = int(cur.lastrowid)
            write_labels(cur, checkin_id, values["emotions"], values["activities"])
        return self.get(checkin_id)

    def update(
        self,
        checkin_id: int,
        *,
        mood: int | None = None,
        energy: int | None = _UNSET,
        emotions: Sequence[str] | None = None,
        activities: Sequence[str] | None = None,
        sleep_hours: float | None = _UNSET,
        note: str | None = None,
        at: datetime | None = None,
    ) -> CheckIn:
        """Change what is given; `at` moves the check-in to another time (a wrong tap an hour
        late, a check-in made up for the evening before)."""
        current = self.get(checkin_id)
        draft = CheckInDraft(
            mood=current.mood if mood is None else mood,
            energy=current.energy if energy is _UNSET else energy,
            emotions=current.emotions if emotions is None else tuple(emotions),
            activities=current.activities if activities is None else tuple(activities),
            sleep_hours=current.sleep_hours if sleep_hours is _UNSET else sleep_hours,
            note=current.note if note is None else note,
        )
        values = validated_checkin(draft)
        if at is not None and (at.tzinfo is None or at.utcoffset() is None):
            raise InvalidInput("A check-in's time needs its time zone.")
        if at is not None and at > self.clock.now():
            raise InvalidInput("A check-in cannot be later than now.",
                               "Choose a time that has passed.")
        when = Stamp.of(at if at is not None else current.at)
        with self.db.transaction() as cur:
            cur.execute(
                "UPDATE checkins SET mood = ?, energy = ?, sleep_hours = ?, note = ?,"
                " at_us = ?, at_offset = ?, day = ?, updated_us = ? WHERE id = ?",
                (values["mood"], values["energy"], values["sleep_hours"], values["note"],
                 when.utc_us, when.offset_min, when.local_day,
                 Stamp.of(self.clock.now()).utc_us, checkin_id),
            )
            cur.execute("DELETE FROM checkin_labels WHERE checkin_id = ?", (checkin_id,))
            write_labels(cur, checkin_id, values["emotions"], values["activities"])
        return self.get(checkin_id)

    def delete(self, checkin_id: int) -> Changes:
        self._set_deleted(checkin_id, Stamp.of(self.clock.now()).utc_us, expect_deleted=False)
        return Changes(checkins=True, ids=(ItemRef(Kind.CHECKIN, checkin_id),))

    def restore(self, checkin_id: int) -> Changes:
        self._set_deleted(checkin_id, None, expect_deleted=True)
        return Changes(checkins=True, ids=(ItemRef(Kind.CHECKIN, checkin_id),))

    def _set_deleted(self, checkin_id: int, value: int | None, *, expect_deleted: bool) -> None:
        current = self.get(checkin_id, include_deleted=True)
        if (current.deleted is not None) != expect_deleted:
            state = "is not in the trash" if expect_deleted else "is already in the trash"
            raise InvalidInput(f"Check-in c{checkin_id} {state}.")
        with self.db.transaction() as cur:
            cur.execute("UPDATE checkins SET deleted_us = ? WHERE id = ?", (value, checkin_id))

    def get(self, checkin_id: int, *, include_deleted: bool = False) -> CheckIn:
        row = self.db.query_one(f"SELECT {_COLUMNS} FROM checkins c WHERE c.id = ?",
                                (checkin_id,))
        if row is None or (row[7] is not None and not include_deleted):
            raise NotFound(f"There is no check-in c{checkin_id}.",
                           "Use `companion list --kind checkin` to see ids.")
        return self._hydrate([row])[0]

    def get_many(self, ids: Sequence[int]) -> list[CheckIn]:
        """The live check-ins among `ids`, in no particular order."""
        out: list[CheckIn] = []
        for start in range(0, len(ids), 900):
            chunk = list(ids[start : start + 900])
            marks = ",".join("?" * len(chunk))
            out += self._hydrate(self.db.query(
                f"SELECT {_COLUMNS} FROM checkins c WHERE c.id IN ({marks})"
                " AND c.deleted_us IS NULL", chunk))
        return out

    def browse(
        self,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int | None = None,
        trash: bool = False,
        newest_first: bool = True,
    ) -> list[CheckIn]:
        where = ["c.deleted_us IS NOT NULL" if trash else "c.deleted_us IS NULL"]
        params: list[Any] = []
        clauses, bounds = period_clauses("c.at_us", start, end)
        where += clauses
        params += bounds
        order = "DESC" if newest_first else "ASC"
        sql = (f"SELECT {_COLUMNS} FROM checkins c WHERE {' AND '.join(where)}"
               f" ORDER BY c.at_us {order}, c.id {order}")
        if limit is not None:
            sql += " LIMIT ?"
            params.append(max(0, limit))
        return self._hydrate(self.db.query(sql, params))

    def list_days(self, first_day: str, last_day: str) -> list[CheckIn]:
        rows = self.db.query(
            f"SELECT {_COLUMNS} FROM checkins c WHERE c.day BETWEEN ? AND ?"
            " AND c.deleted_us IS NULL ORDER BY c.day, c.at_us",
            (first_day, last_day),
        )
        return self._hydrate(rows)

    def day_moods(self, start: datetime | None = None, end: datetime | None = None
                  ) -> dict[str, list[DayMood]]:
        """Each day's live check-ins in time order, as the journal list shows them (local
        "HH:MM", mood, energy, emotions, activities, the note's start). `start`/`end` filter
        as `Journal.entry_index` does (the moment, start included, end excluded); days are the
        writer's local days.

        One query over the check-ins and their labels, with only the start of each note (no
        sleep): ten years of daily check-ins come back in a few tens of milliseconds. Times
        and label lists that repeat are one object each.
        """
        where = ["c.deleted_us IS NULL"]
        params: list[Any] = [NOTE_PREVIEW]
        clauses, bounds = period_clauses("c.at_us", start, end)
        where += clauses
        params += bounds
        rows = self.db.query(
            "SELECT c.id, c.day, c.at_us, c.at_offset, c.mood, c.energy, substr(c.note, 1, ?),"
            " l.kind, l.label FROM checkins c LEFT JOIN checkin_labels l ON l.checkin_id = c.id"
            f" WHERE {' AND '.join(where)} ORDER BY c.at_us, c.id, l.kind, l.position", params)
        found: list[tuple[str, list[Any], list[str], list[str]]] = []
        times: dict[int, str] = {}  # one string per minute of the day, shared
        last_id: int | None = None
        for checkin_id, day, at_us, offset, mood, energy, note, kind, label in rows:
            if checkin_id != last_id:
                last_id = checkin_id
                minute = (at_us // 60_000_000 + offset) % 1440
                time = times.get(minute)
                if time is None:
                    time = times[minute] = f"{minute // 60:02d}:{minute % 60:02d}"
                found.append((str(day), [int(checkin_id), time, int(mood), energy,
                                         " ".join(str(note).split())], [], []))
            if kind == "emotion":
                found[-1][2].append(str(label))
            elif kind == "activity":
                found[-1][3].append(str(label))
        days: dict[str, list[DayMood]] = {}
        shared: dict[tuple[str, ...], tuple[str, ...]] = {}  # the same labels, one tuple

        def one(labels: list[str]) -> tuple[str, ...]:
            kept = tuple(labels)
            return shared.setdefault(kept, kept)

        for day, (checkin_id, time, mood, energy, note), emotions, activities in found:
            days.setdefault(day, []).append(DayMood(
                checkin_id, time, mood, None if energy is None else int(energy),
                one(emotions), one(activities), note))
        return days

    def known_labels(self, kind: str) -> list[str]:
        """Emotions or activities used before, most used first (for chips and completion)."""
        rows = self.db.query(
            "SELECT label FROM checkin_labels WHERE kind = ? GROUP BY label"
            " ORDER BY count(*) DESC, label", (kind,))
        return [r[0] for r in rows]

    def _hydrate(self, rows: Sequence[Any]) -> list[CheckIn]:
        if not rows:
            return []
        ids = [row[0] for row in rows]
        labels: dict[tuple[int, str], list[str]] = {}
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            marks = ",".join("?" * len(chunk))
            for checkin_id, kind, label in self.db.query(
                "SELECT checkin_id, kind, label FROM checkin_labels"
                f" WHERE checkin_id IN ({marks}) ORDER BY position", chunk):
                labels.setdefault((checkin_id, kind), []).append(label)
        return [
            CheckIn(
                id=row[0], at=Stamp(row[1], row[2]).to_datetime(), mood=row[3], energy=row[4],
                emotions=tuple(labels.get((row[0], "emotion"), ())),
                activities=tuple(labels.get((row[0], "activity"), ())),
                sleep_hours=row[5], note=row[6],
                deleted=None if row[7] is None else Stamp(row[7], 0).to_datetime(),
            )
            for row in rows
        ]


def validated_checkin(draft: CheckInDraft) -> dict[str, Any]:
    sleep = draft.sleep_hours
    if sleep is not None:
        if isinstance(sleep, bool) or not isinstance(sleep, int | float) or not math.isfinite(
            sleep) or not 0 <= sleep <= 24:
            raise InvalidInput(f"Sleep must be between 0 and 24 hours, not {sleep!r}.")
        sleep = round(float(sleep), 2)
    if len(draft.note) > MAX_NOTE:
        raise InvalidInput(f"A check-in note can have at most {MAX_NOTE:,} characters.")
    check_storable(draft.note, "note")
    return {
        "mood": check_scale("mood", draft.mood, required=True),
        "energy": check_scale("energy", draft.energy),
        "emotions": _unique(draft.emotions),
        "activities": _unique(draft.activities),
        "sleep_hours": sleep,
        "note": draft.note.strip(),
    }


def _unique(labels: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(normalize_label(label) for label in labels))


def write_labels(cur: Any, checkin_id: int, emotions: Sequence[str],
                  activities: Sequence[str]) -> None:
    for kind, labels in (("emotion", emotions), ("activity", activities)):
        for position, label in enumerate(labels):
            cur.execute(
                "INSERT INTO checkin_labels (checkin_id, kind, label, position) VALUES (?,?,?,?)",
                (checkin_id, kind, label, position))
