"""The core's plain callbacks, turned into Qt signals delivered on the GUI thread
(Electrum's QtEventListener idea)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from companion.app import CompanionApp


class ChangeBridge(QObject):
    """Re-emits `CompanionApp` change notifications as `changed(Changes)`.

    Mutations run on a worker thread; because this object lives on the GUI thread, Qt queues
    the signal and slots run on the GUI thread.
    """

    changed = Signal(object)

    def __init__(self, app: CompanionApp, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe: Callable[[], None] | None = app.subscribe(self.changed.emit)

    def detach(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
