"""What lives while the vault is unlocked: the app-wide services that outlast any one page.

Built with the workspace at unlock and stopped with it at lock, so neither the screen-time
driver nor the circle and device syncers can outlive the key. Pages and the tray reach them
through `ctx.session`, typed (it replaces a string-keyed dict of "extras").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from ui.circle_sync import CircleSyncer
from ui.device_sync import DeviceSyncer
from ui.screentime_driver import ScreenTimeDriver

if TYPE_CHECKING:
    from ui.context import UiContext


class Session(QObject):
    def __init__(self, ctx: UiContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.screen_time = ScreenTimeDriver(ctx, parent=self)
        self.circle_sync = CircleSyncer(ctx, self)
        self.device_sync = DeviceSyncer(ctx, self)

    def start(self) -> None:
        """Measuring starts, and a first sync of every circle and of this computer's device
        group, if it has one (all off the GUI thread)."""
        self.screen_time.start()
        self.circle_sync.start()
        self.device_sync.start()

    def stop(self) -> None:
        """Before the vault locks: the open screen-time span is saved, sync stops."""
        self.circle_sync.stop()
        self.device_sync.stop()
        self.screen_time.stop()
