"""Settings → Attachments: how large one attached file, and all the files of one entry, may
be on this computer (companion/preferences.py; the journal refuses more, naming the file and
the limit). Not synced: it is about this computer's disk."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from companion.preferences import (
    MAX_ATTACHMENT_ENTRY_MB,
    MAX_ATTACHMENT_FILE_MB,
    Preferences,
)
from ui.context import UiContext
from ui.widgets.common import hint, subheading

CONTROL_WIDTH = 190  # as wide as the other controls in Settings (ui/pages/settings.py)


class AttachmentSettingsCard(QFrame):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setProperty("card", True)
        self.file_mb = self._spin(MAX_ATTACHMENT_FILE_MB, self.tr("Largest file, in megabytes"))
        self.entry_mb = self._spin(MAX_ATTACHMENT_ENTRY_MB,
                                   self.tr("All files of one entry, in megabytes"))
        self.file_mb.valueChanged.connect(lambda mb: self._save(attachment_file_mb=mb))
        self.entry_mb.valueChanged.connect(lambda mb: self._save(attachment_entry_mb=mb))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 16)
        layout.setSpacing(12)
        layout.addWidget(subheading(self.tr("Photos and files")))
        for title, text, spin in (
            (self.tr("Largest file"), self.tr(
                "A photo or file larger than this is not attached, and the journal says "
                "which and why. Everything attached is kept encrypted in the journal."),
             self.file_mb),
            (self.tr("All files of one entry"), self.tr(
                "Together, the files of one entry can be at most this large."), self.entry_mb),
        ):
            row = QHBoxLayout()
            text_column = QVBoxLayout()
            text_column.setSpacing(2)
            name = QLabel(title)
            name.setStyleSheet("font-weight: 600;")
            name.setBuddy(spin)
            text_column.addWidget(name)
            text_column.addWidget(hint(text))
            row.addLayout(text_column, 1)
            row.addWidget(spin)
            layout.addLayout(row)
        self.load_preferences(ctx.prefs.current)
        ctx.prefs.changed.connect(self.load_preferences)

    def _spin(self, most: int, name: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(1, most)
        spin.setSuffix(" MB")
        spin.setAccessibleName(name)
        spin.setKeyboardTracking(False)  # saved when typing ends, not at each digit
        spin.setMinimumWidth(CONTROL_WIDTH)
        return spin

    def load_preferences(self, prefs: Preferences) -> None:
        """Show `prefs` without saving them again."""
        for spin, value in ((self.file_mb, prefs.attachment_file_mb),
                            (self.entry_mb, prefs.attachment_entry_mb)):
            spin.blockSignals(True)
            spin.setValue(value)
            spin.blockSignals(False)

    def _save(self, **changes: int) -> None:
        self.ctx.prefs.update(replace(self.ctx.prefs.current, **changes))  # type: ignore[arg-type]
