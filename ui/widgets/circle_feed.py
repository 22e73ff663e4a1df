"""The composer above the circle's feed: a check-in or a note, and who will read it. (The feed
itself is ui/widgets/feed_view.py.)

The mood row is Today's own picker (ui/widgets/mood_picker.py), so a mood is picked the same
way on both pages. The rest of a check-in (energy, a note, Share) opens once a mood is picked:
until then the composer is one row and the feed has the room. Check-in or note is a pair of
chips, not tabs: the page has no tabs inside tabs.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.mood_picker import EnergyPicker, MoodPicker
from ui.widgets.roving_focus import RovingFocus


class Composer(QFrame):
    """A check-in or a note, with a line saying who will read it."""

    def __init__(self) -> None:
        super().__init__()
        self.setProperty("card", True)
        self.checkin_chip = self._chip(self.tr("Check-in"))
        self.note_chip = self._chip(self.tr("Note"))
        self.checkin_chip.setChecked(True)
        self.kinds = QButtonGroup(self)
        self.kinds.setExclusive(True)
        for chip in (self.checkin_chip, self.note_chip):
            self.kinds.addButton(chip)
        self.kind_focus = RovingFocus([self.checkin_chip, self.note_chip], self)
        self.readers = QLabel("")
        self.readers.setWordWrap(True)
        self.readers.setProperty("role", "hint")
        self.readers.setAccessibleName(self.tr("Who will read it"))
        top = QHBoxLayout()
        top.setSpacing(6)
        top.addWidget(self.checkin_chip)
        top.addWidget(self.note_chip)
        top.addSpacing(10)
        top.addWidget(self.readers, 1)

        self.mood = MoodPicker()
        self.energy = EnergyPicker()
        self.scales = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.scales.setContentsMargins(0, 0, 0, 0)
        self.scales.setSpacing(8)
        self.scales.addWidget(self.mood, 1)
        self.scales.addWidget(self.energy, 1)
        checkin = QWidget()
        checkin.setLayout(self.scales)
        self.title = QLineEdit()
        self.title.setMaxLength(120)
        self.title.setPlaceholderText(self.tr("Title"))
        self.title.setAccessibleName(self.tr("Note title"))
        self.body = QPlainTextEdit()
        self.body.setPlaceholderText(self.tr("What would you like to share? Markdown works: "
                                             "**bold**, _italic_, lists, links."))
        self.body.setAccessibleName(self.tr("Note text"))
        self.body.setTabChangesFocus(True)
        self.body.setFixedHeight(self.body.fontMetrics().lineSpacing() * 3 + 16)
        note = QWidget()
        note_box = QVBoxLayout(note)
        note_box.setContentsMargins(0, 0, 0, 0)
        note_box.setSpacing(6)
        note_box.addWidget(self.title)
        note_box.addWidget(self.body)
        self.pages = QStackedWidget()
        self.pages.addWidget(checkin)
        self.pages.addWidget(note)

        self.note = QLineEdit()
        self.note.setMaxLength(280)
        self.note.setPlaceholderText(self.tr("A short note (optional)"))
        self.note.setAccessibleName(self.tr("Check-in note"))
        self.share_button = QPushButton(self.tr("Share"))
        self.share_button.setAccessibleName(self.tr("Share with the circle"))
        self.bottom = QWidget()
        bottom = QHBoxLayout(self.bottom)
        bottom.setContentsMargins(0, 0, 0, 0)
        bottom.addWidget(self.note, 1)
        bottom.addStretch(0)
        bottom.addWidget(self.share_button)
        self.note.returnPressed.connect(self.share_button.click)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.pages)
        layout.addWidget(self.bottom)
        self.kinds.buttonToggled.connect(lambda *_: self._fit())
        self.mood.changed.connect(lambda _value: self._fit())
        self._fit()

    def _chip(self, text: str) -> QPushButton:
        chip = QPushButton(text)
        chip.setCheckable(True)
        chip.setProperty("chip", True)
        chip.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        return chip

    def _fit(self) -> None:
        """Show what the chosen kind needs: a check-in grows once a mood is picked."""
        checkin = self.is_checkin
        self.pages.setCurrentIndex(0 if checkin else 1)
        open_ = not checkin or self.mood.value() is not None
        self.energy.setVisible(checkin and open_)
        self.note.setVisible(checkin)
        self.bottom.setVisible(open_)
        shown = self.pages.currentWidget()
        for index in range(self.pages.count()):
            page = self.pages.widget(index)
            policy = (QSizePolicy.Policy.Preferred if page is shown
                      else QSizePolicy.Policy.Ignored)
            if page is not None:
                page.setSizePolicy(QSizePolicy.Policy.Preferred, policy)
        self.kind_focus.settle()
        self._arrange(self.width())

    def _arrange(self, width: int) -> None:
        """Mood and energy side by side where both fit, one above the other where not."""
        needed = (self.mood.minimumSizeHint().width() + self.energy.minimumSizeHint().width()
                  + 40)
        wide = width >= needed
        self.scales.setDirection(QBoxLayout.Direction.LeftToRight if wide
                                 else QBoxLayout.Direction.TopToBottom)
        self.scales.setSpacing(18 if wide else 8)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._arrange(event.size().width())

    @property
    def is_checkin(self) -> bool:
        return self.checkin_chip.isChecked()

    def set_kind(self, kind: str) -> None:
        (self.checkin_chip if kind == "checkin" else self.note_chip).setChecked(True)

    def set_readers(self, count: int, paused: str = "") -> None:
        if paused:
            self.readers.setProperty("role", "error")
            self.readers.setText(paused)
        else:
            self.readers.setProperty("role", "hint")
            self.readers.setText(
                self.tr("Nobody else is in the circle yet: only you will see this.")
                if count == 0 else
                self.tr("1 other person will read this, after the next sync.") if count == 1
                else self.tr("%1 other people will read this, after the next sync.").replace(
                    "%1", str(count)))
        self.readers.style().unpolish(self.readers)
        self.readers.style().polish(self.readers)
        self.share_button.setEnabled(not paused)

    def focus_first(self) -> None:
        target = self.mood.button(self.mood.value() or 1) if self.is_checkin else self.title
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def clear(self) -> None:
        self.mood.setValue(None)
        self.energy.setValue(None)
        for widget in (self.note, self.title):
            widget.clear()
        self.body.clear()
        self._fit()
