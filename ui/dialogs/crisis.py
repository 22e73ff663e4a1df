"""The crisis screen: support lines, calmly, the moment a PHQ-9 item-9 answer is above 0, and
whenever the person asks ("Need help now?" in the sidebar, on the unlock screen, under the
first-run steps and in the summary; Ctrl+Shift+H from any window, ui/support_key.py).

Everything shown is on this computer (the shipped list, or the person's own copy in the home
folder), so it works offline, with the vault locked, and with nothing else loaded. The
person's country comes first — the one they chose here before, else the system's — then the
lines for anywhere. The person can edit their own list here: the text is checked before it is
saved, and a list that does not parse is never saved.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from companion.crisis import (
    MAX_FILE_BYTES,
    SOMEWHERE_ELSE,
    CrisisListError,
    CrisisResources,
    chosen_country,
    country_code,
    international_lines,
    load_crisis_resources,
    parse_user_text,
    save_user_list,
    shipped_text,
    user_file,
)
from companion.preferences import load_preferences, save_preferences
from ui.context import PreferenceStore
from ui.tasks import TaskRunner
from ui.widgets.common import error_label, heading, hint, subheading, user_message
from ui.widgets.crisis_lines import VIEW, LineCard, crisis_style, emergency_card, line_card

AFTER_ANSWER = (
    "You said that thoughts of hurting yourself, or of being better off dead, came up in the "
    "last two weeks. Thank you for being honest about it: that is not easy to say. Talking "
    "with someone can help, and the people below are there to listen.")
ON_REQUEST = (
    "If things feel like too much right now, talking with someone can help. The people below "
    "are there to listen.")


def locale_country(locale: QLocale) -> str:
    """The ISO 3166 code of `locale`'s territory ("" for the C locale or a region such as
    Latin America, which is no one country)."""
    return country_code(QLocale.territoryToCode(locale.territory()))


def territory_name(code: str) -> str:
    territory = QLocale.codeToTerritory(code)
    return QLocale.territoryToString(territory) if territory != QLocale.Country.AnyTerritory \
        else code


def find_preference_store(widget: QWidget | None) -> PreferenceStore | None:
    """The app's preference store, from the nearest parent that holds it (the main window has
    it as `prefs`, a page has it in `ctx`)."""
    while widget is not None:
        for holder in (widget, getattr(widget, "ctx", None)):
            store = getattr(holder, "prefs", None)
            if isinstance(store, PreferenceStore):
                return store
        widget = widget.parentWidget()
    return None


class CrisisDialog(QDialog):
    saved = Signal()

    def __init__(self, home: Path, runner: TaskRunner, parent: QWidget | None = None, *,
                 prefs: PreferenceStore | None = None, locale: QLocale | None = None,
                 after_answer: bool = False) -> None:
        super().__init__(parent)
        self.home, self.runner = home, runner
        self.prefs = prefs if prefs is not None else find_preference_store(parent)
        self.locale_code = locale_country(locale if locale is not None else QLocale())
        self.after_answer = after_answer
        self.resources: CrisisResources | None = None
        self.country = ""
        self.cards: list[LineCard] = []
        self.setWindowTitle(self.tr("Support, if you need it now"))
        self.setMinimumSize(600, 560)
        self.setStyleSheet(crisis_style(QApplication.font().pointSizeF()))
        self.stack = QStackedWidget()
        self.stack.addWidget(self._build_view())
        self.stack.addWidget(self._build_editor())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.addWidget(self.stack)
        self.show_resources()
        self._open_large()

    def _open_large(self) -> None:
        """Calm and large: room for the lines without scrolling where the screen allows."""
        width, height = 760, 820
        screen = self.screen()
        if screen is not None:
            room = screen.availableGeometry()
            width, height = min(width, room.width()), min(height, room.height())
        self.resize(max(width, self.minimumWidth()), max(height, self.minimumHeight()))

    # -- the lines ----------------------------------------------------------------------------

    def _build_view(self) -> QWidget:
        page = QWidget()
        page.setObjectName(VIEW)
        layout = QVBoxLayout(page)
        layout.setSpacing(10)
        title = heading(self.tr("You don't have to go through this alone"))
        layout.addWidget(title)
        lead = _paragraph(self.tr(AFTER_ANSWER if self.after_answer else ON_REQUEST))
        lead.setProperty("role", "lead")
        layout.addWidget(lead)
        self.setAccessibleDescription(lead.text())  # read with the window's title
        where = QHBoxLayout()
        self.where_label = QLabel(self.tr("&Where you are:"))
        self.picker = QComboBox()
        self.picker.setAccessibleName(self.tr("Where you are: whose lines come first"))
        # As wide as a country's name usually is, not as the longest one in the list: a
        # person's own list with a 300-character name made the screen 4,000 pixels wide.
        self.picker.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.picker.setMinimumContentsLength(24)
        self.picker.activated.connect(self._picked)
        self.where_label.setBuddy(self.picker)
        where.addWidget(self.where_label)
        where.addWidget(self.picker)
        where.addStretch(1)
        layout.addLayout(where)
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(0, 4, 8, 4)
        self.body_layout.setSpacing(10)
        self.lines_area = QScrollArea()
        self.lines_area.setWidgetResizable(True)
        self.lines_area.setFrameShape(QFrame.Shape.NoFrame)
        self.lines_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.lines_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # its buttons take the keyboard
        self.lines_area.setWidget(self.body)
        layout.addWidget(self.lines_area, 1)
        # A plain row, not a QDialogButtonBox: the box made its default button its focus
        # proxy, so Tab from the last line's buttons skipped "Edit my list…".
        buttons = QHBoxLayout()
        self.edit_button = QPushButton(self.tr("Edit my list…"))
        self.edit_button.setAutoDefault(False)
        self.edit_button.clicked.connect(self.start_editing)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self.accept)
        self.close_button.setDefault(True)
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        return page

    def show_resources(self) -> None:
        # One small local file, read at once: the lines must be on screen the moment this
        # opens, with nothing else to wait for (it is bounded to 256 KiB before parsing).
        self.resources = resources = load_crisis_resources(self.home)
        remembered = (self.prefs.current.crisis_country if self.prefs is not None
                      else load_preferences(self.home).crisis_country)
        self.country = chosen_country(resources, remembered, self.locale_code)
        self._fill_picker(resources)
        self._show_lines()
        self.stack.setCurrentIndex(0)
        self.close_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _fill_picker(self, resources: CrisisResources) -> None:
        self.picker.clear()
        listed = sorted((c for c in resources.countries if c.lines or c.emergency),
                        key=lambda c: c.name.casefold())
        for country in listed:
            self.picker.addItem(country.name, country.code)
        self.picker.addItem(self.tr("Somewhere else"), SOMEWHERE_ELSE)
        index = self.picker.findData(self.country)
        self.picker.setCurrentIndex(index if index >= 0 else self.picker.count() - 1)
        # A list with no countries (a person's own, say) has nothing to choose between.
        self.where_label.setVisible(bool(listed))
        self.picker.setVisible(bool(listed))

    def _picked(self, index: int) -> None:
        code = str(self.picker.itemData(index))
        if code == self.country:
            return
        self.country = code
        self._show_lines()
        self._remember(code)

    def _remember(self, code: str) -> None:
        """Keep the choice for next time: a country code is a setting, not something the
        person wrote, so it goes in the preferences file beside the vault."""
        if self.prefs is not None:
            self.prefs.update(replace(self.prefs.current, crisis_country=code))
            return
        home = self.home

        def save() -> None:
            save_preferences(home, replace(load_preferences(home), crisis_country=code))

        self.runner.run(save)

    def _show_lines(self) -> None:
        resources = self.resources
        assert resources is not None
        while (item := self.body_layout.takeAt(0)) is not None:
            widget = item.widget()
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.cards = []

        def add(widget: QWidget) -> None:
            self.body_layout.addWidget(widget)
            if isinstance(widget, LineCard):
                self.cards.append(widget)

        country = resources.country(self.country)
        if resources.source != "shipped" and resources.intro:
            add(_paragraph(resources.intro))
        if country is not None:
            add(subheading(country.name))
            if country.emergency:
                add(emergency_card(country))
            for line in country.lines:
                add(line_card(line))
        elif self.country and self.country != SOMEWHERE_ELSE and resources.countries:
            add(hint(self.tr(
                "Your country (%1) is not in this list yet. The lines below can help from "
                "anywhere, and you can add local ones with “Edit my list…”.")
                .replace("%1", territory_name(self.country))))
        others = international_lines(resources, country)
        if others:
            add(subheading(self.tr("Wherever you are")))
            for line in others:
                add(line_card(line))
        if resources.problem:
            problem = error_label()
            problem.setText(resources.problem)
            add(problem)
        add(hint(self._about_the_list(resources)))
        self.body_layout.addStretch(1)
        self._order_tab_stops()

    def _about_the_list(self, resources: CrisisResources) -> str:
        if resources.source == "shipped":
            checked = (self.tr(" Last checked %1.").replace("%1", resources.last_checked)
                       if resources.last_checked else "")
            return (f"{resources.verified}{checked} " + self.tr(
                "This list is kept on your computer and works without the internet. You can "
                "make it your own with local services and people you trust.")).strip()
        return self.tr("This is your own list, from %1. It is kept on your computer and works "
                       "without the internet.").replace("%1", resources.source)

    def _order_tab_stops(self) -> None:
        """Reading order: the picker, each card's buttons top to bottom, then Edit and Close
        (cards made after the dialog would otherwise come after its Close button)."""
        chain: list[QWidget] = [self.picker] if not self.picker.isHidden() else []
        chain += [*self.line_buttons(), self.edit_button, self.close_button]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def line_buttons(self) -> list[QPushButton]:
        """The call, text, website and copy buttons shown now, in reading order."""
        return [button for card in self.cards for button in card.buttons]

    # -- the person's own list --------------------------------------------------------------------

    def _build_editor(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(heading(self.tr("Your support lines")))
        layout.addWidget(hint(self.tr(
            "Edit the list as JSON: add your country's lines, a friend, your therapist's "
            "number. Companion shows your list instead of the shipped one while it is valid.")))
        self.editor = QPlainTextEdit()
        self.editor.setFont(QFont("monospace"))
        self.editor.setAccessibleName(self.tr("Support lines as JSON"))
        self.editor.setTabChangesFocus(True)
        layout.addWidget(self.editor, 1)
        self.edit_note = hint("")
        self.edit_note.setVisible(False)
        layout.addWidget(self.edit_note)
        self.edit_error = error_label()
        self.edit_error.setVisible(False)
        layout.addWidget(self.edit_error)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(self.tr("Save my list"),
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.clicked.connect(self.save_list)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.clicked.connect(self.show_resources)
        layout.addWidget(buttons)
        return page

    def start_editing(self) -> None:
        path = user_file(self.home)
        note = ""
        text = shipped_text()
        if path.is_file():
            try:
                if path.stat().st_size > MAX_FILE_BYTES:
                    note = self.tr("Your list in %1 is larger than 256 KiB, so it was not "
                                   "opened here. This is the list that ships with Companion; "
                                   "saving replaces yours.").replace("%1", str(path))
                else:
                    text = path.read_text("utf-8")
            except (OSError, UnicodeDecodeError):
                note = self.tr("Your list in %1 could not be read as text. This is the list "
                               "that ships with Companion; saving replaces yours.").replace(
                                   "%1", str(path))
        self.editor.setPlainText(text)
        self.edit_note.setText(note)
        self.edit_note.setVisible(bool(note))
        self.edit_error.setVisible(False)
        self.save_button.setDefault(True)
        self.stack.setCurrentIndex(1)
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def save_list(self) -> None:
        text = self.editor.toPlainText()
        try:
            parse_user_text(text, source="edited")
        except CrisisListError as exc:
            self.edit_error.setText(self.tr("This list cannot be saved yet: %1. Nothing was "
                                            "changed.").replace("%1", str(exc)))
            self.edit_error.setVisible(True)
            return
        home = self.home
        self.save_button.setEnabled(False)
        self.runner.run(lambda: save_user_list(home, text), self._saved, self._save_failed)

    def _saved(self, _result: object) -> None:
        self.save_button.setEnabled(True)
        self.saved.emit()
        self.show_resources()

    def _save_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.edit_error.setText(user_message(exc))
        self.edit_error.setVisible(True)


def _paragraph(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def support_host(widget: QWidget) -> QWidget:
    """Where the screen opened on request hangs: the main window's central stack, which
    outlives a lock (locking closes the window's own dialogs and deletes the workspace). The
    lines hold nothing from the vault, and an auto-lock must not take them away from someone
    reading them. From inside a dialog (the summary, say), the main window it belongs to."""
    window = widget.window()
    while not isinstance(window, QMainWindow) and (owner := window.parentWidget()) is not None:
        window = owner.window()
    central = window.centralWidget() if isinstance(window, QMainWindow) else None
    return central if central is not None else widget


def show_crisis_dialog(home: Path, runner: TaskRunner, parent: QWidget | None, *,
                       prefs: PreferenceStore | None = None, locale: QLocale | None = None,
                       after_answer: bool = False) -> CrisisDialog:
    """Open the screen over `parent`, or bring forward the one already open there."""
    if parent is not None:
        for open_one in parent.findChildren(CrisisDialog,
                                            options=Qt.FindChildOption.FindDirectChildrenOnly):
            if open_one.isVisible():
                open_one.raise_()
                open_one.activateWindow()
                return open_one
    dialog = CrisisDialog(home, runner, parent, prefs=prefs, locale=locale,
                          after_answer=after_answer)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    dialog.raise_()
    return dialog


def open_support(widget: QWidget, home: Path, runner: TaskRunner, *,
                 prefs: PreferenceStore | None = None,
                 locale: QLocale | None = None) -> CrisisDialog:
    """"Need help now?": the screen on request, from anywhere in the window, a modal dialog
    included (the newest modal window is the one Qt does not block)."""
    over = QApplication.activeModalWidget()  # the dialog the person is in, if any
    dialog = show_crisis_dialog(home, runner, support_host(widget),
                                prefs=prefs or find_preference_store(widget), locale=locale)
    _keep_above(dialog, over)
    return dialog


def _keep_above(dialog: CrisisDialog, modal: QWidget | None) -> None:
    """Hung on the main window, the screen would only be kept above the main window: a click
    on the dialog it was opened from could raise that dialog over the lines. Window managers
    keep a window above the one it is transient for, so it is made transient for that one."""
    if modal is None or modal is dialog or not modal.isVisible():
        return
    handle, under = dialog.windowHandle(), modal.windowHandle()
    if handle is not None and under is not None:
        handle.setTransientParent(under)


__all__ = ["CrisisDialog", "locale_country", "open_support", "show_crisis_dialog"]
