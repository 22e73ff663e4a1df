"""Questionnaire results in words: what was asked, where the latest score sits, what that band
means, and how it moved since the time before.

The Insights page used to show "PHQ-9: 7 (mild)" and leave the reader to know what "mild" is
on which scale. These sentences stay close to the published bands (Kroenke et al. 2001 for
PHQ-9, Spitzer et al. 2006 for GAD-7, Topp et al. 2015 for WHO-5) and claim no more: a score is
a screening result, never a diagnosis, and the page says that once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from companion.questionnaire_store import Trend, TrendPoint
from companion.questionnaires import QuestionnaireKind, load


@dataclass(frozen=True)
class KindWords:
    topic: str  # what it measures, a few words after the short title
    asks: str  # what it asks, for someone who has not taken it yet
    higher: str  # which way is better
    bands: dict[str, str]  # band label → what a score there means


WORDS = {
    QuestionnaireKind.PHQ9: KindWords(
        "low mood",
        "Nine questions on how often problems of low mood bothered you over the last two "
        "weeks; about two minutes.",
        "Higher scores mean more of those problems, more often.",
        {"minimal": "Few or none of the nine problems came up often.",
         "mild": "Some of the problems came up, on some days.",
         "moderate": "Several problems came up on many days. From 10, screening guidelines "
                     "suggest talking it over with a health professional.",
         "moderately severe": "Many of the problems came up on most days. Talking to a health "
                              "professional is recommended.",
         "severe": "Most of the problems came up nearly every day. Please talk to a health "
                   "professional soon."}),
    QuestionnaireKind.GAD7: KindWords(
        "anxiety",
        "Seven questions on how often worry and nervousness bothered you over the last two "
        "weeks; about two minutes.",
        "Higher scores mean more anxiety, more often.",
        {"minimal": "Little or no worry and nervousness came up often.",
         "mild": "Some worry and nervousness came up, on some days.",
         "moderate": "Worry and nervousness came up on many days. From 10, screening "
                     "guidelines suggest talking it over with a health professional.",
         "severe": "Worry and nervousness came up nearly every day. Talking to a health "
                   "professional is recommended."}),
    QuestionnaireKind.WHO5: KindWords(
        "wellbeing",
        "Five questions on how you have felt over the last two weeks — cheerful, calm, "
        "active, rested, interested; about a minute.",
        "Higher scores mean better wellbeing (0–100).",
        {"very low wellbeing": "Scores this low often go with depression. Talking to a health "
                               "professional is recommended.",
         "low wellbeing": "Below 50 suggests checking in with a health professional.",
         "adequate wellbeing": "50 or more is where most people's scores lie."}),
}
NOT_A_DIAGNOSIS = ("Questionnaires are screening aids: a score is a snapshot of two weeks, not a "
                   "diagnosis.")


def kind_title(kind: QuestionnaireKind) -> str:
    """ "PHQ-9 · low mood": the short title once, with what it is about (the drop-down said
    "PHQ-9 — Patient Health Questionnaire (PHQ-9)")."""
    return f"{load(kind).short_title} · {WORDS[kind].topic}"


def band_sentence(kind: QuestionnaireKind, point: TrendPoint) -> str:
    """The score on its scale, the band it is in, and what that band means."""
    definition = load(kind)
    band = definition.band_for(point.score)
    meaning = WORDS[kind].bands.get(band.label, "")
    return (f"{point.score} of {definition.max_score} on {_day(point.taken_at.date())}, in "
            f"the {band.label} band ({band.low}–{band.high}). {meaning}").strip()


def change_sentence(kind: QuestionnaireKind, trend: Trend) -> str:
    """How the latest result compares with the one before, in the direction of better."""
    change = trend.change
    if change is None:
        return ""
    if change == 0:
        return "The same as the time before."
    better = change < 0 if kind is not QuestionnaireKind.WHO5 else change > 0
    return (f"{abs(change)} {'higher' if change > 0 else 'lower'} than the time before "
            f"({'better' if better else 'worse'}).")


def latest_sentences(kind: QuestionnaireKind, trend: Trend, latest: TrendPoint | None) -> str:
    """The words under a questionnaire's name on the Insights page.

    `trend` holds the period's results; `latest` the newest one at all (it may be older than
    the period, and then the words say so rather than show nothing)."""
    if latest is None:
        return f"Not taken yet. {WORDS[kind].asks}"
    if not trend.points:
        return f"None in this period. The last one: {band_sentence(kind, latest)}"
    words = [f"Latest: {band_sentence(kind, trend.points[-1])}"]
    change = change_sentence(kind, trend)
    if change:
        words.append(change)
    words.append(WORDS[kind].higher)
    return " ".join(words)


def _day(day: date) -> str:
    return f"{day.day} {day.strftime('%b %Y')}"
