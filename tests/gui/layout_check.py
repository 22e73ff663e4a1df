"""Finds what a person would see as a broken layout: words cut off, squashed fields, and
scroll bars where nothing needs to scroll sideways (issue 17, item 3).

Each check compares what a widget needs (its text's width and height in its own font) with the
room it was given. It reads only visible widgets, in the window's current size. Three checks
look at widgets together rather than alone, because a layout squeezed below its minimum draws
every widget at its full size and lets them pile up (seen: the Journal editor's "Save" drawn
over "Move to trash" in a window 23 px narrower than it needed):

- siblings in one layout that overlap each other,
- a widget that reaches past its parent's edge, where it is cut off (outside scroll areas),
- a window smaller than its own minimum size hint.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QStackedLayout,
    QTabBar,
    QTabWidget,
    QTextEdit,
    QToolButton,
    QWidget,
)

SLACK = 2  # pixels of rounding forgiven


def _shown(widget: QWidget, root: QWidget) -> bool:
    """Shown in the current state of the window, including what a scroll area holds below
    the fold (scrolling there shows it as laid out now)."""
    return widget.isVisibleTo(root) and widget.width() > 0 and widget.height() > 0


def widget_text(widget: QWidget, attributes: tuple[str, ...] = (
        "text", "placeholderText", "currentText", "title")) -> str:
    """The first of `attributes` the widget has and fills: how a failure names a control."""
    for attribute in attributes:
        getter = getattr(widget, attribute, None)
        if callable(getter):
            try:
                text = str(getter())
            except TypeError:
                continue
            if text:
                return text
    return ""


def _name(widget: QWidget) -> str:
    label = (widget.objectName() or widget.accessibleName() or widget_text(widget))[:40]
    return f"{type(widget).__name__} {label!r}"


def _label_problem(label: QLabel) -> str | None:
    text = label.text()
    if not text or label.pixmap() is not None and not label.pixmap().isNull():
        return None
    rect = label.contentsRect()
    margin = label.margin() * 2 + label.indent() if label.indent() > 0 else label.margin() * 2
    if label.wordWrap() or label.textFormat() == Qt.TextFormat.RichText or "<" in text:
        needed = label.heightForWidth(label.width())
        if needed > label.height() + SLACK:
            return f"needs {needed} px of height, has {label.height()}"
        if label.wordWrap() and label.textFormat() != Qt.TextFormat.RichText and "<" not in text:
            metrics = QFontMetrics(label.font())
            longest = max((metrics.horizontalAdvance(word) for word in text.split()), default=0)
            if longest > rect.width() + SLACK:  # one word wider than the label cannot wrap
                return f"a word {longest} px wide in {rect.width()} px"
        return None
    if label.buddy() is not None or "&" in text and label.textFormat() != Qt.TextFormat.PlainText:
        text = text.replace("&&", "\0").replace("&", "").replace("\0", "&")  # a mnemonic
    metrics = QFontMetrics(label.font())
    widest = max((metrics.horizontalAdvance(line) for line in text.splitlines()), default=0)
    if widest + margin > rect.width() + SLACK:
        return f"text {widest} px wide in {rect.width()} px"
    lines = max(1, len(text.splitlines()))
    if metrics.height() * lines > rect.height() + SLACK:
        return f"text {metrics.height() * lines} px high in {rect.height()} px"
    return None


def _button_problem(button: QAbstractButton) -> str | None:
    if not button.text():
        return None
    if isinstance(button, QToolButton) and \
            button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly:
        return None
    needed = button.sizeHint()
    if isinstance(button, (QCheckBox, QRadioButton)):
        needed = button.minimumSizeHint() if button.sizeHint().width() <= 0 else needed
    if needed.width() > button.width() + SLACK:
        return f"needs {needed.width()} px, has {button.width()}"
    if needed.height() > button.height() + 6:  # styles pad buttons a little
        return f"needs {needed.height()} px of height, has {button.height()}"
    return None


def _field_problem(widget: QWidget) -> str | None:
    metrics = QFontMetrics(widget.font())
    if widget.height() < metrics.height() + 2:
        return f"squashed to {widget.height()} px high"
    if isinstance(widget, QLineEdit):
        wanted = min(metrics.horizontalAdvance(widget.placeholderText() or "M" * 8) + 16, 140)
        if widget.width() < wanted:
            return f"squashed to {widget.width()} px wide (wants {wanted})"
    if isinstance(widget, QComboBox) and widget.currentText():
        needed = metrics.horizontalAdvance(widget.currentText()) + 28  # the arrow and frame
        if needed > widget.width() + SLACK:
            return f"shows {widget.width()} px of {needed}"
    if isinstance(widget, QAbstractSpinBox):
        needed = widget.minimumSizeHint().width()
        if needed > widget.width() + SLACK:
            return f"needs {needed} px, has {widget.width()}"
    return None


def _group_problem(box: QGroupBox) -> str | None:
    needed = QFontMetrics(box.font()).horizontalAdvance(box.title()) + 16
    return f"title needs {needed} px, has {box.width()}" if needed > box.width() else None


def _tab_bar_problem(bar: QTabBar) -> str | None:
    metrics = QFontMetrics(bar.font())
    for index in range(bar.count()):
        needed = metrics.horizontalAdvance(bar.tabText(index).replace("&", "")) + 16
        if needed > bar.tabRect(index).width() + SLACK:
            return f"tab {bar.tabText(index)!r} needs {needed} px, has {bar.tabRect(index).width()}"
    if bar.count() and bar.tabRect(bar.count() - 1).right() > bar.width() + SLACK:
        return "tabs run past the bar (they scroll)"
    return None


def _header_problem(header: QHeaderView) -> str | None:
    model = header.model()
    if model is None or header.isHidden() or header.orientation() != Qt.Orientation.Horizontal:
        return None
    metrics = QFontMetrics(header.font())
    for section in range(header.count()):
        if header.isSectionHidden(section):
            continue
        text = str(model.headerData(section, Qt.Orientation.Horizontal) or "")
        needed = metrics.horizontalAdvance(text) + 12
        if text and needed > header.sectionSize(section) + SLACK:
            return f"column {text!r} needs {needed} px, has {header.sectionSize(section)}"
    return None


def _laid_out(layout: QLayout) -> list[QWidget]:
    """The widgets `layout` places, through its nested layouts (a stacked layout shows one
    at a time, so its pages never meet)."""
    if isinstance(layout, QStackedLayout):
        return []
    found: list[QWidget] = []
    for index in range(layout.count()):
        item = layout.itemAt(index)
        if item is None:
            continue
        if item.widget() is not None:
            found.append(item.widget())
        elif item.layout() is not None:
            found += _laid_out(item.layout())
    return found


def _solid(widget: QWidget, root: QWidget) -> bool:
    return _shown(widget, root) and not widget.testAttribute(
        Qt.WidgetAttribute.WA_TransparentForMouseEvents)


def overlap_problems(parent: QWidget, root: QWidget) -> list[str]:
    """Widgets of `parent`'s layout drawn over each other."""
    layout = parent.layout()
    if layout is None:
        return []
    widgets = [w for w in _laid_out(layout) if w.parentWidget() is parent and _solid(w, root)]
    problems = []
    for i, first in enumerate(widgets):
        for second in widgets[i + 1:]:
            both = first.geometry().intersected(second.geometry())
            if both.width() > SLACK and both.height() > SLACK:
                problems.append(f"{_name(first)} and {_name(second)} overlap by "
                                f"{both.width()}×{both.height()} px")
    return problems


def _scrolls(parent: QWidget) -> bool:
    """Whether `parent` shows its children through a scroll area's window (there they may
    reach past its edge: that is what scrolling is for)."""
    area = parent.parentWidget()
    return isinstance(parent, QAbstractScrollArea) or (
        isinstance(area, QAbstractScrollArea) and parent is area.viewport())


def cut_off_problem(widget: QWidget, root: QWidget) -> str | None:
    """`widget` reaches past its shown parent's edge, so what lies there is not drawn."""
    parent = widget.parentWidget()
    if widget is root or widget.isWindow() or parent is None or not _shown(parent, root) \
            or _scrolls(parent) or isinstance(parent, (QTabBar, QComboBox, QAbstractSpinBox)):
        return None
    inside = parent.rect().adjusted(-SLACK, -SLACK, SLACK, SLACK)
    if inside.contains(widget.geometry()):
        return None
    seen = widget.geometry().intersected(parent.rect())
    return (f"cut off by {_name(parent)}: {seen.width()}×{seen.height()} px of "
            f"{widget.width()}×{widget.height()} shown")


def window_problem(root: QWidget) -> str | None:
    """A window smaller than its minimum size hint squeezes its layouts below what their
    widgets need: they overlap or are cut off."""
    if not root.isWindow():
        return None
    needed = root.minimumSizeHint()
    if needed.width() > root.width() + SLACK or needed.height() > root.height() + SLACK:
        return (f"the window is {root.width()}×{root.height()} px but its layout needs "
                f"{needed.width()}×{needed.height()}")
    return None


def catch_up_layouts() -> None:
    """Deliver the layout requests still waiting, so widgets are measured where their
    layouts put them: a chart that changes its height when made wider asks for a new layout,
    and until that arrives it overlaps the next one. Three rounds: a layout that moves a
    widget can make it ask again."""
    for _ in range(3):
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)


def layout_problems(root: QWidget) -> list[str]:
    """Every visible widget under `root` (and `root`) that is clipped, squashed, drawn over
    another or cut off by its parent, and a window too small for its layout."""
    catch_up_layouts()
    problems: list[str] = []
    squeezed = window_problem(root)
    if squeezed:
        problems.append(f"{_name(root)}: {squeezed}")
    widgets: list[QWidget] = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        if not _shown(widget, root) or widget.objectName() == "qt_scrollarea_hcontainer":
            continue
        problem: str | None = None
        if isinstance(widget, QLabel):
            problem = _label_problem(widget)
        elif isinstance(widget, QGroupBox) and widget.title():
            problem = _group_problem(widget)
        elif isinstance(widget, QTabBar):
            problem = _tab_bar_problem(widget)
        elif isinstance(widget, QHeaderView):
            problem = _header_problem(widget)
        elif isinstance(widget, QAbstractButton) and not isinstance(widget.parent(), QTabBar):
            problem = _button_problem(widget) if isinstance(
                widget, (QPushButton, QToolButton, QCheckBox, QRadioButton)) else None
        elif isinstance(widget, (QLineEdit, QComboBox, QAbstractSpinBox)) and \
                not isinstance(widget.parent(), (QComboBox, QAbstractSpinBox)):
            problem = _field_problem(widget)
        if isinstance(widget, QAbstractScrollArea) and not isinstance(widget, QTextEdit):
            bar = widget.horizontalScrollBar()
            if bar.isVisible() and bar.maximum() > 0 and not widget.property("scrollsSideways"):
                problem = f"a sideways scroll bar ({bar.maximum()} px to scroll)"
        if problem:
            problems.append(f"{_name(widget)}: {problem}")
        problems += overlap_problems(widget, root)
        cut_off = cut_off_problem(widget, root) if _solid(widget, root) else None
        if cut_off:
            problems.append(f"{_name(widget)}: {cut_off}")
    return problems


def every_tab(root: QWidget, settle: Callable[[], None]) -> list[str]:
    """`layout_problems` in each tab of each tab widget under `root` (a tab not shown was
    never checked: the Circle's Members tab clipped its buttons unseen)."""
    problems = layout_problems(root)
    for tabs in root.findChildren(QTabWidget):
        if not tabs.isVisibleTo(root):
            continue
        before = tabs.currentIndex()
        for index in range(tabs.count()):
            if index == before:
                continue
            tabs.setCurrentIndex(index)
            settle()
            problems += [f"(tab {tabs.tabText(index)!r}) {p}" for p in layout_problems(root)]
        tabs.setCurrentIndex(before)
    return sorted(set(problems))
