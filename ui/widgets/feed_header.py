"""Who is in the circle, under its name: a row of initials in each member's colour (the same
as on their cards) and their names, so the page says whose circle it is without opening
Members."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

from companion.circle import MemberView
from ui.models.feed_markdown import shown_characters
from ui.widgets.feed_style import paint_avatar

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
