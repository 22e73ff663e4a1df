"""Control outlines that can be seen: WCAG 2.2 AA asks 3:1 for what identifies a control.

Fusion draws every outline (check boxes, radio buttons, text fields, buttons, combo and spin
boxes) in the window colour made 40 % darker: 2.1:1 on the light theme, and on the dark theme
an unticked check box nearly vanished. Fusion takes that colour from no palette role, so a
palette cannot fix it; this proxy draws Fusion's controls and then their outline again in
`border_colour`, chosen per theme for at least 3:1 against the window and the field colours.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QProxyStyle,
    QStyle,
    QStyleOption,
    QStyleOptionButton,
    QStyleOptionComplex,
    QStyleOptionFrame,
    QWidget,
)

LIGHT_BORDER = "#7a7a7a"  # 4.3:1 on white, 3.7:1 on Fusion's #efefef window
DARK_BORDER = "#8a8b93"  # 4.4:1 on the dark window, 3.9:1 on its buttons

PE = QStyle.PrimitiveElement
_OUTLINED = {PE.PE_IndicatorCheckBox, PE.PE_IndicatorItemViewItemCheck, PE.PE_FrameLineEdit,
             PE.PE_IndicatorRadioButton, PE.PE_PanelButtonCommand}
_OUTLINED_COMPLEX = {QStyle.ComplexControl.CC_ComboBox, QStyle.ComplexControl.CC_SpinBox}


def is_dark_palette(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def border_colour(palette: QPalette) -> QColor:
    return QColor(DARK_BORDER if is_dark_palette(palette) else LIGHT_BORDER)


class ControlStyle(QProxyStyle):
    """Fusion (or the platform's style) with outlines redrawn in `border_colour`."""

    def drawPrimitive(self, element: QStyle.PrimitiveElement,  # noqa: N802 - Qt API
                      option: QStyleOption, painter: QPainter,
                      widget: QWidget | None = None) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element not in _OUTLINED:
            return
        if element == PE.PE_PanelButtonCommand and isinstance(option, QStyleOptionButton) \
                and option.features & QStyleOptionButton.ButtonFeature.Flat:
            return  # a flat button has no outline to strengthen
        if element == PE.PE_FrameLineEdit and isinstance(option, QStyleOptionFrame) \
                and option.lineWidth <= 0:
            return  # a frameless field (inside a spin or combo box, which is outlined itself)
        _outline(painter, option, ellipse=element == PE.PE_IndicatorRadioButton)

    def drawComplexControl(self, control: QStyle.ComplexControl,  # noqa: N802 - Qt API
                           option: QStyleOptionComplex, painter: QPainter,
                           widget: QWidget | None = None) -> None:
        super().drawComplexControl(control, option, painter, widget)
        if control in _OUTLINED_COMPLEX and getattr(option, "frame", True):
            _outline(painter, option, ellipse=False)


def _outline(painter: QPainter, option: QStyleOption, *, ellipse: bool) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = border_colour(option.palette)
    if not option.state & QStyle.StateFlag.State_Enabled:
        colour.setAlpha(120)  # disabled controls may be fainter (WCAG exempts them)
    painter.setPen(QPen(colour, 1))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    rect = QRectF(option.rect).adjusted(0.5, 0.5, -0.5, -0.5)
    if ellipse:
        painter.drawEllipse(rect)
    else:
        painter.drawRoundedRect(rect, 2, 2)
    painter.restore()
