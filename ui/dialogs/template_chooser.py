"""New entry from a template (Ctrl+Shift+N): the templates that ship and the person's own,
each shown before it is chosen; and the person's own made, changed and deleted here.

The list comes from the vault in the task runner; choosing one hands the template to the
Journal page, which fills the editor with its Markdown (nothing is saved until the person
writes)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion.prompts import Template
from companion.templates import MAX_BODY, MAX_NAME
from ui.context import UiContext
from ui.dialogs.base import claim_default
from ui.widgets.common import error_label, hint, user_message
from ui.widgets.markdown_view import MarkdownView


class TemplateChooser(QDialog):
    chosen = Signal(object)  # a Template

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.templates: list[Template] = []
        self._closed = False
        self.setWindowTitle(self.tr("New entry from a template"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Templates"))
        self.list.setWordWrap(True)  # a long name takes two lines, never a sideways scroll
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setStyleSheet("QListWidget::item { padding: 5px 6px; }")
        self.list.currentRowChanged.connect(self._current_changed)
        self.list.itemActivated.connect(lambda _item: self.start_writing())
        self.origin = hint("")
        self.preview = MarkdownView()
        self.preview.setAccessibleName(self.tr("The template's text"))
        self.preview.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # Tab goes list → buttons
        self.error = error_label()
        self.error.setVisible(False)
        self.new_button = QPushButton(self.tr("New template…"))
        self.new_button.clicked.connect(self.new_template)
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.edit_button.clicked.connect(self.edit_template)
        self.delete_button = QPushButton(self.tr("Delete…"))
        self.delete_button.clicked.connect(self.delete_template)
        self.buttons = QDialogButtonBox()
        self.start_button = self.buttons.addButton(self.tr("Start writing"),
                                                   QDialogButtonBox.ButtonRole.AcceptRole)
        self.start_button.setDefault(True)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.start_writing)
        self.buttons.rejected.connect(self.reject)
        for button in (self.new_button, self.edit_button, self.delete_button):
            button.setAutoDefault(False)

        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        own_row = QHBoxLayout()
        for button in (self.new_button, self.edit_button, self.delete_button):
            own_row.addWidget(button)
        own_row.addStretch(1)
        left.addLayout(own_row)
        right = QVBoxLayout()
        right.addWidget(self.origin)
        right.addWidget(self.preview, 1)
        columns = QHBoxLayout()
        columns.addLayout(left, 2)
        columns.addLayout(right, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(hint(self.tr("Pick a starting point; you can change or delete any "
                                      "of it as you write.")))
        layout.addLayout(columns, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(720, 480)
        claim_default(self)
        self._show_selection()
        self.load()

    # -- loading ----------------------------------------------------------------------------

    def load(self, select: str | None = None) -> None:
        app = self.ctx.app
        self.ctx.runner.run(lambda: (select, app.templates()), self._loaded, self._failed)

    def _loaded(self, result: tuple[str | None, list[Template]]) -> None:
        select, templates = result
        if self._closed:
            return
        previous = self.current()
        wanted = select or (previous.name if previous is not None else None)
        self.templates = templates
        self.list.blockSignals(True)
        self.list.clear()
        row = 0
        for index, template in enumerate(templates):
            item = QListWidgetItem(template.name if template.shipped
                                   else self.tr("%1 (yours)").replace("%1", template.name))
            item.setData(Qt.ItemDataRole.AccessibleTextRole, template.name)
            self.list.addItem(item)
            if template.name == wanted:
                row = index
        self.list.blockSignals(False)
        self.list.setCurrentRow(row)
        self.list.setFocus(Qt.FocusReason.OtherFocusReason)
        self._show_selection()

    def _failed(self, exc: BaseException) -> None:
        if not self._closed:
            self.error.setText(user_message(exc))
            self.error.setVisible(True)

    # -- what is selected -------------------------------------------------------------------

    def current(self) -> Template | None:
        row = self.list.currentRow()
        return self.templates[row] if 0 <= row < len(self.templates) else None

    def _current_changed(self, _row: int) -> None:
        self._show_selection()

    def _show_selection(self) -> None:
        template = self.current()
        own = template is not None and not template.shipped
        self.start_button.setEnabled(template is not None)
        self.edit_button.setEnabled(own)
        self.delete_button.setEnabled(own)
        if template is None:
            self.origin.setText("")
            self.preview.show_markdown("")
            return
        self.origin.setText(self.tr("Comes with Companion.") if template.shipped
                            else self.tr("One of your own templates, kept in your journal."))
        self.preview.show_markdown(template.body)

    # -- choosing ---------------------------------------------------------------------------

    def start_writing(self) -> None:
        template = self.current()
        if template is None:
            return
        self._closed = True
        # Before closing: the editor takes the keyboard while this dialog is still in front,
        # so the window gives it back there (not to where it was) when this one closes.
        self.chosen.emit(template)
        self.accept()

    def reject(self) -> None:
        self._closed = True
        super().reject()

    # -- the person's own -------------------------------------------------------------------

    def new_template(self) -> None:
        current = self.current()
        start = current.body if current is not None else ""
        dialog = TemplateEditor(self.ctx, None, "", start, self)
        dialog.saved.connect(lambda template: self.load(template.name))
        dialog.open()

    def edit_template(self) -> None:
        template = self.current()
        if template is None or template.shipped:
            return
        dialog = TemplateEditor(self.ctx, template.own_id, template.name, template.body, self)
        dialog.saved.connect(lambda changed: self.load(changed.name))
        dialog.open()

    def delete_template(self) -> None:
        template = self.current()
        if template is None or template.own_id is None:
            return
        own_id = template.own_id
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Delete template"),
                          self.tr("Delete the template “%1”? Entries you wrote from it are "
                                  "kept.").replace("%1", template.name),
                          QMessageBox.StandardButton.Cancel, self)
        delete = box.addButton(self.tr("Delete"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        app = self.ctx.app

        def answered(_result: int) -> None:
            if box.clickedButton() is delete:
                self.ctx.runner.run(lambda: app.delete_template(own_id),
                                    lambda _none: self.load(), self._failed)

        box.finished.connect(answered)
        box.open()


class TemplateEditor(QDialog):
    """A template of the person's own: its name and its Markdown."""

    saved = Signal(object)  # the Template as saved

    def __init__(self, ctx: UiContext, own_id: int | None, name: str, body: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.own_id = own_id
        self._saving = False
        self.setWindowTitle(self.tr("New template") if own_id is None
                            else self.tr("Edit template"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.name = QLineEdit(name)
        self.name.setMaxLength(MAX_NAME)
        self.name.setAccessibleName(self.tr("Name"))
        self.body = QPlainTextEdit()
        self.body.setPlainText(body)
        self.body.setTabChangesFocus(True)
        self.body.setAccessibleName(self.tr("Template text (Markdown)"))
        self.error = error_label()
        self.error.setVisible(False)
        name_label = QLabel(self.tr("&Name"))
        name_label.setBuddy(self.name)
        body_label = QLabel(self.tr("&Text"))
        body_label.setBuddy(self.body)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(self.tr("Save template"),
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(name_label)
        layout.addWidget(self.name)
        layout.addWidget(body_label)
        layout.addWidget(hint(self.tr("Markdown: a line starting with ## is a heading, and "
                                      "the command line asks each heading in turn. Up to "
                                      "%1 characters.").replace("%1", f"{MAX_BODY:,}")))
        layout.addWidget(self.body, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(560, 460)
        claim_default(self)
        self.name.setFocus(Qt.FocusReason.OtherFocusReason)

    def save(self) -> None:
        if self._saving:
            return
        self._saving = True
        self.save_button.setEnabled(False)
        app, own_id = self.ctx.app, self.own_id
        name, body = self.name.text(), self.body.toPlainText()
        if own_id is None:
            self.ctx.runner.run(lambda: app.add_template(name, body), self._saved, self._failed)
        else:
            self.ctx.runner.run(lambda: app.update_template(own_id, name=name, body=body),
                                self._saved, self._failed)

    def _saved(self, template: Template) -> None:
        self.accept()
        self.saved.emit(template)

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self.error.setText(user_message(exc))
        self.error.setVisible(True)
