"""Every page at the smallest supported window and a common laptop size (called from
tools.screenshots): `page-NAME-800x600-THEME.png` and `page-NAME-1440x900-THEME.png`, for
looking at what the layout tests check (no clipped words, nothing scrolling sideways)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ui.main_window import MainWindow

SIZES = ((800, 600), (1440, 900))
NAMES = ("today", "journal", "insights", "screen-time", "circle", "settings")


def render_sizes(window: MainWindow, pump: Callable[[int], None], out: Path, theme: str,
                 prefix: str = "page", sizes: tuple[tuple[int, int], ...] = SIZES) -> None:
    assert window.workspace is not None
    before = window.size()
    for width, height in sizes:
        window.resize(width, height)
        for index, name in enumerate(NAMES):
            window.workspace.show_page(index)
            pump(500)
            window.grab().save(str(out / f"{prefix}-{name}-{width}x{height}-{theme}.png"))
    window.resize(before)
    pump(100)
