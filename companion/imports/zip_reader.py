"""Reading the zip files apps export (Day One, Daylio) as the hostile input they may be.

Python's zipfile trusts the archive's directory: a small file can list one deflated member
hundreds of times (each read inflates it again), say a member is small while it inflates to
gigabytes, or hold encrypted members it can only fail on. Here the directory is checked
first (no duplicate names, no members that share or overlap their bytes, no encryption, a
bounded count), and reading counts what actually comes out, against a limit per member, a
limit for the whole archive and a deadline. Every refusal is an `InvalidInput` that names
the file and says what is wrong with it; nothing is imported.
"""

from __future__ import annotations

import io
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from companion.errors import InvalidInput

MAX_MEMBERS = 100_000
MAX_MEMBER_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 512 * 1024 * 1024
SECONDS = 60.0
_CHUNK = 1024 * 1024
_ENCRYPTED = 0x1
# What a damaged archive raises while its directory is read or a member inflates (a broken
# deflate stream is zlib.error; a wrong CRC or a cut-off member, BadZipFile or EOFError).
_BROKEN = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, OSError,
           zlib.error)


@dataclass
class BoundedZip:
    """An archive whose directory passed the checks; `read` inflates within the limits."""

    archive: zipfile.ZipFile
    path: Path
    damaged: str
    deadline: float
    clock: Callable[[], float]
    total: int = 0

    def __enter__(self) -> BoundedZip:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.archive.close()

    def members(self) -> list[zipfile.ZipInfo]:
        return self.archive.infolist()

    def read(self, info: zipfile.ZipInfo) -> bytes:
        name = _shown(info.filename)
        if info.file_size > MAX_MEMBER_BYTES:
            raise self._refuse(f"{name} is larger than {MAX_MEMBER_BYTES // 2**20} MiB")
        out = io.BytesIO()
        try:
            self._inflate(info, name, out)
        except _BROKEN as exc:
            raise InvalidInput(self.damaged, "Nothing was imported.") from exc
        return out.getvalue()

    def _inflate(self, info: zipfile.ZipInfo, name: str, out: io.BytesIO) -> None:
        with self.archive.open(info) as member:
            while True:
                piece = member.read(_CHUNK)
                if not piece:
                    break
                out.write(piece)
                self.total += len(piece)
                if out.tell() > MAX_MEMBER_BYTES:
                    raise self._refuse(f"{name} inflates to more than "
                                       f"{MAX_MEMBER_BYTES // 2**20} MiB")
                if self.total > MAX_TOTAL_BYTES:
                    raise self._refuse(f"it inflates to more than {MAX_TOTAL_BYTES // 2**20} "
                                       "MiB in all")
                if self.clock() > self.deadline:
                    raise self._refuse(f"reading it took longer than {SECONDS:.0f} seconds")

    def _refuse(self, why: str) -> InvalidInput:
        return InvalidInput(f"{self.path} cannot be read safely: {why}.",
                            "Export it again from the app. Nothing was imported.")


def open_bounded_zip(data: bytes, path: Path, *, damaged: str,
                     clock: Callable[[], float] = time.monotonic) -> BoundedZip:
    """The archive in `data` (read from `path`), its directory checked; use it in a `with`.
    `damaged` is the sentence for a file that is not a readable zip at all."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _BROKEN as exc:
        raise InvalidInput(damaged, "Nothing was imported.") from exc
    try:
        _check_directory(archive, path)
    except BaseException:
        archive.close()
        raise
    return BoundedZip(archive, path, damaged, clock() + SECONDS, clock)


def _check_directory(archive: zipfile.ZipFile, path: Path) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise InvalidInput(f"{path} lists more than {MAX_MEMBERS:,} files.",
                           "Export it again from the app. Nothing was imported.")
    names: set[str] = set()
    spans: list[tuple[int, int, str]] = []
    for info in infos:
        if info.filename in names:
            raise InvalidInput(f"{path} lists {_shown(info.filename)} more than once.",
                               "Export it again from the app. Nothing was imported.")
        names.add(info.filename)
        if info.flag_bits & _ENCRYPTED:
            raise InvalidInput(f"{path}: {_shown(info.filename)} is encrypted.",
                               "Export it again without a password. Nothing was imported.")
        if info.is_dir():
            continue
        # The local header (30 bytes, then the name and extra field) and the compressed
        # data: a lower bound of each member's span, enough to see two members share bytes.
        start = info.header_offset
        spans.append((start, start + 30 + len(info.filename.encode()) + info.compress_size,
                      info.filename))
    spans.sort()
    for (_, end, first), (start, _, second) in zip(spans, spans[1:], strict=False):
        if start < end:
            raise InvalidInput(f"{path}: {_shown(first)} and {_shown(second)} overlap (a zip "
                               "made to inflate the same data again and again).",
                               "Export it again from the app. Nothing was imported.")


def _shown(name: str) -> str:
    """A member's name as it may be shown: short, one line."""
    flat = " ".join(name.split())
    return flat if len(flat) <= 80 else flat[:79] + "…"
