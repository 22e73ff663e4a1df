"""A visible focus ring around whichever control has keyboard focus, in every window.

Fusion's own focus marks are a 1-px tint that vanishes on some controls, and controls we style
(mood buttons, chips) lose them altogether; a checked mood button then looked the same as a
focused one. So one ring, drawn the same way for every control: 2 px in the window's text
colour (at least 3:1 against the window in both themes, as WCAG 2.2 asks of focus indicators),
with a gap outside the control, so it never looks like "selected" (an accent border or fill).

The ring is a mouse-transparent child of the focused widget's window, raised above the rest,
following the widget when it or any of its parents moves (scrolling included) and clipped to
the scroll area around it.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, QRect, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QWidget

RING_WIDTH = 2
GAP = 1  # between the control's edge and the ring
_OUTSET = RING_WIDTH + GAP
_WATCHED = {QEvent.Type.Move, QEvent.Type.Resize, QEvent.Type.Show, QEvent.Type.Hide,
            QEvent.Type.ZOrderChange}


def ring_colour(palette: QPalette) -> QColor:
    return palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.WindowText)


class _Ring(QWidget):
    def __init__(self, host: QWidget) -> None:
        super().__init__(host)
        self.setObjectName("focusRing")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.ring = QRect()  # in this widget's coordinates: where the ring is drawn

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(ring_colour(self.palette()), RING_WIDTH)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        half = RING_WIDTH / 2
        painter.drawRoundedRect(self.ring.toRectF().adjusted(half, half, -half, -half), 5, 5)


class FocusRings(QObject):
    """Install once per application: `FocusRings.install(app)`.

    Nothing is done inside Qt's notifications themselves: a focus change or a Hide event can
    come from a widget in the middle of being destroyed, and touching it then crashed the
    process. They only ask for the ring to be placed on the next turn of the event loop, when
    a destroyed widget is gone for good (and several moves cost one placing).
    """

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.setObjectName("focusRings")
        self._target: QWidget | None = None
        self._watched: list[QWidget] = []
        self._rings: list[_Ring] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.place)
        app.focusChanged.connect(self._focus_changed)

    @classmethod
    def install(cls, app: QApplication) -> FocusRings:
        existing = app.findChild(FocusRings, "focusRings")
        return existing if existing is not None else cls(app)

    @property
    def target(self) -> QWidget | None:
        return self._target if self._target is not None and shiboken6.isValid(self._target) \
            else None

    def ring_of(self, window: QWidget) -> _Ring | None:
        ring = window.findChild(_Ring, "focusRing", Qt.FindChildOption.FindDirectChildrenOnly)
        return ring if isinstance(ring, _Ring) else None

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        self._target = new if new is not None and wants_ring(new) else None
        self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() in _WATCHED:
            self._timer.start()
        return False

    def _unwatch(self) -> None:
        for widget in self._watched:
            if shiboken6.isValid(widget):
                widget.removeEventFilter(self)
        self._watched = []

    def place(self) -> None:
        """Draw the ring around the focused control, and no ring in any other window."""
        self._unwatch()
        target = self.target
        host = target.window() if target is not None else None
        self._rings = [ring for ring in self._rings if shiboken6.isValid(ring)]
        for other in self._rings:
            if other.parentWidget() is not host:
                other.hide()
        if target is None or host is None:
            return
        widget: QWidget | None = target
        while widget is not None:
            widget.installEventFilter(self)
            self._watched.append(widget)
            if widget.isWindow():
                break
            widget = widget.parentWidget()
        ring = self.ring_of(host)
        if ring is None:
            ring = _Ring(host)
            self._rings.append(ring)
        if not target.isVisible():
            ring.hide()
            return
        area = QRect(target.mapTo(host, target.rect().topLeft()), target.size())
        outer = area.adjusted(-_OUTSET, -_OUTSET, _OUTSET, _OUTSET)
        clip = _visible_part(target, host).adjusted(-_OUTSET, -_OUTSET, _OUTSET, _OUTSET)
        shown = outer.intersected(clip).intersected(host.rect())
        if shown.isEmpty():
            ring.hide()
            return
        ring.setGeometry(shown)
        ring.ring = outer.translated(-shown.topLeft())
        ring.raise_()
        ring.show()
        ring.update()


def wants_ring(widget: QWidget) -> bool:
    """Controls reached by Tab, in ordinary windows (not menus and combo-box pop-ups)."""
    if not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
        return False
    window = widget.window()
    return window.windowType() not in (Qt.WindowType.Popup, Qt.WindowType.ToolTip)


def _visible_part(target: QWidget, host: QWidget) -> QRect:
    """The part of `target` that its scroll areas show, in `host` coordinates."""
    visible = QRect(target.mapTo(host, target.rect().topLeft()), target.size())
    widget = target.parentWidget()
    while widget is not None and widget is not host:
        parent = widget.parentWidget()
        if isinstance(parent, QAbstractScrollArea) and widget is parent.viewport():
            port = QRect(widget.mapTo(host, widget.rect().topLeft()), widget.size())
            visible = visible.intersected(port)
        widget = parent
    return visible
