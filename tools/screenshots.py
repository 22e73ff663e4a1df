"""Render every screen with demo data to PNG: `python -m tools.screenshots [--out DIR]`.

Uses the offscreen platform and a fixed clock, so the pictures change only when the app does.
The README shows some of them; docs/screenshots/ keeps the current set.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
MOMENT = datetime(2026, 11, 20, 21, 40, tzinfo=timezone(timedelta(hours=1)))
SIZE = (1100, 720)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["COMPANION_KDF_TARGET_SECONDS"] = "0"
    from PySide6.QtWidgets import QApplication

    from ui.models.none_guard import keep_singletons_alive

    keep_singletons_alive()
    qt = QApplication.instance() or QApplication(["companion"])
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="companion-shots-") as tmp:
        for theme in ("light", "dark"):
            _render_theme(qt, theme, Path(tmp) / theme, args.out)
    print(f"screenshots written to {args.out}")
    return 0


def _render_theme(qt: object, theme: str, folder: Path, out: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from companion.app import QUICK_KEY_DERIVATION, CompanionApp
    from companion.clock import FakeClock
    from companion.demo_data import fill_with_demo_data
    from companion.models import EntryDraft
    from companion.preferences import Preferences
    from ui.app import DEMO_PASSPHRASE
    from ui.context import PreferenceStore
    from ui.main_window import MainWindow
    from ui.pages.journal import JournalPage
    from ui.pages.settings import SettingsPage
    from ui.pages.today import TodayPage
    from ui.tasks import TaskRunner
    from ui.theme import apply_theme

    assert isinstance(qt, QApplication)
    apply_theme(qt, theme)
    runner = TaskRunner()

    def pump(ms: int = 300) -> None:
        end = time.monotonic() + ms / 1000
        while time.monotonic() < end:
            qt.processEvents()
            time.sleep(0.01)
        runner.wait_idle()
        qt.processEvents()

    def shot(window: MainWindow, name: str) -> None:
        pump(150)
        window.grab().save(str(out / f"{name}-{theme}.png"))

    def new_window(app: CompanionApp) -> MainWindow:
        window = MainWindow(app, runner, PreferenceStore(app, runner, Preferences()))
        window.resize(*SIZE)
        window.show()
        return window

    # First run.
    fresh = CompanionApp(folder / "fresh", clock=FakeClock(MOMENT))
    window = new_window(fresh)
    window.start()
    shot(window, "onboarding-welcome")
    flow = window.onboarding
    assert flow is not None
    flow.start_button.click()
    flow.pass1.edit.setText("quiet river copper tulip")
    flow.pass2.edit.setText("quiet river copper tulip")
    shot(window, "onboarding-passphrase")
    flow.create_button.click()
    _wait(pump, lambda: flow.stack.currentWidget() is flow.code_step)
    shot(window, "onboarding-recovery-code")
    window.shutdown()
    window.deleteLater()

    # First run on a second computer: its own vault, then the pairing code (issue 19).
    second = CompanionApp(folder / "second", clock=FakeClock(MOMENT))
    window = new_window(second)
    window.start()
    flow = window.onboarding
    assert flow is not None
    flow.other_computer_button.click()
    flow.pass1.edit.setText("quiet river copper tulip")
    flow.pass2.edit.setText("quiet river copper tulip")
    flow.create_button.click()
    _wait(pump, lambda: flow.stack.currentWidget() is flow.code_step)
    flow.stored.setChecked(True)
    flow.code_next.click()
    _wait(pump, lambda: flow.stack.currentWidget() is flow.join_step)
    shot(window, "onboarding-join")
    window.shutdown()
    window.deleteLater()

    # A new vault's pages: what each is for, and its first step.
    empty = CompanionApp(folder / "empty", clock=FakeClock(MOMENT))
    empty.create_vault(DEMO_PASSPHRASE, DEMO_PASSPHRASE, params=QUICK_KEY_DERIVATION)
    window = new_window(empty)
    window.show_workspace()
    from tools.screenshots_sizes import render_sizes

    render_sizes(window, pump, out, theme, prefix="first-use", sizes=((800, 600),))
    window.shutdown()
    window.deleteLater()

    # A year of demo data, and one entry with some Markdown to show off the preview.
    app = CompanionApp(folder / "demo", clock=FakeClock(MOMENT))
    app.create_vault(DEMO_PASSPHRASE, DEMO_PASSPHRASE, params=QUICK_KEY_DERIVATION)
    fill_with_demo_data(app)
    app.add_entry(EntryDraft(
        title="Notes after therapy",
        body="## What we talked about\n\nHow I treat **rest** as something I have to *earn*."
             "\n\n- Ask for help sooner\n- One thing at a time\n- Walk by the river on "
             "Sundays\n\n> It got easier in the afternoon.",
        tags=("therapy", "ideas"), mood=4, starred=True, at=MOMENT - timedelta(minutes=20)))
    window = new_window(app)
    window.show_workspace()
    assert window.workspace is not None
    today = window.workspace.show_page(TodayPage)
    pump(600)
    shot(window, "today")
    assert isinstance(today, TodayPage)
    checkin = next(row.checkin for row in today.today_model.rows if row.checkin is not None)
    today.edit_checkin(checkin)  # correcting a check-in (issue 17)
    pump(400)
    assert today.dialog is not None
    today.dialog.grab().save(str(out / f"checkin-edit-{theme}.png"))
    today.dialog.reject()
    pump(200)
    journal = window.workspace.show_page(JournalPage)
    assert isinstance(journal, JournalPage)
    pump(800)
    journal.list_view.setCurrentIndex(journal.model.index(journal.model.entry_row_after(0)))
    shot(window, "journal")
    journal.editor.toggle_preview()
    shot(window, "editor-preview")
    journal.editor.toggle_preview()
    journal.filters.search.setText("river walk")
    journal.searching.search_now()
    pump(500)
    shot(window, "search")
    journal.filters.search.setText("")
    window.workspace.show_page(SettingsPage)
    shot(window, "settings")
    from ui.dialogs.about import AboutDialog

    about = AboutDialog(runner, window)
    about.show()
    pump(400)
    about.grab().save(str(out / f"about-{theme}.png"))
    about.close()
    from tools.screenshots_insights import render_insights_screens

    render_insights_screens(window, pump, out, theme)
    from tools.screenshots_screentime import render_screen_time

    render_screen_time(window, pump, out, theme)
    from tools.screenshots_data import render_data_screens

    render_data_screens(window, pump, out, theme, folder / "data-samples")
    from tools.screenshots_circle import render_circle_screens

    render_circle_screens(window, pump, out, theme, folder / "circle")
    _render_devices(window, pump, out, theme, folder / "devices")
    from tools.screenshots_crisis import render_crisis

    render_crisis(window, pump, out, theme)
    from tools.screenshots_sizes import render_sizes

    render_sizes(window, pump, out, theme)
    from tools.screenshots_attachments import render_attachments

    render_attachments(window, pump, out, theme)
    from tools.screenshots_prompts import render_prompts

    render_prompts(window, pump, out, theme)  # last: it adds earlier years to the journal
    window.lock()
    shot(window, "unlock")
    window.shutdown()
    window.deleteLater()
    pump(100)


def _render_devices(window: object, pump: Callable[[int], None], out: Path, theme: str,
                    folder: Path) -> None:
    """Settings → Your computers in step with a desktop, a netbook asking to join and an
    entry edited on both; the pairing dialog and the conflicts dialog. The other computers are
    driven through the facade while the window's syncer is idle."""
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QScrollArea

    from companion.app import QUICK_KEY_DERIVATION, CompanionApp
    from companion.clock import FakeClock
    from ui.main_window import MainWindow
    from ui.pages.settings import SettingsPage

    assert isinstance(window, MainWindow) and window.workspace is not None
    app = window.app
    syncer = window.workspace.session.device_sync

    def idle() -> None:
        _wait(pump, lambda: not syncer.busy)
        pump(50)

    def computer(name: str) -> CompanionApp:
        other = CompanionApp(folder / name, clock=FakeClock(app.clock.now()))
        other.create_vault("screenshot computer", "screenshot computer",
                           params=QUICK_KEY_DERIVATION)
        return other

    idle()
    shared = folder / "shared"
    shared.mkdir(parents=True, exist_ok=True)
    storage = f"folder:{shared}"
    app.devices.start(storage, "Laptop")
    app.sync_devices()
    desktop, netbook = computer("desktop"), computer("netbook")
    desktop.join_devices(app.devices.pairing_code(), "Desktop", storage)
    app.sync_devices()
    app.devices.decide("Desktop", allow=True)
    app.sync_devices()
    desktop.sync_devices()
    mine = next(e for e in app.journal.browse() if e.title == "Notes after therapy")
    theirs = next(e for e in desktop.journal.browse() if e.title == "Notes after therapy")
    desktop.journal.update(theirs.id, body=theirs.body + "\n\nAdded on the desktop: ask "
                           "about sleep next time.")
    app.journal.update(mine.id, body=mine.body + "\n\nAdded on the laptop: the walk helped.")
    assert isinstance(desktop.clock, FakeClock)
    desktop.clock.advance(seconds=1)
    desktop.sync_devices()
    netbook.join_devices(app.devices.pairing_code(), "Netbook", storage)
    app.sync_devices()
    settings = window.workspace.show_page(SettingsPage)
    assert isinstance(settings, SettingsPage)
    card = settings.devices_card
    syncer.refresh()
    idle()
    scroll = settings.findChild(QScrollArea)
    assert scroll is not None and scroll.widget() is not None
    top = card.mapTo(scroll.widget(), QPoint(0, 0)).y()
    scroll.verticalScrollBar().setValue(top - 20)
    pump(150)
    window.grab().save(str(out / f"settings-devices-{theme}.png"))
    card.add_computer()
    idle()
    assert card.dialog is not None
    pump(300)
    card.dialog.grab().save(str(out / f"device-pairing-{theme}.png"))
    card.dialog.close()
    idle()
    dialog = card.review_conflicts()
    idle()
    pump(300)
    dialog.grab().save(str(out / f"device-conflicts-{theme}.png"))
    dialog.reject()
    scroll.verticalScrollBar().setValue(0)
    idle()
    for other in (desktop, netbook):
        other.close()


def _wait(pump: Callable[[int], None], condition: Callable[[], bool],
          timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the screen never got there")
        pump(50)


if __name__ == "__main__":
    sys.exit(main())
