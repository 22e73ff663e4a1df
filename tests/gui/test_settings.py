"""Settings: passphrase, recovery code, remember on this device, auto-lock, theme, reminder,
backup and restore, all through the real page in the real main window."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QPoint, Qt, QTime
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QDialog, QFileDialog, QMessageBox

from companion.app import CompanionApp
from companion.models import EntryDraft
from companion.preferences import load_preferences
from storage.errors import WrongRecoveryCode
from tests.conftest import PASSPHRASE
from tests.gui.conftest import visible_texts
from ui.main_window import MainWindow
from ui.pages.settings import SettingsPage

NEW_PASSPHRASE = "quiet river copper tulip"

# The offscreen platform cannot pass a dialog's size hints on to a window system and says so
# each time one is shown or resized; it is not a problem of the app.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def closed(dialog: QDialog) -> bool:
    """Dialogs delete themselves once finished."""
    return not shiboken6.isValid(dialog) or not dialog.isVisible()


def settings(window: MainWindow) -> SettingsPage:
    assert window.workspace is not None
    page = window.workspace.show_page(SettingsPage)
    assert isinstance(page, SettingsPage)
    return page


def choose(qtbot, combo: QComboBox, value: object) -> None:  # type: ignore[no-untyped-def]
    """Pick the item holding `value` with the arrow keys, as a keyboard user would."""
    combo.setFocus()
    target = combo.findData(value)
    assert target >= 0, value
    while combo.currentIndex() != target:
        key = Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up
        qtbot.keyClick(combo, key)


def tick(qtbot, box: QCheckBox) -> None:  # type: ignore[no-untyped-def]
    """Click a check box on its box (the widget is wider than its box and text)."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(6, box.height() // 2))


def unlock_with(qtbot, window: MainWindow, secret: str) -> None:  # type: ignore[no-untyped-def]
    screen = window.unlock_screen
    qtbot.waitUntil(lambda: screen.isEnabled() and screen.button.isEnabled(), timeout=10_000)
    screen.field.edit.setText(secret)
    qtbot.keyClick(screen.field.edit, Qt.Key.Key_Return)


def patch_file_dialog(monkeypatch: pytest.MonkeyPatch, name: str, path: Path) -> None:
    """Stand in for the OS file picker: it answers `path`."""
    monkeypatch.setattr(QFileDialog, name, staticmethod(lambda *_a, **_k: (str(path), "")))


# -- passphrase -------------------------------------------------------------------------------

def test_change_passphrase_then_unlock_with_the_new_one(qtbot, window, wait_for_tasks):
    page = settings(window)
    dialog = page.change_passphrase()
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.current.edit, PASSPHRASE)
    qtbot.keyClicks(dialog.new.edit, NEW_PASSPHRASE)
    qtbot.keyClicks(dialog.confirm.edit, NEW_PASSPHRASE[:-1])
    assert not dialog.ok_button.isEnabled()
    assert "do not match" in dialog.match_label.text()
    qtbot.keyClicks(dialog.confirm.edit, NEW_PASSPHRASE[-1])
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.is_busy and not dialog.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: closed(dialog), timeout=15_000)
    assert "passphrase is changed" in page.security_status.text()

    window.lock()
    wait_for_tasks()
    unlock_with(qtbot, window, PASSPHRASE)
    qtbot.waitUntil(lambda: "does not open" in window.unlock_screen.error.text(),
                    timeout=10_000)
    unlock_with(qtbot, window, NEW_PASSPHRASE)
    qtbot.waitUntil(lambda: not window.is_locked, timeout=10_000)


def test_rekey_under_the_same_passphrase_shows_a_new_recovery_code(qtbot, window, app,
                                                                  wait_for_tasks):
    """Settings → Change passphrase, "also re-encrypt": the same passphrase is allowed, the
    journal stays, and the new recovery code is shown until stored."""
    from ui.dialogs.recovery import NewRecoveryCodeDialog

    app.add_entry(EntryDraft(title="Kept", body="through the rekey"))
    page = settings(window)
    dialog = page.change_passphrase()
    for field in (dialog.current, dialog.new, dialog.confirm):
        qtbot.keyClicks(field.edit, PASSPHRASE)
    assert not dialog.ok_button.isEnabled()  # the same passphrase, without a rekey
    dialog.rekey.setChecked(True)
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: closed(dialog), timeout=20_000)
    shown = [w for w in page.findChildren(NewRecoveryCodeDialog) if w.isVisible()]
    assert len(shown) == 1 and shown[0].showing_code
    code = shown[0].code_view.code
    assert "re-encrypted under a new key" in page.security_status.text()
    shown[0].stored.setChecked(True)
    qtbot.mouseClick(shown[0].ok_button, Qt.MouseButton.LeftButton)
    assert [e.title for e in app.timeline()] == ["Kept"]
    window.lock()
    wait_for_tasks()
    app.unlock_with_recovery_code(code)  # the new code opens it
    assert app.is_unlocked


def test_a_wrong_current_passphrase_is_said_plainly_and_changes_nothing(qtbot, window, app):
    key_file = app.vault.paths.key_file
    before = key_file.read_bytes()
    dialog = settings(window).change_passphrase()
    dialog.current.edit.setText("not my passphrase at all")
    dialog.new.edit.setText(NEW_PASSPHRASE)
    dialog.confirm.edit.setText(NEW_PASSPHRASE)
    qtbot.keyClick(dialog.confirm.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(dialog.error.isVisible, timeout=15_000)
    assert dialog.error.text() == "The current passphrase is not right. Nothing was changed."
    assert dialog.isVisible() and not dialog.is_busy
    assert dialog.current.edit.hasSelectedText()  # ready for another try
    assert key_file.read_bytes() == before
    dialog.reject()
    assert closed(dialog)


# -- recovery code ----------------------------------------------------------------------------

def test_new_recovery_code_replaces_the_old_one(qtbot, window, app, wait_for_tasks,
                                                monkeypatch, tmp_path):
    old_code = app.new_recovery_code()  # a code the test knows
    page = settings(window)
    dialog = page.new_recovery_code()
    assert not dialog.showing_code
    assert "stops working" in " ".join(visible_texts(dialog))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.showing_code, timeout=10_000)
    code = dialog.code_view.code_label.text()
    assert len(code.split("-")) == 8 and code != old_code

    qtbot.mouseClick(dialog.code_view.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == code
    saved = tmp_path / "code.txt"
    patch_file_dialog(monkeypatch, "getSaveFileName", saved)
    qtbot.mouseClick(dialog.code_view.save_button, Qt.MouseButton.LeftButton)
    assert code in saved.read_text(encoding="utf-8")

    dialog.reject()  # not before the new code is stored: the old one is gone
    assert dialog.isVisible() and "Store the new code first" in dialog.code_view.status.text()
    assert not dialog.ok_button.isEnabled()
    dialog.stored.setChecked(True)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert closed(dialog)
    assert code not in " ".join(visible_texts())
    assert "new recovery code" in page.security_status.text()

    window.lock()
    wait_for_tasks()
    app.open()
    with pytest.raises(WrongRecoveryCode):
        app.unlock_with_recovery_code(old_code)
    app.unlock_with_recovery_code(code)
    assert app.is_unlocked


def test_locking_closes_a_recovery_code_dialog_and_drops_the_code(qtbot, window, prefs,
                                                                   wait_for_tasks):
    dialog = settings(window).new_recovery_code()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.showing_code, timeout=10_000)
    code = dialog.code_view.code
    window.lock()
    wait_for_tasks()
    assert not any(code in text for text in visible_texts())
    qtbot.waitUntil(lambda: not window.findChildren(SettingsPage), timeout=5_000)
    prefs.update(replace(prefs.current, auto_lock_minutes=2))  # the page is gone: no slot left
    assert window.idle.minutes == 2


# -- remember on this device ------------------------------------------------------------------

def test_remember_and_forget_on_this_device(file_keyring, qtbot, window, app, wait_for_tasks):
    page = settings(window)
    qtbot.waitUntil(page.remember.isEnabled, timeout=10_000)
    assert not page.remember.isChecked()
    assert "keyring" in " ".join(visible_texts(page))
    tick(qtbot, page.remember)
    wait_for_tasks()
    assert page.remember.isEnabled() and page.remember.isChecked()
    assert app.is_remembered()
    tick(qtbot, page.remember)
    wait_for_tasks()
    assert not page.remember.isChecked()
    assert not app.is_remembered()
    assert "ask for your passphrase" in page.security_status.text()


def test_remember_is_off_and_explained_without_a_keyring(qtbot, window, wait_for_tasks):
    page = settings(window)
    wait_for_tasks()
    assert not page.remember.isEnabled()
    assert "no secure keyring" in " ".join(visible_texts(page))


# -- preferences ------------------------------------------------------------------------------

def test_auto_lock_is_saved_and_applied(qtbot, window, private_home, wait_for_tasks):
    page = settings(window)
    assert page.auto_lock.currentData() == 5
    choose(qtbot, page.auto_lock, 15)
    wait_for_tasks()
    assert load_preferences(private_home).auto_lock_minutes == 15
    assert window.idle.minutes == 15
    choose(qtbot, page.auto_lock, 0)
    assert page.auto_lock.currentText() == "Never"
    wait_for_tasks()
    assert load_preferences(private_home).auto_lock_minutes == 0
    assert window.idle.minutes == 0


def test_theme_is_saved_and_applied_at_once(qtbot, window, private_home, wait_for_tasks,
                                            restore_theme):
    page = settings(window)

    def window_lightness() -> int:
        return QApplication.palette().color(QPalette.ColorRole.Window).lightness()

    choose(qtbot, page.theme, "dark")
    wait_for_tasks()
    assert load_preferences(private_home).theme == "dark"
    assert window_lightness() < 100
    choose(qtbot, page.theme, "light")
    wait_for_tasks()
    assert load_preferences(private_home).theme == "light"
    assert window_lightness() > 150


def test_reminder_time_is_saved(qtbot, window, private_home, prefs, wait_for_tasks):
    page = settings(window)
    assert not page.reminder.isChecked() and not page.reminder_time.isEnabled()
    tick(qtbot, page.reminder)
    assert page.reminder_time.isEnabled()
    page.reminder_time.setTime(QTime(7, 45))
    wait_for_tasks()
    saved = load_preferences(private_home)
    assert saved.reminder_enabled and saved.reminder_time == "07:45"
    assert prefs.current == saved


def test_a_value_set_outside_the_app_is_shown(window, prefs):
    prefs.update(replace(prefs.current, auto_lock_minutes=45))
    page = settings(window)
    assert page.auto_lock.currentText() == "After 45 minutes"


# -- backup and restore -----------------------------------------------------------------------

def test_backup_writes_a_file_that_restores(qtbot, window, app, monkeypatch, tmp_path):
    app.add_entry(EntryDraft(title="Before the backup", body="kept safe", tags=()))
    page = settings(window)
    target = tmp_path / "my backup"  # no suffix: .cbak is added
    patch_file_dialog(monkeypatch, "getSaveFileName", target)
    qtbot.mouseClick(page.backup_button, Qt.MouseButton.LeftButton)
    written = tmp_path / "my backup.cbak"
    qtbot.waitUntil(lambda: "Backup saved" in page.backup_status.text(), timeout=10_000)
    assert str(written) in page.backup_status.text()
    assert "KiB" in page.backup_status.text() or "MiB" in page.backup_status.text()
    assert page.backup_button.isEnabled()

    fresh_home = tmp_path / "fresh"
    CompanionApp.restore_backup(fresh_home, written, PASSPHRASE)
    fresh = CompanionApp(fresh_home)
    fresh.unlock(PASSPHRASE)
    assert [item.title for item in fresh.timeline()] == ["Before the backup"]
    fresh.close()


def test_backup_to_an_unwritable_place_is_a_sentence(qtbot, window, monkeypatch, tmp_path):
    page = settings(window)
    patch_file_dialog(monkeypatch, "getSaveFileName", tmp_path / "missing" / "b.cbak")
    qtbot.mouseClick(page.backup_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(page.backup_error.isVisible, timeout=10_000)
    assert page.backup_error.text().startswith("The backup was not saved.")
    assert "Traceback" not in page.backup_error.text()


def test_restore_through_the_page(qtbot, window, app, monkeypatch, tmp_path, wait_for_tasks):
    app.add_entry(EntryDraft(title="In the backup", body="", tags=()))
    backup = tmp_path / "old.cbak"
    app.backup(backup)
    app.change_passphrase(PASSPHRASE, NEW_PASSPHRASE)
    app.add_entry(EntryDraft(title="After the backup", body="", tags=()))

    patch_file_dialog(monkeypatch, "getOpenFileName", backup)
    dialog = settings(window).restore()
    assert dialog is not None
    assert "pre\u2011restore" in " ".join(visible_texts(dialog))
    dialog.secret.edit.setText(NEW_PASSPHRASE)  # today's passphrase: not the backup's
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.error.isVisible, timeout=15_000)
    assert "does not open this backup" in dialog.error.text()
    assert not window.is_locked

    dialog.secret.edit.setText(PASSPHRASE)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.is_locked, timeout=15_000)
    assert window.states.currentWidget() is window.unlock_screen
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "restore-result") is not None,
                    timeout=15_000)
    box = window.findChild(QMessageBox, "restore-result")
    assert "backup is restored" in box.text() and "pre-restore" in box.text()
    box.accept()
    assert any(p.name.startswith("pre-restore") for p in app.home.iterdir())

    unlock_with(qtbot, window, NEW_PASSPHRASE)  # the restored vault has the backup's
    qtbot.waitUntil(lambda: "does not open" in window.unlock_screen.error.text(),
                    timeout=10_000)
    unlock_with(qtbot, window, PASSPHRASE)
    qtbot.waitUntil(lambda: not window.is_locked, timeout=10_000)
    wait_for_tasks()
    assert [item.title for item in app.timeline()] == ["In the backup"]


def test_a_damaged_backup_is_refused_before_anything_changes(qtbot, window, monkeypatch,
                                                             tmp_path):
    junk = tmp_path / "junk.cbak"
    junk.write_bytes(b"not a backup at all" * 10)
    patch_file_dialog(monkeypatch, "getOpenFileName", junk)
    dialog = settings(window).restore()
    assert dialog is not None
    dialog.secret.edit.setText(PASSPHRASE)
    qtbot.keyClick(dialog.secret.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(dialog.error.isVisible, timeout=15_000)
    assert "not a Companion backup" in dialog.error.text()
    assert not window.is_locked
    dialog.reject()
