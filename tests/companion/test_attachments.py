"""Attachments in the vault (companion/attachments.py): byte-for-byte round trips, types
from the bytes, the location removed by default, decompression bombs refused from the header,
unreadable files, the limits, and what deleting an entry does to its files."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image

from companion.app import CompanionApp
from companion.attachments import (
    AttachmentLimits,
    AttachmentTooLarge,
    FileUnreadable,
    clean_name,
)
from companion.errors import InvalidInput, NotFound
from companion.models import EntryDraft
from tests.support.attachment_files import gps_of as gps_in
from tests.support.attachment_files import huge_jpeg, huge_png, pdf, photo, wav


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


@pytest.fixture
def files(tmp_path: Path) -> Path:
    folder = tmp_path / "files"
    folder.mkdir()
    return folder


@pytest.fixture
def entry_id(app: CompanionApp) -> int:
    return app.add_entry(EntryDraft(title="A day out", body="with photos")).id


def attach(app: CompanionApp, entry_id: int, *paths: Path, keep_location: bool = False):  # type: ignore[no-untyped-def]
    prepared = [app.prepare_attachment(p, keep_location=keep_location) for p in paths]
    return app.attach(entry_id, prepared), prepared


def test_round_trip_byte_for_byte_in_order(app: CompanionApp, entry_id: int,
                                           files: Path) -> None:
    blob = os.urandom(3 * (1 << 20) + 17)  # more than one part of the table
    paths = [write(files, "notes.pdf", pdf()), write(files, "voice.wav", wav()),
             write(files, "data.bin", blob), write(files, "empty.txt", b"")]
    added, _ = attach(app, entry_id, *paths)
    assert [a.position for a in added] == [1, 2, 3, 4]
    listed = app.attachments(entry_id)
    assert [(a.name, a.media_type, a.size) for a in listed] == [
        ("notes.pdf", "application/pdf", len(pdf())), ("voice.wav", "audio/wav", len(wav())),
        ("data.bin", "application/octet-stream", len(blob)),
        ("empty.txt", "application/octet-stream", 0)]
    for position, path in enumerate(paths, start=1):
        assert app.attachment_bytes(entry_id, position) == path.read_bytes()
    # Attached later, a file goes after those already there.
    more, _ = attach(app, entry_id, write(files, "later.pdf", pdf(b"later")))
    assert more[0].position == 5


def test_types_come_from_the_bytes_not_the_name(app: CompanionApp, entry_id: int,
                                                files: Path) -> None:
    png_named_jpg = write(files, "holiday.jpg", photo("PNG", gps=False))
    text_named_pdf = write(files, "report.pdf", b"just some text, not a PDF")
    (png, text), (png_prep, text_prep) = attach(app, entry_id, png_named_jpg, text_named_pdf)
    assert png.media_type == "image/png" and (png.width, png.height) == (64, 48)
    assert any("is a PNG image, not what its name says" in n for n in png_prep.notes)
    assert text.media_type == "application/octet-stream"
    assert any("kept as a file" in n for n in text_prep.notes)
    # The bytes are kept exactly, whatever the name said.
    assert app.attachment_bytes(entry_id, 1) == png_named_jpg.read_bytes()
    # A file that starts like an image but is not one is kept as a file, not decoded.
    broken = write(files, "broken.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 10)
    prepared = app.prepare_attachment(broken)
    assert prepared.media_type == "application/octet-stream"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_location_removed_by_default_and_kept_when_asked(app: CompanionApp, entry_id: int,
                                                         files: Path, fmt: str) -> None:
    original = photo(fmt)
    assert gps_in(original)  # the control: the test photo has a location
    path = write(files, f"photo.{fmt.lower()}", original)
    _, (prepared,) = attach(app, entry_id, path)
    stored = app.attachment_bytes(entry_id, 1)
    assert gps_in(stored) == {}
    assert any("location" in n and "removed" in n for n in prepared.notes)
    assert len(stored) == len(original)  # blanked in place: the pixels are not re-encoded
    with Image.open(io.BytesIO(stored)) as image:
        assert image.getexif()[0x010F] == "CanaryCam"  # the rest of the EXIF is kept
        assert image.getpixel((1, 1))[0] > 150
    attach(app, entry_id, path, keep_location=True)
    assert gps_in(app.attachment_bytes(entry_id, 2)) == gps_in(original)


def test_location_in_xmp_is_removed_too() -> None:
    from companion.media import strip_location

    xmp = (b'<x:xmpmeta><rdf:Description exif:GPSLatitude="52,22.55N" '
           b'exif:GPSLongitude="4,53.2E"><exif:GPSAltitude>12/1</exif:GPSAltitude>'
           b'</rdf:Description></x:xmpmeta>')
    data = b"\xff\xd8\xff\xe1" + len(xmp).to_bytes(2, "big") + xmp + b"\xff\xd9"
    stripped, found = strip_location(data, "image/jpeg")
    assert found and len(stripped) == len(data)
    assert b"52,22" not in stripped and b"4,53" not in stripped and b"12/1" not in stripped


@pytest.mark.parametrize("make", [huge_png, huge_jpeg])
def test_a_huge_image_is_refused_before_decoding(app: CompanionApp, entry_id: int,
                                                 files: Path, make, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PIL import ImageFile

    def never(*_args: object) -> None:
        raise AssertionError("the pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", never)
    path = write(files, "bomb.img", make())
    with pytest.raises(AttachmentTooLarge) as refused:
        app.prepare_attachment(path)
    message = str(refused.value)
    assert "'bomb.img'" in message and "20,000 × 20,000" in message
    assert "100 megapixels" in message
    assert app.attachments(entry_id) == []


def test_an_unreadable_or_vanished_file_writes_nothing(app: CompanionApp, entry_id: int,
                                                       files: Path) -> None:
    with pytest.raises(FileUnreadable, match="'gone.jpg' is not there"):
        app.prepare_attachment(files / "gone.jpg")
    with pytest.raises(FileUnreadable, match="is a folder|is not a file"):
        app.prepare_attachment(files)
    locked = write(files, "secret.pdf", pdf())
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("running as root: permissions do not stop reading")
        with pytest.raises(FileUnreadable, match="'secret.pdf' cannot be read"):
            app.prepare_attachment(locked)
    finally:
        locked.chmod(0o600)
    assert app.attachments(entry_id) == []


def test_limits_per_file_per_entry_and_count(app: CompanionApp, entry_id: int,
                                             files: Path) -> None:
    app.attachment_limits = AttachmentLimits(max_file_bytes=1000, max_entry_bytes=2500,
                                             max_files_per_entry=3)
    with pytest.raises(AttachmentTooLarge, match=r"'big.bin' is 2 KB; a file can be at most "
                                                 r"1 KB"):
        app.prepare_attachment(write(files, "big.bin", b"x" * 2000))
    small = [app.prepare_attachment(write(files, f"s{i}.bin", b"y" * 900)) for i in range(3)]
    app.attach(entry_id, small[:2])
    with pytest.raises(AttachmentTooLarge, match="at most 2.5 KB in all"):
        app.attach(entry_id, small[2:])
    assert len(app.attachments(entry_id)) == 2  # the refused one left nothing behind
    tiny = [app.prepare_attachment(write(files, f"t{i}.bin", b"z")) for i in range(2)]
    with pytest.raises(AttachmentTooLarge, match="at most 3 files"):
        app.attach(entry_id, tiny)
    assert len(app.attachments(entry_id)) == 2


def test_defaults() -> None:
    limits = AttachmentLimits()
    assert limits.max_file_bytes == 25_000_000 and limits.max_entry_bytes == 100_000_000


def test_entries_in_the_trash_or_missing_take_no_files(app: CompanionApp, entry_id: int,
                                                       files: Path) -> None:
    prepared = [app.prepare_attachment(write(files, "a.pdf", pdf()))]
    with pytest.raises(NotFound):
        app.attach(9999, prepared)
    app.attach(entry_id, prepared)
    app.delete(app.journal.get(entry_id).ref)
    with pytest.raises(InvalidInput, match="in the trash"):
        app.attach(entry_id, prepared)
    # Still there in the trash (restorable with the entry) …
    assert len(app.attachments(entry_id)) == 1
    # … and gone, bytes and all, when the entry is deleted for good.
    with app.vault.database.transaction() as cur:
        cur.execute("DELETE FROM entries WHERE id = ?", (entry_id,))
    assert app.vault.database.query("SELECT count(*) FROM attachments") == [(0,)]
    assert app.vault.database.query("SELECT count(*) FROM attachment_parts") == [(0,)]


def test_remove_moves_the_later_ones_up(app: CompanionApp, entry_id: int, files: Path) -> None:
    attach(app, entry_id, *(write(files, f"{n}.pdf", pdf(n.encode())) for n in "abc"))
    app.remove_attachment(entry_id, 2)
    assert [(a.position, a.name) for a in app.attachments(entry_id)] == [(1, "a.pdf"),
                                                                         (2, "c.pdf")]
    assert app.attachment_bytes(entry_id, 2) == pdf(b"c")
    with pytest.raises(NotFound, match="has no attachment 3"):
        app.attachment_bytes(entry_id, 3)


def test_thumbnails_are_png_bytes_made_in_memory(app: CompanionApp, entry_id: int,
                                                 files: Path) -> None:
    attach(app, entry_id, write(files, "big.jpg", photo(size=(1200, 800))),
           write(files, "doc.pdf", pdf()))
    thumb = app.attachment_thumbnail(entry_id, 1, max_side=100)
    assert thumb is not None and thumb.startswith(b"\x89PNG")
    with Image.open(io.BytesIO(thumb)) as image:
        assert max(image.size) == 100
    assert app.attachment_thumbnail(entry_id, 2) is None


def test_names_keep_only_the_file_name() -> None:
    assert clean_name("../../etc/passwd") == "passwd"
    assert clean_name("C:\\photos\\cat.jpg") == "cat.jpg"
    assert clean_name("bad\x00name\n.pdf") == "badname.pdf"
    assert clean_name("..") == "attachment"
    long = clean_name("x" * 500 + ".jpeg")
    assert len(long) <= 200 and long.endswith(".jpeg")


def test_backup_and_restore_keep_every_attachment(app: CompanionApp, entry_id: int,
                                                  files: Path, tmp_path: Path) -> None:
    blob = os.urandom(2 * (1 << 20) + 5)
    attach(app, entry_id, write(files, "photo.jpg", photo()), write(files, "blob.bin", blob))
    before = [app.attachment_bytes(entry_id, n) for n in (1, 2)]
    backup = tmp_path / "vault.cbak"
    app.backup(backup)
    assert blob not in backup.read_bytes()  # the backup is encrypted too
    app.close()
    elsewhere = tmp_path / "restored-home"
    from tests.conftest import PASSPHRASE

    CompanionApp.restore_backup(elsewhere, backup, PASSPHRASE)
    restored = CompanionApp(elsewhere)
    restored.unlock(PASSPHRASE)
    try:
        assert [a.name for a in restored.attachments(entry_id)] == ["photo.jpg", "blob.bin"]
        assert [restored.attachment_bytes(entry_id, n) for n in (1, 2)] == before
    finally:
        restored.close()


def test_the_thumbnail_is_kept_with_the_image(app: CompanionApp, entry_id: int, files: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # Made once when attached, kept encrypted beside the image: showing an entry's photos
    # decodes none of them.
    from companion.attachments import Attachments

    attach(app, entry_id, write(files, "big.jpg", photo(size=(1200, 800))))
    with monkeypatch.context() as patched:
        patched.setattr(Attachments, "read", lambda *_: pytest.fail("the photo was decoded"))
        thumb = app.attachment_thumbnail(entry_id, 1)
        smaller = app.attachment_thumbnail(entry_id, 1, max_side=64)
    assert thumb is not None and smaller is not None
    with Image.open(io.BytesIO(thumb)) as image:
        assert image.size == (256, 171)
    with Image.open(io.BytesIO(smaller)) as image:
        assert max(image.size) == 64


def test_an_image_damaged_after_its_header_is_kept_without_a_thumbnail(
        app: CompanionApp, entry_id: int, files: Path) -> None:
    whole = photo(size=(300, 200), gps=False)
    cut = whole[: len(whole) // 2]  # the header is there, half the picture is not
    prepared = app.prepare_attachment(write(files, "cut.jpg", cut))
    assert prepared.media_type == "image/jpeg" and prepared.thumbnail is None
    app.attach(entry_id, [prepared])
    assert app.attachment_bytes(entry_id, 1) == cut
    assert app.attachment_thumbnail(entry_id, 1) is None


def test_location_removed_from_a_heic_photo_too(app: CompanionApp, entry_id: int,
                                                files: Path) -> None:
    # A HEIC (an iPhone's photos) keeps its EXIF as an item in the file: "Exif\0\0" and a
    # TIFF structure, found and blanked like a JPEG's. Pillow cannot decode HEIC: it is
    # kept as a HEIC file (no thumbnail) with its location gone.
    exif = Image.Exif()
    exif[0x010F] = "CanaryPhone"
    exif[0x8825] = {1: "N", 2: (52.0, 22.0, 33.5), 3: "E", 4: (4.0, 53.0, 12.25)}
    ftyp = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"
    payload = b"\x00\x00\x00\x06" + exif.tobytes()
    heic = ftyp + (8 + len(payload)).to_bytes(4, "big") + b"mdat" + payload
    _, (prepared,) = attach(app, entry_id, write(files, "IMG_0001.HEIC", heic))
    assert prepared.media_type == "image/heic" and prepared.thumbnail is None
    stored = app.attachment_bytes(entry_id, 1)
    assert len(stored) == len(heic)
    found = Image.Exif()
    found.load(stored[stored.index(b"Exif\x00\x00"):])
    assert found[0x010F] == "CanaryPhone" and found.get_ifd(0x8825) == {}
    original = Image.Exif()
    original.load(heic[heic.index(b"Exif\x00\x00"):])
    assert original.get_ifd(0x8825)  # the control


def test_thumbnails_never_carry_the_location(app: CompanionApp, entry_id: int,
                                             files: Path) -> None:
    attach(app, entry_id, write(files, "kept.jpg", photo()), keep_location=True)
    thumb = app.attachment_thumbnail(entry_id, 1)
    assert thumb is not None
    with Image.open(io.BytesIO(thumb)) as image:
        assert image.getexif().get_ifd(0x8825) == {} and not image.info.get("exif")


def test_pasted_bytes_are_checked_the_same_way(app: CompanionApp, entry_id: int) -> None:
    prepared = app.prepare_attachment_bytes("clipboard.png", photo("PNG"))
    assert prepared.media_type == "image/png" and prepared.thumbnail is not None
    assert any("location" in n for n in prepared.notes)
    app.attach(entry_id, [prepared])
    assert gps_in(app.attachment_bytes(entry_id, 1)) == {}
    with pytest.raises(AttachmentTooLarge, match="20,000 × 20,000"):
        app.prepare_attachment_bytes("pasted.png", huge_png())
