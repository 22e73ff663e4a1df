"""The summary dialog's preview: the real PDF's pages, kept current as the choices change.

It used to stay blank until "Preview" was pressed. Now the dialog asks for a preview when it
opens and after every change; changes close together are gathered (a short debounce), the
vault is read on the vault lane and the PDF laid out and rasterised on the heavy lane, never
on the GUI thread. Every request has a number, and a reply to an older request is dropped, so
a slow render of old choices never replaces the pages of newer ones.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from companion.app import CompanionApp
from companion.errors import UserError
from companion.summary import Summary, SummaryRequest, build_summary, render_pdf
from ui.tasks import Lane, TaskRunner

DEBOUNCE_MS = 350  # long enough to gather a burst of typing, short enough to feel live


class SummaryPreview(QScrollArea):
    busy = Signal(bool)
    rendered = Signal(int, int)  # the document's pages, and how many of them are drawn
    failed = Signal(object)  # a UserError

    def __init__(self, app: CompanionApp, runner: TaskRunner,
                 request: Callable[[], SummaryRequest], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app, self.runner, self._request = app, runner, request
        self.pdf: bytes | None = None  # the PDF of the current choices, once rendered
        self._generation = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.render_now)
        self.pages = QWidget()
        self.pages_layout = QVBoxLayout(self.pages)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.setWidgetResizable(True)
        self.setWidget(self.pages)
        self.setAccessibleName(self.tr("Preview of the summary"))

    @property
    def pending(self) -> bool:
        """A preview is waiting to start or being made."""
        return self._timer.isActive() or self.pdf is None

    def schedule(self) -> None:
        """The choices changed: what is shown is out of date; render again after a pause."""
        self._generation += 1
        self.pdf = None
        self.busy.emit(True)
        self._timer.start()

    def render_now(self) -> None:
        self._timer.stop()
        self._generation += 1
        generation = self._generation
        self.pdf = None
        try:
            request = self._request().checked()
        except UserError as exc:  # about the period or the name: say so, draw nothing
            self._show_pages([])  # the last period's pages must not stand for this one
            self.busy.emit(False)
            self.failed.emit(exc)
            return
        self.busy.emit(True)
        app = self.app
        # Each reply carries its request's number. The callbacks are bound methods, so the
        # runner drops them when this widget is gone (the dialog was closed meanwhile).
        self.runner.run(lambda: (generation, build_summary(app, request)), self._built,
                        self._failed)

    def _built(self, payload: tuple[int, Summary]) -> None:
        generation, summary = payload
        if generation != self._generation:
            return  # the choices changed meanwhile; a newer request is on its way

        def work() -> tuple[int, bytes, list[bytes], int]:
            from companion.summary.preview import page_count, page_images  # pdfium, when used

            pdf = render_pdf(summary)
            return generation, pdf, page_images(pdf), page_count(pdf)

        # Laying out and rasterising take a second or two: off the vault lane, so other
        # pages' reads do not queue behind them.
        self.runner.run(work, self._drawn, self._failed, lane=Lane.HEAVY)

    def _drawn(self, payload: tuple[int, bytes, list[bytes], int]) -> None:
        generation, pdf, images, total = payload
        if generation != self._generation:
            return
        self.pdf = pdf
        self._show_pages(images)
        self.busy.emit(False)
        self.rendered.emit(total, len(images))

    def _failed(self, exc: BaseException) -> None:
        # Requests are checked before they start, so this is a fault (a full disk, a bug
        # already reported); it is said whichever request it came from.
        self.busy.emit(False)
        self.failed.emit(exc)

    def _show_pages(self, images: list[bytes]) -> None:
        while self.pages_layout.count():
            item = self.pages_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for number, png in enumerate(images, start=1):
            label = QLabel()
            label.setPixmap(QPixmap.fromImage(QImage.fromData(png)))
            label.setAccessibleName(self.tr("Page %1").replace("%1", str(number)))
            label.setStyleSheet("border: 1px solid palette(mid); background: white;")
            self.pages_layout.addWidget(label)

    def page_labels(self) -> list[QLabel]:
        return [label for label in self.pages.findChildren(QLabel)
                if label.pixmap() is not None and not label.pixmap().isNull()]
