"""Fixtures for the desktop app's tests (pytest-qt, offscreen).

The real TaskRunner is used, so work really runs on worker threads and results really come
back through the event loop; `wait_for_tasks` waits for that.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QWidget

from companion.app import CompanionApp
from companion.preferences import Preferences
from ui.context import PreferenceStore, UiContext
from ui.events import ChangeBridge
from ui.gc_guard import GuiThreadGarbageCollector
from ui.main_window import MainWindow
from ui.tasks import TaskRunner


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/gui/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.gui)


@pytest.fixture(autouse=True)
def garbage_collected_on_the_gui_thread(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """As in the app (ui/gc_guard.py): a collection on a worker thread that frees a Qt object
    can deadlock with the GUI thread, so tests collect on this thread only."""
    collector = GuiThreadGarbageCollector()
    yield
    collector.stop()
    gc.collect()


@pytest.fixture
def runner(qtbot) -> Iterator[TaskRunner]:  # type: ignore[no-untyped-def]
    task_runner = TaskRunner()
    yield task_runner
    task_runner.wait_idle()
    qtbot.wait(1)


@pytest.fixture
def wait_for_tasks(qtbot, runner: TaskRunner) -> Callable[[], None]:  # type: ignore[no-untyped-def]
    """Wait until every submitted task has finished and its callback has run."""

    def wait(timeout: int = 10_000) -> None:
        qtbot.waitUntil(lambda: runner.pending == 0, timeout=timeout)

    return wait


@pytest.fixture
def prefs(request: pytest.FixtureRequest, private_home: Path,
          runner: TaskRunner) -> PreferenceStore:
    """Default preferences, saved through the test's app (or, for a test that makes its own
    app on an empty folder, through one that opens nothing)."""
    if "app" in request.fixturenames:
        app: CompanionApp = request.getfixturevalue("app")
    else:
        app = CompanionApp(private_home)
    return PreferenceStore(app, runner, Preferences())


@pytest.fixture
def ctx(app: CompanionApp, runner: TaskRunner, prefs: PreferenceStore) -> Iterator[UiContext]:
    """What a page needs, over an unlocked empty vault (for testing one page alone)."""
    bridge = ChangeBridge(app)
    yield UiContext(app=app, runner=runner, prefs=prefs, changes=bridge)
    bridge.detach()


@pytest.fixture
def restore_theme():  # type: ignore[no-untyped-def]
    """apply_theme changes the whole QApplication; put it back for the next test."""
    qt = QApplication.instance()
    assert isinstance(qt, QApplication)
    palette, sheet, style = qt.palette(), qt.styleSheet(), qt.style().name()
    yield
    qt.setStyle(style)
    qt.setPalette(palette)
    qt.setStyleSheet(sheet)


@pytest.fixture
def window(qtbot, app: CompanionApp, runner: TaskRunner,  # type: ignore[no-untyped-def]
           prefs: PreferenceStore) -> Iterator[MainWindow]:
    """The main window, unlocked on an empty vault, showing the workspace."""
    main = MainWindow(app, runner, prefs)
    qtbot.addWidget(main)
    main.show_workspace()
    main.show()
    yield main
    runner.wait_idle()


def visible_texts(root: QWidget | None = None) -> list[str]:
    """Every string any live widget (or its item model) holds: labels, edits, lists, tables.

    Used to prove that locking leaves no decrypted text anywhere.
    """
    from PySide6.QtCore import QModelIndex
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QComboBox,
        QLabel,
        QLineEdit,
        QPlainTextEdit,
        QTextEdit,
    )

    widgets = root.findChildren(QWidget) if root else [
        w for top in QApplication.topLevelWidgets() for w in [top, *top.findChildren(QWidget)]]
    texts: list[str] = []
    for widget in widgets:
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        if isinstance(widget, QLineEdit):
            texts.append(widget.text())
        if isinstance(widget, QPlainTextEdit):
            texts.append(widget.toPlainText())
        if isinstance(widget, QTextEdit):
            texts.append(widget.toPlainText())
        if isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            root = QModelIndex()
            try:
                columns = model.columnCount(root)
            except TypeError:  # list models keep columnCount private: one column
                columns = 1
            for row in range(min(model.rowCount(root), 5000)):
                for column in range(columns):
                    index = model.index(row, column)
                    for role in (0, 3, 256, 257, 258):
                        value = model.data(index, role)
                        if value is not None:
                            texts.append(str(value))
        texts.append(widget.toolTip())
        texts.append(widget.accessibleName())
    return texts
