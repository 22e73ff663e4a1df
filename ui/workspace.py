"""The unlocked app: a sidebar (Today, Journal, Insights, Screen time, Circle, Settings) and
the page it selects. It is built after each unlock and destroyed on lock, so no decrypted value
outlives the session in any widget or model.

Below the sections, always in view, "Need help now?" opens the support lines over whatever
page is showing, in one click, without changing the page."""

from __future__ import annotations

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QFont, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.context import UiContext
from ui.icons import icon
from ui.pages.base import Page
from ui.pages.circle import CirclePage
from ui.pages.insights import InsightsPage
from ui.pages.journal import JournalPage
from ui.pages.screen_time import ScreenTimePage
from ui.pages.settings import SettingsPage
from ui.pages.today import TodayPage
from ui.screentime_driver import ScreenTimeDriver
from ui.session import Session
from ui.support_key import support_keys_shown

PAGE_TYPES: tuple[type[Page], ...] = (TodayPage, JournalPage, InsightsPage, ScreenTimePage,
                                      CirclePage, SettingsPage)


class Workspace(QWidget):
    lock_requested = Signal()

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setAccessibleName(self.tr("Sections"))
        self.sidebar.setIconSize(QSize(20, 20))
        self.sidebar.setFrameShape(QListWidget.Shape.NoFrame)
        self.help_button = QPushButton(icon("help"), self.tr("Need help now?"))
        self.help_button.setObjectName("needHelp")
        self.help_button.setAccessibleName(self.tr("Need help now? Open the support lines"))
        self.help_button.setToolTip(self.tr("Support lines you can call, text or visit, "
                                            "kept on this computer (%1, also from inside a "
                                            "dialog)").replace("%1", support_keys_shown()))
        self.help_button.setAutoDefault(False)
        self.help_button.setIconSize(QSize(20, 20))
        font = QFont(self.help_button.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)  # as large as the sections above it
        self.help_button.setFont(font)
        self.help_button.setMinimumHeight(38)
        self.help_button.clicked.connect(self.open_support)
        self.stack = QStackedWidget()
        self.pages: list[Page] = []
        # Screen time is measured, and circles sync, while the workspace (the unlocked
        # vault) exists.
        self.session = Session(ctx, parent=self)
        ctx.session = self.session
        self.screen_time: ScreenTimeDriver = self.session.screen_time
        for index, page_type in enumerate(PAGE_TYPES):
            page = page_type(ctx)
            page.go_to.connect(self.show_page)
            self.pages.append(page)
            self.stack.addWidget(page)
            item = QListWidgetItem(icon(page.icon_name), self.tr(page.title))
            item.setToolTip(f"{self.tr(page.title)} (Ctrl+{index + 1})")
            self.sidebar.addItem(item)
            shortcut = QShortcut(QKeySequence(f"Ctrl+{index + 1}"), self)
            shortcut.activated.connect(lambda i=index: self.show_page(i))
        self.sidebar.currentRowChanged.connect(self._on_row)
        today = self.page(TodayPage)
        assert isinstance(today, TodayPage)
        today.entry_requested.connect(self.open_entry)
        today.write_requested.connect(self.write_entry)
        from_template = QShortcut(QKeySequence("Ctrl+Shift+N"), self)
        from_template.activated.connect(self.choose_template)
        # The sections, and under them the way to the support lines, on the sidebar's colour.
        side = QWidget()
        side.setObjectName("sidebarColumn")
        side.setFixedWidth(190)
        side.setBackgroundRole(QPalette.ColorRole.Base)
        side.setAutoFillBackground(True)
        column = QVBoxLayout(side)
        column.setContentsMargins(0, 0, 0, 10)
        column.setSpacing(0)
        column.addWidget(self.sidebar, 1)
        help_row = QHBoxLayout()
        help_row.setContentsMargins(8, 0, 8, 0)
        help_row.addWidget(self.help_button)
        column.addLayout(help_row)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(side)
        layout.addWidget(self.stack, 1)
        QWidget.setTabOrder(self.sidebar, self.help_button)  # reading order: down, then right
        self.sidebar.setCurrentRow(0)
        self.session.start()

    def open_support(self) -> QWidget:
        """The support lines over the current page; the page stays as it is."""
        from ui.dialogs.crisis import open_support

        return open_support(self, self.ctx.app.home, self.ctx.runner, prefs=self.ctx.prefs)

    def page(self, page_type: type[Page]) -> Page:
        return next(p for p in self.pages if isinstance(p, page_type))

    def show_page(self, index_or_type: int | type[Page]) -> Page:
        index = (index_or_type if isinstance(index_or_type, int)
                 else PAGE_TYPES.index(index_or_type))
        self.sidebar.setCurrentRow(index)
        return self.pages[index]

    def _journal(self) -> JournalPage:
        journal = self.show_page(JournalPage)
        assert isinstance(journal, JournalPage)
        return journal

    def open_entry(self, entry_id: int) -> None:
        """An entry from elsewhere (Today's "On this day") opens in the Journal."""
        journal = self._journal()
        journal.open_entry(entry_id)
        journal.editor.focus_text()

    def write_entry(self, title: str, body: str) -> None:
        """A new entry from elsewhere (Today's question) starts in the Journal."""
        self._journal().editing.new_entry_from(title, body)

    def choose_template(self) -> None:
        """Ctrl+Shift+N, from any page: the Journal, and the template chooser over it."""
        self._journal().editing.choose_template()

    def _on_row(self, row: int) -> None:
        if 0 <= row < len(self.pages):
            self.stack.setCurrentIndex(row)
            self.pages[row].shown()
            self.pages[row].focus_work()

    def focus_work(self) -> None:
        """The current page's work gets the keyboard (right after unlock)."""
        page = self.stack.currentWidget()
        if isinstance(page, Page):
            page.focus_work()

    def teardown(self) -> None:
        self.session.stop()  # saves the open screen-time span before the vault locks
        for page in self.pages:
            page.teardown()
        self.ctx.changes.detach()
