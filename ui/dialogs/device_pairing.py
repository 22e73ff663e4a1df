"""Adding a computer: the one-time pairing code, and the computers asking to join with it.

The code lets a computer ask, nothing more: it is let in only when the person, having seen
the same safety number on both screens, presses Allow here (or on the Settings card). While
the dialog is open the syncer looks at the storage every few seconds, so the asking computer
shows up without pressing anything.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion.devices.group import JoinAsk
from ui.device_sync import DeviceSnapshot, DeviceSyncer
from ui.widgets.common import hint, subheading, user_message
from ui.widgets.one_time_code import OneTimeCode
from ui.widgets.safety_number import SafetyNumberLabel


def plain_label(text: str, role: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # names come from the other computer
    label.setWordWrap(True)
    if role:
        label.setProperty("role", role)
    return label


class AskingPanel(QWidget):
    """Each computer asking to join: its name, the safety number its screen should show,
    Refuse and Allow."""

    allow = Signal(str)
    refuse = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.asking: tuple[JoinAsk, ...] = ()
        self.buttons: list[QPushButton] = []
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(0, 0, 0, 0)
        self.column.setSpacing(10)

    def set_asking(self, asking: tuple[JoinAsk, ...]) -> None:
        self.setVisible(bool(asking))  # no gap in the layout while nobody asks
        if asking == self.asking:
            return
        self.asking = asking
        self.buttons = []
        while self.column.count():
            item = self.column.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()  # at once: it is deleted on the next turn of the loop
                widget.deleteLater()
        for ask in asking:
            self.column.addWidget(self._row(ask))
        self.setVisible(bool(asking))

    def _row(self, ask: JoinAsk) -> QFrame:
        frame = QFrame()
        frame.setProperty("card", True)
        box = QVBoxLayout(frame)
        box.setContentsMargins(14, 10, 14, 12)
        title = plain_label(self.tr("“%1” asks to join").replace("%1", ask.name))
        title.setStyleSheet("font-weight: 600;")
        box.addWidget(title)
        box.addWidget(plain_label(self.tr(
            "Allow it only if its screen shows this same safety number, digit for digit. "
            "If it does not, or you did not ask to add a computer, refuse it."), "hint"))
        box.addWidget(SafetyNumberLabel(ask.safety_number, self.tr("Safety number of %1")
                                        .replace("%1", ask.name)))
        row = QHBoxLayout()
        row.addStretch(1)
        refuse = QPushButton(self.tr("Refuse"))
        refuse.setAccessibleName(self.tr("Refuse %1").replace("%1", ask.name))
        allow = QPushButton(self.tr("Allow"))
        allow.setAccessibleName(self.tr("Allow %1").replace("%1", ask.name))
        for button in (refuse, allow):
            button.setAutoDefault(False)
            row.addWidget(button)
        name = ask.name
        refuse.clicked.connect(lambda: self.refuse.emit(name))
        allow.clicked.connect(lambda: self.allow.emit(name))
        self.buttons += [refuse, allow]
        box.addLayout(row)
        return frame

    def set_enabled(self, enabled: bool) -> None:
        for button in self.buttons:
            button.setEnabled(enabled)


class PairingDialog(QDialog):
    """The pairing code (read-only, selectable, Copy) and who asks to join with it."""

    def __init__(self, code: str, syncer: DeviceSyncer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Add a computer"))
        self.syncer = syncer
        self.code = code
        self._hurrying = False
        self.allowed: str | None = None  # the computer let in from here, once allowed
        layout = QVBoxLayout(self)
        layout.addWidget(subheading(self.tr("A one-time pairing code")))
        layout.addWidget(hint(self.tr(
            "On your other computer, open Companion's Settings → Your computers → Join with a "
            "code…, paste this code and choose the same storage. The code works once, for one "
            "hour. Anyone who has it can only ask to join: nothing is shared until you allow "
            "the computer that asks. Your journal goes across; your circles stay on this "
            "computer.")))
        self.storage = plain_label("", "hint")
        layout.addWidget(self.storage)
        self.pairing = OneTimeCode(code, self.tr("Pairing code"),
                                   self.tr("Pairing code QR code"),
                                   self.tr("The pairing code beside it, as a QR code"))
        self.qr, self.code_view = self.pairing.qr, self.pairing.code_view
        self.copy_button = self.pairing.copy_button
        layout.addWidget(self.pairing)
        self.waiting = plain_label(self.tr(
            "Waiting for your other computer to ask to join. Companion checks every few "
            "seconds while this window is open."), "hint")
        layout.addWidget(self.waiting)
        self.asking = AskingPanel()
        self.asking.setVisible(False)
        self.asking.allow.connect(lambda name: self._decide(name, True))
        self.asking.refuse.connect(lambda name: self._decide(name, False))
        layout.addWidget(self.asking)
        self.message = plain_label("")
        self.message.setVisible(False)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(540)
        syncer.snapshot_changed.connect(self.show_snapshot)
        if syncer.snapshot is not None:
            self.show_snapshot(syncer.snapshot)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if not self._hurrying:
            self._hurrying = True
            self.syncer.hurry(True)
            self.syncer.sync_now()

    def copy(self) -> None:
        self.pairing.copy()

    def show_snapshot(self, snapshot: DeviceSnapshot) -> None:
        status = snapshot.status
        if status is not None:
            where = (self.tr("Storage: the folder %1") if status.storage_kind == "folder"
                     else self.tr("Storage: the WebDAV folder %1"))
            self.storage.setText(where.replace("%1", status.storage_location))
        self.asking.set_asking(snapshot.asking)
        self.asking.set_enabled(True)
        self.waiting.setVisible(not snapshot.asking and self.allowed is None)
        if self.allowed is not None and any(
                d.name == self.allowed and d.active and not d.this_device
                for d in snapshot.devices):
            self._say(self.tr("“%1” is one of your computers now. It reads your journal at its "
                              "own next sync.").replace("%1", self.allowed))
        self._order_tabs()

    def _decide(self, name: str, allow: bool) -> None:
        self.asking.set_enabled(False)
        app = self.syncer.ctx.app
        self.syncer.run(lambda: app.devices.decide(name, allow),
                        lambda _none: self._decided(name, allow), self._failed,
                        sync_after=True, owner=self)

    def _decided(self, name: str, allow: bool) -> None:
        if allow:
            self.allowed = name
        text = (self.tr("Allowed “%1”. It is let in, and sent your journal, at this "
                        "computer's next sync; it reads the journal at its own next sync.")
                if allow else
                self.tr("Refused “%1”: its code can no longer be used. Make a new code if you "
                        "still want to add a computer."))
        self._say(text.replace("%1", name))

    def _failed(self, exc: BaseException) -> None:
        self.asking.set_enabled(True)
        self._say(user_message(exc))

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _order_tabs(self) -> None:
        """Reading order: the code and Copy, the asking computers' buttons (made later),
        then the dialog's buttons."""
        chain: list[QWidget] = [self.code_view, self.copy_button, *self.asking.buttons,
                                self.buttons.button(QDialogButtonBox.StandardButton.Close)]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def done(self, result: int) -> None:
        if self._hurrying:
            self._hurrying = False
            self.syncer.hurry(False)
        self.pairing.clear()  # the code is a secret until used: do not keep it around
        self.code = ""
        super().done(result)
