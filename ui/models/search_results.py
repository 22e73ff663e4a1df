"""Search results: the best hits for what the user typed, each with its highlighted passage.

A search returns at most a page of hits (ranked by FTS5 in the vault lane), so the model holds
them whole; there is nothing to fetch lazily.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from companion.markdown_text import plain_excerpt
from companion.models import MOOD_LABELS, CheckIn, CheckinHit, SearchHit
from ui.models.journal_list import entry_label

Index = QModelIndex | QPersistentModelIndex


class SearchRoles(IntEnum):
    ENTRY = Qt.ItemDataRole.UserRole + 1
    ENTRY_ID = Qt.ItemDataRole.UserRole + 2
    SNIPPET_HTML = Qt.ItemDataRole.UserRole + 3  # the passage, matches in <b>…</b>
    IN_TITLE = Qt.ItemDataRole.UserRole + 4  # bool: the passage is the title itself
    CHECKIN = Qt.ItemDataRole.UserRole + 5  # a check-in whose note matched (ENTRY is None)
    TEXT_BELOW = Qt.ItemDataRole.UserRole + 6  # IN_TITLE: the start of the text, no Markdown


def snippet_html(pieces: Sequence[tuple[str, bool]]) -> str:
    """The passage as rich text: every piece escaped, the matching ones in <b>.

    The delegate styles <b> (bold, with a highlight colour that suits the theme). Escaping
    matters: journal text is the user's, and `<` or `&` in it must show as typed.
    """
    out = []
    for text, is_match in pieces:
        escaped = html.escape(text, quote=False).replace("\n", " ")
        out.append(f"<b>{escaped}</b>" if is_match else escaped)
    return "".join(out)


def checkin_label(checkin: CheckIn) -> str:
    return QCoreApplication.translate("SearchResults", "Check-in · %1").replace(
        "%1", QCoreApplication.translate("SearchResults",
                                         MOOD_LABELS[checkin.mood].capitalize()))


def _is_title(hit: SearchHit | CheckinHit) -> bool:
    """FTS5 picks the best column for the passage; often that is the whole title."""
    if isinstance(hit, CheckinHit):
        return False
    title = hit.entry.title.strip()
    return bool(title) and hit.snippet_text("", "").strip(" …") == title


def text_below_title(hit: SearchHit | CheckinHit) -> str:
    """What a hit whose match is its title shows below it: the text's start, without markup."""
    return plain_excerpt(hit.entry.body, 600) if isinstance(hit, SearchHit) else ""


class SearchResultsModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hits: list[SearchHit | CheckinHit] = []
        self._html: list[str] = []
        self._in_title: list[bool] = []
        self._below: list[str] = []

    def set_hits(self, hits: Sequence[SearchHit | CheckinHit]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self._html = [snippet_html(hit.snippet) for hit in self._hits]
        self._in_title = [_is_title(hit) for hit in self._hits]
        self._below = [text_below_title(hit) if in_title else ""
                       for hit, in_title in zip(self._hits, self._in_title, strict=True)]
        self.endResetModel()

    def clear(self) -> None:
        self.set_hits(())

    def hit_at(self, row: int) -> SearchHit | None:
        """The entry hit at `row` (None for a check-in's)."""
        hit = self._hits[row] if 0 <= row < len(self._hits) else None
        return hit if isinstance(hit, SearchHit) else None

    def checkin_at(self, row: int) -> CheckIn | None:
        hit = self._hits[row] if 0 <= row < len(self._hits) else None
        return hit.checkin if isinstance(hit, CheckinHit) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        return 0 if parent.isValid() else len(self._hits)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemNeverHasChildren)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if isinstance(hit, CheckinHit):
            return self._checkin_data(hit, index.row(), role)
        if role == Qt.ItemDataRole.DisplayRole:
            return entry_label(hit.entry)
        if role == SearchRoles.ENTRY:
            return hit.entry
        if role == SearchRoles.ENTRY_ID:
            return hit.entry.id
        if role == SearchRoles.SNIPPET_HTML:
            return self._html[index.row()]
        if role == SearchRoles.IN_TITLE:
            return self._in_title[index.row()]
        if role == SearchRoles.TEXT_BELOW:
            return self._below[index.row()]
        if role == Qt.ItemDataRole.AccessibleTextRole:
            when = hit.entry.created.strftime("%Y-%m-%d %H:%M")
            return f"{entry_label(hit.entry)}, {when}: {hit.snippet_text('', '')}"
        return None

    def _checkin_data(self, hit: CheckinHit, row: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return checkin_label(hit.checkin)
        if role == SearchRoles.CHECKIN:
            return hit.checkin
        if role == SearchRoles.SNIPPET_HTML:
            return self._html[row]
        if role == SearchRoles.IN_TITLE:
            return False
        if role == Qt.ItemDataRole.AccessibleTextRole:
            when = hit.checkin.at.strftime("%Y-%m-%d %H:%M")
            return f"{checkin_label(hit.checkin)}, {when}: {hit.snippet_text('', '')}"
        return None
