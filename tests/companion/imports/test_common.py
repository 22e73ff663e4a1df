"""What every import shares: progress, cancel without damage, and a lossless trip through
Companion's own export into a new vault."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from companion.app import CompanionApp
from companion.clock import FakeClock
from companion.export import ExportCancelled, export_document, export_json
from companion.imports import (
    CancelToken,
    ImportCancelled,
    ImportOptions,
    import_file,
    read_plan,
)
from companion.imports.common import numbered
from companion.models import EntryDraft
from tests.companion.imports.conftest import JrnlFiles
from tests.companion.imports.test_daylio import BACKUP, daylio_backup
from tests.companion.imports.test_dayone import ENTRIES, dayone_zip
from tests.companion.test_export import content, fresh_vault

ZONE = ZoneInfo("Europe/Lisbon")


def big_jrnl(path: Path, count: int) -> Path:
    start = datetime(2020, 1, 1, 9, 0)
    path.write_text("\n".join(
        f"[{start + timedelta(hours=i):%Y-%m-%d %H:%M}] Entry {i}\nBody @tag{i % 7}\n"
        for i in range(count)), "utf-8")
    return path


def test_progress_counts_up_to_the_total(app: CompanionApp, tmp_path: Path):
    seen: list[tuple[int, int]] = []
    path = big_jrnl(tmp_path / "journal.txt", 1_234)
    import_file(app, "jrnl", path, ImportOptions(zone=ZONE),
                progress=lambda done, total: seen.append((done, total)))
    assert seen == [(500, 1234), (1000, 1234), (1234, 1234)]


def test_cancel_rolls_everything_back(app: CompanionApp, tmp_path: Path):
    app.add_entry(EntryDraft(title="Mine, from before"))
    before = content(export_document(app))
    token = CancelToken()

    def progress(done: int, total: int) -> None:
        if done >= 1000:
            token.cancel()  # the user pressed Cancel while rows were being written

    path = big_jrnl(tmp_path / "journal.txt", 2_000)
    with pytest.raises(ImportCancelled):
        import_file(app, "jrnl", path, ImportOptions(zone=ZONE), progress=progress,
                    cancel=token)
    assert content(export_document(app)) == before
    # Nothing half-remembered either: the same import then brings everything.
    assert import_file(app, "jrnl", path, ImportOptions(zone=ZONE)).entries_imported == 2_000


def test_cancel_before_writing(app: CompanionApp, tmp_path: Path):
    token = CancelToken()
    token.cancel()
    with pytest.raises(ImportCancelled):
        import_file(app, "jrnl", big_jrnl(tmp_path / "j.txt", 3), ImportOptions(zone=ZONE),
                    cancel=token)
    assert export_document(app)["entries"] == []


def test_identical_items_in_one_file_stay_distinct():
    assert numbered(["a", "b", "a", "a"]) == ["a", "b", "a#2", "a#3"]


def test_everything_imported_survives_export_and_reimport(app: CompanionApp, clock: FakeClock,
                                                          tmp_path: Path,
                                                          jrnl_files: JrnlFiles):
    """jrnl, Daylio and Day One into one vault → JSON export → a new vault: identical."""
    (tmp_path / "backup.daylio").write_bytes(daylio_backup(BACKUP))
    (tmp_path / "dayone.zip").write_bytes(dayone_zip(ENTRIES))
    import_file(app, "jrnl", jrnl_files.plain, ImportOptions(zone=ZONE))
    import_file(app, "daylio", tmp_path / "backup.daylio")
    import_file(app, "dayone", tmp_path / "dayone.zip")
    exported = tmp_path / "everything.json"
    export_json(app, exported)
    document = export_document(app)
    assert len(document["entries"]) == 4 + 1 + 4 and len(document["checkins"]) == 3
    with fresh_vault(clock) as other:
        report = import_file(other, "json", exported)
        assert report.imported == 12
        assert content(export_document(other)) == content(document)
        assert import_file(other, "json", exported).imported == 0


def test_a_plan_can_be_written_after_a_preview(app: CompanionApp, tmp_path: Path):
    """The app reads the plan (preview), then writes that same plan."""
    plan = read_plan("jrnl", big_jrnl(tmp_path / "j.txt", 5), ImportOptions(zone=ZONE))
    assert app.write_import(plan, dry_run=True).entries_imported == 5
    assert app.write_import(plan).entries_imported == 5
    assert app.write_import(plan).skipped == 5


def test_export_progress_and_cancel(app: CompanionApp, tmp_path: Path):
    app.journal.add_many(EntryDraft(title=f"Entry {i}") for i in range(1_100))
    seen: list[tuple[int, int]] = []
    target = tmp_path / "out.json"
    assert export_json(app, target, progress=lambda d, t: seen.append((d, t))) == 1_100
    assert seen == [(500, 1100), (1000, 1100), (1100, 1100)]
    token = CancelToken()
    token.cancel()
    cancelled = tmp_path / "never.json"
    with pytest.raises(ExportCancelled):
        export_json(app, cancelled, cancel=token)
    assert not cancelled.exists() and sorted(tmp_path.glob("*.json*")) == [target]


def test_read_limited_refuses_devices_pipes_and_oversized_files(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A pipe or /dev/zero given as the file would never end: refused, as is a file past the
    limit (read no further than the limit)."""
    import os

    from companion.errors import InvalidInput
    from companion.imports import common

    fifo, zero = tmp_path / "pipe", tmp_path / "zero"
    os.mkfifo(fifo)
    zero.symlink_to("/dev/zero")
    for path in (fifo, zero):
        with pytest.raises(InvalidInput, match="is not a file"):
            common.read_limited(path, "a journal")
    monkeypatch.setattr(common, "MAX_FILE_BYTES", 1000)
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 1001)
    with pytest.raises(InvalidInput, match="larger than 0 MiB"):
        common.read_limited(big, "a journal")
    big.write_bytes(b"x" * 1000)
    assert common.read_limited(big, "a journal") == b"x" * 1000
