"""Day One photos and other media are attached to the imported entries: byte for byte but
for the location (removed, as for any attached photo), media missing from the zip named in
the report with the rest imported, and nothing attached twice on a second import."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

from companion.app import CompanionApp
from companion.imports import import_file
from tests.support.attachment_files import gps_of, pdf, photo

JPEG = photo()
PDF = pdf(b"ticket")


def md5(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def entry(uuid: str, text: str, **media: list[dict[str, Any]]) -> dict[str, Any]:
    return {"uuid": uuid, "creationDate": "2026-03-01T07:15:00Z", "timeZone": "Europe/Berlin",
            "text": text, **media}


def dayone_zip(tmp_path: Path, *, leave_out: bytes | None = None) -> Path:
    missing = "f" * 32
    entries = [
        entry("A1", "Beach day\n![](dayone-moment://P1)",
              photos=[{"identifier": "P1", "md5": md5(JPEG), "type": "jpeg"},
                      {"identifier": "P2", "md5": missing, "type": "jpeg"}],
              pdfAttachments=[{"identifier": "D1", "md5": md5(PDF), "type": "pdf"}]),
        entry("B2", "No media"),
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Journal.json", json.dumps({"metadata": {}, "entries": entries}))
        for folder, data, ext in (("photos", JPEG, "jpeg"), ("pdfs", PDF, "pdf")):
            if data != leave_out:
                archive.writestr(f"{folder}/{md5(data)}.{ext}", data)
    path = tmp_path / "dayone.zip"
    path.write_bytes(buffer.getvalue())
    return path


def test_photos_and_pdfs_are_attached_missing_ones_named(app: CompanionApp,
                                                         tmp_path: Path) -> None:
    path = dayone_zip(tmp_path)
    report = import_file(app, "dayone", path)
    assert report.entries_imported == 2
    assert "Attached 2 files." in report.notes
    notes = "\n".join(report.notes)
    assert f"1 media file listed in the export is not in the zip, so not imported: photo " \
           f"{'f' * 32} (entry A1)" in notes
    beach = next(e for e in app.journal.browse() if e.title == "Beach day")
    attached = app.attachments(beach.id)
    assert [(a.name, a.media_type) for a in attached] == [
        (f"{md5(JPEG)}.jpeg", "image/jpeg"), (f"{md5(PDF)}.pdf", "application/pdf")]
    stored = app.attachment_bytes(beach.id, 1)
    assert gps_of(JPEG) and gps_of(stored) == {}  # the location went, as for any photo
    assert len(stored) == len(JPEG)
    assert app.attachment_bytes(beach.id, 2) == PDF
    again = import_file(app, "dayone", path)
    assert again.entries_imported == 0
    assert len(app.attachments(beach.id)) == 2


def test_a_zip_without_the_photo_imports_the_rest(app: CompanionApp, tmp_path: Path) -> None:
    report = import_file(app, "dayone", dayone_zip(tmp_path, leave_out=JPEG))
    assert report.entries_imported == 2
    assert "Attached 1 file." in report.notes
    assert any("2 media files listed in the export are not in the zip" in n
               for n in report.notes)
