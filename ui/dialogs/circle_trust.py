"""Trust in a circle: the invite (code and QR), comparing safety numbers, and the blocking
alert when a member's keys change.

The safety number is the same on both screens (docs/protocol.md §2), so the verify dialog shows
it twice, side by side: what this screen shows and what the other person's screen must show.
Only the person can say they match; nothing here marks anyone verified on its own.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
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

from ui.dialogs.base import claim_default
from ui.widgets.common import hint, subheading
from ui.widgets.one_time_code import OneTimeCode
from ui.widgets.qr_code import qr_label
from ui.widgets.safety_number import SafetyNumberLabel


class InviteDialog(QDialog):
    def __init__(self, circle_name: str, code: str, fingerprint: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Invite someone to %1").replace("%1", circle_name))
        self.code = code
        layout = QVBoxLayout(self)
        layout.addWidget(subheading(self.tr("A one-time invite")))
        layout.addWidget(hint(self.tr(
            "Give this code to one person, privately: it works once, for 7 days. They paste it "
            "in Circle → Join (a phone can read the QR code to pass it on). Before they join, "
            "read them your fingerprint below on a call: their screen shows the one in the "
            "code. Then compare safety numbers with them.")))
        self.fingerprint = QLabel(self.tr("Your fingerprint: %1").replace("%1", fingerprint))
        self.fingerprint.setTextFormat(Qt.TextFormat.PlainText)
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fingerprint.setFont(QFont("monospace"))
        self.fingerprint.setWordWrap(True)  # between its groups, in a narrow window
        layout.addWidget(self.fingerprint)
        self.invite = OneTimeCode(code, self.tr("Invite code"), self.tr("Invite QR code"),
                                  self.tr("The invite code beside it, for a phone's camera"))
        self.qr, self.code_view = self.invite.qr, self.invite.code_view
        self.copy_button = self.invite.copy_button
        layout.addWidget(self.invite)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def copy(self) -> None:
        self.invite.copy()

    def done(self, result: int) -> None:
        self.invite.clear()  # the code is a secret until used: do not keep it around
        self.code = ""
        super().done(result)


class VerifyDialog(QDialog):
    """Both safety numbers side by side; "They match" / "They don't match"."""

    answered = Signal(bool)  # True: they match

    def __init__(self, member_name: str, number: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Verify %1").replace("%1", member_name))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        layout = QVBoxLayout(self)
        layout.addWidget(subheading(self.tr("Compare safety numbers with %1").replace(
            "%1", member_name)))
        layout.addWidget(hint(self.tr(
            "Meet in person or call each other. %1 opens Circle → Members → Verify on their "
            "side. The number must be the same on both screens, digit for digit (on a call, "
            "read it aloud; side by side, the QR codes must match too). If it is, nobody is "
            "in the middle.").replace(
            "%1", member_name)))
        sides = QHBoxLayout()
        sides.addWidget(self._side(self.tr("Your screen"), number))
        sides.addWidget(self._side(self.tr("%1's screen should show").replace(
            "%1", member_name), number))
        layout.addLayout(sides)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.later_button = QPushButton(self.tr("Compare later"))
        self.mismatch_button = QPushButton(self.tr("They don't match"))
        self.match_button = QPushButton(self.tr("They match"))
        # Enter answers nothing: saying the numbers match must be a choice made after
        # comparing them, never a key pressed out of habit.
        self.later_button.setDefault(True)
        self.later_button.clicked.connect(self.reject)
        self.mismatch_button.clicked.connect(lambda: self._answer(False))
        self.match_button.clicked.connect(lambda: self._answer(True))
        buttons.addWidget(self.later_button)
        buttons.addWidget(self.mismatch_button)
        buttons.addWidget(self.match_button)
        layout.addLayout(buttons)
        claim_default(self)

    def _side(self, title: str, number: str) -> QFrame:
        frame = QFrame()
        frame.setProperty("card", True)
        box = QVBoxLayout(frame)
        label = QLabel(title)
        label.setProperty("role", "section")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box.addWidget(label)
        box.addWidget(SafetyNumberLabel(number, self.tr("Safety number"), point_size=13,
                                        centred=True))
        box.addWidget(qr_label(number, 3, self.tr("Safety number QR code"), self.tr(
            "The safety number above, for comparing the two screens side by side")))
        return frame

    def _answer(self, match: bool) -> None:
        self.answered.emit(match)
        self.accept() if match else self.reject()


class KeyChangeDialog(QDialog):
    """Blocking: a member's keys changed, so sharing waits until the numbers are compared."""

    verify_requested = Signal()

    def __init__(self, names: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Keys changed"))
        self.setModal(True)
        layout = QVBoxLayout(self)
        who = ", ".join(names)
        layout.addWidget(subheading(self.tr("The keys of %1 changed").replace("%1", who)))
        text = QLabel(self.tr(
            "This happens when someone sets Companion up again, but it is also what it would "
            "look like if someone else took their place. Nothing will be shared with the "
            "circle until you compare safety numbers with %1 again.").replace("%1", who))
        text.setWordWrap(True)
        layout.addWidget(text)
        buttons = QDialogButtonBox()
        self.later_button = buttons.addButton(self.tr("Not now"),
                                              QDialogButtonBox.ButtonRole.RejectRole)
        self.verify_button = buttons.addButton(self.tr("Verify again"),
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        self.verify_button.setDefault(True)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self._verify)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)
        claim_default(self)

    def _verify(self) -> None:
        self.accept()
        self.verify_requested.emit()
