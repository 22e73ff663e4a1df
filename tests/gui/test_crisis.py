"""The crisis screen (issue 18, item 2): the person's country first, from a given locale,
changeable and remembered; every line a real button that calls, texts or opens the website
through the desktop (stubbed here), and can be copied; keyboard and screen-reader friendly;
a person's own list edited safely and read as hostile input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget

from companion.crisis import MAX_FILE_BYTES, SOMEWHERE_ELSE, user_file
from companion.preferences import load_preferences
from tests.gui.layout_check import layout_problems
from tests.gui.tab_walk import focusable, out_of_reading_order, walk
from ui.context import PreferenceStore
from ui.dialogs.crisis import CrisisDialog, locale_country
from ui.tasks import TaskRunner
from ui.widgets import crisis_lines
from ui.widgets.crisis_lines import LineCard

GB = QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
US = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
DE = QLocale(QLocale.Language.German, QLocale.Country.Germany)
KENYA = QLocale(QLocale.Language.English, QLocale.Country.Kenya)
NO_COUNTRY = QLocale(QLocale.Language.C)


@pytest.fixture(autouse=True)
def desktop(monkeypatch) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
    """The desktop's URL handler, stood in for: records what would have opened. No test here
    may reach the real one (it would start a phone app or a browser)."""
    opened: list[str] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url.toString())
        return True

    monkeypatch.setattr(crisis_lines, "open_url", open_url)
    yield opened


@pytest.fixture
def screen(qtbot, private_home: Path, runner: TaskRunner,  # type: ignore[no-untyped-def]
           prefs: PreferenceStore):
    """Opens the screen the way the app does, with a given locale."""

    private_home.mkdir(exist_ok=True)

    def open_screen(locale: QLocale = GB, *, after_answer: bool = False) -> CrisisDialog:
        dialog = CrisisDialog(private_home, runner, None, prefs=prefs, locale=locale,
                              after_answer=after_answer)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        return dialog

    return open_screen


def shown(dialog: CrisisDialog) -> list[str]:
    """Section headings (as "# name") and card titles, top to bottom, as shown."""
    out = []
    for index in range(dialog.body_layout.count()):
        widget = dialog.body_layout.itemAt(index).widget()
        if isinstance(widget, LineCard):
            out.append(widget.title.text())
        elif isinstance(widget, QLabel) and widget.property("role") == "subheading":
            out.append(f"# {widget.text()}")
    return out


def button(dialog: CrisisDialog, text: str) -> QPushButton:
    return next(b for b in dialog.line_buttons() if b.text() == text)


def texts(widget: QWidget) -> str:
    return " ".join(label.text() for label in widget.findChildren(QLabel)
                    if label.isVisibleTo(widget))


# -- the person's country first ------------------------------------------------------------------


@pytest.mark.parametrize(("locale", "expected"), [
    (GB, ["# United Kingdom", "In danger right now?", "Samaritans", "# Wherever you are",
          "Find A Helpline"]),
    (US, ["# United States", "In danger right now?", "988 Suicide & Crisis Lifeline",
          "# Wherever you are", "Find A Helpline"]),
    (DE, ["# Germany", "In danger right now?", "TelefonSeelsorge", "# Wherever you are",
          "Find A Helpline"]),
    (NO_COUNTRY, ["# Wherever you are", "Your local emergency number", "Find A Helpline"]),
])
def test_the_lines_are_ordered_by_the_given_locale(screen, locale, expected):
    dialog = screen(locale)
    assert shown(dialog) == expected
    chosen = dialog.picker.currentData()
    assert chosen == (locale_country(locale) or SOMEWHERE_ELSE)
    assert dialog.picker.currentText() in (expected[0][2:], "Somewhere else")


def test_every_shipped_country_comes_first_for_its_own_locale_and_fits(qtbot, screen):
    """Each code in the shipped list is one a system locale gives (so that country's lines
    come first by themselves), and each country's cards hold at the smallest size."""
    from companion.crisis import load_crisis_resources

    countries = load_crisis_resources(None).countries
    for country in countries:
        territory = QLocale.codeToTerritory(country.code)
        assert territory != QLocale.Country.AnyTerritory, f"Qt knows no {country.code}"
        assert locale_country(QLocale(QLocale.Language.AnyLanguage, territory)) == \
            country.code
    dialog = screen(NO_COUNTRY)
    dialog.resize(dialog.minimumSize())
    for country in countries:
        index = dialog.picker.findData(country.code)
        dialog.picker.setCurrentIndex(index)
        dialog.picker.activated.emit(index)
        assert shown(dialog)[:2] == [f"# {country.name}", "In danger right now?"]
        assert button(dialog, f"Call {country.emergency.split(' or ')[0]}")
        try:  # the new cards are laid out on the next turns of the event loop
            qtbot.waitUntil(lambda: layout_problems(dialog) == [], timeout=2000)
        except AssertionError:
            raise AssertionError((country.name, layout_problems(dialog))) from None


def test_a_country_the_list_does_not_have_is_named_and_the_lines_for_anywhere_follow(screen):
    dialog = screen(KENYA)
    assert shown(dialog) == ["# Wherever you are", "Your local emergency number",
                             "Find A Helpline"]
    assert "Your country (Kenya) is not in this list yet" in texts(dialog)
    assert dialog.picker.currentText() == "Somewhere else"


def test_the_country_can_be_changed_and_is_remembered(screen, prefs, private_home,
                                                      wait_for_tasks):
    dialog = screen(GB)
    germany = dialog.picker.findText("Germany")
    dialog.picker.setCurrentIndex(germany)
    dialog.picker.activated.emit(germany)  # as a person's choice does
    assert shown(dialog)[:3] == ["# Germany", "In danger right now?", "TelefonSeelsorge"]
    assert prefs.current.crisis_country == "DE"
    wait_for_tasks()
    assert load_preferences(private_home).crisis_country == "DE"  # in the file, for next time
    again = screen(US)  # the choice wins over the locale
    assert shown(again)[0] == "# Germany"
    elsewhere = again.picker.findData(SOMEWHERE_ELSE)
    again.picker.setCurrentIndex(elsewhere)
    again.picker.activated.emit(elsewhere)
    assert shown(again)[0] == "# Wherever you are"
    wait_for_tasks()
    assert load_preferences(private_home).crisis_country == SOMEWHERE_ELSE
    assert shown(screen(GB))[0] == "# Wherever you are"


def test_without_the_apps_store_the_choice_still_lands_in_the_preferences_file(
        qtbot, private_home, runner, wait_for_tasks):
    dialog = CrisisDialog(private_home, runner, None, locale=GB)
    qtbot.addWidget(dialog)
    assert dialog.prefs is None
    index = dialog.picker.findText("Australia")
    dialog.picker.activated.emit(index)
    wait_for_tasks()
    assert load_preferences(private_home).crisis_country == "AU"


# -- real buttons, through the desktop -------------------------------------------------------------


def test_each_way_to_reach_a_line_opens_through_the_desktop(screen, desktop):
    dialog = screen(US)
    labels = [b.text() for b in dialog.line_buttons()]
    assert labels == ["Call 911", "Call 988", "Text 988", "Open 988lifeline.org", "Copy",
                      "Open findahelpline.com", "Copy"]
    for text in ("Call 911", "Call 988", "Text 988", "Open 988lifeline.org",
                 "Open findahelpline.com"):
        button(dialog, text).click()
    assert desktop == ["tel:911", "tel:988", "sms:988", "https://988lifeline.org",
                       "https://findahelpline.com"]


def test_a_number_is_shown_as_typed_and_dialled_as_digits(screen, desktop):
    dialog = screen(QLocale(QLocale.Language.Dutch, QLocale.Country.Netherlands))
    assert [b.text() for b in dialog.line_buttons()][:3] == ["Call 112", "Call 113",
                                                             "Call 0800 0113"]
    button(dialog, "Call 0800 0113").click()
    assert desktop == ["tel:08000113"]


def test_the_number_and_address_can_be_copied(screen):
    dialog = screen(GB)
    copy = next(b for b in dialog.line_buttons() if b.accessibleName().endswith("Samaritans"))
    copy.click()
    assert QGuiApplication.clipboard().text() == \
        "Samaritans\n116 123\nhttps://www.samaritans.org"
    card = copy.parentWidget().parentWidget()
    assert isinstance(card, LineCard) and card.status.isVisibleTo(dialog)
    assert card.status.text().startswith("Copied")


def test_a_desktop_without_a_phone_app_is_told_plainly(screen, monkeypatch):
    monkeypatch.setattr(crisis_lines, "open_url", lambda _url: False)
    dialog = screen(GB)
    button(dialog, "Call 116 123").click()
    assert "No app on this computer makes phone calls, so nothing opened. Call 116 123 " \
           "from a phone." in texts(dialog)


def test_every_button_says_whose_line_and_what_it_does(screen):
    dialog = screen(US)
    names = [b.accessibleName() for b in dialog.line_buttons()]
    assert names == [
        "Call 911, the emergency number (United States)",
        "Call 988 Suicide & Crisis Lifeline on 988",
        "Send a text to 988 Suicide & Crisis Lifeline on 988",
        "Open the website of 988 Suicide & Crisis Lifeline, 988lifeline.org",
        "Copy the number and address of 988 Suicide & Crisis Lifeline",
        "Open the website of Find A Helpline, findahelpline.com",
        "Copy the address of Find A Helpline",
    ]
    assert dialog.picker.accessibleName() and dialog.close_button.isDefault()


# -- words for a person ---------------------------------------------------------------------------


def test_after_an_answer_the_words_are_for_a_person(screen):
    words = texts(screen(GB, after_answer=True))
    assert "You said that thoughts of hurting yourself" in words
    assert "item 9" not in words and "above 0" not in words
    asked = texts(screen(GB))
    assert "You said" not in asked  # opened on request: nothing was said
    assert "talking with someone can help" in asked


# -- keyboard, size -------------------------------------------------------------------------------


def test_tab_walks_the_screen_in_reading_order_and_escape_closes_it(qtbot, screen):
    dialog = screen(GB)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    stops = walk(qtbot, dialog, dialog.picker)
    assert [type(s.widget).__name__ for s in stops][0] == "QComboBox"
    assert [s.widget for s in stops[1:]] == [*dialog.line_buttons(), dialog.edit_button,
                                             dialog.close_button]
    assert out_of_reading_order(stops) == []
    assert {id(w) for w in focusable(dialog)} == {id(s.widget) for s in stops}
    assert len(walk(qtbot, dialog, dialog.picker, backwards=True)) == len(stops)
    # Changing the country rebuilds the cards; their buttons stay in reading order.
    dialog.picker.activated.emit(dialog.picker.findText("United States"))
    qtbot.waitUntil(lambda: all(b.isVisible() for b in dialog.line_buttons()))
    stops = walk(qtbot, dialog, dialog.picker)
    assert [s.widget for s in stops[1:]] == [*dialog.line_buttons(), dialog.edit_button,
                                             dialog.close_button]
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


@pytest.mark.parametrize("size", [None, (800, 600), (600, 560), (2560, 1440)])
@pytest.mark.parametrize("locale", [GB, US, NO_COUNTRY])
def test_the_screen_holds_at_every_size(qtbot, screen, size, locale):
    dialog = screen(locale, after_answer=True)
    if size is not None:
        dialog.resize(*size)
    qtbot.wait(30)
    assert layout_problems(dialog) == []
    dialog.start_editing()
    qtbot.wait(30)
    assert layout_problems(dialog) == []


def test_it_opens_large(screen):
    dialog = screen(GB)
    available = dialog.screen().availableGeometry()
    assert dialog.width() >= min(760, available.width())
    assert dialog.height() >= min(820, available.height())


# -- the person's own list -------------------------------------------------------------------------


def test_a_damaged_own_list_shows_the_shipped_one_with_the_reason(screen, private_home):
    user_file(private_home).write_text("{ not json", "utf-8")
    dialog = screen(GB)
    assert shown(dialog)[:3] == ["# United Kingdom", "In danger right now?", "Samaritans"]
    assert f"Your own list in {user_file(private_home)} could not be used: it is not valid " \
           "JSON" in texts(dialog)


def test_an_own_list_larger_than_256_kib_is_not_read_and_not_opened_for_editing(
        screen, private_home):
    path = user_file(private_home)
    path.write_text(json.dumps({"format": 1, "intro": "x" * MAX_FILE_BYTES}), "utf-8")
    dialog = screen(GB)
    assert "larger than 256 KiB" in texts(dialog)
    assert shown(dialog)[0] == "# United Kingdom"  # the shipped list, in full
    dialog.start_editing()
    assert "x" * 100 not in dialog.editor.toPlainText()
    assert "larger than 256 KiB, so it was not opened here" in dialog.edit_note.text()


def test_the_editor_refuses_what_it_cannot_save_and_keeps_the_file(screen, private_home,
                                                                   wait_for_tasks):
    path = user_file(private_home)
    dialog = screen(GB)
    dialog.start_editing()
    for text, reason in (("[" * 50_000, "nested too deeply"),
                         (json.dumps({"format": 1, "intro": "y" * MAX_FILE_BYTES}),
                          "larger than 256 KiB"),
                         ("{ not json", "not valid JSON")):
        dialog.editor.setPlainText(text)
        dialog.save_list()
        assert dialog.edit_error.isVisible() and reason in dialog.edit_error.text()
        assert "Nothing was changed." in dialog.edit_error.text()
        assert not path.exists()
    own = {"format": 1, "intro": "For the hard evenings.", "international": [
        {"name": "My sister Ana", "phone": "+44 7700 900123", "url": "javascript:alert(1)"},
        {"name": "Dr Lee", "url": "mailto:lee@example.org"},
        {"name": "Old site", "url": "http://example.org"}]}
    dialog.editor.setPlainText(json.dumps(own))
    dialog.save_list()
    wait_for_tasks()
    assert json.loads(path.read_text("utf-8")) == own
    assert shown(dialog) == ["# Wherever you are", "My sister Ana", "Dr Lee", "Old site"]
    assert not dialog.picker.isVisibleTo(dialog)  # nothing to choose between
    words = texts(dialog)
    assert "For the hard evenings." in words and "This is your own list" in words
    # What is not tel:, sms:, https: or mailto: is shown, never a button.
    assert "Address: javascript:alert(1)" in words and "Address: http://example.org" in words
    assert [b.text() for b in dialog.line_buttons()] == [
        "Call +44 7700 900123", "Copy", "Email lee@example.org", "Copy", "Copy"]


def test_only_safe_addresses_reach_the_desktop(screen, private_home, desktop):
    hostile = {"format": 1, "international": [
        {"name": name, "phone": "tel:1;javascript:alert(1)", "text": "12\u00a034", "url": url}
        for name, url in (("A", "javascript:alert(1)"), ("B", "file:///etc/passwd"),
                          ("C", "https://ok.example"), ("D", "tel:+1 555 0100"),
                          ("E", "sms:555?body=x"), ("F", "mailto:a@b.example"),
                          ("G", "data:text/html,hi"), ("H", "smb://host/share"))]}
    user_file(private_home).write_text(json.dumps(hostile), "utf-8")
    dialog = screen(GB)
    for each in dialog.line_buttons():
        each.click()
    assert desktop, "the safe ones did open"
    assert all(url.split(":", 1)[0] in ("tel", "sms", "https", "mailto") for url in desktop)
    assert all(url.split(":", 1)[1].lstrip("+").isdigit() for url in desktop
               if url.startswith(("tel:", "sms:")))
    assert "javascript" not in " ".join(desktop) and "file:" not in " ".join(desktop)


def test_a_very_long_country_name_in_ones_own_list_keeps_the_screen_on_the_screen(
        qtbot, private_home, runner):
    """The picker grew to the longest name: a 300-character one made the screen 4,000 px."""
    import json

    from companion.crisis import shipped_text, user_file

    data = json.loads(shipped_text())
    data["countries"][0]["name"] = "Very long country name " * 13
    user_file(private_home).parent.mkdir(parents=True, exist_ok=True)
    user_file(private_home).write_text(json.dumps(data), "utf-8")
    dialog = CrisisDialog(private_home, runner, None, locale=GB)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.picker.sizeHint().width() < 500
    assert dialog.minimumSizeHint().width() < 900
