"""The support lines as cards of real buttons: call, text, open the website, copy.

Every address goes to the desktop through `open_url` (one module-level function, so tests can
stand in for the desktop). Only what `companion.crisis` judged openable (tel:, sms:, https:,
mailto:) becomes a button; anything else in a person's own list is shown as text they can copy.
When the desktop has no app for a call or a text, the card says so and shows the number, rather
than leaving the person wondering whether something happened.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAccessible, QAccessibleEvent, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from companion.crisis import Action, Country, Line, emergency_actions, line_actions
from ui.theme import ACCENT
from ui.widgets.chips import FlowLayout

SHOWN_CHARS = 40  # longer addresses are cut in the button's text (whole in its name)
VIEW = "crisisView"  # the object name of the widget the style below applies inside
# Calm and large: bigger type than the rest of the app and big targets (WCAG 2.2 asks 24 px;
# these are about 40). Sizes are set here, relative to the app's font, because the app's own
# style sheet stops a font set on a parent from reaching the labels and buttons inside.
_STYLE = """
QWidget#VIEW QLabel, QWidget#VIEW QPushButton, QWidget#VIEW QComboBox { font-size: BODYpt; }
QWidget#VIEW QLabel[role="heading"] { font-size: HEADINGpt; font-weight: 600; }
QWidget#VIEW QLabel[role="lead"] { font-size: LEADpt; }
QWidget#VIEW QLabel[role="subheading"] { font-size: TITLEpt; font-weight: 600; }
QWidget#VIEW QLabel[role="cardTitle"] { font-size: TITLEpt; font-weight: 600; }
QWidget#VIEW QLabel[role="hint"] { font-size: HINTpt; }
QFrame[crisisCard="true"] { border: 1px solid palette(mid); border-radius: 12px;
                            background: palette(base); }
QFrame[crisisCard="emergency"] { border: 1px solid palette(mid); border-left: 5px solid ACCENT;
                                 border-radius: 12px; background: palette(base); }
QPushButton[crisisAction="true"] { padding: 8px 16px; min-height: 24px; }
QPushButton[crisisAction="primary"] { padding: 8px 18px; min-height: 24px; color: white;
                                      background: ACCENT; border: 1px solid ACCENT;
                                      border-radius: 6px; font-weight: 600; }
QPushButton[crisisAction="primary"]:hover { background: HOVER; border-color: HOVER; }
QPushButton[crisisAction="primary"]:pressed { background: PRESSED; border-color: PRESSED; }
"""


def crisis_style(base_points: float) -> str:
    """The screen's style sheet for an app whose body text is `base_points` large."""
    sizes = {"HEADING": 2.0, "LEAD": 1.35, "TITLE": 1.4, "BODY": 1.2, "HINT": 1.1}
    sheet = _STYLE.replace("VIEW", VIEW).replace("ACCENT", ACCENT)
    sheet = sheet.replace("HOVER", "#4c5fc4").replace("PRESSED", "#4254b0")
    for name, scale in sizes.items():
        sheet = sheet.replace(f"{name}pt", f"{base_points * scale:.1f}pt")
    return sheet


def open_url(url: QUrl) -> bool:
    """Hand `url` to the desktop (the phone app, the messaging app, the browser, the mail app).
    Returns whether the desktop took it. Tests replace this function."""
    return QDesktopServices.openUrl(url)


def copy_to_clipboard(text: str) -> None:
    QGuiApplication.clipboard().setText(text)


def _shortened(text: str) -> str:
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS - 1] + "…"


def _web_label(address: str) -> str:
    """What a website button says: the host, so the address is seen before it is opened."""
    url = QUrl(address)
    host = url.host()
    return host.removeprefix("www.") if host else address


class LineCard(QFrame):
    """A rounded panel with a title, text, a row of actions that wraps, and a status line."""

    def __init__(self, title: str, kind: str = "true") -> None:
        super().__init__()
        self.setProperty("crisisCard", kind)
        self.buttons: list[QPushButton] = []
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(20, 16, 20, 16)
        self.column.setSpacing(8)
        self.title = QLabel(title)
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setProperty("role", "cardTitle")
        self.column.addWidget(self.title)
        self.actions_host = QWidget()
        self.actions_host.setSizePolicy(QSizePolicy.Policy.Preferred,
                                        QSizePolicy.Policy.Preferred)
        self.flow = FlowLayout(self.actions_host, spacing=8)
        # Said after an action: "Copied", or that no app could open a call. A screen reader
        # hears it as the label's accessible name changes.
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setProperty("role", "hint")
        self.status.setVisible(False)

    def add_text(self, text: str, *, role: str = "") -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if role:
            label.setProperty("role", role)
        self.column.addWidget(label)
        return label

    def finish(self) -> None:
        if self.flow.count():
            self.column.addSpacing(4)
            self.column.addWidget(self.actions_host)
        self.column.addWidget(self.status)

    def add_action(self, action: Action, line_name: str, *, name: str = "") -> None:
        if not action.target:
            # Shown, never opened: an address of another kind, or a number with no digits.
            what = {"call": "Phone", "text": "Text"}.get(action.kind, "Address")
            label = self.add_text(f"{what}: {action.shown}", role="hint")
            label.setToolTip(self.tr("Companion opens only phone, text, https and email "
                                     "addresses; copy this one if you trust it."))
            return
        text, own_name = _action_words(self, action, line_name)
        name = name or own_name
        button = QPushButton(_shortened(text))
        # Calls and texts reach a person soonest: they are the filled buttons.
        button.setProperty("crisisAction",
                           "primary" if action.kind in ("call", "text") else "true")
        button.setAccessibleName(name)
        button.setToolTip(name)
        button.setAutoDefault(False)
        button.clicked.connect(lambda _checked=False, a=action: self._open(a))
        self.flow.addWidget(button)
        self.buttons.append(button)

    def add_copy(self, text: str, name: str) -> None:
        button = QPushButton(self.tr("Copy"))
        button.setProperty("crisisAction", "true")
        button.setAccessibleName(name)
        button.setToolTip(name)
        button.setAutoDefault(False)
        button.clicked.connect(lambda: self._copy(text))
        self.flow.addWidget(button)
        self.buttons.append(button)

    def _open(self, action: Action) -> None:
        if open_url(QUrl(action.target)):
            self.say("")
            return
        self.say({
            "call": self.tr("No app on this computer makes phone calls, so nothing opened. "
                            "Call %1 from a phone."),
            "text": self.tr("No app on this computer sends text messages, so nothing opened. "
                            "Text %1 from a phone."),
            "web": self.tr("The website could not be opened here. The address is %1."),
            "email": self.tr("No email app opened. The address is %1."),
        }.get(action.kind, "%1").replace("%1", action.shown))

    def _copy(self, text: str) -> None:
        copy_to_clipboard(text)
        self.say(self.tr("Copied. You can paste it into a phone, a message or a note."))

    def say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setAccessibleName(text)
        self.status.setVisible(bool(text))
        if text and QAccessible.isActive():  # a screen reader hears it without moving focus
            QAccessible.updateAccessibility(QAccessibleEvent(self.status,
                                                             QAccessible.Event.Alert))


def _action_words(card: QWidget, action: Action, line_name: str) -> tuple[str, str]:
    """A button's text and its accessible name (which says whose line and what it does)."""
    shown = action.shown
    if action.kind == "call":
        return (card.tr("Call %1").replace("%1", shown),
                card.tr("Call %1 on %2").replace("%1", line_name).replace("%2", shown))
    if action.kind == "text":
        return (card.tr("Text %1").replace("%1", shown),
                card.tr("Send a text to %1 on %2").replace("%1", line_name)
                .replace("%2", shown))
    if action.kind == "email":
        address = shown.removeprefix("mailto:").split("?", 1)[0]
        return (card.tr("Email %1").replace("%1", address),
                card.tr("Write an email to %1 at %2").replace("%1", line_name)
                .replace("%2", address))
    host = _web_label(shown)
    return (card.tr("Open %1").replace("%1", host),
            card.tr("Open the website of %1, %2").replace("%1", line_name).replace("%2", host))


def line_card(line: Line) -> LineCard:
    """A support line: its name, hours and description, then a button for each way to reach
    it and one to copy its number and address."""
    card = LineCard(line.name)
    card.setAccessibleName(line.name)
    if line.hours:
        card.add_text(card.tr("Open: %1").replace("%1", line.hours), role="hint")
    if line.description:
        card.add_text(line.description)
    actions = line_actions(line)
    for action in actions:
        card.add_action(action, line.name)
    details = [line.phone, *([f"text {line.text}"] if line.text and line.text != line.phone
                             else []), line.url]
    copied = "\n".join(part for part in (line.name, *details) if part)
    if actions:
        what = (card.tr("number and address") if (line.phone or line.text) and line.url else
                card.tr("number") if line.phone or line.text else card.tr("address"))
        card.add_copy(copied, card.tr("Copy the %1 of %2").replace("%1", what)
                      .replace("%2", line.name))
    card.finish()
    return card


def emergency_card(country: Country) -> LineCard:
    """The emergency number of the chosen country, first and plain."""
    card = LineCard("", kind="emergency")
    card.title.setText(card.tr("In danger right now?"))
    card.setAccessibleName(card.tr("Emergency number"))
    card.add_text(card.tr("If you might act on thoughts of hurting yourself, or you are not "
                          "safe, call the emergency number: %1.")
                  .replace("%1", country.emergency))
    for action in emergency_actions(country):
        card.add_action(action, country.name, name=card.tr(
            "Call %1, the emergency number (%2)").replace("%1", action.shown)
            .replace("%2", country.name))
    card.finish()
    return card


__all__ = ["VIEW", "LineCard", "copy_to_clipboard", "crisis_style", "emergency_card",
           "line_card", "open_url"]
