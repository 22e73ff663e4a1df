"""Layouts hold from 800×600 to 2560×1440 (issue 17, item 3): every page, full and empty, and
the dialogs, with no word cut off, no squashed field, no sideways scroll bar, and no chart label
past the chart's edge. (Seen: "nvite someone.", a search box of "S…", Screen time scrolling
sideways, "Wednesday" cut on the weekday chart, Daylio's mood boxes 3 px wide.)

The same checks run at 1.5× and 2× scale in a separate process (the scale is fixed when Qt
starts): tests/gui/layout_at_scale.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDialog, QWidget

from companion.demo_data import fill_with_demo_data
from companion.questionnaires import QuestionnaireKind
from tests.gui.layout_check import every_tab, layout_problems
from tests.gui.test_circle_page import pair
from ui.dialogs.about import AboutDialog
from ui.dialogs.checkin_edit import CheckinEditDialog
from ui.dialogs.circle_setup import CreateCircleDialog, JoinCircleDialog
from ui.dialogs.circle_trust import InviteDialog, KeyChangeDialog, VerifyDialog
from ui.dialogs.crisis import CrisisDialog
from ui.dialogs.questionnaire import QuestionnaireDialog
from ui.dialogs.restore import RestoreDialog
from ui.dialogs.summary import SummaryDialog
from ui.pages.circle import CirclePage
from ui.pages.insights import InsightsPage
from ui.pages.journal import JournalPage
from ui.pages.settings import SettingsPage
from ui.shortcuts import ShortcutsDialog
from ui.widgets.chart_view import ChartView, texts_outside
from ui.widgets.day_picker import DayPicker

SIZES = [(800, 600), (2560, 1440)]
__all__ = ["pair"]  # the fixture (Ann and Bob in one circle), used by name below
ROOT = Path(__file__).resolve().parents[2]


def _settle(qtbot, wait_for_tasks) -> None:  # type: ignore[no-untyped-def]
    wait_for_tasks()
    qtbot.wait(30)
    wait_for_tasks()


def _page_problems(qtbot, window, wait_for_tasks) -> list[str]:  # type: ignore[no-untyped-def]
    found: list[str] = []
    for width, height in SIZES:
        window.resize(width, height)
        for index, page in enumerate(window.workspace.pages):
            window.workspace.show_page(index)
            _settle(qtbot, wait_for_tasks)
            if isinstance(page, JournalPage) and page.model.rowCount():
                # An open entry shows the editor's own buttons. (The first row was once
                # asked for, a check-in: no entry opened, and "Save" drawn over "Move to
                # trash" at 800×600 went unseen.)
                entry = next(entry for row in range(page.model.rowCount())
                             if (entry := page.model.entry_id_at(row)) is not None)
                if not page.ctx.app.attachments(entry):  # the strip is checked too
                    _attach_photos_and_a_pdf(page.ctx.app, entry)
                page.open_entry(entry)
                _settle(qtbot, wait_for_tasks)
                assert page.editor.trash_button.isVisible()
            name = f"{type(page).__name__} at {width}×{height}"
            found += [f"{name}: {problem}" for problem in every_tab(
                window, lambda: _settle(qtbot, wait_for_tasks))]
            if isinstance(page, CirclePage) and page.stack.currentWidget() is page.views:
                for view in (1, 2):  # Members and About, reached from the header
                    page.show_view(view)
                    _settle(qtbot, wait_for_tasks)
                    found += [f"{name} (view {view}): {problem}"
                              for problem in layout_problems(window)]
                page.show_view(0)
            for view in page.findChildren(ChartView):
                found += [f"{name}, chart {view.chart.title}: {problem}"
                          for problem in texts_outside(view.chart, view.font())]
    return found


def test_every_page_of_a_full_journal_holds(qtbot, window, app, tmp_path, wait_for_tasks):
    fill_with_demo_data(app, days=120)
    circle = window.workspace.show_page(CirclePage)
    circle.create_circle()
    dialog = circle.dialog
    dialog.name.setText("Sunday walkers and the people who bring the thermos")
    dialog.display_name.setText("Sam")
    dialog.storage.folder.setText(str(tmp_path / "shared"))
    dialog.ok_button.click()
    _settle(qtbot, wait_for_tasks)
    assert circle.stack.currentWidget() is not circle.empty
    problems = _page_problems(qtbot, window, wait_for_tasks)
    assert problems == [], "\n".join(problems)
    assert window.workspace.page(InsightsPage).findChildren(ChartView)  # charts were checked


def test_every_page_of_a_new_vault_holds(qtbot, window, wait_for_tasks):
    problems = _page_problems(qtbot, window, wait_for_tasks)
    assert problems == [], "\n".join(problems)


def _dialogs(window, app, runner, tmp_path):  # type: ignore[no-untyped-def]
    """Every dialog a person can open, as it first appears."""
    from companion.models import CheckInDraft

    checkin = app.add_checkin(CheckInDraft(mood=4, energy=3, emotions=("calm",),
                                           activities=("walk",), note="A slow morning."))
    settings = window.workspace.page(SettingsPage)
    yield "check-in", CheckinEditDialog(checkin, ["calm", "tired"], ["walk", "work"],
                                        app.clock.now(), window)
    yield "new circle", CreateCircleDialog(app, runner, window)
    yield "join circle", JoinCircleDialog(app, runner, window)
    yield "invite", InviteDialog("Sunday walkers", "WORD " * 12, "ABCD " * 12, window)
    yield "verify", VerifyDialog("Robin", "12345 " * 12, window)
    yield "key change", KeyChangeDialog(["Robin", "Alex"], window)
    yield "shortcuts", ShortcutsDialog(window)
    yield "about", AboutDialog(runner, window)
    yield "crisis", CrisisDialog(app.home, runner, window)
    yield "questionnaire", QuestionnaireDialog(app, runner, QuestionnaireKind.PHQ9, window)
    yield "summary", SummaryDialog(settings.ctx, window)
    yield "new recovery code", settings.new_recovery_code()
    yield "change passphrase", settings.change_passphrase()
    yield "export", settings.open_export()
    yield "import", settings.open_import()
    backup = tmp_path / "companion-backup-2026-03-10.cvb"
    backup.write_bytes(b"")
    yield "restore a backup", RestoreDialog(backup, app.home, runner, window)
    picker = DayPicker(window)
    picker.calendar.setSelectedDate(QDate(2026, 3, 11))
    picker.mark_days({date(2026, 3, 2), date(2026, 3, 10)})
    yield "go to a day", picker
    from ui.dialogs.device_conflicts import DeviceConflictsDialog
    from ui.dialogs.device_pairing import PairingDialog
    from ui.dialogs.device_setup import JoinDevicesDialog, SetUpDevicesDialog

    devices = window.workspace.session.device_sync
    yield "set up device sync", SetUpDevicesDialog(app, devices, window)
    yield "join with a pairing code", JoinDevicesDialog(app, devices, window)
    yield "pairing code", PairingDialog("companion-device-1:" + "ABCDEFGH2345" * 24, devices,
                                        window)
    yield "device conflicts", DeviceConflictsDialog(devices, window)


DIALOG_COUNT = 21  # what _dialogs yields: the scale run must see them all


def test_the_dialog_list_is_counted_right(window, app, runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    dialogs = list(_dialogs(window, app, runner, tmp_path))
    assert len(dialogs) == DIALOG_COUNT, [name for name, _dialog in dialogs]
    for _name, dialog in dialogs:
        dialog.deleteLater()


@pytest.mark.parametrize("size", ["as opened", "800×600", "2560×1440"])
def test_every_dialog_holds(qtbot, window, app, runner, tmp_path, wait_for_tasks, size):
    problems: list[str] = []
    for name, dialog in _dialogs(window, app, runner, tmp_path):
        assert isinstance(dialog, QDialog)
        dialog.show()
        _settle(qtbot, wait_for_tasks)
        if size != "as opened":
            width, height = (int(part) for part in size.split("×"))
            dialog.resize(min(width, dialog.maximumWidth()), min(height, dialog.maximumHeight()))
            _settle(qtbot, wait_for_tasks)
        problems += [f"{name}: {problem}" for problem in every_tab(
            dialog, lambda: _settle(qtbot, wait_for_tasks))]
        dialog.hide()  # (some delete themselves on close)
    assert problems == [], "\n".join(problems)


def test_an_error_in_the_new_circle_dialog_keeps_its_help_in_view(qtbot, window, app, runner,
                                                                    wait_for_tasks):
    dialog = CreateCircleDialog(app, runner, window)
    qtbot.addWidget(dialog)
    dialog.show()
    _settle(qtbot, wait_for_tasks)
    dialog.ok_button.click()  # no name, no storage: it says what is missing
    _settle(qtbot, wait_for_tasks)
    assert layout_problems(dialog) == []


def test_the_daylio_mood_mapping_is_not_squashed(qtbot, window, tmp_path, wait_for_tasks):
    daylio = tmp_path / "daylio_export.csv"
    daylio.write_text(
        "full_date,date,weekday,time,mood,activities,note_title,note\n"
        "2026-03-10,March 10,Tuesday,8:05 pm,rad,walk,,\n"
        "2026-03-09,March 9,Monday,9:00 pm,so-so,work,,\n"
        "2026-03-08,March 8,Sunday,7:30 pm,completely exhausted but hopeful,,,\n", "utf-8")
    dialog = window.workspace.page(SettingsPage).open_import()
    dialog.set_file(daylio, "daylio")
    qtbot.waitUntil(lambda: bool(dialog.mood_choices), timeout=10_000)
    _settle(qtbot, wait_for_tasks)
    for size in ((dialog.width(), dialog.height()), (800, 600)):
        dialog.resize(*size)
        _settle(qtbot, wait_for_tasks)
        problems = layout_problems(dialog)
        assert problems == [], f"{size}: " + "\n".join(problems)
        for combo in dialog.mood_choices.values():
            assert combo.height() >= combo.sizeHint().height() - 2


@pytest.mark.parametrize("scale", ["1.5", "2"])
def test_pages_hold_at_higher_scale(scale: str, tmp_path: Path) -> None:
    env = {**os.environ, "QT_SCALE_FACTOR": scale, "QT_QPA_PLATFORM": "offscreen",
           "COMPANION_HOME": str(tmp_path / "home"), "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "tests.gui.layout_at_scale"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "pages checked: 6" in result.stdout
    assert f"dialogs checked: {DIALOG_COUNT}" in result.stdout


def test_the_checks_can_fail(qtbot) -> None:
    """The checker sees a clipped label, a squashed field and a sideways scroll bar."""
    from PySide6.QtWidgets import QLabel, QLineEdit, QScrollArea, QVBoxLayout

    root = QWidget()
    column = QVBoxLayout(root)
    label = QLabel("Wednesday, and a good deal more")
    label.setFixedWidth(40)
    field = QLineEdit()
    field.setPlaceholderText("Search the journal")
    field.setFixedWidth(30)
    wide = QLabel("x")
    wide.setMinimumWidth(900)
    area = QScrollArea()
    area.setWidget(wide)
    area.setFixedWidth(200)
    for widget in (label, field, area):
        column.addWidget(widget)
    qtbot.addWidget(root)
    root.show()
    qtbot.waitExposed(root)
    found = " | ".join(layout_problems(root))
    assert "Wednesday" in found and "Search the journal" in found and "sideways" in found


def test_the_checks_see_titles_tabs_long_words_and_hidden_tabs(qtbot) -> None:
    from PySide6.QtWidgets import QGroupBox, QLabel, QPushButton, QTabWidget, QVBoxLayout

    root = QWidget()
    column = QVBoxLayout(root)
    box = QGroupBox("Bring your ActivityWatch history")
    box.setFixedWidth(80)
    word = QLabel("Supercalifragilisticexpialidocious")
    word.setWordWrap(True)
    word.setFixedWidth(60)
    tabs = QTabWidget()
    tabs.addTab(QLabel("fine"), "Feed")
    squeezed = QWidget()
    QVBoxLayout(squeezed).addWidget(QPushButton("Invite someone to the circle…"))
    squeezed.layout().itemAt(0).widget().setFixedWidth(40)
    tabs.addTab(squeezed, "Members")
    for widget in (box, word, tabs):
        column.addWidget(widget)
    qtbot.addWidget(root)
    root.show()
    qtbot.waitExposed(root)
    found = " | ".join(every_tab(root, lambda: qtbot.wait(5)))
    assert "ActivityWatch" in found and "a word" in found
    assert "(tab 'Members')" in found and "Invite someone" in found


def test_a_dialog_that_grows_near_the_bottom_of_the_screen_moves_up(qtbot) -> None:
    """grow_to_fit kept a dialog's top where it was and let its bottom fall off the screen."""
    from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout

    from ui.widgets.common import grow_to_fit

    dialog = QDialog()
    column = QVBoxLayout(dialog)
    column.addWidget(QLabel("first line"))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    room = dialog.screen().availableGeometry()
    dialog.move(dialog.x(), room.bottom() - dialog.frameGeometry().height())
    for number in range(12):
        label = QLabel(f"a new line {number}")
        label.setMinimumHeight(30)
        column.addWidget(label)
    qtbot.wait(10)  # widgets added to a shown layout show on the next turn of the loop
    column.activate()
    needed = column.totalMinimumSize().height()
    assert needed > 12 * 30
    grow_to_fit(dialog)
    qtbot.waitUntil(lambda: dialog.height() >= needed)
    qtbot.wait(10)
    assert dialog.frameGeometry().bottom() <= room.bottom() + 1


def _journal_like(qtbot, width: int) -> tuple[QWidget, QWidget]:  # type: ignore[no-untyped-def]
    """The Journal's old condition in small: a window whose minimum size was set by hand
    (MainWindow says 760×520) holds a list and an editor whose buttons may not be narrower
    than their words, in a row that cannot wrap. Made narrower than the row needs, the layout
    squeezes the row and each button keeps its width: they are drawn over each other."""
    from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QPushButton, QVBoxLayout

    root = QWidget()
    root.setMinimumSize(100, 100)
    listing = QListWidget()
    listing.setMinimumWidth(200)
    editor = QWidget()
    row = QHBoxLayout()
    row.addWidget(QLabel("Saved"), 1)
    for text in ("Preview", "Move to trash", "Save"):
        button = QPushButton(text)
        button.setMinimumWidth(button.sizeHint().width())
        row.addWidget(button)
    column = QVBoxLayout(editor)
    column.addStretch(1)
    column.addLayout(row)
    QHBoxLayout(root).addWidget(listing)
    root.layout().addWidget(editor, 1)
    qtbot.addWidget(root)
    root.resize(width, 300)
    root.show()
    qtbot.waitExposed(root)
    return root, editor


def test_the_checks_see_widgets_drawn_over_each_other_in_a_window_too_small(qtbot) -> None:
    root, _editor = _journal_like(qtbot, 2000)
    assert layout_problems(root) == []  # with room, the same widgets are fine
    root.resize(root.minimumSizeHint().width() - 23, 300)  # 23 px short, as in the Journal
    qtbot.waitUntil(lambda: root.width() < root.minimumSizeHint().width())
    found = " | ".join(layout_problems(root))
    assert "'Move to trash' and QPushButton 'Save' overlap" in found
    assert "the window is" in found and "but its layout needs" in found


def test_the_checks_see_a_widget_cut_off_by_its_parent(qtbot) -> None:
    from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout

    root = QWidget()
    column = QVBoxLayout(root)
    panel = QWidget()
    panel.setFixedSize(160, 40)
    cut = QLabel("Remind me every day at", panel)
    cut.move(100, 8)  # its words run on past the panel's right edge, where nothing is drawn
    tall = QLabel("a long list")
    tall.setMinimumHeight(2000)  # below the fold of a scroll area: scrolled to, not cut off
    area = QScrollArea()
    area.setWidget(tall)
    area.setFixedHeight(100)
    column.addWidget(panel)
    column.addWidget(area)
    qtbot.addWidget(root)
    root.show()
    qtbot.waitExposed(root)
    found = layout_problems(root)
    assert len(found) == 1 and "'Remind me every day at': cut off by QWidget" in found[0], found
    cut.move(4, 8)
    cut.resize(150, cut.height())
    assert layout_problems(root) == []


def test_an_action_row_folds_instead_of_overlapping(qtbot) -> None:
    """The Journal editor's row: one line where it fits; else the status on a line of its
    own and the buttons below it, right-aligned, wrapping whole."""
    from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout

    from ui.widgets.action_row import ActionRow

    root = QWidget()
    status = QLabel("Unsaved changes")
    row = ActionRow(status)
    buttons = [QPushButton(text) for text in ("Preview", "Move to trash", "Save")]
    for button in buttons:
        row.addWidget(button)
    column = QVBoxLayout(root)
    column.addStretch(1)
    column.addLayout(row)
    qtbot.addWidget(root)
    root.show()
    margins = column.contentsMargins().left() + column.contentsMargins().right()
    one_line = row.sizeHint().width() + margins + 10
    two_buttons = buttons[0].sizeHint().width() + 6 + buttons[1].sizeHint().width()
    lines = []
    for width in (one_line, one_line - status.sizeHint().width(), two_buttons + margins + 10):
        root.resize(width, 300)
        qtbot.waitUntil(lambda w=width: root.width() == w)  # type: ignore[misc]
        assert layout_problems(root) == [], width
        lines.append(len({button.y() for button in buttons}) + (status.y() < buttons[0].y()))
        right = max(button.geometry().right() for button in buttons)
        assert all(button.width() >= button.sizeHint().width() for button in buttons)
        assert right == row.geometry().right()  # right-aligned
    assert lines == [1, 2, 3]  # all on one line; the status above; the buttons wrapped too


def _attach_photos_and_a_pdf(app, entry_id: int) -> None:  # type: ignore[no-untyped-def]
    """Three photos and a PDF, so the editor shows its strip of attachments too."""
    import io

    from PIL import Image

    files = []
    for number, colour in enumerate(((40, 120, 200), (200, 90, 20), (60, 160, 80)), 1):
        out = io.BytesIO()
        Image.new("RGB", (640, 480), colour).save(out, format="JPEG")
        files.append(app.prepare_attachment_bytes(f"walk {number}.jpg", out.getvalue()))
    files.append(app.prepare_attachment_bytes("Letter from the clinic.pdf",
                                              b"%PDF-1.4\n" + bytes(40_000) + b"%%EOF\n"))
    app.attach(entry_id, files)


@pytest.mark.parametrize("size", [(800, 600), (1440, 900)])
def test_the_journal_editor_buttons_read_fully(qtbot, window, app, wait_for_tasks, size):
    """Seen at 800×600: "Save" (x=692) drawn over "Move to trash" (590–707): the window
    needed 823 px. With an entry open and with one in the trash, every button shows its
    words whole, beside the others, inside the editor."""
    from dataclasses import replace

    from PySide6.QtWidgets import QPushButton

    fill_with_demo_data(app, days=30)
    window.resize(*size)
    page = window.workspace.show_page(JournalPage)
    _settle(qtbot, wait_for_tasks)
    entry = next(entry for row in range(page.model.rowCount())
                 if (entry := page.model.entry_id_at(row)) is not None)
    _attach_photos_and_a_pdf(app, entry)
    page.open_entry(entry)
    _settle(qtbot, wait_for_tasks)
    assert page.editor.entry is not None
    assert page.editor.attachments.isVisible() and page.editor.attachments.count() == 4
    for state in ("open", "in the trash"):
        if state == "in the trash":
            page.editor.load(replace(page.editor.entry, deleted=app.clock.now()))
            _settle(qtbot, wait_for_tasks)
        buttons = [b for b in page.editor.findChildren(QPushButton) if b.isVisible()]
        # Attach…, Preview, Move to trash, Save; in the trash Preview and Restore
        assert len(buttons) == (4 if state == "open" else 2), state
        room = page.editor.rect()
        for i, button in enumerate(buttons):
            place = button.geometry().translated(button.parentWidget().mapTo(
                page.editor, button.parentWidget().rect().topLeft()))
            assert room.contains(place), (state, button.text(), place, room)
            assert button.width() >= button.sizeHint().width(), (state, button.text())
            for other in buttons[i + 1:]:
                assert not button.geometry().intersects(other.geometry()), \
                    (state, button.text(), other.text())
        assert page.editor.status.isVisible() and page.editor.status.text()
        problems = layout_problems(window)
        assert problems == [], f"{state}: " + "\n".join(problems)


# -- the circle with people in it, the screens before the workspace ------------------------------

def _at_each_size(qtbot, root: QWidget, name: str, settle) -> list[str]:  # type: ignore[no-untyped-def]
    found = []
    for width, height in SIZES:
        root.resize(width, height)
        settle()
        found += [f"{name} at {width}×{height}: {p}" for p in layout_problems(root)]
    return found


def test_the_circle_page_of_a_circle_holds(qtbot, pair, runner):  # type: ignore[no-untyped-def]
    """A feed with check-ins from two people, Members with someone to verify, and About."""
    from tests.gui.circle_gui_helpers import settle, share_checkin

    ann, _bob, _shared = pair
    share_checkin(qtbot, runner, ann, 4, "a walk by the river, and tea after " * 3)
    page = ann.page
    problems = []
    for view, name in enumerate(("feed", "Members", "About")):
        page.show_view(view)
        problems += _at_each_size(qtbot, page, name, lambda: settle(qtbot, runner, page))
    assert problems == [], "\n".join(problems)


def test_the_unlock_screen_holds(qtbot, app, runner, prefs, wait_for_tasks):  # type: ignore[no-untyped-def]
    from tests.gui.first_screens import unlock_modes, unlock_window

    main = unlock_window(qtbot, app, runner, prefs)
    problems = []
    for name in unlock_modes(qtbot, main):
        problems += _at_each_size(qtbot, main, name, lambda: _settle(qtbot, wait_for_tasks))
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("offered", ["everything", "nothing"])
def test_every_onboarding_step_holds(qtbot, private_home, runner, prefs, wait_for_tasks,  # type: ignore[no-untyped-def]
                                     monkeypatch, offered):
    from tests.gui.first_screens import offer, onboarding_steps, onboarding_window

    offer(monkeypatch, keyring=offered == "everything", tray=offered == "everything")
    main = onboarding_window(qtbot, private_home, runner, prefs)
    problems = []
    for name in onboarding_steps(qtbot, main):
        problems += _at_each_size(qtbot, main, name, lambda: _settle(qtbot, wait_for_tasks))
    assert problems == [], "\n".join(problems)
