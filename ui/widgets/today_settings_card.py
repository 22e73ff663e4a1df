"""Settings → Today: whether Today shows "On this day" (and whether it leaves out hard days)
and "A question for today". They are the person's settings: device sync carries them to
their other computers (companion/devices/person_settings.py)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QCheckBox, QFrame, QVBoxLayout, QWidget

from companion.preferences import Preferences
from ui.context import UiContext
from ui.widgets.common import hint, subheading


class TodaySettingsCard(QFrame):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setProperty("card", True)
        self.on_this_day = QCheckBox(self.tr("Show “On this day”"))
        self.skip_hard_days = QCheckBox(self.tr("Leave out hard days"))
        self.question = QCheckBox(self.tr("Show a question for today"))
        for box in (self.on_this_day, self.skip_hard_days, self.question):
            box.setStyleSheet("font-weight: 600;")
        self.on_this_day.toggled.connect(lambda on: self._save(on_this_day=on))
        self.skip_hard_days.toggled.connect(
            lambda on: self._save(on_this_day_skip_hard_days=on))
        self.question.toggled.connect(self._question_toggled)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 16)
        layout.setSpacing(12)
        layout.addWidget(subheading(self.tr("Today")))
        for box, text in (
            (self.on_this_day, self.tr(
                "What you wrote and how you felt on this date in earlier years, and a month "
                "ago, one line each.")),
            (self.skip_hard_days, self.tr(
                "Days when a check-in or an entry had a mood of awful or low are not shown "
                "there, for when you would rather not be reminded.")),
            (self.question, self.tr(
                "One gentle question a day to write about, if you like. “Not today” sets it "
                "aside until tomorrow.")),
        ):
            row = QVBoxLayout()  # as Settings' other rows: the name, then its sentence
            row.setSpacing(2)
            row.addWidget(box)
            row.addWidget(hint(text))
            layout.addLayout(row)
        self.load_preferences(ctx.prefs.current)
        ctx.prefs.changed.connect(self.load_preferences)

    def load_preferences(self, prefs: Preferences) -> None:
        """Show `prefs` without saving them again."""
        boxes = (self.on_this_day, self.skip_hard_days, self.question)
        for box in boxes:
            box.blockSignals(True)
        try:
            self.on_this_day.setChecked(prefs.on_this_day)
            self.skip_hard_days.setChecked(prefs.on_this_day_skip_hard_days)
            self.skip_hard_days.setEnabled(prefs.on_this_day)
            self.question.setChecked(prefs.question_of_the_day)
        finally:
            for box in boxes:
                box.blockSignals(False)

    def _question_toggled(self, on: bool) -> None:
        # Turning it on again shows today's question even if it was set aside this morning.
        self._save(question_of_the_day=on, **({"question_set_aside_on": ""} if on else {}))

    def _save(self, **changes: object) -> None:
        prefs = replace(self.ctx.prefs.current, **changes)  # type: ignore[arg-type]
        self.skip_hard_days.setEnabled(prefs.on_this_day)
        self.ctx.prefs.update(prefs)
