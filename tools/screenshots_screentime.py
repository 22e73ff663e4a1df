"""Screenshot of the Screen time page (called from tools.screenshots) over a month of demo use,
with a budget or two and a reminder showing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QScrollArea

from companion.screentime.demo import demo_spans
from companion.screentime.messages import Notice
from ui.main_window import MainWindow
from ui.pages.screen_time import ScreenTimePage


def render_screen_time(window: MainWindow, pump: Callable[[int], None], out: Path,
                       theme: str) -> None:
    app = window.app
    service = app.screen_time
    service.store.save_spans(demo_spans(app.clock.now(), 30))
    service.set_budget("total", "", 360)
    service.set_budget("category", "video", 45)
    service.set_budget("category", "social media", 30, weekday=app.clock.now().weekday())
    assert window.workspace is not None
    page = window.workspace.show_page(ScreenTimePage)
    assert isinstance(page, ScreenTimePage)
    page.refresh()
    pump(800)
    page.show_notice(Notice("eye", "A moment for your eyes",
                            "Look at something far away for 20 seconds.", "eye"))
    pump(200)
    window.grab().save(str(out / f"screen-time-{theme}.png"))
    page.range_group.button(30).click()
    pump(100)
    page.chart.grab().save(str(out / f"screen-time-30-days-{theme}.png"))
    scroll = page.findChild(QScrollArea)
    assert scroll is not None
    scroll.verticalScrollBar().setValue(scroll.verticalScrollBar().maximum())
    pump(200)
    window.grab().save(str(out / f"screen-time-settings-{theme}.png"))
    scroll.verticalScrollBar().setValue(0)
