"""A line of tags ("work, sleep" or "work sleep") that completes the word being typed from the
tags already in the journal, and leaves the rest of the line alone."""

from __future__ import annotations

import re

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

_SEPARATORS = re.compile(r"[,\s]+")


def parse_tags(text: str) -> tuple[str, ...]:
    """The tags in `text`, in order, each once (case-insensitively), without a leading '#'."""
    seen: dict[str, str] = {}
    for raw in _SEPARATORS.split(text):
        tag = raw.strip().lstrip("#")
        if tag:
            seen.setdefault(tag.casefold(), tag)
    return tuple(seen.values())


class TagEdit(QLineEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(self.tr("Tags, separated by commas"))
        self.setAccessibleName(self.tr("Tags"))
        self.setToolTip(self.tr("Tags, separated by commas or spaces. Known tags are "
                                "suggested as you type."))
        self.known: list[str] = []
        self.suggestions = QStringListModel(self)
        self.completer_ = QCompleter(self.suggestions, self)
        self.completer_.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer_.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer_.setFilterMode(Qt.MatchFlag.MatchStartsWith)
        self.completer_.setWidget(self)
        self.completer_.activated.connect(self.insert_completion)
        self.textEdited.connect(self._suggest)

    def tags(self) -> tuple[str, ...]:
        return parse_tags(self.text())

    def set_tags(self, tags: tuple[str, ...] | list[str]) -> None:
        self.setText(", ".join(tags))  # setText also forgets the undo history

    def set_known_tags(self, names: list[str]) -> None:
        self.known = list(names)

    def _word_bounds(self) -> tuple[int, int]:
        """Where the word under the cursor starts and ends."""
        text, cursor = self.text(), self.cursorPosition()
        start = cursor
        while start > 0 and not _SEPARATORS.match(text[start - 1]):
            start -= 1
        end = cursor
        while end < len(text) and not _SEPARATORS.match(text[end]):
            end += 1
        return start, end

    def current_word(self) -> str:
        start, _ = self._word_bounds()
        return self.text()[start:self.cursorPosition()].lstrip("#")

    def _suggest(self) -> None:
        word = self.current_word()
        popup = self.completer_.popup()
        if not word:
            if popup is not None:
                popup.hide()
            return
        taken = {tag.casefold() for tag in self.tags()} - {word.casefold()}
        self.suggestions.setStringList([name for name in self.known
                                        if name.casefold() not in taken])
        self.completer_.setCompletionPrefix(word)
        if popup is None:
            return
        if self.completer_.completionCount() == 0:
            popup.hide()
            return
        popup.setCurrentIndex(self.completer_.completionModel().index(0, 0))
        self.completer_.complete()

    def insert_completion(self, name: str) -> None:
        """Replace the word being typed with the chosen tag and start the next one."""
        start, end = self._word_bounds()
        text = self.text()
        rest = text[end:].lstrip(", ")
        head = text[:start] + name + ", "
        self.setText(head + rest)  # like typing: the caller marks the entry as edited
        self.setCursorPosition(len(head))
        self.textEdited.emit(self.text())
        self._hide_popup()

    def wipe(self) -> None:
        self._hide_popup()
        self.suggestions.setStringList([])
        self.completer_.setCompletionPrefix("")
        self.known = []
        self.setText("")

    def _hide_popup(self) -> None:
        popup = self.completer_.popup()
        if popup is not None:
            popup.hide()
