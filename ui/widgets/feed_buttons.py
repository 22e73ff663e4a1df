"""Real buttons over the painted ones of the feed's current card, for the keyboard and for
screen readers.

The delegate paints a card's buttons (Reply, the reactions, Delete, "Show all 12 replies",
"Show older posts"), so to assistive technology they were only words in the card's sentence.
`CardButtons` puts a `CardButton` (a QToolButton with an accessible name, and checkable for a
reaction, checked when the reaction is yours) exactly over each painted button of the current
card, and moves them whenever the card, its place or its contents change. They come right
after the list in Tab order; Space or Enter does what a click on the painted button does.

The buttons draw nothing (the painted button is what is seen; the app's focus ring shows
which has the keyboard) and let the mouse through, so a click still lands on the card and
acts on the spot under the pointer, as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPointF, Qt
from PySide6.QtGui import QFocusEvent, QKeyEvent, QPaintEvent
from PySide6.QtWidgets import QToolButton, QWidget

from ui.models.feed_markdown import shown_characters
from ui.models.feed_rows import REACTION_NAMES, tr
from ui.widgets.feed_layout import Spot

if TYPE_CHECKING:
    from ui.widgets.feed_view import FeedList

# What a painted button does; links and the rest of a card are read in its sentence and menu.
BUTTON_ACTIONS = ("reply", "react", "unreact", "delete", "more", "older", "more_replies",
                  "fewer_replies")


def spot_key(spot: Spot) -> tuple[str, str]:
    """The same button across refreshes: a reaction is one button, given or not."""
    action = "reaction" if spot.action in ("react", "unreact") else spot.action
    return action, spot.argument


class CardButton(QToolButton):
    """One painted button made real: named, focusable with Tab, transparent to the mouse."""

    def __init__(self, parent: QWidget, owner: CardButtons) -> None:
        super().__init__(parent)
        self.owner = owner
        self.key: tuple[str, str] = ("", "")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setAutoRaise(True)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        """Nothing: the delegate has painted the button under this one."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if not self.owner.key_pressed(self, event):
            super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt API
        super().focusInEvent(event)
        self.owner.reveal(self)


class CardButtons(QObject):
    """The current card's buttons over `view`'s viewport, kept in step by `sync()`."""

    def __init__(self, view: FeedList) -> None:
        super().__init__(view)
        self.view = view
        self.buttons: list[CardButton] = []
        self.number = -1  # the row the buttons stand on
        self.holding = False  # while rows are replaced: sync once they are in place

    def shown(self) -> list[CardButton]:
        return [b for b in self.buttons if not b.isHidden()]

    def has_focus(self) -> bool:
        return any(b.hasFocus() for b in self.buttons)

    def sync(self) -> None:
        """Put a button over each painted button of the current card, named as it is now."""
        if self.holding:
            return
        view = self.view
        index = view.currentIndex()
        number = index.row() if index.isValid() else -1
        layout = view.delegate.layout_at(number) if number >= 0 else None
        row = view.feed_model.row_at(number)
        spots: list[Spot] = []
        for spot in layout.spots if layout is not None else []:
            if spot.action in BUTTON_ACTIONS and spot_key(spot) not in map(spot_key, spots):
                spots.append(spot)
        corner = QPointF(view.visualRect(index).topLeft()) if spots else QPointF()
        self.number = number
        for place, spot in enumerate(spots):
            button = self._button(place)
            button.key = spot_key(spot)
            name, checked = self._name(spot, row.item.reactions if row and row.item else {})
            button.blockSignals(True)  # what the card shows now: nobody pressed anything
            button.setCheckable(spot.action in ("react", "unreact"))
            button.setChecked(checked)
            button.blockSignals(False)
            button.setAccessibleName(name)
            button.setAccessibleDescription(spot.tip)
            button.setToolTip(spot.tip)
            button.setGeometry(spot.rect.translated(corner).toAlignedRect())
            button.show()
        for button in self.buttons[len(spots):]:
            if button.hasFocus():
                view.setFocus(Qt.FocusReason.OtherFocusReason)  # not to wherever Qt would go
            button.hide()

    @staticmethod
    def _name(spot: Spot, reactions: dict[str, list[str]]) -> tuple[str, bool]:
        """(accessible name, checked): "Heart reaction, 3 people, yours among them"."""
        if spot.action not in ("react", "unreact"):
            return spot.name, False
        emoji = spot.argument
        word = REACTION_NAMES.get(emoji, shown_characters(emoji))
        count = len(reactions.get(emoji, []))
        people = (tr("nobody yet") if count == 0 else tr("1 person") if count == 1
                  else tr("%1 people").replace("%1", str(count)))
        mine = spot.action == "unreact"
        name = tr("%1 reaction, %2").replace("%1", word.capitalize()).replace("%2", people)
        return (name + tr(", yours among them") if mine else name), mine

    def _button(self, place: int) -> CardButton:
        while len(self.buttons) <= place:
            button = CardButton(self.view.viewport(), self)
            # A reaction acts on `toggled`, as Space, a click and a screen reader's "Toggle"
            # (which clicks nothing) all toggle it; the others act on `clicked`.
            button.toggled.connect(lambda _on, b=button: self.press(b))
            button.clicked.connect(lambda _on=False, b=button: self._clicked(b))
            button.hide()
            # Right after the list (and each after the one before): Tab goes list, buttons,
            # then on; Shift+Tab comes back the same way.
            QWidget.setTabOrder(self.buttons[-1] if self.buttons else self.view, button)
            self.buttons.append(button)
        return self.buttons[place]

    def _clicked(self, button: CardButton) -> None:
        if not button.isCheckable():  # a reaction has acted on `toggled` already
            self.press(button)

    def press(self, button: CardButton) -> None:
        """Do what a click on the painted button does, then show the card as it is now (a
        reaction the page did not take stays as it was)."""
        layout = self.view.delegate.layout_at(self.number) if self.number >= 0 else None
        spot = next((s for s in layout.spots if spot_key(s) == button.key), None) \
            if layout is not None else None
        if spot is not None:
            self.view.perform(self.number, spot)
        self.sync()

    def key_pressed(self, button: CardButton, event: QKeyEvent) -> bool:
        """Enter presses, Left and Right move along the card's buttons, Escape, Up and Down
        go back to the list (Up and Down then move to the next card)."""
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            button.click()
            return True
        shown = self.shown()
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right) and button in shown:
            step = -1 if key == Qt.Key.Key_Left else 1
            place = shown.index(button) + step
            if 0 <= place < len(shown):
                shown[place].setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        if key in (Qt.Key.Key_Escape, Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)
            if key != Qt.Key.Key_Escape:
                self.view.keyPressEvent(event)
            return True
        return False

    def reveal(self, button: CardButton) -> None:
        """Scroll so that `button` (just given the keyboard) can be seen."""
        area = self.view.viewport().rect()
        rect = button.geometry()
        bar = self.view.verticalScrollBar()
        if rect.bottom() > area.bottom():
            bar.setValue(bar.value() + rect.bottom() - area.bottom() + 8)
        elif rect.top() < area.top():
            bar.setValue(bar.value() - (area.top() - rect.top()) - 8)
