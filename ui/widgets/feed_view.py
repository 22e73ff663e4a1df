"""The circle's feed: a list of cards, read with the mouse or the keyboard.

`FeedList` is a QListView over `FeedModel` with `FeedDelegate` painting the cards. A click acts
on the `Spot` under the pointer in the layout that was painted, so a button is always what it
looks like; links go to the page (`link_clicked`), which shows the address before anything
opens. The reply field is a real line edit placed over its row in the thread, under the post
it answers; it survives the refreshes that sync brings (the rows are rebuilt, the field and
what is typed in it are not). The current card's buttons are real buttons as well, for the
keyboard and screen readers (ui/widgets/feed_buttons.py): Tab goes from the list to them.

Keys: Up and Down move between posts and replies, Enter replies (on "Show all N replies" or
"Show older posts", presses it), 1–4 give or take back the four reactions, Delete deletes your
own post, the menu key (or Shift+F10) lists every action of the card, links included.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QPointF,
    QRect,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QContextMenuEvent,
    QGuiApplication,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QToolTip,
    QWidget,
)

from companion.circle_feed import FeedItem
from ui.models.feed_model import FeedModel
from ui.models.feed_rows import REACTIONS, FeedRow, who
from ui.widgets.feed_buttons import CardButtons
from ui.widgets.feed_delegate import FeedDelegate
from ui.widgets.feed_layout import Spot

_REACTION_KEYS = {Qt.Key.Key_1: 0, Qt.Key.Key_2: 1, Qt.Key.Key_3: 2, Qt.Key.Key_4: 3}


class ReplyField(QFrame):
    """A reply being written, under the post it answers."""

    sent = Signal(int, str)  # post id, text
    cancelled = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.target: int | None = None
        self.text = QLineEdit()
        self.text.setMaxLength(2000)
        self.send_button = QPushButton(self.tr("Send"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.send_button)
        layout.addWidget(self.cancel_button)
        self.text.returnPressed.connect(self.send)
        self.send_button.clicked.connect(self.send)
        self.cancel_button.clicked.connect(self.cancelled.emit)
        self.hide()

    def open_for(self, item: FeedItem) -> None:
        if self.target != item.id:
            self.text.clear()
        self.target = item.id
        name = who(item)
        self.text.setPlaceholderText(self.tr("Reply to %1…").replace("%1", name))
        self.text.setAccessibleName(self.tr("Reply to %1").replace("%1", name))

    def close_field(self) -> None:
        self.target = None
        self.text.clear()
        self.hide()

    def send(self) -> None:
        if self.target is not None and self.text.text().strip():
            self.sent.emit(self.target, self.text.text())

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
            return
        super().keyPressEvent(event)


class FeedList(QListView):
    """`action(kind, item_id, argument)`: reply, react, unreact, delete, more, older, replies
    (more or fewer of a thread).
    `link_clicked(address, words, author)`: a link was clicked (nothing is opened here)."""

    action = Signal(str, int, str)
    link_clicked = Signal(str, str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.card_buttons = CardButtons(self)
        self.card_buttons.holding = True  # until the model and delegate are in place
        self.reply_field = ReplyField(self.viewport())
        self._pressed: tuple[int, int] | None = None
        self.feed_model = FeedModel(self)
        self.setModel(self.feed_model)
        self.delegate = FeedDelegate(self)
        self.setItemDelegate(self.delegate)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalScrollBar().setSingleStep(24)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setMouseTracking(True)
        self.viewport().setBackgroundRole(QPalette.ColorRole.Window)
        self.setAccessibleName(self.tr("Circle feed"))
        self.setAccessibleDescription(self.tr(
            "Up and Down move between posts. Enter replies, 1 to 4 react, Delete removes your "
            "own post, Tab reaches the post's buttons, and the menu key lists every action, "
            "links included."))
        self.placeholder = self.tr("Nothing shared yet.")
        self.feed_model.modelReset.connect(self.delegate.forget)
        self.feed_model.dataChanged.connect(lambda *_: self._rows_changed())
        self.card_buttons.holding = False

    # -- rows ---------------------------------------------------------------------------------

    def show_rows(self, rows: list[FeedRow], now: datetime, me: tuple[str, str]) -> None:
        """Show `rows`, keeping the keyboard's card and the reader's place (and the keyboard
        on the card's button that had it)."""
        self.card_buttons.holding = True
        try:
            self._replace_rows(rows, now, me)
        finally:
            self.card_buttons.holding = False
        self.card_buttons.sync()

    def _replace_rows(self, rows: list[FeedRow], now: datetime, me: tuple[str, str]) -> None:
        model = self.feed_model
        current = model.row_at(self.currentIndex().row())
        anchor: tuple[tuple[str, int], int] | None = None
        top = self.indexAt(QPoint(4, 4))
        if top.isValid() and self.verticalScrollBar().value() > 0:
            top_row = model.row_at(top.row())
            if top_row is not None:
                anchor = (top_row.key, self.visualRect(top).top())
        self.delegate.me = me
        model.set_rows(rows, now)
        if current is not None:
            found = model.find(current.key)
            if found >= 0:
                self.selectionModel().setCurrentIndex(
                    model.index(found), self.selectionModel().SelectionFlag.NoUpdate)
        if anchor is not None:
            self.doItemsLayout()
            found = model.find(anchor[0])
            if found >= 0:
                bar = self.verticalScrollBar()
                bar.setValue(bar.value() + self.visualRect(model.index(found)).top()
                             - anchor[1])
        self._open_reply_field()

    def clear(self) -> None:
        self.reply_field.close_field()
        self.feed_model.clear()
        self.card_buttons.sync()

    def _rows_changed(self) -> None:
        self.delegate.forget()
        self.scheduleDelayedItemsLayout()
        self.card_buttons.sync()

    def currentChanged(self, current: QModelIndex | QPersistentModelIndex,  # noqa: N802
                       previous: QModelIndex | QPersistentModelIndex) -> None:
        super().currentChanged(current, previous)
        self.card_buttons.sync()

    def current_row(self) -> FeedRow | None:
        return self.feed_model.row_at(self.currentIndex().row())

    def go_to(self, key: tuple[str, int]) -> None:
        """Make the row with `key` the current card and scroll it into view."""
        number = self.feed_model.find(key)
        if number >= 0:
            index = self.feed_model.index(number)
            self.selectionModel().setCurrentIndex(
                index, self.selectionModel().SelectionFlag.NoUpdate)
            self.scrollTo(index)

    # -- the reply field ----------------------------------------------------------------------

    def _open_reply_field(self) -> None:
        row = next((r for r in self.feed_model.rows if r.kind == "reply_field"), None)
        if row is None or row.parent is None:
            self.reply_field.target = None
            self.reply_field.hide()
            return
        self.reply_field.open_for(row.parent)
        QTimer.singleShot(0, self, self._place_reply_field)

    def _place_reply_field(self) -> None:
        target = self.reply_field.target
        number = self.feed_model.find(("reply_field", target)) if target is not None else -1
        layout = self.delegate.layout_at(number) if number >= 0 else None
        if layout is None:
            self.reply_field.hide()
            return
        rect = self.visualRect(self.feed_model.index(number))
        frame = layout.frame.translated(QPointF(rect.topLeft())).toRect()
        height = self.reply_field.sizeHint().height()
        self.reply_field.setGeometry(QRect(frame.left(), frame.center().y() - height // 2,
                                           frame.width(), height))
        self.reply_field.show()

    def focus_reply_field(self) -> None:
        self._place_reply_field()
        number = self.feed_model.find(("reply_field", self.reply_field.target or -1))
        if number >= 0:
            self.scrollTo(self.feed_model.index(number))
            self._place_reply_field()
        self.reply_field.text.setFocus(Qt.FocusReason.OtherFocusReason)

    def updateGeometries(self) -> None:  # noqa: N802 - Qt API
        super().updateGeometries()
        self._place_reply_field()
        self.card_buttons.sync()

    def scrollContentsBy(self, dx: int, dy: int) -> None:  # noqa: N802 - Qt API
        super().scrollContentsBy(dx, dy)
        self._place_reply_field()
        self.card_buttons.sync()

    # -- spots: what is under the pointer -----------------------------------------------------

    def spot_at(self, point: QPoint) -> tuple[int, int, Spot] | None:
        index = self.indexAt(point)
        layout = self.delegate.layout_at(index.row()) if index.isValid() else None
        if layout is None:
            return None
        local = QPointF(point - self.visualRect(index).topLeft())
        found = layout.spot_at(local)
        return (index.row(), found, layout.spots[found]) if found >= 0 else None

    def spots_of(self, number: int) -> list[Spot]:
        layout = self.delegate.layout_at(number)
        return [s for s in layout.spots if s.action != "none"] if layout is not None else []

    def spot_centre(self, number: int, action: str, argument: str = "") -> QPoint:
        """Where on the viewport the row's button for `action` is (tests click there)."""
        layout = self.delegate.layout_at(number)
        assert layout is not None
        spot = next(s for s in layout.spots if s.action == action
                    and (not argument or s.argument == argument))
        return self.visualRect(self.feed_model.index(number)).topLeft() + \
            spot.rect.center().toPoint()

    def perform(self, number: int, spot: Spot) -> None:
        row = self.feed_model.row_at(number)
        if row is None:
            return
        if spot.action == "older":
            self.action.emit("older", 0, "")
            return
        if spot.action in ("more_replies", "fewer_replies") and row.parent is not None:
            self.action.emit("replies", row.parent.id,
                             "more" if spot.action == "more_replies" else "fewer")
            return
        item = row.item
        if item is None:
            return
        if spot.action == "link":
            words = next((words for block in row.text.blocks for words, address in block.links
                          if address == spot.argument), "")
            self.link_clicked.emit(spot.argument, words, who(item))
        elif spot.action == "reply":
            target = row.reply_target
            if target is not None:
                self.action.emit("reply", target.id, "")
        elif spot.action == "more":
            self.action.emit("more", item.id, "")
        elif spot.action in ("react", "unreact", "delete"):
            self.action.emit(spot.action, item.id, spot.argument)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        found = self.spot_at(event.position().toPoint())
        self._pressed = (found[0], found[1]) if found is not None else None
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        super().mouseReleaseEvent(event)
        found = self.spot_at(event.position().toPoint())
        pressed, self._pressed = self._pressed, None
        if (event.button() == Qt.MouseButton.LeftButton and found is not None
                and pressed == (found[0], found[1])):
            self.perform(found[0], found[2])

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        super().mouseMoveEvent(event)
        found = self.spot_at(event.position().toPoint())
        hover = (found[0], found[1]) if found is not None and found[2].action != "none" \
            else None
        if hover != self.delegate.hover:
            self.delegate.hover = hover
            self.viewport().update()
        self.viewport().setCursor(Qt.CursorShape.PointingHandCursor if hover is not None
                                  else Qt.CursorShape.ArrowCursor)

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        super().leaveEvent(event)
        if self.delegate.hover is not None:
            self.delegate.hover = None
            self.viewport().update()

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if isinstance(event, QHelpEvent) and event.type() == QEvent.Type.ToolTip:
            found = self.spot_at(event.pos())
            if found is not None and found[2].tip:
                QToolTip.showText(event.globalPos(), found[2].tip, self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    # -- keys and the menu --------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        row = self.current_row()
        key = event.key()
        plain = event.modifiers() in (Qt.KeyboardModifier.NoModifier,
                                      Qt.KeyboardModifier.KeypadModifier)
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and plain:
            self._step(-1 if key == Qt.Key.Key_Up else 1)
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and row is not None:
            spots = self.spots_of(self.currentIndex().row())
            if row.kind in ("older", "thread") and spots:
                self.perform(self.currentIndex().row(), spots[0])
            elif row.reply_target is not None:
                self.action.emit("reply", row.reply_target.id, "")
            return
        if key in _REACTION_KEYS and plain and row is not None and row.item is not None:
            emoji = REACTIONS[_REACTION_KEYS[Qt.Key(key)]]
            kind = "unreact" if emoji in row.item.my_reactions else "react"
            self.action.emit(kind, row.item.id, emoji)
            return
        if key == Qt.Key.Key_Delete and row is not None and row.item is not None \
                and row.item.mine:
            self.action.emit("delete", row.item.id, "")
            return
        if key == Qt.Key.Key_Menu or (key == Qt.Key.Key_F10 and event.modifiers()
                                      == Qt.KeyboardModifier.ShiftModifier):
            self.open_menu(self.currentIndex())
            return
        super().keyPressEvent(event)

    def _step(self, direction: int) -> None:
        """Up/Down to the next card (a reply field is a stop of its own: Tab reaches it)."""
        number = self.currentIndex().row()
        count = self.feed_model.rowCount()
        candidate = number + direction if number >= 0 else 0
        while 0 <= candidate < count:
            row = self.feed_model.row_at(candidate)
            if row is not None and row.kind != "reply_field":
                index = self.feed_model.index(candidate)
                self.selectionModel().setCurrentIndex(
                    index, self.selectionModel().SelectionFlag.NoUpdate)
                self.scrollTo(index)
                return
            candidate += direction

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 - Qt API
        index = self.indexAt(event.pos())
        if index.isValid():
            self.setCurrentIndex(index)
        self.open_menu(index, event.globalPos())

    def open_menu(self, index: QModelIndex, where: QPoint | None = None) -> QMenu | None:
        row = self.feed_model.row_at(index.row()) if index.isValid() else None
        if row is None or row.kind == "reply_field":
            return None
        menu = QMenu(self)
        number = index.row()
        for spot in self.spots_of(number):
            label = spot.name or spot.tip
            if spot.action == "link":
                label = self.tr("Open link: %1…").replace("%1", spot.argument[:80])
            action = menu.addAction(label)
            action.triggered.connect(lambda _=False, s=spot: self.perform(number, s))
        if row.text.blocks:
            menu.addSeparator()
            copy = menu.addAction(self.tr("Copy text"))
            copy.triggered.connect(lambda _=False, text=row.text.plain:
                                   QGuiApplication.clipboard().setText(text))
        if where is None:
            where = self.viewport().mapToGlobal(self.visualRect(index).topLeft()
                                                + QPoint(40, 20))
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(where)
        return menu

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.PaletteChange,
                            QEvent.Type.StyleChange):
            self._rows_changed()  # cards are measured in the font and coloured by the palette

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        super().paintEvent(event)
        if self.feed_model.rowCount() == 0 and self.placeholder:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            area = self.viewport().rect().adjusted(24, 24, -24, -24)
            painter.drawText(area, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
                             | Qt.TextFlag.TextWordWrap, self.placeholder)
            painter.end()
