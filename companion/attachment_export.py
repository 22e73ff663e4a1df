"""Attached files in the JSON export, and back in its re-import (docs/export-format.md).

The export writes each entry's files beside the JSON, in a folder named after it
(`journal.json` → `journal-files/e12/1-beach.jpg`), and lists them in the entry under
"attachments" with their name, type, size and SHA-256, each referenced by its path relative
to the JSON's folder. Plaintext, like the rest of the export, written atomically (0600).
The import reads them back after the entries: a file that is missing, changed (its SHA-256)
or pointing outside the export's folder is named in the report and left out, the rest
attached; importing the same export again attaches nothing twice.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from companion.attachments import (
    AttachmentLimits,
    Attachments,
    FileUnreadable,
    PreparedFile,
    prepare,
    read_file,
)
from companion.errors import InvalidInput, UserError
from storage.atomic import atomic_write_bytes

if TYPE_CHECKING:
    from companion.app import CompanionApp

FILES_SUFFIX = "-files"


def files_folder(json_path: Path) -> Path:
    return json_path.with_name(json_path.stem + FILES_SUFFIX)


def check_files_folder(json_path: Path, *, force: bool) -> None:
    folder = files_folder(json_path)
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder} is a file; the export's attached files go in a folder of "
                        "that name.", "Choose another name for the export.")
    if folder.exists() and any(folder.iterdir()) and not force:
        raise UserError(f"{folder} already exists.", "Choose another name, or add --force.")


@dataclass
class AttachmentWriter:
    """Writes the files of each exported entry (on demand, one entry at a time: an export
    holds one file's bytes in memory at once)."""

    app: CompanionApp
    json_path: Path
    written: int = 0

    def __call__(self, entry_id: int) -> list[dict[str, Any]]:
        attachments = self.app.attachments(entry_id)
        if not attachments:
            return []
        folder = files_folder(self.json_path)
        entry_folder = folder / f"e{entry_id}"
        entry_folder.mkdir(parents=True, exist_ok=True)
        listed = []
        for a in attachments:
            target = entry_folder / f"{a.position}-{a.name}"
            atomic_write_bytes(target, self.app.attachment_bytes(entry_id, a.position))
            self.written += 1
            listed.append({"file": target.relative_to(self.json_path.parent).as_posix(),
                           "name": a.name, "media_type": a.media_type, "size": a.size,
                           "sha256": a.sha256})
        return listed


@dataclass(frozen=True)
class PendingFile:
    """An attachment an imported entry lists, checked for shape: a file beside the export
    (`file`, relative to its folder) not yet read, or bytes already taken from a zip."""

    source_id: str
    file: str  # where it is, as the person can find it (named in the report)
    name: str
    sha256: str = ""  # the expected SHA-256 (hex), if the source gives one
    data: bytes | None = field(default=None, repr=False)
    md5: str = ""  # the expected MD5 (hex; Day One names its media by it)
    keep_location: bool = True  # a Companion export's files are already as the person kept


def parse_attachments(item: dict[str, Any], source_id: str) -> list[PendingFile]:
    listed = item.get("attachments", [])
    if not isinstance(listed, list):
        raise InvalidInput("'attachments' must be a list")
    pending = []
    for one in listed:
        if not (isinstance(one, dict) and isinstance(one.get("file"), str)
                and isinstance(one.get("name"), str) and isinstance(one.get("sha256"), str)):
            raise InvalidInput("each of 'attachments' needs 'file', 'name' and 'sha256'")
        pending.append(PendingFile(source_id, one["file"], one["name"], one["sha256"].lower()))
    return pending


def import_attachments(app: CompanionApp, json_path: Path, source: str, own_ids: bool,
                       pending: list[PendingFile],
                       limits: AttachmentLimits | None = None) -> list[str]:
    """Attach the listed files to the entries the import made (or found); return notes on
    those left out. A file already attached to its entry (the same bytes) is not again."""
    if not pending:
        return []
    service = Attachments(app.vault.database, app.clock, limits or app.attachment_limits)
    base = json_path.parent.resolve()
    notes: list[str] = []
    attached = 0
    by_entry: dict[int, list[PreparedFile]] = {}
    for file in pending:
        entry_id = _target_entry(app, source, own_ids, file.source_id)
        if entry_id is None:
            continue
        data = _bytes_of(file, base, service.limits)
        if isinstance(data, str):
            notes.append(data)
            continue
        try:
            prepared = prepare(file.name, data, service.limits,
                               keep_location=file.keep_location)
        except UserError as exc:
            notes.append(f"{file.file} (of entry {file.source_id}): {exc.message} Left out.")
            continue
        digest = hashlib.sha256(prepared.data).hexdigest()
        taken = {a.sha256 for a in service.list(entry_id)}
        taken |= {hashlib.sha256(p.data).hexdigest() for p in by_entry.get(entry_id, [])}
        if digest not in taken:
            by_entry.setdefault(entry_id, []).append(prepared)
    for entry_id, files in by_entry.items():
        try:
            attached += len(service.add(entry_id, files, into_trash=True))
        except UserError as exc:
            notes.append(f"The files of entry e{entry_id} were not attached: {exc}")
    if attached:
        notes.insert(0, f"Attached {attached} file{'s' if attached != 1 else ''}.")
    return notes


def _bytes_of(file: PendingFile, base: Path, limits: AttachmentLimits) -> bytes | str:
    """The file's bytes, or a note saying why it is left out."""
    if file.data is not None:
        data = file.data
    else:
        path = (base / file.file).resolve()
        if not path.is_relative_to(base):
            return f"'{file.file}' points outside the export's folder: left out."
        if not path.exists():
            return (f"{file.file} ('{file.name}' of entry {file.source_id}) is missing: left "
                    "out.")
        try:
            data = read_file(path, limits)
        except (FileUnreadable, UserError) as exc:
            return f"{file.file} (of entry {file.source_id}): {exc.message} Left out."
    if (file.sha256 and hashlib.sha256(data).hexdigest() != file.sha256) or (
            file.md5 and hashlib.md5(data, usedforsecurity=False).hexdigest() != file.md5):
        return (f"{file.file} (of entry {file.source_id}) is not the file that was exported "
                "(it changed since): left out.")
    return data


def _target_entry(app: CompanionApp, source: str, own_ids: bool, source_id: str
                  ) -> int | None:
    row = app.vault.database.query_one(
        "SELECT item_id FROM import_sources WHERE source = ? AND source_id = ? AND kind = "
        "'entry'", (source, f"entry:{source_id}"))
    if row is not None:
        return int(row[0])
    if own_ids:
        found = app.vault.database.query_one("SELECT id FROM entries WHERE id = ?",
                                             (int(source_id),))
        return None if found is None else int(found[0])
    return None

