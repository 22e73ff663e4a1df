"""The feed's list model: rows built once per refresh (ui/models/feed_rows.py), read by the
delegate and by screen readers. `data()` only reads what the rows hold.

A reaction shows at once (`toggle_reaction`): the row changes in place, the buttons stay where
they were, and the refresh after the vault has it replaces the guess with the truth.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from companion.circle_feed import FeedItem
from ui.models.feed_rows import FeedRow, row_sentence

Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1


class FeedModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[FeedRow] = []
        self.now = datetime.now(UTC)
        self._sentences: dict[int, str] = {}

    def set_rows(self, rows: list[FeedRow], now: datetime) -> None:
        self.beginResetModel()
        self.rows = rows
        self.now = now
        self._sentences.clear()
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows([], self.now)

    # -- Qt -------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.sentence(index.row())
        if role == ROW_ROLE:
            return row
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # -- reading --------------------------------------------------------------------------------

    def sentence(self, number: int) -> str:
        if number not in self._sentences:
            self._sentences[number] = row_sentence(self.rows[number], self.now)
        return self._sentences[number]

    def row_at(self, number: int) -> FeedRow | None:
        return self.rows[number] if 0 <= number < len(self.rows) else None

    def find(self, key: tuple[str, int]) -> int:
        return next((n for n, row in enumerate(self.rows) if row.key == key), -1)

    def item(self, item_id: int) -> FeedItem | None:
        for row in self.rows:
            if row.item is not None and row.item.id == item_id:
                return row.item
        return None

    def plain_text(self) -> str:
        """Every row's sentence, one a line: what the feed says, for tests and copying."""
        return "\n".join(self.sentence(n) for n in range(len(self.rows)))

    # -- a reaction at once ---------------------------------------------------------------------

    def toggle_reaction(self, item_id: int, emoji: str, me: str) -> bool:
        """Add or take back this device's `emoji` on item `item_id` in the rows shown, and
        return whether it is now given (the vault is told separately)."""
        number = next((n for n, row in enumerate(self.rows)
                       if row.item is not None and row.item.id == item_id), -1)
        if number < 0:
            return False
        row = self.rows[number]
        assert row.item is not None
        reactions = {k: list(v) for k, v in row.item.reactions.items()}
        mine = set(row.item.my_reactions)
        if emoji in mine:
            mine.discard(emoji)
            names = reactions.get(emoji, [])
            if me in names:
                names.remove(me)
            elif names:
                names.pop()
            if not names:
                reactions.pop(emoji, None)
        else:
            mine.add(emoji)
            reactions.setdefault(emoji, []).append(me)
        item = replace(row.item, reactions=reactions, my_reactions=mine)
        self.rows[number] = replace(row, item=item)
        self._sentences.pop(number, None)
        changed = self.index(number)
        self.dataChanged.emit(changed, changed)
        return emoji in mine
