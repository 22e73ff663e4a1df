"""Photos and other files attached to journal entries, kept encrypted in the vault.

A file is read and checked whole before anything is written (`prepare`): its size against the
per-file limit, its type from its bytes (companion/media.py), an image's size from its header
(decompression bombs refused before decoding), and an image's location blanked unless the
person keeps it. Storing (`add`) is then one transaction for all of an entry's new files: a
full disk, or the per-entry limit, leaves the vault as it was. Nothing here writes a file:
the bytes go from the person's file into the encrypted database and back out only when asked
(`read`, or `companion attachment save`). Tables: companion/attachment_schema.py.
"""

from __future__ import annotations

import hashlib
import os
import stat
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from companion import media
from companion.attachment_schema import PART_BYTES, THUMBNAIL_SIDE
from companion.clock import Clock
from companion.errors import InvalidInput, NotFound
from companion.timeutil import Stamp
from storage.database import Database
from storage.errors import UserError

MB = 1_000_000
MAX_NAME = 200


@dataclass(frozen=True)
class AttachmentLimits:
    """How much may be attached (the desktop app and the CLI use the same defaults)."""

    max_file_bytes: int = 25 * MB
    max_entry_bytes: int = 100 * MB
    max_files_per_entry: int = 50
    # 100 megapixels: larger than any common camera's photo; a 20,000 × 20,000 "image" (400
    # megapixels, 1.6 GB once decoded) is refused from its header.
    max_image_pixels: int = 100_000_000


class FileUnreadable(UserError):
    default_message = "That file cannot be read."


class AttachmentTooLarge(UserError):
    default_message = "That file is too large to attach."


@dataclass(frozen=True)
class PreparedFile:
    """A file read and checked, ready to attach (its bytes are in memory only)."""

    name: str
    media_type: str
    data: bytes = field(repr=False)
    width: int | None = None
    height: int | None = None
    # Sentences for the person: the type differs from the name, the location was removed …
    notes: tuple[str, ...] = ()
    thumbnail: bytes | None = field(default=None, repr=False)  # PNG, images only

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class Attachment:
    entry_id: int
    position: int
    name: str
    media_type: str
    size: int
    sha256: str
    width: int | None
    height: int | None

    @property
    def description(self) -> str:
        return media.describe(self.media_type)

    @property
    def is_image(self) -> bool:
        return self.media_type in media.DECODABLE_IMAGES


def size_text(size: int) -> str:
    if size < 1000:
        return f"{size} bytes"
    if size < MB:
        return f"{size / 1000:.1f} KB".replace(".0 KB", " KB")
    return f"{size / MB:.1f} MB".replace(".0 MB", " MB")


def clean_name(name: str) -> str:
    """The last part of a path, without control characters, at most `MAX_NAME` long."""
    base = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    if len(base) > MAX_NAME:
        stem, dot, ext = base.rpartition(".")
        keep = ext if dot and len(ext) <= 10 else ""
        base = base[:MAX_NAME - len(keep) - 1].rstrip() + ("." + keep if keep else "")
    return base if base not in ("", ".", "..") else "attachment"


def read_file(path: Path, limits: AttachmentLimits) -> bytes:
    """The bytes of `path`, or a clear error (missing, unreadable, not a file, too large)
    read no further than the limit allows."""
    shown = path.name or str(path)
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise FileUnreadable(f"'{shown}' is not a file.", "Attach a file, not a folder.")
            _check_file_size(shown, info.st_size, limits)
            data = handle.read(limits.max_file_bytes + 1)
    except FileNotFoundError as exc:
        raise FileUnreadable(f"'{shown}' is not there ({path}).",
                             "It may have been moved or deleted; nothing was attached.") from exc
    except IsADirectoryError as exc:
        raise FileUnreadable(f"'{shown}' is a folder.", "Attach a file, not a folder.") from exc
    except PermissionError as exc:
        raise FileUnreadable(f"'{shown}' cannot be read: permission denied.",
                             "Nothing was attached.") from exc
    except OSError as exc:
        raise FileUnreadable(f"'{shown}' cannot be read: {exc.strerror or exc}.",
                             "Nothing was attached.") from exc
    _check_file_size(shown, len(data), limits)
    return data


def _check_file_size(name: str, size: int, limits: AttachmentLimits) -> None:
    if size > limits.max_file_bytes:
        raise AttachmentTooLarge(
            f"'{name}' is {size_text(size)}; a file can be at most "
            f"{size_text(limits.max_file_bytes)}.", "Attach a smaller copy of it.")


def prepare(name: str, data: bytes, limits: AttachmentLimits, *,
            keep_location: bool = False) -> PreparedFile:
    """Check bytes to be attached under `name` (a file, a paste, a drop) and make them ready:
    type from the bytes, image size from the header, location removed unless kept."""
    name = clean_name(name)
    _check_file_size(name, len(data), limits)
    notes: list[str] = []
    media_type = media.sniff(data)
    width = height = None
    if media_type in media.DECODABLE_IMAGES:
        try:
            size = media.measure(data, limits.max_image_pixels)
            width, height = size.width, size.height
        except media.ImageTooLarge as exc:
            pixels = (f" ({exc.width:,} × {exc.height:,} pixels)" if exc.width else "")
            raise AttachmentTooLarge(
                f"'{name}' is too large an image{pixels}; an image can have at most "
                f"{limits.max_image_pixels // 1_000_000} megapixels.",
                "It was not opened (such images can exhaust memory). Attach a smaller "
                "copy.") from exc
        except media.UnreadableImage:
            notes.append(f"'{name}' starts like a {media.describe(media_type)} but is not a "
                         "readable one: kept as a file.")
            media_type = media.OCTET_STREAM
    claimed = media.claimed_type(name)
    if media_type == media.OCTET_STREAM:
        if claimed is not None and not notes:
            notes.append(f"'{name}' is not a {media.describe(claimed)} (its contents are not "
                         "one of the kinds Companion knows): kept as a file.")
    elif claimed is not None and claimed != media_type:
        notes.append(f"'{name}' is a {media.describe(media_type)}, not what its name says: "
                     f"kept as a {media.describe(media_type)}.")
    if media_type.startswith("image/"):
        if keep_location:
            notes.append(f"'{name}': its location was kept, as asked.")
        else:
            data, removed = media.strip_location(data, media_type)
            if removed:
                notes.append(f"'{name}': the location it was taken at was removed.")
    thumbnail = None
    if media_type in media.DECODABLE_IMAGES:
        try:
            thumbnail = media.thumbnail_png(data, THUMBNAIL_SIDE, limits.max_image_pixels)
        except (OSError, ValueError, SyntaxError):  # damaged after its header: shown as a file
            thumbnail = None
    return PreparedFile(name, media_type, data, width, height, tuple(notes), thumbnail)


class Attachments:
    """The attachments of entries in one vault."""

    def __init__(self, db: Database, clock: Clock,
                 limits: AttachmentLimits | None = None) -> None:
        self.db = db
        self.clock = clock
        self.limits = limits or AttachmentLimits()

    def prepare_file(self, path: Path, *, keep_location: bool = False) -> PreparedFile:
        data = read_file(Path(path), self.limits)
        return prepare(Path(path).name, data, self.limits, keep_location=keep_location)

    def add(self, entry_id: int, files: Sequence[PreparedFile], *,
            into_trash: bool = False) -> list[Attachment]:
        """Attach `files` to the entry, after those it has: all of them, or (a limit, a full
        disk) none. An entry in the trash takes none unless `into_trash` (an import)."""
        self._live_entry(entry_id, into_trash=into_trash)
        now = Stamp.of(self.clock.now()).utc_us
        added: list[Attachment] = []
        with self.db.transaction() as cur:
            count, total, last = cur.execute(
                "SELECT count(*), coalesce(sum(size), 0), coalesce(max(position), 0)"
                " FROM attachments WHERE entry_id = ?", (entry_id,)).fetchone()
            if count + len(files) > self.limits.max_files_per_entry:
                raise AttachmentTooLarge(
                    f"An entry can have at most {self.limits.max_files_per_entry} files "
                    f"attached; e{entry_id} has {count}.", "Nothing was attached.")
            new_total = total + sum(f.size for f in files)
            if new_total > self.limits.max_entry_bytes:
                raise AttachmentTooLarge(
                    f"Attaching {', '.join(repr(f.name) for f in files)} would bring e{entry_id}"
                    f" to {size_text(new_total)}; an entry's files can be at most "
                    f"{size_text(self.limits.max_entry_bytes)} in all.", "Nothing was attached.")
            for position, file in enumerate(files, start=last + 1):
                digest = hashlib.sha256(file.data).digest()
                cur.execute(
                    "INSERT INTO attachments (entry_id, position, name, media_type, size,"
                    " sha256, width, height, added_us, thumbnail)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (entry_id, position, file.name, file.media_type, file.size, digest,
                     file.width, file.height, now, file.thumbnail))
                attachment_id = cur.lastrowid
                view = memoryview(file.data)
                for part, start in enumerate(range(0, max(file.size, 1), PART_BYTES)):
                    cur.execute("INSERT INTO attachment_parts (attachment_id, part, data)"
                                " VALUES (?, ?, ?)",
                                (attachment_id, part, bytes(view[start:start + PART_BYTES])))
                added.append(Attachment(entry_id, position, file.name, file.media_type,
                                        file.size, digest.hex(), file.width, file.height))
        return added

    def list(self, entry_id: int) -> list[Attachment]:
        rows = self.db.query(
            "SELECT entry_id, position, name, media_type, size, sha256, width, height"
            " FROM attachments WHERE entry_id = ? ORDER BY position", (entry_id,))
        return [_attachment(row) for row in rows]

    def counts(self, entry_ids: Sequence[int]) -> dict[int, int]:
        """How many files each of `entry_ids` has (those with none are left out)."""
        if not entry_ids:
            return {}
        marks = ",".join("?" * len(entry_ids))
        rows = self.db.query(f"SELECT entry_id, count(*) FROM attachments WHERE entry_id IN"
                             f" ({marks}) GROUP BY entry_id", list(entry_ids))
        return {int(entry_id): int(n) for entry_id, n in rows}

    def get(self, entry_id: int, position: int) -> Attachment:
        row = self.db.query_one(
            "SELECT entry_id, position, name, media_type, size, sha256, width, height"
            " FROM attachments WHERE entry_id = ? AND position = ?", (entry_id, position))
        if row is None:
            raise NotFound(f"Entry e{entry_id} has no attachment {position}.",
                           f"`companion attachments e{entry_id}` lists them.")
        return _attachment(row)

    def read(self, entry_id: int, position: int) -> bytes:
        """The attached file's bytes, exactly as stored (checked against its SHA-256)."""
        attachment = self.get(entry_id, position)
        rows = self.db.query(
            "SELECT p.data FROM attachment_parts p JOIN attachments a ON a.id = p.attachment_id"
            " WHERE a.entry_id = ? AND a.position = ? ORDER BY p.part", (entry_id, position))
        data = b"".join(bytes(row[0]) for row in rows)
        if hashlib.sha256(data).hexdigest() != attachment.sha256:
            raise InvalidInput(f"Attachment {position} of e{entry_id} ('{attachment.name}') is "
                               "damaged in the vault.", "Restore a backup to get it back.")
        return data

    def thumbnail(self, entry_id: int, position: int,
                  max_side: int = THUMBNAIL_SIDE) -> bytes | None:
        """A PNG thumbnail (the one kept with the image, made smaller in memory if asked),
        or None for what is not an image we can show. Never cached on disk."""
        attachment = self.get(entry_id, position)
        if not attachment.is_image:
            return None
        row = self.db.query_one("SELECT thumbnail FROM attachments WHERE entry_id = ? AND"
                                " position = ?", (entry_id, position))
        kept = None if row is None or row[0] is None else bytes(row[0])
        if kept is not None and max_side == THUMBNAIL_SIDE:
            return kept
        source = kept if kept is not None and max_side < THUMBNAIL_SIDE else self.read(
            entry_id, position)
        try:
            return media.thumbnail_png(source, max_side, self.limits.max_image_pixels)
        except (OSError, ValueError, SyntaxError):
            return None

    def remove(self, entry_id: int, position: int) -> None:
        """Remove one attachment; those after it move up one place."""
        self.get(entry_id, position)
        with self.db.transaction() as cur:
            cur.execute("DELETE FROM attachments WHERE entry_id = ? AND position = ?",
                        (entry_id, position))
            later = cur.execute("SELECT id FROM attachments WHERE entry_id = ? AND position > ?"
                                " ORDER BY position", (entry_id, position)).fetchall()
            for new_position, (attachment_id,) in enumerate(later, start=position):
                cur.execute("UPDATE attachments SET position = ? WHERE id = ?",
                            (new_position, attachment_id))

    def _live_entry(self, entry_id: int, *, into_trash: bool = False) -> None:
        row = self.db.query_one("SELECT deleted_us FROM entries WHERE id = ?", (entry_id,))
        if row is None:
            raise NotFound(f"There is no entry e{entry_id}.", "Use `companion list` to see ids.")
        if row[0] is not None and not into_trash:
            raise InvalidInput(f"Entry e{entry_id} is in the trash.",
                               f"Restore it first: `companion restore e{entry_id}`.")


def _attachment(row: Any) -> Attachment:
    entry_id, position, name, media_type, size, digest, width, height = row
    return Attachment(int(entry_id), int(position), str(name), str(media_type), int(size),
                      bytes(digest).hex(), None if width is None else int(width),
                      None if height is None else int(height))
