"""Screenshots of Settings → Your data (the section, scrolled into view), the import dialog
(a Daylio CSV with a custom mood to confirm; a jrnl journal after importing) and the export
dialog (called from tools.screenshots).

The sample files are written into the screenshot run's own temporary folder; the paths shown
are replaced by a home-relative one, as a user would see them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QScrollArea, QWidget

from ui.dialogs.export_dialog import ExportDialog
from ui.dialogs.import_dialog import ImportDialog
from ui.main_window import MainWindow
from ui.pages.settings import SettingsPage

DAYLIO_ROWS = [
    ["2026-11-18", "November 18", "Wednesday", "9:05 PM", "rad", "friends | cooking",
     "Dinner with Sam", "Finally tried the <b>lentil</b> recipe.<br>Long talk afterwards."],
    ["2026-11-17", "November 17", "Tuesday", "7:40 AM", "so-so", "work | commute", "", ""],
    ["2026-11-16", "November 16", "Monday", "10:15 PM", "meh", "sleep early", "",
     "Tired, but the walk helped."],
]
JRNL = "".join(f"[2026-10-{day:02d} 21:{day:02d}] {title}\n{body}\n\n" for day, title, body in (
    (3, "Evening by the canal. Quiet and cold", "Wrote a letter I will not send. @walk"),
    (4, "Market day", "Bought too many apples. @food @friends"),
    (5, "A slow Sunday", "Read most of the afternoon. @reading *"),
))


def render_data_screens(window: MainWindow, pump: Callable[[int], None], out: Path,
                        theme: str, folder: Path) -> None:
    def grab(widget: QWidget, name: str) -> None:
        pump(300)
        widget.grab().save(str(out / f"{name}-{theme}.png"))

    def wait_idle(dialog: ImportDialog | ExportDialog) -> None:
        for _ in range(200):
            pump(50)
            if not dialog.running and "Reading" not in dialog.status.text():
                return

    folder.mkdir(parents=True, exist_ok=True)
    assert window.workspace is not None
    page = window.workspace.show_page(SettingsPage)
    assert isinstance(page, SettingsPage)
    scroll = page.findChild(QScrollArea)
    assert scroll is not None
    scroll.verticalScrollBar().setValue(scroll.verticalScrollBar().maximum())
    grab(window, "settings-your-data")

    daylio = folder / "daylio_export_2026_11_19.csv"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["full_date", "date", "weekday", "time", "mood", "activities",
                     "note_title", "note"])
    writer.writerows(DAYLIO_ROWS)
    daylio.write_text(buffer.getvalue(), "utf-8")
    dialog = page.open_import()
    dialog.resize(620, 500)
    dialog.set_file(daylio, "daylio")
    wait_idle(dialog)
    choice = dialog.mood_choices["so-so"]
    choice.setCurrentIndex(choice.findData(3))
    wait_idle(dialog)
    grab(dialog, "import-daylio")
    dialog.reject()

    journal = folder / "journal.txt"
    journal.write_text(JRNL, "utf-8")
    dialog = page.open_import()
    dialog.resize(620, 330)
    dialog.set_file(journal, "jrnl")
    wait_idle(dialog)
    dialog.start_import()
    wait_idle(dialog)
    grab(dialog, "import-jrnl")
    dialog.reject()

    export = page.open_export()
    export.resize(620, 260)
    target = folder / "companion-2026-11-20.json"
    export.set_target(target, "json")
    export.start_export()
    wait_idle(export)
    shown = "~/Documents/companion-2026-11-20.json"
    export.target_label.setText(shown)
    export.set_status(export.status.text().replace(str(target), shown))
    grab(export, "export")
    export.reject()
    target.unlink(missing_ok=True)
