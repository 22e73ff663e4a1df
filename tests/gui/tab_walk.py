"""Walks a window with the Tab key the way a keyboard user does, and judges the order.

A sensible order (issue 17, item 2): Tab reaches every control that can take focus, never gets
stuck (a table that keeps Tab for its cells, a text box that types a tab), and follows reading
order — it may go down, or right into the next column, but never back up and to the left
except when it wraps around to the start: of two controls in one column, the upper comes first.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractItemView, QAbstractScrollArea, QApplication, QWidget

from tests.gui.layout_check import widget_text

LIMIT = 300  # Tab presses before a walk counts as stuck
STAYS = 6  # presses one control may keep (a date's sections) before it counts as a trap


@dataclass(frozen=True)
class Stop:
    widget: QWidget
    x: int
    y: int
    right: int
    bottom: int
    # The scroll areas around the control, outermost first, each with its place (x, y,
    # right, bottom): a control inside one is compared with one outside as the area.
    areas: tuple[tuple[int, tuple[int, int, int, int]], ...] = ()

    def __str__(self) -> str:
        text = widget_text(self.widget, ("text", "accessibleName", "placeholderText",
                                         "objectName"))
        return f"{type(self.widget).__name__} {text[:30]!r} at ({self.x}, {self.y})"


def unscrolled_position(widget: QWidget, root: QWidget) -> QPoint:
    """Where `widget` sits in `root` as laid out, as if no scroll area had scrolled."""
    point = QPoint(0, 0)
    current: QWidget | None = widget
    while current is not None and current is not root:
        parent = current.parentWidget()
        area = parent.parentWidget() if parent is not None else None
        scrolled = isinstance(area, QAbstractScrollArea) and parent is area.viewport()
        if not scrolled:
            point += current.pos()
        current = parent
    return point


def _stop(widget: QWidget, root: QWidget) -> Stop:
    point = unscrolled_position(widget, root)
    areas = []
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        if isinstance(parent, QAbstractScrollArea) and parent is not widget:
            corner = unscrolled_position(parent, root)
            areas.append((id(parent), (corner.x(), corner.y(), corner.x() + parent.width(),
                                       corner.y() + parent.height())))
        parent = parent.parentWidget()
    return Stop(widget, point.x(), point.y(), point.x() + widget.width(),
                point.y() + widget.height(), tuple(reversed(areas)))


def _as_seen_from(stop: Stop, other: Stop) -> tuple[int, int, int, int]:
    """`stop`'s place, or that of its outermost scroll area that `other` is not in."""
    theirs = {area for area, _place in other.areas}
    for area, place in stop.areas:
        if area not in theirs:
            return place
    return stop.x, stop.y, stop.right, stop.bottom


def walk(qtbot, root: QWidget, start: QWidget, *, backwards: bool = False) -> list[Stop]:  # type: ignore[no-untyped-def]
    """Press Tab from `start` until focus comes back to a widget already visited."""
    start.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is start, timeout=2_000)
    stops: list[Stop] = []
    seen: set[int] = set()
    previous: QWidget | None = None
    stays = 0
    for _ in range(LIMIT):
        current = QApplication.focusWidget()
        if current is not None and current is previous and stays < STAYS:
            stays += 1  # a date field's Tab moves through its day, month and year first
        elif current is None or id(current) in seen:
            break
        else:
            stays = 0
            seen.add(id(current))
            stops.append(_stop(current, root))
        previous = current
        key = Qt.Key.Key_Backtab if backwards else Qt.Key.Key_Tab
        qtbot.keyClick(current, key)
    return stops


def focusable(root: QWidget) -> list[QWidget]:
    """The controls under `root` a person should reach by Tab: shown, enabled, taking Tab
    focus (parts inside a list or table are the view's business)."""
    found = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root) or not widget.isEnabled() or widget.isWindow():
            continue
        if not widget.focusPolicy() & Qt.FocusPolicy.TabFocus or widget.focusProxy():
            continue
        parent = widget.parentWidget()
        inside_view = False
        while parent is not None and parent is not root:
            if isinstance(parent, QAbstractItemView):
                inside_view = True
            parent = parent.parentWidget()
        if not inside_view:
            found.append(widget)
    return found


def out_of_reading_order(stops: list[Stop]) -> list[str]:
    """Pairs where Tab reaches a control after one that sits below it in the same column
    (overlapping from left to right): reading order puts the upper one first. The walk is a
    cycle, so it is read from its top-left stop."""
    if not stops:
        return []
    top = min(stop.y for stop in stops)
    first = min((i for i, stop in enumerate(stops) if stop.y <= top + 12),
                key=lambda i: stops[i].x)  # the left end of the top row
    cycle = stops[first:] + stops[:first]
    found = []
    for i, earlier in enumerate(cycle):
        for later in cycle[i + 1:]:
            e_x, e_y, e_right, _e_bottom = _as_seen_from(earlier, later)
            l_x, _l_y, l_right, l_bottom = _as_seen_from(later, earlier)
            above = l_bottom <= e_y
            same_column = l_x < e_right and e_x < l_right
            if above and same_column:
                found.append(f"{later} comes after {earlier}, below it")
    return found
