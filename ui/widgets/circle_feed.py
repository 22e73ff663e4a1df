"""The circle's feed and the composer above it.

The feed is one rich-text document, not a widget per post: a 200-item feed is laid out by
QTextDocument in a few milliseconds, where hundreds of card widgets would stall the GUI thread
right after a large sync. Everything a peer wrote is escaped before it goes into the HTML (it is
hostile until shown otherwise): no markup, links or images from peers are ever interpreted.
Actions are links with our own scheme (`reply:12`, `react:12:♥`) that the page handles.
"""

from __future__ import annotations

import html
from urllib.parse import quote

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from companion.circle_feed import FeedItem
from companion.circle_status import PendingPost
from companion.models import ENERGY_LABELS, MOOD_LABELS
from ui.theme import MOOD_COLOURS
from ui.widgets.common import hint
from ui.widgets.mood_picker import EnergyPicker, MoodPicker

# Symbols every desktop font has (an emoji font is not everywhere).
REACTIONS = ("♥", "☺", "★", "✓")
FEED_PAGE = 40  # items laid out at first; "Show older" adds as many again


def _text(value: str) -> str:
    return html.escape(value).replace("\n", "<br>")


def _when(item: FeedItem) -> str:
    return item.at.astimezone().strftime("%a %d %b, %H:%M")


def _item_html(item: FeedItem, me: str, muted: str, reply: bool = False) -> str:
    who = html.escape(item.sender_name) + (" (you)" if item.mine else "")
    head = (f"<b>{who}</b> <span style='color:{muted}'>· {_when(item)}"
            f"{' · edited' if item.edited else ''}</span>")
    data = item.data
    if item.type == "checkin":
        mood = int(data["mood"])
        parts = [f"<span style='color:{MOOD_COLOURS.get(mood, muted)}'>●</span> "
                 f"Mood: {MOOD_LABELS.get(mood, '?')} ({mood} of 5)"]
        if data.get("energy"):
            parts.append(f"energy: {ENERGY_LABELS.get(int(data['energy']), '?')}")
        if data.get("emotions"):
            parts.append(html.escape(", ".join(data["emotions"])))
        body = " · ".join(parts)
        if data.get("note"):
            body += f"<br>{_text(data['note'])}"
    elif item.type == "note":
        body = f"<b>{_text(data['title'])}</b><br>{_text(data['body'])}"
    else:
        body = _text(data.get("text", ""))
    marks = []
    for emoji, names in item.reactions.items():
        label = f"{html.escape(emoji)} {len(names)}"
        title = html.escape(", ".join(names))
        action = "unreact" if me in names else "react"
        marks.append(f"<a href='{action}:{item.id}:{quote(emoji)}' title='{title}'>{label}</a>")
    actions = [f"<a href='reply:{item.id}'>Reply</a>"] if not reply else []
    actions += [f"<a href='react:{item.id}:{quote(e)}'>{e}</a>" for e in REACTIONS
                if not any(e == k for k in item.reactions)]
    if item.mine:  # last, away from the everyday links
        actions.append(f"&nbsp;&nbsp;<a href='delete:{item.id}'>Delete</a>")
    line = "&nbsp;&nbsp;".join(marks + actions)
    return (f"<p style='margin:0'>{head}</p><p style='margin-top:2px; margin-bottom:2px'>"
            f"{body}</p><p style='margin-top:0; color:{muted}'>{line}</p>")


def _pending_html(post: PendingPost, muted: str) -> str:
    what = {"checkin": "check-in", "note": "note", "reply": "reply"}.get(post.type, post.type)
    data = post.data
    if post.type == "checkin":
        mood = int(data["mood"])
        body = f"Mood: {MOOD_LABELS.get(mood, '?')} ({mood} of 5)"
        if data.get("note"):
            body += f"<br>{_text(data['note'])}"
    elif post.type == "note":
        body = f"<b>{_text(data['title'])}</b><br>{_text(data['body'])}"
    else:
        body = _text(data.get("text", ""))
    return (f"<p style='margin:0'><b>You</b> <span style='color:{muted}'>· your {what}, "
            "waiting to be sent (it goes out with the next sync that reaches the storage)"
            f"</span></p><p style='margin-top:2px'>{body}</p>")


def feed_html(items: list[FeedItem], me: str, palette: QPalette,
              pending: list[PendingPost] | None = None, limit: int = FEED_PAGE) -> str:
    """The newest `limit` items (newest first), then a link to show older ones: laying out
    a few dozen items keeps a redraw after a large sync well under a frame or three."""
    muted = palette.color(QPalette.ColorRole.PlaceholderText).name()
    parts = [_pending_html(post, muted) for post in reversed(pending or [])]
    older = max(0, len(items) - limit)
    for item in reversed(items[older:]):  # newest first, as in a messenger's circle view
        block = _item_html(item, me, muted)
        for reply in item.replies:
            block += (f"<div style='margin-left:28px'>{_item_html(reply, me, muted, True)}"
                      "</div>")
        parts.append(f"<div>{block}</div>")
    if older:
        parts.append(f"<p align='center'><a href='older:0'>Show older ({older} more)</a></p>")
    return "<hr>".join(parts)


class FeedView(QTextBrowser):
    """Read-only feed; `action(kind, item_id, argument)` for the links people click."""

    action = Signal(str, int, str)

    def __init__(self) -> None:
        super().__init__()
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.document().setDefaultStyleSheet("a { text-decoration: none; }")
        self.setAccessibleName(self.tr("Circle feed"))
        self.anchorClicked.connect(self.follow)

    def follow(self, url: QUrl) -> None:
        text = url.toString(QUrl.ComponentFormattingOption.FullyDecoded)
        kind, _, rest = text.partition(":")
        item, _, argument = rest.partition(":")
        if kind in ("reply", "react", "unreact", "older", "delete") and item.isdigit():
            self.action.emit(kind, int(item), argument)

    def loadResource(self, kind: int, name: QUrl | str) -> object:  # noqa: N802 - Qt API
        return None  # never fetch anything a document names (there should be nothing)


class Composer(QWidget):
    """A check-in or a note, with a line saying who will read it."""

    def __init__(self) -> None:
        super().__init__()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        checkin = QWidget()
        box = QVBoxLayout(checkin)
        box.setContentsMargins(0, 6, 0, 0)
        self.mood = MoodPicker()
        for button in self.mood.buttons:
            button.setIconSize(QSize(24, 24))
        self.energy = EnergyPicker()
        self.note = QLineEdit()
        self.note.setMaxLength(280)
        self.note.setPlaceholderText(self.tr("A short note (optional)"))
        self.note.setAccessibleName(self.tr("Check-in note"))
        scales = QHBoxLayout()
        scales.setSpacing(18)
        scales.addWidget(self.mood, 1)
        scales.addWidget(self.energy, 1)
        box.addLayout(scales)
        box.addWidget(self.note)
        post = QWidget()
        pbox = QVBoxLayout(post)
        pbox.setContentsMargins(0, 6, 0, 0)
        self.title = QLineEdit()
        self.title.setMaxLength(120)
        self.title.setPlaceholderText(self.tr("Title"))
        self.title.setAccessibleName(self.tr("Note title"))
        self.body = QPlainTextEdit()
        self.body.setPlaceholderText(self.tr("What would you like to share?"))
        self.body.setAccessibleName(self.tr("Note text"))
        self.body.setMaximumHeight(110)
        pbox.addWidget(self.title)
        pbox.addWidget(self.body)
        self.tabs.addTab(checkin, self.tr("Check-in"))
        self.tabs.addTab(post, self.tr("Note"))
        self.tabs.currentChanged.connect(self._fit_tab)
        self._fit_tab(0)
        self.readers = QLabel("")
        self.readers.setWordWrap(True)
        self.readers.setAccessibleName(self.tr("Who will read it"))
        self.share_button = QPushButton(self.tr("Share"))
        self.share_button.setAccessibleName(self.tr("Share with the circle"))
        row = QHBoxLayout()
        row.addWidget(self.readers, 1)
        row.addWidget(self.share_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        layout.addLayout(row)

    def _fit_tab(self, current: int) -> None:
        # A tab widget is as tall as its tallest page; let only the current page count.
        for index in range(self.tabs.count()):
            policy = (QSizePolicy.Policy.Preferred if index == current
                      else QSizePolicy.Policy.Ignored)
            page = self.tabs.widget(index)
            if page is not None:
                page.setSizePolicy(policy, policy)
        shown = self.tabs.widget(current)
        if shown is not None:
            self.tabs.setFixedHeight(self.tabs.tabBar().sizeHint().height()
                                     + shown.sizeHint().height() + 4)

    @property
    def is_checkin(self) -> bool:
        return self.tabs.currentIndex() == 0

    def set_readers(self, count: int, paused: str = "") -> None:
        if paused:
            self.readers.setProperty("role", "error")
            self.readers.setText(paused)
        else:
            self.readers.setProperty("role", "")
            self.readers.setText(
                self.tr("Nobody else is in the circle yet: only you will see this.")
                if count == 0 else
                self.tr("1 other person will read this, after the next sync.") if count == 1
                else self.tr("%1 other people will read this, after the next sync.").replace(
                    "%1", str(count)))
        self.readers.style().unpolish(self.readers)
        self.readers.style().polish(self.readers)
        self.share_button.setEnabled(not paused)

    def clear(self) -> None:
        self.mood.setValue(None)
        self.energy.setValue(None)
        for widget in (self.note, self.title):
            widget.clear()
        self.body.clear()


class ReplyBar(QWidget):
    """Shown under the feed while replying to one item."""

    def __init__(self) -> None:
        super().__init__()
        self.target: int | None = None
        self.label = hint("")
        self.text = QLineEdit()
        self.text.setMaxLength(2000)
        self.text.setAccessibleName(self.tr("Reply"))
        self.send_button = QPushButton(self.tr("Send reply"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.close_reply)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.cancel_button)
        layout.addWidget(self.send_button)
        self.setVisible(False)
        self.text.returnPressed.connect(self.send_button.click)

    def open_reply(self, item: FeedItem) -> None:
        self.target = item.id
        self.label.setText(self.tr("Reply to %1:").replace("%1", item.sender_name))
        self.setVisible(True)
        self.text.setFocus(Qt.FocusReason.OtherFocusReason)

    def close_reply(self) -> None:
        self.target = None
        self.text.clear()
        self.setVisible(False)
