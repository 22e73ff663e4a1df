"""A row of buttons for a 1–5 scale: mood (faces in the mood colours) and energy (words).

One value or none: clicking a button picks it; where the scale may be left unset (energy),
clicking the picked button again clears it.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QToolButton, QWidget

from companion.models import ENERGY_LABELS, MOOD_LABELS
from ui.icons import icon
from ui.theme import MOOD_COLOURS
from ui.widgets.roving_focus import RovingFocus


class ScalePicker(QWidget):
    """Checkable buttons for 1…5; `value()` is the picked number or None."""

    changed = Signal(object)  # int | None

    def __init__(self, name: str, labels: dict[int, str], *, allow_unset: bool,
                 with_faces: bool = False, icon_size: int = 36) -> None:
        super().__init__()
        self.name = name
        self.labels = labels
        self.allow_unset = allow_unset
        self._value: int | None = None
        self.buttons: list[QToolButton] = []
        self.setAccessibleName(name)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        for number in sorted(labels):
            button = QToolButton()
            button.setCheckable(True)
            button.setText(labels[number])
            button.setProperty("mood", True)
            button.setProperty("value", number)
            button.setAccessibleName(self.tr("%1: %2 (%3 of 5)").replace("%1", name)
                                     .replace("%2", labels[number]).replace("%3", str(number)))
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            if with_faces:
                button.setIcon(icon(f"mood-{number}", MOOD_COLOURS[number]))
                button.setIconSize(QSize(icon_size, icon_size))
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
                button.setMinimumWidth(icon_size + 36)
            else:
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
                # Never narrower than its word ("Energised" was cut at 800×600).
                button.setMinimumWidth(max(64, button.sizeHint().width()))
            button.clicked.connect(lambda _checked=False, n=number: self._clicked(n))
            self.buttons.append(button)
            layout.addWidget(button)
        self.roving = RovingFocus(self.buttons, self)  # one Tab stop; arrows move along

    def value(self) -> int | None:
        return self._value

    def setValue(self, value: int | None) -> None:  # noqa: N802 - Qt naming
        if value is not None and value not in self.labels:
            raise ValueError(f"{self.name} must be 1–5 or None")
        for button in self.buttons:
            button.setChecked(button.property("value") == value)
        if not any(button.hasFocus() for button in self.buttons):
            self.roving.settle()  # Tab comes back in at the chosen one
        if value != self._value:
            self._value = value
            self.changed.emit(value)

    def button(self, value: int) -> QToolButton:
        return self.buttons[value - 1]

    def _clicked(self, number: int) -> None:
        if number == self._value and self.allow_unset:
            self.setValue(None)
        else:
            self.setValue(number)


class MoodPicker(ScalePicker):
    """Awful, Low, Okay, Good, Great, each with its face; keys 1–5 are wired by the page."""

    def __init__(self) -> None:
        super().__init__("Mood", {n: label.capitalize() for n, label in MOOD_LABELS.items()},
                         allow_unset=False, with_faces=True)
        for number, button in enumerate(self.buttons, start=1):
            button.setToolTip(self.tr("%1 (key %2)").replace("%1", button.text())
                              .replace("%2", str(number)))


class EnergyPicker(ScalePicker):
    """Drained … Energised; optional, so a second click clears it."""

    def __init__(self) -> None:
        super().__init__("Energy", {n: label.capitalize() for n, label in ENERGY_LABELS.items()},
                         allow_unset=True)
        for button in self.buttons:
            button.setToolTip(self.tr("Click again to leave energy unset"))
