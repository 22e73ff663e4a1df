"""Read a Companion JSON export (docs/export-format.md) back into a vault.

Every field is checked before anything is written, the same way the journal and check-in
services check what the user types; the rows are then written in one transaction, so a bad
file changes nothing. Each imported item is recorded in `import_sources` under the exporting
vault's id and its id there, so importing the same file twice adds nothing the second time.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from companion.app import CompanionApp
from companion.checkins import validated_checkin, write_labels
from companion.errors import InvalidInput, UserError
from companion.export import FORMAT, VERSION
from companion.journal import check_entry_text, link_tags, unique_tags
from companion.models import Changes, CheckInDraft, check_scale
from companion.timeutil import Stamp

MAX_FILE_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class ImportReport:
    entries_imported: int = 0
    checkins_imported: int = 0
    skipped: int = 0
    dry_run: bool = False

    @property
    def imported(self) -> int:
        return self.entries_imported + self.checkins_imported


class _Bad(Exception):
    """A problem with one field; turned into an `InvalidInput` naming the file and item."""


def _field(item: dict[str, Any], name: str, types: type | tuple[type, ...],
           *, optional: bool = False) -> Any:
    if name not in item:
        raise _Bad(f"'{name}' is missing")
    value = item[name]
    if value is None and optional:
        return None
    if isinstance(value, bool) and bool not in (types if isinstance(types, tuple) else (types,)):
        raise _Bad(f"'{name}' has the wrong type")
    if not isinstance(value, types):
        raise _Bad(f"'{name}' has the wrong type")
    return value


def _time(item: dict[str, Any], name: str, *, optional: bool = False) -> Stamp | None:
    text = _field(item, name, str, optional=optional)
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise _Bad(f"'{name}' is not an ISO 8601 time") from None
    offset = value.utcoffset()
    if offset is None:
        raise _Bad(f"'{name}' has no UTC offset")
    if offset.total_seconds() % 60:
        raise _Bad(f"'{name}' has a UTC offset that is not whole minutes")
    try:
        stamp = Stamp.of(value)
        stamp.to_datetime()  # a time whose UTC or local form falls outside years 1–9999
    except (OverflowError, ValueError):
        raise _Bad(f"'{name}' is out of range") from None
    return stamp


def _strings(item: dict[str, Any], name: str) -> tuple[str, ...]:
    values = _field(item, name, list)
    if not all(isinstance(v, str) for v in values):
        raise _Bad(f"'{name}' must be a list of text")
    return tuple(values)


def _entry_row(item: Any) -> tuple[int, list[Any], list[str]]:
    if not isinstance(item, dict):
        raise _Bad("it is not an object")
    source_id = _field(item, "id", int)
    title, body = check_entry_text(_field(item, "title", str), _field(item, "body", str))
    tags = unique_tags(_strings(item, "tags"))
    created, updated = _time(item, "created"), _time(item, "updated")
    deleted = _time(item, "deleted", optional=True)
    assert created is not None and updated is not None
    mood = check_scale("mood", _field(item, "mood", int, optional=True))
    starred = _field(item, "starred", bool)
    row = [title, body, " ".join(tags), created.utc_us, created.offset_min, created.local_day,
           updated.utc_us, updated.offset_min, int(starred), mood,
           None if deleted is None else deleted.utc_us]
    return source_id, row, tags


def _checkin_row(item: Any) -> tuple[int, dict[str, Any], Stamp, int | None]:
    if not isinstance(item, dict):
        raise _Bad("it is not an object")
    source_id = _field(item, "id", int)
    at = _time(item, "at")
    assert at is not None
    sleep = _field(item, "sleep_hours", (int, float), optional=True)
    if isinstance(sleep, float) and not math.isfinite(sleep):
        raise _Bad("'sleep_hours' is not a number")
    values = validated_checkin(CheckInDraft(
        mood=_field(item, "mood", int), energy=_field(item, "energy", int, optional=True),
        emotions=_strings(item, "emotions"), activities=_strings(item, "activities"),
        sleep_hours=sleep, note=_field(item, "note", str)))
    deleted = _time(item, "deleted", optional=True)
    return source_id, values, at, None if deleted is None else deleted.utc_us


def _load(path: Path) -> dict[str, Any]:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InvalidInput(f"{path} is too large to be a Companion export.")
        document = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise UserError(f"There is no file {path}.") from None
    except IsADirectoryError:
        raise UserError(f"{path} is a folder, not an export file.") from None
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise InvalidInput(f"{path} is not valid JSON (truncated or damaged?).",
                           "Nothing was imported.") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InvalidInput(f"{path} is not a Companion export.", "Nothing was imported.")
    version = document.get("version")
    if version != VERSION:
        raise InvalidInput(f"{path} is export version {version!r}; this Companion reads "
                           f"version {VERSION}.", "Nothing was imported.")
    for key in ("entries", "checkins"):
        if not isinstance(document.get(key), list):
            raise InvalidInput(f"{path}: '{key}' must be a list.", "Nothing was imported.")
    if not isinstance(document.get("vault_id"), str) or not document["vault_id"]:
        raise InvalidInput(f"{path}: 'vault_id' is missing.", "Nothing was imported.")
    return document


def import_json(app: CompanionApp, path: Path, dry_run: bool = False) -> ImportReport:
    """Import a JSON export all or nothing; raise `InvalidInput` (vault unchanged) if bad."""
    path = Path(path)
    document = _load(path)
    entries = _parse_all(path, document["entries"], "entries", _entry_row)
    checkins = _parse_all(path, document["checkins"], "checkins", _checkin_row)
    source = f"companion:{document['vault_id']}"
    own = document["vault_id"] == app.vault.vault_id
    counts = {"entry": 0, "checkin": 0, "skipped": 0}
    try:
        _write(app, source, own, entries, checkins, counts, dry_run)
    except _DryRun:
        return ImportReport(counts["entry"], counts["checkin"], counts["skipped"], dry_run=True)
    report = ImportReport(counts["entry"], counts["checkin"], counts["skipped"])
    if report.imported:
        app._notify(Changes(entries=bool(counts["entry"]), checkins=bool(counts["checkin"]),
                            tags=True))
    return report


def _parse_all(path: Path, items: list[Any], key: str, parse: Callable[[Any], Any]
               ) -> list[Any]:
    parsed: list[Any] = []
    seen: set[int] = set()
    for index, item in enumerate(items):
        try:
            row = parse(item)
            if row[0] in seen:
                raise _Bad(f"id {row[0]} appears twice")
            seen.add(row[0])
        except (_Bad, InvalidInput) as exc:
            reason = exc.message if isinstance(exc, InvalidInput) else str(exc)
            raise InvalidInput(f"{path}: {key}[{index}]: {reason}",
                               "Nothing was imported.") from None
        parsed.append(row)
    return parsed


def _write(app: CompanionApp, source: str, own: bool, entries: list[Any], checkins: list[Any],
           counts: dict[str, int], dry_run: bool) -> None:
    with app.vault.database.transaction() as cur:

        def known(kind: str, source_id: int) -> bool:
            table = "entries" if kind == "entry" else "checkins"
            if own and cur.execute(f"SELECT 1 FROM {table} WHERE id = ?",
                                   (source_id,)).fetchone():
                return True  # the vault's own export: the item is already here
            return cur.execute("SELECT 1 FROM import_sources WHERE source = ? AND source_id = ?",
                               (source, f"{kind}:{source_id}")).fetchone() is not None

        def record(kind: str, source_id: int, item_id: int) -> None:
            counts[kind] += 1
            cur.execute("INSERT INTO import_sources (source, source_id, kind, item_id)"
                        " VALUES (?,?,?,?)", (source, f"{kind}:{source_id}", kind, item_id))

        for source_id, row, tags in entries:
            if known("entry", source_id):
                counts["skipped"] += 1
                continue
            cur.execute(
                "INSERT INTO entries (title, body, tags_text, created_us, created_offset, day,"
                " updated_us, updated_offset, starred, mood, deleted_us)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?)", row)
            entry_id = int(cur.lastrowid)
            link_tags(cur, entry_id, tags)
            record("entry", source_id, entry_id)
        now = Stamp.of(app.clock.now()).utc_us
        for source_id, values, at, deleted_us in checkins:
            if known("checkin", source_id):
                counts["skipped"] += 1
                continue
            cur.execute(
                "INSERT INTO checkins (at_us, at_offset, day, mood, energy, sleep_hours, note,"
                " updated_us, deleted_us) VALUES (?,?,?,?,?,?,?,?,?)",
                (at.utc_us, at.offset_min, at.local_day, values["mood"], values["energy"],
                 values["sleep_hours"], values["note"], now, deleted_us))
            checkin_id = int(cur.lastrowid)
            write_labels(cur, checkin_id, values["emotions"], values["activities"])
            record("checkin", source_id, checkin_id)
        if dry_run:
            raise _DryRun()


class _DryRun(Exception):
    """Rolls the import's transaction back after counting what it would do."""
