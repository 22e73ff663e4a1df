"""Bugs: shown once per distinct traceback, reported locally without user content.

User errors never come here; they are shown where they happen, as a sentence.
"""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from companion.crash import fingerprint, write_crash_report
from companion.errors import UserError

log = logging.getLogger(__name__)


class BugReporter(QObject):
    """Installed as `sys.excepthook` (and `threading.excepthook`); safe from any thread."""

    _raised = Signal(object)

    def __init__(self, home: Path, parent_widget: QWidget | None = None) -> None:
        super().__init__()
        self.home = home
        self.parent_widget = parent_widget
        self.seen: set[str] = set()
        self.reports: list[Path] = []
        self._report_of: dict[str, Path | None] = {}
        self.dialogs_shown = 0
        self.show_dialogs = True
        self._raised.connect(self._show)

    def install(self) -> None:
        sys.excepthook = self._hook
        threading.excepthook = lambda args: self._hook(
            args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback)

    def _hook(self, exc_type: type[BaseException], exc: BaseException,
              tb: TracebackType | None) -> None:
        if exc.__traceback__ is None and tb is not None:
            exc = exc.with_traceback(tb)
        self.report(exc)

    def report(self, exc: BaseException) -> None:
        self._raised.emit(exc)

    def record(self, exc: BaseException) -> Path | None:
        """Write the bug's report (once per distinct traceback) and say where it is (None if
        it could not be written). The task runner calls this before any handler runs."""
        key = fingerprint(exc)
        if key not in self._report_of:
            log.error("bug %s: %s", key, type(exc).__name__)
            path = write_crash_report(exc, self.home)
            self._report_of[key] = path
            if path is not None:
                self.reports.append(path)
        return self._report_of[key]

    @Slot(object)
    def _show(self, exc: BaseException) -> None:
        if isinstance(exc, UserError):
            QMessageBox.warning(self.parent_widget, "Companion", str(exc))
            return
        key = fingerprint(exc)
        path = self.record(exc)
        if key in self.seen:
            return
        self.seen.add(key)
        if not self.show_dialogs:
            return
        self.dialogs_shown += 1
        where = (f"\n\nA report without any of your content was saved to:\n{path}" if path
                 else "\n\nNo report could be saved.")
        box = QMessageBox(QMessageBox.Icon.Critical, "Companion",
                          "Something went wrong inside Companion. Your journal is safe; "
                          "what you had saved is still there." + where,
                          QMessageBox.StandardButton.Ok, self.parent_widget)
        box.open()
