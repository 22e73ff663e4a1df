"""Today's "A question for today": one reflective question a day (companion/prompts.py),
offered and never pressed. Write about it opens a new entry with the question as its heading;
Not today sets it aside until tomorrow; Don't show again turns it off (Settings brings it
back)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.widgets.common import subheading


class QuestionCard(QFrame):
    write_requested = Signal(str)  # the question
    set_aside = Signal()  # for today
    turned_off = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("card", True)
        self.setAccessibleName(self.tr("A question for today"))
        self.question = QLabel()
        self.question.setWordWrap(True)
        self.write_button = QPushButton(self.tr("Write about it"))
        self.write_button.setAutoDefault(False)
        self.write_button.clicked.connect(lambda: self.write_requested.emit(self.question.text()))
        self.later_button = QPushButton(self.tr("Not today"))
        self.later_button.setAutoDefault(False)
        self.later_button.setToolTip(self.tr("Set this question aside until tomorrow"))
        self.later_button.clicked.connect(self.set_aside.emit)
        self.off_button = QPushButton(self.tr("Don't show again"))
        self.off_button.setAutoDefault(False)
        self.off_button.setToolTip(self.tr("No more questions on Today (Settings brings them "
                                           "back)"))
        self.off_button.clicked.connect(self.turned_off.emit)
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        for button in (self.write_button, self.later_button, self.off_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 12)
        layout.setSpacing(6)
        layout.addWidget(subheading(self.tr("A question for today")))
        layout.addWidget(self.question)
        layout.addLayout(buttons)

    def show_question(self, question: str) -> None:
        self.question.setText(question)
        self.question.setAccessibleName(question)
        self.write_button.setAccessibleName(self.tr("Write about it: %1").replace("%1",
                                                                                   question))
