"""Correct or delete one check-in: the same controls as Today's form, and its time.

The dialog only gathers what the person chose; the page that opened it saves on the task
runner and offers undo (a wrong tap is fixed in two clicks, and a wrong fix in one more).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QDateTime, Qt, QTimeZone, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from companion.models import DEFAULT_ACTIVITIES, DEFAULT_EMOTIONS, CheckIn, normalize_label
from ui.dialogs.base import claim_default
from ui.widgets.chips import ChipGroup
from ui.widgets.mood_picker import EnergyPicker, MoodPicker


class CheckinEditDialog(QDialog):
    delete_requested = Signal()

    def __init__(self, checkin: CheckIn, known_emotions: list[str],
                 known_activities: list[str], now: datetime,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.checkin = checkin
        self.setWindowTitle(self.tr("Edit check-in"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.mood = MoodPicker()
        self.mood.setValue(checkin.mood)
        self.energy = EnergyPicker()
        self.energy.setValue(checkin.energy)
        self.emotions = ChipGroup(self.tr("Emotion"), DEFAULT_EMOTIONS, normalize=normalize_label)
        self.emotions.add_known(known_emotions)
        self.emotions.set_selected(checkin.emotions)
        self.activities = ChipGroup(self.tr("Activity"), DEFAULT_ACTIVITIES,
                                    normalize=normalize_label)
        self.activities.add_known(known_activities)
        self.activities.set_selected(checkin.activities)
        self.sleep_check = QCheckBox(self.tr("&Hours slept"))
        self.sleep_hours = QDoubleSpinBox()
        self.sleep_hours.setRange(0, 24)
        self.sleep_hours.setSingleStep(0.5)
        self.sleep_hours.setDecimals(1)
        self.sleep_hours.setSuffix(self.tr(" h"))
        self.sleep_hours.setAccessibleName(self.tr("Hours slept"))
        self.sleep_check.toggled.connect(self.sleep_hours.setEnabled)
        self.sleep_check.setChecked(checkin.sleep_hours is not None)
        self.sleep_hours.setValue(checkin.sleep_hours if checkin.sleep_hours is not None
                                  else 7.5)
        self.sleep_hours.setEnabled(checkin.sleep_hours is not None)
        self.note = QPlainTextEdit(checkin.note)
        self.note.setTabChangesFocus(True)
        self.note.setAccessibleName(self.tr("Note"))
        self.note.setFixedHeight(self.note.fontMetrics().lineSpacing() * 4 + 14)
        # The time as it was lived (its own offset), shown and edited in that offset.
        offset = checkin.at.utcoffset()
        seconds = int(offset.total_seconds()) if offset is not None else 0
        self._offset = seconds
        self.when = QDateTimeEdit()
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.when.setTimeZone(_zone(seconds))
        self.when.setDateTime(QDateTime.fromSecsSinceEpoch(int(checkin.at.timestamp()),
                                                           _zone(seconds)))
        self.when.setMaximumDateTime(QDateTime.fromSecsSinceEpoch(int(now.timestamp()),
                                                                  _zone(seconds)))
        self.when.setAccessibleName(self.tr("Time"))

        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(self.tr("Save"),
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        self.delete_button = buttons.addButton(self.tr("Delete"),
                                               QDialogButtonBox.ButtonRole.DestructiveRole)
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.delete_button.clicked.connect(self._delete)
        self.mood.changed.connect(
            lambda value: self.save_button.setEnabled(value is not None))

        # The chips wrap to the width, so the form scrolls rather than squeezing them.
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setSpacing(8)
        layout.addWidget(_label(self.tr("Mood"), self.mood))
        layout.addWidget(self.mood)
        for text, widget in ((self.tr("Energy (optional)"), self.energy),
                             (self.tr("Emotions"), self.emotions),
                             (self.tr("Activities"), self.activities)):
            layout.addWidget(_label(text, widget))
            layout.addWidget(widget)
        sleep_row = QHBoxLayout()
        sleep_row.addWidget(self.sleep_check)
        sleep_row.addWidget(self.sleep_hours)
        sleep_row.addStretch(1)
        layout.addLayout(sleep_row)
        layout.addWidget(_label(self.tr("&Note"), self.note))
        layout.addWidget(self.note)
        time_row = QHBoxLayout()
        time_row.addWidget(_label(self.tr("&Time"), self.when))
        time_row.addWidget(self.when)
        time_row.addStretch(1)
        layout.addLayout(time_row)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.addWidget(scroll, 1)
        outer.addWidget(buttons)
        self.resize(600, 680)
        claim_default(self)  # Save, not the first chip
        self.mood.setFocus()

    def values(self) -> dict[str, Any]:
        """What `CompanionApp.update_checkin` takes, as chosen."""
        moment = self.when.dateTime().toSecsSinceEpoch()
        at = datetime.fromtimestamp(moment, self.checkin.at.tzinfo)
        if int(self.checkin.at.timestamp()) // 60 == moment // 60:
            at = self.checkin.at  # untouched: keep the seconds it had
        return {"mood": self.mood.value(), "energy": self.energy.value(),
                "emotions": self.emotions.selected(), "activities": self.activities.selected(),
                "sleep_hours": self.sleep_hours.value() if self.sleep_check.isChecked()
                else None,
                "note": self.note.toPlainText(), "at": at}

    def _delete(self) -> None:
        self.delete_requested.emit()
        self.done(QDialog.DialogCode.Rejected)


def _zone(seconds: int) -> QTimeZone:
    return QTimeZone(seconds)


def _label(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(buddy)
    label.setProperty("role", "section")
    return label
