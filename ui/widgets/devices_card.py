"""Settings → Your computers: one journal on every computer you own (device sync).

The card shows the device group as the syncer last read it (`DeviceSnapshot`, read on a
worker): not set up (set up here, or join with a code), waiting to be let in (with the safety
number to compare), or in step (the computers, the ones asking to join, entries edited on two
computers, a status line). Every action goes through the syncer's queue, off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion.devices.group import DeviceView
from companion.models import Changes
from ui.context import UiContext
from ui.device_sync import (
    DeviceRound,
    DeviceSnapshot,
    DeviceSyncer,
    describe_failure,
    describe_schedule,
    describe_status,
)
from ui.dialogs.device_conflicts import DeviceConflictsDialog
from ui.dialogs.device_pairing import AskingPanel, PairingDialog, plain_label
from ui.dialogs.device_setup import JoinDevicesDialog, SetUpDevicesDialog
from ui.icons import icon
from ui.widgets.common import error_label, hint, subheading, user_message
from ui.widgets.safety_number import SafetyNumberLabel

CONTROL_WIDTH = 190


def _bold(text: str) -> QLabel:
    label = plain_label(text)
    label.setStyleSheet("font-weight: 600;")
    return label


def _row(title: QLabel, texts: list[QLabel], control: QWidget | None = None) -> QWidget:
    """Its name and sentences on the left, its control on the right (as Settings' rows)."""
    row = QWidget()
    column = QVBoxLayout()
    column.setSpacing(2)
    column.addWidget(title)
    for text in texts:
        column.addWidget(text)
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(16)
    layout.addLayout(column, 1)
    if control is not None:
        control.setMinimumWidth(CONTROL_WIDTH)
        layout.addWidget(control, 0, Qt.AlignmentFlag.AlignVCenter)
    return row


class DevicesCard(QFrame):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setProperty("card", True)
        # The session's syncer (it outlives the page); a card built on its own (in a test)
        # runs one of its own.
        self._own_syncer = ctx.session is None
        self.syncer = (ctx.session.device_sync if ctx.session is not None
                       else DeviceSyncer(ctx, self))
        self.snapshot: DeviceSnapshot | None = None
        self.dialog: QDialog | None = None  # the dialog open now (tests drive it)
        self.remove_buttons: list[QPushButton] = []
        self._shown_devices: tuple[DeviceView, ...] | None = None
        self._working = False
        self._action_error = ""
        self._build()
        self.syncer.snapshot_changed.connect(self.show_snapshot)
        self.syncer.started.connect(self._render_status)
        self.syncer.finished.connect(self._round_finished)
        self.syncer.schedule_changed.connect(self._render_status)
        ctx.prefs.changed.connect(self._preferences_changed)  # a method: gone with the card
        ctx.changes.changed.connect(self._changed)
        if self._own_syncer:
            self.syncer.start()
        if self.syncer.snapshot is not None:
            self.show_snapshot(self.syncer.snapshot)
        else:
            self._render()

    # -- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 16)
        layout.setSpacing(12)
        layout.addWidget(subheading(self.tr("Your computers")))
        layout.addWidget(hint(self.tr(
            "Keep one journal on every computer you own: entries and check-ins go both ways, "
            "end-to-end encrypted, through a folder your computers keep in step or a WebDAV "
            "server. Each computer keeps its own vault and passphrase. Circles stay on the "
            "computer that joined them: they are not shared with your other computers.")))
        # Not set up.
        self.set_up_button = QPushButton(self.tr("Set up on this computer…"))
        self.set_up_button.clicked.connect(self.set_up)
        self.join_button = QPushButton(self.tr("Join with a code…"))
        self.join_button.clicked.connect(self.join)
        self.start_section = QWidget()
        start = QVBoxLayout(self.start_section)
        start.setContentsMargins(0, 0, 0, 0)
        start.setSpacing(12)
        start.addWidget(_row(_bold(self.tr("The computer with your journal")), [hint(self.tr(
            "Start here, then add your other computers with a one-time pairing code."))],
            self.set_up_button))
        start.addWidget(_row(_bold(self.tr("Another computer")), [hint(self.tr(
            "Have a pairing code from your other computer? Join with it and the same "
            "storage."))], self.join_button))
        layout.addWidget(self.start_section)
        # Waiting to be let in.
        self.joining_section = QWidget()
        joining = QVBoxLayout(self.joining_section)
        joining.setContentsMargins(0, 0, 0, 0)
        self.joining_title = _bold(self.tr("Waiting to be let in"))
        joining.addWidget(self.joining_title)
        self.waiting_hint = hint(self.tr(
            "On your other computer, open Settings → Your computers and press Sync now there: "
            "it shows this computer asking to join, with a safety number. Allow it there only "
            "if the number is the same as this one. This computer then reads your journal at "
            "its next sync."))
        joining.addWidget(self.waiting_hint)
        self.refused_hint = hint(self.tr(
            "Your other computer refused to let this one in, so nothing was shared with it. "
            "If that was a mistake, cancel joining here and pair again with a new code."))
        joining.addWidget(self.refused_hint)
        self.joining_number = SafetyNumberLabel("", self.tr("This computer's safety number"))
        joining.addWidget(self.joining_number)
        layout.addWidget(self.joining_section)
        # In step.
        self.removed_notice = hint(self.tr(
            "Another of your computers removed this one: nothing new reaches it, and what it "
            "writes is refused. Its journal stays here as it is."))
        layout.addWidget(self.removed_notice)
        self.asking = AskingPanel()
        self.asking.allow.connect(lambda name: self.decide(name, True))
        self.asking.refuse.connect(lambda name: self.decide(name, False))
        layout.addWidget(self.asking)
        self.review_button = QPushButton(self.tr("Review…"))
        self.review_button.clicked.connect(self.review_conflicts)
        self.conflicts_label = _bold("")
        self.conflicts_row = _row(self.conflicts_label, [hint(self.tr(
            "Both versions of each are kept until you choose."))], self.review_button)
        layout.addWidget(self.conflicts_row)
        self.computers = QWidget()
        computers = QVBoxLayout(self.computers)
        computers.setContentsMargins(0, 0, 0, 0)
        computers.setSpacing(10)
        heading = QLabel(self.tr("Computers"))
        heading.setProperty("role", "section")
        computers.addWidget(heading)
        self.computer_rows = QVBoxLayout()
        self.computer_rows.setSpacing(10)
        computers.addLayout(self.computer_rows)
        layout.addWidget(self.computers)
        self.status_line = plain_label("", "hint")
        self.status_line.setAccessibleName(self.tr("Device sync status"))
        self.storage_line = plain_label("", "hint")
        self.schedule_line = hint("")
        self.lines = QWidget()  # hidden whole when not set up: no gap where it would be
        lines = QVBoxLayout(self.lines)
        lines.setContentsMargins(0, 0, 0, 0)
        lines.setSpacing(2)
        for label in (self.status_line, self.storage_line, self.schedule_line):
            lines.addWidget(label)
        layout.addWidget(self.lines)
        self.error = error_label()
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.message = plain_label("")
        layout.addWidget(self.error)
        layout.addWidget(self.message)
        self.add_button = QPushButton(icon("plus"), self.tr("Add a computer…"))
        self.add_button.clicked.connect(self.add_computer)
        self.sync_button = QPushButton(self.tr("Sync now"))
        self.sync_button.clicked.connect(self.sync_now)
        self.cancel_join_button = QPushButton(self.tr("Cancel joining…"))
        self.cancel_join_button.clicked.connect(self.cancel_join)
        self.button_row = QWidget()
        buttons = QHBoxLayout(self.button_row)
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_join_button)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.sync_button)
        layout.addWidget(self.button_row)

    # -- showing ----------------------------------------------------------------------------

    def show_snapshot(self, snapshot: DeviceSnapshot) -> None:
        self.snapshot = snapshot
        self._render()

    def _render(self) -> None:
        snapshot = self.snapshot
        state = snapshot.state if snapshot is not None else "unknown"
        self.start_section.setVisible(state == "none")
        self.joining_section.setVisible(state == "joining")
        self.removed_notice.setVisible(state == "removed")
        in_group = state in ("active", "removed")
        if snapshot is not None and state == "joining":
            self.joining_number.set_number(snapshot.joining_number)
        refused = bool(snapshot is not None and snapshot.status is not None
                       and snapshot.status.refused)
        self.joining_title.setText(self.tr("Not let in") if refused
                                   else self.tr("Waiting to be let in"))
        self.waiting_hint.setVisible(not refused)
        self.joining_number.setVisible(not refused)
        self.refused_hint.setVisible(refused)
        self.asking.set_asking(snapshot.asking if snapshot is not None and state == "active"
                               else ())
        conflicts = len(snapshot.conflicts) if snapshot is not None else 0
        self.conflicts_row.setVisible(state == "active" and conflicts > 0)
        self.conflicts_label.setText(
            self.tr("1 entry was edited on two computers") if conflicts == 1 else
            self.tr("%1 entries were edited on two computers").replace("%1", str(conflicts)))
        self._show_computers(snapshot.devices if snapshot is not None and in_group else ())
        self.computers.setVisible(in_group)
        self.add_button.setVisible(state == "active")
        self.cancel_join_button.setVisible(state == "joining")
        self.sync_button.setVisible(state == "active" or (state == "joining" and not refused))
        self.button_row.setVisible(state in ("active", "joining"))
        self.lines.setVisible(snapshot is not None and snapshot.set_up)
        self._render_status()
        self._enable()
        self._order_tabs()

    def _render_status(self) -> None:
        snapshot = self.snapshot
        set_up = snapshot is not None and snapshot.set_up
        status = snapshot.status if snapshot is not None else None
        self._say(self.status_line, describe_status(snapshot, self.syncer.last,
                                                    self.syncer.syncing)
                  if snapshot is not None and set_up else "")
        where = ""
        if status is not None:
            where = (self.tr("Through the folder %1") if status.storage_kind == "folder"
                     else self.tr("Through the WebDAV folder %1")).replace(
                "%1", status.storage_location)
        self._say(self.storage_line, where)
        self._say(self.schedule_line, describe_schedule(self.syncer.interval_minutes,
                                                        self.syncer.hurrying)
                  if set_up and status is not None and status.state != "removed" else "")
        last = self.syncer.last
        errors = []
        if set_up and last is not None and last.error is not None:
            errors.append(describe_failure(last.error))
        if self._action_error:
            errors.append(self._action_error)
        self._say(self.error, "\n".join(errors))
        self.sync_button.setEnabled(not self.syncer.syncing)

    def _show_computers(self, devices: tuple[DeviceView, ...]) -> None:
        if self._shown_devices == devices:
            return
        self._shown_devices = devices
        while self.computer_rows.count():
            item = self.computer_rows.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()  # at once: it is deleted on the next turn of the loop
                widget.deleteLater()
        self.remove_buttons = []
        for device in devices:
            self.computer_rows.addWidget(self._computer(device))

    def _computer(self, device: DeviceView) -> QWidget:
        if device.this_device:
            return _row(_bold(device.name), [hint(self.tr("This computer"))])
        if not device.active:
            return _row(_bold(device.name), [hint(self.tr("Removed"))])
        remove = QPushButton(self.tr("Remove…"))
        remove.setAccessibleName(self.tr("Remove %1").replace("%1", device.name))
        name = device.name
        remove.clicked.connect(lambda: self.remove(name))
        self.remove_buttons.append(remove)
        return _row(_bold(device.name), [
            hint(self.tr("Safety number (the same on both screens):")),
            SafetyNumberLabel(device.safety_number,
                              self.tr("Safety number of %1").replace("%1", device.name))],
            remove)

    def _enable(self) -> None:
        for button in (self.set_up_button, self.join_button, self.add_button,
                       self.cancel_join_button, self.review_button, *self.remove_buttons):
            button.setEnabled(not self._working)
        self.asking.set_enabled(not self._working)

    def _order_tabs(self) -> None:
        """Reading order: rows made after the buttons below them still come before them."""
        chain: list[QWidget] = [self, self.set_up_button, self.join_button,
                                *self.asking.buttons, self.review_button,
                                *self.remove_buttons, self.cancel_join_button,
                                self.add_button, self.sync_button]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _preferences_changed(self, _prefs: object) -> None:
        self._render_status()

    def _round_finished(self, _round: DeviceRound) -> None:
        self._render_status()

    def _changed(self, changes: Changes) -> None:
        """An entry or check-in changed (here or by a round): what waits and the conflicts
        are read again, unless a job is about to read them anyway."""
        if (changes.entries or changes.checkins) and not self.syncer.busy and \
                self.snapshot is not None and self.snapshot.set_up:
            self.syncer.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if not self.syncer.busy:
            self.syncer.refresh()

    # -- actions ----------------------------------------------------------------------------

    def set_up(self) -> SetUpDevicesDialog:
        dialog = SetUpDevicesDialog(self.ctx.app, self.syncer, self)
        dialog.accepted.connect(lambda: self._tell(self.tr(
            "Device sync is set up. Add your other computers with Add a computer…")))
        self._open(dialog)
        return dialog

    def join(self) -> JoinDevicesDialog:
        dialog = JoinDevicesDialog(self.ctx.app, self.syncer, self)
        dialog.accepted.connect(lambda: self._tell(self.tr(
            "Asked to join. Compare this computer's safety number with the one your other "
            "computer shows when it lists this one as asking.")))
        self._open(dialog)
        return dialog

    def add_computer(self) -> None:
        app = self.ctx.app

        def make_code() -> str:  # `app.devices` is built on the worker, not here
            return app.devices.pairing_code()

        self._start_work(make_code, self._show_code)

    def _show_code(self, code: str) -> None:
        self._open(PairingDialog(code, self.syncer, self))

    def decide(self, name: str, allow: bool) -> None:
        app = self.ctx.app
        text = (self.tr("Allowed “%1”. It is let in, and sent your journal, at this "
                        "computer's next sync; it reads the journal at its own next sync.")
                if allow else
                self.tr("Refused “%1”: its code can no longer be used. Make a new code with "
                        "Add a computer… if you still want to add a computer."))
        self._start_work(lambda: app.devices.decide(name, allow),
                         lambda _none: self._tell(text.replace("%1", name)), sync_after=True)

    def remove(self, name: str) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Remove “%1”?").replace("%1", name),
                          self.tr(
            "Use this for a lost, sold or given-away computer. Your remaining computers will "
            "share a new key that “%1” never gets, and anything it writes from then on is "
            "refused. What it already holds stays in its vault, under its passphrase: nothing "
            "can erase that from here.").replace("%1", name),
                          QMessageBox.StandardButton.Cancel, self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        yes = box.addButton(self.tr("Remove"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.buttonClicked.connect(lambda button: self._removing(name) if button is yes else None)
        box.confirm_button = yes  # type: ignore[attr-defined]
        self._open(box)
        return box

    def _removing(self, name: str) -> None:
        app = self.ctx.app
        self._start_work(lambda: app.devices.remove(name), lambda _none: self._tell(self.tr(
            "“%1” is removed: from this computer's next sync on, your computers share a new "
            "key it never gets. What it already holds stays in its vault.").replace(
            "%1", name)), sync_after=True)

    def cancel_join(self) -> QMessageBox:
        """Stop waiting to be let in (a wrong folder, the wrong computer, a change of mind),
        once the person confirms: the group asked to join is forgotten here."""
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Cancel joining?"),
                          self.tr(
            "This computer stops asking to join your other computer and forgets its pairing "
            "code; nothing was shared with it yet. Your journal here stays as it is, and you "
            "can set up device sync again, with a new code or other storage. If your other "
            "computer lists this one as asking to join, refuse it there."),
                          QMessageBox.StandardButton.NoButton, self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        keep = box.addButton(self.tr("Keep waiting"), QMessageBox.ButtonRole.RejectRole)
        stop = box.addButton(self.tr("Cancel joining"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.buttonClicked.connect(lambda button: self._cancelling() if button is stop else None)
        box.confirm_button = stop  # type: ignore[attr-defined]
        self._open(box)
        return box

    def _cancelling(self) -> None:
        app = self.ctx.app
        self._start_work(app.cancel_device_join, lambda _none: self._tell(self.tr(
            "This computer no longer waits to join. Set up device sync again whenever you "
            "like.")))

    def review_conflicts(self) -> DeviceConflictsDialog:
        dialog = DeviceConflictsDialog(self.syncer, self)
        dialog.finished.connect(lambda _result: self._tell(
            self.tr("Kept your choice; it goes to your other computers with the next sync.")
            if dialog.kept else ""))
        self._open(dialog)
        return dialog

    def sync_now(self) -> None:
        self._tell("")
        self.syncer.sync_now()
        self._render_status()

    def _start_work(self, work: Callable[[], Any], done: Callable[[Any], None], *,
                    sync_after: bool = False) -> None:
        self._working = True
        self._action_error = ""
        self._tell("")
        self._enable()

        def finished(result: Any) -> None:
            self._working = False
            self._enable()
            done(result)

        self.syncer.run(work, finished, self._work_failed, sync_after=sync_after, owner=self)

    def _work_failed(self, exc: BaseException) -> None:
        self._working = False
        self._enable()
        self._action_error = user_message(exc)
        self._render_status()

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.open()

    # -- helpers ----------------------------------------------------------------------------

    def _tell(self, text: str) -> None:
        self._say(self.message, text)

    @staticmethod
    def _say(label: QLabel, text: str) -> None:
        label.setText(text)
        label.setVisible(bool(text))

    def teardown(self) -> None:
        """Before the vault locks: no dialog, code or entry text stays behind."""
        if self._own_syncer:
            self.syncer.stop()
        if self.dialog is not None and shiboken6.isValid(self.dialog):
            self.dialog.close()
        self.dialog = None
        self.snapshot = None
        self.joining_number.clear()
        self._render()

