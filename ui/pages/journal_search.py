"""The journal page's search: the box asks after a typing pause, one search runs at a time,
and the newest text always wins (results for older text are never shown).

Search is FTS5 over the encrypted database, in the vault lane; the hits come back whole (a
page of them), each with its best passage, which the results model turns into rich text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView

from companion.models import SearchHit

if TYPE_CHECKING:
    from ui.pages.journal import JournalPage

    _Base = JournalPage
else:
    _Base = object

SEARCH_LIMIT = 50


class JournalSearch(_Base):
    search_text = ""
    _search_busy = False
    _search_again = False

    # -- search -----------------------------------------------------------------------------

    def _search_changed(self, text: str) -> None:
        self.search_text = text
        if not text:
            self.results.clear()
            self.update_left()
            return
        self._start_search()

    def search_now(self) -> None:
        """Search for what is in the box without waiting for the typing pause."""
        self.filters.delay.stop()
        self._search_changed(self.filters.search.text().strip())

    def _start_search(self) -> None:
        if self._search_busy:  # one at a time: the newest text goes next, the rest is skipped
            self._search_again = True
            return
        self._search_busy = True
        text, filters, app = self.search_text, self.filters.search_filters(self.zone()), \
            self.ctx.app
        self.ctx.runner.run(lambda: (text, app.search(text, limit=SEARCH_LIMIT, filters=filters)),
                            self._search_done, self._search_failed)

    def _search_done(self, payload: tuple[str, list[SearchHit]]) -> None:
        self._search_busy = False
        text, hits = payload
        if not self.alive:
            return
        if self._search_again:
            self._search_again = False
            if self.search_text:
                self._start_search()
                return
        if not self.search_text or text != self.search_text:
            return
        self.results.set_hits(hits)
        open_id = self.editor.entry.id if self.editor.entry is not None else None
        for row in range(self.results.rowCount()):
            hit = self.results.hit_at(row)
            if hit is not None and hit.entry.id == open_id:
                self.results_view.setCurrentIndex(self.results.index(row))
        self.update_left()

    def _search_failed(self, exc: BaseException) -> None:
        self._search_busy = self._search_again = False
        self.show_failure(exc)

    def focus_search(self) -> None:
        self.filters.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filters.search.selectAll()

    def _focus_list(self) -> None:
        view = self.results_view if self.search_text else self.list_view
        if self.left.currentWidget() is not view:
            return
        view.setFocus(Qt.FocusReason.OtherFocusReason)
        current = view.currentIndex()
        if not current.isValid():
            current = view.moveCursor(QAbstractItemView.CursorAction.MoveHome,
                                      Qt.KeyboardModifier.NoModifier)
        view.setCurrentIndex(current)  # and select it, which opens it
