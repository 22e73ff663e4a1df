"""Standard self-assessments (PHQ-9, GAD-7, WHO-5): their published texts and their scoring.

The wording, options and bands live in `assets/questionnaires/*.json` as data, with their
source and terms of use, so the texts are reviewed once and never retyped in code. The files
are checked for shape when loaded: a damaged install says so instead of scoring wrongly.

What is code, not data: which answers raise a flag. PHQ-9 item 9 (thoughts of being better
off dead or of self-harm) above 0 must always bring up the crisis resources; that must not
hinge on a data file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

from assets import asset
from companion.errors import InvalidInput, UserError


class QuestionnaireKind(StrEnum):
    PHQ9 = "phq9"
    GAD7 = "gad7"
    WHO5 = "who5"


# How many items each published instrument has: a file that disagrees is not that instrument.
ITEM_COUNTS = {QuestionnaireKind.PHQ9: 9, QuestionnaireKind.GAD7: 7, QuestionnaireKind.WHO5: 5}

FLAG_ITEM9 = "item9_positive"  # PHQ-9: any answer above 0 to item 9
FLAG_WHO5_LOW = "who5_low"  # WHO-5: percentage below 50
FLAG_WHO5_ITEM_LOW = "who5_item_low"  # WHO-5: any item answered 0 or 1
WHO5_LOW_BELOW = 50

FLAG_TEXTS = {
    FLAG_ITEM9: ("You said that thoughts of hurting yourself came up. You don't have to carry "
                 "that alone: the support lines shown here are there whenever you want them."),
    FLAG_WHO5_LOW: "A WHO-5 score below 50 suggests talking to a health professional.",
    FLAG_WHO5_ITEM_LOW: "An answer of 0 or 1 on any WHO-5 item suggests talking to a health "
                        "professional.",
}


class QuestionnaireDataError(UserError):
    default_message = "A questionnaire file that ships with Companion is damaged."
    default_hint = "Reinstall Companion."


@dataclass(frozen=True)
class Option:
    value: int
    label: str


@dataclass(frozen=True)
class Band:
    low: int
    high: int
    label: str


@dataclass(frozen=True)
class Followup:
    """A question asked after the items and not scored (PHQ-9's difficulty question)."""

    text: str
    options: tuple[Option, ...]

    def check(self, value: Any) -> int:
        values = [option.value for option in self.options]
        if isinstance(value, bool) or not isinstance(value, int) or value not in values:
            raise InvalidInput(f"The difficulty answer must be a whole number from {min(values)}"
                               f" to {max(values)}, not {value!r}.")
        return value


@dataclass(frozen=True)
class Questionnaire:
    kind: QuestionnaireKind
    title: str
    short_title: str
    instructions: str
    options: tuple[Option, ...]
    items: tuple[str, ...]
    multiplier: int
    bands: tuple[Band, ...]
    source: str
    terms: str
    note: str
    followup: Followup | None = None

    @property
    def min_answer(self) -> int:
        return min(option.value for option in self.options)

    @property
    def max_answer(self) -> int:
        return max(option.value for option in self.options)

    @property
    def max_score(self) -> int:
        return self.max_answer * len(self.items) * self.multiplier

    def band_for(self, score: int) -> Band:
        for band in self.bands:
            if band.low <= score <= band.high:
                return band
        raise InvalidInput(f"{score} is outside the {self.short_title} range 0–{self.max_score}.")

    def option_label(self, value: int) -> str:
        return next(option.label for option in self.options if option.value == value)


@dataclass(frozen=True)
class Result:
    kind: QuestionnaireKind
    answers: tuple[int, ...]
    total: int  # the plain sum of the answers (WHO-5: the raw score, 0–25)
    score: int  # what the bands are read on (WHO-5: the percentage, raw × 4)
    max_score: int
    band: str
    flags: frozenset[str]
    followup: int | None = None  # the unscored follow-up answer, if asked

    @property
    def percentage(self) -> int | None:
        """WHO-5's published 0–100 scale; None for the others."""
        return self.score if self.kind is QuestionnaireKind.WHO5 else None

    @property
    def needs_crisis_resources(self) -> bool:
        return FLAG_ITEM9 in self.flags


def parse_kind(text: str) -> QuestionnaireKind:
    cleaned = text.strip().lower().replace("-", "").replace(" ", "")
    try:
        return QuestionnaireKind(cleaned)
    except ValueError:
        raise InvalidInput(f"'{text}' is not a questionnaire Companion knows.",
                           "Choose phq9, gad7 or who5.") from None


@cache
def load(kind: QuestionnaireKind | str) -> Questionnaire:
    kind = parse_kind(kind) if not isinstance(kind, QuestionnaireKind) else kind
    try:
        raw = json.loads(asset("questionnaires", f"{kind.value}.json").read_text("utf-8"))
    except (OSError, ValueError):
        raise QuestionnaireDataError(
            f"The {kind.value} questionnaire file is missing or damaged.") from None
    try:
        return parse_definition(kind, raw)
    except (KeyError, TypeError, ValueError) as exc:
        raise QuestionnaireDataError(
            f"The {kind.value} questionnaire file is damaged ({exc}).") from None


def parse_definition(kind: QuestionnaireKind, raw: Any) -> Questionnaire:
    """Check a definition's shape; raise ValueError/TypeError/KeyError if it is not right."""
    if not isinstance(raw, dict) or raw.get("format") != 1 or raw.get("id") != kind.value:
        raise ValueError("not a format-1 definition of this questionnaire")
    options = tuple(Option(_int(o["value"]), _text(o["label"])) for o in _list(raw["options"]))
    values = sorted(option.value for option in options)
    if values != list(range(len(options))) or len(options) < 2:
        raise ValueError("options must be valued 0..n without gaps")
    items = tuple(_text(item) for item in _list(raw["items"]))
    if len(items) != ITEM_COUNTS[kind]:
        raise ValueError(f"expected {ITEM_COUNTS[kind]} items, found {len(items)}")
    scoring = raw["scoring"]
    multiplier = _int(scoring["multiplier"])
    if multiplier < 1:
        raise ValueError("the multiplier must be positive")
    bands = tuple(Band(_int(b["min"]), _int(b["max"]), _text(b["label"]))
                  for b in _list(scoring["bands"]))
    top = values[-1] * len(items) * multiplier
    expected_low = 0
    for band in bands:  # contiguous, ascending, covering exactly 0..top
        if band.low != expected_low or band.high < band.low:
            raise ValueError("bands must run from 0 upwards without gaps or overlaps")
        expected_low = band.high + 1
    if expected_low != top + 1:
        raise ValueError(f"bands must end at the maximum score {top}")
    followup = None
    if raw.get("followup") is not None:
        extra = raw["followup"]
        followup = Followup(_text(extra["text"]), tuple(
            Option(_int(o["value"]), _text(o["label"])) for o in _list(extra["options"])))
        if not followup.options:
            raise ValueError("a follow-up question needs options")
    return Questionnaire(
        kind=kind, title=_text(raw["title"]), short_title=_text(raw["short_title"]),
        instructions=_text(raw["instructions"]), options=options, items=items,
        multiplier=multiplier, bands=bands, source=_text(raw["source"]),
        terms=_text(raw["terms"]), note=str(raw.get("note", "")), followup=followup,
    )


def score(kind: QuestionnaireKind | str, answers: Any, followup: int | None = None) -> Result:
    """Score a complete set of answers, one per item, in item order; `followup` is the answer
    to the unscored follow-up question (PHQ-9's difficulty), when there is one."""
    definition = load(parse_kind(kind) if isinstance(kind, str) else kind)
    checked = check_answers(definition, answers)
    if followup is not None:
        if definition.followup is None:
            raise InvalidInput(f"The {definition.short_title} has no follow-up question.")
        followup = definition.followup.check(followup)
    total = sum(checked)
    value = total * definition.multiplier
    flags: set[str] = set()
    if definition.kind is QuestionnaireKind.PHQ9 and checked[8] > 0:
        flags.add(FLAG_ITEM9)
    if definition.kind is QuestionnaireKind.WHO5:
        if value < WHO5_LOW_BELOW:
            flags.add(FLAG_WHO5_LOW)
        if any(answer <= 1 for answer in checked):
            flags.add(FLAG_WHO5_ITEM_LOW)
    return Result(kind=definition.kind, answers=checked, total=total, score=value,
                  max_score=definition.max_score, band=definition.band_for(value).label,
                  flags=frozenset(flags), followup=followup)


def check_answers(definition: Questionnaire, answers: Any) -> tuple[int, ...]:
    if isinstance(answers, str | bytes) or not hasattr(answers, "__iter__"):
        raise InvalidInput(f"{definition.short_title} answers must be a list of numbers.")
    values = list(answers)
    low, high = definition.min_answer, definition.max_answer
    if len(values) != len(definition.items):
        raise InvalidInput(
            f"{definition.short_title} has {len(definition.items)} items; "
            f"{len(values)} answer{'s were' if len(values) != 1 else ' was'} given.",
            f"Give one answer from {low} to {high} for each item, in order.")
    for number, value in enumerate(values, start=1):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InvalidInput(
                f"Answer {number} of the {definition.short_title} must be a whole number from "
                f"{low} to {high}, not {value!r}.")
    return tuple(values)


def parse_answers(text: str) -> list[int]:
    """`"1,0,2 3"` → [1, 0, 2, 3]; anything not a whole number is a clear error."""
    parts = [part for part in text.replace(",", " ").split() if part]
    if not parts:
        raise InvalidInput("No answers were given.", "Give them like --answers 1,0,2,…")
    values: list[int] = []
    for part in parts:
        try:
            values.append(int(part))
        except ValueError:
            raise InvalidInput(f"'{part}' is not an answer: answers are whole numbers.") from None
    return values


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError("expected a list")
    return value


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("expected a whole number")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise TypeError("expected non-empty text")
    return value
