"""Screen time as device-sync records (docs/protocol.md §11.8).

- A **budget**, a **per-app category** and the **category rules** are the person's: every
  device may change them, last writer wins per field. A budget's and a category's record id is
  named by its key (`named_record_id`), so two devices that each set a budget of the daily
  total set one budget. Removing one sets a field to nothing (`minutes`, `category`, `rules`)
  instead of deleting the record forever, so the same budget can be set again later; a delete
  of these records is refused.
- A **day of use** is one device's measured use on one of its tracker days, written only by
  the device that measured it: its id is named by the device and the day, and a record with
  an operation of any other device is refused. The spans travel in parts, each written once
  (`part:0`, `part:1` …, a compact JSON list), so a day that grows all day adds a part per
  round instead of sending the day again, and a year of history is each span once. Titles
  travel only inside the end-to-end-encrypted operations, and never when privacy mode is on.
  Another device's days are kept apart from this device's own spans (screen_device_days),
  so this device's tracker, imports and budgets count this device's use only.

Every value from another device is hostile: `check` holds it to what the app itself stores.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from companion.devices.records import _ASCII_LOWER, Fields, InvalidRecord, _chunks, _int
from companion.errors import InvalidInput
from companion.models import check_storable
from companion.screentime.categories import rules_from_json, rules_to_json
from companion.screentime.store import MAX_NAME, clean_name
from companion.screentime.tracker import BUDGET_KINDS
from companion.timeutil import Stamp
from sync.crypto import Rejected, b64, unb64
from sync.devices.ops import MAX_TEXT, named_record_id

PART = "part:"
MAX_TITLE = 500  # the probes' and ActivityWatch import's longest title
MAX_APP = 500
# A part holds the spans one round found, cut so an operation stays far below a message.
PART_CHARS = 100_000
MAX_SPAN_MS = 25 * 3600 * 1000  # a span never runs past a day start (a DST day has 25 h)


def _fold(name: str) -> str:
    """A name as the vault's NOCASE columns compare it (A–Z only)."""
    return name.translate(_ASCII_LOWER)


class BudgetRecords:
    collection = "budget"
    text_fields: tuple[str, ...] = ()
    deletable = False

    @staticmethod
    def record_id(fields: Fields) -> bytes:
        return named_record_id("budget", f"{fields['kind']}\n{_fold(str(fields['target']))}"
                                         f"\n{fields['weekday']}")

    @staticmethod
    def removed(fields: Fields) -> bool:
        return fields.get("minutes") is None

    removal: Fields = {"minutes": None}

    @staticmethod
    def read(cur: Any, ids: Iterable[int]) -> dict[int, Fields]:
        found: dict[int, Fields] = {}
        for chunk in _chunks(list(ids)):
            for row in cur.execute(
                    "SELECT id, kind, target, weekday, minutes FROM screen_budgets WHERE id IN"
                    f" ({','.join('?' * len(chunk))})", chunk).fetchall():
                found[row[0]] = {"kind": row[1], "target": row[2], "weekday": row[3],
                                 "minutes": row[4]}
        return found

    @staticmethod
    def check(fields: Fields) -> Fields:
        kind = fields.get("kind")
        target = fields.get("target")
        if kind not in BUDGET_KINDS or not isinstance(target, str):
            raise InvalidRecord("not a budget")
        try:
            if (target != "") if kind == "total" else clean_name(target, "target") != target:
                raise InvalidRecord("budget target not as the app stores it")
        except InvalidInput as exc:
            raise InvalidRecord(str(exc)) from None
        return {"kind": kind, "target": target,
                "weekday": _int(fields, "weekday", -1, 6),
                "minutes": _int(fields, "minutes", 1, 1440, optional=True)}

    @staticmethod
    def write(cur: Any, local_id: int | None, fields: Fields) -> int:
        key = (fields["kind"], fields["target"], fields["weekday"])
        if local_id is not None:
            cur.execute("UPDATE screen_budgets SET kind = ?, target = ?, weekday = ?,"
                        " minutes = ? WHERE id = ?", (*key, fields["minutes"], local_id))
            return local_id
        cur.execute("INSERT INTO screen_budgets (kind, target, weekday, minutes)"
                    " VALUES (?,?,?,?) ON CONFLICT (kind, target, weekday) DO UPDATE SET"
                    " target = excluded.target, minutes = excluded.minutes",
                    (*key, fields["minutes"]))
        row = cur.execute("SELECT id FROM screen_budgets WHERE kind = ? AND target = ? AND"
                          " weekday = ?", key).fetchone()
        return int(row[0])

    @staticmethod
    def remove(cur: Any, local_id: int) -> None:
        cur.execute("DELETE FROM screen_budgets WHERE id = ?", (local_id,))


class CategoryRecords:
    """An app the person put in a category by hand (it wins over the rules)."""

    collection = "screen_category"
    text_fields: tuple[str, ...] = ()
    deletable = False
    removal: Fields = {"category": None}

    @staticmethod
    def record_id(fields: Fields) -> bytes:
        return named_record_id("screen_category", _fold(str(fields["app"])))

    @staticmethod
    def removed(fields: Fields) -> bool:
        return fields.get("category") is None

    @staticmethod
    def read(cur: Any, ids: Iterable[int]) -> dict[int, Fields]:
        found: dict[int, Fields] = {}
        for chunk in _chunks(list(ids)):
            for row in cur.execute(
                    "SELECT id, app, category FROM screen_categories WHERE id IN"
                    f" ({','.join('?' * len(chunk))})", chunk).fetchall():
                found[row[0]] = {"app": row[1], "category": row[2]}
        return found

    @staticmethod
    def check(fields: Fields) -> Fields:
        app, category = fields.get("app"), fields.get("category")
        try:
            if not isinstance(app, str) or clean_name(app, "app name") != app:
                raise InvalidRecord("app name not as the app stores it")
            if category is not None and (not isinstance(category, str) or clean_name(
                    category, "category").lower() != category):
                raise InvalidRecord("category not as the app stores it")
        except InvalidInput as exc:
            raise InvalidRecord(str(exc)) from None
        return {"app": app, "category": category}

    @staticmethod
    def write(cur: Any, local_id: int | None, fields: Fields) -> int:
        if local_id is not None:
            cur.execute("UPDATE screen_categories SET app = ?, category = ? WHERE id = ?",
                        (fields["app"], fields["category"], local_id))
            return local_id
        cur.execute("INSERT INTO screen_categories (app, category) VALUES (?, ?)"
                    " ON CONFLICT (app) DO UPDATE SET app = excluded.app,"
                    " category = excluded.category", (fields["app"], fields["category"]))
        row = cur.execute("SELECT id FROM screen_categories WHERE app = ?",
                          (fields["app"],)).fetchone()
        return int(row[0])

    @staticmethod
    def remove(cur: Any, local_id: int) -> None:
        cur.execute("DELETE FROM screen_categories WHERE id = ?", (local_id,))


class RulesRecords:
    """The category rules: one record, one field (the rules' JSON as the vault keeps it, or
    nothing for the shipped rules). Local id 1: the row `rules` of screen_settings."""

    collection = "screen_rules"
    text_fields: tuple[str, ...] = ()
    deletable = False

    @staticmethod
    def record_id(fields: Fields) -> bytes:
        return named_record_id("screen_rules", "rules")

    @staticmethod
    def read(cur: Any, ids: Iterable[int]) -> dict[int, Fields]:
        if 1 not in set(ids):
            return {}
        row = cur.execute("SELECT value FROM screen_settings WHERE key = 'rules'").fetchone()
        return {1: {"rules": None if row is None else row[0]}}

    @staticmethod
    def check(fields: Fields) -> Fields:
        rules = fields.get("rules")
        if rules is None:
            return {"rules": None}
        if not isinstance(rules, str):
            raise InvalidRecord("rules are not text")
        try:
            same = rules_to_json(rules_from_json(json.loads(rules))) == rules
        except (InvalidInput, ValueError, RecursionError):
            same = False
        if not same:
            raise InvalidRecord("rules not as the app stores them")
        return {"rules": rules}

    @staticmethod
    def write(cur: Any, local_id: int | None, fields: Fields) -> int:
        if fields["rules"] is None:
            cur.execute("DELETE FROM screen_settings WHERE key = 'rules'")
        else:
            cur.execute("INSERT INTO screen_settings (key, value) VALUES ('rules', ?)"
                        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        (fields["rules"],))
        return 1

    @staticmethod
    def remove(cur: Any, local_id: int) -> None:
        """Never called: a delete of this record is refused (deletable is False)."""


# -- a device's day of use ---------------------------------------------------------------------

def encode_spans(spans: list[tuple[int, int, int, str, str, str | None]]) -> str:
    """[[start ms, length ms, minutes east of UTC, app, category, title or null], …] in one
    spelling (ASCII JSON: no control character reaches an operation)."""
    return json.dumps([list(span) for span in spans], separators=(",", ":"))


def _span(item: object, day: date) -> tuple[int, int, int, str, str, str | None]:
    if not isinstance(item, list) or len(item) != 6:
        raise InvalidRecord("a span is not a list of six")
    start, length, offset, app, category, title = item
    if type(start) is not int or type(length) is not int or type(offset) is not int:
        raise InvalidRecord("a span's times are not whole numbers")
    if not 0 <= length <= MAX_SPAN_MS or not -18 * 60 <= offset <= 18 * 60:
        raise InvalidRecord("a span's length or zone is out of range")
    try:
        local = Stamp(start * 1000, offset).to_datetime().date()
    except (OverflowError, ValueError):
        raise InvalidRecord("a span's start is out of range") from None
    # A tracker day starts at an hour of that date, so a span starts on it or the next date.
    if local not in (day, day + timedelta(days=1)):
        raise InvalidRecord("a span is not on its day")
    if not isinstance(app, str) or not app or len(app) > MAX_APP:
        raise InvalidRecord("a span's app is not a name")
    if not isinstance(category, str) or not category or len(category) > MAX_NAME:
        raise InvalidRecord("a span's category is not a name")
    if title is not None and (not isinstance(title, str) or not title
                              or len(title) > MAX_TITLE):
        raise InvalidRecord("a span's title is not text")
    try:
        if clean_name(category, "category").lower() != category:
            raise InvalidRecord("a span's category is not as the app stores it")
        for text in (app, title):
            if text is not None:
                check_storable(text, "name")  # NUL or a lone surrogate
    except InvalidInput as exc:
        raise InvalidRecord(str(exc)) from None
    return start, length, offset, app, category, title


def decode_spans(text: object, day: date) -> list[tuple[int, int, int, str, str, str | None]]:
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        raise InvalidRecord("a part is not text")
    try:
        items = json.loads(text)
    except (ValueError, RecursionError):
        raise InvalidRecord("a part is not a list of spans") from None
    if not isinstance(items, list) or not items:
        raise InvalidRecord("a part is not a list of spans")
    spans = [_span(item, day) for item in items]
    if encode_spans(spans) != text:
        raise InvalidRecord("a part is not as a device writes it")
    return spans


def _sendable_name(text: str | None, limit: int) -> str | None:
    """A name from a window as another device accepts it (probes cut titles at 500 already;
    a NUL or a lone surrogate, which no probe should pass, is dropped here)."""
    if not text:
        return None
    text = text.replace("\x00", "")[:limit]
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text or None


def day_record_id(device: bytes, day: str) -> bytes:
    return named_record_id("screen_day", f"{b64(device)} {day}")


def _day(value: object) -> date:
    try:
        if not isinstance(value, str):
            raise ValueError
        day = date.fromisoformat(value)
        if day.isoformat() != value:
            raise ValueError
    except ValueError:
        raise InvalidRecord("not a day") from None
    return day


class DayRecords:
    """One device's measured use on one of its days. This device's own days are made from its
    spans (`own_parts`) and never written back; another device's go to screen_device_days."""

    collection = "screen_day"
    text_fields: tuple[str, ...] = ()
    deletable = False
    owned = True  # written only by the device it names

    @staticmethod
    def record_id(fields: Fields) -> bytes:
        return named_record_id("screen_day", f"{fields['device']} {fields['day']}")

    @staticmethod
    def author(fields: Fields) -> bytes:
        return unb64(fields["device"], 16, "device")

    @staticmethod
    def own_parts(cur: Any, span_ids: Iterable[int], keep_titles: bool
                  ) -> dict[str, list[str]]:
        """This device's new spans by day, as parts to send (titles only if kept)."""
        by_day: dict[str, list[tuple[int, int, int, str, str, str | None]]] = {}
        for chunk in _chunks(sorted(span_ids)):
            for app, title, category, start, end, offset, day in cur.execute(
                    "SELECT app, title, category, start_us, end_us, start_offset, day FROM"
                    f" screen_spans WHERE id IN ({','.join('?' * len(chunk))})"
                    " ORDER BY start_us, id", chunk).fetchall():
                start_ms = start // 1000
                by_day.setdefault(day, []).append(
                    (start_ms, end // 1000 - start_ms, offset,
                     _sendable_name(app, MAX_APP) or "unknown", category,
                     _sendable_name(title, MAX_TITLE) if keep_titles else None))
        parts: dict[str, list[str]] = {}
        for day, spans in sorted(by_day.items()):
            current: list[tuple[int, int, int, str, str, str | None]] = []
            size = 0
            for span in spans:
                length = len(encode_spans([span]))
                if current and size + length > PART_CHARS:
                    parts.setdefault(day, []).append(encode_spans(current))
                    current, size = [], 0
                current.append(span)
                size += length
            if current:
                parts.setdefault(day, []).append(encode_spans(current))
        return parts

    @staticmethod
    def check(fields: Fields) -> Fields:
        try:
            DayRecords.author(fields)
        except (Rejected, KeyError, TypeError):
            raise InvalidRecord("not a device") from None
        day = _day(fields.get("day"))
        checked: Fields = {"device": fields["device"], "day": fields["day"]}
        for name, value in fields.items():
            if name.startswith(PART):
                number = name[len(PART):]
                if not number.isdigit() or str(int(number)) != number:
                    raise InvalidRecord("a part's number is not a number")
                decode_spans(value, day)
                checked[name] = value
            elif name not in ("device", "day"):
                raise InvalidRecord("a day of screen time with an unknown field")
        return checked

    @staticmethod
    def read(cur: Any, ids: Iterable[int]) -> dict[int, Fields]:
        found: dict[int, Fields] = {}
        for chunk in _chunks(list(ids)):
            marks = ",".join("?" * len(chunk))
            for day_id, device, day in cur.execute(
                    f"SELECT id, device, day FROM screen_device_days WHERE id IN ({marks})",
                    chunk).fetchall():
                found[day_id] = {"device": b64(bytes(device)), "day": day}
            parts: dict[tuple[int, int], list[tuple[int, int, int, str, str, str | None]]] = {}
            for day_id, part, app, title, category, start, end, offset in cur.execute(
                    "SELECT day_id, part, app, title, category, start_us, end_us, start_offset"
                    f" FROM screen_device_spans WHERE day_id IN ({marks})"
                    " ORDER BY day_id, part, position", chunk).fetchall():
                parts.setdefault((day_id, part), []).append(
                    (start // 1000, (end - start) // 1000, offset, app, category, title))
            for (day_id, part), spans in parts.items():
                found[day_id][f"{PART}{part}"] = encode_spans(spans)
        return found

    @staticmethod
    def write(cur: Any, local_id: int | None, fields: Fields) -> int:
        device = DayRecords.author(fields)
        day = str(fields["day"])
        if local_id is None:
            cur.execute("INSERT INTO screen_device_days (device, day) VALUES (?, ?)"
                        " ON CONFLICT (device, day) DO NOTHING", (device, day))
            local_id = int(cur.execute(
                "SELECT id FROM screen_device_days WHERE device = ? AND day = ?",
                (device, day)).fetchone()[0])
        cur.execute("DELETE FROM screen_device_spans WHERE day_id = ?", (local_id,))
        rows = []
        for name, value in fields.items():
            if name.startswith(PART):
                for position, (start, length, offset, app, category, title) in enumerate(
                        decode_spans(value, _day(day))):
                    rows.append((local_id, int(name[len(PART):]), position, app, title,
                                 category, start * 1000, (start + length) * 1000, offset))
        cur.executemany(
            "INSERT INTO screen_device_spans (day_id, part, position, app, title, category,"
            " start_us, end_us, start_offset) VALUES (?,?,?,?,?,?,?,?,?)", rows)
        return local_id

    @staticmethod
    def remove(cur: Any, local_id: int) -> None:
        cur.execute("DELETE FROM screen_device_days WHERE id = ?", (local_id,))


SCREEN_COLLECTIONS = {kind.collection: kind
                      for kind in (BudgetRecords, CategoryRecords, RulesRecords, DayRecords)}
