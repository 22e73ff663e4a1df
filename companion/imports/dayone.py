"""Read Day One JSON export zips (Day One → Export → JSON).

The zip holds one JSON file per journal (`Journal.json`, or the journal's name) and the media
in `photos/`, `videos/` … Each JSON file is `{"metadata": {...}, "entries": [...]}`, an entry
being `uuid`, `creationDate` (UTC, `2026-03-01T07:15:00Z`), `timeZone` (IANA name, the zone it
was written in), `text` (Markdown, with punctuation escaped and photos as
`![](dayone-moment://ID)`), `tags`, `starred`, `modifiedDate`, and `photos`, `videos`,
`audios`, `pdfAttachments`.

Times are kept as they were lived: the UTC moment shown at the entry's own zone's offset, so an
entry written at 08:00 in Tokyo reads 08:00. The entry's `uuid` is its stable id.

Media (photos, videos, audio, PDFs) are attached to their entries once the entries are written
(companion/attachment_export.py; a photo's location removed, as for any attached photo). Day
One names each file in the zip by its MD5 (`photos/<md5>.jpeg`): one that is listed but not in
the zip is named in the report, and the rest are imported.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from companion.errors import InvalidInput
from companion.imports.common import (
    BadItem,
    ImportPlan,
    item_error,
    make_entry,
    read_limited,
)
from companion.imports.text import dayone_text
from companion.imports.zip_reader import open_bounded_zip

SOURCE = "dayone"
MEDIA_KEYS = {"photos": "photos", "videos": "videos", "audios": "audio recordings",
              "pdfAttachments": "PDF attachments"}
MEDIA_NAMES = {"photos": "photo", "videos": "video", "audios": "audio recording",
               "pdfAttachments": "PDF"}
MAX_TITLE = 500


def read_dayone_plan(path: Path) -> ImportPlan:
    path = Path(path)
    plan = ImportPlan(SOURCE, path)
    unknown_zones = empty = 0
    wanted: list[tuple[str, str, str]] = []  # (entry uuid, media key, md5)
    data = read_limited(path, "a Day One export")
    for name, document in _journals(data, path):
        for index, item in enumerate(document["entries"]):
            where = f"{name}: entries[{index}]"
            try:
                entry, counts, zone_known = _entry(item)
            except (BadItem, InvalidInput) as exc:
                raise item_error(path, where, exc) from None
            unknown_zones += not zone_known
            if entry is None:
                empty += 1
            else:
                plan.entries.append(entry)
                wanted += [(entry.source_id, key, md5) for key, md5 in _media(item)]
    seen: set[str] = set()
    for entry in plan.entries:
        if entry.source_id in seen:
            raise InvalidInput(f"{path}: the entry {entry.source_id} appears twice.",
                               "Nothing was imported.")
        seen.add(entry.source_id)
    if wanted:
        plan.notes += _collect_media(data, path, plan, wanted)
    if unknown_zones:
        plan.notes.append(f"{unknown_zones} entries had no known time zone and are shown in "
                          "UTC.")
    if empty:
        plan.notes.append(f"{empty} entries had no text (only media or nothing) and were "
                          "skipped, with their media.")
    return plan


def _media(item: dict[str, Any]) -> list[tuple[str, str]]:
    """(media key, md5) of each file the entry lists, in order."""
    found = []
    for key in MEDIA_KEYS:
        for media in item.get(key, []):
            md5 = media.get("md5") if isinstance(media, dict) else None
            if isinstance(md5, str) and md5.strip():
                found.append((key, md5.strip().lower()))
    return found


def _collect_media(data: bytes, path: Path, plan: ImportPlan,
                   wanted: list[tuple[str, str, str]]) -> list[str]:
    """Take the listed media out of the zip for the import to attach; say which are not
    there."""
    from companion.attachment_export import PendingFile

    damaged = f"{path} is damaged (truncated?). Export again with Day One → Export → JSON."
    missing: list[str] = []
    with open_bounded_zip(data, path, damaged=damaged) as archive:
        by_md5 = {PurePosixPath(info.filename).stem.lower(): info
                  for info in archive.members()
                  if not info.is_dir() and len(PurePosixPath(info.filename).parts) == 2}
        for uuid, key, md5 in wanted:
            info = by_md5.get(md5)
            if info is None:
                missing.append(f"{MEDIA_NAMES[key]} {md5} (entry {uuid})")
                continue
            plan.attachments.append(PendingFile(
                uuid, info.filename, PurePosixPath(info.filename).name,
                data=archive.read(info), keep_location=False))
    if not missing:
        return []
    shown = "; ".join(missing[:5]) + (f"; and {len(missing) - 5} more" if len(missing) > 5
                                      else "")
    return [f"{len(missing)} media file{'s' if len(missing) != 1 else ''} listed in the export "
            f"{'are' if len(missing) != 1 else 'is'} not in the zip, so not imported: {shown}. "
            "The rest was imported."]


def _journals(data: bytes, path: Path) -> list[tuple[str, dict[str, Any]]]:
    found = []
    damaged = (f"{path} is not a Day One export zip, or it is damaged (truncated?). Export "
               "again with Day One → Export → JSON.")
    with open_bounded_zip(data, path, damaged=damaged) as archive:
        for info in archive.members():
            name = PurePosixPath(info.filename)
            if name.suffix.lower() != ".json" or len(name.parts) > 2 or info.is_dir():
                continue
            document = _document(archive.read(info), path, name.name)
            if document is not None:
                found.append((name.name, document))
    if not found:
        raise InvalidInput(f"{path} holds no Day One journal (a Journal.json with entries).",
                           "Export again with Day One → Export → JSON. Nothing was imported.")
    return found


def _document(raw: bytes, path: Path, name: str) -> dict[str, Any] | None:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InvalidInput(f"{path}: {name}: line {line} is not UTF-8 text.",
                           "Nothing was imported.") from None
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        line = getattr(exc, "lineno", 1)
        raise InvalidInput(f"{path}: {name}: line {line}: not valid JSON (truncated or "
                           "damaged?).", "Nothing was imported.") from None
    if isinstance(document, dict) and isinstance(document.get("entries"), list):
        return document
    return None  # some other JSON file in the zip


def _local_time(item: dict[str, Any]) -> tuple[datetime, bool]:
    raw = item.get("creationDate")
    if not isinstance(raw, str):
        raise BadItem("'creationDate' is missing")
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise BadItem("'creationDate' is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    zone_name = item.get("timeZone")
    zone = None
    if isinstance(zone_name, str) and zone_name:
        try:
            zone = ZoneInfo(zone_name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            zone = None  # an unknown or hostile name: reported, shown in UTC
    try:
        return moment.astimezone(zone or UTC), zone is not None
    except (OverflowError, ValueError):
        raise BadItem("'creationDate' is out of range") from None


def _entry(item: Any) -> tuple[Any, dict[str, int], bool]:
    if not isinstance(item, dict):
        raise BadItem("it is not an object")
    uuid = item.get("uuid")
    if not isinstance(uuid, str) or not uuid.strip():
        raise BadItem("'uuid' is missing")
    created, zone_known = _local_time(item)
    counts = {}
    for key in MEDIA_KEYS:
        value = item.get(key, [])
        if not isinstance(value, list):
            raise BadItem(f"'{key}' must be a list")
        counts[key] = len(value)
    text = item.get("text", "")
    tags = item.get("tags", [])
    starred = item.get("starred", False)
    if not isinstance(text, str):
        raise BadItem("'text' must be text")
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise BadItem("'tags' must be a list of text")
    if not isinstance(starred, bool):
        raise BadItem("'starred' must be true or false")
    plain, _links = dayone_text(text)
    if not plain.strip():
        return None, counts, zone_known
    title, body = split_dayone(plain)
    updated = None
    if isinstance(item.get("modifiedDate"), str):
        try:
            updated = datetime.fromisoformat(item["modifiedDate"].replace("Z", "+00:00"))
            updated = updated.astimezone(created.tzinfo) if updated.tzinfo else None
        except (ValueError, OverflowError):
            updated = None  # only a detail: the creation time is what matters
    entry = make_entry(uuid.strip(), title=title, body=body, tags=tags, created=created,
                       updated=updated if updated and updated >= created else None,
                       starred=starred)
    return entry, counts, zone_known


def split_dayone(text: str) -> tuple[str, str]:
    """Day One shows the first line as the entry's title (often a `# heading`)."""
    stripped = text.strip("\n")
    first, _sep, rest = stripped.partition("\n")
    title = first.strip()
    if title.startswith("#"):
        title = title.lstrip("#").strip()
    if len(title) > MAX_TITLE:
        return "", stripped
    return title, rest.strip("\n")
