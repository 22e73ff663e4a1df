import json
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from companion import questionnaires as q
from companion.crisis import load_crisis_resources, parse_resources, user_file
from companion.errors import InvalidInput
from companion.questionnaires import (
    FLAG_ITEM9,
    FLAG_WHO5_ITEM_LOW,
    FLAG_WHO5_LOW,
    QuestionnaireKind,
    load,
    parse_answers,
    parse_definition,
    score,
)

PHQ9, GAD7, WHO5 = QuestionnaireKind.PHQ9, QuestionnaireKind.GAD7, QuestionnaireKind.WHO5


# -- the shipped texts --------------------------------------------------------------------------


def test_the_published_wording_ships_with_source_and_terms():
    phq9, gad7, who5 = load(PHQ9), load(GAD7), load(WHO5)
    assert phq9.instructions == gad7.instructions == (
        "Over the last 2 weeks, how often have you been bothered by any of the following "
        "problems?")
    assert [(o.value, o.label) for o in phq9.options] == [
        (0, "Not at all"), (1, "Several days"), (2, "More than half the days"),
        (3, "Nearly every day")]
    assert phq9.items[0] == "Little interest or pleasure in doing things"
    assert phq9.items[8] == ("Thoughts that you would be better off dead or of hurting yourself"
                             " in some way")
    assert gad7.items[0] == "Feeling nervous, anxious or on edge"
    assert "Over the last two weeks" in who5.instructions
    assert [o.value for o in who5.options] == [5, 4, 3, 2, 1, 0]
    assert who5.options[0].label == "All of the time" and who5.options[-1].label == "At no time"
    for definition in (phq9, gad7, who5):
        assert definition.source and definition.terms
    assert "Pfizer" in phq9.source and "Spitzer" in gad7.source
    assert "No permission required" in phq9.terms
    assert "Frederiksborg" in who5.source
    assert (phq9.max_score, gad7.max_score, who5.max_score) == (27, 21, 100)


def test_definitions_are_checked_as_data():
    raw = json.loads(json.dumps(_raw(GAD7)))
    assert parse_definition(GAD7, raw).items == load(GAD7).items
    broken = [
        {**raw, "id": "phq9"},
        {**raw, "items": raw["items"][:6]},
        {**raw, "options": raw["options"][1:]},
        {**raw, "scoring": {"multiplier": 1, "bands": raw["scoring"]["bands"][:-1]}},
        {**raw, "scoring": {"multiplier": 1, "bands": [{"min": 0, "max": 10, "label": "a"},
                                                       {"min": 10, "max": 21, "label": "b"}]}},
        {**raw, "items": [*raw["items"][:6], 7]},
        {**raw, "title": ""},
    ]
    for bad in broken:
        with pytest.raises((ValueError, TypeError, KeyError)):
            parse_definition(GAD7, bad)


def _raw(kind: QuestionnaireKind) -> dict[str, object]:
    from assets import asset

    return json.loads(asset("questionnaires", f"{kind.value}.json").read_text("utf-8"))


# -- scoring and bands --------------------------------------------------------------------------


PHQ9_BANDS = [(0, 4, "minimal"), (5, 9, "mild"), (10, 14, "moderate"),
              (15, 19, "moderately severe"), (20, 27, "severe")]
GAD7_BANDS = [(0, 4, "minimal"), (5, 9, "mild"), (10, 14, "moderate"), (15, 21, "severe")]


def answers_for(total: int, items: int, top: int) -> list[int]:
    """Answers summing to `total`, filled from the first item (item 9 last to be used)."""
    answers = []
    for _ in range(items):
        answers.append(min(top, total))
        total -= answers[-1]
    assert total == 0
    return answers


@pytest.mark.parametrize(("kind", "items", "bands"), [(PHQ9, 9, PHQ9_BANDS),
                                                      (GAD7, 7, GAD7_BANDS)])
def test_every_band_boundary(kind, items, bands):
    for low, high, label in bands:
        for total in (low, high):
            result = score(kind, answers_for(total, items, 3))
            assert (result.total, result.score, result.band) == (total, total, label)


def test_published_examples():
    # PHQ-9: "several days" on every item is 9, mild, and item 9 answered.
    result = score(PHQ9, [1] * 9)
    assert (result.total, result.band, result.flags) == (9, "mild", frozenset({FLAG_ITEM9}))
    assert result.needs_crisis_resources
    assert score("phq9", [3] * 9).band == "severe"
    assert score("PHQ-9", [0] * 9).flags == frozenset()
    assert score(GAD7, [2, 2, 2, 2, 1, 1, 0]).band == "moderate"  # 10
    assert score(GAD7, [3] * 7).total == 21


def test_item9_alone_raises_the_flag_whatever_the_total():
    result = score(PHQ9, [0] * 8 + [1])
    assert (result.total, result.band) == (1, "minimal")
    assert result.needs_crisis_resources
    assert not score(PHQ9, [3] * 8 + [0]).needs_crisis_resources


def test_who5_is_raw_times_four_with_its_flags():
    result = score(WHO5, [3, 3, 3, 3, 3])
    assert (result.total, result.score, result.percentage, result.band) == (
        15, 60, 60, "adequate wellbeing")
    assert result.flags == frozenset()
    low = score(WHO5, [2, 2, 2, 3, 3])  # 12 → 48
    assert (low.percentage, low.band, low.flags) == (48, "low wellbeing",
                                                     frozenset({FLAG_WHO5_LOW}))
    assert score(WHO5, [3, 3, 3, 2, 2]).percentage == 52
    one_item = score(WHO5, [5, 5, 5, 5, 1])  # 84, but an item at 1
    assert one_item.flags == frozenset({FLAG_WHO5_ITEM_LOW})
    assert score(WHO5, [0] * 5).band == "very low wellbeing"
    assert score(WHO5, [5] * 5).percentage == 100
    assert score(PHQ9, [0] * 9).percentage is None


@pytest.mark.parametrize(("kind", "answers"), [
    (PHQ9, [0] * 8), (PHQ9, [0] * 10), (PHQ9, [0] * 8 + [4]), (GAD7, [-1] + [0] * 6),
    (WHO5, [6, 0, 0, 0, 0]), (WHO5, [True, 1, 1, 1, 1]), (WHO5, [1.0, 1, 1, 1, 1]),
    (GAD7, "0000000"), (GAD7, None), (PHQ9, []),
])
def test_invalid_answers_are_refused_clearly(kind, answers):
    with pytest.raises(InvalidInput) as caught:
        score(kind, answers)
    assert q.load(kind).short_title in str(caught.value)


def test_unknown_kinds_and_answer_text():
    with pytest.raises(InvalidInput, match="phq9, gad7 or who5"):
        score("bdi", [0])
    assert parse_answers("1,0, 2 3") == [1, 0, 2, 3]
    for text in ("", " , ", "1,a", "1.5"):
        with pytest.raises(InvalidInput):
            parse_answers(text)


@given(st.sampled_from(list(QuestionnaireKind)).flatmap(
    lambda kind: st.tuples(st.just(kind), st.lists(
        st.integers(0, load(kind).max_answer), min_size=len(load(kind).items),
        max_size=len(load(kind).items)))))
def test_totals_are_sums_and_bands_are_monotone(case):
    kind, answers = case
    definition = load(kind)
    result = score(kind, answers)
    assert result.total == sum(answers)
    assert result.score == sum(answers) * definition.multiplier
    labels = [band.label for band in definition.bands]
    rank = labels.index(result.band)
    # Raising any one answer never moves the band down.
    for i, value in enumerate(answers):
        if value < definition.max_answer:
            higher = score(kind, [*answers[:i], value + 1, *answers[i + 1:]])
            assert labels.index(higher.band) >= rank
    assert result.needs_crisis_resources == (kind is PHQ9 and answers[8] > 0)


# -- history and trend in the vault -------------------------------------------------------------


def test_history_and_trend(app, clock):
    assert app.questionnaire_history("phq9") == []
    assert app.questionnaire_trend("phq9").change is None
    first = app.save_questionnaire("phq9", [2] * 9)
    clock.advance(days=14)
    app.save_questionnaire("gad7", [1] * 7)
    clock.set(datetime(2026, 4, 1, 20, 0, tzinfo=timezone(timedelta(hours=-5))))
    second = app.save_questionnaire(PHQ9, [1] * 9)
    assert first.taken_at == datetime(2026, 3, 14, 9, 30, tzinfo=timezone(timedelta(hours=1)))
    found = app.questionnaire_history("phq9")
    assert [s.id for s in found] == [first.id, second.id]
    assert found[1].taken_at.utcoffset() == timedelta(hours=-5)
    assert found[1].result.answers == (1,) * 9
    trend = app.questionnaire_trend("phq9")
    assert [(p.score, p.band) for p in trend.points] == [(18, "moderately severe"), (9, "mild")]
    assert trend.change == -9
    assert [s.result.kind for s in app.questionnaire_history()] == [PHQ9, GAD7, PHQ9]
    assert [s.id for s in app.questionnaire_history("phq9", limit=1)] == [second.id]
    app.questionnaires.delete(second.id)
    assert app.questionnaire_trend("phq9").change is None


def test_the_phq9_difficulty_question_is_kept_but_not_scored(app):
    assert load(PHQ9).followup is not None
    assert load(PHQ9).followup.options[3].label == "Extremely difficult"
    assert load(GAD7).followup is None
    result = score(PHQ9, [1] + [0] * 8, followup=2)
    assert (result.total, result.followup) == (1, 2)
    for kind, value in ((PHQ9, 4), (PHQ9, -1), (PHQ9, True), (GAD7, 0)):
        with pytest.raises(InvalidInput):
            score(kind, [0] * len(load(kind).items), followup=value)
    app.save_questionnaire("phq9", [1] + [0] * 8, followup=3)
    assert app.questionnaire_history()[0].result.followup == 3


def test_saving_notifies_and_refuses_bad_answers(app):
    seen = []
    app.subscribe(seen.append)
    app.save_questionnaire("who5", [3] * 5)
    assert seen and seen[0].questionnaires
    with pytest.raises(InvalidInput):
        app.save_questionnaire("who5", [3] * 4)
    assert len(app.questionnaire_history()) == 1


def test_answers_stay_inside_the_vault(app):
    app.save_questionnaire("phq9", [3, 2, 1, 0, 3, 2, 1, 0, 2])
    stored = app.vault.database.query("SELECT kind, answers, total FROM questionnaire_results")
    assert stored == [("phq9", "[3, 2, 1, 0, 3, 2, 1, 0, 2]", 14)]
    assert all(p.name.startswith("vault.") for p in app.home.iterdir())


# -- crisis resources ---------------------------------------------------------------------------


def test_shipped_crisis_resources(tmp_path):
    resources = load_crisis_resources(tmp_path)
    assert resources.source == "shipped" and not resources.problem
    assert any("findahelpline.com" in line.url for line in resources.international)
    assert resources.country("us").lines[0].phone == "988"
    assert resources.country("GB").lines[0].phone == "116 123"
    assert resources.country("AU").lines[0].phone == "13 11 14"
    assert resources.verified and resources.last_checked


def test_a_user_edited_list_is_preferred(app):
    mine = {"format": 1, "intro": "My list.",
            "international": [{"name": "My therapist", "phone": "555 0100"}]}
    user_file(app.home).write_text(json.dumps(mine), "utf-8")
    resources = app.crisis_resources()
    assert resources.source == str(user_file(app.home))
    assert [line.name for line in resources.international] == ["My therapist"]
    assert resources.countries == ()


@pytest.mark.parametrize("text", [
    "not json", json.dumps({"format": 2}), json.dumps({"format": 1}),
    json.dumps({"format": 1, "international": [{"phone": "1"}]}),
    json.dumps({"format": 1, "international": "call someone"}),
    "\udcff",
])
def test_an_invalid_user_list_is_ignored(app, text):
    user_file(app.home).write_bytes(text.encode("utf-8", "surrogateescape"))
    resources = app.crisis_resources()
    assert resources.source == "shipped"
    assert str(user_file(app.home)) in resources.problem
    assert resources.country("US") is not None


def test_parse_resources_needs_at_least_one_line():
    with pytest.raises(ValueError):
        parse_resources({"format": 1, "countries": [{"code": "XX", "name": "X"}]}, source="t")
