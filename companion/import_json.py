"""Read a Companion JSON export (docs/export-format.md) back into a vault.

Every field is checked before anything is written, the same way the journal and check-in
services check what the user types; the rows are then written in one transaction, so a bad
file changes nothing (`companion.imports.common.write_plan`, shared with the other
importers). Each imported item is recorded in `import_sources` under the exporting
vault's id and its id there, so importing the same file twice adds nothing the second time.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from companion.app import CompanionApp
from companion.attachment_export import parse_attachments
from companion.checkins import validated_checkin
from companion.errors import InvalidInput
from companion.export import FORMAT, VERSION
from companion.imports.common import (
    CancelToken,
    ImportedCheckIn,
    ImportedEntry,
    ImportPlan,
    ImportReport,
    Progress,
    read_limited,
)
from companion.journal import check_entry_text, unique_tags
from companion.models import CheckInDraft, check_scale
from companion.timeutil import Stamp


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


def _entry(item: Any) -> ImportedEntry:
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
    return ImportedEntry(str(source_id), title, body, tuple(tags), created, updated, starred,
                         mood, None if deleted is None else deleted.utc_us)


def _checkin(item: Any) -> ImportedCheckIn:
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
    return ImportedCheckIn(str(source_id), at, values,
                           None if deleted is None else deleted.utc_us)


def _load(path: Path) -> dict[str, Any]:
    try:
        # read_limited says what is wrong with a missing file, a folder, a pipe, a huge file.
        document = json.loads(read_limited(path, "a Companion export").decode("utf-8"))
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


def read_json_plan(path: Path, app: CompanionApp | None = None) -> ImportPlan:
    """Read and check a JSON export; raise `InvalidInput` naming the item if anything is bad.
    With `app`, an export of that very vault is recognised (its items are already there)."""
    path = Path(path)
    document = _load(path)
    plan = ImportPlan(f"companion:{document['vault_id']}", path)
    plan.entries = _parse_all(path, document["entries"], "entries", _entry)
    plan.checkins = _parse_all(path, document["checkins"], "checkins", _checkin)
    plan.own_ids = app is not None and document["vault_id"] == app.vault_id
    for index, item in enumerate(document["entries"]):
        try:
            plan.attachments += parse_attachments(item, str(item["id"]))
        except InvalidInput as exc:
            raise InvalidInput(f"{path}: entries[{index}]: {exc.message}",
                               "Nothing was imported.") from None
    return plan


def import_json(app: CompanionApp, path: Path, dry_run: bool = False, *,
                progress: Progress | None = None, cancel: CancelToken | None = None
                ) -> ImportReport:
    """Import a JSON export all or nothing; raise `InvalidInput` (vault unchanged) if bad."""
    plan = read_json_plan(path, app)
    return app.write_import(plan, dry_run=dry_run, progress=progress, cancel=cancel)


def _parse_all(path: Path, items: list[Any], key: str, parse: Callable[[Any], Any]
               ) -> list[Any]:
    parsed: list[Any] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        try:
            row = parse(item)
            if row.source_id in seen:
                raise _Bad(f"id {row.source_id} appears twice")
            seen.add(row.source_id)
        except (_Bad, InvalidInput) as exc:
            reason = exc.message if isinstance(exc, InvalidInput) else str(exc)
            raise InvalidInput(f"{path}: {key}[{index}]: {reason}",
                               "Nothing was imported.") from None
        parsed.append(row)
    return parsed
