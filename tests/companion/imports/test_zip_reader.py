"""Hostile zips, as the apps' exports could be forged: each refused with a clear line, fast,
and without inflating more than the limits allow."""

from __future__ import annotations

import io
import struct
import time
import zipfile
from pathlib import Path

import pytest

from companion.errors import InvalidInput
from companion.imports import zip_reader
from companion.imports.zip_reader import open_bounded_zip

PATH = Path("/exports/Journal.zip")
DAMAGED = "damaged zip"


def one_member(name: str = "Journal.json", data: bytes = b"{}") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


def listed_again_and_again(times: int, *, same_name: bool) -> bytes:
    """One deflated member, and a central directory naming it `times` times (all pointing at
    the same bytes): each read would inflate it once more."""
    data = one_member(data=b"x" * 100_000)
    end = data.rindex(b"PK\x05\x06")
    directory_at = struct.unpack("<I", data[end + 16:end + 20])[0]
    entry = data[directory_at:end]
    entries = []
    for number in range(times):
        if same_name:
            entries.append(entry)
        else:  # same length of name, so the fixed-size fields still line up
            name = f"J{number:06d}.json".encode()[: len(b"Journal.json")]
            entries.append(entry[:46] + name.ljust(len(b"Journal.json"), b"_") + entry[58:])
    directory = b"".join(entries)
    eocd = bytearray(data[end:end + 22])
    eocd[8:10] = eocd[10:12] = struct.pack("<H", times)
    eocd[12:16] = struct.pack("<I", len(directory))
    eocd[16:20] = struct.pack("<I", directory_at)
    return data[:directory_at] + directory + bytes(eocd)


def test_an_ordinary_export_reads(tmp_path: Path) -> None:
    with open_bounded_zip(one_member(data=b'{"entries": []}'), PATH, damaged=DAMAGED) as zip_:
        [info] = zip_.members()
        assert zip_.read(info) == b'{"entries": []}'


def test_one_member_listed_400_times_is_refused_at_once() -> None:
    started = time.monotonic()
    with pytest.raises(InvalidInput, match="more than once"):
        open_bounded_zip(listed_again_and_again(400, same_name=True), PATH, damaged=DAMAGED)
    with pytest.raises(InvalidInput, match="overlap"):
        open_bounded_zip(listed_again_and_again(400, same_name=False), PATH, damaged=DAMAGED)
    assert time.monotonic() - started < 2


def test_an_encrypted_member_is_said_so() -> None:
    data = bytearray(one_member())
    directory_at = data.rindex(b"PK\x01\x02")
    data[directory_at + 8] |= 0x1  # the "encrypted" flag, as a password-protected export
    with pytest.raises(InvalidInput, match="is encrypted") as caught:
        open_bounded_zip(bytes(data), PATH, damaged=DAMAGED)
    assert "without a password" in str(caught.value)


def test_a_member_past_the_limit_is_not_inflated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zip_reader, "MAX_MEMBER_BYTES", 1024 * 1024)
    bomb = one_member(data=bytes(8 * 1024 * 1024))  # 8 MiB of zeros, a few KiB zipped
    with open_bounded_zip(bomb, PATH, damaged=DAMAGED) as archive:
        [info] = archive.members()
        with pytest.raises(InvalidInput, match="larger than 1 MiB"):
            archive.read(info)
        info.file_size = 10  # a directory that lies about the size: zipfile stops there,
        with pytest.raises(InvalidInput, match=DAMAGED):  # and the data fails its check
            archive.read(info)


def test_a_whole_archive_has_a_limit_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zip_reader, "MAX_TOTAL_BYTES", 3 * 1024 * 1024)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in range(4):
            archive.writestr(f"part{number}.json", bytes(1024 * 1024))
    with (open_bounded_zip(buffer.getvalue(), PATH, damaged=DAMAGED) as archive,
          pytest.raises(InvalidInput, match="in all")):
        for info in archive.members():
            archive.read(info)


def test_reading_has_a_deadline() -> None:
    ticks = iter(range(0, 10_000, 30))
    with open_bounded_zip(one_member(data=bytes(3 * 1024 * 1024)), PATH, damaged=DAMAGED,
                          clock=lambda: float(next(ticks))) as archive:
        [info] = archive.members()
        with pytest.raises(InvalidInput, match="longer than 60 seconds"):
            archive.read(info)


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04 not really", one_member()[:-30]])
def test_a_damaged_zip_is_the_importers_own_sentence(data: bytes) -> None:
    with (pytest.raises(InvalidInput, match=DAMAGED),
          open_bounded_zip(data, PATH, damaged=DAMAGED) as archive):
        for info in archive.members():
            archive.read(info)


def test_a_corrupt_deflate_stream_is_damage_not_a_bug() -> None:
    data = bytearray(one_member(data=b"hello " * 1000))
    data[40:60] = b"\xff" * 20  # inside the compressed bytes
    with (pytest.raises(InvalidInput, match=DAMAGED),
          open_bounded_zip(bytes(data), PATH, damaged=DAMAGED) as archive):
        for info in archive.members():
            archive.read(info)
