"""Correcting and deleting a check-in, with undo: what Today and the Journal share.

The editor dialog gathers the person's choice; this saves it on the task runner and says what
happened in the page's message bar, with Undo for a few seconds (the previous values, or the
check-in back from the trash). A reply that comes after the page was locked is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QWidget

from companion.models import CheckIn
from ui.context import UiContext
from ui.dialogs.checkin_edit import CheckinEditDialog
from ui.widgets.common import user_message
from ui.widgets.message_bar import MessageBar


def fields_of(checkin: CheckIn) -> dict[str, Any]:
    """Everything `update_checkin` needs to put `checkin` back as it was."""
    return {"mood": checkin.mood, "energy": checkin.energy, "emotions": checkin.emotions,
            "activities": checkin.activities, "sleep_hours": checkin.sleep_hours,
            "note": checkin.note, "at": checkin.at}


class CheckinEditing(QObject):
    def __init__(self, ctx: UiContext, page: QWidget, message: MessageBar,
                 known: Callable[[], tuple[list[str], list[str]]],
                 refocus: Callable[[], None]) -> None:
        super().__init__(page)
        self.ctx, self.page, self.message = ctx, page, message
        self._known, self._refocus = known, refocus
        self.dialog: CheckinEditDialog | None = None
        self.generation = 0
        self._deleting: set[int] = set()  # check-ins whose delete is on its way

    def close(self) -> None:
        """On lock: nothing of the vault stays on screen, and late replies are dropped."""
        self.generation += 1
        self.message.dismiss()
        if self.dialog is not None:
            self.dialog.reject()

    def edit(self, checkin: CheckIn) -> None:
        if self.dialog is not None:
            return
        dialog = CheckinEditDialog(checkin, *self._known(), self.ctx.app.clock.now(),
                                   self.page)
        dialog.accepted.connect(lambda: self._save(checkin, dialog.values()))
        dialog.delete_requested.connect(lambda: self.delete(checkin))
        dialog.finished.connect(self._closed)
        self.dialog = dialog
        dialog.open()

    def _closed(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = None
        self._refocus()

    def _save(self, before: CheckIn, values: dict[str, Any]) -> None:
        undo = fields_of(before)
        if _same(values, undo):
            return  # saved as it was: nothing to change, nothing to undo
        app = self.ctx.app
        self._run(lambda: app.update_checkin(before.id, **values), self.tr("Check-in changed."),
                  lambda: self._put_back(before.id, undo), self.tr("Nothing was changed"))

    def delete(self, checkin: CheckIn) -> None:
        """A second Delete (a double press, key repeat) while the first is on its way is the
        same wish: it used to reach the vault too and say "Nothing was deleted" over the
        first one's Undo, though the check-in was gone."""
        if checkin.id in self._deleting:
            return
        self._deleting.add(checkin.id)
        app = self.ctx.app
        self._run(lambda: app.delete(checkin.ref), self.tr("Check-in deleted."),
                  lambda: self._restore(checkin), self.tr("Nothing was deleted"),
                  finally_=lambda: self._deleted(checkin.id))

    def _deleted(self, checkin_id: int) -> None:
        self._deleting.discard(checkin_id)
        self._refocus()

    def _put_back(self, checkin_id: int, fields: dict[str, Any]) -> None:
        app = self.ctx.app
        self._run(lambda: app.update_checkin(checkin_id, **fields), self.tr("Change undone."),
                  None, self.tr("The change stays"))

    def _restore(self, checkin: CheckIn) -> None:
        app = self.ctx.app
        self._run(lambda: app.restore(checkin.ref), self.tr("Check-in restored."), None,
                  self.tr("The check-in stays in the trash"))

    def _run(self, work: Callable[[], object], said: str, undo: Callable[[], None] | None,
             failed: str, finally_: Callable[[], None] | None = None) -> None:
        generation = self.generation

        def done(_result: object) -> None:
            if finally_ is not None:
                finally_()
            if generation != self.generation:
                return
            if undo is None:
                self.message.show_message(said)
            else:
                self.message.show_message(said, self.tr("Undo"), undo)

        def fail(exc: BaseException) -> None:
            if finally_ is not None:
                finally_()
            if generation == self.generation:
                self.message.show_error(f"{failed}: {user_message(exc)}")

        self.ctx.runner.run(work, done, fail)


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Equal as a person sees it (the chips' order is the form's, not the check-in's)."""
    def seen(values: dict[str, Any]) -> dict[str, Any]:
        return {k: sorted(v) if k in ("emotions", "activities") else v
                for k, v in values.items()}
    return seen(a) == seen(b)


def focus(widget: QWidget) -> Callable[[], None]:
    return lambda: widget.setFocus(Qt.FocusReason.OtherFocusReason)
