"""Entries edited on two computers: each version side by side, read-only, to keep one or to
combine them into the text to keep.

Device sync never replaces one edit with another silently: when two computers changed an
entry's text before either saw the other's change, the journal shows the newer text and keeps
the other beside it until the person chooses here. What they keep (or combine) replaces every
version on all their computers at the next sync (`CompanionApp.resolve_device_conflict`, on
the device syncer's queue, off the GUI thread).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from companion.devices.group import DeviceConflict
from ui.device_sync import DeviceSnapshot, DeviceSyncer
from ui.dialogs.base import SettingsDialog
from ui.widgets.common import hint, user_message


def conflict_title(conflict: DeviceConflict) -> str:
    return f"{conflict.title or 'Untitled'} — {conflict.day}"


def combined(conflict: DeviceConflict) -> str:
    """Both (or all) versions, the shown one first, a blank line between: the start of a
    combination the person edits."""
    return "\n\n".join([conflict.shown, *conflict.others])


class DeviceConflictsDialog(SettingsDialog):
    def __init__(self, syncer: DeviceSyncer, parent: QWidget | None) -> None:
        super().__init__(self.tr("Entries edited on two computers"), syncer.ctx.runner, parent)
        self.syncer = syncer
        self.conflicts: list[DeviceConflict] = []
        self.kept = 0  # how many the person resolved here
        # One button: Close (it cannot close while a choice is being saved).
        self.close_button = self.cancel_button
        self.close_button.setText(self.tr("Close"))
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Entries edited on two computers"))
        self.list.setMaximumHeight(96)
        self.list.currentRowChanged.connect(self._show_current)
        # Comparing: every version, read-only, each with its own "Keep this version".
        self.versions = QWidget()
        self.grid = QGridLayout(self.versions)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(12)
        self.keep_buttons: list[QPushButton] = []
        self.version_views: list[QPlainTextEdit] = []
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        area.setWidget(self.versions)
        area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # its texts and buttons take the keyboard
        self.combine_button = QPushButton(self.tr("Combine…"))
        self.combine_button.clicked.connect(self.start_combining)
        compare = QWidget()
        compare_box = QVBoxLayout(compare)
        compare_box.setContentsMargins(0, 0, 0, 0)
        compare_box.addWidget(area, 1)
        combine_row = QHBoxLayout()
        combine_row.addWidget(hint(self.tr(
            "Or combine them: edit one text from both versions, and keep that.")), 1)
        combine_row.addWidget(self.combine_button)
        compare_box.addLayout(combine_row)
        # Combining: one editable text, starting with every version.
        self.combination = QPlainTextEdit()
        self.combination.setAccessibleName(self.tr("The combined text"))
        self.combination.setTabChangesFocus(True)
        self.back_button = QPushButton(self.tr("Back"))
        self.back_button.clicked.connect(self.stop_combining)
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.clicked.connect(self.save_combination)
        combine = QWidget()
        combine_box = QVBoxLayout(combine)
        combine_box.setContentsMargins(0, 0, 0, 0)
        combine_box.addWidget(hint(self.tr(
            "The text below holds every version, the one shown in your journal first. Edit it "
            "into the text to keep, then save.")))
        combine_box.addWidget(self.combination, 1)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.back_button)
        save_row.addWidget(self.save_button)
        combine_box.addLayout(save_row)
        self.pages = QStackedWidget()
        self.pages.addWidget(compare)
        self.pages.addWidget(combine)
        layout = QVBoxLayout(self)
        layout.addWidget(hint(self.tr(
            "Each of these entries was edited on two of your computers before either had the "
            "other's edit. Both versions are kept: your journal shows the newer one until you "
            "choose. What you keep replaces them on all your computers at their next sync.")))
        layout.addWidget(self.list)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(680)
        self.resize(780, 560)
        self.quiet_buttons()
        self.close_button.setDefault(True)
        syncer.snapshot_changed.connect(self.show_snapshot)
        if syncer.snapshot is not None:
            self.show_snapshot(syncer.snapshot)

    def fit_height(self) -> None:
        """Kept at the size it opens with: the versions need the room (the base class
        shrinks a dialog to its wrapped text)."""

    # -- showing ----------------------------------------------------------------------------

    def show_snapshot(self, snapshot: DeviceSnapshot) -> None:
        if self.is_busy:
            return  # shown once the person's choice is saved
        conflicts = list(snapshot.conflicts)
        if [c.entry_id for c in conflicts] == [c.entry_id for c in self.conflicts] and \
                conflicts == self.conflicts:
            return
        current = self.current()
        self.conflicts = conflicts
        self.list.blockSignals(True)
        self.list.clear()
        for conflict in conflicts:
            item = QListWidgetItem(conflict_title(conflict))
            item.setData(Qt.ItemDataRole.UserRole, conflict.entry_id)
            self.list.addItem(item)
        ids = [c.entry_id for c in conflicts]
        row = ids.index(current.entry_id) if current is not None and \
            current.entry_id in ids else 0
        if conflicts:
            self.list.setCurrentRow(row)
        self.list.blockSignals(False)
        self._show_current(self.list.currentRow())

    def current(self) -> DeviceConflict | None:
        row = self.list.currentRow()
        return self.conflicts[row] if 0 <= row < len(self.conflicts) else None

    def _show_current(self, _row: int) -> None:
        conflict = self.current()
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()  # at once: it is deleted on the next turn of the loop
                widget.deleteLater()
        self.keep_buttons, self.version_views = [], []
        self.pages.setCurrentIndex(0)
        self.combine_button.setEnabled(conflict is not None)
        if conflict is None:
            self.grid.addWidget(hint(self.tr("No entry waits for a choice now.")), 0, 0)
            self._order_tabs()
            return
        versions = [(self.tr("Shown in your journal now"), conflict.shown)]
        versions += [(self.tr("The other version") if len(conflict.others) == 1
                      else self.tr("Another version (%1)").replace("%1", str(number)), text)
                     for number, text in enumerate(conflict.others, start=1)]
        for index, (title, text) in enumerate(versions):
            self.grid.addWidget(self._version(title, text), index // 2, index % 2)
        self._order_tabs()

    def _version(self, title: str, text: str) -> QFrame:
        frame = QFrame()
        frame.setProperty("card", True)
        box = QVBoxLayout(frame)
        box.setContentsMargins(12, 10, 12, 12)
        label = QLabel(title)
        label.setStyleSheet("font-weight: 600;")
        box.addWidget(label)
        view = QPlainTextEdit(text)
        view.setReadOnly(True)
        view.setTabChangesFocus(True)
        view.setAccessibleName(title)
        view.setMinimumHeight(140)
        box.addWidget(view, 1)
        keep = QPushButton(self.tr("Keep this version"))
        keep.setAutoDefault(False)
        keep.clicked.connect(lambda: self.keep(text))
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(keep)
        box.addLayout(row)
        self.keep_buttons.append(keep)
        self.version_views.append(view)
        return frame

    def _order_tabs(self) -> None:
        """Reading order (the versions are made after the buttons below them)."""
        chain: list[QWidget] = [self.list]
        for view, keep in zip(self.version_views, self.keep_buttons, strict=True):
            chain += [view, keep]
        chain += [self.combine_button, self.combination, self.back_button, self.save_button,
                  self.close_button]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    # -- choosing ---------------------------------------------------------------------------

    def start_combining(self) -> None:
        conflict = self.current()
        if conflict is None:
            return
        self.combination.setPlainText(combined(conflict))
        self.pages.setCurrentIndex(1)
        self.combination.setFocus()

    def stop_combining(self) -> None:
        self.combination.clear()
        self.pages.setCurrentIndex(0)

    def save_combination(self) -> None:
        self.keep(self.combination.toPlainText())

    def keep(self, text: str) -> None:
        conflict = self.current()
        if conflict is None or self.is_busy:
            return
        app = self.syncer.ctx.app
        entry = conflict.entry_id
        self.set_error("")
        self.set_busy(True, self.tr("Keeping the version you chose"))
        self._enable(False)
        self.syncer.run(lambda: app.resolve_device_conflict(entry, text), self._kept,
                        self._failed, sync_after=True)

    def _kept(self, _none: object) -> None:
        self.set_busy(False)
        self._enable(True)
        self.kept += 1
        self.combination.clear()
        snapshot = self.syncer.snapshot
        if snapshot is not None:
            self.show_snapshot(snapshot)
        if not self.conflicts:
            self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.set_busy(False)
        self._enable(True)
        self.set_error(self.tr("Nothing was changed. %1").replace("%1", user_message(exc)))

    def _enable(self, enabled: bool) -> None:
        for widget in (self.list, self.combine_button, self.save_button, self.back_button,
                       self.close_button, *self.keep_buttons):
            widget.setEnabled(enabled)

    def done(self, result: int) -> None:
        self.wipe()
        super().done(result)

    def wipe(self) -> None:
        """Entry texts are the person's words: dropped when the dialog closes or on lock."""
        self.combination.clear()
        for view in self.version_views:
            view.clear()
        self.list.blockSignals(True)
        self.list.clear()
        self.list.blockSignals(False)
        self.conflicts = []

