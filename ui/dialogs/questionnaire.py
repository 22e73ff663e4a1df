"""Take PHQ-9, GAD-7 or WHO-5 with its published wording, then see the result, band and trend.

The texts come from `assets/questionnaires` through `companion.questionnaires`, never retyped
here. The moment PHQ-9 item 9 is answered above 0 the support lines open, before anything
is saved or scored: once for that answer (not again on "See my result", nor when the answer
moves from one "above 0" to another; again only after it went back to 0 and up again). The
result page keeps a button to open them. Saving and reading the history run on the task
runner.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from companion.app import CompanionApp
from companion.charts.timeline import questionnaire_chart
from companion.questionnaire_store import SavedResult, Trend, TrendPoint
from companion.questionnaires import (
    FLAG_ITEM9,
    FLAG_TEXTS,
    Option,
    Questionnaire,
    QuestionnaireKind,
    load,
)
from ui.dialogs.crisis import CrisisDialog, show_crisis_dialog, support_host
from ui.tasks import TaskRunner
from ui.theme import ACCENT
from ui.widgets.chart_view import ChartView
from ui.widgets.common import error_label, heading, hint, subheading, user_message

ITEM9 = 8
HISTORY = 12  # results shown in the trend after taking one
# The result page's words for item 9, for a person rather than a form ("item 9 above 0").
ITEM9_WORDS = ("You said that thoughts of hurting yourself came up. You don't have to carry "
               "that alone: the support lines are here whenever you want them.")


def answer_style(base: str) -> str:
    """Radio buttons drawn plainly in both themes (Fusion's are near-invisible on the dark
    palette): an outlined circle, filled with the accent colour when chosen."""
    dot = (f"qradialgradient(cx:0.5, cy:0.5, radius:0.5, fx:0.5, fy:0.5, stop:0 {ACCENT}, "
           f"stop:0.5 {ACCENT}, stop:0.6 {base}, stop:1 {base})")
    return ("QRadioButton::indicator { width: 14px; height: 14px; border-radius: 8px;"
            f" border: 1px solid #8a8b93; background: {base}; }}"
            f" QRadioButton::indicator:checked {{ border: 1px solid {ACCENT};"
            f" background: {dot}; }}"
            " QRadioButton:checked { font-weight: 600; }")


class QuestionnaireDialog(QDialog):
    saved = Signal(object)  # SavedResult

    def __init__(self, app: CompanionApp, runner: TaskRunner, kind: QuestionnaireKind,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app, self.runner = app, runner
        self.definition: Questionnaire = load(kind)
        self.crisis: CrisisDialog | None = None
        # Whether the support lines were shown for the current item-9 answer above 0.
        self.support_shown_for_answer = False
        self.saved_result: SavedResult | None = None
        self.setWindowTitle(self.definition.title)
        self.setMinimumSize(640, 640)
        self.setStyleSheet(answer_style(self.palette().color(QPalette.ColorRole.Base).name()))
        self.groups: list[QButtonGroup] = []
        self.followup_group: QButtonGroup | None = None
        self.stack = QStackedWidget()
        self.stack.addWidget(self._build_form())
        self.stack.addWidget(self._build_result())
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)

    # -- the form ---------------------------------------------------------------------------

    def _build_form(self) -> QWidget:
        definition = self.definition
        body = QWidget()
        column = QVBoxLayout(body)
        column.addWidget(heading(definition.title))
        instructions = QLabel(definition.instructions)
        instructions.setWordWrap(True)
        column.addWidget(instructions)
        for number, item in enumerate(definition.items, start=1):
            group = self._question(column, f"{number}. {item}", definition.options)
            group.idClicked.connect(lambda value, n=number - 1: self._answered(n, value))
            self.groups.append(group)
        if definition.followup is not None:
            self.followup_group = self._question(column, definition.followup.text,
                                                 definition.followup.options)
            self.followup_group.idClicked.connect(lambda _v: self._update_submit())
        column.addWidget(hint(f"{definition.source} {definition.terms}"))
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll, 1)
        self.form_error = error_label()
        self.form_error.setVisible(False)
        layout.addWidget(self.form_error)
        buttons = QDialogButtonBox()
        self.submit = buttons.addButton(self.tr("See my result"),
                                        QDialogButtonBox.ButtonRole.AcceptRole)
        self.submit.setEnabled(False)
        self.submit.clicked.connect(self.save)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel).clicked.connect(self.reject)
        layout.addWidget(buttons)
        return page

    def _question(self, column: QVBoxLayout, text: str,
                  options: Sequence[Option]) -> QButtonGroup:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setStyleSheet("font-weight: 600; margin-top: 8px;")
        column.addWidget(label)
        group = QButtonGroup(self)
        for option in options:
            button = QRadioButton(f"{option.label} ({option.value})")
            button.setAccessibleName(f"{text}: {option.label}")
            group.addButton(button, option.value)
            column.addWidget(button)
        return group

    def _answered(self, index: int, value: int) -> None:
        if self.definition.kind is QuestionnaireKind.PHQ9 and index == ITEM9:
            if value > 0 and not self.support_shown_for_answer:
                self.show_support()  # at once: before the rest of the form, before any saving
            elif value == 0:
                self.support_shown_for_answer = False  # a new answer above 0 shows them again
        self._update_submit()

    def show_support(self) -> CrisisDialog:
        self.support_shown_for_answer = True
        if self.crisis is None:
            # Hung on the main window's stack, not on this dialog: a lock closes this dialog
            # (it holds answers), and must not take the support lines away from someone
            # who has just said these thoughts came up.
            host = support_host(self.parentWidget() or self)
            self.crisis = show_crisis_dialog(self.app.home, self.runner, host,
                                             after_answer=True)
            self.crisis.finished.connect(self._support_closed)  # closed, if not yet deleted
        else:
            self.crisis.raise_()
        return self.crisis

    def _support_closed(self, _result: int = 0) -> None:
        self.crisis = None

    def answers(self) -> list[int] | None:
        values = [group.checkedId() for group in self.groups]
        return None if any(v < 0 for v in values) else values

    def _update_submit(self) -> None:
        self.submit.setEnabled(self.answers() is not None)

    def answer(self, item: int, value: int) -> None:
        """Choose an answer as a click would (keyboard users and tests)."""
        self.groups[item].button(value).click()

    def save(self) -> None:
        answers = self.answers()
        if answers is None:
            return
        followup = None
        if self.followup_group is not None and self.followup_group.checkedId() >= 0 and any(
                answers):
            followup = self.followup_group.checkedId()
        self.submit.setEnabled(False)
        app, kind = self.app, self.definition.kind

        def work() -> tuple[SavedResult, list[SavedResult]]:
            saved = app.save_questionnaire(kind, answers, followup=followup)
            return saved, app.questionnaire_history(kind, limit=HISTORY)

        self.runner.run(work, self._saved, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.submit.setEnabled(True)
        self.form_error.setText(user_message(exc))
        self.form_error.setVisible(True)

    # -- the result -------------------------------------------------------------------------

    def _build_result(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(heading(self.tr("Your result")))
        self.score_label = subheading("")
        self.score_label.setAccessibleName(self.tr("Score"))
        layout.addWidget(self.score_label)
        self.flags_label = QLabel()
        self.flags_label.setWordWrap(True)
        layout.addWidget(self.flags_label)
        self.support_button = QPushButton(self.tr("Show support lines"))
        self.support_button.clicked.connect(self.show_support)
        layout.addWidget(self.support_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.bands_label = hint("")
        layout.addWidget(self.bands_label)
        layout.addSpacing(8)
        layout.addWidget(subheading(self.tr("Your recent results")))
        self.trend_holder = QVBoxLayout()
        layout.addLayout(self.trend_holder)
        self.history_label = QLabel()
        self.history_label.setWordWrap(True)
        self.history_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.history_label)
        self.note_label = hint("")
        layout.addWidget(self.note_label)
        layout.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.accept)
        layout.addWidget(buttons)
        return page

    def _saved(self, payload: tuple[SavedResult, list[SavedResult]]) -> None:
        saved, history = payload
        self.saved_result = saved
        result, definition = saved.result, self.definition
        if result.percentage is not None:
            score = f"{result.percentage} out of 100 — {result.band}"
        else:
            score = f"{result.total} out of {result.max_score} — {result.band}"
        self.score_label.setText(f"{definition.short_title}: {score}")
        self.flags_label.setText("\n".join(ITEM9_WORDS if f == FLAG_ITEM9 else FLAG_TEXTS[f]
                                           for f in sorted(result.flags)))
        self.flags_label.setVisible(bool(result.flags))
        self.support_button.setVisible(result.needs_crisis_resources)
        self.bands_label.setText("Bands: " + ", ".join(
            f"{b.low}–{b.high} {b.label}" for b in definition.bands) + ".")
        trend = Trend(definition.kind, tuple(TrendPoint(s.taken_at, s.result.score,
                                                        s.result.band) for s in history))
        first, last = history[0].taken_at.date(), history[-1].taken_at.date()
        first = min(first, last - timedelta(days=28))
        view = ChartView(lambda w: questionnaire_chart(trend, first, last, w, 170))
        view.setAccessibleName(self.tr("Your results over time"))
        self.trend_holder.addWidget(view)
        lines = [f"{s.taken_at.strftime('%d %b %Y')}:  {s.result.score}  ({s.result.band})"
                 for s in history[-4:]]
        if len(history) >= 2:
            change = history[-1].result.score - history[-2].result.score
            sign = "+" if change > 0 else "−"
            direction = "no change" if change == 0 else f"{sign}{abs(change)}"
            lines.append(f"Since the time before: {direction}.")
        self.history_label.setText("\n".join(lines))
        self.note_label.setText(f"{definition.note} A questionnaire is a snapshot, not a "
                                "diagnosis.".strip())
        self.stack.setCurrentIndex(1)
        self.saved.emit(saved)
        if result.needs_crisis_resources and not self.support_shown_for_answer:
            self.show_support()  # (answered without a click reaching _answered)
