"""The strip across the top of a demo window: "Demo vault — nothing you do here is kept".

Always shown in a demo (it has no close button: a person who dismissed it would soon forget
that what they type goes nowhere), one line high, and the same dark-on-amber in both themes,
so it stands apart from the light and the dark window alike (about 11:1 contrast).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QWidget

BANNER_BACKGROUND = "#f2c14e"
BANNER_TEXT = "#1d1d1f"

_STYLE = f"""
QFrame#demoBanner {{ background: {BANNER_BACKGROUND}; border: none;
                     border-bottom: 1px solid #a87f16; }}
QFrame#demoBanner QLabel {{ color: {BANNER_TEXT}; background: transparent; font-weight: 600; }}
"""


class DemoBanner(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("demoBanner")
        self.setStyleSheet(_STYLE)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.text = QLabel(self.tr("Demo vault — nothing you do here is kept"))
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text.setWordWrap(True)  # a large font or a narrow window wraps, never cuts
        explanation = self.tr(
            "This is a throwaway vault filled with sample data. It lives in a temporary "
            "folder that is deleted when Companion quits.")
        self.setToolTip(explanation)
        self.setAccessibleName(self.text.text())
        self.setAccessibleDescription(explanation)
        self.text.setAccessibleName(self.text.text())
        self.text.setAccessibleDescription(explanation)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 5, 12, 5)
        layout.addWidget(self.text)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
