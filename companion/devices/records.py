"""The vault's rows as device-sync records, and back (docs/protocol.md §11.4, §11.8).

A record is a flat mapping of field names to values: what an operation can set. An entry's
body is a text field (edits keep both sides of a conflict); everything else is a register
(last writer wins). Tags are one field each, `tag:` and the tag folded to lower case, whose
value is the tag as written or None once removed, so tags two devices add are both kept and
the same tag written "Work" and "work" is one tag. A check-in's emotions and activities are
lists (the order is the person's), and its sleep is hundredths of an hour (the app keeps two
decimals): operations carry no floats. A time and its zone are one field, and the day is
worked out from them.

Values from other devices are hostile: `check` holds them to exactly what the app itself
would store (`InvalidRecord` otherwise), before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from companion.checkins import MAX_NOTE, write_labels
from companion.errors import InvalidInput
from companion.journal import check_entry_text, link_tags
from companion.models import normalize_label, normalize_tag
from companion.timeutil import Stamp
from sync.devices.ops import Value

Fields = dict[str, Value]
TAG = "tag:"
# Times travel in milliseconds: operations carry integers up to 2⁵³, which in microseconds
# would not reach the years 1–9999 that the app's dates allow.
MIN_TIME_MS = -62_135_596_800_000
MAX_TIME_MS = 253_402_300_799_999
MAX_OFFSET_MIN = 18 * 60


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


class InvalidRecord(Exception):
    """A merged record the vault cannot hold (a broken or hostile device wrote it)."""


def _int(fields: Fields, name: str, low: int, high: int, *, optional: bool = False) -> int | None:
    value = fields.get(name)
    if value is None and optional:
        return None
    if type(value) is not int or not low <= value <= high:
        raise InvalidRecord(f"{name} is missing or out of range")
    return value


def _text(fields: Fields, name: str) -> str:
    value = fields.get(name)
    if not isinstance(value, str):
        raise InvalidRecord(f"{name} is missing")
    return value


def _ms(us: int | None) -> int | None:
    return None if us is None else us // 1000


def _us(ms: object) -> int | None:
    return None if ms is None else int(ms) * 1000  # type: ignore[call-overload]


def _moment(ms: int | None, offset: int) -> str:
    """A time and its zone in one field ("milliseconds offset-minutes"), so that moving a
    check-in on two devices ends where one of them put it, never one's time in the other's
    zone; the day is worked out from it, not carried."""
    return f"{ms} {offset}"


def _times(fields: Fields, name: str) -> tuple[int, int]:
    value = _text(fields, name)
    parts = value.split(" ")
    try:
        if len(parts) != 2 or any(p != str(int(p)) for p in parts):
            raise ValueError
        at, offset = int(parts[0]), int(parts[1])
    except ValueError:
        raise InvalidRecord(f"{name} is not a time") from None
    if not MIN_TIME_MS <= at <= MAX_TIME_MS or not -MAX_OFFSET_MIN <= offset <= MAX_OFFSET_MIN:
        raise InvalidRecord(f"{name} is out of range")
    return at, offset


def _day_of(moment: object) -> str:
    at, offset = (int(p) for p in str(moment).split(" "))
    return Stamp(at * 1000, offset).local_day


def _split(moment: object) -> tuple[int, int]:
    at, offset = (int(p) for p in str(moment).split(" "))
    return at * 1000, offset


def tag_key(name: str) -> str:
    """The field of a tag: its name with A–Z lowered, which is how the vault tells tags apart
    (COLLATE NOCASE); never longer than the tag (str.casefold can double it)."""
    return TAG + name.translate(_ASCII_LOWER)


class EntryRecords:
    collection = "entry"
    text_fields = ("body",)

    @staticmethod
    def read(cur: Any, ids: Iterable[int]) -> dict[int, Fields]:
        found: dict[int, Fields] = {}
        for chunk in _chunks(list(ids)):
            marks = ",".join("?" * len(chunk))
            for row in cur.execute(
                    "SELECT id, title, body, created_us, created_offset, day, updated_us,"
                    " updated_offset, starred, mood, deleted_us FROM entries"
                    f" WHERE id IN ({marks})",
                    chunk).fetchall():
                found[row[0]] = {
                    "title": row[1], "body": row[2], "created": _moment(_ms(row[3]), row[4]),
                    "updated": _moment(_ms(row[6]), row[7]), "starred": bool(row[8]),
                    "mood": row[9], "trashed": _ms(row[10])}
            for entry_id, name in cur.execute(
                    "SELECT et.entry_id, t.name FROM entry_tags et JOIN tags t ON t.id = et.tag_id"
                    f" WHERE et.entry_id IN ({marks})", chunk).fetchall():
                found[entry_id][tag_key(name)] = name
        return found

    @staticmethod
    def check(fields: Fields) -> Fields:
        try:
            title, body = check_entry_text(_text(fields, "title"), _text(fields, "body"),
                                           require_content=False)
            tags = {}
            for name, value in fields.items():
                if name.startswith(TAG) and value is not None:
                    if not isinstance(value, str) or normalize_tag(value) != value or (
                            tag_key(value) != name):
                        raise InvalidRecord("a tag is not a tag")
                    tags[name] = value
        except InvalidInput as exc:
            raise InvalidRecord(str(exc)) from None
        if (title, body) != (fields["title"], fields["body"]):
            raise InvalidRecord("title or body not as the app stores them")
        if not isinstance(fields.get("starred"), bool):
            raise InvalidRecord("starred is not true or false")
        created = _times(fields, "created")
        updated = _times(fields, "updated")
        return {"title": title, "body": body, "created": _moment(*created),
                "updated": _moment(*updated), "starred": fields["starred"],
                "mood": _int(fields, "mood", 1, 5, optional=True),
                "trashed": _int(fields, "trashed", MIN_TIME_MS, MAX_TIME_MS, optional=True),
                **tags}

    @staticmethod
    def write(cur: Any, local_id: int | None, fields: Fields) -> int:
        values = (fields["title"], fields["body"], *_split(fields["created"]),
                  _day_of(fields["created"]), *_split(fields["updated"]),
                  int(bool(fields["starred"])), fields["mood"], _us(fields["trashed"]))
        tags = sorted((value for name, value in fields.items()
                       if name.startswith(TAG) and isinstance(value, str)), key=str.casefold)
        # One statement writes the row and its tags' text, so the full-text index is
        # updated once (a new computer's first round writes every entry).
        replaced = local_id is not None
        if local_id is None:
            cur.execute(
                "INSERT INTO entries (title, body, created_us, created_offset, day, updated_us,"
                " updated_offset, starred, mood, deleted_us, tags_text)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?)", (*values, " ".join(tags)))
            local_id = int(cur.lastrowid)
        else:
            cur.execute(
                "UPDATE entries SET title = ?, body = ?, created_us = ?, created_offset = ?,"
                " day = ?, updated_us = ?, updated_offset = ?, starred = ?, mood = ?,"
                " deleted_us = ?, tags_text = ? WHERE id = ?",
                (*values, " ".join(tags), local_id))
            cur.execute("DELETE FROM entry_tags WHERE entry_id = ?", (local_id,))
        # A tag another entry spells differently ("Work" here, "work" there) is one tag in
        # the vault: link by the vault's spelling.
        link_tags(cur, local_id, tags)
        if replaced:  # only a row that had tags can leave one unused
            cur.execute("DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM entry_tags)")
        return local_id

    @staticmethod
    def remove(cur: Any, local_id: int) -> None:
        cur.execute("DELETE FROM entries WHERE id = ?", (local_id,))
        cur.execute("DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM entry_tags)")


class CheckinRecords:
    collection = "checkin"
    text_fields: tuple[str, ...] = ()

    @staticmethod
    def read(cur: Any, ids: Iterable[int]) -> dict[int, Fields]:
        found: dict[int, Fields] = {}
        for chunk in _chunks(list(ids)):
            marks = ",".join("?" * len(chunk))
            for row in cur.execute(
                    "SELECT id, at_us, at_offset, day, mood, energy, sleep_hours, note,"
                    f" updated_us, deleted_us FROM checkins WHERE id IN ({marks})",
                    chunk).fetchall():
                found[row[0]] = {
                    "at": _moment(_ms(row[1]), row[2]), "mood": row[4], "energy": row[5],
                    "sleep_hundredths": None if row[6] is None else round(row[6] * 100),
                    "note": row[7], "updated_ms": _ms(row[8]), "trashed": _ms(row[9]),
                    "emotions": (), "activities": ()}
            labels: dict[tuple[int, str], list[str]] = {}
            for checkin_id, kind, label in cur.execute(
                    "SELECT checkin_id, kind, label FROM checkin_labels"
                    f" WHERE checkin_id IN ({marks}) ORDER BY position", chunk).fetchall():
                labels.setdefault((checkin_id, kind), []).append(label)
            for (checkin_id, kind), names in labels.items():
                found[checkin_id]["emotions" if kind == "emotion" else "activities"] = tuple(
                    names)
        return found

    @staticmethod
    def check(fields: Fields) -> Fields:
        at = _times(fields, "at")
        note = _text(fields, "note")
        if len(note) > MAX_NOTE or note != note.strip():
            raise InvalidRecord("note not as the app stores it")
        labels: dict[str, tuple[str, ...]] = {}
        for name in ("emotions", "activities"):
            value = fields.get(name)
            if not isinstance(value, tuple):
                raise InvalidRecord(f"{name} is not a list")
            try:
                clean = tuple(normalize_label(label) for label in value)
            except InvalidInput as exc:
                raise InvalidRecord(str(exc)) from None
            if clean != value or len(set(clean)) != len(clean):
                raise InvalidRecord(f"{name} not as the app stores them")
            labels[name] = clean
        return {"at": _moment(*at),
                "mood": _int(fields, "mood", 1, 5), "energy": _int(fields, "energy", 1, 5,
                                                                  optional=True),
                "sleep_hundredths": _int(fields, "sleep_hundredths", 0, 2400, optional=True),
                "note": note,
                "updated_ms": _int(fields, "updated_ms", MIN_TIME_MS, MAX_TIME_MS),
                "trashed": _int(fields, "trashed", MIN_TIME_MS, MAX_TIME_MS, optional=True),
                **labels}

    @staticmethod
    def write(cur: Any, local_id: int | None, fields: Fields) -> int:
        hundredths = fields["sleep_hundredths"]
        sleep = None if hundredths is None else int(hundredths) / 100  # type: ignore[arg-type]
        values = (*_split(fields["at"]), _day_of(fields["at"]), fields["mood"],
                  fields["energy"], sleep, fields["note"], _us(fields["updated_ms"]),
                  _us(fields["trashed"]))
        if local_id is None:
            cur.execute(
                "INSERT INTO checkins (at_us, at_offset, day, mood, energy, sleep_hours, note,"
                " updated_us, deleted_us) VALUES (?,?,?,?,?,?,?,?,?)", values)
            local_id = int(cur.lastrowid)
        else:
            cur.execute(
                "UPDATE checkins SET at_us = ?, at_offset = ?, day = ?, mood = ?, energy = ?,"
                " sleep_hours = ?, note = ?, updated_us = ?, deleted_us = ? WHERE id = ?",
                (*values, local_id))
            cur.execute("DELETE FROM checkin_labels WHERE checkin_id = ?", (local_id,))
        emotions, activities = fields["emotions"], fields["activities"]
        assert isinstance(emotions, tuple) and isinstance(activities, tuple)
        write_labels(cur, local_id, emotions, activities)
        return local_id

    @staticmethod
    def remove(cur: Any, local_id: int) -> None:
        cur.execute("DELETE FROM checkins WHERE id = ?", (local_id,))


class QuestionnaireRecords:
    """A saved questionnaire result. The answers travel as the JSON text the vault keeps (a
    list of whole numbers): operations hold lists of texts, not of numbers."""

    collection = "questionnaire"
    text_fields: tuple[str, ...] = ()

    @staticmethod
    def read(cur: Any, ids: Iterable[int]) -> dict[int, Fields]:
        found: dict[int, Fields] = {}
        for chunk in _chunks(list(ids)):
            marks = ",".join("?" * len(chunk))
            for row in cur.execute(
                    "SELECT id, kind, taken_us, taken_offset, day, answers, followup,"
                    f" deleted_us FROM questionnaire_results WHERE id IN ({marks})",
                    chunk).fetchall():
                found[row[0]] = {"kind": row[1], "taken": _moment(_ms(row[2]), row[3]),
                                 "answers": row[5],
                                 "followup": row[6], "trashed": _ms(row[7])}
        return found

    @staticmethod
    def check(fields: Fields) -> Fields:
        import json

        from companion.questionnaires import score

        taken = _times(fields, "taken")
        kind = _text(fields, "kind")
        followup = fields.get("followup")
        if followup is not None and type(followup) is not int:
            raise InvalidRecord("followup is not a number")
        try:
            answers = json.loads(_text(fields, "answers"))
            result = score(kind, answers, followup)
        except (InvalidInput, ValueError) as exc:
            raise InvalidRecord(f"not a questionnaire result: {exc}") from None
        if json.dumps(list(result.answers)) != fields["answers"]:
            raise InvalidRecord("answers not as the app stores them")
        return {"kind": result.kind.value, "taken": _moment(*taken),
                "answers": fields["answers"], "followup": followup,
                "trashed": _int(fields, "trashed", MIN_TIME_MS, MAX_TIME_MS, optional=True)}

    @staticmethod
    def write(cur: Any, local_id: int | None, fields: Fields) -> int:
        import json

        total = sum(json.loads(str(fields["answers"])))
        values = (fields["kind"], *_split(fields["taken"]), _day_of(fields["taken"]),
                  fields["answers"], total, fields["followup"],
                  _us(fields["trashed"]))
        if local_id is None:
            cur.execute(
                "INSERT INTO questionnaire_results (kind, taken_us, taken_offset, day, answers,"
                " total, followup, deleted_us) VALUES (?,?,?,?,?,?,?,?)", values)
            return int(cur.lastrowid)
        cur.execute(
            "UPDATE questionnaire_results SET kind = ?, taken_us = ?, taken_offset = ?,"
            " day = ?, answers = ?, total = ?, followup = ?, deleted_us = ? WHERE id = ?",
            (*values, local_id))
        return local_id

    @staticmethod
    def remove(cur: Any, local_id: int) -> None:
        cur.execute("DELETE FROM questionnaire_results WHERE id = ?", (local_id,))


COLLECTIONS = {kind.collection: kind
               for kind in (EntryRecords, CheckinRecords, QuestionnaireRecords)}


def _chunks(ids: list[int], size: int = 900) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]
