"""Opening an address from a post: shown first, opened only when the person says so.

A link's words can say anything ("[your bank](https://elsewhere.example)"), so before the
browser is asked, a dialog names the address itself: the site (its host in ASCII, so a
look-alike letter from another alphabet shows as xn--…) and the whole address, with the words
the post used for it. Only http, https and mailto ever get here (feed_markdown.safe_address);
the desktop opens it through QDesktopServices, never the app.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl, QUrlQuery
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from ui.models.feed_markdown import safe_address, shown_characters


def checked_url(address: str) -> QUrl | None:
    """`address` as a QUrl, if it is safe and Qt reads it strictly the same way."""
    if not safe_address(address):
        return None
    url = QUrl(address, QUrl.ParsingMode.StrictMode)
    if not url.isValid() or url.scheme().lower() not in ("http", "https", "mailto"):
        return None
    return url


class OpenAddressDialog(QMessageBox):
    """"Open this address?" with the site and the whole address; Open, Copy, Cancel."""

    def __init__(self, url: QUrl, words: str, author: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.url = url
        encoded = url.toString(QUrl.ComponentFormattingOption.FullyEncoded)
        mail = url.scheme().lower() == "mailto"
        self.setIcon(QMessageBox.Icon.Question)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWindowTitle(self.tr("Write an email?") if mail else self.tr("Open this address?"))
        if mail:
            text = self.tr("The post by %1 links to an email address:").replace("%1", author)
            where = url.path(QUrl.ComponentFormattingOption.FullyEncoded)
            if url.hasQuery():
                # Only the address is used: a link's own recipients and text (a hidden bcc,
                # a body) would reach the mail program without being shown here.
                asked = sorted({key for key, _value in QUrlQuery(url).queryItems()})
                self.url = QUrl(f"mailto:{where}")
                encoded = self.url.toString(QUrl.ComponentFormattingOption.FullyEncoded)
                where += "\n\n" + self.tr("The link also asked to fill in %1; that is left "
                                            "out.").replace("%1", ", ".join(asked)[:200])
        else:
            text = self.tr("The post by %1 links to this address, which opens in your "
                           "browser:").replace("%1", author)
            host = url.host(QUrl.ComponentFormattingOption.FullyEncoded)
            where = self.tr("Site: %1").replace("%1", host) + "\n" + encoded
        shown_words = shown_characters(words).strip()
        said = ""
        if shown_words and shown_words not in (encoded, url.path(), url.toString()):
            said = "\n\n" + self.tr("The post shows it as “%1”.").replace("%1", shown_words)
        self.setText(text + "\n\n" + where + said)
        self.open_button = self.addButton(
            self.tr("Write email") if mail else self.tr("Open in browser"),
            QMessageBox.ButtonRole.AcceptRole)
        self.copy_button = self.addButton(self.tr("Copy address"),
                                          QMessageBox.ButtonRole.ActionRole)
        self.cancel_button = self.addButton(QMessageBox.StandardButton.Cancel)
        self.setDefaultButton(self.cancel_button)
        self.setEscapeButton(self.cancel_button)
        self.copy_button.clicked.connect(self.copy_address)
        self.open_button.clicked.connect(self.open_address)

    def copy_address(self) -> None:
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(self.url.toString(QUrl.ComponentFormattingOption.FullyEncoded))

    def open_address(self) -> None:
        QDesktopServices.openUrl(self.url)
