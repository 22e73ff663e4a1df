"""`companion questionnaire KIND`: take PHQ-9, GAD-7 or WHO-5, score it, keep the result.

With --answers the answers come from the command line; without, each item is asked in turn.
With --passphrase-stdin the answers are read one per line after the passphrase line (for
scripts and tests); on a terminal a wrong answer is asked again, elsewhere it is an error.
When PHQ-9 item 9 is above 0 the crisis resources are shown at once, before anything else.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from companion.app import CompanionApp
from companion.cli.terminal import write_json
from companion.crisis import format_resources, load_crisis_resources, start_user_copy, user_file
from companion.errors import InvalidInput, UserError
from companion.questionnaire_store import SavedResult
from companion.questionnaires import (
    FLAG_TEXTS,
    Questionnaire,
    QuestionnaireKind,
    Result,
    load,
    parse_answers,
    parse_kind,
    score,
)

KINDS = [kind.value for kind in QuestionnaireKind]
ITEM9 = 8  # PHQ-9's ninth item, zero-based


def cmd_questionnaire(app: CompanionApp, args: argparse.Namespace, stdin: TextIO,
                      out: TextIO) -> int:
    kind = parse_kind(args.kind)
    if args.history:
        return show_history(app, kind, args.json, out)
    definition = load(kind)
    if args.answers is not None:
        result = score(kind, parse_answers(args.answers), args.difficulty)
        if result.needs_crisis_resources:
            # First, before the score; with --json on stderr too, so a person sees it.
            show_crisis(app, sys.stderr if args.json else out)
    else:
        if args.difficulty is not None:
            raise InvalidInput("--difficulty goes with --answers; without them it is asked.")
        from_stdin = bool(getattr(args, "passphrase_stdin", False))
        result = ask(app, definition, stdin, out, from_stdin=from_stdin, quiet=args.json)
    saved = None if args.no_save else app.save_questionnaire(kind, result.answers,
                                                             followup=result.followup)
    if args.json:
        write_json(result_json(app, result, saved), out)
    else:
        print_result(definition, result, saved, out)
    return 0


def ask(app: CompanionApp, definition: Questionnaire, stdin: TextIO, out: TextIO, *,
        from_stdin: bool, quiet: bool) -> Result:
    if not from_stdin and not stdin.isatty():
        raise UserError("There is no terminal to ask the questions on.",
                        "Give the answers with --answers, or run the command in a terminal.")
    low, high = definition.min_answer, definition.max_answer
    shown = sys.stderr if quiet else out  # --json keeps standard output for the JSON
    _say(shown, f"{definition.title}\n{definition.instructions}\n")
    _say(shown, "\n".join(f"  {o.value}  {o.label}" for o in definition.options) + "\n")
    answers: list[int] = []
    for number, item in enumerate(definition.items, start=1):
        _say(shown, f"{number}. {item}")
        value = _ask_answer(stdin, shown, low, high, from_stdin=from_stdin,
                            label=f"Answer {number}")
        assert value is not None
        answers.append(value)
        if definition.kind is QuestionnaireKind.PHQ9 and number == ITEM9 + 1 and value > 0:
            _say(shown, "")
            show_crisis(app, shown)  # at once, before the remaining steps
    followup = None
    if definition.followup is not None and any(answers):
        followup = ask_followup(definition, stdin, shown, from_stdin=from_stdin)
    _say(shown, "")
    return score(definition.kind, answers, followup)


def ask_followup(definition: Questionnaire, stdin: TextIO, shown: TextIO, *,
                 from_stdin: bool) -> int | None:
    """The unscored follow-up question; an empty answer skips it."""
    extra = definition.followup
    assert extra is not None
    values = [option.value for option in extra.options]
    low, high = min(values), max(values)
    _say(shown, f"\n{extra.text}")
    _say(shown, "\n".join(f"  {o.value}  {o.label}" for o in extra.options))
    return _ask_answer(stdin, shown, low, high, from_stdin=from_stdin, label="Difficulty",
                       skippable=True)


def _ask_answer(stdin: TextIO, shown: TextIO, low: int, high: int, *, from_stdin: bool,
                label: str, skippable: bool = False) -> int | None:
    """One answer: asked again on a terminal until valid; from standard input (scripts), a
    bad answer is an error. With `skippable`, an empty line answers None."""
    hint = f"{low}–{high}, or Enter to skip" if skippable else f"{low}–{high}"
    while True:
        _say(shown, f"   Your answer ({hint}): ", end="")
        line = stdin.readline()
        if not line:
            raise UserError("The questionnaire was not finished; nothing was saved.")
        if skippable and not line.strip():
            if from_stdin:
                _say(shown, "")
            return None
        try:
            value = _one_answer(line, low, high)
        except InvalidInput as exc:
            if from_stdin:
                raise InvalidInput(f"{label}: {exc.message}") from None
            _say(shown, f"   {exc.message}")
            continue
        if from_stdin:
            _say(shown, str(value))  # the answer, as a terminal would have echoed it
        return value


def _one_answer(line: str, low: int, high: int) -> int:
    text = line.strip()
    try:
        value = int(text)
    except ValueError:
        raise InvalidInput(f"'{text}' is not an answer; type a number from {low} to {high}."
                           ) from None
    if not low <= value <= high:
        raise InvalidInput(f"{value} is not an answer; type a number from {low} to {high}.")
    return value


def _say(out: TextIO, text: str, end: str = "\n") -> None:
    print(text, file=out, end=end, flush=True)


def show_crisis(app: CompanionApp, out: TextIO) -> None:
    print("— Support, if you need it now —\n", file=out)
    out.write(format_resources(app.crisis_resources(), _country(app.home)))
    print(f"(You can keep your own list in {user_file(app.home)}: "
          "`companion crisis-resources --edit` starts one.)\n", file=out)


def cmd_crisis_resources(home: Path, args: argparse.Namespace, out: TextIO) -> int:
    """Needs no passphrase: support lines must be reachable even with the vault locked."""
    if args.edit:
        path, written = start_user_copy(home)
        state = "Wrote a copy of the list" if written else "Your own list is"
        print(f"{state} in {path}. Edit it with any text editor; Companion shows it instead "
              "of the shipped list while it is valid JSON.", file=out)
        return 0
    out.write(format_resources(load_crisis_resources(home), _country(home)))
    return 0


def _country(home: Path) -> str:
    """The country the person chose on the app's support screen: its lines come first."""
    from companion.preferences import load_preferences

    return load_preferences(home).crisis_country


def print_result(definition: Questionnaire, result: Result, saved: SavedResult | None,
                 out: TextIO) -> None:
    if result.percentage is not None:
        line = (f"{definition.short_title}: {result.percentage}/100 (raw {result.total}/"
                f"{definition.max_answer * len(definition.items)}), {result.band}")
    else:
        line = f"{definition.short_title}: {result.total}/{result.max_score}, {result.band}"
    print(line, file=out)
    if result.followup is not None and definition.followup is not None:
        label = next(o.label for o in definition.followup.options
                     if o.value == result.followup)
        print(f"Difficulty: {label}", file=out)
    for flag in sorted(result.flags):
        print(FLAG_TEXTS[flag], file=out)
    if definition.note:
        print(definition.note, file=out)
    print(f"Saved as result {saved.id}." if saved else "Not saved.", file=out)


def show_history(app: CompanionApp, kind: QuestionnaireKind, as_json: bool, out: TextIO) -> int:
    definition = load(kind)
    found = app.questionnaire_history(kind)
    trend = app.questionnaire_trend(kind)
    if as_json:
        write_json({"kind": kind.value, "change": trend.change,
                    "results": [result_json(app, s.result, s) for s in found]}, out)
        return 0
    if not found:
        print(f"No saved {definition.short_title} results yet.", file=out)
        return 0
    for saved in found:
        when = saved.taken_at.strftime("%Y-%m-%d %H:%M")
        print(f"{when}  {saved.result.score:>3}/{saved.result.max_score}  {saved.result.band}",
              file=out)
    if trend.change is not None:
        sign = "+" if trend.change > 0 else ""
        print(f"Change since the previous result: {sign}{trend.change}", file=out)
    return 0


def result_json(app: CompanionApp, result: Result, saved: SavedResult | None) -> dict[str, Any]:
    value: dict[str, Any] = {
        "kind": result.kind.value,
        "answers": list(result.answers),
        "total": result.total,
        "score": result.score,
        "max_score": result.max_score,
        "percentage": result.percentage,
        "band": result.band,
        "flags": sorted(result.flags),
        "followup": result.followup,
        "id": saved.id if saved else None,
        "taken_at": saved.taken_at.isoformat() if saved else None,
    }
    if result.needs_crisis_resources:
        value["crisis_resources"] = format_resources(app.crisis_resources())
    return value



