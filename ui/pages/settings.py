"""Settings: passphrase, recovery code, remember on this device, auto-lock, theme, the daily
reminder, what Today shows (ui/widgets/today_settings_card.py), backup and restore, "Your
data" (import and export) and "Your computers" (device sync, ui/widgets/devices_card.py).

Preferences (theme, auto-lock, reminder) are saved through `ctx.prefs` and take effect at once:
the main window and the tray listen to its `changed` signal. Everything that touches the vault
or the disk runs in the task runner; the dialogs for the passphrase, the recovery code and
restoring, importing and exporting live in `ui.dialogs`.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QDir, QLocale, Qt, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSystemTrayIcon,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from companion.app import CompanionApp
from companion.errors import UserError
from companion.preferences import Preferences
from ui.context import UiContext
from ui.dialogs.base import SettingsDialog
from ui.dialogs.data_common import DataDialog
from ui.dialogs.export_dialog import ExportDialog
from ui.dialogs.import_dialog import ImportDialog
from ui.dialogs.passphrase import ChangePassphraseDialog
from ui.dialogs.recovery import NewRecoveryCodeDialog
from ui.dialogs.restore import BackupRestorer, RestoreDialog
from ui.icons import icon
from ui.pages.base import Page
from ui.tasks import Lane
from ui.widgets.attachment_settings_card import AttachmentSettingsCard
from ui.widgets.common import error_label, heading, hint, subheading, user_message
from ui.widgets.devices_card import DevicesCard
from ui.widgets.today_settings_card import TodaySettingsCard

AUTO_LOCK_CHOICES = (1, 2, 5, 10, 15, 30, 60, 0)  # 0: never
THEMES = (("system", "Same as the system"), ("light", "Light"), ("dark", "Dark"))
CONTROL_WIDTH = 190
BACKUP_FILTER = "Companion backups (*.cbak);;All files (*)"


def auto_lock_label(minutes: int) -> str:
    if minutes == 0:
        return "Never"
    if minutes % 60 == 0:
        hours = minutes // 60
        return "After 1 hour" if hours == 1 else f"After {hours} hours"
    return "After 1 minute" if minutes == 1 else f"After {minutes} minutes"


def _card(title: str) -> tuple[QFrame, QVBoxLayout]:
    card = QFrame()
    card.setProperty("card", True)
    layout = QVBoxLayout(card)
    layout.setContentsMargins(18, 14, 18, 16)
    layout.setSpacing(12)
    layout.addWidget(subheading(title))
    return card, layout


def _row(title: QWidget | str, description: str, control: QWidget | None = None) -> QWidget:
    """A setting: its name and a sentence on the left, its control on the right."""
    row = QWidget()
    text = QVBoxLayout()
    text.setSpacing(2)
    if isinstance(title, str):
        name = QLabel(title)
        name.setStyleSheet("font-weight: 600;")
        title = name
    text.addWidget(title)
    if description:
        text.addWidget(hint(description))
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(16)
    layout.addLayout(text, 1)
    if control is not None:
        control.setMinimumWidth(CONTROL_WIDTH)
        layout.addWidget(control, 0, Qt.AlignmentFlag.AlignVCenter)
    return row


class SettingsPage(Page):
    title = "Settings"
    icon_name = "settings"

    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        column = QVBoxLayout()
        column.setSpacing(16)
        column.addWidget(heading(self.tr(self.title)))
        self.devices_card = DevicesCard(ctx)
        self.today_card = TodaySettingsCard(ctx)
        self.attachments_card = AttachmentSettingsCard(ctx)
        for card in (self._build_security(), self._build_appearance(),
                     self._build_reminder(), self.today_card, self.attachments_card,
                     self._build_backup(), self._build_data(), self.devices_card):
            column.addWidget(card)
        column.addStretch(1)
        content = QWidget()
        content.setMaximumWidth(760)
        content.setLayout(column)
        holder = QWidget()
        holder_layout = QHBoxLayout(holder)
        holder_layout.setContentsMargins(32, 28, 32, 28)
        holder_layout.addWidget(content, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(holder)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.load_preferences(ctx.prefs.current)
        ctx.prefs.changed.connect(self.load_preferences)
        self._load_remembered()

    # -- building ---------------------------------------------------------------------------

    def _build_security(self) -> QFrame:
        card, layout = _card(self.tr("Security"))
        self.passphrase_button = QPushButton(icon("lock"), self.tr("Change passphrase…"))
        self.passphrase_button.clicked.connect(self.change_passphrase)
        self.recovery_button = QPushButton(icon("shield"), self.tr("New recovery code…"))
        self.recovery_button.clicked.connect(self.new_recovery_code)
        self.remember = QCheckBox(self.tr("Remember on this device"))
        self.remember.setStyleSheet("font-weight: 600;")
        self.remember.setEnabled(False)
        self.remember.toggled.connect(self._remember_toggled)
        # A demo vault is thrown away when it closes; a key it left in the system keyring would
        # outlive it, so the demo never offers to remember.
        self.demo = self.ctx.demo_passphrase is not None
        self.keyring_available = CompanionApp.keyring_available() and not self.demo
        if self.demo:
            remember_text = self.tr(
                "Not in the demo: its vault is deleted when it closes, and a key left in this "
                "computer's keyring would outlive it.")
        elif self.keyring_available:
            remember_text = self.tr(
                "Companion opens without asking for your passphrase, using a key kept in this "
                "computer's keyring. Convenient, but anyone who can use your logged-in account "
                "could then open your journal. Turn it off to forget the key here.")
        else:
            remember_text = self.tr(
                "This computer has no secure keyring (such as GNOME Keyring, KWallet, the "
                "macOS Keychain or Windows Credential Manager), so Companion asks for your "
                "passphrase each time. Everything else works the same.")
        self.auto_lock = QComboBox()
        self.auto_lock.setAccessibleName(self.tr("Lock automatically"))
        for minutes in AUTO_LOCK_CHOICES:
            self.auto_lock.addItem(self.tr(auto_lock_label(minutes)), minutes)
        self.auto_lock.activated.connect(self._auto_lock_chosen)
        self.security_status = QLabel()
        self.security_status.setWordWrap(True)
        self.security_error = error_label()
        self.security_error.setVisible(False)
        for row in (
            _row(self.tr("Passphrase"), self.tr("The passphrase that opens your journal."),
                 self.passphrase_button),
            _row(self.tr("Recovery code"), self.tr(
                "Make a new one if the old code may have been seen or is lost. The old code "
                "then stops working."), self.recovery_button),
            _row(self.remember, remember_text),
            _row(self.tr("Lock automatically"), self.tr(
                "When you have not used the keyboard or mouse for this long. Ctrl+L locks at "
                "once."), self.auto_lock),
        ):
            layout.addWidget(row)
        layout.addWidget(self.security_status)
        layout.addWidget(self.security_error)
        self.security_status.setVisible(False)
        return card

    def _build_appearance(self) -> QFrame:
        card, layout = _card(self.tr("Appearance"))
        self.theme = QComboBox()
        self.theme.setAccessibleName(self.tr("Theme"))
        for value, label in THEMES:
            self.theme.addItem(self.tr(label), value)
        self.theme.activated.connect(self._theme_chosen)
        layout.addWidget(_row(self.tr("Theme"), self.tr("Light or dark, or follow the "
                                                        "system's choice."), self.theme))
        return card

    def _build_reminder(self) -> QFrame:
        card, layout = _card(self.tr("Daily reminder"))
        self.reminder = QCheckBox(self.tr("Remind me to check in every day"))
        self.reminder.setStyleSheet("font-weight: 600;")
        self.reminder.toggled.connect(self._reminder_changed)
        self.reminder_time = QTimeEdit()
        self.reminder_time.setDisplayFormat("HH:mm")
        self.reminder_time.setAccessibleName(self.tr("Reminder time"))
        self.reminder_time.timeChanged.connect(self._reminder_changed)
        if QSystemTrayIcon.isSystemTrayAvailable():
            text = self.tr(
                "A gentle notification from Companion's tray icon. There are no streaks to "
                "keep: skip any day you like. While it is on, closing the window keeps "
                "Companion in the tray.")
        else:
            text = self.tr(
                "This desktop shows no tray icon, so Companion cannot show the reminder here. "
                "There are no streaks to keep: skip any day you like.")
        time_box = QWidget()  # the time keeps its natural width, aligned with the controls
        time_layout = QHBoxLayout(time_box)
        time_layout.setContentsMargins(0, 0, 0, 0)
        time_layout.addStretch(1)
        time_layout.addWidget(self.reminder_time)
        layout.addWidget(_row(self.reminder, text, time_box))
        self.questionnaire_reminder = QCheckBox(self.tr("Remind me of questionnaires"))
        self.questionnaire_reminder.setStyleSheet("font-weight: 600;")
        self.questionnaire_reminder.toggled.connect(
            lambda on: self._save(questionnaire_reminder=on))
        layout.addWidget(_row(self.questionnaire_reminder, self.tr(
            "A gentle note when your last PHQ-9, GAD-7 or WHO-5 is two weeks old. Skip it "
            "whenever you like.")))
        return card

    def _build_backup(self) -> QFrame:
        card, layout = _card(self.tr("Backup"))
        self.backup_button = QPushButton(icon("save"), self.tr("Back up now…"))
        self.backup_button.clicked.connect(self.back_up)
        self.restore_button = QPushButton(icon("restore"), self.tr("Restore…"))
        self.restore_button.clicked.connect(self.restore)
        self.backup_status = QLabel()
        self.backup_status.setWordWrap(True)
        self.backup_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.backup_status.setVisible(False)
        self.backup_error = error_label()
        self.backup_error.setVisible(False)
        layout.addWidget(_row(self.tr("Back up"), self.tr(
            "One encrypted file with your whole journal. It opens only with the passphrase "
            "(or recovery code) you use now. Keep it somewhere other than this computer."),
            self.backup_button))
        layout.addWidget(_row(self.tr("Restore"), self.tr(
            "Replace this journal with a backup. The current one is kept aside, still "
            "encrypted."), self.restore_button))
        layout.addWidget(self.backup_status)
        layout.addWidget(self.backup_error)
        return card

    def _build_data(self) -> QFrame:
        card, layout = _card(self.tr("Your data"))
        self.import_button = QPushButton(icon("import"), self.tr("Import…"))
        self.import_button.clicked.connect(self.open_import)
        self.export_button = QPushButton(icon("export"), self.tr("Export…"))
        self.export_button.clicked.connect(self.open_export)
        layout.addWidget(_row(self.tr("Import"), self.tr(
            "Bring your history from jrnl, Daylio or Day One, or from a Companion export. "
            "You see what a file holds before anything is added."), self.import_button))
        layout.addWidget(_row(self.tr("Export"), self.tr(
            "Take everything with you: JSON (which Companion can import again), Markdown or "
            "CSV. Exported files are not encrypted."), self.export_button))
        return card

    # -- preferences ------------------------------------------------------------------------

    def load_preferences(self, prefs: Preferences) -> None:
        """Show `prefs` without saving them again."""
        widgets = (self.auto_lock, self.theme, self.reminder, self.reminder_time,
                   self.questionnaire_reminder)
        for widget in widgets:
            widget.blockSignals(True)
        try:
            index = self.auto_lock.findData(prefs.auto_lock_minutes)
            if index < 0:  # a value set outside the app (preferences.json): keep it listed
                self.auto_lock.addItem(self.tr(auto_lock_label(prefs.auto_lock_minutes)),
                                       prefs.auto_lock_minutes)
                index = self.auto_lock.count() - 1
            self.auto_lock.setCurrentIndex(index)
            self.theme.setCurrentIndex(max(self.theme.findData(prefs.theme), 0))
            self.reminder.setChecked(prefs.reminder_enabled)
            self.reminder_time.setTime(QTime.fromString(prefs.reminder_time, "HH:mm"))
            self.reminder_time.setEnabled(prefs.reminder_enabled)
            self.questionnaire_reminder.setChecked(prefs.questionnaire_reminder)
        finally:
            for widget in widgets:
                widget.blockSignals(False)

    def _save(self, **changes: object) -> None:
        self.ctx.prefs.update(replace(self.ctx.prefs.current, **changes))  # type: ignore[arg-type]

    def _auto_lock_chosen(self, index: int) -> None:
        self._save(auto_lock_minutes=int(self.auto_lock.itemData(index)))

    def _theme_chosen(self, index: int) -> None:
        self._save(theme=str(self.theme.itemData(index)))

    def _reminder_changed(self) -> None:
        enabled = self.reminder.isChecked()
        self.reminder_time.setEnabled(enabled)
        self._save(reminder_enabled=enabled,
                   reminder_time=self.reminder_time.time().toString("HH:mm"))

    # -- keys -------------------------------------------------------------------------------

    def change_passphrase(self) -> ChangePassphraseDialog:
        dialog = ChangePassphraseDialog(self.ctx.app, self.ctx.runner, self)
        dialog.changed.connect(self._passphrase_changed)
        dialog.rekeyed.connect(self._rekeyed)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _passphrase_changed(self) -> None:
        self._say(self.security_status, self.tr(
            "Your passphrase is changed. Use the new one next time you unlock."))

    def _rekeyed(self, code: str) -> NewRecoveryCodeDialog:
        self._say(self.security_status, self.tr(
            "Your journal is re-encrypted under a new key: old copies of its key file and your "
            "old recovery code open nothing now."))
        dialog = NewRecoveryCodeDialog(self.ctx.app, self.ctx.runner, self)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        dialog.show_code(code)
        return dialog

    def new_recovery_code(self) -> NewRecoveryCodeDialog:
        dialog = NewRecoveryCodeDialog(self.ctx.app, self.ctx.runner, self)
        dialog.replaced.connect(self._code_replaced)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _code_replaced(self) -> None:
        self._say(self.security_status, self.tr(
            "You have a new recovery code; the old one no longer works."))

    def _load_remembered(self) -> None:
        if self.keyring_available:
            self.ctx.runner.run(self.ctx.app.is_remembered, self._remembered_loaded,
                                self._remember_failed)

    def _remembered_loaded(self, remembered: bool) -> None:
        self.remember.blockSignals(True)
        self.remember.setChecked(bool(remembered))
        self.remember.blockSignals(False)
        self.remember.setEnabled(True)

    def _remember_toggled(self, remember: bool) -> None:
        self.remember.setEnabled(False)
        self._say(self.security_error, "")
        app = self.ctx.app
        work = app.remember_on_device if remember else app.forget_on_device
        self.ctx.runner.run(work, self._remember_done, self._remember_failed)

    def _remember_done(self, _result: object) -> None:
        self.remember.setEnabled(True)
        self._say(self.security_status, self.tr(
            "Companion will open on this computer without asking for your passphrase.")
            if self.remember.isChecked() else self.tr(
            "Forgotten: Companion will ask for your passphrase when it starts."))

    def _remember_failed(self, exc: BaseException) -> None:
        self._say(self.security_error, user_message(exc))
        self._load_remembered()  # show what is really stored

    # -- backup and restore -----------------------------------------------------------------

    def back_up(self) -> None:
        day = self.ctx.app.clock.now().date().isoformat()
        suggested = str(Path(QDir.homePath()) / f"companion-backup-{day}.cbak")
        chosen, _ = QFileDialog.getSaveFileName(self, self.tr("Save a backup"), suggested,
                                                self.tr(BACKUP_FILTER))
        if not chosen:
            return
        target = Path(chosen)
        if not target.suffix:
            target = target.with_suffix(".cbak")
        self._say(self.backup_error, "")
        try:
            self.ctx.app.check_backup_target(target)  # a few stat calls, no SQL
        except UserError as exc:
            self._say(self.backup_error, self.tr("The backup was not saved. %1").replace(
                "%1", user_message(exc)))
            return
        self._backup_target = target
        self._set_backup_busy(True)
        self._say(self.backup_status, self.tr("Writing the backup…"))
        app = self.ctx.app
        self.ctx.runner.run(lambda: app.backup(target), self._backed_up, self._backup_failed,
                            lane=Lane.VAULT)

    def _backed_up(self, size: int) -> None:
        self._set_backup_busy(False)
        self._say(self.backup_status, self.tr("Backup saved (%1) to %2.").replace(
            "%1", QLocale().formattedDataSize(size)).replace("%2", str(self._backup_target)))

    def _backup_failed(self, exc: BaseException) -> None:
        self._set_backup_busy(False)
        self.backup_status.setVisible(False)
        reason = user_message(exc)
        self._say(self.backup_error,
                    self.tr("The backup was not saved. %1").replace("%1", reason))

    def _set_backup_busy(self, busy: bool) -> None:
        self.backup_button.setEnabled(not busy)
        self.restore_button.setEnabled(not busy)

    def restore(self) -> RestoreDialog | None:
        chosen, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a backup"),
                                                QDir.homePath(), self.tr(BACKUP_FILTER))
        if not chosen:
            return None
        dialog = RestoreDialog(Path(chosen), self.ctx.app.home, self.ctx.runner, self)
        dialog.confirmed.connect(self._restore_confirmed)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _restore_confirmed(self, source: Path, secret: str) -> None:
        # The restorer belongs to the main window: locking destroys this page.
        BackupRestorer(self.ctx.app, self.ctx.runner, self.window()).start(source, secret)

    # -- your data --------------------------------------------------------------------------

    def open_import(self) -> ImportDialog:
        dialog = ImportDialog(self.ctx.app, self.ctx.runner, self)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def open_export(self) -> ExportDialog:
        dialog = ExportDialog(self.ctx.app, self.ctx.runner, self)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    # -- helpers ----------------------------------------------------------------------------

    @staticmethod
    def _say(label: QLabel, text: str) -> None:
        """Status and error lines take no room until they have something to say."""
        label.setText(text)
        label.setVisible(bool(text))

    def teardown(self) -> None:
        self.devices_card.teardown()
        for dialog in self.findChildren(SettingsDialog):
            dialog.dismiss()
        for data_dialog in self.findChildren(DataDialog):
            data_dialog.dismiss()
