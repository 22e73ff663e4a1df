"""The strip under an entry's text that shows its attached photos and files.

Photos show the thumbnail the vault keeps with them (decoded from PNG bytes in memory, off
the GUI thread, by whoever fills the strip; never through QPixmapCache or a file); other
files show an icon, their name and size. It is one list a person reaches with Tab: the arrow
keys move, Enter opens, Delete asks to remove, and the menu key (or a right click) offers
Open, Save a copy… and Remove. Each item's accessible name says what it is ("Photo:
beach.jpg, 2.1 MB").

The strip knows nothing of the vault: an item's `key` is whatever its owner gave it (a
position in the entry, or a file not saved yet).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QPoint, QSize, Qt, Signal
from PySide6.QtGui import QContextMenuEvent, QIcon, QImage, QKeyEvent, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListView, QListWidget, QListWidgetItem, QMenu

from companion import media
from companion.attachments import size_text
from ui.icons import icon

THUMB = 72  # pixels a side of a shown thumbnail (the vault keeps 256)
KEY_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class StripItem:
    """One attachment as the strip shows it."""

    key: object
    name: str
    media_type: str
    size: int
    image: QImage | None = field(default=None, repr=False)  # the decoded thumbnail
    pending: bool = False  # attached to a new entry: saved with it

    @property
    def kind(self) -> str:
        """"Photo" for an image shown as one, else what the file is ("PDF document")."""
        if self.image is not None or self.media_type in media.DECODABLE_IMAGES:
            return "Photo"
        described = media.describe(self.media_type)
        return "File" if described == "file" else described

    @property
    def spoken(self) -> str:
        return f"{self.kind}: {self.name}, {size_text(self.size)}"


def decode_thumbnail(png: bytes | None) -> QImage | None:
    """A thumbnail's PNG bytes as an image, in memory (safe on a worker thread: a QImage is
    not a QPixmap). None when there are none or they do not decode."""
    if not png:
        return None
    image = QImage.fromData(png)
    return None if image.isNull() else image


class AttachmentStrip(QListWidget):
    open_requested = Signal(object)  # an item's key
    save_requested = Signal(object)
    remove_requested = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(False)
        self.setMovement(QListView.Movement.Static)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setIconSize(QSize(THUMB, THUMB))
        self.setGridSize(QSize(THUMB + 56, THUMB + 38))
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setWordWrap(False)  # a name on one line, shortened in its middle
        self.setUniformItemSizes(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # A film strip: one row that scrolls sideways when there are more than fit (the
        # layout checks of tests/gui/layout_check.py know this one means it).
        self.setProperty("scrollsSideways", True)
        self.setAccessibleName(self.tr("Attachments"))
        self.setToolTip(self.tr("Enter opens, Delete removes, the menu key offers more"))
        height = THUMB + 38 + self.horizontalScrollBar().sizeHint().height() + 4
        self.setFixedHeight(height)
        self.shown: list[StripItem] = []
        self.itemActivated.connect(lambda item: self.open_requested.emit(item.data(KEY_ROLE)))
        self.setVisible(False)

    def set_items(self, items: Sequence[StripItem]) -> None:
        """Show `items` (an empty list hides the strip), keeping the current row if it can."""
        row = self.currentRow()
        self.shown = list(items)
        self.clear()
        for item in self.shown:
            self.addItem(self._row(item))
        if self.shown:
            self.setCurrentRow(min(max(row, 0), len(self.shown) - 1))
        self.setVisible(bool(self.shown))

    def _row(self, item: StripItem) -> QListWidgetItem:
        picture = (QIcon(QPixmap.fromImage(item.image)) if item.image is not None
                   else icon("file"))
        row = QListWidgetItem(picture, f"{item.name}\n{size_text(item.size)}")
        row.setData(KEY_ROLE, item.key)
        spoken = item.spoken + (", " + self.tr("not saved yet") if item.pending else "")
        row.setData(Qt.ItemDataRole.AccessibleTextRole, spoken)
        row.setToolTip(spoken)
        row.setTextAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        return row

    def current_key(self) -> object | None:
        item = self.currentItem()
        key: object | None = None if item is None else item.data(KEY_ROLE)
        return key

    def item_for(self, key: object) -> StripItem | None:
        return next((item for item in self.shown if item.key == key), None)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        key = self.current_key()
        if key is not None and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.remove_requested.emit(key)
            return
        if key is not None and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_requested.emit(key)
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 - Qt API
        item = self.itemAt(event.pos())
        if item is None and event.reason() == QContextMenuEvent.Reason.Keyboard:
            item = self.currentItem()
        if item is None:
            return
        self.setCurrentItem(item)
        place = event.globalPos() if event.reason() != QContextMenuEvent.Reason.Keyboard \
            else self.viewport().mapToGlobal(self.visualItemRect(item).center())
        self.show_menu(item.data(KEY_ROLE), place).popup(place)

    def show_menu(self, key: object, place: QPoint) -> QMenu:
        menu = QMenu(self)
        menu.addAction(self.tr("Open"), lambda: self.open_requested.emit(key))
        menu.addAction(self.tr("Save a copy…"), lambda: self.save_requested.emit(key))
        menu.addSeparator()
        menu.addAction(icon("trash"), self.tr("Remove…"),
                       lambda: self.remove_requested.emit(key))
        menu.aboutToHide.connect(menu.deleteLater)
        return menu

    def wipe(self) -> None:
        self.shown = []
        self.clear()
        self.setVisible(False)
