"""Read Daylio: CSV exports and `.daylio` backups. Each Daylio entry becomes a check-in (mood,
activities, the note); an entry with a note also becomes a journal entry at the same time, so
the note is found by search and listed in the journal like anything else written.

* CSV (Settings → Export entries → CSV): a header row, then one row per entry, newest first.
  The current form has 8 columns `full_date,date,weekday,time,mood,activities,note_title,note`,
  the older one 7 (no `note_title`). `time` is `20:30` or `8:30 PM` by the phone's setting,
  activities are joined with ` | `, notes may hold HTML (`<br>`, `&amp;` …). Moods are labels:
  the five built-in ones (rad, good, meh, bad, awful) and any the user named; custom labels
  need a level 1–5 from the user (`mood_map`), since the CSV does not say which group they
  belong to. Times carry no zone: they are read in the zone given, or this computer's.
* `.daylio` backups: a zip whose `backup.daylio` member is base64 of a JSON document with
  `customMoods` (`id`, `custom_name`, `mood_group_id` 1 = best … 5 = worst,
  `predefined_name_id`), `tags` (activities: `id`, `name`) and `dayEntries` (`datetime` in ms
  UTC, `timeZoneOffset` in ms, `mood`, `tags`, `note_title`, `note`). Every mood there has its
  group, so no mapping is asked for.

Stable ids hash the local minute, the activities and the note, not the mood: the CSV and the
backup of the same diary recognise each other, and a changed mood mapping adds nothing twice.
"""

from __future__ import annotations

import base64
import binascii
import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any

from companion.checkins import MAX_NOTE
from companion.errors import InvalidInput, UserError
from companion.imports.common import (
    BadItem,
    ImportPlan,
    item_error,
    make_checkin,
    make_entry,
    numbered,
    read_limited,
    stable_id,
)
from companion.imports.text import html_to_text
from companion.imports.zip_reader import open_bounded_zip
from companion.models import CheckInDraft

SOURCE = "daylio"
DEFAULT_MOODS = {"rad": 5, "good": 4, "meh": 3, "bad": 2, "awful": 1}
HEADER_8 = ["full_date", "date", "weekday", "time", "mood", "activities", "note_title", "note"]
HEADER_7 = ["full_date", "date", "weekday", "time", "mood", "activities", "note"]
TIME_FORMATS = ("%H:%M", "%I:%M %p", "%I:%M%p", "%H:%M:%S")
MAX_TITLE = 500


class UnmappedMoods(UserError):
    """Custom mood labels with no level yet; `labels` lists them for the app to ask about."""

    default_message = "Some Daylio moods have no level 1–5."

    def __init__(self, message: str, hint: str, labels: list[str]) -> None:
        super().__init__(message, hint)
        self.labels = labels


@dataclass(frozen=True)
class DaylioOptions:
    mood_map: dict[str, int] = field(default_factory=dict)  # label (any case) → 1–5
    zone: tzinfo | None = None  # where CSV times were written; None: this computer


@dataclass(frozen=True)
class DaylioRow:
    when: datetime  # aware
    mood: int
    activities: tuple[str, ...]
    title: str
    note: str
    where: str


def parse_mood_map(text: str) -> dict[str, int]:
    """`ecstatic=5,blah=2` → {"ecstatic": 5, "blah": 2} (the CLI's --mood-map)."""
    mapping: dict[str, int] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        label, sep, level = part.rpartition("=")
        if not sep or not label.strip() or level.strip() not in {"1", "2", "3", "4", "5"}:
            raise InvalidInput(f"'{part.strip()}' is not label=LEVEL with a level from 1 to 5.",
                               "For example: --mood-map 'ecstatic=5,so-so=3'.")
        mapping[label.strip().casefold()] = int(level)
    return mapping


def is_backup(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def mood_labels(path: Path) -> dict[str, int | None]:
    """The CSV's mood labels, in first-seen order, with their default level (None: custom)."""
    data = read_limited(Path(path), "a Daylio export")
    if is_backup(data):
        return {}
    found: dict[str, int | None] = {}
    for _line, row in _csv_rows(data, Path(path)):
        label = row["mood"].strip()
        found.setdefault(label, DEFAULT_MOODS.get(label.casefold()))
    return found


def read_daylio_plan(path: Path, options: DaylioOptions | None = None) -> ImportPlan:
    options = options or DaylioOptions()
    path = Path(path)
    data = read_limited(path, "a Daylio export")
    rows = _backup_rows(data, path) if is_backup(data) else _csv_plan_rows(data, path, options)
    return _plan(path, rows)


# -- CSV --------------------------------------------------------------------------------------


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InvalidInput(f"{path}: line {line} is not UTF-8 text (Daylio exports UTF-8).",
                           "Export the CSV again from Daylio. Nothing was imported.") from None


def _lines(text: str) -> Iterator[str]:
    """The text's lines with their endings, one at a time: a StringIO would hold a second
    copy of the whole file at four bytes a character (a 120 MiB CSV cost 750 MiB)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end == -1 else end + 1
        yield text[start:end]
        start = end


def _csv_rows(data: bytes, path: Path) -> Iterable[tuple[int, dict[str, str]]]:
    reader = csv.reader(_lines(_decode(data, path)), strict=True)
    line = 1  # where the record being read starts
    try:
        header = [name.strip().lower() for name in next(reader, [])]
        if header not in (HEADER_8, HEADER_7):
            raise InvalidInput(f"{path}: line 1 is not a Daylio CSV header.",
                               "Expected " + ",".join(HEADER_8) + " (or the older form "
                               "without note_title). Nothing was imported.")
        line = reader.line_num + 1
        for row in reader:
            if row and len(row) != len(header):
                raise InvalidInput(f"{path}: line {line}: {len(row)} columns, expected "
                                   f"{len(header)} (truncated or damaged file?).",
                                   "Nothing was imported.")
            if row:
                yield line, dict(zip(header, row, strict=True))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise InvalidInput(f"{path}: line {line}: {exc} (truncated or damaged file?).",
                           "Nothing was imported.") from None


def _level(label: str, mapping: dict[str, int]) -> int | None:
    key = label.strip().casefold()
    return mapping.get(key, DEFAULT_MOODS.get(key))


def _csv_plan_rows(data: bytes, path: Path, options: DaylioOptions) -> list[DaylioRow]:
    mapping = {k.casefold(): v for k, v in options.mood_map.items()}
    rows = list(_csv_rows(data, path))
    unmapped = list(dict.fromkeys(row["mood"].strip() for _line, row in rows
                                  if _level(row["mood"], mapping) is None))
    if unmapped:
        names = ", ".join(f"'{label}'" for label in unmapped)
        example = ",".join(f"{label}=3" for label in unmapped[:3])
        raise UnmappedMoods(f"{path}: these moods have no level 1–5: {names}.",
                            f"Say how each one felt with --mood-map '{example}' (1 awful … "
                            "5 rad). Nothing was imported.", unmapped)
    parsed = []
    for line, row in rows:
        try:
            parsed.append(_csv_row(row, mapping, options.zone, f"line {line}"))
        except BadItem as exc:
            raise item_error(path, f"line {line}", exc) from None
    return parsed


def _csv_row(row: dict[str, str], mapping: dict[str, int], zone: tzinfo | None,
             where: str) -> DaylioRow:
    try:
        day = datetime.strptime(row["full_date"].strip(), "%Y-%m-%d")
    except ValueError:
        raise BadItem("full_date is not a date (YYYY-MM-DD)") from None
    clock = _clock(row["time"])
    naive = day.replace(hour=clock.hour, minute=clock.minute)
    try:
        when = naive.replace(tzinfo=zone) if zone is not None else naive.astimezone()
    except (OverflowError, OSError, ValueError):
        raise BadItem("the date is out of range") from None
    level = _level(row["mood"], mapping)
    assert level is not None
    activities = tuple(a.strip() for a in row["activities"].split(" | ") if a.strip())
    return DaylioRow(when, level, activities, html_to_text(row.get("note_title", "")),
                     html_to_text(row["note"]), where)


def _clock(text: str) -> datetime:
    raw = " ".join(text.strip().upper().replace(".", "").split())
    for fmt in TIME_FORMATS:
        try:
            return datetime.strptime(raw, fmt)
        except ValueError:
            continue
    raise BadItem("the time is not a time of day (20:30 or 8:30 PM)")


# -- .daylio backups ----------------------------------------------------------------------------


def _backup_document(data: bytes, path: Path) -> dict[str, Any]:
    with open_bounded_zip(data, path, damaged=f"{path} is a damaged zip (truncated?).") as archive:
        found = [i for i in archive.members()
                 if i.filename.rsplit("/", 1)[-1] == "backup.daylio"]
        if not found:
            raise InvalidInput(f"{path} is a zip without backup.daylio: not a Daylio "
                               "backup.", "Nothing was imported.")
        raw = archive.read(found[0])
    try:
        document = json.loads(base64.b64decode(b"".join(raw.split()), validate=True))
    except (binascii.Error, ValueError, RecursionError):
        raise InvalidInput(f"{path}: backup.daylio is not base64 JSON (damaged backup?).",
                           "Nothing was imported.") from None
    if not isinstance(document, dict) or not isinstance(document.get("dayEntries"), list):
        raise InvalidInput(f"{path}: backup.daylio has no 'dayEntries'.",
                           "Nothing was imported.")
    return document


def _by_id(items: Any, key: str, path: Path) -> dict[int, dict[str, Any]]:
    if items is None:
        return {}
    if not isinstance(items, list) or not all(
            isinstance(i, dict) and isinstance(i.get("id"), int) for i in items):
        raise InvalidInput(f"{path}: '{key}' in backup.daylio is damaged.",
                           "Nothing was imported.")
    return {i["id"]: i for i in items}


def _backup_rows(data: bytes, path: Path) -> list[DaylioRow]:
    document = _backup_document(data, path)
    moods = _by_id(document.get("customMoods"), "customMoods", path)
    activities = _by_id(document.get("tags"), "tags", path)
    rows = []
    for index, item in enumerate(document["dayEntries"]):
        where = f"dayEntries[{index}]"
        try:
            rows.append(_backup_row(item, moods, activities, where))
        except BadItem as exc:
            raise item_error(path, where, exc) from None
    return rows


def _backup_row(item: Any, moods: dict[int, dict[str, Any]],
                activities: dict[int, dict[str, Any]], where: str) -> DaylioRow:
    if not isinstance(item, dict):
        raise BadItem("it is not an object")
    stamp, offset = item.get("datetime"), item.get("timeZoneOffset", 0)
    if not isinstance(stamp, int) or isinstance(stamp, bool) or not isinstance(offset, int):
        raise BadItem("'datetime' is missing or not a number")
    if abs(offset) > 18 * 3_600_000 or offset % 60_000:
        raise BadItem("'timeZoneOffset' is not a UTC offset")
    try:
        zone = timezone(timedelta(milliseconds=offset))
        when = datetime.fromtimestamp(stamp / 1000, UTC).astimezone(zone)
    except (OverflowError, OSError, ValueError):
        raise BadItem("'datetime' is out of range") from None
    mood = moods.get(item.get("mood"))  # type: ignore[arg-type]
    if mood is None:
        raise BadItem(f"mood {item.get('mood')!r} is not among the backup's moods")
    group = mood.get("mood_group_id")
    if group not in (1, 2, 3, 4, 5):
        raise BadItem("its mood has no mood group 1–5")
    tag_ids = item.get("tags", [])
    if not isinstance(tag_ids, list):
        raise BadItem("'tags' must be a list")
    names = []
    for tag_id in tag_ids:
        tag = activities.get(tag_id)
        if tag is None or not isinstance(tag.get("name"), str):
            raise BadItem(f"activity {tag_id!r} is not among the backup's activities")
        names.append(tag["name"].strip())
    title, note = item.get("note_title", ""), item.get("note", "")
    if not isinstance(title, str) or not isinstance(note, str):
        raise BadItem("'note' must be text")
    return DaylioRow(when, 6 - int(group), tuple(n for n in names if n), html_to_text(title),
                     html_to_text(note), where)


# -- into a plan ------------------------------------------------------------------------------


def _plan(path: Path, rows: list[DaylioRow]) -> ImportPlan:
    plan = ImportPlan(SOURCE, path)
    rows = sorted(rows, key=lambda r: r.when)  # Daylio lists newest first
    ids = numbered(stable_id(r.when.strftime("%Y-%m-%dT%H:%M"), " | ".join(r.activities),
                             r.title, r.note) for r in rows)
    cut = 0
    for row, source_id in zip(rows, ids, strict=True):
        note = f"{row.title}\n\n{row.note}".strip() if row.title else row.note
        if len(note) > MAX_NOTE:
            note, cut = note[: MAX_NOTE - 1].rstrip() + "…", cut + 1
        try:
            plan.checkins.append(make_checkin(source_id, CheckInDraft(
                mood=row.mood, activities=row.activities, note=note, at=row.when)))
            if row.title or row.note:
                title, body = row.title, row.note
                if "\n" in title or len(title) > MAX_TITLE:
                    title, body = "", f"{title}\n\n{body}".strip()
                plan.entries.append(make_entry(f"note:{source_id}", title=title, body=body,
                                               tags=(), created=row.when, mood=row.mood))
        except (BadItem, InvalidInput) as exc:
            raise item_error(path, row.where, exc) from None
    if cut:
        plan.notes.append(f"{cut} notes longer than {MAX_NOTE:,} characters are shortened on "
                          "their check-in; their journal entry has them in full.")
    return plan
