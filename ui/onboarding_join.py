"""First run on a computer joining the person's others ("I already use Companion on another
computer"): once this computer's own vault is made (its own passphrase, its own recovery
code), the pairing code and the storage, then this computer's safety number while it waits to
be let in. When it is, the journal has arrived, and onboarding ends on Today.

The form is the one Settings → Your computers → Join with a code… shows (`JoinFields`); the
work goes through a device syncer made for onboarding (one job at a time, off the GUI thread),
which looks every few seconds while this computer waits. The vault made here stays whatever
happens: skipping, cancelling or a failed join leaves a working, empty journal, and Settings →
Your computers joins later.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from companion.app import CompanionApp
from ui.context import PreferenceStore, UiContext
from ui.device_sync import (
    DeviceRound,
    DeviceSnapshot,
    DeviceSyncer,
    describe_failure,
    describe_schedule,
    storage_check,
)
from ui.dialogs.device_setup import JoinFields, join_intro
from ui.events import ChangeBridge
from ui.tasks import TaskRunner
from ui.widgets.common import error_label, heading, hint, user_message
from ui.widgets.safety_number import SafetyNumberLabel

NOTHING_SHARED = "Nothing was shared with your other computer."


def tr(text: str) -> str:
    return QCoreApplication.translate("OnboardingJoin", text)


def describe_join_failure(exc: BaseException) -> str:
    """What stopped the join, and that nothing went anywhere (the storage is tried, and the
    code read, before anything is written; the journal only ever goes once let in)."""
    from companion.errors import UserError

    check = storage_check(exc)
    if check is not None and isinstance(exc, UserError):
        return tr("Companion could not use that storage: %1 %2, then try again. %3").replace(
            "%1", exc.message).replace("%2", check).replace("%3", tr(NOTHING_SHARED))
    if isinstance(exc, UserError):
        return f"{user_message(exc)} {tr(NOTHING_SHARED)}"
    return user_message(exc)  # a bug, reported: nothing more is known


def _plain(text: str, role: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if role:
        label.setProperty("role", role)
    return label


def _busy_bar(name: str) -> QProgressBar:
    bar = QProgressBar()
    bar.setRange(0, 0)
    bar.setMaximumHeight(6)
    bar.setTextVisible(False)
    bar.setAccessibleName(name)
    bar.setVisible(False)
    return bar


def _button_row(left: QPushButton, right: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(left)
    row.addStretch(1)
    row.addWidget(right)
    return row


class JoinForm(QWidget):
    """The pairing code, this computer's name and the storage; Skip for now, Ask to join."""

    def __init__(self, runner: TaskRunner) -> None:
        super().__init__()
        self.fields = JoinFields(runner)
        self.fields.code.setMaximumHeight(58)
        self.note = _plain("", "hint")
        self.note.setVisible(False)
        self.error = error_label()
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        self.busy = _busy_bar(self.tr("Asking to join"))
        self.skip_button = QPushButton(self.tr("Skip for now"))
        self.skip_button.setAccessibleName(self.tr("Skip joining for now and open the journal"))
        self.ask_button = QPushButton(self.tr("Ask to join"))
        self.ask_button.setDefault(True)
        later = hint(self.tr(
            "This computer's journal is ready either way. Skip for now opens it empty; join "
            "whenever you like from Settings → Your computers → Join with a code…"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        for widget in (heading(self.tr("Join your other computer")), hint(join_intro()),
                       self.fields, self.note, self.error, self.busy, later):
            layout.addWidget(widget)
        layout.addLayout(_button_row(self.skip_button, self.ask_button))
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)  # Enter: the focused button, else Ask to join

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.fields.setEnabled(not busy)
        self.ask_button.setEnabled(not busy)
        self.skip_button.setEnabled(not busy)

    def say(self, label: QLabel, text: str) -> None:
        label.setText(text)
        label.setVisible(bool(text))


class WaitingView(QWidget):
    """This computer's safety number while it waits to be let in, and what the last look at
    the storage found."""

    def __init__(self) -> None:
        super().__init__()
        self.title = heading(self.tr("Waiting to be let in"))
        self.explain = hint(self.tr(
            "Your other computer now shows this one asking to join: in its Add a computer "
            "window, or in Settings → Your computers after Sync now. Allow it there only if "
            "it shows this same safety number, digit for digit. Then your journal comes "
            "here, and opens."))
        self.refused = hint(self.tr(
            "Your other computer refused to let this one in, so nothing was shared with it. "
            "If that was a mistake, cancel joining here and ask again with a new code."))
        self.refused.setVisible(False)
        self.number = SafetyNumberLabel("", self.tr("This computer's safety number"),
                                        point_size=14, centred=True)
        self.status = _plain("", "hint")
        self.status.setAccessibleName(self.tr("Joining status"))
        self.error = error_label()
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        self.busy = _busy_bar(self.tr("Waiting to be let in"))
        self.cancel_button = QPushButton(self.tr("Cancel joining"))
        self.open_button = QPushButton(self.tr("Open my journal now"))
        self.open_button.setDefault(True)
        self.later = hint(self.tr(
            "Opening it now is fine: Companion keeps waiting in the background, and Settings → "
            "Your computers shows this number until your other computer lets this one in."))
        self.refused_later = hint(self.tr(
            "Your journal on this computer works as it is, empty: open it now, and join "
            "whenever you like from Settings → Your computers."))
        self.refused_later.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        for widget in (self.title, self.explain, self.refused, self.number, self.status,
                       self.error, self.busy, self.later, self.refused_later):
            layout.addWidget(widget)
        layout.addLayout(_button_row(self.cancel_button, self.open_button))
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)

    def show_snapshot(self, snapshot: DeviceSnapshot) -> None:
        refused = snapshot.status is not None and snapshot.status.refused
        self.title.setText(self.tr("Not let in") if refused else self.tr("Waiting to be let in"))
        self.explain.setVisible(not refused)
        self.refused.setVisible(refused)
        self.number.set_number(snapshot.joining_number)
        self.number.setVisible(not refused and bool(snapshot.joining_number))
        for waiting in (self.busy, self.status, self.later):
            waiting.setVisible(not refused)
        self.refused_later.setVisible(refused)

    def show_round(self, syncer: DeviceSyncer) -> None:
        """Looking now, or how often it looks; what stopped the last look, if it failed."""
        if syncer.syncing:
            status = self.tr("Looking at the storage now…")
        else:
            status = describe_schedule(syncer.interval_minutes, syncer.hurrying)
        self.status.setText(status)
        last: DeviceRound | None = syncer.last
        failure = describe_failure(last.error) if last is not None and last.error else ""
        self.error.setText(failure)
        self.error.setVisible(bool(failure))

    def set_enabled(self, enabled: bool) -> None:
        self.cancel_button.setEnabled(enabled)
        self.open_button.setEnabled(enabled)


class JoinOnboarding(QObject):
    """Drives the two steps: asks to join, shows the number, notices being let in (or
    refused), cancels, or goes on without waiting. `show_step(view)` asks onboarding to show
    the form or the waiting view; `done` ends onboarding (the journal opens)."""

    show_step = Signal(object)
    done = Signal()

    def __init__(self, app: CompanionApp, runner: TaskRunner,
                 prefs: PreferenceStore | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.app, self.runner, self.prefs = app, runner, prefs
        self.form = JoinForm(runner)
        self.waiting = WaitingView()
        self.syncer: DeviceSyncer | None = None
        self._bridge: ChangeBridge | None = None
        self.ended = False
        self.form.ask_button.clicked.connect(self.ask)
        self.form.skip_button.clicked.connect(self.go_on)
        self.waiting.cancel_button.clicked.connect(self.cancel)
        self.waiting.open_button.clicked.connect(self.go_on)

    def _device_syncer(self) -> DeviceSyncer:
        """Made on the first ask: the vault exists and is open by then."""
        if self.syncer is None:
            prefs = self.prefs or PreferenceStore(self.app, self.runner)
            self._bridge = ChangeBridge(self.app)
            ctx = UiContext(app=self.app, runner=self.runner, prefs=prefs,
                            changes=self._bridge)
            syncer = DeviceSyncer(ctx, self)
            syncer.snapshot_changed.connect(self._show_snapshot)
            for signal in (syncer.started, syncer.finished, syncer.schedule_changed):
                signal.connect(self._show_round)
            syncer.start()
            self.syncer = syncer
        return self.syncer

    # -- the form -------------------------------------------------------------------------

    def ask(self) -> None:
        form = self.form
        missing = form.fields.missing()
        form.say(form.note, "")
        form.say(form.error, missing)
        if missing:
            return
        form.set_busy(True)
        self._device_syncer().run(form.fields.work(self.app), self._asked, self._ask_failed,
                                  sync_after=True, owner=form)

    def _asked(self, _row: object) -> None:
        self.form.set_busy(False)
        self.form.fields.wipe()  # the code is spent, the password kept in the vault
        if self.syncer is not None and self.syncer.snapshot is not None:
            self.waiting.show_snapshot(self.syncer.snapshot)
            self._show_round()
        self.show_step.emit(self.waiting)

    def _ask_failed(self, exc: BaseException) -> None:
        self.form.set_busy(False)
        self.form.say(self.form.error, describe_join_failure(exc))
        self.form.fields.code.setFocus()

    # -- waiting --------------------------------------------------------------------------

    def _show_snapshot(self, snapshot: DeviceSnapshot) -> None:
        if self.ended:
            return
        if snapshot.state == "active":  # let in: this round brought the journal
            self._end()
        elif snapshot.state == "joining":
            self.waiting.show_snapshot(snapshot)

    def _show_round(self, *_args: Any) -> None:
        if self.syncer is not None and not self.ended:
            self.waiting.show_round(self.syncer)

    def cancel(self) -> None:
        """Stop asking to join; back to the form, for a new code or Skip for now."""
        self.waiting.set_enabled(False)
        self._device_syncer().run(self.app.cancel_device_join, self._cancelled,
                                  self._cancel_failed, owner=self.waiting)

    def _cancelled(self, _none: object) -> None:
        self.waiting.set_enabled(True)
        self.form.say(self.form.error, "")
        self.form.say(self.form.note, self.tr(
            "This computer no longer asks to join, and nothing was shared. To try again, "
            "paste a new code from your other computer; or skip for now."))
        self.show_step.emit(self.form)

    def _cancel_failed(self, exc: BaseException) -> None:
        self.waiting.set_enabled(True)
        self.waiting.error.setText(user_message(exc))
        self.waiting.error.setVisible(True)

    # -- leaving --------------------------------------------------------------------------

    def go_on(self) -> None:
        """Open the journal now (skipped, or not waiting here): once nothing of ours runs,
        so the workspace's own syncer never works beside this one."""
        syncer = self.syncer
        if syncer is None or not syncer.busy:
            self._end()
            return
        self.waiting.set_enabled(False)
        self.form.set_busy(True)
        self._after_queue(syncer, self._end)

    @staticmethod
    def _after_queue(syncer: DeviceSyncer, then: Callable[[], None]) -> None:
        syncer.run(lambda: None, lambda _none: then(), lambda _exc: then())

    def _end(self) -> None:
        if self.ended:
            return
        self.stop()
        self.done.emit()

    def stop(self) -> None:
        """Nothing more is asked of the storage from here (onboarding ends, or the window
        locks or closes)."""
        self.ended = True
        if self.syncer is not None:
            self.syncer.stop()
        if self._bridge is not None:
            self._bridge.detach()
            self._bridge = None
        self.waiting.number.clear()
