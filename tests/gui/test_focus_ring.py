"""Keyboard focus is visible on every control and never looks like "selected" (issue 17,
item 2: focus was invisible on the first Tab stops; a checked mood button and a focused one
both had a thin outline)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.focus_ring import FocusRings, ring_colour
from ui.widgets.mood_picker import ScalePicker


def _window(qtbot, *widgets: QWidget) -> QDialog:  # type: ignore[no-untyped-def]
    dialog = QDialog()
    layout = QVBoxLayout(dialog)
    for widget in widgets:
        layout.addWidget(widget)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitExposed(dialog)
    return dialog


def _rect_in(widget: QWidget, host: QWidget) -> QRect:
    return QRect(widget.mapTo(host, QPoint(0, 0)), widget.size())


def test_the_ring_surrounds_whatever_has_focus_and_follows_it(qapp: QApplication,
                                                              qtbot) -> None:
    rings = FocusRings.install(qapp)
    field, box, button = QLineEdit(), QCheckBox("Remember"), QPushButton("Save")
    dialog = _window(qtbot, field, box, button)
    for widget in (field, box, button):
        widget.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(lambda w=widget: rings.target is w)
        qtbot.wait(10)  # the ring is placed on the next turn of the event loop
        ring = rings.ring_of(dialog)
        assert ring is not None and ring.isVisible()
        drawn = ring.ring.translated(ring.pos())
        assert drawn.contains(_rect_in(widget, dialog)), widget
        assert drawn != _rect_in(widget, dialog)  # outside the control, not on its edge
    box.move(box.x() + 7, box.y())  # the ring follows a control that moves
    box.setFocus()
    qtbot.waitUntil(lambda: rings.target is box)
    qtbot.wait(10)  # the ring is placed on the next turn of the event loop
    ring = rings.ring_of(dialog)
    assert ring is not None
    assert ring.ring.translated(ring.pos()).contains(_rect_in(box, dialog))


def test_a_second_window_gets_its_own_ring_and_the_first_one_hides(qapp, qtbot) -> None:
    rings = FocusRings.install(qapp)
    first, second = QLineEdit(), QLineEdit()
    one = _window(qtbot, first)
    first.setFocus()
    qtbot.waitUntil(lambda: rings.target is first)
    two = _window(qtbot, second)
    second.setFocus()
    qtbot.waitUntil(lambda: rings.target is second)
    qtbot.wait(10)
    ring_one, ring_two = rings.ring_of(one), rings.ring_of(two)
    assert ring_one is not None and not ring_one.isVisible()
    assert ring_two is not None and ring_two.isVisible()


def test_the_ring_of_a_scrolled_control_stays_inside_its_scroll_area(qapp, qtbot) -> None:
    rings = FocusRings.install(qapp)
    inner = QWidget()
    column = QVBoxLayout(inner)
    fields = [QLineEdit() for _ in range(40)]
    for field in fields:
        column.addWidget(field)
    area = QScrollArea()
    area.setWidget(inner)
    area.setFixedHeight(150)
    dialog = _window(qtbot, area)
    fields[10].setFocus()
    qtbot.waitUntil(lambda: rings.target is fields[10])
    qtbot.wait(10)
    ring = rings.ring_of(dialog)
    assert ring is not None and not ring.isVisible()  # below the fold: nothing drawn yet
    area.ensureWidgetVisible(fields[10])
    qtbot.waitUntil(ring.isVisible)
    port = _rect_in(area.viewport(), dialog).adjusted(-3, -3, 3, 3)
    assert port.contains(ring.geometry())
    area.verticalScrollBar().setValue(area.verticalScrollBar().maximum())
    qtbot.waitUntil(lambda: not ring.isVisible())  # scrolled out of view: no stray ring


def _pixels(widget: QWidget, rect: QRect) -> list[int]:
    image = widget.grab(rect).toImage()
    return [image.pixel(x, y) for y in range(image.height()) for x in range(image.width())]


def test_focused_and_selected_look_different_on_the_mood_row(qapp, qtbot) -> None:
    rings = FocusRings.install(qapp)
    picker = ScalePicker("Mood", {1: "Awful", 2: "Low", 3: "Okay", 4: "Good", 5: "Great"},
                         allow_unset=False)
    dialog = _window(qtbot, picker, QLineEdit())
    picked, focused = picker.buttons[3], picker.buttons[1]
    picked.click()
    focused.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: rings.target is focused)
    qtbot.wait(50)
    colour = ring_colour(dialog.palette()).rgb()

    def halo(button: QWidget) -> list[int]:  # the pixels just outside the button
        rect = _rect_in(button, dialog)
        return _pixels(dialog, QRect(rect.left() + 8, rect.bottom() + 2, rect.width() - 16, 1))

    assert colour in halo(focused)
    assert colour not in halo(picked)


def test_a_focused_control_destroyed_with_its_dialog_does_not_crash(qapp, qtbot) -> None:
    """Focus changes and Hide events arrive from widgets being destroyed; handling them at
    once crashed the test process (seen when a crisis screen rebuilt its buttons)."""
    rings = FocusRings.install(qapp)
    for _ in range(5):
        field = QLineEdit()
        dialog = _window(qtbot, field, QCheckBox("x"))
        field.setFocus()
        qtbot.waitUntil(lambda f=field: rings.target is f)
        field.deleteLater()
        dialog.deleteLater()
        qtbot.wait(20)
    assert rings.target is None or rings.target.isVisible()
