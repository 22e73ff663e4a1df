"""Settings → Your data: the import dialog (preview, jrnl password, Daylio mood mapping,
progress, cancel without damage) and the export dialog, on the real task runner.

File choosers are native dialogs that tests cannot drive; the tests hand the dialog its file
with `set_file` / `set_target`, which is what the Choose… buttons call."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from companion.app import CompanionApp
from companion.export import export_document
from companion.models import EntryDraft
from tests.companion.imports.test_daylio import HEADER_8, ROWS_8, daylio_csv
from tests.companion.imports.test_jrnl import jrnl_v2
from tests.companion.test_export import content
from tests.gui.test_settings import settings
from ui.dialogs.export_dialog import ExportDialog
from ui.dialogs.import_dialog import ImportDialog
from ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
LEFT = Qt.MouseButton.LeftButton

JOURNAL = ("[2026-03-01 08:15] Walk by the river. Cold but bright @walk *\n\n"
           "[2026-03-02 21:30] Ünïcödé 🌧️ day\nSecond line @work\n")


def jrnl_file(folder: Path, count: int = 0) -> Path:
    path = folder / "journal.txt"
    if count:
        start = datetime(2020, 1, 1, 9, 0)
        path.write_text("\n".join(f"[{start + timedelta(hours=i):%Y-%m-%d %H:%M}] Entry {i}\n"
                                  for i in range(count)), "utf-8")
    else:
        path.write_text(JOURNAL, "utf-8")
    return path


def open_import(qtbot, window: MainWindow) -> ImportDialog:  # type: ignore[no-untyped-def]
    page = settings(window)
    qtbot.mouseClick(page.import_button, LEFT)
    dialog = page.findChild(ImportDialog)
    assert isinstance(dialog, ImportDialog) and dialog.isVisible()
    return dialog


def test_import_jrnl_with_preview(qtbot, window: MainWindow, app: CompanionApp,
                                  tmp_path: Path, wait_for_tasks):
    dialog = open_import(qtbot, window)
    assert not dialog.import_button.isEnabled()
    dialog.set_file(jrnl_file(tmp_path), "jrnl")
    wait_for_tasks()
    assert "holds 2 entries and 0 check-ins" in dialog.preview.text()
    assert "Walk by the river." in dialog.preview.text()
    assert app.journal.browse() == []  # a preview writes nothing
    qtbot.mouseClick(dialog.import_button, LEFT)
    wait_for_tasks()
    assert "Imported 2 entries" in dialog.status.text()
    assert dialog.close_button.text() == "Close"
    assert [e.title for e in app.journal.browse(newest_first=False)] == \
        ["Walk by the river. Cold but bright @walk", "Ünïcödé 🌧️ day"]
    dialog.reject()
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_encrypted_jrnl_asks_for_its_password(qtbot, window: MainWindow, app: CompanionApp,
                                              tmp_path: Path, wait_for_tasks):
    path = tmp_path / "secret.txt"
    path.write_bytes(jrnl_v2(JOURNAL, "open sesame"))
    dialog = open_import(qtbot, window)
    dialog.set_file(path, "jrnl")
    wait_for_tasks()
    assert dialog.password.isVisibleTo(dialog) and "encrypted" in dialog.status.text()
    assert not dialog.import_button.isEnabled()
    dialog.password.edit.setText("wrong")
    qtbot.mouseClick(dialog.open_button, LEFT)
    wait_for_tasks()
    assert "does not open" in dialog.error.text()
    dialog.password.edit.setText("open sesame")
    qtbot.mouseClick(dialog.open_button, LEFT)
    wait_for_tasks()
    assert "holds 2 entries" in dialog.preview.text() and dialog.import_button.isEnabled()
    dialog.dismiss()
    assert dialog.password.text() == ""


def test_daylio_moods_are_confirmed_before_importing(qtbot, window: MainWindow,
                                                     app: CompanionApp, tmp_path: Path,
                                                     wait_for_tasks):
    path = tmp_path / "daylio.csv"
    path.write_bytes(daylio_csv(ROWS_8, HEADER_8))
    dialog = open_import(qtbot, window)
    dialog.set_file(path, "daylio")
    wait_for_tasks()
    assert list(dialog.mood_choices) == ["rad", "ecstatic", "meh"]
    assert dialog.mood_choices["rad"].currentData() == 5
    assert dialog.mood_choices["ecstatic"].currentData() == 0  # custom: the user says
    assert not dialog.import_button.isEnabled()
    combo = dialog.mood_choices["ecstatic"]
    combo.setCurrentIndex(combo.findData(4))
    wait_for_tasks()
    assert "3 check-ins" in dialog.preview.text() and dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.import_button, LEFT)
    wait_for_tasks()
    assert sorted(c.mood for c in app.checkins.browse()) == [3, 4, 5]
    dialog.reject()


def test_cancel_leaves_the_journal_as_it_was(qtbot, window: MainWindow, app: CompanionApp,
                                             tmp_path: Path, wait_for_tasks):
    app.add_entry(EntryDraft(title="Mine"))
    before = content(export_document(app))
    dialog = open_import(qtbot, window)
    dialog.set_file(jrnl_file(tmp_path, count=6_000), "jrnl")
    wait_for_tasks(timeout=60_000)
    qtbot.mouseClick(dialog.import_button, LEFT)
    assert dialog.running and dialog.progress.isVisible()
    dialog.reject()  # Esc / Cancel while it runs: cancels, does not close
    assert dialog.isVisible() and "Cancelling" in dialog.status.text()
    wait_for_tasks(timeout=60_000)
    assert "Nothing was imported" in dialog.status.text()
    assert content(export_document(app)) == before
    assert not dialog.running and dialog.import_button.isEnabled()


def test_a_bad_file_says_why(qtbot, window: MainWindow, app: CompanionApp, tmp_path: Path,
                             wait_for_tasks):
    path = tmp_path / "not-a-zip.zip"
    path.write_text("hello", "utf-8")
    dialog = open_import(qtbot, window)
    dialog.set_file(path, "dayone")
    wait_for_tasks()
    assert "not a Day One export" in dialog.error.text()
    assert not dialog.import_button.isEnabled()


def test_export_json_from_settings(qtbot, window: MainWindow, app: CompanionApp,
                                   tmp_path: Path, wait_for_tasks):
    app.add_entry(EntryDraft(title="Keep me", body="and take me with you"))
    page = settings(window)
    qtbot.mouseClick(page.export_button, LEFT)
    dialog = page.findChild(ExportDialog)
    assert isinstance(dialog, ExportDialog)
    assert "not encrypted" in " ".join(label.text() for label in dialog.findChildren(QLabel))
    target = tmp_path / "out.json"
    dialog.set_target(target, "json")
    qtbot.mouseClick(dialog.export_button, LEFT)
    wait_for_tasks()
    assert "Exported 1 items" in dialog.status.text() and target.exists()
    inside = app.home / "export.json"
    dialog.set_target(inside, "json")
    qtbot.mouseClick(dialog.export_button, LEFT)
    wait_for_tasks()
    assert "vault's own folder" in dialog.error.text() and not inside.exists()
    folder = tmp_path / "tables"
    folder.mkdir()
    dialog.set_target(folder, "csv")
    qtbot.mouseClick(dialog.export_button, LEFT)
    wait_for_tasks()
    assert sorted(p.name for p in folder.iterdir()) == ["checkins.csv", "entries.csv"]
    dialog.reject()


def test_only_the_latest_preview_counts(qtbot, window: MainWindow, tmp_path: Path,
                                        wait_for_tasks):
    """Choosing another file while the first is still being read shows the second."""
    csv_path = tmp_path / "daylio.csv"
    csv_path.write_bytes(daylio_csv(ROWS_8[:1], HEADER_8))
    dialog = open_import(qtbot, window)
    dialog.set_file(jrnl_file(tmp_path, count=3_000), "jrnl")
    dialog.set_file(csv_path, "daylio")
    wait_for_tasks(timeout=60_000)
    assert "daylio.csv</b> holds 1 entries and 1 check-ins" in dialog.preview.text()
    assert dialog.plan is not None and dialog.plan.source == "daylio"
