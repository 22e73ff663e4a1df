"""Exports of everything in the vault: JSON (complete, re-importable), Markdown and CSV.

Exports are the one place Companion writes plaintext, because the user asked for it; every
file is written atomically (storage.atomic), so an interrupted export leaves no half file.
The JSON format is documented in docs/export-format.md and read back by
`companion.import_json`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from companion.app import CompanionApp
from companion.errors import UserError
from companion.imports.common import PROGRESS_EVERY, CancelToken, Progress
from companion.models import MOOD_LABELS, CheckIn, Entry
from storage.atomic import atomic_write_bytes

FORMAT = "companion-export"
VERSION = 1
PLAINTEXT_REMINDER = ("Note: exported files are not encrypted; anyone who can read them can "
                      "read your journal.")



class ExportCancelled(UserError):
    default_message = "The export was cancelled; no file was written."


ENTRY_FIELDS = ["id", "title", "body", "tags", "created", "updated", "starred", "mood",
                "deleted"]
CHECKIN_FIELDS = ["id", "at", "mood", "energy", "emotions", "activities", "sleep_hours", "note",
                  "deleted"]


@dataclass(frozen=True)
class Everything:
    """The whole vault's entries and check-ins (trash included), oldest first."""

    entries: list[Entry]
    checkins: list[CheckIn]


def collect(app: CompanionApp, *, trash: bool = True) -> Everything:
    entries = app.journal.browse(newest_first=False)
    checkins = app.checkins.browse(newest_first=False)
    if trash:
        entries += app.journal.browse(trash=True, newest_first=False)
        checkins += app.checkins.browse(trash=True, newest_first=False)
    entries.sort(key=lambda e: (e.created, e.id))
    checkins.sort(key=lambda c: (c.at, c.id))
    return Everything(entries, checkins)


def _iso(when: datetime | None) -> str | None:
    return None if when is None else when.isoformat()


def entry_json(entry: Entry) -> dict[str, Any]:
    return {
        "id": entry.id, "title": entry.title, "body": entry.body, "tags": list(entry.tags),
        "created": _iso(entry.created), "updated": _iso(entry.updated),
        "starred": entry.starred, "mood": entry.mood, "deleted": _iso(entry.deleted),
    }


def checkin_json(checkin: CheckIn) -> dict[str, Any]:
    return {
        "id": checkin.id, "at": _iso(checkin.at), "mood": checkin.mood,
        "energy": checkin.energy, "emotions": list(checkin.emotions),
        "activities": list(checkin.activities), "sleep_hours": checkin.sleep_hours,
        "note": checkin.note, "deleted": _iso(checkin.deleted),
    }


def export_document(app: CompanionApp, *, progress: Progress | None = None,
                    cancel: CancelToken | None = None,
                    attachments: Callable[[int], list[dict[str, Any]]] | None = None
                    ) -> dict[str, Any]:
    """The complete export as a JSON-ready value (schema: docs/export-format.md).

    `progress(done, total)` is called every few hundred items; a set `cancel` token stops
    with `ExportCancelled` before anything is written. `attachments(entry id)` lists (and
    writes beside the JSON) an entry's attached files; an entry without any has no
    "attachments" key."""
    data = collect(app)
    total = len(data.entries) + len(data.checkins)
    done = 0

    def counted(item: dict[str, Any]) -> dict[str, Any]:
        nonlocal done
        done += 1
        if done % PROGRESS_EVERY == 0:
            if cancel is not None and cancel.cancelled:
                raise ExportCancelled()
            if progress is not None:
                progress(done, total)
        return item

    document = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _iso(app.clock.now()),
        "vault_id": app.vault.vault_id,
        "entries": [counted(_with_files(entry_json(e), e.id, attachments))
                    for e in data.entries],
        "checkins": [counted(checkin_json(c)) for c in data.checkins],
    }
    if cancel is not None and cancel.cancelled:
        raise ExportCancelled()
    return document


def _with_files(item: dict[str, Any], entry_id: int,
                attachments: Callable[[int], list[dict[str, Any]]] | None) -> dict[str, Any]:
    listed = attachments(entry_id) if attachments is not None else []
    if listed:
        item["attachments"] = listed
    return item


def json_text(document: dict[str, Any]) -> str:
    """The document as JSON with one entry or check-in per line: easy to read and to diff,
    and written by the json module's C encoder (an indented dump runs its slower Python one,
    a second more for ten years of entries)."""
    lines = ["{"]
    for key, value in document.items():
        if key in ("entries", "checkins"):
            continue
        lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},")
    for key in ("entries", "checkins"):
        items = [f"    {json.dumps(item, ensure_ascii=False)}" for item in document[key]]
        inside = "\n" + ",\n".join(items) + "\n  " if items else ""
        lines.append(f'  "{key}": [{inside}]' + ("," if key == "entries" else ""))
    lines.append("}")
    return "\n".join(lines) + "\n"


def export_json(app: CompanionApp, path: Path, *, progress: Progress | None = None,
                cancel: CancelToken | None = None) -> int:
    """Write the JSON export to `path`; return the number of items written."""
    from companion.attachment_export import AttachmentWriter

    document = export_document(app, progress=progress, cancel=cancel,
                               attachments=AttachmentWriter(app, path))
    atomic_write_bytes(path, json_text(document).encode("utf-8"))
    count = len(document["entries"]) + len(document["checkins"])
    if progress is not None:
        progress(count, count)
    return count


# -- Markdown --------------------------------------------------------------------------------


def _day(when: datetime) -> str:
    return when.date().isoformat()


def _by_day(data: Everything) -> dict[str, tuple[list[Entry], list[CheckIn]]]:
    days: dict[str, tuple[list[Entry], list[CheckIn]]] = {}
    for entry in data.entries:
        days.setdefault(_day(entry.created), ([], []))[0].append(entry)
    for checkin in data.checkins:
        days.setdefault(_day(checkin.at), ([], []))[1].append(checkin)
    return {day: days[day] for day in sorted(days)}


def checkin_line(checkin: CheckIn) -> str:
    parts = [f"mood {checkin.mood} ({MOOD_LABELS[checkin.mood]})"]
    if checkin.energy is not None:
        parts.append(f"energy {checkin.energy}")
    if checkin.emotions:
        parts.append("feeling " + ", ".join(checkin.emotions))
    if checkin.activities:
        parts.append("doing " + ", ".join(checkin.activities))
    if checkin.sleep_hours is not None:
        parts.append(f"slept {checkin.sleep_hours:g} h")
    line = f"- {checkin.at.strftime('%H:%M')} check-in: " + "; ".join(parts)
    return line + (f". {' '.join(checkin.note.split())}" if checkin.note else "")


def _day_markdown(day: str, entries: list[Entry], checkins: list[CheckIn], level: str) -> str:
    lines = [f"{level} {day}", ""]
    if checkins:
        lines += [checkin_line(c) for c in checkins] + [""]
    for entry in entries:
        star = " ★" if entry.starred else ""
        lines.append(f"{level}# {entry.title or 'Untitled'}{star}")
        meta = [entry.created.strftime("%H:%M (UTC%z)")]
        if entry.mood is not None:
            meta.append(f"mood {entry.mood} ({MOOD_LABELS[entry.mood]})")
        if entry.tags:
            meta.append(" ".join(f"#{tag}" for tag in entry.tags))
        lines += ["", "*" + " · ".join(meta) + "*", ""]
        if entry.body.strip():
            lines += [entry.body.rstrip("\n"), ""]
    return "\n".join(lines) + "\n"


def markdown_document(data: Everything) -> str:
    parts = ["# Journal\n\n"]
    parts += [_day_markdown(day, e, c, "##") + "\n" for day, (e, c) in _by_day(data).items()]
    return "".join(parts).rstrip("\n") + "\n"


def export_markdown(app: CompanionApp, path: Path) -> int:
    """One Markdown file of the live journal (the trash is left out); return the day count."""
    data = collect(app, trash=False)
    atomic_write_bytes(path, markdown_document(data).encode("utf-8"))
    return len(_by_day(data))


def markdown_day_files(app: CompanionApp, folder: Path) -> dict[Path, str]:
    """What `export_markdown_per_day` would write: one `YYYY-MM-DD.md` per day."""
    return {folder / f"{day}.md": f"# Journal\n\n{_day_markdown(day, e, c, '##')}"
            for day, (e, c) in _by_day(collect(app, trash=False)).items()}


def write_files(files: dict[Path, str]) -> None:
    for path, text in files.items():
        atomic_write_bytes(path, text.encode("utf-8"))


# -- CSV ----------------------------------------------------------------------------------------


def _csv_text(header: list[str], rows: Iterable[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return buffer.getvalue()


def entries_csv(entries: Iterable[Entry]) -> str:
    return _csv_text(ENTRY_FIELDS, (
        [e.id, e.title, e.body, " ".join(e.tags), _iso(e.created), _iso(e.updated),
         int(e.starred), e.mood, _iso(e.deleted)] for e in entries))


def checkins_csv(checkins: Iterable[CheckIn]) -> str:
    return _csv_text(CHECKIN_FIELDS, (
        [c.id, _iso(c.at), c.mood, c.energy, "; ".join(c.emotions), "; ".join(c.activities),
         c.sleep_hours, c.note, _iso(c.deleted)] for c in checkins))


def csv_files(app: CompanionApp, target: Path, kind: str | None = None) -> dict[Path, str]:
    """`kind=None`: entries.csv and checkins.csv in the folder `target`; else one file."""
    data = collect(app, trash=False)
    if kind == "entries":
        return {target: entries_csv(data.entries)}
    if kind == "checkins":
        return {target: checkins_csv(data.checkins)}
    if kind is not None:
        raise UserError(f"'{kind}' is not something to export as CSV.",
                        "Use --kind entries or --kind checkins.")
    return {target / "entries.csv": entries_csv(data.entries),
            target / "checkins.csv": checkins_csv(data.checkins)}


# -- where an export may go (the CLI and the desktop app alike) ------------------------------


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: `count` items, days or files (`unit`) at `target`."""

    unit: Literal["items", "days", "files"]
    count: int
    target: Path


def check_target(app: CompanionApp, target: Path, *, force: bool) -> None:
    home = app.home.resolve()
    resolved = target.resolve()
    if resolved == home or resolved.is_relative_to(home):
        raise UserError(f"Cannot export into the vault's own folder ({target}).",
                        "Choose a path outside it.")
    if target.is_dir():
        raise UserError(f"{target} is a folder.", "Give a file name.")
    if target.exists() and not force:
        raise UserError(f"{target} already exists.", "Choose another name, or add --force.")
    if not target.parent.is_dir():
        raise UserError(f"Cannot write {target}: its folder does not exist.")


def prepare_folder(app: CompanionApp, folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder} is a file, not a folder.", "Give a folder to write into.")
    home = app.home.resolve()
    resolved = folder.resolve()
    if resolved == home or resolved.is_relative_to(home) or home.is_relative_to(resolved):
        raise UserError(f"Cannot export into the vault's folder or around it ({folder}).",
                        "Choose a folder outside it.")
    if not folder.parent.is_dir():
        raise UserError(f"Cannot write into {folder}: its parent folder does not exist.")
    folder.mkdir(exist_ok=True)


def write_checked(app: CompanionApp, files: dict[Path, str], force: bool) -> None:
    for path in files:
        check_target(app, path, force=force)
    write_files(files)


def export_to(app: CompanionApp, fmt: str, target: Path, *, per_day: bool = False,
              kind: str | None = None, force: bool = False, progress: Progress | None = None,
              cancel: CancelToken | None = None) -> ExportResult:
    """Write an export (`fmt` json, markdown or csv) to `target`, checked the same way for
    the CLI and the desktop app (never inside the vault's folder, nothing replaced without
    `force`), and say what was written."""
    if fmt == "json":
        from companion.attachment_export import check_files_folder

        check_target(app, target, force=force)
        check_files_folder(target, force=force)
        count = export_json(app, target, progress=progress, cancel=cancel)
        return ExportResult("items", count, target)
    if cancel is not None and cancel.cancelled:
        raise ExportCancelled()
    if fmt == "markdown" and not per_day:
        check_target(app, target, force=force)
        days = export_markdown(app, target)
        return ExportResult("days", days, target)
    if fmt == "csv" and kind:
        check_target(app, target, force=force)
        files = csv_files(app, target, kind)
    else:
        prepare_folder(app, target)
        files = (markdown_day_files(app, target) if fmt == "markdown"
                 else csv_files(app, target))
    write_checked(app, files, force)
    return ExportResult("files", len(files), target)
