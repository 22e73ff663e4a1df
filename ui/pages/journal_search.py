"""The journal page's search: the box asks after a typing pause, one search runs at a time,
and the newest text always wins (results for older text are never shown).

Search is FTS5 over the encrypted database, in the vault lane; the hits come back whole (a
page of them), each with its best passage, which the results model turns into rich text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QAbstractItemView

from companion.models import CheckinHit, SearchHit

if TYPE_CHECKING:
    from companion.app import CompanionApp
    from companion.search import SearchFilters
    from ui.pages.journal import JournalPage

SEARCH_LIMIT = 50


class JournalSearchController(QObject):
    """The page's search box and results: owned by the page, acting on it."""

    def __init__(self, page: JournalPage) -> None:
        super().__init__(page)  # a child of the page: deleted with it, so a late task
        self.page = page         # result for a locked (deleted) page is never delivered
        self.search_text = ""
        self._search_busy = False
        self._search_again = False

    # -- search -----------------------------------------------------------------------------

    def text_changed(self, text: str) -> None:
        self.search_text = text
        if not text:
            self.page.results.clear()
            self.page.update_left()
            return
        self.start_search()

    def search_now(self) -> None:
        """Search for what is in the box without waiting for the typing pause."""
        self.page.filters.delay.stop()
        self.text_changed(self.page.filters.search.text().strip())

    def start_search(self) -> None:
        if self._search_busy:  # one at a time: the newest text goes next, the rest is skipped
            self._search_again = True
            return
        self._search_busy = True
        text, app = self.search_text, self.page.ctx.app
        filters = self.page.filters.search_filters(self.page.zone())
        self.page.ctx.runner.run(lambda: (text, _search(app, text, filters)),
                                 self._search_done, self._search_failed)

    def _search_done(self, payload: tuple[str, list[SearchHit | CheckinHit]]) -> None:
        self._search_busy = False
        text, hits = payload
        if not self.page.alive:
            return
        if self._search_again:
            self._search_again = False
            if self.search_text:
                self.start_search()
                return
        if not self.search_text or text != self.search_text:
            return
        self.page.results.set_hits(hits)
        open_id = self.page.editor.entry.id if self.page.editor.entry is not None else None
        for row in range(self.page.results.rowCount()):
            hit = self.page.results.hit_at(row)
            if hit is not None and hit.entry.id == open_id:
                self.page.results_view.setCurrentIndex(self.page.results.index(row))
        self.page.update_left()

    def _search_failed(self, exc: BaseException) -> None:
        self._search_busy = self._search_again = False
        self.page.editing.show_failure(exc)

    def focus_search(self) -> None:
        self.page.filters.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.page.filters.search.selectAll()

    def focus_list(self) -> None:
        view = self.page.results_view if self.search_text else self.page.list_view
        if self.page.left.currentWidget() is not view:
            return
        view.setFocus(Qt.FocusReason.OtherFocusReason)
        current = view.currentIndex()
        if not current.isValid():
            current = view.moveCursor(QAbstractItemView.CursorAction.MoveHome,
                                      Qt.KeyboardModifier.NoModifier)
        view.setCurrentIndex(current)  # and select it, which opens it


def _search(app: CompanionApp, text: str, filters: SearchFilters) -> list[SearchHit | CheckinHit]:
    """Entries and check-in notes, best first (one tokenizer, one ranking), a page in all."""
    hits: list[SearchHit | CheckinHit] = [
        *app.search(text, limit=SEARCH_LIMIT, filters=filters),
        *app.search_checkins(text, limit=SEARCH_LIMIT, filters=filters)]
    return sorted(hits, key=lambda hit: hit.rank)[:SEARCH_LIMIT]
