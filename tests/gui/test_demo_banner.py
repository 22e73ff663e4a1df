"""The demo says what it is on every screen (issue 18, item 5): a banner "Demo vault — nothing
you do here is kept" that cannot be closed, reads well in both themes, has an accessible name,
and costs no page its layout at 800×600. And its circle arrives after the window shows."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QThread
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractButton, QApplication

from companion.app import CompanionApp
from companion.demo_circle import CIRCLE_NAME
from companion.demo_data import fill_with_demo_data
from companion.models import Changes
from tests.gui.conftest import visible_texts
from tests.gui.layout_check import layout_problems
from tests.gui.test_contrast import contrast
from ui.context import PreferenceStore
from ui.demo import DEMO_PASSPHRASE, DemoFolder, start_demo_circle
from ui.events import ChangeBridge
from ui.main_window import MainWindow
from ui.pages.circle import CirclePage
from ui.tasks import TaskRunner
from ui.theme import apply_theme
from ui.widgets.demo_banner import BANNER_TEXT, DemoBanner

TEXT = "Demo vault — nothing you do here is kept"


@pytest.fixture
def demo_window(qtbot, app: CompanionApp, runner: TaskRunner,  # type: ignore[no-untyped-def]
                prefs: PreferenceStore) -> Iterator[MainWindow]:
    main = MainWindow(app, runner, prefs, demo_passphrase=DEMO_PASSPHRASE)
    qtbot.addWidget(main)
    main.show_workspace()
    main.show()
    yield main
    runner.wait_idle()


def _banner(window: MainWindow) -> DemoBanner:
    assert window.demo_banner is not None
    return window.demo_banner


def test_the_banner_is_above_every_page_and_the_lock_screen(qtbot, demo_window,  # type: ignore[no-untyped-def]
                                                            wait_for_tasks) -> None:
    banner = _banner(demo_window)
    assert banner.text.text() == TEXT
    assert banner.accessibleName() == TEXT
    assert "deleted when Companion quits" in banner.accessibleDescription()
    assert not banner.findChildren(QAbstractButton)  # nothing to dismiss it with
    workspace = demo_window.workspace
    assert workspace is not None
    for index in range(len(workspace.pages)):
        workspace.show_page(index)
        wait_for_tasks()
        assert banner.isVisible()
        assert banner.mapTo(demo_window, banner.rect().topLeft()).y() == 0
        assert banner.geometry().bottom() < demo_window.states.geometry().top()
    demo_window.lock()
    wait_for_tasks()
    assert demo_window.states.currentWidget() is demo_window.unlock_screen
    assert banner.isVisible()


def test_no_banner_outside_the_demo(window: MainWindow) -> None:
    assert window.demo_banner is None
    assert not window.findChildren(DemoBanner)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_banner_reads_well_in_both_themes(qtbot, demo_window, theme,  # type: ignore[no-untyped-def]
                                              restore_theme) -> None:
    qt = QApplication.instance()
    assert isinstance(qt, QApplication)
    apply_theme(qt, theme)
    qtbot.wait(10)
    banner = _banner(demo_window)
    image = banner.grab().toImage()
    background = image.pixelColor(3, 3)
    assert background == QColor("#f2c14e")  # the style holds in either theme
    assert banner.text.palette().color(banner.text.foregroundRole()) == QColor(BANNER_TEXT)
    assert contrast(background, QColor(BANNER_TEXT)) >= 7  # WCAG AAA for its text
    window_colour = demo_window.palette().color(demo_window.backgroundRole())
    assert background != window_colour
    assert banner.height() <= 2.5 * banner.fontMetrics().height()  # one compact line


def test_every_page_holds_at_800_by_600_under_the_banner(qtbot, demo_window, app,  # type: ignore[no-untyped-def]
                                                        wait_for_tasks) -> None:
    fill_with_demo_data(app, days=30)
    demo_window.resize(800, 600)
    workspace = demo_window.workspace
    assert workspace is not None
    problems: list[str] = []
    for index, page in enumerate(workspace.pages):
        workspace.show_page(index)
        wait_for_tasks()
        qtbot.wait(30)
        wait_for_tasks()
        problems += [f"{type(page).__name__}: {p}" for p in layout_problems(demo_window)]
    assert problems == [], "\n".join(problems)


def test_the_circle_arrives_after_the_window_shows(qtbot, demo_window, app, runner,  # type: ignore[no-untyped-def]
                                                   wait_for_tasks) -> None:
    fill_with_demo_data(app, days=10)
    workspace = demo_window.workspace
    assert workspace is not None
    page = workspace.show_page(CirclePage)
    wait_for_tasks()
    assert CIRCLE_NAME not in " ".join(visible_texts(page))
    heard: list[tuple[Changes, bool]] = []
    bridge = ChangeBridge(app)
    bridge.changed.connect(lambda changes: heard.append(
        (changes, QThread.currentThread() is QApplication.instance().thread())))
    folder = DemoFolder()
    try:
        start_demo_circle(app, runner, folder)
        wait_for_tasks(60_000)
        qtbot.waitUntil(lambda: any(c.circles for c, _ in heard), timeout=10_000)
        assert all(on_gui_thread for _, on_gui_thread in heard)
        qtbot.waitUntil(lambda: CIRCLE_NAME in " ".join(visible_texts(page)), timeout=10_000)
        assert (folder.path / "circle" / "shared").is_dir()
    finally:
        wait_for_tasks(60_000)
        bridge.detach()
        folder.remove()
    assert not folder.path.exists()


def test_the_demo_never_offers_to_remember_its_key(qtbot, demo_window, monkeypatch,  # type: ignore[no-untyped-def]
                                                   wait_for_tasks) -> None:
    """'Nothing you do here is kept': a key left in the system keyring would outlive the
    demo's folder, so Remember on this device stays off even where a keyring exists."""
    from companion.app import CompanionApp
    from ui.pages.settings import SettingsPage

    monkeypatch.setattr(CompanionApp, "keyring_available", staticmethod(lambda: True))
    page = SettingsPage(demo_window.workspace.page(SettingsPage).ctx)  # built with a keyring
    qtbot.addWidget(page)
    wait_for_tasks()
    assert not page.keyring_available and not page.remember.isEnabled()
