"""Attached files in the JSON export and its re-import (companion/attachment_export.py):
files beside the JSON referenced by name, byte for byte back in a new vault, nothing twice
on a second import, and a missing or changed file named in the report, the rest imported."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from companion.app import CompanionApp
from companion.errors import InvalidInput, UserError
from companion.export import export_to
from companion.imports import import_file
from companion.models import EntryDraft
from tests.support.attachment_files import gps_of, pdf, photo
from tests.support.vault_template import copy_of_empty_vault


@pytest.fixture
def exported(app: CompanionApp, tmp_path: Path) -> tuple[Path, list[bytes]]:
    outside = tmp_path / "files"
    outside.mkdir()
    blob = os.urandom(1_500_000)
    contents = [photo(), pdf(b"letter"), blob]
    for name, data in zip(("beach.jpg", "letter.pdf", "blob.bin"), contents, strict=True):
        (outside / name).write_bytes(data)
    first = app.add_entry(EntryDraft(title="With files", body="three"))
    app.attach(first.id, [app.prepare_attachment(outside / "beach.jpg", keep_location=True),
                          app.prepare_attachment(outside / "letter.pdf")])
    second = app.add_entry(EntryDraft(title="In the trash", body="one file"))
    app.attach(second.id, [app.prepare_attachment(outside / "blob.bin")])
    app.delete(second.ref)
    app.add_entry(EntryDraft(title="No files", body=""))
    target = tmp_path / "export" / "journal.json"
    target.parent.mkdir()
    export_to(app, "json", target)
    return target, contents


def test_files_beside_the_json_referenced_by_name(exported: tuple[Path, list[bytes]]) -> None:
    target, contents = exported
    document = json.loads(target.read_text())
    with_files, in_trash, without = document["entries"]
    assert "attachments" not in without
    listed = with_files["attachments"]
    assert [a["name"] for a in listed] == ["beach.jpg", "letter.pdf"]
    assert listed[0]["file"] == "journal-files/e1/1-beach.jpg"
    assert listed[0]["media_type"] == "image/jpeg" and listed[1]["size"] == len(contents[1])
    for item, data in zip(listed + in_trash["attachments"], contents, strict=True):
        path = target.parent / item["file"]
        assert path.read_bytes() == data
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_reimport_keeps_every_file_byte_for_byte(exported: tuple[Path, list[bytes]],
                                                 tmp_path: Path, clock) -> None:  # type: ignore[no-untyped-def]
    target, contents = exported
    fresh = copy_of_empty_vault(tmp_path / "other-home", clock)
    # Another vault's export (copies of the test template share its id).
    document = json.loads(target.read_text())
    document["vault_id"] = "another-vault"
    target.write_text(json.dumps(document))
    try:
        report = import_file(fresh, "json", target)
        assert report.entries_imported == 3
        assert "Attached 3 files." in report.notes
        entries = {e.title: e.id for e in fresh.journal.browse()}
        trashed = {e.title: e.id for e in fresh.journal.browse(trash=True)}
        first, second = entries["With files"], trashed["In the trash"]
        assert [fresh.attachment_bytes(first, n) for n in (1, 2)] == contents[:2]
        assert fresh.attachment_bytes(second, 1) == contents[2]
        assert gps_of(fresh.attachment_bytes(first, 1)) == gps_of(photo())  # kept as it was
        again = import_file(fresh, "json", target)
        assert again.entries_imported == 0 and not any("Attached" in n for n in again.notes)
        assert len(fresh.attachments(first)) == 2
    finally:
        fresh.close()


def test_missing_or_changed_files_are_named_and_the_rest_imported(
        exported: tuple[Path, list[bytes]], tmp_path: Path, clock) -> None:  # type: ignore[no-untyped-def]
    target, _contents = exported
    (target.parent / "journal-files" / "e1" / "2-letter.pdf").unlink()
    (target.parent / "journal-files" / "e2" / "1-blob.bin").write_bytes(b"changed")
    fresh = copy_of_empty_vault(tmp_path / "other-home", clock)
    try:
        report = import_file(fresh, "json", target)
        assert report.entries_imported == 3
        notes = "\n".join(report.notes)
        assert ("journal-files/e1/2-letter.pdf ('letter.pdf' of entry 1) is missing: left out."
                in notes)
        assert "journal-files/e2/1-blob.bin (of entry 2) is not the file that was exported" \
            in notes
        assert "Attached 1 file." in report.notes
        first = next(e.id for e in fresh.journal.browse() if e.title == "With files")
        assert [a.name for a in fresh.attachments(first)] == ["beach.jpg"]
    finally:
        fresh.close()


def test_a_reference_outside_the_export_is_left_out(exported: tuple[Path, list[bytes]],
                                                    tmp_path: Path, clock) -> None:  # type: ignore[no-untyped-def]
    target, _ = exported
    document = json.loads(target.read_text())
    document["entries"][0]["attachments"][0]["file"] = "../files/beach.jpg"
    target.write_text(json.dumps(document))
    fresh = copy_of_empty_vault(tmp_path / "other-home", clock)
    try:
        report = import_file(fresh, "json", target)
        assert any("points outside the export's folder" in n for n in report.notes)
        document["entries"][0]["attachments"] = "nope"
        target.write_text(json.dumps(document))
        with pytest.raises(InvalidInput, match=r"entries\[0\]: 'attachments' must be a list"):
            import_file(fresh, "json", target)
    finally:
        fresh.close()


def test_the_files_folder_is_not_replaced_without_force(exported: tuple[Path, list[bytes]],
                                                        app: CompanionApp) -> None:
    target, _ = exported
    target.unlink()
    with pytest.raises(UserError, match="journal-files already exists"):
        export_to(app, "json", target)
    export_to(app, "json", target, force=True)
