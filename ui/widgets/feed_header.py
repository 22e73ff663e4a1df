"""The top of the circle page: the circle's name as the heading, who is in it (a row of
initials in each member's colour, the same as on their cards, and their names), Sync now, one
menu for New circle and Join, and the Feed · Members · About buttons that take the place of
tabs. The page wires the buttons to what they do."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from companion.circle import MemberView
from ui.icons import icon
from ui.models.feed_markdown import shown_characters
from ui.widgets.common import heading
from ui.widgets.feed_style import paint_avatar
from ui.widgets.roving_focus import RovingFocus

FACE = 24
SHOWN_FACES = 6
SHOWN_NAMES = 5


class _Faces(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.members: list[tuple[str, str]] = []  # (member key, name)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_members(self, members: list[tuple[str, str]]) -> None:
        self.members = members[:SHOWN_FACES]
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        count = len(self.members)
        return QSize(FACE + (count - 1) * (FACE - 6) + 4 if count else 0, FACE + 2)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        # Drawn right to left so each face overlaps the next one's edge, left on top.
        for number in reversed(range(len(self.members))):
            key, name = self.members[number]
            rect = QRectF(1 + number * (FACE - 6), 1, FACE, FACE)
            painter.setPen(self.palette().color(self.backgroundRole()))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(rect.adjusted(-1, -1, 1, 1))
            paint_avatar(painter, rect, key, name, self.palette(), self.font())
        painter.end()


class MemberStrip(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.faces = _Faces()
        self.names = QLabel("")
        self.names.setWordWrap(True)
        self.names.setTextFormat(Qt.TextFormat.PlainText)
        self.names.setAccessibleName(self.tr("Members"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.faces)
        layout.addWidget(self.names, 1)

    def set_members(self, members: list[MemberView]) -> None:
        active = [m for m in members if m.active]
        active.sort(key=lambda m: (not m.you, m.label.casefold()))
        self.faces.set_members([(m.id, m.label) for m in active])
        names = [shown_characters(self.tr("%1 (you)").replace("%1", m.label) if m.you
                                  else m.label) for m in active]
        text = ", ".join(names[:SHOWN_NAMES])
        if len(names) > SHOWN_NAMES:
            text += self.tr(" and %1 more").replace("%1", str(len(names) - SHOWN_NAMES))
        count = (self.tr("1 member") if len(active) == 1
                 else self.tr("%1 members").replace("%1", str(len(active))))
        self.names.setText(f"{count}: {text}" if active else "")

    def clear(self) -> None:
        self.faces.set_members([])
        self.names.clear()


class CircleHeader(QWidget):
    """`view_chosen(n)`: Feed (0), Members (1) or About (2) was clicked."""

    view_chosen = Signal(int)

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title = heading(title)
        self.picker = QComboBox()
        self.picker.setAccessibleName(self.tr("Switch circle"))
        self.picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.sync_button = QPushButton(self.tr("Sync now"))
        # New circle and Join live in one place: this menu (and the empty state's buttons
        # when there is no circle yet, when the menu is hidden).
        self.menu = QMenu(self)
        self.new_action = self.menu.addAction(icon("plus"), self.tr("New circle…"))
        self.join_action = self.menu.addAction(self.tr("Join a circle…"))
        self.menu_button = QToolButton()
        self.menu_button.setText("⋯")
        self.menu_button.setMenu(self.menu)
        self.menu_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu_button.setAccessibleName(self.tr("More: new circle, join a circle"))
        self.menu_button.setToolTip(self.tr("Start or join another circle"))
        # The "⋯" says there is a menu; Fusion's arrow beside it overlapped the dots.
        self.menu_button.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0; }"
                                       " QToolButton { padding: 2px 10px; }")
        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(self.title, 1)
        for widget in (self.picker, self.sync_button, self.menu_button):
            top.addWidget(widget, 0, Qt.AlignmentFlag.AlignVCenter)
        self.members = MemberStrip()
        self.view_buttons = [self._chip(self.tr("Feed")), self._chip(self.tr("Members")),
                             self._chip(self.tr("About"))]
        self.view_buttons[0].setChecked(True)
        self.view_group = QButtonGroup(self)
        for number, chip in enumerate(self.view_buttons):
            self.view_group.addButton(chip, number)
        self.view_group.idClicked.connect(self.view_chosen.emit)
        self.view_focus = RovingFocus(self.view_buttons, self)
        self.circle_row = QWidget()  # shown when there is a circle
        second = QHBoxLayout(self.circle_row)
        second.setContentsMargins(0, 0, 0, 0)
        second.setSpacing(6)
        second.addWidget(self.members, 1)
        for chip in self.view_buttons:
            second.addWidget(chip, 0, Qt.AlignmentFlag.AlignVCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.circle_row)

    @staticmethod
    def _chip(text: str) -> QPushButton:
        chip = QPushButton(text)
        chip.setCheckable(True)
        chip.setProperty("chip", True)
        return chip

    def set_view(self, number: int) -> None:
        self.view_buttons[number].setChecked(True)
        self.view_focus.settle(self.view_buttons[number])

    def set_circle(self, name: str | None) -> None:
        """The circle shown (None: there is none; the empty state offers to start one)."""
        has_circle = name is not None
        self.title.setText(name if name is not None else self.tr("Circle"))
        self.title.setAccessibleName(self.tr("Circle: %1").replace("%1", name)
                                     if name is not None else self.tr("Circle"))
        for widget in (self.sync_button, self.menu_button, self.circle_row):
            widget.setVisible(has_circle)
        self.sync_button.setEnabled(has_circle)
        if name is None:
            self.members.clear()
