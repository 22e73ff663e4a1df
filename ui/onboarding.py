"""First run: what stays private, a passphrase with a strength meter, the recovery code
(copy, save, print, "I have stored it"), then the opt-ins (remember on this device, a daily
reminder). Creating the vault (key derivation) runs off the GUI thread.

Someone who already uses Companion on another computer makes this computer's vault the same
way (its passphrase and recovery code are this computer's own), then joins the other instead
of the opt-ins (ui/onboarding_join.py): the person's settings come from there.

"Need help now?" stays under every step, as on the unlock screen and under the sidebar: the
support lines need no vault (the shipped list, or the person's own in the home folder), so they
open before there is one, and while it is being created."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTime, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QSystemTrayIcon,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from companion.app import CompanionApp
from companion.passphrase import EXAMPLE_PASSPHRASE, MIN_LENGTH, estimate
from ui.context import PreferenceStore
from ui.dialogs.recovery import RecoveryCodeView
from ui.icons import app_icon
from ui.tasks import Lane, TaskRunner
from ui.widgets.common import error_label, heading, hint
from ui.widgets.level_bar import LevelBar
from ui.widgets.passphrase_field import PassphraseField

if TYPE_CHECKING:
    from ui.onboarding_join import JoinOnboarding

STRENGTH_WORDS = ("Very weak", "Weak", "Fair", "Strong", "Very strong")
STRENGTH_LEVELS = ("red", "orange", "amber", "green", "teal")  # ui.theme.LEVEL_COLOURS


def _column(*widgets: QWidget, stretch_end: bool = True) -> QVBoxLayout:
    layout = QVBoxLayout()
    layout.setSpacing(12)
    for widget in widgets:
        layout.addWidget(widget)
    if stretch_end:
        layout.addStretch(1)
    return layout


class _Step(QWidget):
    """A centred column, like a dialog's body, in the middle of the window. `scrolls`: for
    a step that can be taller than the smallest window (the join form with WebDAV chosen and
    an error said), which then scrolls rather than squeezes its text."""

    def __init__(self, body: QWidget | None = None, *, scrolls: bool = False) -> None:
        super().__init__()
        row = QHBoxLayout()
        row.addStretch(1)
        self.body = body if body is not None else QWidget()
        self.body.setMaximumWidth(560)
        self.body.setMinimumWidth(420)
        row.addWidget(self.body, 4)
        row.addStretch(1)
        column = QVBoxLayout()
        column.addStretch(1)
        column.addLayout(row)
        column.addStretch(2)
        outer = QVBoxLayout(self)
        if not scrolls:
            outer.addLayout(column)
            return
        # The whole step scrolls, so the column is centred as on the others while it fits.
        outer.setContentsMargins(0, 0, 0, 0)
        column.setContentsMargins(11, 4, 11, 4)
        holder = QWidget()
        holder.setLayout(column)
        area = QScrollArea()
        area.setWidget(holder)
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(area)


class StrengthMeter(QWidget):
    """zxcvbn's estimate as a bar and a sentence."""

    def __init__(self) -> None:
        super().__init__()
        self.bar = LevelBar(8)
        self.bar.setRange(0, 4)
        self.bar.setAccessibleName(self.tr("Passphrase strength"))
        self.label = hint("")
        self.label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar)
        layout.addWidget(self.label)

    def update_for(self, passphrase: str) -> bool:
        if not passphrase:
            self.bar.setValue(0)
            self.label.setText(self.tr("Use at least %n characters; a few unrelated words "
                                       "work well.", "", MIN_LENGTH))
            return False
        strength = estimate(passphrase)
        self.bar.setValue(max(strength.score, 0))
        self.bar.set_level(STRENGTH_LEVELS[strength.score])
        advice = " ".join(p for p in (strength.warning, *strength.suggestions[:1]) if p)
        self.label.setText(f"{STRENGTH_WORDS[strength.score]}. {advice}".strip())
        return strength.acceptable


class Onboarding(QWidget):
    """Emits `finished(remember, reminder_time_or_None)` once the vault exists and is open
    (and, on a computer joining another, once it is let in or the person goes on without)."""

    finished = Signal(bool, object)

    def __init__(self, app: CompanionApp, runner: TaskRunner,
                 prefs: PreferenceStore | None = None) -> None:
        super().__init__()
        self.app, self.runner, self.prefs = app, runner, prefs
        self.recovery_code = ""
        self.is_busy = False
        self.joining = False  # "I already use Companion on another computer"
        self.stack = QStackedWidget()
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        self.welcome = self._build_welcome()
        self.passphrase_step = self._build_passphrase()
        self.code_step = self._build_code()
        self.finish_step = self._build_finish()
        for step in (self.welcome, self.passphrase_step, self.code_step, self.finish_step):
            self.stack.addWidget(step)
        self._join: tuple[JoinOnboarding, _Step, _Step] | None = None  # built when chosen
        # Made after the steps, so Tab reaches it after the step's own controls.
        self.help_button = QPushButton(self.tr("Need help now?"))
        self.help_button.setFlat(True)
        self.help_button.setAutoDefault(False)
        self.help_button.setAccessibleName(self.tr("Need help now? Open the support lines"))
        self.help_button.clicked.connect(self.open_support)
        help_row = QHBoxLayout()
        help_row.addStretch(1)
        help_row.addWidget(self.help_button)
        help_row.addStretch(1)
        layout.addLayout(help_row)

    def open_support(self) -> QWidget:
        from ui.dialogs.crisis import open_support  # only when asked for

        return open_support(self, self.app.home, self.runner)

    # -- step 1 ---------------------------------------------------------------------------

    def _build_welcome(self) -> _Step:
        step = _Step()
        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(72, 72))
        text = QLabel(self.tr(
            "<p>Companion is a private place to notice how you are doing: quick check-ins, a "
            "journal, and later insights you can bring to therapy.</p>"
            "<p><b>What stays private:</b> everything you write stays on this computer, "
            "encrypted with a passphrase only you know. There is no account and no cloud.</p>"
            "<p><b>What never leaves:</b> nothing is sent anywhere unless you choose to: to a "
            "circle of people you invite, end-to-end encrypted, or as an export you make.</p>"
            "<p>If you forget your passphrase, a recovery code you keep is the only way back. "
            "Not even we can open your journal.</p>"))
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        start = QPushButton(self.tr("Get started"))
        start.setDefault(True)
        start.setAccessibleName(self.tr("Get started"))
        start.clicked.connect(lambda: self._begin(joining=False))
        self.start_button = start
        other = QPushButton(self.tr("I already use Companion on another computer"))
        other.setFlat(True)
        other.setAccessibleName(self.tr("I already use Companion on another computer: make "
                                        "this computer's vault, then join the other"))
        other.clicked.connect(lambda: self._begin(joining=True))
        self.other_computer_button = other
        layout = _column(logo, heading(self.tr("Welcome to Companion")), text,
                         stretch_end=False)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(start)
        layout.addLayout(row)
        other_row = QHBoxLayout()
        other_row.addStretch(1)
        other_row.addWidget(other)
        layout.addLayout(other_row)
        step.body.setLayout(layout)
        return step

    def _begin(self, *, joining: bool) -> None:
        """A first computer, or one joining the person's others: the vault is made the same
        way; what is said about its passphrase and code, and what follows, differ."""
        self.joining = joining
        if joining:
            self._join_steps()
            self.pass_heading.setText(self.tr("This computer's passphrase"))
            self.pass_intro.setText(self.tr(
                "First, this computer gets its own vault, locked with its own passphrase. It "
                "can be the same as on your other computer or a different one: each computer "
                "keeps its own, and changing one never changes the other. A few unrelated "
                "words of your own work well. Then you join your other computer, and your "
                "journal comes here."))
            self.code_intro.setText(self.tr(
                "This is this computer's recovery code. If you ever forget this computer's "
                "passphrase, it is the only way back into the vault here (your other "
                "computer has its own). It is shown only now: write it down, or save or "
                "print it, and keep it somewhere safe and offline."))
        else:
            self.pass_heading.setText(self.tr("Your passphrase"))
            self.pass_intro.setText(self.first_pass_intro)
            self.code_intro.setText(self.first_code_intro)
        self._go(self.passphrase_step)

    # -- step 2 ---------------------------------------------------------------------------

    def _build_passphrase(self) -> _Step:
        step = _Step()
        self.first_pass_intro = self.tr(
            "Choose a passphrase to lock your journal. A few unrelated words are easy to "
            "remember and hard to guess — but make up your own: words from an example, "
            "like “%1”, are the first an attacker tries.").replace("%1", EXAMPLE_PASSPHRASE)
        intro = QLabel(self.first_pass_intro)
        intro.setWordWrap(True)
        self.pass_intro = intro
        self.pass_heading = heading(self.tr("Your passphrase"))
        self.pass1 = PassphraseField(self.tr("Passphrase"), self.tr("New passphrase"))
        self.pass2 = PassphraseField(self.tr("The same again"), self.tr("Confirm passphrase"))
        self.meter = StrengthMeter()
        self.match_label = hint("")
        self.create_error = error_label()
        self.create_reason = hint("")
        self.create_reason.setWordWrap(True)
        self.create_reason.setVisible(False)
        self.create_button = QPushButton(self.tr("Create my vault"))
        self.create_button.setEnabled(False)
        self.create_button.clicked.connect(self._create)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setVisible(False)
        self.busy.setAccessibleName(self.tr("Creating the vault"))
        self.pass1.textChanged.connect(self._validate)
        self.pass2.textChanged.connect(self._validate)
        self.pass2.returnPressed.connect(self._create)
        self.pass1.returnPressed.connect(self.pass2.edit.setFocus)  # Enter moves on
        back = QPushButton(self.tr("Back"))
        back.clicked.connect(lambda: self._go(self.welcome))
        buttons = QHBoxLayout()
        buttons.addWidget(back)
        buttons.addStretch(1)
        buttons.addWidget(self.create_button)
        layout = _column(self.pass_heading, intro, self.pass1, self.meter,
                         self.pass2, self.match_label, self.create_reason, self.create_error,
                         self.busy, stretch_end=False)
        layout.addLayout(buttons)
        step.body.setLayout(layout)
        return step

    def _validate(self) -> None:
        strong = self.meter.update_for(self.pass1.text())
        first, second = self.pass1.text(), self.pass2.text()
        matches = bool(second) and first == second
        if second and not matches:
            self.match_label.setText(self.tr("The two passphrases do not match yet."))
        elif matches:
            self.match_label.setText(self.tr("They match."))
        else:
            self.match_label.setText("")
        self.create_button.setEnabled(strong and matches and not self.is_busy)
        # Say why the button waits, rather than leave it grey without a reason.
        if self.is_busy:
            reason = ""
        elif not strong:
            reason = self.tr("“Create my vault” needs a stronger passphrase (see above).")
        elif not matches:
            reason = self.tr("“Create my vault” needs the same passphrase typed twice.")
        else:
            reason = ""
        self.create_reason.setText(reason)
        self.create_reason.setVisible(bool(reason))

    def _create(self) -> None:
        if not self.create_button.isEnabled():
            return
        passphrase, confirmation = self.pass1.text(), self.pass2.text()
        self._set_busy(True)
        self.create_error.setText("")
        self.runner.run(lambda: self.app.create_vault(passphrase, confirmation),
                        self._created, self._create_failed, lane=Lane.HEAVY)

    def _set_busy(self, busy: bool) -> None:
        self.is_busy = busy
        self.busy.setVisible(busy)
        for field in (self.pass1, self.pass2):
            field.setEnabled(not busy)
        self._validate()

    def _created(self, code: str) -> None:
        self.recovery_code = code
        self.pass1.clear()
        self.pass2.clear()
        self._set_busy(False)
        self.code_view.set_code(code)
        self._go(self.code_step)

    def _create_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.create_error.setText(str(exc))  # a UserError; a bug arrives reported

    # -- step 3 ---------------------------------------------------------------------------

    def _build_code(self) -> _Step:
        step = _Step()
        self.first_code_intro = self.tr(
            "This is your recovery code. If you ever forget your passphrase, it is the only "
            "way back into your journal. It is shown only now: write it down, or save or "
            "print it, and keep it somewhere safe and offline.")
        intro = QLabel(self.first_code_intro)
        intro.setWordWrap(True)
        self.code_intro = intro
        self.code_view = RecoveryCodeView()
        self.code_label = self.code_view.code_label
        self.stored = QCheckBox(self.tr("I have stored my recovery code somewhere safe"))
        self.code_next = QPushButton(self.tr("Continue"))
        self.code_next.setEnabled(False)
        self.stored.toggled.connect(self.code_next.setEnabled)
        self.code_next.clicked.connect(self._leave_code_step)
        layout = _column(heading(self.tr("Your recovery code")), intro, self.code_view,
                         self.stored, stretch_end=False)
        next_row = QHBoxLayout()
        next_row.addStretch(1)
        next_row.addWidget(self.code_next)
        layout.addLayout(next_row)
        step.body.setLayout(layout)
        return step

    def _leave_code_step(self) -> None:
        self.recovery_code = ""
        self.code_view.clear()
        self._go(self.join_step if self.joining else self.finish_step)

    # -- joining another computer (ui/onboarding_join.py) -----------------------------------

    def _join_steps(self) -> tuple[JoinOnboarding, _Step, _Step]:
        """Made when first needed: they load device sync (about a third of a second of
        imports), which a first computer's welcome should not wait for."""
        if self._join is None:
            from ui.onboarding_join import JoinOnboarding

            join = JoinOnboarding(self.app, self.runner, self.prefs, self)
            join_step, waiting_step = _Step(join.form, scrolls=True), _Step(join.waiting)
            join.show_step.connect(self._show_join_step)
            join.done.connect(lambda: self.finished.emit(False, None))
            for step in (join_step, waiting_step):
                self.stack.addWidget(step)
            # Made after "Need help now?", yet read before it.
            QWidget.setTabOrder(join.waiting.open_button, self.help_button)
            self._join = (join, join_step, waiting_step)
        return self._join

    @property
    def join(self) -> JoinOnboarding:
        return self._join_steps()[0]

    @property
    def join_step(self) -> _Step:
        return self._join_steps()[1]

    @property
    def waiting_step(self) -> _Step:
        return self._join_steps()[2]

    def _show_join_step(self, view: QWidget) -> None:
        self._go(self.waiting_step if view is self.join.waiting else self.join_step)

    def stop_sync(self) -> None:
        """The window locks or closes: a computer waiting to be let in stops looking."""
        if self._join is not None:
            self._join[0].stop()

    # -- step 4 ---------------------------------------------------------------------------

    def _build_finish(self) -> _Step:
        step = _Step()
        self.remember = QCheckBox(self.tr("Remember on this device (unlock without typing "
                                          "the passphrase)"))
        keyring_ok = CompanionApp.keyring_available()
        self.remember.setVisible(keyring_ok)
        remember_hint = hint(self.tr(
            "Your key is kept in this computer's keyring. Anyone who can use your logged-in "
            "account could then open your journal.") if keyring_ok else self.tr(
            "This computer has no secure keyring, so Companion will ask for your passphrase "
            "when it starts. Everything else works the same."))
        remember_hint.setWordWrap(True)
        self.reminder = QCheckBox(self.tr("Remind me to check in every day at"))
        self.reminder_time = QTimeEdit(QTime(20, 0))
        self.reminder_time.setDisplayFormat("HH:mm")
        self.reminder_time.setAccessibleName(self.tr("Reminder time"))
        self.reminder_time.setEnabled(False)
        self.reminder.toggled.connect(self.reminder_time.setEnabled)
        reminder_row = QHBoxLayout()
        reminder_row.addWidget(self.reminder)
        reminder_row.addWidget(self.reminder_time)
        reminder_row.addStretch(1)
        no_pressure = hint(self.tr("A gentle nudge, off by default. There are no streaks to "
                                   "keep: skip any day you like."))
        no_pressure.setWordWrap(True)
        done = QPushButton(self.tr("Open my journal"))
        done.setDefault(True)
        done.clicked.connect(self._finish)
        self.done_button = done
        # Only what works on this desktop is offered: a reminder needs a tray icon to show
        # from (Settings says the same), remembering needs a keyring.
        reminder_ok = QSystemTrayIcon.isSystemTrayAvailable()
        for widget in (self.reminder, self.reminder_time, no_pressure):
            widget.setVisible(reminder_ok)
        offered = int(keyring_ok) + int(reminder_ok)
        title = (self.tr("Two choices, both optional") if offered == 2
                 else self.tr("One choice, optional") if offered == 1
                 else self.tr("You are ready"))
        layout = _column(heading(title), self.remember, remember_hint, stretch_end=False)
        layout.addSpacing(12)
        layout.addLayout(reminder_row)
        layout.addWidget(no_pressure)
        layout.addSpacing(12)
        done_row = QHBoxLayout()
        done_row.addStretch(1)
        done_row.addWidget(done)
        layout.addLayout(done_row)
        step.body.setLayout(layout)
        return step

    def _finish(self) -> None:
        reminder = (self.reminder_time.time().toString("HH:mm")
                    if self.reminder.isChecked() and not self.reminder.isHidden() else None)
        self.finished.emit(self.remember.isChecked() and self.remember.isVisible(), reminder)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        """Enter presses the focused button (a plain widget, unlike a dialog, does not), and
        on the recovery code's box, once ticked, moves on."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focused = QApplication.focusWidget()
            if isinstance(focused, QPushButton) and focused.isEnabled():
                focused.click()
                return
            if focused is self.stored and self.code_next.isEnabled():
                self.code_next.click()
                return
            # In the join form's fields (the code, the name, the storage), Enter asks.
            if self._join is not None and self.stack.currentWidget() is self.join_step \
                    and self.join.form.ask_button.isEnabled():
                self.join.form.ask_button.click()
                return
        super().keyPressEvent(event)

    def _go(self, step: QWidget) -> None:
        self.stack.setCurrentWidget(step)
        if step is self.passphrase_step:
            self.pass1.setFocus()
        elif step is self.welcome:
            self.start_button.setFocus()
        elif step is self.code_step:
            self.code_view.copy_button.setFocus()  # where reading starts (the fields left)
        elif self._join is not None and step is self.join_step:
            self.join.form.fields.code.setFocus()
        elif self._join is not None and step is self.waiting_step:
            self.join.waiting.open_button.setFocus()
